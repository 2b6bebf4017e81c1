// Mutant: keeps the first ticket it ever received and ignores every newer one.
// Must break: auth.tp-token-newest-ticket → FAILED.
// A real TP bug (field notes §(c) pains 6 and 8: ticket persistence across pushes/restarts/instances): Baidu pushes a
// fresh ticket every few minutes and only the newest is guaranteed valid; a TP that caches the first one (or never
// overwrites its store) asks for its TP access_token with a stale ticket and fails once that ticket expires.
import { runReferenceTp } from '../../harness/platform/reference/main.ts';

await runReferenceTp({ keepTicket: (current, incoming) => current ?? incoming });
