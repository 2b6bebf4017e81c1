// Mutant: answers ticket pushes with `ok` instead of exactly `success` (every other push is still answered `success`).
// Must break: auth.ticket-ack → FAILED.
// A real TP bug (field notes §(c) pain 6, "ticket not received"): Baidu treats any reply body other than exactly
// `success` as an undelivered push and keeps retrying/alarming; handlers that return `ok`, `{"errcode":0}` or
// framework output around `success` never get their ticket counted, so the TP token chain stalls in production.
import { runReferenceTp } from '../../harness/platform/reference/main.ts';

await runReferenceTp({ ackBody: (kind) => (kind === 'ticket' ? 'ok' : 'success') });
