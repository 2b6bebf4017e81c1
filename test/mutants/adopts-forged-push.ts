// Mutant: decrypts pushes without verifying MsgSignature, so it adopts a ticket from a push whose signature was forged.
// Must break: probe.forged-push-ignored → WARNING, FAILED with --strict (once the TP asks for a TP token with the
// forged ticket; a security hole, not a style issue).
// A real TP bug (field notes §(c) pain 11: community Baidu libs skip signature and client-id verification — the check
// is commented out in EasyBaiDu's Encryptor; pain 12: tickets cross-contaminate between TPs sharing a handler): anyone
// who can reach the 授权事件接收URL can feed the TP tickets and events, and its TP token chain breaks on the first fake.
import { runReferenceTp } from '../../harness/platform/reference/main.ts';

await runReferenceTp({ verifyPushSignature: false });
