// Variant (a correct TP, not a mutant): its 授权发起页 renders the link to Baidu's authorization page by script, a
// moment after the page loaded — as a single-page console does once it has fetched the pre-auth code.
import { runReferenceTp } from '../../harness/platform/reference/main.ts';

await runReferenceTp({ startPage: 'late-link' });
