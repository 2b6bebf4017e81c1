// The emulator driven over real HTTP, as a TP would drive Baidu: the authorization chain (reference §1), the ticket
// and authorization pushes (§2.5–2.6), the envelopes and documented error codes (§0.2, §6), robustness (never a 500)
// and the side door. One emulator + one stub TP per worker; every test resets the emulator and registers a fresh TP.
import { test as base, expect } from '@playwright/test';
import fc from 'fast-check';
import net, { type AddressInfo } from 'node:net';
import { createServer } from 'node:http';
import { Agent } from 'undici';
import { CATALOGUE, endpoint, routeFor } from '../harness/baidu/catalogue.ts';
import { formatToken, TOKEN_KINDS, type TokenType } from '../harness/baidu/tokens.ts';
import { ERRNO, GATEWAY } from '../harness/baidu/errors.ts';
import { msgSignature } from '../harness/crypto/msgCrypto.ts';
import { decodeQr } from '../harness/detection/qr.ts';
import { EmulatorPortError, startEmulator, type Emulator } from '../harness/emulator/index.ts';
import { parseQuery } from '../harness/emulator/server.ts';
import { canBind, freePort } from '../harness/platform/launch.ts';
import { EmulatorHandle, succeeded } from '../harness/detection/emulatorHandle.ts';
import { timelineRows } from '../harness/detection/timeline.ts';
import { CHROMIUM_ARGS, chromiumExecutable } from '../harness/detection/chromium.ts';
import { chromium } from 'playwright';
import { fingerprint, Ledger, type CallEntry } from '../harness/emulator/ledger.ts';
import type { TpRegistration } from '../harness/emulator/store.ts';
import { SeededIds, freshSeed } from '../harness/seed.ts';
import {
  AUTH_START_DOMAIN, Http, REDIRECT_URI, START_PAGE, StubTp, envelopeOf, multipart, newTpRegistration, pageErrno, pageErrorMessage,
  type HttpReply, type ParamList,
} from './support/emulatorKit.ts';

const P = {
  tpToken: endpoint('authprocess.getTpToken').path,
  preAuth: endpoint('authprocess.getPreAuthCode').path,
  oauth: endpoint('authprocess.getOAuthToken').path,
  appInfo: endpoint('authprocess.getAppInfo').path,
  retrieve: endpoint('authprocess.retrieveAuthCode').path,
  auditQuota: endpoint('pkg.getPackageSubmitAuditQuota').path,
  payStatus: endpoint('pay.getAccountAuditStatus').path,
  upload: endpoint('pkg.uploadPackage').path,
  authPage: '/mappconsole/tp/authorization',
  confirm: '/mappconsole/tp/authorization/confirm',
  poll: '/mappconsole/tp/authorization/poll',
};

const TP_TOKEN_RE = /^42\.([0-9a-f]{32})\.2592000\.(\d+)\.(.+)$/;
const gw = (code: number) => ({ error_code: code, error_msg: GATEWAY[code] });
const werr = (errno: number) => ({ errno, msg: ERRNO[errno]!.msg });

interface WorkerEnv {
  emu: Emulator;
  url: string;
  port: number;
  stub: StubTp;
  http: Http;
}

/** The authorization chain over HTTP, for one TP. */
class Flow {
  constructor(
    readonly env: WorkerEnv,
    readonly tp: TpRegistration,
  ) {}

  get http(): Http {
    return this.env.http;
  }

  /** Has the emulator push a new ticket and returns what the stub TP decrypted. */
  async ticket(): Promise<string> {
    const entry = await this.env.emu.pushTicket(this.tp.clientId);
    expect(entry.outcome, `ticket push to the stub TP: ${entry.cause ?? ''}`).toBe('ok');
    const last = this.env.stub.forClient(this.tp.clientId, 'auth').at(-1);
    expect(last?.error).toBeUndefined();
    return last!.message!.Ticket as string;
  }

  async tpToken(): Promise<string> {
    const ticket = await this.ticket();
    const r = await this.http.get(P.tpToken, { client_id: this.tp.clientId, ticket });
    expect(r.json?.errno, r.text).toBe(0);
    return r.json.data.access_token as string;
  }

  async preAuthCode(tpToken: string): Promise<string> {
    const r = await this.http.get(P.preAuth, { access_token: tpToken });
    expect(r.json?.errno, r.text).toBe(0);
    return r.json.data.pre_auth_code as string;
  }

  openAuthPage(q: { client_id?: string; pre_auth_code?: string; redirect_uri?: string }, referer: string | null = START_PAGE): Promise<HttpReply> {
    const query = { client_id: this.tp.clientId, redirect_uri: REDIRECT_URI, ...q } as Record<string, string>;
    return this.http.get(P.authPage, query, referer === null ? {} : { referer });
  }

  /** The PNG in `<img id="auth-qrcode">`, decoded as the admin's phone camera would. */
  scanUrlFrom(html: string): string {
    const m = /<img id="auth-qrcode"[^>]*\ssrc="data:image\/png;base64,([A-Za-z0-9+/=]+)"/.exec(html);
    expect(m, 'authorization page has an <img id="auth-qrcode"> PNG data URI').not.toBeNull();
    const decoded = decodeQr(Buffer.from(m![1]!, 'base64'));
    expect(decoded, 'the QR code decodes').not.toBeNull();
    return decoded!;
  }

  /** Browser side up to the QR: returns the scan URL it encodes. */
  async startAuthorization(tpToken?: string): Promise<{ scanUrl: string; tpToken: string }> {
    const tok = tpToken ?? (await this.tpToken());
    const pac = await this.preAuthCode(tok);
    const page = await this.openAuthPage({ pre_auth_code: pac });
    expect(page.status).toBe(200);
    expect(pageErrno(page.text), page.text).toBeNull();
    const scanUrl = this.scanUrlFrom(page.text);
    // For a person without a phone, the page also links to what the QR opens (the detection scans the QR).
    expect(/<a id="scan-here" href="([^"]+)"/.exec(page.text)?.[1]?.replace(/&amp;/g, '&')).toBe(scanUrl);
    return { scanUrl, tpToken: tok };
  }

  /** Phone side: open the scan URL, then confirm with an app and permission sets. */
  async phoneConfirm(scanUrl: string, appId: number, scopes: string[]): Promise<{ session: string; reply: HttpReply }> {
    const u = new URL(scanUrl);
    const scan = await this.http.get(`${u.pathname}${u.search}`);
    expect(scan.status).toBe(200);
    expect(pageErrno(scan.text), scan.text).toBeNull();
    const session = u.searchParams.get('session')!;
    const form: [string, string][] = [['session', session], ['app_id', String(appId)], ...scopes.map((s): [string, string] => ['scope', s])];
    const reply = await this.http.send('POST', P.confirm, { form });
    return { session, reply };
  }

  async poll(session: string): Promise<{ state: string; location: string | null; errno: number | null }> {
    const r = await this.http.get(P.poll, { session });
    expect(r.status).toBe(200);
    return r.json;
  }

  /** The whole chain to the callback: returns the authorization code from redirect_uri. */
  async authorize(appId: number, scopes: string[] = ['development', 'payment'], tpToken?: string): Promise<{ code: string; location: string; tpToken: string }> {
    const { scanUrl, tpToken: tok } = await this.startAuthorization(tpToken);
    const { session, reply } = await this.phoneConfirm(scanUrl, appId, scopes);
    expect(pageErrno(reply.text), reply.text).toBeNull();
    const s = await this.poll(session);
    expect(s.state).toBe('confirmed');
    const code = new URL(s.location!).searchParams.get('authorization_code')!;
    return { code, location: s.location!, tpToken: tok };
  }

  exchange(tpToken: string, code: string): Promise<HttpReply> {
    return this.http.get(P.oauth, { access_token: tpToken, grant_type: 'app_to_tp_authorization_code', code });
  }

  refresh(tpToken: string, refreshToken: string): Promise<HttpReply> {
    return this.http.get(P.oauth, { access_token: tpToken, grant_type: 'app_to_tp_refresh_token', refresh_token: refreshToken });
  }

  /** Authorization + code exchange: an authorizer token pair for one app. */
  async authorizerTokens(appId: number, scopes?: string[], tpToken?: string) {
    const a = await this.authorize(appId, scopes, tpToken);
    const r = await this.exchange(a.tpToken, a.code);
    expect(r.status, r.text).toBe(200);
    return { ...a, access: r.json.access_token as string, refresh: r.json.refresh_token as string };
  }

  async ledgerText(): Promise<string> {
    const r = await this.http.get('/__emulator/ledger');
    expect(r.status).toBe(200);
    return r.text;
  }

  /** No request ever reached the server's last line of defence (which hides crashes behind error_code 1). */
  async expectNoInternalErrors(): Promise<void> {
    const entries = JSON.parse(await this.ledgerText()).entries as { flags?: string[]; facts?: Record<string, unknown> }[];
    const crashes = entries.filter((e) => e.flags?.includes('internal-error')).map((e) => e.facts?.internalError);
    expect(crashes).toEqual([]);
  }

  async expectHealthy(): Promise<void> {
    const h = await this.http.get('/health');
    expect(h.status).toBe(200);
    expect(h.json).toMatchObject({ status: 'ok' });
  }
}

