// Mutant: every caller that finds the authorizer token expired refreshes on its own (no single flight), so two
// concurrent uses spend the same refresh token twice.
// Must break: probe.refresh-single-flight → WARNING, FAILED with --strict (the emulator marks the second refresh as
// reusing a spent refresh token).
// A real TP bug (field notes §(c) pain 10: Baidu refresh tokens are single use, so concurrent refreshes race — the
// general single-use refresh-token race): the losing refresh fails, and a TP that stores its error (or the older pair)
// loses the authorization for that customer until the admin re-authorizes.
import { runReferenceTp } from '../../harness/platform/reference/main.ts';

await runReferenceTp({ singleFlightRefresh: false });
