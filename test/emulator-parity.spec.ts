// Parity snapshots (style rule 14): the emulator's wire format pinned per catalogue endpoint. For every row of the
// catalogue, one canonical call that succeeds and the errors the row itself implies (no access_token, a token that
// Baidu never issued, the other kind of token, a required parameter left out, a permission set the app did not
// grant, the wrong HTTP method) are sent over real HTTP and recorded as the wire shows them: status, content type,
// body. Issued tokens and times become placeholders (`<app_token:1>`, `<time: "dddd/dd/dd dd:dd:dd">`); the rest is seeded, so the
// exchanges are the same on every machine.
//
// The snapshots live in test/emulator-parity.spec.ts-snapshots/<endpoint id>.json. A difference fails the test with
// a diff: a change to the emulator's replies is then deliberate and reviewed, never a side effect. They are recorded,
// not written by hand: `npx playwright test -c test/playwright.config.ts emulator-parity --update-snapshots`. A new
// catalogue row without its snapshot fails too (Playwright writes it and reports it missing), so no endpoint escapes.
import { test as base, expect } from '@playwright/test';
import { validatorFor } from '../harness/baidu/client.ts';
import { CATALOGUE, type EndpointDef } from '../harness/baidu/catalogue.ts';
import { decryptMessage } from '../harness/crypto/msgCrypto.ts';
import { startEmulator, type StartedEmulator } from '../harness/emulator/index.ts';
import { authorize } from '../harness/emulator/providers/auth.ts';
import { holdAudits } from '../harness/emulator/providers/development.ts';
import type { TpRegistration } from '../harness/emulator/store.ts';
import { PERMISSION_SETS } from '../harness/detection/permissionSets.ts';
import { Http, multipart, type HttpReply } from './support/emulatorKit.ts';

const APP = { full: 31000001, payOnly: 31000002, devOnly: 31000003 } as const;
const TP: TpRegistration = {
  clientId: 'ParityClientId000000000000000000', tpAppId: 31000, name: 'parity', messageToken: 'paritytoken', encodingAesKey: 'p'.repeat(43),
  // Nobody listens here: pushes are recorded with a connect error; the replies are what these tests pin.
  authEventUrl: 'http://127.0.0.1:9/auth', messageEventUrl: 'http://127.0.0.1:9/msg', authStartDomain: 'tp.parity.test',
  testAppIds: Object.values(APP), permissionSets: ['development', 'customer-service', 'payment', 'basic-info', 'data'],
};
const PNG_1X1 = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');

type Params = Record<string, string | number>;
interface Exchange {
  case: string;
  request: { method: string; path: string; query: Params; form?: Params; multipart?: Record<string, string> };
  response: { status: number; contentType: string; contentDisposition?: string; body: unknown };
}

// ---------------------------------------------------------------------------------------------------------------
// Placeholders: a value Baidu issues (token, code) is replaced wherever it appears by its kind and the order in which
// it was first seen, so the snapshot still shows which token a call used; a time becomes its shape.

class Placeholders {
  private names = new Map<string, string>();
  private counts = new Map<string, number>();
  /** Encrypted pushes (getmsg's `content`) hold 16 random bytes: pinned by what they decrypt to. */
  constructor(private readonly decrypt: (base64: string) => string | null) {}

  name(value: string, kind: string): string {
    let n = this.names.get(value);
    if (!n) {
      const i = (this.counts.get(kind) ?? 0) + 1;
      this.counts.set(kind, i);
      n = `<${kind}:${i}>`;
      this.names.set(value, n);
    }
    return n;
  }

  /** `times`: shape the times too (replies); a request's values are the script's own constants and stay as sent. */
  apply(v: unknown, key = '', times = true): unknown {
    // A time keeps its shape (unix seconds or milliseconds, or the string's layout): the format is part of the wire.
    if (times && /(^|_)time$|Time$|^timestamp$/i.test(key) && (typeof v === 'number' || typeof v === 'string') && v !== '') {
      const digits = String(v).replace(/\d/g, 'd');
      return typeof v === 'number' ? `<time: number ${digits.length === 13 ? 'unix ms' : digits.length === 10 ? 'unix s' : digits}>` : `<time: "${digits}">`;
    }
    if (key === 'content' && typeof v === 'string') {
      const plain = this.decrypt(v);
      if (plain !== null) return { '<decrypted>': this.apply(JSON.parse(plain)) };
    }
    if (typeof v === 'string') {
      let s = v;
      for (const [value, n] of this.names) s = s.split(value).join(n);
      return s;
    }
    if (Array.isArray(v)) return v.map((x) => this.apply(x, '', times));
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, this.apply(x, k, times)]));
    return v;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The script: one emulator, one TP, three test apps (one granted everything, two granted a single set).

