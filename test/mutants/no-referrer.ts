// Mutant: its 授权发起页 is served with `Referrer-Policy: no-referrer`, so the browser sends no Referer when the admin
// follows the link to Baidu's authorization page.
// Must break: auth.start-page-referer → FAILED (Baidu's page refuses the request with 50006); the scan and what follows
// it are SKIPPED, saying so.
// A real TP bug (reference §1.3: the authorization page checks the Referer against the 授权发起页域名): a
// security-minded site-wide header or <meta name="referrer" content="no-referrer"> strips exactly what Baidu checks.
import { runReferenceTp } from '../../harness/platform/reference/main.ts';

await runReferenceTp({ referrerPolicy: 'no-referrer' });
