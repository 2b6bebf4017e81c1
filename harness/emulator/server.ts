// The emulator's HTTP front door: one fixed chain around the handlers (style rule 4) —
// parse → route (catalogue) → validate params → resolve token → check permission → handler → serialise → ledger.
// Anything unexpected becomes Baidu's documented error, never a 500 or a crash.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { routeFor, type EndpointDef } from '../baidu/catalogue.ts';
import { BaiduError, type BaiduReply } from '../baidu/envelopes.ts';
import type { Emulator } from './emulator.ts';
import type { HandlerCtx, Handlers, UploadedFile } from './handler.ts';
import { handlePage } from './pages/authorization.ts';
import { handleSideDoor } from './sideDoor.ts';
import { handlers as authHandlers } from './providers/auth.ts';
import { handlers as dataHandlers } from './providers/data.ts';
import { handlers as developmentHandlers } from './providers/development.ts';
import { handlers as operationsHandlers } from './providers/operations.ts';
import { ledgerNow } from './ledger.ts';
import { bySlug } from '../detection/permissionSets.ts';

const MAX_BODY = 10 * 1024 * 1024;
const EMPTY = Buffer.alloc(0);

export function defaultHandlers(): Handlers {
  return { ...authHandlers, ...developmentHandlers, ...operationsHandlers, ...dataHandlers };
}

export interface RunningServer {
  url: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

export async function listen(emu: Emulator, handlers: Handlers, port: number, host = '127.0.0.1', tls?: { key: string; cert: string }): Promise<RunningServer> {
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    void serve(emu, handlers, req, res).catch((e) => {
      // Last line of defence: an emulator bug still answers in Baidu's gateway shape (error 1), recorded as answered —
      // no query, which may carry a secret the ledger does not know (an authorization code).
      const answer = BaiduError.gateway(1).toReply();
      if (!res.headersSent) send(res, answer);
      else res.destroy();
      emu.ledger.record({ at: ledgerNow(), dir: 'in', endpointId: null, method: req.method ?? '', path: (req.url ?? '').split('?')[0]!, query: {}, form: {},
        status: answer.status, response: 'body' in answer ? answer.body : null, durationMs: 0, facts: { internalError: String((e as Error)?.stack ?? e) }, flags: ['internal-error'] });
    });
  };
  // Long query strings (id_list, url_list…) fit; beyond that, and for requests Node cannot parse at all, the
  // client still gets a Baidu-shaped JSON error instead of Node's bare status line.
  const options = { maxHeaderSize: 64 * 1024 };
  const server: Server = tls ? createTlsServer({ ...options, key: tls.key, cert: tls.cert }, onRequest) : createServer(options, onRequest);
  server.on('clientError', (err: Error & { code?: string }, socket) => {
    if (!socket.writable) return socket.destroy();
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
    const body = JSON.stringify({ error_code: 100, error_msg: 'Invalid parameter' });
    socket.end(`HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : 'Bad Request'}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `${tls ? 'https' : 'http'}://${host}:${actual}`,
    port: actual,
    server,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** Most calls are bodiless GETs: they skip the stream machinery and the awaits (a microtask and a promise each). */
function hasBody(req: IncomingMessage): boolean {
  return req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined;
}

async function readBody(req: IncomingMessage): Promise<Buffer | null> {
  if (!hasBody(req)) return EMPTY;
  const chunks: Buffer[] = [];
  let size = 0;
  // An oversized body is drained, not abandoned, so the reply can still be read on this connection.
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size <= MAX_BODY) chunks.push(c as Buffer);
  }
  return size > MAX_BODY ? null : Buffer.concat(chunks);
}

interface Parsed {
  query: Record<string, string>;
  form: Record<string, string | string[]>;
  files: Record<string, UploadedFile>;
}

/** application/x-www-form-urlencoded as URLSearchParams reads it (a repeated name: the last value wins), minus its
 * allocations when nothing is percent- or plus-encoded. */
export function parseQuery(search: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!search) return out;
  if (search.includes('+') || search.includes('%')) {
    for (const [k, v] of new URLSearchParams(search)) out[k] = v;
    return out;
  }
  for (const pair of search.split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const k = eq < 0 ? pair : pair.slice(0, eq);
    out[k] = eq < 0 ? '' : pair.slice(eq + 1);
  }
  return out;
}

const NO_FILES: Record<string, UploadedFile> = Object.freeze({}) as Record<string, UploadedFile>;
const NO_FORM: Record<string, string> = Object.freeze({}) as Record<string, string>;
const NO_FLAGS: readonly string[] = Object.freeze([]);

async function parse(req: IncomingMessage, search: string, body: Buffer): Promise<Parsed> {
  const query = parseQuery(search);
  const form: Record<string, string | string[]> = {};
  const files: Record<string, UploadedFile> = {};
  const ct = (req.headers['content-type'] ?? '').toLowerCase();
  if (!body.length) return { query, form, files };
  if (ct.startsWith('multipart/form-data')) {
    const fd = await new Response(new Uint8Array(body), { headers: { 'content-type': req.headers['content-type']! } }).formData();
    for (const [k, v] of fd as unknown as Iterable<[string, string | File]>) {
      if (typeof v === 'string') form[k] = v;
      else files[k] = { filename: (v as File).name, contentType: v.type, bytes: Buffer.from(await v.arrayBuffer()) };
    }
  } else if (ct.includes('json')) {
    const o = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
    for (const [k, v] of Object.entries(o ?? {})) form[k] = typeof v === 'string' ? v : JSON.stringify(v);
  } else {
    for (const [k, v] of new URLSearchParams(body.toString('utf8'))) {
      const prev = form[k];
      form[k] = prev === undefined ? v : ([] as string[]).concat(prev, v);
    }
  }
  return { query, form, files };
}

function send(res: ServerResponse, r: BaiduReply): void {
  switch (r.kind) {
    case 'B':
      res.writeHead(r.status, { 'content-type': r.contentType, 'content-length': r.bytes.length, ...r.headers });
      res.end(r.bytes);
      return;
    case 'html':
      res.writeHead(r.status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...r.headers });
      res.end(r.html);
      return;
    case 'redirect':
      res.writeHead(r.status, { location: r.location });
      res.end();
      return;
    default: {
      const text = JSON.stringify(r.body);
      // A flat header list: Node takes it as is, without walking an object's keys (this is every API reply).
      res.writeHead(r.status, ['content-type', 'application/json; charset=utf-8', 'content-length', String(Buffer.byteLength(text))]);
      res.end(text);
    }
  }
}