interface Tokens { tp: string; app: Record<keyof typeof APP, string>; refresh: string }

class Recorder {
  readonly exchanges = new Map<string, Exchange[]>();
  readonly ph = new Placeholders((b64) => {
    try {
      return decryptMessage(TP.encodingAesKey, b64).message;
    } catch {
      return null;
    }
  });
  constructor(readonly http: Http) {}

  /** Sends `params` the way the row says they travel (query for GET; form or multipart body for POST). */
  async send(def: EndpointDef, label: string, params: Params, accessToken?: string, o: { method?: string; file?: boolean } = {}): Promise<HttpReply> {
    const method = o.method ?? def.method;
    const query: Params = accessToken === undefined ? {} : { access_token: accessToken };
    const inQuery = method === 'GET';
    let reply: HttpReply;
    const request: Exchange['request'] = { method, path: def.path, query: inQuery ? { ...query, ...params } : query };
    if (!inQuery && def.body === 'multipart') {
      const fields = Object.entries(params).map(([k, v]) => [k, String(v)] as [string, string]);
      const files = o.file === false ? [] : [{ name: 'multipartFile', filename: 'parity.png', contentType: 'image/png', bytes: PNG_1X1 }];
      const { body, contentType } = multipart(fields, 'parityBoundary7MA4YWxk', files);
      reply = await this.http.send(method, def.path, { query, body, contentType });
      request.multipart = { ...Object.fromEntries(fields), ...Object.fromEntries(files.map((f) => [f.name, `<${f.contentType} ${f.bytes.length} bytes>`])) };
    } else if (inQuery) {
      reply = await this.http.send(method, def.path, { query: request.query as Record<string, string | number> });
    } else {
      reply = await this.http.send(method, def.path, { query, form: params });
      request.form = params;
    }
    this.record(def.id, label, request, reply);
    return reply;
  }

  private record(id: string, label: string, request: Exchange['request'], reply: HttpReply): void {
    const contentType = String(reply.headers['content-type'] ?? '');
    const disposition = reply.headers['content-disposition'];
    // Binary bodies (the QR PNG, the domain file) are pinned by type and length; the text helper cannot keep bytes.
    const binary = /^(image\/|application\/octet-stream)/.test(contentType);
    const body = reply.json !== undefined ? reply.json : binary ? `<${contentType.split(';')[0]} ${reply.headers['content-length']} bytes>` : reply.text;
    const list = this.exchanges.get(id) ?? [];
    list.push({ case: label, request, response: { status: reply.status, contentType, ...(disposition ? { contentDisposition: String(disposition) } : {}), body } });
    this.exchanges.set(id, list);
  }
}

const byId = (id: string): EndpointDef => CATALOGUE.find((e) => e.id === id)!;

