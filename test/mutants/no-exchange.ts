// Mutant: acknowledges the AUTHORIZED push and the callback but never exchanges the authorization code.
// Must break: auth.code-exchanged → FAILED (and auth.app-info-read → SKIPPED: without an authorizer token there is
// nothing to read app/info with). With a set selected, its Baidu checks FAILED naming that cause, the token probes
// SKIPPED, and probe.silent-reauthorization WARNING (the callback's code is not exchanged either).
// A real TP bug (field notes §(c) pain 4, auth-code confusion → "code is invalid"): the code is single-use and
// short-lived; a TP that does not exchange it at once (or exchanges the wrong value) never obtains the authorizer
// access_token/refresh_token and cannot act for the mini program at all.
import { runReferenceTp } from '../../harness/platform/reference/main.ts';

await runReferenceTp({ exchangeCode: false });
