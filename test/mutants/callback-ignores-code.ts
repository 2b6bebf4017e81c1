// Mutant: takes authorization codes only from pushes (AUTHORIZED / UPDATE_AUTHORIZED); its callback page just says
// "received" and leaves the code it carries unused.
// Must break: probe.silent-reauthorization → WARNING, FAILED with --strict (re-authorized with the same permission
// sets, Baidu pushes nothing, so the new code is never exchanged and the TP keeps a token that stopped working).
// A real TP pattern (field notes §(c) pain 19: re-authorizing without changing permissions pushes no event, and
// what waits for one hangs; pain 5: after a re-authorization the old authorizer token is invalid). Every other check
// passes: the first authorization and a change of sets do push their code.
import { runReferenceTp } from '../../harness/platform/reference/main.ts';

await runReferenceTp({ exchangeOnCallback: false });
