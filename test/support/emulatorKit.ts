// Helpers for test/emulator.spec.ts: a tiny stub TP that receives and decrypts the emulator's pushes, a raw HTTP
// helper (status + exact body, no client-side interpretation), random TP credentials and envelope predicates.
import type { BaiduApiError } from '../../harness/baidu/client.ts';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, request } from 'undici';
import { openPush } from '../../harness/crypto/msgCrypto.ts';
import type { TpRegistration } from '../../harness/emulator/store.ts';
import { SeededIds, freshSeed } from '../../harness/seed.ts';

// ---------------------------------------------------------------------------------------------------------------
// Stub TP: node:http on 127.0.0.1:0. POST /auth/<clientId> (授权事件接收URL) and /msg/<clientId> (消息与事件接收URL).

export interface ReceivedPush {
  target: 'auth' | 'msg';
  /** The client id in the URL the emulator posted to. */
  pathClientId: string;
  contentType: string;
  body: string;
  envelope?: Record<string, unknown>;
  /** The decrypted JSON message. */
  message?: Record<string, any>;
  /** The identifier after the message inside the plaintext (reference §2.4). */
  trailingId?: string;
  /** Why the stub could not verify/decrypt (then it answered `fail`). */
  error?: string;
}

export class StubTp {
  readonly pushes: ReceivedPush[] = [];
  private creds = new Map<string, { token: string; encodingAesKey: string }>();

