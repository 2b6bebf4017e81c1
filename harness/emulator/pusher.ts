// Sends encrypted, signed pushes to a TP (reference §2.1–2.2) and the echoStr handshake (§2.7), and records what the
// TP did with them: status, the exact reply body, latency, and a failure cause in WeChat's alarm vocabulary
// (timeout, connection closed, connect error, bad body, too large).
import { request } from 'undici';
import { echoSignature, sealPush } from '../crypto/msgCrypto.ts';
import { ledgerNow, type Ledger, type PushEntry, type PushOutcome } from './ledger.ts';
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
  /** Probes: seal with this trailing identifier instead of the TP's registered one (reference §2.4, UNKNOWN). */
  identifier?: string;
}

interface Delivery {
  status: number | null;
  replyBody: string;
  latencyMs: number;
  outcome: PushOutcome;
  cause?: string;
}

/** A push as it goes over the wire: one POST, and the exact body a correct TP answers with. */
export interface WireRequest {
  url: string;
  body: string;
  contentType: string;
  expected: string;
}

/** The handshake's four values, as recorded in the ledger entry's `message`. */
export interface EchoValues {
  signature: string;
  timestamp: string;
  nonce: string;
  echoStr: string;
}

/**
 * A sealed push (§2.1): the envelope as JSON; a TP answers exactly `success`. The Content-Type Baidu sends is UNKNOWN
 * (§8.3); the emulator's choice is application/json, the envelope being JSON — a TP should parse the body whatever the
 * header says (the reference TP does).
 */
export function pushRequest(url: string, envelope: Record<string, string>): WireRequest {
  return { url, body: JSON.stringify(envelope), contentType: 'application/json', expected: 'success' };
}

/**
 * Baidu's four echoStr values (§2.7): the signature over the token, timestamp and nonce — or, for the probe a TP
 * should not answer, forty zeros. The caller draws the nonce and echoStr (seeded in the emulator, random live).
 */
export function echoHandshake(token: string, draw: { timestamp: string; nonce: string; echoStr: string }, badSignature = false): EchoValues {
  return { ...draw, signature: badSignature ? '0'.repeat(40) : echoSignature(token, draw.timestamp, draw.nonce) };
}

/**
 * The echoStr handshake (§2.7). Whether Baidu puts the four values in the query or the POST body is UNKNOWN, so they
 * travel in both: a TP that reads either place answers, and it answers exactly echoStr.
 */
export function echoRequest(url: string, v: EchoValues): WireRequest {
  const params = new URLSearchParams({ signature: v.signature, timestamp: v.timestamp, nonce: v.nonce, echoStr: v.echoStr });
  return { url: `${url}${url.includes('?') ? '&' : '?'}${params}`, body: params.toString(), contentType: 'application/x-www-form-urlencoded', expected: v.echoStr };
}

/** What the TP answered to a push or handshake, in one phrase (the CLI's replay and live probe print it). */
export function describeAnswer(d: Pick<Delivery, 'status' | 'cause' | 'latencyMs' | 'replyBody'>): string {
  return d.status === null ? `no answer — ${d.cause}` : `HTTP ${d.status} in ${Math.round(d.latencyMs)} ms, body ${JSON.stringify(d.replyBody.slice(0, 200))}`;
}

/** One POST of a push or handshake, judged as Baidu judges the answer (also `preflight push replay`'s). */
export async function deliver({ url, body, contentType, expected }: WireRequest, timeoutMs: number): Promise<Delivery> {
  const started = performance.now();
  const d: Delivery = { status: null, replyBody: '', latencyMs: 0, outcome: 'ok' };
  try {
    const res = await request(url, {
      method: 'POST', headers: { 'content-type': contentType }, body,
      headersTimeout: timeoutMs, bodyTimeout: timeoutMs, signal: AbortSignal.timeout(timeoutMs),
    });
    d.status = res.statusCode;
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body) {
      size += (chunk as Buffer).length;
      if (size > MAX_REPLY_BYTES) {
        res.body.destroy();
        d.outcome = 'too-large';
        d.cause = `reply body exceeded ${MAX_REPLY_BYTES} bytes`;
        break;
      }
      chunks.push(chunk as Buffer);
    }
    d.replyBody = Buffer.concat(chunks).toString('utf8');
    if (d.outcome === 'ok') {
      if (d.status < 200 || d.status > 299) {
        d.outcome = 'http-error';
        d.cause = `HTTP ${d.status}, body ${JSON.stringify(d.replyBody.slice(0, 80))}`;
      } else if (d.replyBody !== expected) {
        d.outcome = 'bad-body';
        d.cause = `reply body was ${JSON.stringify(d.replyBody.slice(0, 80))}, not exactly ${JSON.stringify(expected)}`;
      }
    }
  } catch (e) {
    const err = e as Error & { code?: string };
    const name = `${err.name} ${err.code ?? ''} ${err.message}`;
    if (/Timeout|AbortError|aborted/i.test(name)) {
      d.outcome = 'timeout';
      d.cause = `no reply within ${timeoutMs} ms`;
    } else if (/ECONNRESET|SocketError|other side closed/i.test(name)) {
      d.outcome = 'reset';
      d.cause = `connection closed by the TP (${err.code ?? err.message})`;
    } else {
      d.outcome = 'connect-error';
      d.cause = `${err.code ?? err.name}: ${err.message}`;
    }
  }
  d.latencyMs = Math.round((performance.now() - started) * 10) / 10;
  d.replyBody = d.replyBody.slice(0, 2048);
  return d;
}

export async function deliverPush(
  ledger: Ledger,
  tp: TpRegistration,
  target: 'auth' | 'message',
  message: Record<string, unknown>,
  opts: PushOptions,
): Promise<PushEntry> {
  const url = target === 'auth' ? tp.authEventUrl : tp.messageEventUrl;
  let envelope: Record<string, string> = opts.envelope ??
    { ...sealPush({ encodingAesKey: tp.encodingAesKey, token: tp.messageToken, clientId: opts.identifier ?? tp.pushIdentifier ?? tp.clientId }, JSON.stringify(message)) };
  if (opts.tamper) envelope = opts.tamper(envelope);
  const d = await deliver(pushRequest(url, envelope), opts.timeoutMs);
  return ledger.record({
    at: ledgerNow(), dir: 'push', clientId: tp.clientId, target, url,
    event: String(message.Event === 'push' ? 'ticket' : (message.event ?? message.MsgType ?? 'unknown')),
    message, envelope, ...d, facts: opts.facts ?? {},
  });
}

/**
 * The echoStr handshake Baidu's detection sends to the 消息与事件接收URL for 客服能力权限 (reference §2.7, §7.1.3);
 * `outcome` is 'ok' when the body is exactly echoStr. The values are the caller's: fresh for a probe, recorded ones for
 * a replay.
 */
export async function deliverEcho(ledger: Ledger, tp: TpRegistration, opts: { timeoutMs: number; values: EchoValues; facts: Record<string, unknown> }): Promise<PushEntry> {
  const d = await deliver(echoRequest(tp.messageEventUrl, opts.values), opts.timeoutMs);
  return ledger.record({
    at: ledgerNow(), dir: 'push', clientId: tp.clientId, target: 'message', url: tp.messageEventUrl, event: 'echoStr',
    message: { ...opts.values }, envelope: {}, ...d, facts: { probe: 'echoStr', ...opts.facts },
  });
}
