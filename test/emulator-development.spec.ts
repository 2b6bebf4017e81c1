// The code-management and payment providers over real HTTP (issue 3 §2): asynchronous upload (and its failure),
// audit preconditions and quota, the audit push, release/withdraw/rollback, the QR PNG, permission enforcement.
import { test as base, expect } from '@playwright/test';
import { BaiduApiError, BaiduClient } from '../harness/baidu/client.ts';
import { decodeQr } from '../harness/detection/qr.ts';
import type { StartedEmulator } from '../harness/emulator/index.ts';
import { PNG_1X1, refusalCode } from './support/emulatorKit.ts';
import { holdAudits } from '../harness/emulator/providers/development.ts';
import { createRedactor } from '../harness/report/redact.ts';
import { emulatorWithTp } from './support/emulatorWithTp.ts';

const TP = {
  clientId: 'DevProviderClientId0000000000000', tpAppId: 77, name: 'dev', messageToken: 'devtoken', encodingAesKey: 'b'.repeat(43),
  // Nobody listens here: pushes are recorded with a connect error, which is all these tests need.
  authEventUrl: 'http://127.0.0.1:9/auth', messageEventUrl: 'http://127.0.0.1:9/msg', authStartDomain: '127.0.0.1',
  testAppIds: [5550001, 5550002], permissionSets: ['development', 'payment'],
};

interface Ctx { em: StartedEmulator; client: BaiduClient; app: (granted?: string[], appId?: number) => Promise<string> }

