// Authorization chain provider (reference §1, §2.8).
// Deliberate choices where Baidu is silent (documented per the brief):
// - Ticket validity is UNKNOWN: any ticket issued within `ticketTtlS` is accepted; using one that is not the newest
//   is recorded as the fact `staleTicket` (the check fails it, the TP still gets a token so the run goes on).
// - The authorization code's format is UNKNOWN: 32 hex characters, single use, 3600 s (the callback's expires_in), and
//   void once the app re-authorizes (like its tokens): a TP that exchanges only pushed codes cannot get by with an
//   older one.
// - A refresh returns a new pair and spends the old refresh token (single use, §1.6); the old access token stays
//   valid until it expires (Baidu does not say otherwise).
import { BaiduError, reply } from '../../baidu/envelopes.ts';
import { formatToken, type TokenType } from '../../baidu/tokens.ts';
import { randomChunk } from '../random.ts';
import { bySlug } from '../../detection/permissionSets.ts';
import type { Emulator } from '../emulator.ts';
import { LIFETIME } from '../emulator.ts';
import type { Handlers, HandlerCtx } from '../handler.ts';
import type { TpRegistration } from '../store.ts';

const MAX_TP_TOKENS = 10_000;

// Tokens are random, not seeded: a seed reproduces identities (apps, tickets, codes), never credentials.
function token(emu: Emulator, type: TokenType, lifetime: number, suffix: string): string {
  const r = randomChunk(20);
  return formatToken(type, r.toString('hex', 0, 16), lifetime, emu.nowS() + lifetime, `${r.toString('base64url', 16)}-${suffix}`);
}

export function issueAuthorizerPair(emu: Emulator, clientId: string, appId: number, generation: number) {
  const access = token(emu, 45, LIFETIME.authorizerToken, String(appId));
  const refresh = token(emu, 46, LIFETIME.refreshToken, String(appId));
  emu.store.authorizerTokens.set(access, { clientId, appId, expiresAt: emu.now() + LIFETIME.authorizerToken * 1000, generation });
  emu.store.refreshTokens.set(refresh, { clientId, appId, used: false, generation });
  return { access_token: access, refresh_token: refresh, expires_in: LIFETIME.authorizerToken };
}

export function issueAuthCode(emu: Emulator, clientId: string, appId: number, ttlS: number = LIFETIME.authorizationCode): string {
  const code = emu.ids.hex('authorizationCode', 32);
  emu.ledger.secret('authorizationCode', code);
  const generation = emu.store.authorization(clientId, appId)?.generation ?? 0;
  emu.store.authCodes.set(code, { clientId, appId, expiresAt: emu.now() + ttlS * 1000, used: false, issuedAt: emu.now(), generation });
  return code;
}

/** Where the admin's browser goes once the phone confirmed (reference §1.4): the TP's redirect_uri with the code. */
export function callbackLocation(redirectUri: string, code: string): string {
  const url = new URL(redirectUri);
  url.searchParams.set('authorization_code', code);
  url.searchParams.set('expires_in', String(LIFETIME.authorizationCode));
  return url.toString();
}

const sameSets = (a: string[], b: string[]) => new Set(a).size === new Set(b).size && a.every((s) => b.includes(s));

/**
 * The admin confirmed on the phone: record the grant, issue the code and push AUTHORIZED, or UPDATE_AUTHORIZED when
 * the app had authorized this TP before and the permission sets changed, to the 授权事件接收URL. The push runs in
 * the background, like Baidu's.
 * Re-authorizing with the same sets (Baidu is silent on it): a new code for the callback, no push — UPDATE_AUTHORIZED
 * means "permission sets changed" (reference §2.6), and WeChat pushes nothing in that case (field notes pain 19) —
 * and the tokens from before stop working as after any re-authorization (pain 5). A TP that takes codes only from
 * pushes then keeps a dead token; probe.silent-reauthorization looks for that. `push` overrides the choice.
 */
export function authorize(emu: Emulator, tp: TpRegistration, appId: number, granted: string[], opts: { push?: boolean } = {}): { code: string; event: string | null; generation: number } {
  const prev = emu.store.authorization(tp.clientId, appId);
  const generation = (prev?.generation ?? 0) + 1;
  const changed = !prev?.active || !sameSets(prev.granted, granted);
  // A set ticked twice (a form may repeat a value) is granted once.
  emu.store.setAuthorization({ clientId: tp.clientId, appId, granted: [...new Set(granted)], generation, active: true });
  const code = issueAuthCode(emu, tp.clientId, appId);
  const event = prev?.active ? 'UPDATE_AUTHORIZED' : 'AUTHORIZED';
  if (!(opts.push ?? changed)) return { code, event: null, generation };
  void emu.push(tp, 'auth', {
    appId, tpAppId: tp.tpAppId, eventTime: emu.eventTime(), event,
    authorizationCode: code, authorizationCodeExpiresIn: LIFETIME.authorizationCode,
  }, { facts: { appId, generation } });
  return { code, event, generation };
}

