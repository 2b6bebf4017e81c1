// Mutant: answers a correctly signed echoStr handshake with JSON `{"echoStr":"…"}` instead of the echoStr verbatim.
// Must break: cs.echostr-handshake → FAILED (Baidu's 客服能力权限 rule).
// A real TP bug (reference §2.7, §7.1.3; field notes pain 11): frameworks that serialise every controller result to
// JSON (or wrap it in {"errcode":0,…}) return the right value in the wrong body; Baidu compares the body with the
// echoStr byte for byte, so the 消息与事件接收URL never validates and customer-service messages are never delivered.
import { runReferenceTp } from '../../harness/platform/reference/main.ts';

await runReferenceTp({ echoBody: (echoStr) => JSON.stringify({ echoStr }) });
