// Sends encrypted, signed pushes to a TP (reference §2.1–2.2) and records what the TP did with them: status, the
// exact reply body, latency, and a failure cause in WeChat's alarm vocabulary (timeout, connect error, bad body…).
import { request } from 'undici';
import { echoSignature, sealPush } from '../crypto/msgCrypto.ts';
import type { Ledger, PushEntry, PushOutcome } from './ledger.ts';
import type { TpRegistration } from './store.ts';

const MAX_REPLY_BYTES = 1024 * 1024;

export interface PushOptions {
  timeoutMs: number;
  /** Extra facts recorded with the entry (e.g. ticketSeq). */
  facts?: Record<string, unknown>;
  /** Probes: send this envelope instead of a correctly sealed one. */
  tamper?: (env: Record<string, string>) => Record<string, string>;
  /** Probes: reuse a recorded envelope verbatim (replay). */
  envelope?: Record<string, string>;
}

export async function deliverPush(
  ledger: Ledger,
  tp: TpRegistration,
  target: 'auth' | 'message',
  message: Record<string, unknown>,
  opts: PushOptions,
): Promise<PushEntry> {
  const url = target === 'auth' ? tp.authEventUrl : tp.messageEventUrl;
  const text = JSON.stringify(message);
  let envelope: Record<string, string> =
    opts.envelope ??
    { ...sealPush({ encodingAesKey: tp.encodingAesKey, token: tp.messageToken, clientId: tp.pushIdentifier ?? tp.clientId }, text) };
  if (opts.tamper) envelope = opts.tamper(envelope);
  const body = JSON.stringify(envelope);

  const started = performance.now();
  let status: number | null = null;
  let replyBody = '';
  let outcome: PushOutcome = 'ok';
  let cause: string | undefined;
  try {
    const res = await request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      headersTimeout: opts.timeoutMs,
      bodyTimeout: opts.timeoutMs,
      signal: AbortSignal.timeout(opts.timeoutMs),
    });
    status = res.statusCode;
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body) {
      size += (chunk as Buffer).length;
      if (size > MAX_REPLY_BYTES) {
        res.body.destroy();
        outcome = 'too-large';
        cause = `reply body exceeded ${MAX_REPLY_BYTES} bytes`;
        break;
      }
      chunks.push(chunk as Buffer);
    }
    replyBody = Buffer.concat(chunks).toString('utf8');
    if (outcome === 'ok') {
      if (status < 200 || status > 299) {
        outcome = 'http-error';
        cause = `HTTP ${status}`;
      } else if (replyBody !== 'success') {
        outcome = 'bad-body';
        cause = `reply body was ${JSON.stringify(replyBody.slice(0, 80))}, not exactly "success"`;
      }
    }
  } catch (e) {
    const err = e as Error & { code?: string };
    const name = `${err.name} ${err.code ?? ''} ${err.message}`;
    if (/Timeout|AbortError|aborted/i.test(name)) {
      outcome = 'timeout';
      cause = `no reply within ${opts.timeoutMs} ms`;
    } else if (/ECONNRESET|SocketError|other side closed/i.test(name)) {
      outcome = 'reset';
      cause = `connection closed by the TP (${err.code ?? err.message})`;
    } else {
      outcome = 'connect-error';
      cause = `${err.code ?? err.name}: ${err.message}`;
    }
  }
  const latencyMs = Math.round((performance.now() - started) * 10) / 10;
  return ledger.record({
    at: Date.now(),
    dir: 'push',
    clientId: tp.clientId,
    target,
    url,
    event: String(message.Event === 'push' ? 'ticket' : (message.event ?? message.MsgType ?? 'unknown')),
    message,
    envelope,
    status,
    replyBody: replyBody.slice(0, 2048),
    latencyMs,
    outcome,
    cause,
    facts: opts.facts ?? {},
  });
}

/**
 * The echoStr handshake Baidu's detection sends to the 消息与事件接收URL for 客服能力权限 (reference §2.7, §7.1.3).
 * Whether Baidu puts the four values in the query or the POST body is UNKNOWN, so they travel in both: a TP that
 * reads either place answers. `outcome` is 'ok' when the body is exactly echoStr.
 */
export async function deliverEcho(ledger: Ledger, tp: TpRegistration, opts: { timeoutMs: number; badSignature?: boolean; echoStr: string; nonce: string; timestamp: string }): Promise<PushEntry> {
  const { echoStr, nonce, timestamp } = opts;
  const signature = opts.badSignature ? '0'.repeat(40) : echoSignature(tp.messageToken, timestamp, nonce);
  const params = new URLSearchParams({ signature, timestamp, nonce, echoStr });
  const url = `${tp.messageEventUrl}${tp.messageEventUrl.includes('?') ? '&' : '?'}${params}`;
  const started = performance.now();
  let status: number | null = null;
  let replyBody = '';
  let outcome: PushOutcome = 'ok';
  let cause: string | undefined;
  try {
    const res = await request(url, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: params.toString(),
      headersTimeout: opts.timeoutMs, bodyTimeout: opts.timeoutMs, signal: AbortSignal.timeout(opts.timeoutMs),
    });
    status = res.statusCode;
    replyBody = (await res.body.text()).slice(0, 4096);
    if (replyBody !== echoStr) {
      outcome = status >= 200 && status < 300 ? 'bad-body' : 'http-error';
      cause = `HTTP ${status}, body ${JSON.stringify(replyBody.slice(0, 80))} instead of exactly the echoStr`;
    }
  } catch (e) {
    const err = e as Error & { code?: string };
    outcome = /Timeout|Abort/i.test(`${err.name} ${err.message}`) ? 'timeout' : 'connect-error';
    cause = outcome === 'timeout' ? `no reply within ${opts.timeoutMs} ms` : `${err.code ?? err.name}: ${err.message}`;
  }
  return ledger.record({
    at: Date.now(), dir: 'push', clientId: tp.clientId, target: 'message', url: tp.messageEventUrl, event: 'echoStr',
    message: { signature, timestamp, nonce, echoStr }, envelope: {}, status, replyBody, outcome, cause,
    latencyMs: Math.round((performance.now() - started) * 10) / 10,
    facts: { probe: 'echoStr', badSignature: !!opts.badSignature },
  });
}
