// Mutant: never tries a Baidu call again, so one transient gateway error ("Service temporarily unavailable") fails
// whatever its customer asked for.
// Must break: probe.transient-error-retried → WARNING, FAILED with --strict (its hook's read of app/info fails on the
// first error).
// A real pain (field notes §(c) pain 16: platform-side errors during detection; reference §0.2 lists gateway errors 2
// and 4 as "service unavailable" and "request limit reached"): reads are safe to repeat, and Baidu's gateway does
// answer so now and then.
import { runReferenceTp } from '../../harness/platform/reference/main.ts';

await runReferenceTp({ retries: 0 });