const test = base.extend<{ tp: TpRegistration; flow: Flow }, { env: WorkerEnv }>({
  env: [
    async ({}, use) => {
      const stub = await StubTp.start();
      const { emu, url, port, stop } = await startEmulator({ seed: freshSeed(), port: 0 });
      const http = new Http(url);
      await use({ emu, url, port, stub, http });
      await http.close();
      await stop();
      await stub.close();
    },
    { scope: 'worker' },
  ],
  tp: async ({ env }, use) => {
    await env.emu.idle();
    env.emu.reset();
    env.stub.clear();
    const tp = newTpRegistration(env.stub.url, new SeededIds(freshSeed()));
    env.stub.register(tp);
    env.emu.registerTp(tp, { scheduleTickets: false });
    await use(tp);
    await env.emu.idle();
  },
  flow: async ({ env, tp }, use) => {
    await use(new Flow(env, tp));
  },
});

// ---------------------------------------------------------------------------------------------------------------

test.describe('ticket push (§2.5)', () => {
  test('the stub TP receives a correctly signed envelope carrying a ticket for its client id', async ({ env, tp }) => {
    const entry = await env.emu.pushTicket(tp.clientId);
    expect(entry.outcome).toBe('ok');
    const pushes = env.stub.forClient(tp.clientId);
    expect(pushes).toHaveLength(1);
    const p = pushes[0]!;
    expect(p.target).toBe('auth');
    expect(p.error).toBeUndefined();
    expect(p.contentType).toContain('application/json');
    const e = p.envelope as Record<string, string>;
    expect(Object.keys(e).sort()).toEqual(['Encrypt', 'MsgSignature', 'Nonce', 'TimeStamp']);
    expect(e.MsgSignature).toMatch(/^[0-9a-f]{40}$/);
    expect(e.MsgSignature).toBe(msgSignature(tp.messageToken, e.TimeStamp!, e.Nonce!, e.Encrypt!));
    expect(Buffer.from(e.Encrypt!, 'base64').length % 32).toBe(0);
    expect(p.message).toEqual({
      Ticket: expect.stringMatching(/^[0-9a-f]{32}$/),
      FromUserName: 'SmartAPP',
      CreateTime: expect.any(Number),
      MsgType: 'ticket',
      Event: 'push',
    });
    expect(Math.abs(p.message!.CreateTime - env.emu.nowS())).toBeLessThanOrEqual(5);
    expect(p.trailingId).toBe(tp.clientId);
  });

  test('the side door seals a genuine ticket with the TP\'s other identity on request, and refuses any other identifier', async ({ env, tp }) => {
    const handle = new EmulatorHandle(env.url);
    const entry = await handle.pushTicket(tp.clientId, 'tpAppId');
    expect(entry.facts).toMatchObject({ probe: 'identifier', identifier: 'tpAppId', ticketSeq: 1 });
    const sent = env.stub.forClient(tp.clientId);
    expect(sent.map((p) => p.trailingId)).toEqual([String(tp.tpAppId)]);
    // Genuine: its ticket gets a TP token.
    const ticket = sent[0]!.message!.Ticket;
    const token = await env.http.get(`/public/2.0/smartapp/auth/tp/token?client_id=${tp.clientId}&ticket=${ticket}`);
    expect(token.json).toMatchObject({ errno: 0, data: { access_token: expect.any(String) } });
    await handle.pushTicket(tp.clientId, 'clientId');
    expect(env.stub.forClient(tp.clientId).map((p) => p.trailingId)).toEqual([String(tp.tpAppId), tp.clientId]);
    const refused = await env.http.send('POST', '/__emulator/push/ticket', { body: JSON.stringify({ clientId: tp.clientId, identifier: 'appKey' }), contentType: 'application/json' });
    expect(refused.status).toBe(400);
    expect(refused.json).toEqual({ error: 'identifier must be "clientId" or "tpAppId"' });
    expect(env.stub.forClient(tp.clientId), 'nothing pushed for a refused request').toHaveLength(2);
  });
});

test('an emulator bug answers gateway error 1, and its ledger entry says what was answered, without the query', async () => {
  // A handler that throws what no handler should: the server's last line of defence answers.
  const em = await startEmulator({ seed: freshSeed(), port: 0, handlers: { 'authprocess.getTpToken': () => { throw new Error('boom'); } } });
  const http = new Http(em.url);
  try {
    const r = await http.get(P.tpToken, { client_id: 'x', ticket: 'y', code: 'a-code-nobody-registered' });
    expect(r.json).toEqual({ error_code: 1, error_msg: GATEWAY[1] });
    const entry = em.emu.ledger.raw().find((e): e is CallEntry => e.dir === 'in' && e.flags.includes('internal-error'));
    expect(entry).toMatchObject({ path: P.tpToken, status: r.status, response: { error_code: 1, error_msg: GATEWAY[1] } });
    expect(JSON.stringify(entry)).not.toContain('a-code-nobody-registered');
    expect(entry!.facts.internalError).toContain('boom');
    // So every reader sees a failure: the checks' predicate, and the report's timeline.
    expect(succeeded(entry!)).toBe(false);
    expect(timelineRows([entry!])[0]).toMatchObject({ ok: false, what: `GET ${P.tpToken}`, result: `gateway error 1 ${GATEWAY[1]}`, notes: ['internal-error'] });
  } finally {
    await http.close();
    await em.stop();
  }
});

test.describe('tp/token (§1.1)', () => {
  test('an unknown client_id gets errno 50002', async ({ flow }) => {
    const ticket = await flow.ticket();
    const other = new SeededIds(freshSeed()).alnum('clientId', 32);
    expect(other).not.toBe(flow.tp.clientId);
    const r = await flow.http.get(P.tpToken, { client_id: other, ticket });
    expect(r.status).toBe(200);
    expect(r.json).toEqual(werr(50002));
  });

  test('a tp/token call racing a ticket push still in flight is not stale; once that push reached the TP, the older ticket is', async ({ env, flow }) => {
    const first = await flow.ticket();
    // The TP's next answer takes its time: the call below races the push.
    let release: () => void = () => {};
    let arrived = false;
    const slow = createServer((req, res) => {
      arrived = true;
      req.resume();
      req.on('end', () => void new Promise<void>((r) => (release = r)).then(() => res.end('success')));
    });
    await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
    const registered = env.emu.requireTp(flow.tp.clientId);
    const stubUrl = registered.authEventUrl;
    registered.authEventUrl = `http://127.0.0.1:${(slow.address() as AddressInfo).port}/auth`;
    try {
      const second = env.emu.pushTicket(flow.tp.clientId);
      await expect.poll(() => arrived).toBe(true);
      const staleOf = () => env.emu.ledger.raw().filter((e): e is CallEntry => e.dir === 'in' && e.endpointId === 'authprocess.getTpToken').at(-1)?.facts.staleTicket;
      expect((await flow.http.get(P.tpToken, { client_id: flow.tp.clientId, ticket: first })).json.errno).toBe(0);
      expect(staleOf(), 'the newer ticket had not reached the TP yet').toBe(false);
      release();
      expect((await second).outcome).toBe('ok');
      expect((await flow.http.get(P.tpToken, { client_id: flow.tp.clientId, ticket: first })).json.errno).toBe(0);
      expect(staleOf(), 'the newer ticket had reached the TP').toBe(true);
    } finally {
      registered.authEventUrl = stubUrl;
      slow.closeAllConnections();
      slow.close();
    }
  });

  test('a forged ticket gets errno 50003', async ({ flow }) => {
    await flow.ticket();
    const forged = new SeededIds(freshSeed()).hex('forged', 32);
    const r = await flow.http.get(P.tpToken, { client_id: flow.tp.clientId, ticket: forged });
    expect(r.status).toBe(200);
    expect(r.json).toEqual(werr(50003));
  });

  test('a ticket older than its lifetime gets errno 50003', async ({ env, flow }) => {
    const ticket = await flow.ticket();
    env.emu.advance(env.emu.ticketTtlS + 1);
    const r = await flow.http.get(P.tpToken, { client_id: flow.tp.clientId, ticket });
    expect(r.status).toBe(200);
    expect(r.json).toEqual(werr(50003));
  });

  test('the newest ticket gets a 42.<32hex>.2592000.<expiry>.<suffix> token valid 30 days', async ({ env, flow }) => {
    await flow.ticket();
    const newest = await flow.ticket();
    const r = await flow.http.get(P.tpToken, { client_id: flow.tp.clientId, ticket: newest });
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ errno: 0, msg: 'success', data: { access_token: expect.stringMatching(TP_TOKEN_RE), expires_in: 2592000, scope: expect.any(String) } });
    const [, , expiry, suffix] = TP_TOKEN_RE.exec(r.json.data.access_token)!;
    expect(Math.abs(Number(expiry) - (env.emu.nowS() + 2592000))).toBeLessThanOrEqual(5);
    expect(suffix!.length).toBeGreaterThan(0);
  });
});

