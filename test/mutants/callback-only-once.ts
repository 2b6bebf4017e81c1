// Mutant: its callback accepts the first authorization, then answers HTTP 409 "already authorized" to every later
// one without exchanging the code it carries (a TP that treats a re-authorization as a duplicate).
// Must break: probe.silent-reauthorization → WARNING (FAILED with --strict): re-authorized with the same permission
// sets, Baidu pushes nothing, and the callback refused the only copy of the new code. Every other check passes: a
// change of sets pushes its code (UPDATE_AUTHORIZED), which this TP still exchanges.
import { runReferenceTp } from '../../harness/platform/reference/main.ts';

await runReferenceTp({ callbackOnlyOnce: true });
