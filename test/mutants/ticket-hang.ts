// Mutant: its 授权事件接收URL keeps the ticket but never answers the ticket push (the request hangs; every other push
// is answered `success`).
// Must break: auth.ticket-ack → FAILED with the measured cause "no reply within N ms"; the run still finishes.
// A real TP bug (field notes §(c) pain 6, "ticket not received", and pain 7: "已在5秒内返回200，仍收到超时报警" — a
// firewall or a handler blocked on a lock/database never answers in time): Baidu sees a timeout, retries and alarms,
// and detection fails the ticket item although the TP did store the ticket.
import { runReferenceTp } from '../../harness/platform/reference/main.ts';

await runReferenceTp({ ticketFault: 'hang' });