/** Canonical parameters per row, in the order a TP would call them (later calls use what earlier ones created). */
async function script(em: StartedEmulator, rec: Recorder): Promise<void> {
  const emu = em.emu;
  emu.registerTp(TP, { scheduleTickets: false });
  await emu.pushTicket(TP.clientId);
  const ticket = emu.store.newestTicket(TP.clientId)!.value;
  rec.ph.name(ticket, 'ticket');
  // A canonical reply must be a success the catalogue accepts: a snapshot pins a good reply, never an error by accident.
  const call = async (id: string, params: Params, token?: string) => {
    const def = byId(id);
    const r = await rec.send(def, 'canonical call', params, token);
    expect(r.status, `${id}: ${r.text}`).toBe(200);
    if (def.envelope === 'B') {
      expect(r.json, `${id} answers binary content, not JSON: ${r.text.slice(0, 200)}`).toBeUndefined();
      return r;
    }
    expect(r.json?.errno ?? 0, `${id}: ${r.text}`).toBe(0);
    expect(r.json?.error ?? r.json?.error_code, `${id}: ${r.text}`).toBeUndefined();
    const value = def.envelope === 'W' ? r.json.data : r.json;
    // The client's own validator: what the parity pins is what the client accepts.
    const validate = validatorFor(def);
    if (validate && value !== undefined) expect(validate(value), `${id} reply vs the catalogue schema: ${JSON.stringify(validate.errors)}`).toBe(true);
    return r;
  };
  const data = (r: HttpReply) => r.json?.data;

  const tpToken = data(await call('authprocess.getTpToken', { client_id: TP.clientId, ticket })).access_token as string;
  rec.ph.name(tpToken, 'tp_token');
  rec.ph.name(data(await call('authprocess.getPreAuthCode', {}, tpToken)).pre_auth_code, 'pre_auth_code');

  const tokens: Tokens = { tp: tpToken, app: { full: '', payOnly: '', devOnly: '' }, refresh: '' };
  const grants: Record<keyof typeof APP, string[]> = { full: TP.permissionSets, payOnly: ['payment'], devOnly: ['development'] };
  for (const which of Object.keys(APP) as (keyof typeof APP)[]) {
    const { code } = authorize(emu, TP, APP[which], grants[which]);
    // Its AUTHORIZED push takes a ledger number when it ends: settle it before the next call, so numbers are fixed.
    await emu.idle();
    rec.ph.name(code, 'authorization_code');
    // The full app's exchange is the canonical call; the others are set up quietly.
    const params = { grant_type: 'app_to_tp_authorization_code', code };
    const r = which === 'full'
      ? (await call('authprocess.getOAuthToken', params, tpToken)).json
      : (await rec.http.send('GET', byId('authprocess.getOAuthToken').path, { query: { access_token: tpToken, ...params } })).json;
    tokens.app[which] = r.access_token;
    rec.ph.name(r.access_token, `app_token_${which}`);
    if (which === 'full') tokens.refresh = r.refresh_token;
    rec.ph.name(r.refresh_token, `refresh_token_${which}`);
  }
  const refreshed = (await rec.send(byId('authprocess.getOAuthToken'), 'canonical call (refresh_token grant)', { grant_type: 'app_to_tp_refresh_token', refresh_token: tokens.refresh }, tpToken)).json;
  rec.ph.name(refreshed.access_token, 'app_token_full');
  rec.ph.name(refreshed.refresh_token, 'refresh_token_full');
  const app = refreshed.access_token as string;
  tokens.app.full = app;

  await call('authprocess.getAppInfo', {}, app);
  rec.ph.name(data(await call('authprocess.retrieveAuthCode', { app_id: APP.full }, tpToken)).authorization_code, 'authorization_code');
  await call('msg.getMsg', { push_type: 1, offset: 0, count: 10 }, tpToken);

  // Code management (代开发).
  const draftId = data(await call('template.getTemplateDraftList', { page: 1, page_size: 10 }, tpToken)).list[0].draft_id;
  const templateId = data(await call('template.addToTemplate', { draft_id: draftId, user_desc: 'parity template' }, tpToken)).template_id;
  await call('template.getTemplateList', { page: 1, page_size: 10 }, tpToken);
  const ext = JSON.stringify({ extEnable: true, extAppid: APP.full, ext: { source: 'parity' } });
  const upload = async (version: string) => {
    await call('pkg.uploadPackage', { template_id: templateId, ext_json: ext, user_version: version, user_desc: `parity ${version}` }, app);
    await emu.idle();
    const pkgs = data(await call('pkg.getPackage', {}, app)) as { package_id: number; version: string }[];
    return pkgs.find((p) => p.version === version)!.package_id;
  };
  const v1 = await upload('1.0.0');
  await call('pkg.getPackageDetail', { type: 3 }, app);
  await call('pkg.getPackageSubmitAuditQuota', {}, app);
  await call('pkg.submitPackageAudit', { package_id: v1, content: 'parity audit', remark: 'parity' }, app);
  await emu.idle();
  await call('pkg.releasePackage', { package_id: v1 }, app);
  await emu.idle();
  const v2 = await upload('1.0.1');
  holdAudits(emu, APP.full, true); // so the withdrawal below always finds the package under review
  await call('pkg.submitPackageAudit', { package_id: v2, content: 'parity audit', remark: 'parity' }, app);
  await call('pkg.withdrawPackageAudit', { package_id: v2 }, app);
  holdAudits(emu, APP.full, false);
  await call('pkg.submitPackageAudit', { package_id: v2, content: 'parity audit', remark: 'parity' }, app);
  await emu.idle();
  await call('pkg.releasePackage', { package_id: v2 }, app);
  await emu.idle();
  await call('pkg.rollbackPackage', { package_id: v2 }, app);
  await emu.idle();
  await call('app.getAppQRCode', { path: '/pages/index/index', width: 430 }, app);
  await call('template.delTemplate', { template_id: templateId }, tpToken);

  // Operations (代运营).
  const domain = 'https://api.parity.test';
  await call('domain.modifyServerDomain', { action: 'add', request_domain: domain, upload_domain: domain, download_domain: domain }, tpToken);
  await call('domain.modifyBusinessDomain', { action: 'add', web_view_domain: domain }, tpToken);
  await call('domain.downloadDomainCheckFile', {}, tpToken);
  await call('app.setAppDomain', {}, app);
  await call('app.setAppWebViewDomain', {}, app);
  const image = (): Promise<string> => call('image.uploadImage', { type: 1 }, tpToken).then((r) => data(r) as string);
  const icon = await image();
  await call('app.setAppImage', { image_url: icon }, app);
  await call('app.setAppSignature', { signature: '预检对齐测试小程序的功能介绍' }, app);
  await call('customermsg.sendCustomerMessage', { user_type: 1, open_id: 'parityOpenId', msg_type: 'text', content: 'hello' }, app);

  // Payment (支付服务权限).
  const [front, back, permit] = [await image(), await image(), await image()];
  await call('pay.createAccount', {
    business_scope: '软件和信息技术服务', business_province: '北京市', business_city: '北京市', business_detail_address: '海淀区上地十街10号',
    legal_person: '张三', legal_id: '110101199003071234', id_card_front_url: front, id_card_back_url: back,
    legal_card_start_time: '2020-01-01', legal_card_end_time: '9999-12-31', license_start_time: '2019-01-01', license_end_time: '9999-12-31',
    industry_id: 1, manage_permit_url: permit, auth_capital: '1000000', manager_same: 1, benefit_same: 1,
  }, app);
  await call('pay.getAccountAuditStatus', {}, app);
  await call('pay.submitDevelopConfig', {
    tp_public_key: '-----BEGIN PUBLIC KEY-----MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA-----END PUBLIC KEY-----',
    pay_notify_url: 'https://tp.parity.test/pay/notify', refund_audit_url: 'https://tp.parity.test/pay/refund-audit', refund_succ_url: 'https://tp.parity.test/pay/refund-success',
  }, app);
  await call('pay.createPaymentService', {
    app_name: '预检测试小程序', service_phone: '4000000000', bank_account: '预检测试主体', bank_card: '6222020200000000000', bank_name: '中国工商银行',
    bank_branch: '北京上地支行', open_province: '北京市', open_city: '北京市', payment_days: 7, commission_rate: 6, pool_cash_pledge: 0,
    day_max_frozen_amount: 10000, bank_phone_number: '13800000000',
  }, app);
  await call('pay.getPaymentServiceAuditStatus', {}, app);
  await emu.idle();

  // A fixed week in the past: its rows are the same whenever the snapshots are compared.
  const week = { start_date: '20260101', end_date: '20260107' };
  await call('analysis.getAnalysisUserTrend', { ...week, start_index: 0, gran: 'day' }, app);
  await call('analysis.getAnalysisActivityUser', { ...week, start_index: 0 }, app);
  await call('analysis.getAnalysisRetainedUser', { ...week, start_index: 0, report_type: 'count', gran: 'day' }, app);
  await call('analysis.getAnalysisVisitAttribute', week, app);
  await call('analysis.getAnalysisRegion', { ...week, start_index: 0 }, app);
  await call('analysis.getAnalysisTerminalInfo', { ...week, start_index: 0, terminal_type: 'os' }, app);
  await call('analysis.getAnalysisVisitPage', { ...week, start_index: 0 }, app);
  await call('analysis.getAnalysisVisitCharacter', { ...week, start_index: 0, character_type: 'depth' }, app);
  await call('analysis.getAnalysisSourceInfo', { ...week, start_index: 0 }, app);
  await call('analysis.getData', { ...week, metrics: 'tp_day_user_count,tp_day_session_count', max_results: 3 }, tpToken);

  // The errors each row implies, derived from the row (the protocol table), after every canonical call.
  for (const def of CATALOGUE) await negatives(def, rec, tokens);
}