const test = base.extend<{ ctx: Ctx }>({
  ctx: async ({}, use) => {
    const e = await emulatorWithTp(TP, { seed: 'dev', uploadDelayMs: 300, auditDelayMs: 50, weeklyAuditQuota: 5, pushTimeoutMs: 500 });
    await use({ ...e, app: (granted = ['development', 'payment'], appId = TP.testAppIds[0]!) => e.authorizeApp(appId, granted) });
    await e.stop();
  },
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
type Pkg = { package_id: number; version: string; status: number; upload_status: number; upload_err_code: number };

async function upload(ctx: Ctx, token: string, version: string, ext: Record<string, unknown> = {}): Promise<Pkg> {
  const templateId = ctx.em.emu.store.templates.get(TP.clientId)![0]!.templateId;
  await ctx.client.call('pkg.uploadPackage', { template_id: templateId, ext_json: JSON.stringify({ extEnable: true, extAppid: TP.testAppIds[0], ...ext }), user_version: version, user_desc: 'd' }, token);
  const first = (await ctx.client.call<Pkg[]>('pkg.getPackage', {}, token)).find((p) => p.version === version)!;
  expect(first.upload_status, 'the upload is asynchronous: right after the call it is still uploading').toBe(1);
  await sleep(450);
  return (await ctx.client.call<Pkg[]>('pkg.getPackage', {}, token)).find((p) => p.version === version)!;
}

const code = refusalCode;

test('upload → submit → audit push → release; release before the audit passed is 69012', async ({ ctx }) => {
  const token = await ctx.app();
  const pkg = await upload(ctx, token, '1.0.0');
  expect(pkg).toMatchObject({ status: 3, upload_status: 2 });
  await ctx.client.call('pkg.submitPackageAudit', { package_id: pkg.package_id, content: 'c', remark: 'r' }, token);
  expect(await code(ctx.client.call('pkg.releasePackage', { package_id: pkg.package_id }, token))).toBe(69012);
  await ctx.em.emu.idle();
  const push = ctx.em.emu.ledger.raw().find((e) => e.dir === 'push' && e.event === 'PACKAGE_AUDIT_PASS');
  expect(push && push.dir === 'push' && push.message).toMatchObject({ appId: TP.testAppIds[0], packageId: pkg.package_id, packageVersion: '1.0.0', tpAppId: TP.tpAppId });
  await ctx.client.call('pkg.releasePackage', { package_id: pkg.package_id }, token);
  expect((await ctx.client.call<Pkg[]>('pkg.getPackage', {}, token)).find((p) => p.package_id === pkg.package_id)!.status).toBe(1);
});

test('a malformed app.json override fails the upload asynchronously with 69010', async ({ ctx }) => {
  const token = await ctx.app();
  const pkg = await upload(ctx, token, '1.0.1', { window: 'not-an-object' });
  expect(pkg).toMatchObject({ upload_status: 3, upload_err_code: 69010 });
  expect(await code(ctx.client.call('pkg.submitPackageAudit', { package_id: pkg.package_id, content: 'c', remark: 'r' }, token))).toBe(69005);
});

test('ext_json needs extEnable and extAppid (§3.5: both required), extAppid as a string or a number, and this app\'s', async ({ ctx }) => {
  const token = await ctx.app();
  const templateId = ctx.em.emu.store.templates.get(TP.clientId)![0]!.templateId;
  const up = (ext: Record<string, unknown>) => code(ctx.client.call('pkg.uploadPackage', { template_id: templateId, ext_json: JSON.stringify(ext), user_version: '1.0.0', user_desc: 'd' }, token));
  expect(await up({ extAppid: TP.testAppIds[0] })).toBe(40001);
  expect(await up({ extEnable: true })).toBe(40001);
  expect(await up({ extEnable: true, extAppid: TP.testAppIds[1] })).toBe(40001);
  expect(await up({ extEnable: true, extAppid: String(TP.testAppIds[0]) })).toBe(0);
  expect(await up({ extEnable: false, extAppid: TP.testAppIds[0] })).toBe(0);
});

test('submitaudit needs an approved name and category (69001–69003) and quota (69013)', async ({ ctx }) => {
  const token = await ctx.app();
  const app = ctx.em.emu.store.apps.get(TP.testAppIds[0]!)!;
  const submit = async (version: string) => {
    const pkg = await upload(ctx, token, version);
    return code(ctx.client.call('pkg.submitPackageAudit', { package_id: pkg.package_id, content: 'c', remark: 'r' }, token));
  };
  app.nameApproved = false;
  expect(await submit('2.0.0')).toBe(69001);
  app.categoryApproved = false;
  expect(await submit('2.0.1')).toBe(69003);
  app.nameApproved = true;
  expect(await submit('2.0.2')).toBe(69002);
  app.categoryApproved = true;
  ctx.em.emu.store.auditQuota.set(app.appId, 2);
  expect(await ctx.client.call('pkg.getPackageSubmitAuditQuota', {}, token)).toEqual({ quota_type: 2, quota_times: 5, remain_times: 2 });
  expect(await submit('2.0.3')).toBe(0);
  await ctx.em.emu.idle();
  expect(await submit('2.0.4')).toBe(0);
  expect(await submit('2.0.5')).toBe(69013);
});

test('withdraw returns a package under review to development; rollback restores the previous online version', async ({ ctx }) => {
  const token = await ctx.app();
  const release = async (version: string) => {
    const pkg = await upload(ctx, token, version);
    await ctx.client.call('pkg.submitPackageAudit', { package_id: pkg.package_id, content: 'c', remark: 'r' }, token);
    return pkg;
  };
  const v1 = await release('3.0.0');
  await ctx.em.emu.idle();
  await ctx.client.call('pkg.releasePackage', { package_id: v1.package_id }, token);
  const v2 = await upload(ctx, token, '3.0.1');
  // Held, so the 50 ms audit cannot decide before the withdrawal on a busy machine.
  holdAudits(ctx.em.emu, TP.testAppIds[0]!, true);
  await ctx.client.call('pkg.submitPackageAudit', { package_id: v2.package_id, content: 'c', remark: 'r' }, token);
  await ctx.client.call('pkg.withdrawPackageAudit', { package_id: v2.package_id }, token);
  holdAudits(ctx.em.emu, TP.testAppIds[0]!, false);
  expect((await ctx.client.call<Pkg[]>('pkg.getPackage', {}, token)).find((p) => p.package_id === v2.package_id)!.status).toBe(3);
  await ctx.client.call('pkg.submitPackageAudit', { package_id: v2.package_id, content: 'c', remark: 'r' }, token);
  await ctx.em.emu.idle();
  await ctx.client.call('pkg.releasePackage', { package_id: v2.package_id }, token);
  await ctx.client.call('pkg.rollbackPackage', { package_id: v2.package_id }, token);
  await ctx.em.emu.idle();
  const online = (await ctx.client.call<Pkg[]>('pkg.getPackage', {}, token)).filter((p) => p.status === 1);
  expect(online.map((p) => p.version)).toEqual(['3.0.0']);
});

test('side door app/audit-hold: a held decision waits (the package stays 审核中, nothing is pushed) and runs at once when released', async ({ ctx }) => {
  const token = await ctx.app();
  const hold = async (body: unknown) => {
    const res = await fetch(`${ctx.em.url}/__emulator/app/audit-hold`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };
  const auditPushes = () => ctx.em.emu.ledger.raw().filter((e) => e.dir === 'push' && e.event.startsWith('PACKAGE_AUDIT_')).length;
  const status = async (id: number) => (await ctx.client.call<Pkg[]>('pkg.getPackage', {}, token)).find((p) => p.package_id === id)!.status;

  expect(await hold({ appId: TP.testAppIds[0], hold: true })).toEqual({ status: 200, json: { appId: TP.testAppIds[0], hold: true, decisions: 0 } });
  const pkg = await upload(ctx, token, '4.0.0');
  await ctx.client.call('pkg.submitPackageAudit', { package_id: pkg.package_id, content: 'c', remark: 'r' }, token);
  await sleep(200); // four times the audit delay
  expect(await status(pkg.package_id), 'still under review').toBe(4);
  expect(auditPushes()).toBe(0);
  expect((await hold({ appId: TP.testAppIds[0], hold: false })).json).toMatchObject({ hold: false, decisions: 1 });
  await ctx.em.emu.idle();
  expect(await status(pkg.package_id), 'decided once released').toBe(6);
  expect(auditPushes()).toBe(1);

  // Bad input is named, never a 500.
  expect(await hold({ appId: 1, hold: true })).toEqual({ status: 400, json: { error: 'no app 1' } });
  expect((await hold({ appId: TP.testAppIds[0], hold: 'yes' })).status).toBe(400);
});

test('app/qrcode is a real PNG whose QR names the app; bad width and missing online version are Baidu errors', async ({ ctx }) => {
  const token = await ctx.app();
  expect(await code(ctx.client.call('app.getAppQRCode', {}, token))).toBe(470020);
  const pkg = await upload(ctx, token, '4.0.0');
  expect(await code(ctx.client.call('app.getAppQRCode', { package_id: pkg.package_id, width: 100 }, token))).toBe(470018);
  const png = await ctx.client.call<{ bytes: Buffer; contentType: string }>('app.getAppQRCode', { package_id: pkg.package_id, path: '/pages/index' }, token);
  expect(png.contentType).toBe('image/png');
  expect(decodeQr(png.bytes)).toContain(ctx.em.emu.store.apps.get(TP.testAppIds[0]!)!.appKey);
});

test('an app that did not grant a set gets 45001 for its APIs; the TP-level permission set is 40007', async ({ ctx }) => {
  const token = await ctx.app(['payment']);
  expect(await code(ctx.client.call('pkg.getPackage', {}, token))).toBe(45001);
  expect(await code(ctx.client.call('customermsg.sendCustomerMessage', { user_type: 1, open_id: 'o', msg_type: 'text', content: 'hi' }, token))).toBe(40007);
  // Each names the set as Baidu does (field notes pain 13: which set does this API need?).
  const message = (p: Promise<unknown>) => p.then(() => '', (e: BaiduApiError) => e.message);
  expect(await message(ctx.client.call('pkg.getPackage', {}, token))).toContain('the mini program did not grant 开发管理权限 (development)');
  expect(await message(ctx.client.call('customermsg.sendCustomerMessage', { user_type: 1, open_id: 'o', msg_type: 'text', content: 'hi' }, token)))
    .toContain('this API needs 客服能力权限 (customer-service), which the TP did not select');
});

test('side door ide/upload, the developer tool (定制开发): a development package at once, submitted like any other; refused for an app that has not authorized the TP (50032) or did not grant 开发管理权限 (45001), and for a TP without it (40007)', async ({ ctx }) => {
  const side = async (body: Record<string, unknown>) => {
    const res = await fetch(`${ctx.em.url}/__emulator/ide/upload`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const [appId, other] = TP.testAppIds as [number, number];
  expect(await side({ clientId: TP.clientId, appId })).toMatchObject({ status: 400, body: { errno: 50032 } });
  await ctx.app(['payment'], other);
  expect(await side({ clientId: TP.clientId, appId: other })).toMatchObject({ status: 400, body: { errno: 45001 } });
  expect((await side({ clientId: 'NoSuchTp', appId })).status).toBe(400);
  expect((await side({ clientId: TP.clientId, appId: 'x' })).status).toBe(400);

  const token = await ctx.app();
  const up = await side({ clientId: TP.clientId, appId, version: '2.0.0' });
  expect(up.status).toBe(200);
  // No upload to wait for: the package is the app's development version, finished, right away.
  const pkg = (await ctx.client.call<Pkg[]>('pkg.getPackage', {}, token)).find((p) => p.version === '2.0.0')!;
  expect(pkg).toMatchObject({ package_id: up.body.packageId, status: 3, upload_status: 2 });
  await ctx.client.call('pkg.submitPackageAudit', { package_id: pkg.package_id, content: 'c', remark: 'r' }, token);
  // A TP that did not select 开发管理权限 cannot upload for anyone.
  const noDev = 'NoDevelopmentTpClientId000000000';
  ctx.em.emu.registerTp({ ...TP, clientId: noDev, permissionSets: ['payment'] }, { scheduleTickets: false });
  expect(await side({ clientId: noDev, appId })).toMatchObject({ status: 400, body: { errno: 40007 } });
  const tools = ctx.em.emu.ledger.raw().filter((e) => e.dir === 'tool');
  expect(tools.map((e) => e.dir === 'tool' && [e.appId, e.status, e.errno ?? null])).toEqual([[appId, 400, 50032], [other, 400, 45001], [appId, 200, null], [appId, 400, 40007]]);
});

test('upload/image takes the TP token or an authorizer token, and its file under any part name (§4.2: either token; Go names the part after the file)', async ({ ctx }) => {
  const png = PNG_1X1;
  const token = await ctx.app();
  const viaApp = await ctx.client.call<string>('image.uploadImage', { multipartFile: { filename: 'icon.png', content: png, contentType: 'image/png' }, type: 1 }, token);
  expect(viaApp).toMatch(/^https:\/\/b\.bdstatic\.com\/searchbox\/mappconsole\/image\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.png$/);
  expect(createRedactor([])(viaApp), 'no secret shape: reproduce commands keep it').toBe(viaApp);
  // As Baidu's Go SDK sends it: the part named after the file.
  const form = new FormData();
  form.append('icon.png', new Blob([new Uint8Array(png)], { type: 'image/png' }), 'icon.png');
  const res = await fetch(`${ctx.em.url}/file/2.0/smartapp/upload/image?access_token=${encodeURIComponent(token)}&type=1`, { method: 'POST', body: form });
  expect(await res.json()).toMatchObject({ errno: 0, data: expect.stringMatching(/^https:\/\/b\.bdstatic\.com\//) });
  // Two parts, neither the documented one: nothing to go by, the documented error.
  const two = new FormData();
  two.append('a.png', new Blob([new Uint8Array(png)], { type: 'image/png' }), 'a.png');
  two.append('b.png', new Blob([new Uint8Array(png)], { type: 'image/png' }), 'b.png');
  const bad = await fetch(`${ctx.em.url}/file/2.0/smartapp/upload/image?access_token=${encodeURIComponent(token)}`, { method: 'POST', body: two });
  expect(await bad.json()).toMatchObject({ errno: 40001 });
  // An unknown token is still 110.
  expect(await code(ctx.client.call('image.uploadImage', { multipartFile: { filename: 'icon.png', content: png, contentType: 'image/png' } }, '45.nosuchtoken'))).toBe(110);
});
