// `preflight probe echostr --to <消息与事件接收URL>`: Baidu's 客服能力权限 detection, live. At 全网发布 Baidu sends the
// echoStr handshake to the TP's deployed 消息与事件接收URL (reference §2.7, §7.1.3); this sends the same handshake to
// any URL — staging or production, over HTTPS — so a team sees the answer Baidu will see. A handshake changes nothing
// on the TP, so it is safe against production (unlike a push, which would hand a live TP a ticket Baidu never issued).
// Then the same with a wrong signature, which a TP should not echo (cs.echostr-bad-signature: only a warning).
// Exit codes: 0 answered as Baidu expects, 1 not (or unreachable), 2 a usage error (also: no message token).
import { randomBytes } from 'node:crypto';
import { config as loadDotenv } from 'dotenv';
import { pushHint } from '../detection/pushHint.ts';
import { deliver, describeAnswer, echoHandshake, echoRequest } from '../emulator/pusher.ts';
import { Findings } from './findings.ts';

export const ECHOSTR_USAGE = 'usage: preflight probe echostr --to <消息与事件接收URL> [--token <消息验证TOKEN>] [--timeout-ms 5000]\n'
  + '  the token defaults to TP_MESSAGE_TOKEN (environment or .env)\n';
/** Baidu's own timeout for the handshake is not documented (reference §7.2); pushes get about 2 s. */
const BUDGET_MS = 2000;

export async function probeEchostr(o: { to: string; token?: string; timeoutMs: number }): Promise<number> {
  loadDotenv({ quiet: true });
  const token = o.token ?? process.env.TP_MESSAGE_TOKEN;
  const findings = new Findings();
  findings.secret(token);
  if (!token) {
    process.stderr.write(`preflight probe: no message token: pass --token or set TP_MESSAGE_TOKEN (the 消息验证TOKEN the TP checks signatures with)\n${ECHOSTR_USAGE}`);
    return 2;
  }
  const handshake = (signed: boolean) => echoHandshake(token, {
    timestamp: String(Math.floor(Date.now() / 1000)), nonce: String(randomBytes(4).readUInt32BE(0) % 100_000_000), echoStr: randomBytes(12).toString('hex'),
  }, !signed);

  const good = await deliver(echoRequest(o.to, handshake(true)), o.timeoutMs);
  findings.line(`echoStr handshake → ${o.to}: ${describeAnswer(good)}`);
  if (good.outcome !== 'ok') {
    const refused = good.status !== null && good.status >= 400 && good.status < 500 && good.status !== 404 && good.status !== 405;
    const why = refused ? ' — the TP refused the handshake: is the token (--token or TP_MESSAGE_TOKEN) the 消息验证TOKEN it checks signatures with?'
      : good.outcome === 'bad-body' ? ' — answer with echoStr exactly, nothing around it' : pushHint(good);
    process.stderr.write(`preflight probe: Baidu's 客服能力权限 detection would fail: ${good.cause}${why}\n`);
    return 1;
  }
  const slow = good.latencyMs > BUDGET_MS ? ` (slower than the ${BUDGET_MS} ms Baidu is thought to wait: the timeout is not documented)` : '';
  findings.say('ok', `answered with exactly echoStr: Baidu's 客服能力权限 detection would pass${slow}`);

  const bad = await deliver(echoRequest(o.to, handshake(false)), o.timeoutMs);
  findings.line(`wrong signature → ${o.to}: ${describeAnswer(bad)}`);
  if (bad.outcome === 'ok') findings.say('warning', 'echoed although the signature was wrong — check signature = sha1(sort(token, timestamp, nonce)) before echoing');
  else findings.say('ok', 'not echoed: the signature is checked');
  return 0;
}
