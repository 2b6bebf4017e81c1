// Mutant: the TP's hook accepts the request and never answers in time (a handler stuck on a lock or a slow queue).
// Must break: dev.package-upload → FAILED with the measured cause ("did not answer … within 15000 ms"), after a single
// hook timeout — the run goes on, the later steps are not attempted, and the report is written. The checks that stand
// on the upload are SKIPPED naming it; payment's Baidu checks FAILED "not attempted"; probe.refresh-single-flight
// SKIPPED (it can only judge through the hook).
import { runReferenceTp } from '../../harness/platform/reference/main.ts';

await runReferenceTp({ hookDelayMs: 60_000 });
