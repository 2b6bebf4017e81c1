// Mutant: answers PACKAGE_AUDIT_PASS / PACKAGE_AUDIT_FAIL pushes with `fail` instead of exactly `success` (every
// other push is still answered `success`).
// Must break: dev.audit-push-ack → WARNING (an extended check: FAILED only with PREFLIGHT_STRICT=1).
// A real TP bug (reference §2.1, §2.6): any reply other than exactly `success` makes Baidu treat the audit result as
// undelivered and retry/alarm; handlers that answer `fail` when their own bookkeeping hiccups (or on an event type
// they do not know) lose audit results and never release the package.
import { runReferenceTp } from '../../harness/platform/reference/main.ts';

await runReferenceTp({ ackBody: (kind, event) => (kind === 'event' && event.startsWith('PACKAGE_AUDIT_') ? 'fail' : 'success') });
