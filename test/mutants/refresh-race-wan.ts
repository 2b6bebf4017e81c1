// Mutant: refresh-race.ts (no single-flight refresh: every caller that finds the authorizer token expired refreshes on
// its own) as it behaves over a real network — its refresh calls to Baidu take 150 ms, as they do from a TP server to
// openapi.baidu.com, instead of the ~3 ms a localhost emulator answers in.
// Must break: probe.refresh-single-flight → WARNING, FAILED with --strict (the second concurrent refresh reuses the
// spent refresh token).
// Why it exists: against the localhost emulator the first refresh usually completes before the second caller even
// sees its expired-token error, so the race in refresh-race.ts is rarely exercised (see test/probes.spec.ts); with a
// realistic round trip the race the probe looks for is open, as in production.
// A real TP bug (field notes §(c) pain 10: Baidu refresh tokens are single use, so concurrent refreshes race): the
// losing refresh fails, and a TP that stores its error (or the older pair) loses the authorization for that customer.
import { BaiduClient } from '../../harness/baidu/client.ts';
import { runReferenceTp } from '../../harness/platform/reference/main.ts';

const call = BaiduClient.prototype.call;
BaiduClient.prototype.call = async function (this: BaiduClient, id: string, params?: Record<string, unknown>, token?: string) {
  if (id === 'authprocess.getOAuthToken' && params?.grant_type === 'app_to_tp_refresh_token') await new Promise((r) => setTimeout(r, 150));
  return Reflect.apply(call, this, [id, params, token]);
} as typeof BaiduClient.prototype.call;

await runReferenceTp({ singleFlightRefresh: false });
