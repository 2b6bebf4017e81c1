// Mutant: submits for audit through package/upload's ext_json.directCommit and never calls package/submitaudit (it
// does not follow package/get either: with directCommit the package leaves the development state by itself).
// Must break: dev.submit-audit → FAILED, and its reason says that a directCommit was seen: Baidu's documented
// 开发管理权限 rule names package/submitaudit, and whether a directCommit counts is not documented.
// A real TP pattern (reference §3.5, §7.1.3): "upload and submit" in one call is convenient, and passes every test of
// the TP's own; against the documented detection it leaves submitaudit never called.
import { runReferenceTp } from '../../harness/platform/reference/main.ts';

await runReferenceTp({
  uploadDirectCommit: true,
  skipCalls: ['pkg.submitPackageAudit'],
  followPackageState: false,
  // No second version: with directCommit its audit could meet the withdrawal's hold on a slow machine, and what was
  // withdrawn or rolled back would depend on timing. Those optional checks are SKIPPED as unsupported instead.
  unsupportedActions: ['withdraw-audit', 'rollback'],
});
