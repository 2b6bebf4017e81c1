// Mutant: ignores UPDATE_AUTHORIZED (acknowledges it with `success` but never exchanges the new authorization code),
// so it keeps using the authorizer token and refresh token from before the re-authorization.
// Must break: probe.reauthorization → WARNING, FAILED with --strict (app/info with the stale token fails and the TP
// never recovers).
// A real TP bug (field notes §(c) pain 5: stale tokens after detection re-authorizes the test account — WxJava #781,
// Redis held the old token → 48001; wxcloudrun-wxcomponent #10: the old authorizer_access_token is invalid after a
// re-authorization): every call for that customer fails until someone flushes the TP's token store by hand.
import { runReferenceTp } from '../../harness/platform/reference/main.ts';

await runReferenceTp({ handleReauthorization: false });