test.describe('createpreauthcode (§1.2)', () => {
  test('an unknown token gets gateway 110, an expired one 111', async ({ env, flow }) => {
    const unknown = `42.${new SeededIds(freshSeed()).hex('t', 32)}.2592000.${env.emu.nowS() + 2592000}.abcdef-1`;
    const r1 = await flow.http.get(P.preAuth, { access_token: unknown });
    expect(r1.status).toBe(200);
    expect(r1.json).toEqual(gw(110));

    const tok = await flow.tpToken();
    env.emu.advance(2592000 + 1);
    const r2 = await flow.http.get(P.preAuth, { access_token: tok });
    expect(r2.status).toBe(200);
    expect(r2.json).toEqual(gw(111));
  });

  test('a call without access_token gets gateway 100 (Invalid parameter)', async ({ flow }) => {
    const r = await flow.http.get(P.preAuth);
    expect(r.status).toBeLessThan(500);
    expect(r.json).toEqual(gw(100));
  });

  test('a valid TP token gets a pre_auth_code that decodes to smtapp…, valid 1200 s', async ({ flow }) => {
    const tok = await flow.tpToken();
    const r = await flow.http.get(P.preAuth, { access_token: tok });
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ errno: 0, msg: 'success', data: { pre_auth_code: expect.any(String), expires_in: 1200 } });
    const decoded = Buffer.from(r.json.data.pre_auth_code, 'base64').toString('utf8');
    expect(decoded).toMatch(/^smtapp\d+[0-9a-f]{32}$/);
    expect(Buffer.from(decoded).toString('base64')).toBe(r.json.data.pre_auth_code);
  });
});

test.describe('authorization page (§1.3)', () => {
  const expectErrorPage = (r: HttpReply, errno: number) => {
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toContain('text/html');
    expect(pageErrno(r.text), r.text.slice(0, 2000)).toBe(errno);
    expect(pageErrorMessage(r.text)).toBe(ERRNO[errno]!.msg);
  };

  test('no Referer gets 50006', async ({ flow }) => {
    const pac = await flow.preAuthCode(await flow.tpToken());
    expectErrorPage(await flow.openAuthPage({ pre_auth_code: pac }, null), 50006);
  });

  test('a Referer from another domain gets 50006', async ({ flow }) => {
    const pac = await flow.preAuthCode(await flow.tpToken());
    expectErrorPage(await flow.openAuthPage({ pre_auth_code: pac }, 'https://evil.example/start'), 50006);
    // A look-alike host that merely starts with the configured domain is not under it.
    expectErrorPage(await flow.openAuthPage({ pre_auth_code: pac }, `https://${AUTH_START_DOMAIN}.evil.example/start`), 50006);
  });

  test('a redirect_uri outside the 授权发起页域名 gets 40002', async ({ flow }) => {
    const pac = await flow.preAuthCode(await flow.tpToken());
    expectErrorPage(await flow.openAuthPage({ pre_auth_code: pac, redirect_uri: 'https://evil.example/callback' }), 40002);
  });

  test('an unknown client_id gets 50002', async ({ flow }) => {
    const pac = await flow.preAuthCode(await flow.tpToken());
    expectErrorPage(await flow.openAuthPage({ pre_auth_code: pac, client_id: new SeededIds(freshSeed()).alnum('c', 32) }), 50002);
  });

  test('a pre_auth_code opened twice gets 40001 (single use)', async ({ flow }) => {
    const pac = await flow.preAuthCode(await flow.tpToken());
    const first = await flow.openAuthPage({ pre_auth_code: pac });
    expect(pageErrno(first.text)).toBeNull();
    const second = await flow.openAuthPage({ pre_auth_code: pac });
    expectErrorPage(second, 40001);
    expect(second.text).toContain('single use');
  });

  test('a valid request shows a QR code that decodes to the scan URL', async ({ env, flow }) => {
    const pac = await flow.preAuthCode(await flow.tpToken());
    const r = await flow.openAuthPage({ pre_auth_code: pac });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toContain('text/html');
    expect(r.text).toMatch(/<img id="auth-qrcode"[^>]*src="data:image\/png;base64,/);
    const scanUrl = flow.scanUrlFrom(r.text);
    const escaped = env.url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    expect(scanUrl).toMatch(new RegExp(`^${escaped}/mappconsole/tp/authorization/scan\\?session=[0-9a-f]{24}$`));
    expect(await flow.poll(new URL(scanUrl).searchParams.get('session')!)).toEqual({ state: 'pending', location: null, errno: null });
  });

  test('the page long-polls: a poll that names the state it knows returns when the phone scans, not before', async ({ env, flow }) => {
    const { scanUrl } = await flow.startAuthorization();
    const session = new URL(scanUrl).searchParams.get('session')!;
    let answered = false;
    const waiting = env.http.get(P.poll, { session, state: 'pending' }).then((r) => ((answered = true), r));
    await new Promise((r) => setTimeout(r, 300));
    expect(answered, 'the poll is still held while nobody has scanned').toBe(false);
    const u = new URL(scanUrl);
    await env.http.get(`${u.pathname}${u.search}`);
    const r = await waiting;
    expect(r.json).toEqual({ state: 'scanned', location: null, errno: null });
    // A poll naming an older state than the current one answers at once.
    expect((await env.http.get(P.poll, { session, state: 'pending' })).json.state).toBe('scanned');
  });
});

test.describe('phone side of the scan (§1.3–1.4, §2.6)', () => {
  test('an app not on the 授权测试名单 gets 50007', async ({ env, flow }) => {
    const { scanUrl } = await flow.startAuthorization();
    const outsider = env.emu.outsiderAppId(flow.tp);
    expect(flow.tp.testAppIds).not.toContain(outsider);
    const { session, reply } = await flow.phoneConfirm(scanUrl, outsider, ['development', 'payment']);
    expect(reply.status).toBe(200);
    expect(pageErrno(reply.text)).toBe(50007);
    expect(pageErrorMessage(reply.text)).toBe(ERRNO[50007]!.msg);
    expect(await flow.poll(session)).toEqual({ state: 'rejected', location: null, errno: 50007 });
    await env.emu.idle();
    expect(env.stub.events(flow.tp.clientId)).toEqual([]);
  });

  test('a test app confirms: redirect with the code, AUTHORIZED push, then UPDATE_AUTHORIZED on re-authorization', async ({ env, flow }) => {
    const appId = flow.tp.testAppIds[0]!;
    const { scanUrl, tpToken } = await flow.startAuthorization();
    const { session, reply } = await flow.phoneConfirm(scanUrl, appId, ['development', 'payment']);
    expect(reply.status).toBe(200);
    expect(pageErrno(reply.text)).toBeNull();

    const s = await flow.poll(session);
    expect(s.state).toBe('confirmed');
    expect(s.errno).toBeNull();
    const loc = new URL(s.location!);
    expect(`${loc.origin}${loc.pathname}`).toBe(REDIRECT_URI);
    expect([...loc.searchParams.keys()].sort()).toEqual(['authorization_code', 'expires_in']);
    const code = loc.searchParams.get('authorization_code')!;
    expect(code).toMatch(/^[0-9a-f]{32}$/);
    expect(loc.searchParams.get('expires_in')).toBe('3600');

    await env.emu.idle();
    const authorized = env.stub.events(flow.tp.clientId, 'AUTHORIZED');
    expect(authorized).toHaveLength(1);
    expect(authorized[0]).toMatchObject({ event: 'AUTHORIZED', appId, tpAppId: flow.tp.tpAppId, authorizationCode: code, authorizationCodeExpiresIn: expect.any(Number) });
    expect(authorized[0]!.eventTime).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);

    const again = await flow.authorize(appId, ['development'], tpToken);
    await env.emu.idle();
    const updated = env.stub.events(flow.tp.clientId, 'UPDATE_AUTHORIZED');
    expect(updated).toHaveLength(1);
    expect(updated[0]).toMatchObject({ appId, tpAppId: flow.tp.tpAppId, authorizationCode: again.code });
    expect(again.code).not.toBe(code);
    expect(env.stub.events(flow.tp.clientId, 'AUTHORIZED')).toHaveLength(1);
  });
});

