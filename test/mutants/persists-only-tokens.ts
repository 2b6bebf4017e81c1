// Mutant: persists each app's token pair but not the ticket or the TP token, so after a restart it cannot refresh an
// expired authorizer token (a refresh needs a TP token, a TP token needs the ticket) until Baidu's next ticket.
// Must break: probe.restart-keeps-credentials → WARNING, FAILED with --strict (after the restart and the token's
// expiry its read of app/info fails: "no ticket has been pushed yet").
// A real pain (field notes §(c) pain 8): "after a process restart there are 1–10 minutes of unavailability until the
// next ticket, so persist and re-emit the last one".
import { runReferenceTp } from '../../harness/platform/reference/main.ts';

await runReferenceTp({ persistTicket: false });
