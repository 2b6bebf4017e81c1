// Mutant: its 回滚 only switches which version its own console shows and answers the hook 200; package/rollback is
// never called, so the new version stays online at Baidu.
// Must break: dev.rollback → WARNING (an extended check: FAILED only with PREFLIGHT_STRICT=1).
// A real TP bug (reference §3.10): the customer rolls back a broken release in an emergency and the broken version is
// still what users get.
import { runReferenceTp } from '../../harness/platform/reference/main.ts';

await runReferenceTp({ skipCalls: ['pkg.rollbackPackage'] });