test.describe('oauth/token (§1.5–1.6)', () => {
  test('a code is exchanged once for a 45./46. pair; the second exchange is invalid_grant', async ({ flow }) => {
    const { code, tpToken } = await flow.authorize(flow.tp.testAppIds[0]!);
    const r = await flow.exchange(tpToken, code);
    expect(r.status).toBe(200);
    expect(r.json).toEqual({
      access_token: expect.stringMatching(/^45\.[0-9a-f]{32}\.3600\.\d+\..+$/),
      refresh_token: expect.stringMatching(/^46\.[0-9a-f]{32}\.315360000\.\d+\..+$/),
      expires_in: 3600,
    });
    const again = await flow.exchange(tpToken, code);
    expect(again.status).toBe(200);
    expect(again.json).toEqual({ error: 'invalid_grant', error_description: expect.any(String) });
  });

  test('a code older than 3600 s is invalid_grant', async ({ env, flow }) => {
    const { code, tpToken } = await flow.authorize(flow.tp.testAppIds[0]!);
    env.emu.advance(3601);
    const r = await flow.exchange(tpToken, code);
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ error: 'invalid_grant', error_description: expect.stringMatching(/expired/) });
  });

  test('refresh returns a new pair and spends the refresh token (single use)', async ({ flow }) => {
    const t = await flow.authorizerTokens(flow.tp.testAppIds[0]!);
    const r = await flow.refresh(t.tpToken, t.refresh);
    expect(r.status).toBe(200);
    expect(r.json).toEqual({
      access_token: expect.stringMatching(/^45\./),
      refresh_token: expect.stringMatching(/^46\./),
      expires_in: 3600,
    });
    expect(r.json.access_token).not.toBe(t.access);
    expect(r.json.refresh_token).not.toBe(t.refresh);
    // The new access token works.
    const info = await flow.http.get(P.appInfo, { access_token: r.json.access_token });
    expect(info.json?.errno, info.text).toBe(0);

    const reuse = await flow.refresh(t.tpToken, t.refresh);
    expect(reuse.status).toBe(200);
    expect(reuse.json).toEqual({ error: 'invalid_grant', error_description: expect.stringMatching(/single use/) });
  });

  test('a transient gateway error armed through the side door answers the app\'s next call only; 0 disarms', async ({ flow }) => {
    const appId = flow.tp.testAppIds[0]!;
    const t = await flow.authorizerTokens(appId);
    const arm = (body: Record<string, unknown>) => flow.http.send('POST', '/__emulator/app/transient-error', { body: JSON.stringify({ clientId: flow.tp.clientId, appId, ...body }), contentType: 'application/json' });
    expect((await arm({ count: 2 })).json).toEqual({ armed: 2 });
    for (let i = 0; i < 2; i++) {
      const refused = await flow.http.get(P.appInfo, { access_token: t.access });
      expect(refused.json).toEqual({ error_code: 2, error_msg: 'Service temporarily unavailable' });
    }
    expect((await flow.http.get(P.appInfo, { access_token: t.access })).json?.errno, 'the third call gets through').toBe(0);
    const entries = (await new EmulatorHandle(flow.http.base).calls('authprocess.getAppInfo')).slice(-3);
    expect(entries.map((e) => e.facts.injected ?? null)).toEqual(['transient', 'transient', null]);
    expect(entries.map((e) => e.appId)).toEqual([appId, appId, appId]);

    await arm({ count: 1 });
    expect((await flow.http.get('/__emulator/state')).json?.transientErrors, 'armed faults are in the state').toEqual({ [`${flow.tp.clientId}:${appId}`]: 1 });
    expect((await arm({ count: 0 })).json).toEqual({ armed: 0 });
    expect((await flow.http.get('/__emulator/state')).json?.transientErrors).toEqual({});
    expect((await flow.http.get(P.appInfo, { access_token: t.access })).json?.errno, 'disarmed').toBe(0);
    for (const [body, error] of [
      [{ count: -1 }, 'count must be a whole number from 0 to 10'],
      [{ count: 'x' }, 'count must be a whole number from 0 to 10'],
      [{ appId: undefined }, 'appId is required (the authorized app\'s numeric id)'],
      [{ appId: flow.tp.testAppIds[1] }, `app ${flow.tp.testAppIds[1]} has not authorized ${flow.tp.clientId}`],
      // Disarming needs no authorization (after UNAUTHORIZED, say).
      [{ appId: flow.tp.testAppIds[1], count: 0 }, null],
    ] as const) {
      const r = await arm(body);
      expect(r.status).toBe(error ? 400 : 200);
      expect(r.json).toEqual(error ? { error } : { armed: 0 });
    }
    // An armed fault ends with the authorization: the app's next authorization starts clean.
    await arm({ count: 3 });
    await flow.http.send('POST', '/__emulator/app/unauthorize', { body: JSON.stringify({ clientId: flow.tp.clientId, appId }), contentType: 'application/json' });
    expect((await flow.http.get('/__emulator/state')).json?.transientErrors).toEqual({});
  });

  test('a missing grant_type is invalid_request', async ({ flow }) => {
    const { code, tpToken } = await flow.authorize(flow.tp.testAppIds[0]!);
    const r = await flow.http.get(P.oauth, { access_token: tpToken, code });
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ error: 'invalid_request', error_description: expect.any(String) });
    // The code was not spent by the bad request.
    expect((await flow.exchange(tpToken, code)).status).toBe(200);
  });
});

test.describe('app/info (§1.7) and authorization lifecycle', () => {
  test('auth_info lists exactly the granted sets; a re-authorization kills the old authorizer token', async ({ flow }) => {
    const appId = flow.tp.testAppIds[1]!;
    const t = await flow.authorizerTokens(appId, ['development', 'payment']);
    const info = await flow.http.get(P.appInfo, { access_token: t.access });
    expect(info.status).toBe(200);
    expect(info.json).toMatchObject({ errno: 0, msg: 'success', data: { app_id: appId } });
    const names = (info.json.data.auth_info as { scope_name: string }[]).map((a) => a.scope_name).sort();
    expect(names).toEqual(['开发管理权限', '支付服务权限'].sort());

    const t2 = await flow.authorizerTokens(appId, ['development'], t.tpToken);
    const stale = await flow.http.get(P.appInfo, { access_token: t.access });
    expect(stale.status).toBe(200);
    expect(stale.json).toEqual(gw(110));
    const fresh = await flow.http.get(P.appInfo, { access_token: t2.access });
    expect((fresh.json.data.auth_info as { scope_name: string }[]).map((a) => a.scope_name)).toEqual(['开发管理权限']);
  });

  test('re-authorizing with the same sets: a new code in the redirect, no push, and the old authorizer token stops working', async ({ env, flow }) => {
    const appId = flow.tp.testAppIds[1]!;
    const t = await flow.authorizerTokens(appId, ['development', 'payment']);
    await env.emu.idle();
    const pushesBefore = env.stub.forClient(flow.tp.clientId, 'auth').length;
    // The same two sets, ticked in the other order: nothing changed.
    const again = await flow.authorize(appId, ['payment', 'development'], t.tpToken);
    await env.emu.idle();
    expect(env.stub.forClient(flow.tp.clientId, 'auth').slice(pushesBefore).map((p) => p.message?.event ?? p.message?.MsgType)).toEqual([]);
    expect(again.code).not.toBe(t.code);
    // The confirmation's ledger entry says which generation the code belongs to and that nothing was pushed (the
    // probes find the second scan's code this way).
    const confirms = (JSON.parse(await flow.ledgerText()).entries as { dir: string; path?: string; facts: Record<string, unknown> }[])
      .filter((e) => e.dir === 'page' && e.path?.endsWith('/confirm') && e.facts.appId === appId);
    const [before, latest] = confirms.slice(-2).map((e) => e.facts);
    expect(before!.event).not.toBeNull();
    expect(latest).toMatchObject({ generation: (before!.generation as number) + 1, event: null });
    expect((await flow.http.get(P.appInfo, { access_token: t.access })).json).toEqual(gw(110));
    const t2 = await flow.exchange(t.tpToken, again.code);
    expect(t2.status, t2.text).toBe(200);
    expect((await flow.http.get(P.appInfo, { access_token: t2.json.access_token })).json).toMatchObject({ errno: 0, data: { app_id: appId } });
  });

  test('side door app/reauthorize: one set changes and UPDATE_AUTHORIZED is pushed with a code for the new grant', async ({ env, flow }) => {
    const appId = flow.tp.testAppIds[0]!;
    const t = await flow.authorizerTokens(appId, ['development', 'payment']);
    await env.emu.idle();
    const door = (body: Record<string, unknown>) => flow.http.send('POST', '/__emulator/app/reauthorize', { body: JSON.stringify({ clientId: flow.tp.clientId, appId, ...body }), contentType: 'application/json' });
    const grantedNow = async (access: string) => ((await flow.http.get(P.appInfo, { access_token: access })).json.data.auth_info as { scope_name: string }[]).map((a) => a.scope_name);

    const pushed = await door({});
    expect(pushed.json).toEqual({ event: 'UPDATE_AUTHORIZED', granted: ['development'], generation: 2 });
    await env.emu.idle();
    const update = env.stub.events(flow.tp.clientId, 'UPDATE_AUTHORIZED');
    expect(update).toHaveLength(1);
    const t2 = await flow.exchange(t.tpToken, update[0]!.authorizationCode as string);
    expect(await grantedNow(t2.json.access_token)).toEqual(['开发管理权限']);

    // The token from before the re-authorization stops working.
    expect((await flow.http.get(P.appInfo, { access_token: t.access })).json).toEqual(gw(110));

    // A single set, granted: nothing left to untick, so the TP's other set is ticked.
    expect((await door({})).json).toEqual({ event: 'UPDATE_AUTHORIZED', granted: ['development', flow.tp.permissionSets.find((set) => set !== 'development')], generation: 3 });

    for (const [body, error] of [
      [{ appId: 1 }, `app 1 has not authorized ${flow.tp.clientId}`],
      [{ clientId: 'nobody' }, 'no TP nobody'],
      [{ clientId: 7 }, "clientId is required (the TP's client_id)"],
    ] as const) {
      const r = await door(body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.json).toEqual({ error });
    }
  });

  test('a code issued before a re-authorization can no longer be exchanged (a TP must use the newest one)', async ({ env, flow }) => {
    const appId = flow.tp.testAppIds[0]!;
    const first = await flow.authorize(appId, ['development', 'payment']);
    const again = await flow.authorize(appId, ['development'], first.tpToken);
    const old = await flow.exchange(first.tpToken, first.code);
    expect(old.status).toBe(200);
    expect(old.json).toEqual({ error: 'invalid_grant', error_description: 'the mini program has re-authorized since this code was issued' });
    expect((await flow.exchange(first.tpToken, again.code)).status).toBe(200);
    await env.emu.idle();
  });

  test('a permission set ticked twice counts once: adding a set after it is a change (UPDATE_AUTHORIZED)', async ({ env, flow }) => {
    const appId = flow.tp.testAppIds[1]!;
    const first = await flow.authorize(appId, ['development', 'development']);
    await env.emu.idle();
    const t = await flow.exchange(first.tpToken, first.code);
    const info = await flow.http.get(P.appInfo, { access_token: t.json.access_token });
    expect((info.json.data.auth_info as { scope_name: string }[]).map((a) => a.scope_name)).toEqual(['开发管理权限']);
    await flow.authorize(appId, ['development', 'payment'], first.tpToken);
    await env.emu.idle();
    expect(env.stub.events(flow.tp.clientId, 'UPDATE_AUTHORIZED')).toHaveLength(1);
  });

  test('retrieve/authorizationcode for an app without authorization gets 50032', async ({ flow }) => {
    const tok = await flow.tpToken();
    const appId = flow.tp.testAppIds[0]!;
    const r = await flow.http.send('POST', P.retrieve, { query: { access_token: tok }, form: { app_id: appId } });
    expect(r.status).toBe(200);
    expect(r.json).toEqual(werr(50032));

    // After an authorization the same call recovers a code that exchanges.
    await flow.authorize(appId, ['development'], tok);
    const ok = await flow.http.send('POST', P.retrieve, { query: { access_token: tok }, form: { app_id: appId } });
    expect(ok.json).toMatchObject({ errno: 0, data: { authorization_code: expect.any(String), expires_in: 18_000 } }); // reference §1.8 sample
    expect((await flow.exchange(tok, ok.json.data.authorization_code)).status).toBe(200);
  });

  test('an endpoint of a set the app did not grant gets errno 45001 before any handler runs', async ({ flow }) => {
    const t = await flow.authorizerTokens(flow.tp.testAppIds[0]!, ['payment']);
    const r = await flow.http.get(P.auditQuota, { access_token: t.access });
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ errno: 45001, msg: expect.stringMatching(new RegExp(`^${ERRNO[45001]!.msg}`)) });
    // A set the app did grant is not refused for permission.
    const granted = await flow.http.get(P.payStatus, { access_token: t.access });
    expect(granted.json?.errno).not.toBe(45001);
  });
});

