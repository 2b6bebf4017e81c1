// Mutant: uploads the code package but silently leaves out package/submitaudit, while its hook still answers 200
// ("submitted").
// Must break: dev.submit-audit → FAILED (Baidu's 开发管理权限 rule: package/submitaudit has ever succeeded).
// A real TP bug (reference §7.1.3, §3.6): a console whose "提交审核" button only updates the TP's own database (or
// swallows the Baidu error) tells the customer the package is under review while Baidu never received it; Baidu's
// detection sees no successful package/submitaudit for the test app and refuses 全网发布.
import { runReferenceTp } from '../../harness/platform/reference/main.ts';

await runReferenceTp({ skipCalls: ['pkg.submitPackageAudit'] });
