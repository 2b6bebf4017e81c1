// Mutant: its 授权发起页 (on 127.0.0.1, the registered 授权发起页域名) redirects to a console on another host of its
// own (localhost), and the link to Baidu's authorization page is there.
// Must break: auth.start-page-referer → FAILED: the Referer Baidu sees is not under the 授权发起页域名, and Baidu's page
// refuses it with 50006 (发起页域名错误); the scan and what follows it are SKIPPED, saying so.
// A real TP bug (reference §1.3): the domain registered with Baidu is the marketing site (www.example.com) while the
// console that shows "authorize with Baidu" lives elsewhere (console.example.net).
import { runReferenceTp } from '../../harness/platform/reference/main.ts';

await runReferenceTp({ startPageHost: 'localhost' });