function validate(def: EndpointDef, params: Record<string, string>, files: Record<string, UploadedFile>): string | null {
  for (const name in def.params) {
    const spec = def.params[name]!;
    const v = spec.type === 'file' ? files[name] : params[name];
    if (v === undefined || v === '') {
      if (spec.required) return `${name} is required`;
      continue;
    }
    if (spec.type === 'file') continue;
    const s = v as string;
    // The value sent is quoted (shortened): "must be an integer" alone leaves a TP developer guessing what was wrong.
    if (spec.type === 'int' && !/^-?\d+$/.test(s)) return `${name} must be an integer, not ${JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}…` : s)}`;
    if (spec.type === 'json') {
      try {
        JSON.parse(s);
      } catch {
        return `${name} must be JSON`;
      }
    }
    if (spec.enum && !spec.enum.includes(s)) return `${name} must be one of ${spec.enum.join('/')}, not ${JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}…` : s)}`;
  }
  return null;
}

/** A lone file part under another name stands for the endpoint's one file param (SDKs name the part differently). */
function aliasLoneFile(def: EndpointDef, files: Record<string, UploadedFile>): void {
  const wanted = Object.keys(def.params).filter((k) => def.params[k]!.type === 'file');
  const names = Object.keys(files);
  if (wanted.length === 1 && names.length === 1 && !files[wanted[0]!]) files[wanted[0]!] = files[names[0]!]!;
}

function paramError(def: EndpointDef, detail: string): BaiduError {
  if (def.envelope === 'R') return BaiduError.oauth(detail.startsWith('grant_type must be') ? 'unsupported_grant_type' : 'invalid_request', detail);
  if (def.id === 'pkg.uploadPackage' && detail.startsWith('ext_json must be JSON')) return BaiduError.errno(69004);
  return BaiduError.errno(40001, detail);
}

