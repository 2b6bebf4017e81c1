// Mutant: never calls package/upload (its hook claims the upload was started).
// Must break: dev.package-upload → FAILED (and dev.submit-audit → SKIPPED: there is nothing to submit).
// A real TP bug (reference §7.1.3, §3.5): a TP that builds packages only through the IDE or its own pipeline, and
// never uploads from a template for its authorized apps through package/upload, fails Baidu's 开发管理权限 detection,
// which looks for a successful package/upload for an authorized test mini program.
import { runReferenceTp } from '../../harness/platform/reference/main.ts';

await runReferenceTp({ skipCalls: ['pkg.uploadPackage'] });
