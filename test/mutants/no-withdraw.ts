// Mutant: its 撤回审核 only marks the version withdrawn in its own records and answers the hook 200; package/withdraw is
// never called, so the submission stays under review at Baidu.
// Must break: dev.withdraw-audit → WARNING (an extended check: FAILED only with PREFLIGHT_STRICT=1). The held
// submission is then audited and released as the second version, so the rollback still works (the exercise's
// submit-audit#3 meets no development package to submit, 409, which no check judges).
// A real TP bug (reference §3.8): the customer believes the version was pulled back while Baidu goes on reviewing it,
// and the next submission meets a version still under review.
import { runReferenceTp } from '../../harness/platform/reference/main.ts';

await runReferenceTp({ skipCalls: ['pkg.withdrawPackageAudit'] });