async function serve(emu: Emulator, handlers: Handlers, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const started = performance.now();
  // A split instead of new URL(): routing needs only the path and the query, and this path is hot.
  const raw = req.url ?? '/';
  const q = raw.indexOf('?');
  const pathname = q < 0 ? raw : raw.slice(0, q);
  const search = q < 0 ? '' : raw.slice(q + 1);
  const method = (req.method ?? 'GET').toUpperCase();

  // A browser on the authorization page or the dashboard asks for an icon: not a call of the TP, so not in the ledger.
  if (pathname === '/favicon.ico') return void res.writeHead(204).end();
  if (pathname === '/health' || pathname.startsWith('/__emulator/')) {
    const body = await readBody(req);
    if (body === null) return send(res, { kind: 'raw', status: 413, body: { error: 'body larger than 10 MB' } });
    return send(res, await handleSideDoor(emu, method, new URL(raw, 'http://emulator'), body));
  }

  let parsed: Parsed;
  if (!hasBody(req)) {
    parsed = { query: parseQuery(search), form: NO_FORM, files: NO_FILES };
  } else {
    const body = await readBody(req);
    // Refused before the route is served, but in the route's own envelope: oauth/token answers {error, …} (R).
    const refuse = (errno: number, detail: string) => send(res, (routeFor(method, pathname).def?.envelope === 'R'
      ? BaiduError.oauth('invalid_request', detail) : BaiduError.errno(errno, detail)).toReply());
    if (body === null) return refuse(40006, 'request body larger than 10 MB');
    try {
      parsed = await parse(req, search, body);
    } catch {
      return refuse(40001, 'request body could not be parsed');
    }
  }
  const referer = req.headers.referer;

  if (pathname.startsWith('/mappconsole/')) {
    const origin = `${'encrypted' in req.socket ? 'https' : 'http'}://${req.headers.host ?? 'emulator'}`;
    const page = await handlePage(emu, { method, path: pathname, query: parsed.query, form: parsed.form, referer, origin });
    if (page) {
      if (!pathname.endsWith('/poll')) {
        emu.ledger.record({ at: ledgerNow(), dir: 'page', path: pathname, query: parsed.query, referer, status: page.reply.status, errno: page.errno, facts: page.facts });
      }
      return send(res, page.reply);
    }
  }

  // Query and form both carry params: Baidu accepts POST params in the query string too (§0.2).
  let params: Record<string, string> = parsed.query;
  const formKeys = Object.keys(parsed.form);
  if (formKeys.length) {
    params = { ...parsed.query };
    for (const k of formKeys) {
      const v = parsed.form[k]!;
      params[k] = Array.isArray(v) ? v[0]! : v;
    }
  }

  const { def, wrongMethod } = routeFor(method, pathname);
  // Every field up front: one object shape for all calls keeps the handlers' property reads monomorphic.
  const ctx: HandlerCtx = { emu, def: def!, req, params, files: parsed.files, tp: undefined, app: undefined, authorization: undefined, facts: {} };
  // Most calls raise no flag: they share one frozen empty list instead of keeping an array each in the ledger.
  let flags: readonly string[] = NO_FLAGS;
  let result: BaiduReply;
  try {
    // An unknown path or method is a miss at the HTTP layer (404/405, as the gateway's front answers it); the
    // gateway's business codes for a known route go out with 200 (BaiduError.gateway says why).
    if (!def) {
      flags = ['unexpected-call'];
      throw BaiduError.gateway(3, 404);
    }
    if (wrongMethod) throw BaiduError.gateway(3, 405);
    resolveToken(emu, def, params, ctx);
    if (def.body === 'multipart') aliasLoneFile(def, parsed.files);
    const bad = validate(def, params, parsed.files);
    if (bad) throw paramError(def, bad);
    const handler = handlers[def.id];
    if (!handler) {
      flags = ['unimplemented'];
      throw BaiduError.gateway(3);
    }
    const r = handler(ctx);
    result = r instanceof Promise ? await r : r;
  } catch (e) {
    if (!(e instanceof BaiduError)) throw e;
    result = e.toReply();
  }
  send(res, result);
  emu.ledger.record({
    at: ledgerNow(), dir: 'in', endpointId: def?.id ?? null, method, path: pathname, query: parsed.query,
    form: flatForm(parsed.form),
    status: result.status, response: 'body' in result ? result.body : `[${result.kind}]`,
    durationMs: Math.round((performance.now() - started) * 10) / 10,
    clientId: ctx.tp?.clientId, appId: ctx.app?.appId, facts: ctx.facts, flags, referer,
  });
}

