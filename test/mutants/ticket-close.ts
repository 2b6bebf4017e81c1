// Mutant: its 授权事件接收URL keeps the ticket, then drops the connection without any HTTP reply.
// Must break: auth.ticket-ack → FAILED with the measured cause "connection closed by the TP"; the run still finishes.
// A real TP bug (field notes §(c) pain 6, "ticket not received", and pain 7: network/firewall/proxy trouble between
// Baidu and the TP): a crashing worker, a proxy that resets the connection or a TLS terminator that drops it gives
// Baidu no reply at all, so the push counts as undelivered.
import { runReferenceTp } from '../../harness/platform/reference/main.ts';

await runReferenceTp({ ticketFault: 'close' });