test.describe('robustness: Baidu envelopes, never a 500', () => {
  test('unknown path and wrong method get gateway error_code 3', async ({ flow }) => {
    const unknown = await flow.http.get('/rest/2.0/smartapp/no/such/api', { access_token: 'x' });
    expect(unknown.status).toBe(404);
    expect(unknown.json).toEqual(gw(3));
    const wrong = await flow.http.send('POST', P.appInfo, { form: { access_token: 'x' } });
    expect(wrong.status).toBeLessThan(500);
    expect(wrong.json).toEqual(gw(3));
    const del = await flow.http.send('DELETE', P.tpToken);
    expect(del.json).toEqual(gw(3));
    // A browser's icon request is no call of the TP's: answered empty, and not in the ledger.
    const before = flow.env.emu.ledger.raw().length;
    expect((await flow.http.get('/favicon.ico')).status).toBe(204);
    expect(flow.env.emu.ledger.raw().length).toBe(before);
    await flow.expectHealthy();
  });

  test('malformed form, JSON and multipart bodies, invalid UTF-8 and huge query strings get JSON envelopes', async ({ flow }) => {
    const tok = await flow.tpToken();
    const cases: { name: string; method: string; path: string; body?: string | Buffer; contentType?: string; query?: ParamList; raw?: string }[] = [
      { name: 'malformed form', method: 'POST', path: P.retrieve, query: { access_token: tok }, body: '%%%&&==&app_id=%zz&=&a=%E4%B8', contentType: 'application/x-www-form-urlencoded' },
      { name: 'malformed JSON', method: 'POST', path: P.retrieve, query: { access_token: tok }, body: '{"app_id": 1,', contentType: 'application/json' },
      { name: 'JSON that is not an object', method: 'POST', path: P.retrieve, query: { access_token: tok }, body: '[1,2,3]', contentType: 'application/json' },
      { name: 'JSON null', method: 'POST', path: P.retrieve, query: { access_token: tok }, body: 'null', contentType: 'application/json' },
      { name: 'malformed multipart', method: 'POST', path: P.retrieve, query: { access_token: tok }, body: '--b\r\ngarbage without headers', contentType: 'multipart/form-data; boundary=b' },
      { name: 'multipart without boundary', method: 'POST', path: '/file/2.0/smartapp/upload/image', query: { access_token: tok }, body: 'x', contentType: 'multipart/form-data' },
      { name: 'invalid UTF-8 body', method: 'POST', path: P.retrieve, query: { access_token: tok }, body: Buffer.from([0x61, 0x70, 0x70, 0x5f, 0x69, 0x64, 0x3d, 0xff, 0xfe, 0xc3]), contentType: 'application/x-www-form-urlencoded' },
      { name: 'invalid UTF-8 JSON', method: 'POST', path: P.retrieve, query: { access_token: tok }, body: Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]), contentType: 'application/json' },
      { name: 'invalid UTF-8 percent-encoded query', method: 'GET', path: `${P.tpToken}?client_id=%FF%FE%C3&ticket=%80` },
      { name: 'invalid percent escapes', method: 'GET', path: `${P.preAuth}?access_token=%&x=%zz%` },
      { name: 'huge query string (12 KB)', method: 'GET', path: P.tpToken, query: Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`k${i}`, 'v'.repeat(6)])) },
      { name: 'huge single value', method: 'GET', path: P.preAuth, query: { access_token: 'a'.repeat(12_000) } },
    ];
    for (const c of cases) {
      const r = await flow.http.send(c.method, c.path, { query: c.query, body: c.body, contentType: c.contentType });
      expect(r.status, c.name).toBeLessThan(500);
      expect(envelopeOf(r.json), `${c.name}: ${r.text.slice(0, 200)}`).not.toBeNull();
      expect(r.json.error_code, `${c.name} hit the internal-error fallback`).not.toBe(1);
    }
    // Exact codes where the emulator documents them.
    const badJson = await flow.http.send('POST', P.retrieve, { query: { access_token: tok }, body: '{bad', contentType: 'application/json' });
    expect(badJson.json).toEqual({ errno: 40001, msg: expect.stringMatching(/^参数错误/) });
    const badMultipart = await flow.http.send('POST', P.retrieve, { query: { access_token: tok }, body: '--b\r\ngarbage', contentType: 'multipart/form-data; boundary=b' });
    expect(badMultipart.json).toEqual({ errno: 40001, msg: expect.stringMatching(/^参数错误/) });
    const badInt = await flow.http.send('POST', P.retrieve, { query: { access_token: tok }, body: Buffer.from([0x61, 0x70, 0x70, 0x5f, 0x69, 0x64, 0x3d, 0xff]), contentType: 'application/x-www-form-urlencoded' });
    expect(badInt.json).toEqual({ errno: 40001, msg: expect.stringContaining('app_id') });
    // oauth/token answers in its own (OAuth) envelope, also for a body it cannot read.
    const badOauth = await flow.http.send('POST', P.oauth, { query: { access_token: tok }, body: '{bad', contentType: 'application/json' });
    expect(badOauth.json).toEqual({ error: 'invalid_request', error_description: 'request body could not be parsed' });
    await flow.expectNoInternalErrors();
    await flow.expectHealthy();
  });

  test('an 11 MB body gets errno 40006', async ({ flow }) => {
    const agent = new Agent(); // own connection pool: see the keep-alive test below
    try {
      const body = Buffer.alloc(11 * 1024 * 1024, 0x61);
      const r = await flow.http.send('POST', P.upload, { body, contentType: 'application/x-www-form-urlencoded', dispatcher: agent });
      expect(r.status).toBe(200);
      expect(r.json).toEqual({ errno: 40006, msg: expect.stringMatching(new RegExp(`^${ERRNO[40006]!.msg}`)) });
    } finally {
      await agent.close();
    }
    await flow.expectNoInternalErrors();
    await flow.expectHealthy();
  });

  test('after an 11 MB body the keep-alive connection still serves the next request', async ({ flow }) => {
    const agent = new Agent({ connections: 1 });
    try {
      const r = await flow.http.send('POST', P.upload, { body: Buffer.alloc(11 * 1024 * 1024, 0x61), contentType: 'application/x-www-form-urlencoded', dispatcher: agent });
      expect(r.json?.errno).toBe(40006);
      const h = await flow.http.send('GET', '/health', { dispatcher: agent });
      expect(h.json).toMatchObject({ status: 'ok' });
    } finally {
      await agent.destroy();
    }
  });

  test('requests Node’s HTTP parser rejects (64 KB query, raw non-ASCII request line) still get a JSON envelope', async ({ env, flow }) => {
    const raw = (bytes: Buffer) =>
      new Promise<{ status: number; body: string }>((resolve) => {
        const s = net.connect(env.port, '127.0.0.1', () => s.end(bytes));
        const chunks: Buffer[] = [];
        s.on('data', (c: Buffer) => chunks.push(c));
        s.on('error', () => {}); // the server may close while we still write; 'close' follows with what arrived
        s.on('close', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), body: text.split('\r\n\r\n').slice(1).join('\r\n\r\n') });
        });
      });
    const huge = await raw(Buffer.from(`GET ${P.preAuth}?access_token=${'a'.repeat(64 * 1024)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`, 'latin1'));
    const nonAscii = await raw(Buffer.concat([Buffer.from(`GET ${P.preAuth}?x=`), Buffer.from([0xff, 0xfe]), Buffer.from(' HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')]));
    for (const r of [huge, nonAscii]) {
      expect(r.status).toBeGreaterThan(0);
      expect(r.status).toBeLessThan(500);
      let parsed: unknown = null;
      try {
        parsed = JSON.parse(r.body);
      } catch {
        // not JSON
      }
      expect(envelopeOf(parsed), `body: ${JSON.stringify(r.body.slice(0, 100))}`).not.toBeNull();
    }
    await flow.expectHealthy();
  });

  test('property: random paths, methods and params under /rest/2.0/smartapp/ never get a 500 and always a Baidu envelope', async ({ flow }) => {
    test.setTimeout(120_000);
    // Any code point, lone surrogates included (cheaper to build than fc.string({ unit: 'binary' }), which blocks the
    // event loop for seconds while it builds its tables).
    const unicode = (maxLength: number) =>
      fc.array(fc.integer({ min: 0, max: 0x10ffff }), { maxLength }).map((cps) => String.fromCodePoint(...cps));
    const segment = fc.oneof(
      fc.stringMatching(/^[A-Za-z0-9._~-]{1,12}$/),
      fc.string({ maxLength: 8 }).map(encodeURIComponent),
      fc.constantFrom('app', 'package', 'tp', 'auth', 'info', 'upload', 'token', '%00', '%2F', '%FF', '..', '.', ''),
    );
    const anyMethod = fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS');
    const target = fc.oneof(
      // Random paths under the business prefix, any method.
      { weight: 2, arbitrary: fc.tuple(fc.array(segment, { maxLength: 4 }).map((segs) => `/rest/2.0/smartapp/${segs.join('/')}`), anyMethod) },
      // Real endpoints with their own method, so the params reach validation, token checks and handlers.
      { weight: 3, arbitrary: fc.constantFrom(...CATALOGUE).map((e): [string, string] => [e.path, e.method]) },
      // Real endpoints with a random method.
      { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...CATALOGUE.map((e) => e.path)), anyMethod) },
    );
    const knownKey = fc.constantFrom(...new Set(['access_token', 'client_id', 'ticket', 'grant_type', 'code', 'refresh_token', 'app_id', '__proto__', 'constructor',
      ...CATALOGUE.flatMap((e) => Object.keys(e.params))]));
    const key = fc.oneof({ weight: 3, arbitrary: knownKey }, { weight: 1, arbitrary: fc.string({ maxLength: 8 }) }, { weight: 1, arbitrary: unicode(6) });
    const value = fc.oneof(
      fc.string({ maxLength: 30 }),
      unicode(20),
      fc.integer().map(String),
      fc.constantFrom('', '-1', '0', '1', '99999999999999999999', 'app_to_tp_authorization_code', 'app_to_tp_refresh_token', '{}', '[', 'null', 'NaN',
        'add', 'get', 'set', 'delete', 'https://a.example', String(flow.tp.testAppIds[0]), String(flow.tp.testAppIds[1])),
    );
    const params = fc.array(fc.tuple(key, value), { maxLength: 8 });
    const encoding = fc.constantFrom('query', 'form', 'json', 'multipart');

    // Tokens last, right before the run (no idle keep-alive sockets age while arbitraries are built).
    const tpToken = await flow.tpToken();
    const app = await flow.authorizerTokens(flow.tp.testAppIds[0]!, ['development', 'payment'], tpToken);
    const token = fc.constantFrom<string | undefined>(undefined, 'garbage', tpToken, app.access);

    const seen = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(target, params, token, encoding, async ([p, m], ps, tok, enc) => {
        const list: [string, string][] = tok === undefined ? [...ps] : [['access_token', tok], ...ps];
        const hasBody = m !== 'GET' && m !== 'DELETE' && m !== 'OPTIONS' && enc !== 'query';
        let r: HttpReply;
        if (!hasBody) r = await flow.http.send(m, p, { query: list });
        else if (enc === 'form') r = await flow.http.send(m, p, { form: list });
        else if (enc === 'json') r = await flow.http.send(m, p, { body: JSON.stringify(Object.fromEntries(list)), contentType: 'application/json' });
        else {
          const mp = multipart(list);
          r = await flow.http.send(m, p, { body: mp.body, contentType: mp.contentType });
        }
        if (r.status >= 500) return false;
        // A binary endpoint (QR code, domain check file) answers its success as bytes, not JSON (§0.2 B).
        const route = routeFor(m, new URL(p, 'http://x').pathname);
        const ct = String(r.headers['content-type'] ?? '');
        if (route.def?.envelope === 'B' && !route.wrongMethod && r.status === 200 && !ct.includes('json')) {
          seen.set('B:binary', (seen.get('B:binary') ?? 0) + 1);
          return true;
        }
        const kind = envelopeOf(r.json);
        const label = `${kind}:${r.json?.errno ?? r.json?.error_code ?? r.json?.error ?? ''}`;
        seen.set(label, (seen.get(label) ?? 0) + 1);
        return kind !== null && r.json.error_code !== 1;
      }),
      { numRuns: 100, interruptAfterTimeLimit: 90_000, markInterruptAsFailure: false },
    );
    test.info().annotations.push({ type: 'replies seen', description: JSON.stringify(Object.fromEntries(seen)) });
    await flow.expectNoInternalErrors();
    await flow.expectHealthy();
  });
});

