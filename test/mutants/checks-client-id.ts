// Mutant: refuses (HTTP 400) a push whose trailing identifier is not its client_id, as Baidu's decrypt demo can be
// told to — so a genuine push sealed with its tpAppId instead is lost.
// Must break: probe.push-identifier-tolerant → WARNING, FAILED with --strict (the push is not acknowledged).
// A real risk (reference §2.4): Baidu does not document whether the client_id or the numeric tpAppId follows the
// message; its demo's samples are numeric. A TP that insists on one stops taking tickets the day Baidu sends the other.
import { runReferenceTp } from '../../harness/platform/reference/main.ts';

await runReferenceTp({ requirePushIdentifier: 'clientId' });
