// Mutant: its callback exchanges the authorization code, then answers the admin's browser with HTTP 500 (the page
// that should say "authorized" fails to render).
// Must break: auth.callback-received → FAILED. Every other check passes: the code was exchanged, the token works.
// A real TP bug (field notes §(c) pain 19: framework friction on the callback route — a CSRF middleware, a session or
// a template that fails): the admin sees an error page after confirming on the phone and authorizes again, or gives up,
// while the TP believes nothing went wrong because its exchange succeeded.
import { runReferenceTp } from '../../harness/platform/reference/main.ts';

await runReferenceTp({ callbackStatus: 500 });
