// Mutant: exchanges the authorization code the AUTHORIZED push brings (the push names the app) and never reads
// app/info — neither afterwards nor to learn which app a callback's code is for (it ignores the callback's code).
// Must break: auth.app-info-read → FAILED. With the probes on, probe.silent-reauthorization also warns (FAILED with
// --strict), as for callback-ignores-code: the re-authorization's code comes only through the callback it ignores.
// A real TP bug (field notes §(c) pains 5 and 13: stale authorizer state and permission-set confusion): app/info's
// auth_info is the only record of which permission sets the admin actually granted; a TP that skips it keeps acting
// on what it assumed (or on a previous authorization) and calls APIs it was not granted.
import { runReferenceTp } from '../../harness/platform/reference/main.ts';

await runReferenceTp({ readAppInfo: false, exchangeOnCallback: false });
