// Mutant: never registers its server and webview domains at TP level (tp/modifydomain, tp/modifywebviewdomain), then
// asks Baidu to copy "all TP domains" to the app — which sets nothing, and Baidu says OK.
// Must break: info.domains → WARNING (an extended check: FAILED only with PREFLIGHT_STRICT=1). The icon still changes.
// A real TP bug (reference §4.1): app-level domains must come from the TP's pool; a TP that skips the pool leaves its
// customers' apps without request domains, and wx.request-style calls fail only on real devices.
import { runReferenceTp } from '../../harness/platform/reference/main.ts';

await runReferenceTp({ skipCalls: ['domain.modifyServerDomain', 'domain.modifyBusinessDomain'] });
