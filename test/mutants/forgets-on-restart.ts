// Mutant: keeps its ticket, TP token and token pairs in process memory only, so a restart loses them all.
// Must break: probe.restart-keeps-credentials → WARNING, FAILED with --strict (after the hook's restart, its read of
// app/info fails: no ticket until Baidu's next push, and no refresh token ever again).
// A real pain (field notes §(c) pains 8 and 10): after a restart a TP waits up to 10 minutes for the next ticket, and
// a refresh token lost with a Redis flush means every customer must authorize again.
import { runReferenceTp } from '../../harness/platform/reference/main.ts';

await runReferenceTp({ persistState: false });