  private constructor(
    private readonly server: http.Server,
    readonly url: string,
  ) {
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => this.onPush(req, Buffer.concat(chunks).toString('utf8'), res));
    });
  }

  static async start(): Promise<StubTp> {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new StubTp(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  }

  register(tp: TpRegistration): void {
    this.creds.set(tp.clientId, { token: tp.messageToken, encodingAesKey: tp.encodingAesKey });
  }

  clear(): void {
    this.pushes.length = 0;
  }

  forClient(clientId: string, target?: 'auth' | 'msg'): ReceivedPush[] {
    return this.pushes.filter((p) => p.pathClientId === clientId && (!target || p.target === target));
  }

  /** Decrypted event pushes (AUTHORIZED, UPDATE_AUTHORIZED…) of one TP. */
  events(clientId: string, event?: string): Record<string, any>[] {
    return this.forClient(clientId, 'auth')
      .map((p) => p.message)
      .filter((m): m is Record<string, any> => !!m && typeof m.event === 'string' && (!event || m.event === event));
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }

  private onPush(req: IncomingMessage, body: string, res: ServerResponse): void {
    const m = /^\/(auth|msg)\/([^/?]+)/.exec(req.url ?? '');
    const rec: ReceivedPush = {
      target: (m?.[1] ?? 'auth') as 'auth' | 'msg',
      pathClientId: decodeURIComponent(m?.[2] ?? ''),
      contentType: String(req.headers['content-type'] ?? ''),
      body,
    };
    try {
      const creds = this.creds.get(rec.pathClientId);
      if (!creds) throw new Error(`no credentials for ${rec.pathClientId}`);
      rec.envelope = JSON.parse(body) as Record<string, unknown>;
      const opened = openPush(creds, rec.envelope);
      rec.trailingId = opened.clientId;
      rec.message = JSON.parse(opened.message) as Record<string, any>;
    } catch (e) {
      rec.error = (e as Error).message;
    }
    this.pushes.push(rec);
    res.writeHead(rec.error ? 400 : 200, { 'content-type': 'text/plain' }).end(rec.error ? 'fail' : 'success');
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Random TP credentials.

export const AUTH_START_DOMAIN = 'tp.preflight.test';
export const REDIRECT_URI = `https://${AUTH_START_DOMAIN}/baidu/callback`;
export const START_PAGE = `https://${AUTH_START_DOMAIN}/baidu/start`;

export function newTpRegistration(stubUrl: string, ids = new SeededIds(freshSeed())): TpRegistration {
  const clientId = ids.alnum('clientId', 32);
  return {
    clientId,
    tpAppId: ids.int('tpAppId', 10_000_000, 99_999_999),
    name: '预检单测第三方平台',
    messageToken: ids.alnum('messageToken', 32),
    encodingAesKey: ids.alnum('encodingAesKey', 43),
    authEventUrl: `${stubUrl}/auth/${clientId}`,
    messageEventUrl: `${stubUrl}/msg/${clientId}`,
    authStartDomain: AUTH_START_DOMAIN,
    testAppIds: [ids.int('appA', 10_000_000, 49_999_999), ids.int('appB', 50_000_000, 89_999_999)],
    permissionSets: ['development', 'customer-service', 'payment'],
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Raw HTTP: what came back, byte for byte (no retries, no envelope interpretation).

export type ParamList = Record<string, string | number | (string | number)[]> | [string, string][];

export function encodeParams(p: ParamList | undefined): string {
  const q = new URLSearchParams();
  if (Array.isArray(p)) for (const [k, v] of p) q.append(k, v);
  else for (const [k, v] of Object.entries(p ?? {})) for (const x of ([] as (string | number)[]).concat(v)) q.append(k, String(x));
  return q.toString();
}

export interface HttpReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** Parsed JSON body, or undefined when the body is not JSON. */
  json: any;
}

export interface SendOptions {
  query?: ParamList;
  /** application/x-www-form-urlencoded body. */
  form?: ParamList;
  /** Raw body with an explicit content-type. */
  body?: string | Buffer;
  contentType?: string;
  headers?: Record<string, string>;
  dispatcher?: Agent;
}

export class Http {
  // No keep-alive: the emulator shares this process's event loop, so a long synchronous stretch (QR decoding, a
  // loaded CI box) can let the server's 5 s keep-alive timer close a socket the pool is about to reuse (ECONNRESET).
  // Tests that are about keep-alive bring their own Agent.
  readonly agent = new Agent({ pipelining: 0, connect: { timeout: 5000 } });
  constructor(readonly base: string) {}

  async send(method: string, pathAndQuery: string, o: SendOptions = {}): Promise<HttpReply> {
    const qs = encodeParams(o.query);
    const url = `${this.base}${pathAndQuery}${qs ? (pathAndQuery.includes('?') ? '&' : '?') + qs : ''}`;
    const headers: Record<string, string> = { ...o.headers };
    let body: string | Buffer | undefined = o.body;
    if (o.form !== undefined) {
      body = encodeParams(o.form);
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    if (o.contentType) headers['content-type'] = o.contentType;
    const res = await request(url, { method: method as 'GET', headers, body, dispatcher: o.dispatcher ?? this.agent, headersTimeout: 10_000, bodyTimeout: 10_000 });
    const text = await res.body.text();
    let json: any;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.statusCode, headers: res.headers, text, json };
  }

  get(path: string, query?: ParamList, headers?: Record<string, string>): Promise<HttpReply> {
    return this.send('GET', path, { query, headers });
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Envelopes (reference §0.2).

export type EnvelopeKind = 'W' | 'G' | 'R';

/** Which of Baidu's JSON envelopes a body is, or null. Success R bodies carry access_token. */
export function envelopeOf(body: unknown): EnvelopeKind | null {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return null;
  const o = body as Record<string, unknown>;
  if (typeof o.error_code === 'number' && typeof o.error_msg === 'string') return 'G';
  if (typeof o.errno === 'number' && typeof o.msg === 'string') return 'W';
  if (typeof o.error === 'string' && typeof o.error_description === 'string') return 'R';
  if (typeof o.access_token === 'string') return 'R';
  return null;
}

/** The errno an error page shows (`data-errno` on the page's <main>). */
export function pageErrno(html: string): number | null {
  const m = /data-errno="(\d+)"/.exec(html);
  return m ? Number(m[1]) : null;
}

export function pageErrorMessage(html: string): string | null {
  const m = /<p id="error-msg">([^<]*)<\/p>/.exec(html);
  return m ? m[1]! : null;
}

export interface MultipartFile { name: string; filename: string; contentType: string; bytes: Buffer }

/** A multipart/form-data body built by hand (so malformed names/values reach the server as they are), files last. */
export function multipart(fields: [string, string][], boundary = 'preflightBoundary7MA4YWxk', files: MultipartFile[] = []): { body: Buffer; contentType: string } {
  const parts: Buffer[] = fields.map(([k, v]) => Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  for (const f of files) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${f.name}"; filename="${f.filename}"\r\nContent-Type: ${f.contentType}\r\n\r\n`), f.bytes, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** The errno (or OAuth/gateway code) a client call was refused with; 0 when it succeeded. */
export async function refusalCode(p: Promise<unknown>): Promise<number | string> {
  try {
    await p;
    return 0;
  } catch (e) {
    return (e as BaiduApiError).code;
  }
}

/** The smallest real PNG (1×1): the emulator's upload/image tells an image by its bytes. */
export const PNG_1X1 = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