test('a held port is said plainly; when the HTTPS port is the held one, the HTTP server it already started is closed', async () => {
  const holder = net.createServer();
  await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r));
  const held = (holder.address() as net.AddressInfo).port;
  try {
    const http = startEmulator({ port: held });
    await expect(http).rejects.toBeInstanceOf(EmulatorPortError);
    await expect(http).rejects.toThrow(`the emulator cannot listen on 127.0.0.1:${held}: the port is in use — stop what holds it `
      + '(a `npm run emulator` still running? a run starts its own), or choose another port with PREFLIGHT_EMULATOR_PORT');
    // No stack: Playwright would print our source around an environment problem.
    const err = (await http.catch((e: unknown) => e)) as Error;
    expect(err.stack).toBe(`Error: ${err.message}`);

    // A known HTTP port, so the test can see it free again afterwards.
    const httpPort = await freePort();
    await expect(startEmulator({ port: httpPort, httpsPort: held })).rejects.toThrow(/127\.0\.0\.1:\d+ \(HTTPS\): the port is in use .* PREFLIGHT_EMULATOR_HTTPS_PORT$/);
    expect(await canBind(httpPort), 'the HTTP server it had started is closed').toBe(true);
  } finally {
    holder.close();
  }
});

test.describe('side door', () => {
  test('POST /__emulator/reset clears tokens', async ({ flow }) => {
    const tok = await flow.tpToken();
    expect((await flow.http.get(P.preAuth, { access_token: tok })).json?.errno).toBe(0);
    const reset = await flow.http.send('POST', '/__emulator/reset');
    expect(reset.status).toBe(200);
    expect(reset.json).toEqual({ reset: true });
    const after = await flow.http.get(P.preAuth, { access_token: tok });
    expect(after.json).toEqual(gw(110));
  });

  test('POST /__emulator/clock moves the emulator\'s time: a TP token expires without waiting 30 days (gateway 111)', async ({ env, flow }) => {
    const tok = await flow.tpToken();
    expect((await flow.http.get(P.preAuth, { access_token: tok })).json?.errno).toBe(0);
    const moved = await env.http.send('POST', '/__emulator/clock', { body: JSON.stringify({ advanceSeconds: 2592000 + 1 }), contentType: 'application/json' });
    expect(moved.status).toBe(200);
    expect(moved.json.now).toBeGreaterThan(Date.now() + 2592000 * 1000);
    expect((await flow.http.get(P.preAuth, { access_token: tok })).json).toEqual(gw(111));
    // Not a number of seconds: refused, and the clock stays where it was (a NaN offset would stop every expiry).
    for (const advanceSeconds of ['x', -5]) {
      const bad = await env.http.send('POST', '/__emulator/clock', { body: JSON.stringify({ advanceSeconds }), contentType: 'application/json' });
      expect(bad.status, String(advanceSeconds)).toBe(400);
    }
    expect((await flow.http.get(P.preAuth, { access_token: tok })).json).toEqual(gw(111));
  });

  test('POST /__emulator/tps registers a TP (a missing field is named); /health counts it; GET /__emulator/state shows it without its secrets', async ({ env, flow }) => {
    const json = (o: unknown) => ({ body: JSON.stringify(o), contentType: 'application/json' });
    const before = (await env.http.get('/health')).json;
    expect(before).toMatchObject({ status: 'ok', service: 'baidu-tp-emulator' });
    const tp = {
      clientId: 'SideDoorClient0123456789abcdefAB', tpAppId: 777, messageToken: 'SideDoorToken', encodingAesKey: 'A'.repeat(43),
      authEventUrl: 'http://127.0.0.1:9/auth', messageEventUrl: 'http://127.0.0.1:9/msg', authStartDomain: '127.0.0.1:9', scheduleTickets: false,
    };
    const { messageEventUrl: _m, ...incomplete } = tp;
    const bad = await env.http.send('POST', '/__emulator/tps', json(incomplete));
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.json)).toContain('messageEventUrl is required');
    const ok = await env.http.send('POST', '/__emulator/tps', json(tp));
    expect(ok.json).toEqual({ registered: tp.clientId });
    expect((await env.http.get('/health')).json.tps).toBe(before.tps + 1);
    // A token issued before, so the state has one to show as a fingerprint.
    const tpToken = await flow.tpToken();
    const state = await env.http.get('/__emulator/state');
    const text = state.text;
    const listed = (state.json.tps as { clientId: string; testAppIds: number[] }[]).find((t) => t.clientId === tp.clientId);
    expect(listed, 'the registered TP is in the state').toMatchObject({ tpAppId: 777, testAppIds: [] });
    for (const secret of [tp.messageToken, tp.encodingAesKey, tpToken]) expect(text).not.toContain(secret);
    expect(text).toContain(fingerprint('tpAccessToken', tpToken));
    // Both registrations are in the ledger, refused and accepted, with the TP's public identity only: not even the
    // raw entries (before redaction) hold the message token or the EncodingAESKey.
    const registrations = env.emu.ledger.raw().filter((e) => e.dir === 'sidedoor' && e.route === 'POST /__emulator/tps');
    expect(registrations).toEqual([
      expect.objectContaining({ clientId: tp.clientId, status: 400, input: { clientId: tp.clientId, tpAppId: 777, authStartDomain: '127.0.0.1:9' } }),
      expect.objectContaining({ clientId: tp.clientId, status: 200, input: { clientId: tp.clientId, tpAppId: 777, authStartDomain: '127.0.0.1:9' } }),
    ]);
    const raw = JSON.stringify(env.emu.ledger.raw());
    for (const secret of [tp.messageToken, tp.encodingAesKey]) expect(raw).not.toContain(secret);
    // Lists of the wrong shape are refused before anything is stored: the pages that list TPs keep working.
    for (const [over, says] of [
      [{ testAppIds: '12' }, 'testAppIds must be an array of app ids'],
      [{ testAppIds: null }, 'testAppIds must be an array of app ids'],
      [{ permissionSets: ['nope'] }, 'permissionSets must be an array of permission-set slugs'],
    ] as const) {
      const refused = await env.http.send('POST', '/__emulator/tps', json({ ...tp, clientId: 'Another0123456789abcdefABCDEFGHIJ', ...over }));
      expect(refused.status, JSON.stringify(over)).toBe(400);
      expect(refused.json.error).toContain(says);
    }
    expect((await env.http.get('/health')).json.tps).toBe(before.tps + 1);
    expect((await env.http.get('/__emulator/')).status).toBe(200);
  });

  test('the dashboard (GET /__emulator/) shows the TPs, the authorizations and a timeline that grows as calls arrive; never a secret', async ({ env, flow }) => {
    const appId = flow.tp.testAppIds[0]!;
    const t = await flow.authorizerTokens(appId);
    const page = await env.http.get('/__emulator/');
    expect(page.status).toBe(200);
    for (const shown of [flow.tp.clientId, flow.tp.authEventUrl, String(appId), 'GET /rest/2.0/oauth/token?grant_type=app_to_tp_authorization_code']) expect(page.text).toContain(shown);
    for (const secret of [flow.tp.messageToken, flow.tp.encodingAesKey, t.access, t.refresh]) expect(page.text).not.toContain(secret);
    // The rows after a seq, with the seq to ask from next; nothing new, nothing sent.
    const last = (await env.http.get('/__emulator/timeline?since=0')).json.last as number;
    expect((await env.http.get(`/__emulator/timeline?since=${last}`)).json).toEqual({ html: '', last, count: 0, resets: env.emu.ledger.resets });
    // A page asking from beyond what this emulator recorded was opened on an earlier one (it was started again).
    expect((await env.http.get(`/__emulator/timeline?since=${env.emu.ledger.size + 5}`)).json).toMatchObject({ restarted: true, count: 0 });
    await flow.http.get(P.appInfo, { access_token: t.access });
    const next = (await env.http.get(`/__emulator/timeline?since=${last}`)).json;
    expect(next).toMatchObject({ last: last + 1, count: 1, html: expect.stringContaining(`<tr id="seq-${last + 1}" class="ok">`) });
    expect(next.html).toContain('获取小程序基础信息');

    const browser = await chromium.launch({ executablePath: chromiumExecutable(undefined, { headless: true }), args: CHROMIUM_ARGS });
    try {
      const tab = await browser.newPage();
      await tab.goto(`${env.url}/__emulator/`);
      const rows = tab.locator('table.timeline-rows tbody tr');
      const shown = await rows.count();
      expect(shown, 'every entry so far').toBe((await env.http.get('/__emulator/timeline?since=0')).json.count);
      await flow.http.get(P.appInfo, { access_token: 'not-a-token' });
      // The page asks every 2 s: the refused call appears without a reload, marked as not ok.
      await expect(rows).toHaveCount(shown + 1, { timeout: 6000 });
      await expect(rows.last()).toHaveClass('bad');
      await expect(rows.last()).toContainText('gateway error 110');
      // A ticket now, not in 10 minutes: the stub TP acknowledges it, and the push is the newest row.
      // The worker's emulator keeps the TPs earlier tests registered: this test's is the row with its client_id.
      const tpRow = tab.locator('tr', { has: tab.locator(`button[data-client="${flow.tp.clientId}"]`) });
      await tpRow.getByRole('button', { name: '推送 ticket / push a ticket' }).click();
      await expect(tpRow.locator('.act-result')).toHaveText(/^已应答 \/ answered \(#\d+\)$/);
      await expect(rows).toHaveCount(shown + 2, { timeout: 6000 });
      await expect(rows.last()).toContainText('ticket → 授权事件接收URL');
      await tpRow.getByRole('button', { name: 'echoStr 握手 / handshake' }).click();
      await expect(rows.last()).toContainText('echoStr → 消息与事件接收URL', { timeout: 6000 });
      // The buttons' polls and the timer's met: still each entry once.
      await tab.waitForTimeout(2500);
      const ids = await rows.evaluateAll((trs) => trs.map((tr) => tr.id));
      expect(new Set(ids).size, 'no row twice').toBe(ids.length);
      expect(ids.length).toBe((await env.http.get('/__emulator/timeline?since=0')).json.count);
      // POST /__emulator/reset empties the ledger: the page starts over rather than keep rows the emulator forgot.
      await env.http.send('POST', '/__emulator/reset', { body: '{}', contentType: 'application/json' });
      await expect(rows).toHaveCount(0, { timeout: 6000 });
    } finally {
      await browser.close();
    }
  });

  test('side-door actions that change what Baidu answers next are ledger entries, before what they cause', async ({ env, flow }) => {
    const tpToken = await flow.tpToken();
    const side = (route: string, body: Record<string, unknown>) =>
      env.http.send('POST', route, { body: JSON.stringify({ clientId: flow.tp.clientId, ...body }), contentType: 'application/json' });
    expect((await side('/__emulator/tp/revoke-tokens', {})).status).toBe(200);
    const refused = await flow.http.get(P.preAuth, { access_token: tpToken });
    expect(refused.json).toMatchObject({ error_code: 110 });
    expect((await side('/__emulator/app/transient-error', { appId: 'x' })).status).toBe(400);
    // Pushes are entries of their own: asking for one adds no side-door entry.
    await side('/__emulator/push/ticket', {});
    const entries = (await new EmulatorHandle(env.url).ledger()).slice(-4);
    expect(entries.map((e) => (e.dir === 'sidedoor' ? `${e.route} ${e.status}` : e.dir === 'in' ? `${e.path} ${e.status}` : e.dir))).toEqual([
      'POST /__emulator/tp/revoke-tokens 200',
      '/rest/2.0/smartapp/tp/createpreauthcode 200',
      'POST /__emulator/app/transient-error 400',
      'push',
    ]);
    // The call the revocation refused says a probe caused it (the timeline notes it), as the transient fault does.
    const refusedCall = entries.find((e) => e.dir === 'in');
    expect(refusedCall?.dir === 'in' && refusedCall.facts.injected).toBe('revoked token');
    // Reading changes nothing and is not recorded.
    await env.http.get('/__emulator/state');
    expect((await new EmulatorHandle(env.url).ledger()).at(-1)?.dir).toBe('push');
    // An action that pushes (a re-authorization) is recorded when done, stamped with when it started: in time order
    // it comes before the UPDATE_AUTHORIZED push it caused.
    const appId = flow.tp.testAppIds[0]!;
    await flow.authorizerTokens(appId);
    // An authorizer token a probe expired early: 111, and said as the probe's doing. A token that merely lapsed is not.
    const early = await flow.authorizerTokens(flow.tp.testAppIds[1]!);
    expect((await side('/__emulator/app/expire-token', { appId: flow.tp.testAppIds[1] })).status).toBe(200);
    expect((await flow.http.get(P.appInfo, { access_token: early.access })).json).toMatchObject({ error_code: 111 });
    const expiredCall = (await new EmulatorHandle(env.url).ledger()).filter((e) => e.dir === 'in').at(-1);
    expect(expiredCall?.dir === 'in' && expiredCall.facts.injected).toBe('expired token');
    expect((await side('/__emulator/app/reauthorize', { appId })).status).toBe(200);
    const rows = timelineRows(await new EmulatorHandle(env.url).ledger());
    const reauthorize = rows.findIndex((r) => r.what === 'POST /__emulator/app/reauthorize');
    const update = rows.findIndex((r) => r.what === 'UPDATE_AUTHORIZED → 授权事件接收URL');
    expect([reauthorize >= 0, update >= 0]).toEqual([true, true]);
    expect(reauthorize).toBeLessThan(update);
  });

  test('POST /__emulator/push/replay takes {"seq": N}: a body without it says so, another entry is refused by its id', async ({ env, flow }) => {
    await flow.ticket();
    const pushSeq = (await new EmulatorHandle(env.url).ledger()).filter((e) => e.dir === 'push').at(-1)!.seq;
    const send = (body: unknown) => env.http.send('POST', '/__emulator/push/replay', { body: JSON.stringify(body), contentType: 'application/json' });
    const noSeq = await send({ id: pushSeq });
    expect([noSeq.status, noSeq.json]).toEqual([400, { error: 'give the ledger id of a recorded push: {"seq": N}' }]);
    const notPush = await send({ seq: 'x' });
    expect([notPush.status, notPush.json]).toEqual([400, { error: 'ledger entry "x" is not a push' }]);
    const again = await send({ seq: pushSeq });
    expect([again.status, again.json.event, again.json.outcome]).toEqual([200, 'ticket', 'ok']);
  });

  test('GET /__emulator/ledger shows fingerprints, never a secret verbatim', async ({ env, flow }) => {
    const tp = flow.tp;
    const tickets = [await flow.ticket(), await flow.ticket()];
    const tokR = await flow.http.get(P.tpToken, { client_id: tp.clientId, ticket: tickets[1]! });
    const tpToken = tokR.json.data.access_token as string;
    const pac = await flow.preAuthCode(tpToken);
    const page = await flow.openAuthPage({ pre_auth_code: pac });
    const { session } = await flow.phoneConfirm(flow.scanUrlFrom(page.text), tp.testAppIds[0]!, ['development', 'payment']);
    const code = new URL((await flow.poll(session)).location!).searchParams.get('authorization_code')!;
    const pair = (await flow.exchange(tpToken, code)).json;
    const refreshed = (await flow.refresh(tpToken, pair.refresh_token)).json;
    const retrieved = (await flow.http.send('POST', P.retrieve, { query: { access_token: tpToken }, form: { app_id: tp.testAppIds[0]! } })).json.data.authorization_code as string;
    // A TP that leaks its own secrets into a call: they must still be redacted.
    await flow.http.get(P.tpToken, { client_id: tp.clientId, ticket: tp.encodingAesKey, note: tp.messageToken });
    await env.emu.idle();

    const secrets: [string, string][] = [
      ['messageToken', tp.messageToken],
      ['encodingAesKey', tp.encodingAesKey],
      ['ticket', tickets[0]!],
      ['ticket', tickets[1]!],
      ['tpAccessToken', tpToken],
      ['preAuthCode', pac],
      ['authorizationCode', code],
      ['authorizationCode', retrieved],
      ['authorizerAccessToken', pair.access_token],
      ['refreshToken', pair.refresh_token],
      ['authorizerAccessToken', refreshed.access_token],
      ['refreshToken', refreshed.refresh_token],
    ];
    const text = await flow.ledgerText();
    const entries = JSON.parse(text).entries as unknown[];
    expect(entries.length).toBeGreaterThan(10);
    for (const [kind, value] of secrets) {
      expect(text.includes(value), `${kind} appears verbatim in the ledger`).toBe(false);
      expect(text, `${kind} appears as its fingerprint`).toContain(fingerprint(kind, value));
    }
    expect(fingerprint('ticket', tickets[0]!)).toMatch(/^«ticket:[0-9a-f]{8}»$/);
  });

  test('property: the emulator reads a query string exactly as URLSearchParams does (the last of a repeated name wins)', () => {
    const part = fc.string({ unit: fc.constantFrom(...'ab1=&%+._-~2F'), maxLength: 24 });
    fc.assert(fc.property(part, (search) => {
      const expected: Record<string, string> = {};
      for (const [k, v] of new URLSearchParams(search)) expected[k] = v;
      expect(parseQuery(search)).toEqual(expected);
    }), { numRuns: 500 });
  });

  test('property: tokens are redacted by their shape whatever their random tail, wherever they sit in an entry', () => {
    const tail = fc.string({ unit: fc.constantFrom(...'abcXYZ0189-_'), minLength: 1, maxLength: 12 });
    fc.assert(fc.property(fc.constantFrom<TokenType>(42, 45, 46), fc.stringMatching(/^[0-9a-f]{32}$/), tail, fc.integer({ min: 1, max: 9_999_999 }),
      (type, hex, rest, suffix) => {
        const token = formatToken(type, hex, 2592000, 1798000000, `${rest}-${suffix}`);
        const kind = TOKEN_KINDS[type];
        const ledger = new Ledger();
        ledger.record({ at: 0, dir: 'page', path: `/x?access_token=${token}&b=1`, query: { access_token: token }, status: 200, facts: { [token]: [token] } });
        const text = JSON.stringify(ledger.redacted());
        expect(text).not.toContain(hex);
        expect(text.split(fingerprint(kind, token)).length - 1).toBe(4);
      }), { numRuns: 300 });
  });

  test('while the TP under test is starting, side-door calls wait for it; a failed start answers them 503 with the cause', async ({ env }) => {
    let release!: () => void;
    env.emu.startup = new Promise<void>((resolve) => (release = resolve));
    try {
      let answered = false;
      const held = env.http.get('/__emulator/ledger').then((r) => ((answered = true), r));
      expect((await env.http.get('/health')).status, '/health is never held').toBe(200);
      await new Promise((r) => setTimeout(r, 200));
      expect(answered, 'the ledger read is held while the TP starts').toBe(false);
      release();
      expect((await held).status).toBe(200);

      env.emu.startup = Promise.reject(new Error('TP x exited with code 3 before listening: boom'));
      env.emu.startup.catch(() => {});
      const refused = await env.http.send('POST', '/__emulator/push/ticket', { body: JSON.stringify({ clientId: 'x' }), contentType: 'application/json' });
      expect(refused.status).toBe(503);
      expect(refused.json).toEqual({ error: 'the TP under test did not start: TP x exited with code 3 before listening: boom' });
    } finally {
      env.emu.startup = undefined;
    }
  });

  test('the checks\' handle reads the ledger incrementally: concurrent reads add nothing twice, upTo() bounds the view', async ({ env, flow }) => {
    await flow.ticket();
    const handle = new EmulatorHandle(env.url);
    const first = await handle.ledger();
    expect(first.length).toBeGreaterThan(0);
    const mark = first.at(-1)!.seq;
    await Promise.all([flow.tpToken(), flow.ticket()]);
    const reads = await Promise.all([handle.ledger(), handle.ledger(), handle.calls('authprocess.getTpToken')]);
    const seqs = reads[0].map((e) => e.seq);
    expect(new Set(seqs).size, 'no entry twice').toBe(seqs.length);
    expect(reads[1].map((e) => e.seq)).toEqual(seqs);
    expect(seqs).toEqual((await new EmulatorHandle(env.url).ledger()).map((e) => e.seq));
    expect(reads[2].length).toBe(1);
    const before = handle.upTo(mark);
    expect((await before.ledger()).map((e) => e.seq)).toEqual(first.map((e) => e.seq));
    expect(await before.calls('authprocess.getTpToken')).toEqual([]);
  });
});
