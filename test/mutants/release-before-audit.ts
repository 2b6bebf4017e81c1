// Mutant: calls package/release right after package/submitaudit, before the audit passed (ignoring the 69012 it gets),
// then releases properly once asked to after PACKAGE_AUDIT_PASS.
// Must break: dev.release-after-audit → WARNING (an extended check: FAILED only with PREFLIGHT_STRICT=1).
// A real TP bug (reference §3.9): "submit and publish" buttons that chain both calls; Baidu refuses the release with
// 69012 and, when the TP swallows it, the customer believes the version is live while it is still under review.
import { runReferenceTp } from '../../harness/platform/reference/main.ts';

await runReferenceTp({ releaseBeforeAudit: true });
