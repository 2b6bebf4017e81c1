// Mutant: answers APP_PAYMENT_* pushes with an empty body instead of exactly `success` (every other push is still
// answered `success`).
// Must break: pay.pushes-ack → WARNING (an extended check: FAILED only with PREFLIGHT_STRICT=1).
// A real TP bug (reference §2.1, §2.6): `res.end()` / HTTP 200 with no body is the most common wrong ack; Baidu counts
// the payment onboarding results as undelivered and keeps retrying, and a TP that never records them cannot tell its
// customer when payments are open.
import { runReferenceTp } from '../../harness/platform/reference/main.ts';

await runReferenceTp({ ackBody: (kind, event) => (kind === 'event' && event.startsWith('APP_PAYMENT_') ? '' : 'success') });
