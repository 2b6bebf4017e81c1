// `preflight probe history`: what Baidu's records of a test app show of the calls its detection asks about, read with
// the app's authorizer token. Here Baidu is the emulator (--openapi); the test acts as the TP, through the same APIs.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test as base, expect } from '@playwright/test';
import { BaiduClient } from '../harness/baidu/client.ts';
import type { StartedEmulator } from '../harness/emulator/index.ts';
import { runCli, type CliResult } from './helpers/cli.ts';
import { PNG_1X1 } from './support/emulatorKit.ts';
import { emulatorWithTp } from './support/emulatorWithTp.ts';

const TP = {
  clientId: 'HistoryProbeClientId000000000000', tpAppId: 78, name: 'history', messageToken: 'historytoken', encodingAesKey: 'c'.repeat(43),
  // Nobody listens here: pushes are recorded with a connect error, which is all these tests need.
  authEventUrl: 'http://127.0.0.1:9/auth', messageEventUrl: 'http://127.0.0.1:9/msg', authStartDomain: '127.0.0.1',
  testAppIds: [6660001, 6660002], permissionSets: ['development', 'payment', 'customer-service'],
};
const APP = TP.testAppIds[0]!;

function probe(args: string[], stdin?: string): Promise<CliResult> {
  return runCli(['probe', 'history', ...args], { stdin });
}

interface Ctx { em: StartedEmulator; client: BaiduClient; token: (granted?: string[]) => Promise<string> }

