// Variant (a correct TP, not a mutant): its 授权发起页 opens Baidu's authorization page in a new tab
// (target="_blank"), as many consoles do so that the admin keeps their place — and, as it loads, opens a help page in
// another tab first. The admin scans in the tab that reached Baidu's page.
import { runReferenceTp } from '../../harness/platform/reference/main.ts';

await runReferenceTp({ startPage: 'new-tab', startPagePopup: '/health' });
