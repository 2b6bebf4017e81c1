// Mutant: keeps its cached TP token when Baidu refuses it (gateway 110 "Access token invalid"), so every call that
// needs one keeps failing until the token's 30 days are up (or the TP restarts).
// Must break: probe.forged-push-ignored → WARNING (FAILED with --strict): after the forged push Baidu invalidated the
// TP token, the 授权发起页 met the 110, and the TP asked for no new token — so whether it would have adopted the forged
// ticket cannot be told, and the TP cannot recover from a revoked token either. Every Baidu check passes: the first
// scan and the sets' exercises come before the probes, while the TP token is good. The later token probes fail too,
// each showing the 110 (a refresh, an exchange and the 授权发起页 all need the TP token it cannot renew).
import { runReferenceTp } from '../../harness/platform/reference/main.ts';

await runReferenceTp({ renewRefusedTpToken: false });