/** The app withdraws its authorization: tokens stop working and UNAUTHORIZED is pushed (§2.6). */
export function unauthorize(emu: Emulator, tp: TpRegistration, appId: number) {
  const a = emu.store.authorization(tp.clientId, appId);
  if (a) a.active = false;
  // A fault armed for the authorization ends with it: a later authorization starts clean.
  emu.store.transientErrors.delete(`${tp.clientId}:${appId}`);
  return emu.push(tp, 'auth', { appId, tpAppId: tp.tpAppId, eventTime: emu.eventTime(), event: 'UNAUTHORIZED' }, { facts: { appId } });
}

function evictOldest(m: Map<string, unknown>, n: number): void {
  for (const k of m.keys()) {
    if (n-- <= 0) break;
    m.delete(k);
  }
}

function tpFor(ctx: HandlerCtx): TpRegistration {
  if (!ctx.tp) throw BaiduError.gateway(110);
  return ctx.tp;
}

export const handlers: Handlers = {
  'authprocess.getTpToken': ({ emu, params, facts }) => {
    const tp = emu.tp(params.client_id!);
    if (!tp) throw BaiduError.errno(50002);
    const tickets = emu.store.tickets.get(tp.clientId) ?? [];
    const used = tickets.find((t) => t.value === params.ticket);
    const newest = tickets[tickets.length - 1];
    facts.clientId = tp.clientId;
    if (!used || emu.now() - used.issuedAt > emu.ticketTtlS * 1000) {
      facts.ticket = used ? 'expired' : emu.store.forgedTickets.has(params.ticket!) ? 'forged' : 'unknown';
      throw BaiduError.errno(50003);
    }
    // Stale: older than the newest ticket the TP could know — one whose push reached it. A call racing a push still
    // in flight rightly uses the ticket before it; none delivered yet (a TP that was down): nothing to be stale against.
    let known: typeof newest | undefined;
    for (let i = tickets.length - 1; i >= 0 && !known; i--) if (tickets[i]!.deliveredAt !== undefined) known = tickets[i];
    facts.ticketSeq = used.seq;
    facts.newestTicketSeq = (known ?? newest)!.seq;
    facts.staleTicket = !!known && used.seq < known.seq;
    const access = token(emu, 42, LIFETIME.tpToken, String(tp.tpAppId));
    emu.store.tpTokens.set(access, { clientId: tp.clientId, expiresAt: emu.now() + LIFETIME.tpToken * 1000, ticketSeq: used.seq });
    // Bounded under load: the oldest TP tokens stop working after 10,000 newer ones (Baidu limits tp/token calls too).
    // Evicted a tenth at a time: deleting the first key on every call makes each keys().next() skip all the holes
    // earlier deletes left in V8's table — that scan was a tenth of the emulator's CPU under load.
    if (emu.store.tpTokens.size > MAX_TP_TOKENS) evictOldest(emu.store.tpTokens, MAX_TP_TOKENS / 10);
    return reply.ok({ access_token: access, expires_in: LIFETIME.tpToken, scope: 'smartapp_tp_smtapp_common public' });
  },

  'authprocess.getPreAuthCode': (ctx) => {
    const tp = tpFor(ctx);
    const { emu } = ctx;
    const code = Buffer.from(`smtapp${emu.ids.digits('preAuthCode', 10)}${emu.ids.hex('preAuthCodeHex', 32)}`).toString('base64');
    emu.ledger.secret('preAuthCode', code);
    emu.store.preAuthCodes.set(code, { clientId: tp.clientId, expiresAt: emu.now() + LIFETIME.preAuthCode * 1000, used: false });
    return reply.ok({ pre_auth_code: code, expires_in: LIFETIME.preAuthCode });
  },

  'authprocess.getOAuthToken': async (ctx) => {
    const tp = tpFor(ctx);
    const { emu, params, facts } = ctx;
    facts.grantType = params.grant_type;
    if (params.grant_type === 'app_to_tp_authorization_code') {
      if (!params.code) throw BaiduError.oauth('invalid_request', 'code is required');
      const c = emu.store.authCodes.get(params.code);
      if (!c || c.clientId !== tp.clientId) throw BaiduError.oauth('invalid_grant', 'authorization code is invalid');
      // Known from here on: a refused exchange of a real code still names its app (noAuthorizerToken tells "tried").
      facts.appId = c.appId;
      if (c.used) throw BaiduError.oauth('invalid_grant', 'authorization code has been used');
      if (emu.now() > c.expiresAt) throw BaiduError.oauth('invalid_grant', 'authorization code has expired');
      const a = emu.store.authorization(tp.clientId, c.appId);
      if (!a?.active) throw BaiduError.oauth('invalid_grant', 'the mini program has cancelled the authorization');
      facts.codeGeneration = c.generation;
      if (c.generation !== a.generation) throw BaiduError.oauth('invalid_grant', 'the mini program has re-authorized since this code was issued');
      c.used = true;
      facts.codeAgeMs = emu.now() - c.issuedAt;
      return reply.oauth(issueAuthorizerPair(emu, tp.clientId, c.appId, a.generation));
    }
    if (!params.refresh_token) throw BaiduError.oauth('invalid_request', 'refresh_token is required');
    const slow = emu.store.refreshTokens.has(params.refresh_token) ? emu.store.slowRefresh.get(emu.store.refreshTokens.get(params.refresh_token)!.appId) : undefined;
    if (slow && emu.now() < slow.untilMs) await new Promise((r) => setTimeout(r, slow.delayMs));
    const r = emu.store.refreshTokens.get(params.refresh_token);
    if (!r || r.clientId !== tp.clientId) throw BaiduError.oauth('invalid_grant', 'refresh token is invalid');
    facts.appId = r.appId;
    if (r.used) {
      facts.reusedRefreshToken = true;
      throw BaiduError.oauth('invalid_grant', 'refresh token has been used (refresh tokens are single use)');
    }
    const a = emu.store.authorization(tp.clientId, r.appId);
    if (!a?.active || a.generation !== r.generation) throw BaiduError.oauth('invalid_grant', 'the authorization behind this refresh token has changed');
    r.used = true;
    return reply.oauth(issueAuthorizerPair(emu, tp.clientId, r.appId, a.generation));
  },

  'authprocess.getAppInfo': ({ app, authorization }) => {
    const granted = authorization!.granted.map((slug) => bySlug(slug));
    return reply.ok({
      app_id: app!.appId, app_name: app!.appName, app_key: app!.appKey, app_desc: '百度智能小程序第三方平台预检测试小程序',
      photo_addr: '', min_swan_version: '3.0.0', status: 1, web_status: 0,
      qualification: { name: '预检测试主体', type: 2, satus: 1, ad_type: 1, ad_status: 1 },
      category: [],
      modify_count: { name_modify_used: 0, name_modify_quota: 5, signature_modify_used: 0, signature_modify_quota: 5, image_modify_used: 0, image_modify_quota: 5, category_modify_used: 0, category_modify_quota: 3 },
      auth_info: granted.map((s) => ({ scope_name: s.zh, type: s.dimension })),
    });
  },

  'authprocess.retrieveAuthCode': (ctx) => {
    const tp = tpFor(ctx);
    const appId = Number(ctx.params.app_id);
    const a = ctx.emu.store.authorization(tp.clientId, appId);
    if (!a?.active) throw BaiduError.errno(50032);
    return reply.ok({ authorization_code: issueAuthCode(ctx.emu, tp.clientId, appId, LIFETIME.retrievedAuthorizationCode), expires_in: LIFETIME.retrievedAuthorizationCode });
  },

  'msg.getMsg': (ctx) => {
    const tp = tpFor(ctx);
    const { emu, params } = ctx;
    const end = params.end ? Number(params.end) * 1000 : emu.now();
    const start = params.start ? Number(params.start) * 1000 : end - 86_400_000;
    if (end - start > 7 * 86_400_000 || start < emu.now() - 31 * 86_400_000) throw BaiduError.errno(40001, 'window must be ≤ 1 week within the last month');
    const ids = params.id_list ? new Set(params.id_list.split(',').map(Number)) : null;
    const count = Math.min(Number(params.count ?? 100), 100);
    const offset = Number(params.offset ?? 0);
    const pushes = emu.ledger.raw().filter((e) => e.dir === 'push' && e.clientId === tp.clientId).filter((e) =>
      ids ? ids.has(e.seq) : e.at >= start && e.at <= end && (params.push_type !== '2' || (e as { outcome: string }).outcome !== 'ok'));
    const list = pushes.slice(offset, offset + count).map((e) => {
      const p = e as { seq: number; envelope: Record<string, string>; outcome: string };
      return { id: p.seq, content: p.envelope.Encrypt ?? '', status: p.outcome === 'ok' ? 1 : 2 };
    });
    return reply.ok({ count: pushes.length, page: Math.floor(offset / count) + 1, pageSize: count, list });
  },
};
