// Variant (a correct TP, not a mutant): its 授权发起页 answers with an HTTP 302 straight to Baidu's authorization page.
import { runReferenceTp } from '../../harness/platform/reference/main.ts';

await runReferenceTp({ startPage: 'redirect' });
