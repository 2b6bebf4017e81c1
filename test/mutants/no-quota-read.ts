// Mutant: submits the package for audit without reading package/auditquota first.
// Must break: dev.audit-quota-read → WARNING (an extended check: FAILED only with PREFLIGHT_STRICT=1).
// A real TP bug (reference §3.7; field notes pain 18): audit submissions are limited per week; a TP that submits
// blindly burns the quota on retries and then meets 69013 with no way to tell the customer how many remain or when.
import { runReferenceTp } from '../../harness/platform/reference/main.ts';

await runReferenceTp({ readAuditQuota: false });
