// What Baidu's own SDKs send, the emulator takes, and it answers with Baidu's own codes — cases a review against the
// Go and Java SDKs (and the Java SDK's SmartAppErrorCode) found the emulator stricter than Baidu or wrong:
// upload/image as the Go SDK posts it, an action-less tp/modifydomain (the doc's own example), app/modifywebviewdomain
// `set` replacing, a withdrawal without package_id (the Java SDK's), and the payment APIs' 600xx codes and order.
import { test as base, expect } from '@playwright/test';
import { BaiduClient } from '../harness/baidu/client.ts';
import { ERRNO } from '../harness/baidu/errors.ts';
import type { StartedEmulator } from '../harness/emulator/index.ts';
import { holdAudits } from '../harness/emulator/providers/development.ts';
import { PNG_1X1 as PNG, refusalCode as code } from './support/emulatorKit.ts';
import { emulatorWithTp } from './support/emulatorWithTp.ts';

const TP = {
  clientId: 'FidelityClientId0000000000000000', tpAppId: 78, name: 'fidelity', messageToken: 'fidtoken', encodingAesKey: 'c'.repeat(43),
  authEventUrl: 'http://127.0.0.1:9/auth', messageEventUrl: 'http://127.0.0.1:9/msg', authStartDomain: '127.0.0.1',
  testAppIds: [5570001], permissionSets: ['development', 'payment', 'basic-info'],
};

interface Ctx { em: StartedEmulator; client: BaiduClient; tpToken: string; appToken: string }

const test = base.extend<{ ctx: Ctx }>({
  ctx: async ({}, use) => {
    const e = await emulatorWithTp(TP, { seed: 'fidelity', uploadDelayMs: 0, auditDelayMs: 50, pushTimeoutMs: 500, paymentDelayMs: 0 });
    await use({ ...e, appToken: await e.authorizeApp(TP.testAppIds[0]!, TP.permissionSets) });
    await e.stop();
  },
});

/** A raw multipart POST to upload/image, parts as given (the client would name them the documented way). */
async function uploadImage(ctx: Ctx, parts: { name: string; filename: string; type: string; bytes: Buffer }[], query: Record<string, string> = {}) {
  const form = new FormData();
  for (const p of parts) form.append(p.name, new Blob([new Uint8Array(p.bytes)], { type: p.type }), p.filename);
  const q = new URLSearchParams({ access_token: ctx.tpToken, ...query });
  return (await fetch(`${ctx.em.url}/file/2.0/smartapp/upload/image?${q}`, { method: 'POST', body: form })).json() as Promise<{ errno: number; msg: string; data?: string }>;
}

