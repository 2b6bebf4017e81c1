// Mutant: its 授权发起页 leads to Baidu's authorization page once; every later visit answers HTTP 410 "link already
// used" (a TP that treats the page as a one-time invitation). Like many TPs, it answers "success" to a push it
// refuses (a bad signature), so Baidu would not retry it.
// Must break: probe.silent-reauthorization → WARNING (FAILED with --strict): the admin's second scan stops at the
// 授权发起页, and an admin re-authorizes the same way (to change permission sets, or after a token was lost).
// probe.forged-push-ignored → SKIPPED: the TP's answer to the forged push says nothing, and its trigger (opening the
// 授权发起页) calls no Baidu API, so nothing makes the TP need a new TP token. Every Baidu check passes: the first
// scan works.
import { runReferenceTp } from '../../harness/platform/reference/main.ts';

await runReferenceTp({ startPageUses: 1, ackRefusedPushes: true });
