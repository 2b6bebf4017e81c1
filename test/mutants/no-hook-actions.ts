// Mutant: a TP without the preflight hook's actions — `POST /preflight/hook` answers 501 for every action (everything
// else is the reference TP).
// Must make: the Baidu checks of the exercised permission sets WAITING (not FAILED) — nobody performed the calls, and
// after PREFLIGHT_WAIT_S the verdict is "not ready".
// Not a TP bug but the ordinary case of a team's own TP (the hook contract is optional): the harness must say what the
// team has to do by hand (a `WAITING …` line on the console) instead of failing checks nobody could have passed.
import { runReferenceTp } from '../../harness/platform/reference/main.ts';

await runReferenceTp({
  unsupportedActions: ['upload-package', 'submit-audit', 'release', 'withdraw-audit', 'rollback', 'payment-onboard', 'set-domains', 'read-app-info', 'read-data'],
});