test('upload/image: the Go SDK\'s request (part and file named "multipartFile", octet-stream, type "<nil>") is taken; the bytes decide the format', async ({ ctx }) => {
  const goSdk = { name: 'multipartFile', filename: 'multipartFile', type: 'application/octet-stream', bytes: PNG };
  expect(await uploadImage(ctx, [goSdk], { type: '<nil>' })).toMatchObject({ errno: 0, data: expect.stringMatching(/^https:\/\/b\.bdstatic\.com\//) });
  const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(16)]);
  expect(await uploadImage(ctx, [{ ...goSdk, bytes: jpeg }], { type: '2' })).toMatchObject({ errno: 0 });
  // Named and typed as a PNG, but not one: 47000 with Baidu's words.
  const fake = await uploadImage(ctx, [{ name: 'multipartFile', filename: 'icon.png', type: 'image/png', bytes: Buffer.from('not an image') }]);
  expect(fake).toMatchObject({ errno: 47000, msg: expect.stringMatching(/^图片格式无效/) });
  expect(await uploadImage(ctx, [goSdk], { type: '4' })).toMatchObject({ errno: 40001 });
});

test('tp/modifydomain without action (the doc\'s own example) adds the domains; none given is 470013', async ({ ctx }) => {
  await ctx.client.call('domain.modifyServerDomain', { request_domain: 'https://api.fidelity.test' }, ctx.tpToken);
  const got = await ctx.client.call<{ request_domain: string[] }>('domain.modifyServerDomain', { action: 'get' }, ctx.tpToken);
  expect(got.request_domain).toEqual(['https://api.fidelity.test']);
  // An empty action reads as none (the emulator takes an empty parameter as not given).
  await ctx.client.call('domain.modifyServerDomain', { action: '', request_domain: 'https://two.fidelity.test' }, ctx.tpToken);
  expect((await ctx.client.call<{ request_domain: string[] }>('domain.modifyServerDomain', { action: 'get' }, ctx.tpToken)).request_domain).toEqual(['https://api.fidelity.test', 'https://two.fidelity.test']);
  expect(await code(ctx.client.call('domain.modifyServerDomain', {}, ctx.tpToken))).toBe(470013);
});

test('app/modifywebviewdomain: set replaces the list, deleting a domain not set is 470017, a bad or empty one 470014 / 470015', async ({ ctx }) => {
  await ctx.client.call('domain.modifyBusinessDomain', { action: 'add', web_view_domain: 'https://a.fidelity.test,https://b.fidelity.test' }, ctx.tpToken);
  const set = (action: string, web_view_domain?: string) => ctx.client.call('app.setAppWebViewDomain', { action, ...(web_view_domain === undefined ? {} : { web_view_domain }) }, ctx.appToken);
  await set('add', 'https://a.fidelity.test');
  await set('set', 'https://b.fidelity.test');
  expect(await ctx.client.call('app.setAppWebViewDomain', { action: 'get' }, ctx.appToken)).toBe('https://b.fidelity.test');
  expect(await code(set('delete', 'https://a.fidelity.test'))).toBe(470017);
  expect(await code(set('add', 'ftp://a.fidelity.test'))).toBe(470014);
  expect(await code(set('add', 'https://a.fidelity.test,'))).toBe(470015);
  expect(await code(set('add', 'https://elsewhere.test'))).toBe(470016);
  await set('delete', 'https://b.fidelity.test');
  expect(await ctx.client.call('app.setAppWebViewDomain', { action: 'get' }, ctx.appToken)).toBe('');
});

test('package/withdraw without package_id (the Java SDK\'s call) withdraws the package under review; with none under review, 69005', async ({ ctx }) => {
  const templateId = ctx.em.emu.store.templates.get(TP.clientId)![0]!.templateId;
  expect(await code(ctx.client.call('pkg.withdrawPackageAudit', {}, ctx.appToken))).toBe(69005);
  await ctx.client.call('pkg.uploadPackage', { template_id: templateId, ext_json: JSON.stringify({ extEnable: true, extAppid: TP.testAppIds[0] }), user_version: '1.0.0', user_desc: 'd' }, ctx.appToken);
  await ctx.em.emu.idle();
  type Pkg = { package_id: number; status: number };
  const [pkg] = await ctx.client.call<Pkg[]>('pkg.getPackage', {}, ctx.appToken);
  holdAudits(ctx.em.emu, TP.testAppIds[0]!, true); // the 50 ms audit must not decide first
  await ctx.client.call('pkg.submitPackageAudit', { package_id: pkg!.package_id, content: 'c', remark: 'r' }, ctx.appToken);
  await ctx.client.call('pkg.withdrawPackageAudit', { package_id: '' }, ctx.appToken);
  expect((await ctx.client.call<Pkg[]>('pkg.getPackage', {}, ctx.appToken)).map((p) => p.status)).toEqual([3]);
});

test('payment: Baidu\'s 600xx codes — 60005 a bad legal_id, 60011 an image not from upload/image, 60013 no account yet, 60014 no developer config yet', async ({ ctx }) => {
  const image = (await ctx.client.call<string>('image.uploadImage', { multipartFile: { filename: 'id.png', content: PNG, contentType: 'image/png' } }, ctx.tpToken));
  const account = {
    business_scope: 's', business_province: 'p', business_city: 'c', business_detail_address: 'a', legal_person: '张三', legal_id: '11010519491231002X',
    id_card_front_url: image, id_card_back_url: image, legal_card_start_time: '2020-01-01', legal_card_end_time: '9999-12-31',
    license_start_time: '2020-01-01', license_end_time: '9999-12-31', auth_capital: '100', industry_id: 1, manager_same: 1, benefit_same: 1,
  };
  const service = {
    app_name: 'a', service_phone: '10086', bank_account: 'acc', bank_card: '6222', bank_name: 'b', bank_branch: 'br', open_province: 'p', open_city: 'c',
    bank_phone_number: '13800000000', payment_days: 7, commission_rate: 6, pool_cash_pledge: 0, day_max_frozen_amount: 100,
  };
  const config = { tp_public_key: '-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----', pay_notify_url: 'https://tp/n', refund_audit_url: 'https://tp/a', refund_succ_url: 'https://tp/s' };
  expect(await code(ctx.client.call('pay.createPaymentService', service, ctx.appToken))).toBe(60013);
  expect(await code(ctx.client.call('pay.createAccount', { ...account, legal_id: '123' }, ctx.appToken))).toBe(60005);
  expect(await code(ctx.client.call('pay.createAccount', { ...account, id_card_front_url: 'https://elsewhere.test/id.png' }, ctx.appToken))).toBe(60011);
  // manage_permit_url is for industries that need a permit (the Go SDK): an account without it is created.
  await ctx.client.call('pay.createAccount', account, ctx.appToken);
  expect(await code(ctx.client.call('pay.createPaymentService', service, ctx.appToken))).toBe(60014);
  await ctx.client.call('pay.submitDevelopConfig', config, ctx.appToken);
  expect(await code(ctx.client.call('pay.createPaymentService', { ...service, commission_rate: 5 }, ctx.appToken))).toBe(60000);
  await ctx.client.call('pay.createPaymentService', service, ctx.appToken);
  expect([60000, 60005, 60011, 60013, 60014].map((n) => ERRNO[n]!.msg)).toEqual(['参数错误', '身份证号必须为18位', '图片Url不是来自于我们的图片上传服务', '支付账号不存在，请先创建支付账号', '开发者设置未提交，请先提交开发者设置']);
});
