// Typed OpenAPI client driven only by the catalogue: encoding, envelope, schema and retry policy all come from the
// EndpointDef row, so adding an endpoint never means adding client code (reference §0.2 for the envelopes).
import { Ajv, type ValidateFunction } from 'ajv';
import _addFormats from 'ajv-formats';
import pRetry, { AbortError } from 'p-retry';
import { Agent, FormData, fetch } from 'undici';
import { endpoint, type EndpointDef } from './catalogue.ts';
import { GATEWAY, TOKEN_ERRNOS, explainErrno, tokenRefused } from './errors.ts';

const addFormats = _addFormats.default;

export interface ClientOptions {
  openapiBaseUrl: string;
  /** Per HTTP exchange (each retry gets its own budget). */
  timeoutMs?: number;
  /** Extra attempts for idempotent reads only. */
  retries?: number;
  userAgent?: string;
  onExchange?: (x: Exchange) => void;
}

export interface Exchange {
  endpointId: string;
  method: string;
  url: string;
  requestBody?: string;
  /** 0 when no HTTP response arrived (network error or timeout; see `error`). */
  status: number;
  responseBody: string;
  durationMs: number;
  error?: string;
}

export interface FileParam {
  filename: string;
  content: Buffer;
  contentType?: string;
}
/** Plain objects/arrays are meant for `json` params and are sent JSON-encoded. */
export type ParamValue = string | number | boolean | FileParam | { [k: string]: unknown } | unknown[];
export type Params = Record<string, ParamValue | undefined>;

export interface BinaryResult {
  bytes: Buffer;
  contentType: string;
  headers: Record<string, string>;
}

export type ErrorEnvelope = 'W' | 'R' | 'G' | 'transport' | 'schema';

export class BaiduApiError extends Error {
  readonly envelope: ErrorEnvelope;
  readonly code: number | string;
  readonly endpointId: string;
  readonly status?: number;
  readonly body?: string;

  constructor(
    envelope: ErrorEnvelope,
    code: number | string,
    message: string,
    endpointId: string,
    extra: { status?: number; body?: string; cause?: unknown } = {},
  ) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.name = 'BaiduApiError';
    this.envelope = envelope;
    this.code = code;
    this.endpointId = endpointId;
    this.status = extra.status;
    this.body = extra.body;
  }

  /**
   * Baidu refused the call for its access token — the gateway's 110 invalid / 111 expired, or the errnos 44002–44004
   * (revoked, expired, failed authentication): a new token may mend it.
   */
  get tokenRefused(): boolean {
    return (this.envelope === 'G' && tokenRefused(this.code)) || (this.envelope === 'W' && TOKEN_ERRNOS.has(Number(this.code)));
  }

  /** One line for logs and reports, with the documented meaning of the code when there is one. */
  describe(): string {
    const known =
      this.envelope === 'W' && typeof this.code === 'number' ? explainErrno(this.code)
      : this.envelope === 'G' && typeof this.code === 'number' && GATEWAY[this.code] ? `${this.code} ${GATEWAY[this.code]}`
      : String(this.code);
    return `${this.endpointId}: ${this.envelope} ${known} — ${this.message}`;
  }
}

/** Transient failures worth another try (reference §0.2 gateway list, §6 "暂时不可用" errnos). */
const RETRY_GATEWAY = new Set([2, 4]);
const RETRY_ERRNO = new Set([500, 501, 5000, 69009, 69011, 50031, 50050]);

function isRetryable(def: EndpointDef, err: BaiduApiError): boolean {
  // A write is never repeated blindly and an OAuth code is single use, whatever the row says.
  if (!def.idempotent || def.envelope === 'R') return false;
  if (err.envelope === 'transport') return true;
  if (err.envelope === 'G') return RETRY_GATEWAY.has(Number(err.code));
  if (err.envelope === 'W') return RETRY_ERRNO.has(Number(err.code));
  return false;
}

// The catalogue's schemas are constants checked against JSON Schema's meta-schema by the tests (test/client.spec.ts);
// checking them again here would compile the meta-schema in every process, a cold ~50–200 ms before a first reply.
const ajv = new Ajv({ allErrors: true, strict: false, validateSchema: false });
addFormats(ajv);
const validators = new Map<string, ValidateFunction>();

/** The compiled JSON Schema of a row's reply data (cached per row); shared with the parity snapshots' test. */
export function validatorFor(def: EndpointDef): ValidateFunction | undefined {
  if (!def.data) return undefined;
  let v = validators.get(def.id);
  if (!v) {
    v = ajv.compile(def.data);
    validators.set(def.id, v);
  }
  return v;
}

function isFile(v: unknown): v is FileParam {
  return typeof v === 'object' && v !== null && 'filename' in v && Buffer.isBuffer((v as FileParam).content);
}

