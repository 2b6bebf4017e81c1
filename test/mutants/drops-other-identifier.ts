// Mutant: answers "success" to every authorization-event push but silently drops one whose trailing identifier is
// not its client_id (the quiet variant of checks-client-id: nothing in its answers shows the loss).
// Must break: probe.push-identifier-tolerant → WARNING, FAILED with --strict (the TP fetches its next TP token with an
// older ticket than the one it acknowledged).
// Reference §2.4: which identity Baidu seals after the message is not documented.
import { runReferenceTp } from '../../harness/platform/reference/main.ts';

await runReferenceTp({ requirePushIdentifier: 'clientId', ackRefusedPushes: true });