async function negatives(def: EndpointDef, rec: Recorder, tokens: Tokens): Promise<void> {
  const canonical = rec.exchanges.get(def.id)?.[0]?.request;
  if (!canonical) return; // reported by the endpoint's own test
  const params: Params = { ...(def.method === 'GET' ? canonical.query : canonical.form ?? canonical.multipart ?? {}) };
  delete params.access_token;
  delete params.multipartFile;
  const own = def.token === 'tp' ? tokens.tp : def.token === 'app' ? tokens.app.full : undefined;
  if (def.token !== 'none') {
    await rec.send(def, 'no access_token', params);
    await rec.send(def, 'an access_token Baidu never issued', params, def.token === 'tp' ? '42.00000000000000000000000000000000.2592000.1700000000.0-0' : '45.00000000000000000000000000000000.3600.1700000000.0-0');
    await rec.send(def, `the ${def.token === 'tp' ? 'authorizer (app)' : 'TP'} token instead of the ${def.token === 'tp' ? 'TP' : 'authorizer'} token`, params, def.token === 'tp' ? tokens.app.full : tokens.tp);
  }
  const required = Object.entries(def.params).find(([, p]) => p.required);
  if (required) {
    const [name, spec] = required;
    const rest = { ...params };
    delete rest[name];
    await rec.send(def, `required parameter ${name} left out`, rest, own, spec.type === 'file' ? { file: false } : {});
  }
  if (def.permissionSet) {
    const other = def.permissionSet === 'payment' ? tokens.app.devOnly : tokens.app.payOnly;
    await rec.send(def, `an app that did not grant ${def.permissionSet}`, params, other);
  }
  const wrong = def.method === 'GET' ? 'POST' : 'GET';
  if (def.alsoMethod !== wrong) await rec.send(def, `wrong method (${wrong})`, params, own, { method: wrong });
  else await rec.send(def, `the other method the SDKs use (${wrong})`, params, own, { method: wrong });
}