const test = base.extend<{ ctx: Ctx }>({
  ctx: async ({}, use) => {
    const e = await emulatorWithTp(TP, { seed: 'history', uploadDelayMs: 50, auditDelayMs: 50, pushTimeoutMs: 300 });
    await use({ ...e, token: (granted = ['development', 'payment', 'customer-service']) => e.authorizeApp(APP, granted) });
    await e.stop();
  },
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('an app the TP never developed nor onboarded: each missing call is a problem; exit 1; the token never printed', async ({ ctx }) => {
  const token = await ctx.token();
  const r = await probe(['--app', String(APP), '--openapi', ctx.em.url, '--token', '-'], token);
  expect(r.code, r.stderr).toBe(1);
  expect(r.stdout).toContain(`小程序 / mini program ${APP}`);
  expect(r.stdout).toContain('已授权 / granted 开发管理权限、支付服务权限、客服能力权限');
  expect(r.stdout).toContain('problem: no package on record: upload one with package/upload or the developer tool');
  expect(r.stdout).toContain('problem: no payment account created (status 0 初始 / init)');
  expect(r.stdout).toContain('warning: the payment service is 新建 / new (status 0): none under review or decided');
  expect(r.stdout).toContain('note: pay/developconfig/submit cannot be read back from Baidu');
  expect(r.stderr).toContain('Baidu\'s records do not show everything its detection asks for');
  expect(r.stdout + r.stderr).not.toContain(token);
});

test('after an upload, a submission and the payment onboarding, Baidu\'s records show each; exit 0', async ({ ctx }) => {
  const token = await ctx.token();
  const templateId = ctx.em.emu.store.templates.get(TP.clientId)![0]!.templateId;
  await ctx.client.call('pkg.uploadPackage', { template_id: templateId, ext_json: JSON.stringify({ extEnable: true, extAppid: APP }), user_version: '1.0.0', user_desc: 'd' }, token);
  // Only an upload, not yet submitted: the development half is there, the audit half is not.
  await expect.poll(async () => (await ctx.client.call<{ upload_status: number }[]>('pkg.getPackage', {}, token))[0]?.upload_status).toBe(2);
  const half = await probe(['--app', String(APP), '--openapi', ctx.em.url, '--token', token]);
  expect(half.stdout).toMatch(/ok: a package reached the app: 1 version\(s\) on record \(1\.0\.0 开发中 \/ development, \d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d(, by \S+)?\)/);
  expect(half.stdout).toContain('problem: no version on record was ever submitted for audit (only development versions)');
  const pkg = (await ctx.client.call<{ package_id: number }[]>('pkg.getPackage', {}, token))[0]!;
  await ctx.client.call('pkg.submitPackageAudit', { package_id: pkg.package_id, content: 'c', remark: 'r' }, token);
  const images = [];
  for (let i = 0; i < 3; i++) images.push((await ctx.client.call<string>('image.uploadImage', { type: 1, multipartFile: { filename: `i${i}.png`, content: PNG_1X1, contentType: 'image/png' } }, token)));
  await ctx.client.call('pay.createAccount', {
    business_scope: '零售', business_province: '北京', business_city: '北京', business_detail_address: '某路1号', legal_person: '张三', legal_id: '11010519491231002X',
    id_card_front_url: images[0], id_card_back_url: images[1], legal_card_start_time: '2020-01-01', legal_card_end_time: '9999-12-31',
    license_start_time: '2020-01-01', license_end_time: '9999-12-31', industry_id: 1, manage_permit_url: images[2], auth_capital: '100', manager_same: 1, benefit_same: 1,
  }, token);
  await ctx.client.call('pay.submitDevelopConfig', {
    tp_public_key: '-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----', pay_notify_url: 'https://tp.example/n', refund_audit_url: 'https://tp.example/a', refund_succ_url: 'https://tp.example/s',
  }, token);
  await ctx.client.call('pay.createPaymentService', {
    app_name: 'a', service_phone: '4000000000', bank_account: '张三', bank_card: '6222000000000000', bank_name: '工商银行', bank_branch: '北京分行', open_province: '北京', open_city: '北京',
    payment_days: 7, commission_rate: 6, pool_cash_pledge: 0, day_max_frozen_amount: 100, bank_phone_number: '13800000000',
  }, token);
  await sleep(100);
  const r = await probe(['--app', String(APP), '--openapi', ctx.em.url, '--token', '-'], `${token}\n`);
  expect(r.code, r.stdout + r.stderr).toBe(0);
  expect(r.stdout).toMatch(/ok: a version that went through package\/submitaudit is on record: 1\.0\.0 (审核中 \/ in review|审核通过 \/ audit passed)/);
  expect(r.stdout).toContain('ok: a payment account exists (pay/account/create): it is 已通过 / approved');
  expect(r.stdout).toContain('ok: a payment service exists (pay/paymentservice/create): it is 已通过 / approved');
  expect(r.stdout).not.toContain('problem');
});

test('sets the app did not grant are not read; a refused or another app\'s token is said as such', async ({ ctx }) => {
  const token = await ctx.token(['customer-service']);
  const r = await probe(['--app', String(APP), '--openapi', ctx.em.url, '--token', token]);
  expect(r.code).toBe(0);
  expect(r.stdout.match(/note: not granted by this mini program: nothing to read/g)).toHaveLength(2);
  const other = await probe(['--app', String(TP.testAppIds[1]), '--openapi', ctx.em.url, '--token', token]);
  expect(other.code).toBe(1);
  expect(other.stdout).toContain(`problem: this token belongs to app ${APP}, not ${TP.testAppIds[1]}`);
  const refused = await probe(['--app', String(APP), '--openapi', ctx.em.url, '--token', `${token.slice(0, -4)}0000`]);
  expect(refused.code).toBe(1);
  expect(refused.stdout).toContain('problem: Baidu refused the token: an authorizer access token lasts an hour');
});

base('usage errors exit 2, naming what is missing or whose option it is', async () => {
  const cases: [string[], RegExp][] = [
    [['--token', 'x'], /--app must be the mini program's app id/],
    [['--app', '12a', '--token', 'x'], /--app must be the mini program's app id/],
    [['--app', '1'], /no authorizer access token: pass --token - and pipe it in/],
    [['--app', '1', '--token', '-'], /no authorizer access token/],
    [['--app', '1', '--token', 'x', '--openapi', 'openapi.baidu.com'], /--openapi must be an http\(s\) URL/],
    [['--app', '1', '--token', 'x', '--scan'], /--scan is an option of probe start-page, not of probe history/],
  ];
  for (const [args, says] of cases) {
    const r = await probe(args);
    expect(r.code, args.join(' ')).toBe(2);
    expect(r.stderr).toMatch(says);
  }
});

// --- Baidu answering oddly: a stand-in serving fixed answers per path -----------------------------------------------

type Answer = { status?: number; body: unknown } | 'hang';

async function fakeBaidu(answers: Record<string, Answer | ((req: IncomingMessage) => Answer)>): Promise<{ url: string; close(): void }> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const a = answers[path];
    const answer = typeof a === 'function' ? a(req) : a ?? { status: 404, body: 'not found' };
    if (answer === 'hang') return;
    res.writeHead(answer.status ?? 200, { 'content-type': 'application/json' }).end(typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => {
    server.closeAllConnections();
    server.close();
  } };
}

const ok = (data: unknown): Answer => ({ body: { errno: 0, msg: 'success', data } });
const appInfo = (scopes: string[]) => ok({ app_id: APP, app_name: '测试', app_key: 'k', auth_info: scopes.map((scope_name) => ({ scope_name, type: 0 })) });
const PAID = { '/rest/2.0/smartapp/pay/account/auditstatus': ok({ status: 4 }), '/rest/2.0/smartapp/pay/paymentservice/auditstatus': ok({ status: 2 }) };

base('Baidu not answering, or answering garbage: exit 3 unless a line already said problem, the reads after it "not read"', async () => {
  const hang = await fakeBaidu({ '/rest/2.0/smartapp/app/info': 'hang' });
  const garbage = await fakeBaidu({ '/rest/2.0/smartapp/app/info': { body: '<html>gateway</html>' } });
  const later = await fakeBaidu({ '/rest/2.0/smartapp/app/info': appInfo(['开发管理权限', '支付服务权限']), '/rest/2.0/smartapp/package/get': 'hang' });
  try {
    const started = Date.now();
    const r = await probe(['--app', String(APP), '--token', 'tok', '--openapi', hang.url, '--timeout-ms', '300']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`preflight probe: Baidu could not be asked — ${hang.url} did not answer`);
    expect(r.stdout).not.toContain('with this token');
    expect(Date.now() - started).toBeLessThan(5000);
    const g = await probe(['--app', String(APP), '--token', 'tok', '--openapi', garbage.url]);
    expect(g.code).toBe(3);
    expect(g.stderr).toContain(`${garbage.url} answered, but not as Baidu does`);
    // Once Baidu stopped answering, the reads after it are not tried (each would cost the timeout again).
    const l = await probe(['--app', String(APP), '--token', 'tok', '--openapi', later.url, '--timeout-ms', '300']);
    expect(l.code).toBe(3);
    expect(l.stdout).toContain(`not read: package/get: ${later.url} did not answer`);
    expect(l.stdout).toContain('未读取 / not read: pay/account/auditstatus: not tried: Baidu did not answer an earlier read');
  } finally {
    hang.close();
    garbage.close();
    later.close();
  }
});

base('what Baidu may answer: an upload without package_id yet, no list at all, only failed uploads, unknown scope names, token errnos', async () => {
  const token = 'Tok+en/with=signs';
  const cases: { answers: Record<string, Answer | ((req: IncomingMessage) => Answer)>; code: number; says: string[] }[] = [
    { answers: { '/rest/2.0/smartapp/app/info': appInfo(['开发管理权限', '支付服务权限']), ...PAID,
      '/rest/2.0/smartapp/package/get': ok([{ version: '1.0.1', status: 3, upload_status: 1 }, { package_id: 7, version: '1.0.0', status: 4, upload_status: 2, committer: 'tp' }]) },
    code: 0, says: ['ok: a package reached the app: 2 version(s) on record', 'ok: a version that went through package/submitaudit is on record: 1.0.0 审核中 / in review, by tp'] },
    { answers: { '/rest/2.0/smartapp/app/info': appInfo(['开发管理权限']), '/rest/2.0/smartapp/package/get': ok(null) },
      code: 1, says: ['problem: no package on record'] },
    { answers: { '/rest/2.0/smartapp/app/info': appInfo(['开发管理权限']), '/rest/2.0/smartapp/package/get': ok([{ package_id: 1, version: '1.0.0', status: 3, upload_status: 3, upload_err_msg: 'bad ext.json' }]) },
      code: 1, says: ['warning: only failed uploads on record (1.0.0: bad ext.json)', 'problem: no version on record was ever submitted'] },
    { answers: { '/rest/2.0/smartapp/app/info': appInfo(['开发者权限']), ...PAID,
      '/rest/2.0/smartapp/package/get': { body: { errno: 40007, msg: '无此TP操作权限', data: null } } },
      code: 0, says: ['warning: scope names this tool does not know: 开发者权限 — every read is tried', 'note: not granted by this mini program: pkg.getPackage: W 40007', 'ok: a payment account exists'] },
    { answers: { '/rest/2.0/smartapp/app/info': { body: { errno: 44003, msg: 'token expired' } } },
      code: 1, says: ['problem: Baidu refused the token'] },
    // A server echoing the request, the token URL-encoded in it: never printed, in any encoding.
    { answers: { '/rest/2.0/smartapp/app/info': (req) => ({ status: 200, body: { errno: 50000, msg: `bad request ${encodeURIComponent(req.url ?? '')} ${req.url}` } }) },
      code: 1, says: ['problem: app/info could not be read with this token'] },
  ];
  for (const c of cases) {
    const baidu = await fakeBaidu(c.answers);
    try {
      const r = await probe(['--app', String(APP), '--token', '-', '--openapi', baidu.url], token);
      expect(r.code, r.stdout + r.stderr).toBe(c.code);
      for (const line of c.says) expect(r.stdout).toContain(line);
      for (const form of [token, encodeURIComponent(token), encodeURIComponent(encodeURIComponent(token))]) expect(r.stdout + r.stderr).not.toContain(form);
    } finally {
      baidu.close();
    }
  }
});
