// Variant (a correct TP, not a mutant): its 授权发起页 fetches the pre-auth code and then sends the browser on by
// script, as many TPs' single-page consoles do. The scan must still reach Baidu's authorization page.
import { runReferenceTp } from '../../harness/platform/reference/main.ts';

await runReferenceTp({ startPage: 'script' });