// ---------------------------------------------------------------------------------------------------------------

const test = base.extend<{}, { parity: Recorder }>({
  parity: [async ({}, use) => {
    // Fixed seed and no wall-clock delays that could reorder anything: the audit decides at once, uploads finish at once.
    const em = await startEmulator({ seed: 'parity', uploadDelayMs: 0, auditDelayMs: 0, pushTimeoutMs: 200, weeklyAuditQuota: 10 });
    const http = new Http(em.url);
    const rec = new Recorder(http);
    try {
      await script(em, rec);
      await use(rec);
    } finally {
      await http.agent.close();
      await em.stop();
    }
  }, { scope: 'worker' }],
});

for (const def of CATALOGUE) {
  test(`${def.id}: ${def.method} ${def.path}`, async ({ parity }) => {
    const exchanges = parity.exchanges.get(def.id) ?? [];
    expect(exchanges.length, `the parity script makes no canonical call to ${def.id}: add one`).toBeGreaterThan(0);
    expect(exchanges[0]!.response.status, 'the canonical call succeeds').toBe(200);
    for (const x of exchanges) expect(x.response.status, `${x.case}: never a 500`).toBeLessThan(500);
    const pinned = { endpoint: def.id, zh: def.zh, doc: `reference §${def.doc}`, exchanges: exchanges.map((x) => ({ case: x.case, request: parity.ph.apply(x.request, '', false), response: parity.ph.apply(x.response) })) };
    expect(`${JSON.stringify(pinned, null, 2)}\n`).toMatchSnapshot(`${def.id}.json`);
  });
}

// A row's permission set is looked up when a call is refused for it: a slug that names no set would turn Baidu's
// 40007/45001 into the emulator's internal error.
base('every catalogue row that needs a permission set names one that exists', () => {
  expect(CATALOGUE.filter((e) => e.permissionSet && !PERMISSION_SETS.some((s) => s.slug === e.permissionSet)).map((e) => `${e.id}: ${e.permissionSet}`)).toEqual([]);
});
