// The reference TP: what a correct Baidu third-party platform does, reached by the harness only through its URLs
// (exactly as a team's own TP is). Its decisions live in `Behaviour` so mutants can break one at a time.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Server } from 'node:net';
import { BaiduClient } from '../../baidu/client.ts';
import { CryptoError, decryptMessage, echoSignature, openPush, signaturesEqual } from '../../crypto/msgCrypto.ts';
import { DEFAULT_BEHAVIOUR, type Behaviour } from './behaviour.ts';
import { StateFile } from './stateFile.ts';
import { TokenKeeper, type AppInfo } from './tokens.ts';
import { createActions } from './actions.ts';

export interface ReferenceTpConfig {
  clientId: string;
  tpAppId: number;
  messageToken: string;
  encodingAesKey: string;
  openapiBaseUrl: string;
  /** Where Baidu's authorization page lives (smartprogram.baidu.com in production). */
  smartprogramBaseUrl: string;
  port?: number;
  host?: string;
  /** A listening socket handed over by the process that launched this TP (launch.ts); port and host are then unused. */
  listenOn?: Server;
}

export const PATHS = {
  authEvents: '/baidu/auth-events',
  messageEvents: '/baidu/message-events',
  authStart: '/authorize',
  callback: '/authorize/callback',
  hook: '/preflight/hook',
} as const;

export interface RunningTp {
  url: string;
  close(): Promise<void>;
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function text(res: ServerResponse, status: number, s: string, type = 'text/plain; charset=utf-8', headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': type, ...headers });
  res.end(s);
}

/** The broken endpoints of the fault mutants. */
function fault(req: IncomingMessage, res: ServerResponse, kind: 'hang' | 'close' | 'garbage' | 'huge'): void {
  if (kind === 'hang') return void req.socket.setTimeout(0);
  if (kind === 'close') return void req.socket.destroy();
  if (kind === 'garbage') {
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    return void res.end(Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00, 0xff, 0x13, 0x37]));
  }
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.end(Buffer.alloc(10 * 1024 * 1024, 0x61));
}

