// Mutant: after package/upload, takes the development package it sees at once and waits a fixed second instead of
// polling package/get until upload_status says the upload finished.
// Must break: dev.package-state-followed → WARNING (an extended check: FAILED only with PREFLIGHT_STRICT=1).
// A real TP bug (reference §3.5, §3.11): package/upload is asynchronous (~3 s on Baidu, longer under load); a TP that
// sleeps and guesses submits a package that is still uploading (69005) or has failed to upload, and the customer's
// audit submission fails at random.
import { runReferenceTp } from '../../harness/platform/reference/main.ts';

await runReferenceTp({ followPackageState: false });
