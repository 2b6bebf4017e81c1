// Mutant: answers the UNAUTHORIZED push (an admin cancelled the authorization) with `ok` instead of exactly `success`
// (every other push is still answered `success`).
// Must break: probe.unauthorized-ack → WARNING (a probe: FAILED only with PREFLIGHT_STRICT=1).
// A real TP bug (field notes §(c) pain 6: the reply must be exactly `success` — PrintWriter/framework output, a switch
// fall-through that answers every event type but the common ones wrongly, EasyWeChat #904): Baidu counts the push as
// undelivered and keeps retrying/alarming, and the rarely exercised cancellation branch is where such bugs hide.
import { runReferenceTp } from '../../harness/platform/reference/main.ts';

await runReferenceTp({ ackBody: (kind, event) => (kind === 'event' && event === 'UNAUTHORIZED' ? 'ok' : 'success') });
