// Mutant: its 授权事件接收URL keeps the ticket but answers HTTP 200 with a 10 MB body.
// Must break: auth.ticket-ack → FAILED with the measured cause "reply body exceeded … bytes"; the harness must stop
// reading (it caps replies at 1 MB) and the run still finishes.
// A real TP bug (field notes §(c) pain 6: framework output around `success` — an error page, a debug dump or a
// static file served by a misrouted URL): Baidu does not accept the reply as `success` and the ticket is not counted.
import { runReferenceTp } from '../../harness/platform/reference/main.ts';

await runReferenceTp({ ticketFault: 'huge' });