function page(title: string, inner: string): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>${esc(title)}</title></head>
<body style="font-family:sans-serif;max-width:640px;margin:40px auto">${inner}</body></html>`;
}

export async function startReferenceTp(cfg: ReferenceTpConfig, overrides: Partial<Behaviour> = {}): Promise<RunningTp> {
  const b: Behaviour = { ...DEFAULT_BEHAVIOUR, ...overrides };
  const client = new BaiduClient({ openapiBaseUrl: cfg.openapiBaseUrl, timeoutMs: 5000, retries: b.retries });
  const keeper = new TokenKeeper(client, cfg.clientId, b.singleFlightRefresh, b.renewRefusedTpToken);
  const stateFile = b.persistState ? new StateFile() : undefined;
  if (stateFile) keeper.onChange = (state) => stateFile.save(b.persistTicket ? state : { pairs: state.pairs });
  const creds = { encodingAesKey: cfg.encodingAesKey, token: cfg.messageToken };
  let selfUrl = '';

  async function onAuthorized(appId: number, code: string): Promise<void> {
    if (!b.exchangeCode) return;
    await keeper.exchange(code, appId);
    if (b.readAppInfo) {
      await keeper.readAppInfo(appId);
    }
  }

  /** Verifies and decrypts a push; null when it must not be trusted. */
  function open(raw: string): Record<string, unknown> | null {
    try {
      const env = JSON.parse(raw);
      const opened = b.verifyPushSignature ? openPush(creds, env) : decryptMessage(creds.encodingAesKey, env.Encrypt);
      if (b.requirePushIdentifier === 'clientId' && opened.clientId !== cfg.clientId) return null;
      return JSON.parse(opened.message);
    } catch (e) {
      if (e instanceof CryptoError || e instanceof SyntaxError) return null;
      throw e;
    }
  }

  /** Authorization codes AUTHORIZED / UPDATE_AUTHORIZED pushes brought (what a push without dedupe acts on again). */
  const pushedCodes = new Set<string>();

  async function authEvent(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const msg = open(await body(req));
    if (!msg) return b.ackRefusedPushes ? text(res, 200, 'success') : text(res, 400, 'invalid signature or message');
    if (b.pushDelayMs) await new Promise((r) => setTimeout(r, b.pushDelayMs));
    if (msg.MsgType === 'ticket') {
      keeper.ticket = b.keepTicket(keeper.ticket, String(msg.Ticket));
      if (b.ticketFault) return fault(req, res, b.ticketFault);
      return text(res, 200, b.ackBody('ticket', 'ticket'));
    }
    const event = String(msg.event ?? '');
    const appId = Number(msg.appId);
    if (event === 'AUTHORIZED' || (event === 'UPDATE_AUTHORIZED' && b.handleReauthorization)) {
      // Acknowledge at once; the exchange runs after the reply so a slow Baidu call never delays the ack. The new
      // pair replaces the old one, whose tokens stopped working with the re-authorization.
      const code = String(msg.authorizationCode);
      // Without dedupe (a mutant), a push seen before exchanges its code again. Its first delivery goes the usual way,
      // joining the callback's exchange of the same code: otherwise the two would race and the callback could lose.
      const seenBefore = pushedCodes.has(code);
      pushedCodes.add(code);
      if (!b.dedupePushes && seenBefore) setImmediate(() => void keeper.exchangeAgain(code, appId).catch(() => {}));
      else setImmediate(() => void onAuthorized(appId, code).catch(() => {}));
    } else if (event === 'UNAUTHORIZED') {
      keeper.forgetApp(appId);
    }
    return text(res, 200, b.ackBody('event', event));
  }

  async function messageEvent(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const raw = await body(req);
    // echoStr handshake (§2.7): params may come in the query or in the body; accept both.
    const form = new URLSearchParams(raw.trim().startsWith('{') ? '' : raw);
    const get = (k: string) => url.searchParams.get(k) ?? form.get(k);
    const echoStr = get('echoStr');
    if (echoStr !== null) {
      const ok = signaturesEqual(echoSignature(cfg.messageToken, get('timestamp') ?? '', get('nonce') ?? ''), get('signature') ?? '');
      if (b.verifyEchoSignature && !ok) return text(res, 403, 'invalid signature');
      return text(res, 200, b.echoBody(echoStr));
    }
    const msg = open(raw);
    if (!msg) return text(res, 400, 'invalid signature or message');
    if (b.pushDelayMs) await new Promise((r) => setTimeout(r, b.pushDelayMs));
    return text(res, 200, b.ackBody('event', String(msg.event ?? msg.MsgType ?? '')));
  }

  // A one-time state in the redirect_uri (Baidu sends the admin back to it as given): the callback acts only on an
  // authorization this TP's 授权发起页 started, once (CSRF protection a TP should have). Each state lives as long
  // as the pre_auth_code it came with (1200 s, reference §1.2), and at most MAX_STATES are kept (the oldest go).
  const states = new Map<string, number>();
  const STATE_TTL_MS = 1_200_000;
  const MAX_STATES = 1000;
  function newState(): string {
    const now = Date.now();
    // Insertion order is expiry order (one lifetime for all): drop from the front.
    for (const [k, expires] of states) {
      if (expires >= now && states.size < MAX_STATES) break;
      states.delete(k);
    }
    const state = randomBytes(12).toString('hex');
    states.set(state, now + STATE_TTL_MS);
    return state;
  }
  function spendState(state: string | null): boolean {
    const expires = state === null ? undefined : states.get(state);
    if (expires === undefined) return false;
    states.delete(state!);
    return expires >= Date.now();
  }

  /** This server's own URL under another of its host names (the startPageHost and callbackHost mutants). */
  const selfOn = (hostname: string) => Object.assign(new URL(selfUrl), { hostname }).origin;
  let startPageVisits = 0;
  let callbacksAccepted = 0;

  async function authStart(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // The page that leads to Baidu served from another host of the TP's own (the startPageHost mutant).
    if (b.startPageHost && new URL(`http://${req.headers.host}`).hostname !== b.startPageHost) {
      res.writeHead(302, { location: `${selfOn(b.startPageHost)}${PATHS.authStart}` }).end();
      return;
    }
    if (b.startPageUses !== undefined && ++startPageVisits > b.startPageUses) {
      return text(res, 410, page('链接已失效', '<p id="error">此授权链接已使用过 / this authorization link was already used</p>'), 'text/html; charset=utf-8');
    }
    let preAuthCode: string;
    try {
      preAuthCode = await preAuth();
    } catch (e) {
      return text(res, 502, page('授权发起失败', `<p id="error">无法获取预授权码: ${esc((e as Error).message)}</p>`), 'text/html; charset=utf-8');
    }
    const target = new URL('/mappconsole/tp/authorization', cfg.smartprogramBaseUrl);
    target.searchParams.set('client_id', cfg.clientId);
    target.searchParams.set('pre_auth_code', preAuthCode);
    target.searchParams.set('redirect_uri', `${b.callbackHost ? selfOn(b.callbackHost) : selfUrl}${PATHS.callback}?state=${newState()}`);
    const policy: Record<string, string> = b.referrerPolicy ? { 'referrer-policy': b.referrerPolicy } : {};
    if (b.startPage === 'redirect') {
      res.writeHead(302, { location: target.toString(), ...policy }).end();
      return;
    }
    const link = `<a id="authorize" href="${esc(target.toString())}"${b.startPage === 'new-tab' ? ' target="_blank"' : ''}>前往百度授权 / Authorize with Baidu</a>`;
    const inScript = (v: string) => JSON.stringify(v).replace(/</g, '\\u003c');
    const body: Record<Exclude<Behaviour['startPage'], 'redirect'>, string> = {
      link: `<p>${link}</p>`,
      'new-tab': `<p>${link}</p>`,
      script: `<p>正在前往百度授权… / Redirecting to Baidu…</p><script>setTimeout(() => { location.href = ${inScript(target.toString())}; }, 300);</script>`,
      'late-link': `<p id="slot">加载中… / Loading…</p><script>setTimeout(() => { document.getElementById('slot').innerHTML = ${inScript(link)}; }, 300);</script>`,
    };
    const popup = b.startPagePopup ? `<script>window.open(${inScript(b.startPagePopup)}, '_blank');</script>` : '';
    text(res, 200, page('授权给第三方平台', `<h1>小程序授权 / Authorize your mini program</h1>\n${body[b.startPage]}${popup}`), 'text/html; charset=utf-8', policy);
  }

  const preAuth = async () => (await keeper.withTpToken((tp) => client.call<{ pre_auth_code: string }>('authprocess.getPreAuthCode', {}, tp))).pre_auth_code;

  async function callback(res: ServerResponse, url: URL): Promise<void> {
    const code = url.searchParams.get('authorization_code');
    if (!code) return text(res, 400, page('授权失败', '<p id="error">缺少 authorization_code</p>'), 'text/html; charset=utf-8');
    if (!spendState(url.searchParams.get('state'))) {
      return text(res, 400, page('授权失败', '<p id="error">此授权不是从本平台的授权发起页开始的，或已使用过 / this authorization was not started from our page, or was already used</p>'), 'text/html; charset=utf-8');
    }
    if (b.callbackOnlyOnce && callbacksAccepted++ > 0) {
      return text(res, 409, page('授权失败', '<p id="error">已完成授权，请勿重复授权 / already authorized</p>'), 'text/html; charset=utf-8');
    }
    if (!b.exchangeCode || !b.exchangeOnCallback) return text(res, 200, page('授权完成', '<p id="done">已收到授权</p>'), 'text/html; charset=utf-8');
    try {
      const appId = await keeper.exchange(code);
      // When this callback's exchange ran, it read app/info to learn the app; when the push's ran first, read it now.
      const info: Partial<AppInfo> = keeper.appInfo.get(appId) ?? (b.readAppInfo ? await keeper.readAppInfo(appId) : {});
      // The code is exchanged; only the page saying so breaks (the callbackStatus mutant).
      if (b.callbackStatus) return text(res, b.callbackStatus, page('服务器错误', '<p id="error">页面渲染失败 / the page failed to render</p>'), 'text/html; charset=utf-8');
      const scopes = (info.auth_info ?? []).map((s) => esc(s.scope_name)).join('、');
      text(res, 200, page('授权成功', `<h1 id="done" data-app-id="${appId}">授权成功 / Authorized</h1>
<p>小程序 ${esc(info.app_name ?? String(appId))}（${appId}）已授权：${scopes}</p>`), 'text/html; charset=utf-8');
    } catch (e) {
      text(res, 502, page('授权失败', `<p id="error">${esc((e as Error).message)}</p>`), 'text/html; charset=utf-8');
    }
  }

  const perform = createActions(client, keeper, b, () => selfUrl, () => keeper.restart(stateFile?.load()));
  async function hook(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let input: { action?: unknown; appId?: unknown };
    try {
      input = JSON.parse(await body(req));
    } catch {
      return text(res, 400, JSON.stringify({ error: 'body must be JSON {action, appId}' }), 'application/json');
    }
    const appId = b.hookAppId ?? Number(input.appId);
    if (typeof input.action !== 'string' || !Number.isInteger(appId)) {
      return text(res, 400, JSON.stringify({ error: 'body must be JSON {action, appId}' }), 'application/json');
    }
    if (b.hookDelayMs) await new Promise((r) => setTimeout(r, b.hookDelayMs));
    const out = await perform(input.action, appId);
    text(res, out.status, JSON.stringify(out.body), 'application/json');
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://tp');
    const route = `${req.method} ${url.pathname}`;
    const work = (async () => {
      if (route === `POST ${PATHS.authEvents}`) return authEvent(req, res);
      if (url.pathname === PATHS.messageEvents && (req.method === 'POST' || req.method === 'GET')) return messageEvent(req, res, url);
      if (route === `GET ${PATHS.authStart}`) return authStart(req, res);
      if (route === `GET ${PATHS.callback}`) return callback(res, url);
      if (route === `POST ${PATHS.hook}`) return hook(req, res);
      if (route === 'GET /health') return text(res, 200, JSON.stringify({ status: 'ok', apps: keeper.authorizedApps() }), 'application/json');
      return text(res, 404, 'not found');
    })();
    work.catch((e) => {
      if (!res.headersSent) text(res, 500, `reference TP error: ${(e as Error).message}`);
    });
  });
  await new Promise<void>((resolve) => {
    if (cfg.listenOn) server.listen(cfg.listenOn, resolve);
    else server.listen(cfg.port ?? 0, cfg.host ?? '127.0.0.1', resolve);
  });
  const address = server.address() as AddressInfo;
  selfUrl = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  return {
    url: selfUrl,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
      client.close?.();
      stateFile?.remove();
    }),
  };
}