function flatForm(form: Record<string, string | string[]>): Record<string, string> {
  for (const v of Object.values(form)) {
    if (Array.isArray(v)) return Object.fromEntries(Object.entries(form).map(([k, x]) => [k, Array.isArray(x) ? x.join(',') : x]));
  }
  return form as Record<string, string>;
}

/** Token resolution and permission enforcement, once for every endpoint. */
function resolveToken(emu: Emulator, def: EndpointDef, params: Record<string, string>, ctx: HandlerCtx): void {
  if (def.token === 'none') return;
  const t = params.access_token;
  // Missing token → 100 "Invalid parameter" (Baidu's openapi gateway does so on its other APIs); unknown → 110.
  if (!t) throw def.envelope === 'R' ? BaiduError.oauth('invalid_client', 'access_token is required') : BaiduError.gateway(100);
  if (def.token === 'tp') {
    const tok = emu.store.tpTokens.get(t);
    if (!tok && def.alsoAppToken && emu.store.authorizerTokens.has(t)) return resolveAppToken(emu, def, t, ctx);
    if (!tok) throw BaiduError.gateway(110);
    if (tok.revoked) {
      ctx.facts.injected = 'revoked token';
      throw BaiduError.gateway(110);
    }
    if (emu.now() > tok.expiresAt) throw BaiduError.gateway(111);
    ctx.tp = emu.tp(tok.clientId);
    return;
  }
  resolveAppToken(emu, def, t, ctx);
}

function resolveAppToken(emu: Emulator, def: EndpointDef, t: string, ctx: HandlerCtx): void {
  const tok = emu.store.authorizerTokens.get(t);
  if (!tok) throw BaiduError.gateway(110);
  if (emu.now() > tok.expiresAt) {
    if (tok.expiredByProbe) ctx.facts.injected = 'expired token';
    throw BaiduError.gateway(111);
  }
  const a = emu.store.authorization(tok.clientId, tok.appId);
  // A token from before a re-authorization or after UNAUTHORIZED no longer works (field notes pain 5).
  if (!a?.active || a.generation !== tok.generation) {
    ctx.facts.staleAuthorizerToken = true;
    throw BaiduError.gateway(110);
  }
  ctx.tp = emu.tp(tok.clientId);
  ctx.app = emu.store.apps.get(tok.appId);
  ctx.authorization = a;
  ctx.facts.appId = tok.appId;
  // A probe's transient fault: Baidu's gateway answers "service temporarily unavailable" before any service runs.
  const faultKey = emu.store.transientErrors.size ? `${tok.clientId}:${tok.appId}` : '';
  const transient = faultKey && emu.store.transientErrors.get(faultKey);
  if (transient) {
    if (transient > 1) emu.store.transientErrors.set(faultKey, transient - 1);
    else emu.store.transientErrors.delete(faultKey);
    ctx.facts.injected = 'transient';
    throw BaiduError.gateway(2);
  }
  if (def.permissionSet) {
    // Choice (Baidu does not document it): a set the TP never selected → 40007; one the app did not grant → 45001.
    // The set named as Baidu names it (scope_name), so a TP developer can tell which set an API needs (pain 13).
    const set = `${bySlug(def.permissionSet).zh} (${def.permissionSet})`;
    if (!ctx.tp!.permissionSets.includes(def.permissionSet)) throw BaiduError.errno(40007, `this API needs ${set}, which the TP did not select`);
    if (!a.granted.includes(def.permissionSet)) {
      ctx.facts.permissionDenied = def.permissionSet;
      throw BaiduError.errno(45001, `the mini program did not grant ${set}`);
    }
  }
}