function scalar(v: Exclude<ParamValue, FileParam>): string {
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

type Defined = [string, ParamValue][];
function defined(params: Params | undefined): Defined {
  return Object.entries(params ?? {}).filter((e): e is [string, ParamValue] => e[1] !== undefined);
}

function isJsonType(contentType: string): boolean {
  return /[/+]json\b/i.test(contentType) || /^text\/javascript/i.test(contentType);
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function snippet(text: string, max = 300): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

interface Prepared {
  url: string;
  init: { method: string; body?: string | FormData; headers: Record<string, string> };
  /** What evidence shows of the request body (multipart files summarised, not dumped). */
  evidence?: string;
}

export class BaiduClient {
  private readonly base: string;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly userAgent: string;
  private readonly onExchange?: (x: Exchange) => void;
  private readonly agent: Agent;

  constructor(opts: ClientOptions) {
    this.base = opts.openapiBaseUrl.replace(/\/+$/, '');
    this.timeoutMs = opts.timeoutMs ?? 5000;
    this.retries = opts.retries ?? 2;
    this.userAgent = opts.userAgent ?? 'baidu-tp-preflight/0.1';
    this.onExchange = opts.onExchange;
    this.agent = new Agent({
      keepAliveTimeout: 10_000,
      connect: { timeout: this.timeoutMs },
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
    });
  }

  /** Releases the keep-alive sockets. */
  async close(): Promise<void> {
    await this.agent.close();
  }

  /** GET form of a call (everything in the query), for curl reproduction. Baidu accepts POST params there too. */
  urlFor(id: string, params?: Params, accessToken?: string): string {
    const def = endpoint(id);
    const q = new URLSearchParams();
    for (const [k, v] of defined(params)) {
      if (isFile(v)) throw new Error(`${id}: file param ${k} cannot travel in a URL`);
      q.append(k, scalar(v));
    }
    if (accessToken !== undefined) q.append('access_token', accessToken);
    return this.url(def, q);
  }

  /** W → data (or undefined), R/raw → object, B → { bytes, contentType, headers }. */
  async call<T = any>(id: string, params?: Params, accessToken?: string): Promise<T> {
    const def = endpoint(id);
    return pRetry(
      async () => {
        try {
          // Rebuilt per attempt: an undici FormData body is a single-use stream.
          return (await this.once(def, this.prepare(def, params, accessToken))) as T;
        } catch (e) {
          if (e instanceof BaiduApiError && isRetryable(def, e)) throw e;
          throw new AbortError(e as Error);
        }
      },
      { retries: this.retries, minTimeout: 100, factor: 2, maxTimeout: 2000, randomize: false },
    );
  }

  private url(def: EndpointDef, q: URLSearchParams): string {
    const qs = q.toString();
    return `${this.base}${def.path}${qs ? `?${qs}` : ''}`;
  }

  private prepare(def: EndpointDef, params: Params | undefined, accessToken?: string): Prepared {
    const entries = defined(params);
    const query = new URLSearchParams();
    const headers: Record<string, string> = { 'user-agent': this.userAgent, accept: 'application/json, */*' };
    const noFiles = () => {
      const f = entries.find(([, v]) => isFile(v));
      if (f) throw new Error(`${def.id}: file param ${f[0]} needs a multipart endpoint`);
    };

    if (def.method === 'GET') {
      noFiles();
      for (const [k, v] of entries) query.append(k, scalar(v as Exclude<ParamValue, FileParam>));
      if (accessToken !== undefined) query.append('access_token', accessToken);
      return { url: this.url(def, query), init: { method: 'GET', headers } };
    }

    if (accessToken !== undefined) query.append('access_token', accessToken);
    const url = this.url(def, query);
    const encoding = def.body ?? 'form';

    if (encoding === 'json') {
      noFiles();
      const body = JSON.stringify(Object.fromEntries(entries));
      headers['content-type'] = 'application/json';
      return { url, init: { method: 'POST', body, headers }, evidence: body };
    }

    if (encoding === 'multipart') {
      const fd = new FormData();
      const shown: string[] = [];
      for (const [k, v] of entries) {
        if (isFile(v)) {
          const type = v.contentType ?? 'application/octet-stream';
          fd.append(k, new Blob([new Uint8Array(v.content)], { type }), v.filename);
          shown.push(`${k}=<file ${v.filename} ${type} ${v.content.length} bytes>`);
        } else {
          const s = scalar(v);
          fd.append(k, s);
          shown.push(`${k}=${s}`);
        }
      }
      // undici sets the multipart content-type with its boundary itself.
      return { url, init: { method: 'POST', body: fd, headers }, evidence: `multipart/form-data: ${shown.join('; ')}` };
    }

    noFiles();
    const form = new URLSearchParams();
    for (const [k, v] of entries) form.append(k, scalar(v as Exclude<ParamValue, FileParam>));
    const body = form.toString();
    headers['content-type'] = 'application/x-www-form-urlencoded';
    return { url, init: { method: 'POST', body, headers }, evidence: body };
  }

  /** One HTTP exchange, turned into a result or a BaiduApiError. */
  private async once(def: EndpointDef, p: Prepared): Promise<unknown> {
    const started = performance.now();
    const report = (status: number, responseBody: string, error?: string) =>
      this.onExchange?.({
        endpointId: def.id, method: p.init.method, url: p.url, requestBody: p.evidence, status, responseBody,
        durationMs: Math.round(performance.now() - started), ...(error ? { error } : {}),
      });

    let status: number;
    let contentType: string;
    let headers: Record<string, string>;
    let bytes: Buffer;
    try {
      const res = await fetch(p.url, { ...p.init, dispatcher: this.agent, signal: AbortSignal.timeout(this.timeoutMs) });
      status = res.status;
      headers = Object.fromEntries(res.headers);
      contentType = res.headers.get('content-type') ?? '';
      bytes = Buffer.from(await res.arrayBuffer());
    } catch (e) {
      const cause = describeCause(e, this.timeoutMs);
      report(0, '', cause);
      throw new BaiduApiError('transport', 'network', `${def.id}: ${p.init.method} ${def.path} failed: ${cause}`, def.id, { cause: e });
    }

    const binaryOk = def.envelope === 'B' && !isJsonType(contentType);
    const text = binaryOk ? '' : bytes.toString('utf8');
    report(status, binaryOk ? `<${bytes.length} bytes ${contentType || 'no content-type'}>` : text);
    const fail = (envelope: ErrorEnvelope, code: number | string, message: string) =>
      new BaiduApiError(envelope, code, message, def.id, { status, body: binaryOk ? undefined : text });

    if (binaryOk) {
      if (status >= 200 && status < 300) return { bytes, contentType, headers } satisfies BinaryResult;
      throw fail('transport', status, `${def.id}: HTTP ${status} with a non-JSON body`);
    }

    const ok2xx = status >= 200 && status < 300;
    const parsed = parseJson(text);
    if (!parsed.ok) throw fail('transport', status, `${def.id}: HTTP ${status}, body is not JSON: ${snippet(text)}`);
    if (!isObject(parsed.value)) {
      // Valid JSON but no envelope: a broken reply (schema) when HTTP says success, otherwise a transport failure.
      if (!ok2xx) throw fail('transport', status, `${def.id}: HTTP ${status}: ${snippet(text)}`);
      if (def.envelope === 'raw') return this.check(def, parsed.value, fail);
      throw fail('schema', 'envelope', `${def.id}: reply is not a JSON object: ${snippet(text)}`);
    }
    const body = parsed.value;

    // Gateway errors first: the openapi front door can answer for any endpoint (the Go SDK checks this first too).
    if (body.error_code !== undefined && body.error_code !== 0 && body.error_code !== '0') {
      throw fail('G', body.error_code as number | string, String(body.error_msg ?? GATEWAY[Number(body.error_code)] ?? 'gateway error'));
    }

    const wError = () => {
      const errno = body.errno;
      if (errno === undefined || Number(errno) === 0) return undefined;
      const code = typeof errno === 'number' || Number.isNaN(Number(errno)) ? (errno as number | string) : Number(errno);
      return fail('W', code, String(body.msg ?? body.errMsg ?? body.errmsg ?? ''));
    };

    if (def.envelope === 'R') {
      if (body.error !== undefined) throw fail('R', String(body.error), String(body.error_description ?? body.error));
    } else {
      // B errors come back as JSON W bodies; raw rows may also get a W-shaped refusal.
      const w = wError();
      if (w) throw w;
    }

    if (!ok2xx) throw fail('transport', status, `${def.id}: HTTP ${status}: ${snippet(text)}`);

    if (def.envelope === 'B') throw fail('schema', 'binary-expected', `${def.id}: expected binary content, got ${contentType}: ${snippet(text)}`);
    if (def.envelope === 'W') {
      if (body.errno === undefined) throw fail('schema', 'envelope', `${def.id}: reply has no errno (not a W envelope): ${snippet(text)}`);
      // Writes may legitimately succeed without data (reference §0.2), reads must carry it.
      if (body.data === undefined && (def.method === 'POST' || !def.data)) return undefined;
      return this.check(def, body.data, fail);
    }
    return this.check(def, body, fail);
  }

  private check(def: EndpointDef, value: unknown, fail: (e: ErrorEnvelope, c: number | string, m: string) => BaiduApiError): unknown {
    const validate = validatorFor(def);
    if (validate && !validate(value)) {
      throw fail('schema', 'schema', `${def.id}: reply does not match the catalogue schema: ${ajv.errorsText(validate.errors, { dataVar: def.envelope === 'W' ? 'data' : 'body' })}`);
    }
    return value;
  }
}

function describeCause(e: unknown, timeoutMs: number): string {
  const err = e as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (err?.name === 'TimeoutError' || err?.cause?.code === 'UND_ERR_HEADERS_TIMEOUT' || err?.cause?.code === 'UND_ERR_BODY_TIMEOUT') {
    return `timed out after ${timeoutMs} ms`;
  }
  const inner = err?.cause ? `${err.cause.code ?? ''} ${err.cause.message ?? ''}`.trim() : '';
  return inner ? `${err?.message ?? String(e)} (${inner})` : (err?.message ?? String(e));
}
