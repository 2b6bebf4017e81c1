// Mutant: never calls package/upload (its hook claims the upload was started).
// Must break: dev.package-upload → FAILED (and dev.submit-audit → SKIPPED: there is nothing to submit).
// A real TP bug (reference §7.1.3, §3.5): a console whose "upload" queues a build that never reaches Baidu — neither
// package/upload from a template nor the developer tool (定制开发) ever delivers a package for the authorized test
// mini program, and Baidu's 开发管理权限 detection looks for exactly that.
import { runReferenceTp } from '../../harness/platform/reference/main.ts';

await runReferenceTp({ skipCalls: ['pkg.uploadPackage'] });
