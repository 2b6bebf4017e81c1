// Mutant: answers AUTHORIZED / UPDATE_AUTHORIZED pushes with `{"errcode":0}` instead of exactly `success` (tickets
// and every other push are still answered `success`).
// Must break: auth.authorized-push-ack → FAILED.
// A real TP bug (field notes §(c) pain 6: the reply must be exactly `success`; framework JSON responders are a
// classic cause): Baidu counts the authorization push as undelivered (§2.1) and retries/alarms, even though the TP
// did process the event. (§7 names no authorization-chain item; this harness holds the chain to §1–§2.)
import { runReferenceTp } from '../../harness/platform/reference/main.ts';

await runReferenceTp({
  ackBody: (kind, event) => (kind === 'event' && (event === 'AUTHORIZED' || event === 'UPDATE_AUTHORIZED') ? '{"errcode":0}' : 'success'),
});
