// Mutant: its 授权事件接收URL keeps the ticket but answers HTTP 200 with 8 bytes of binary garbage.
// Must break: auth.ticket-ack → FAILED with the measured cause 'reply body was …, not exactly "success"'.
// A real TP bug (field notes §(c) pain 6: the handler returned more or other than `success` — PrintWriter/framework
// output, a BOM, a compressed or binary body): Baidu compares the body with `success` byte for byte, so the ticket
// is never counted as received.
import { runReferenceTp } from '../../harness/platform/reference/main.ts';

await runReferenceTp({ ticketFault: 'garbage' });
