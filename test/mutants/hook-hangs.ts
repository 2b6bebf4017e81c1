// Mutant: the TP's hook accepts the request and never answers in time (a handler stuck on a lock or a slow queue).
// Must make: the development Baidu checks FAILED with the measured cause ("did not answer … within 15000 ms"), after a
// single hook timeout — the run goes on, the later steps are not attempted, and the report is written.
import { runReferenceTp } from '../../harness/platform/reference/main.ts';

await runReferenceTp({ hookDelayMs: 60_000 });
