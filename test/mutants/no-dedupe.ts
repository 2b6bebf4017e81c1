// Mutant: acts on every AUTHORIZED/UPDATE_AUTHORIZED push it receives, exchanging the authorization code again even
// when the same push was already handled (no dedupe of replayed pushes).
// Must break: probe.replayed-push-idempotent → WARNING (a probe: FAILED only with PREFLIGHT_STRICT=1).
// A real TP bug (field notes §(c) pain 4: the single-use code → 61009 "code is invalid"; pain 8: pushes arrive in bursts
// and are retried): Baidu re-sends a push it thinks was not delivered; a TP that re-exchanges the spent code gets an
// error, and TPs that then drop or overwrite their stored authorizer tokens lose the authorization.
import { runReferenceTp } from '../../harness/platform/reference/main.ts';

await runReferenceTp({ dedupePushes: false });
