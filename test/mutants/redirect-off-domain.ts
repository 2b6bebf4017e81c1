// Mutant: its redirect_uri names another host (localhost) than its 授权发起页域名 (127.0.0.1): the callback would work,
// but Baidu refuses to send the admin there.
// Must break: auth.scan-authorization → FAILED (Baidu's authorization page answers 40002 and shows no QR code); what
// follows the scan is SKIPPED, saying so. auth.start-page-referer passes: the page was reached with the right Referer.
// A real TP bug (reference §1.3, 40002 回跳地址不在预设域下): a callback on an API host (api.example.com) while the
// 授权发起页域名 registered with Baidu is the console's (www.example.com).
import { runReferenceTp } from '../../harness/platform/reference/main.ts';

await runReferenceTp({ callbackHost: 'localhost' });
