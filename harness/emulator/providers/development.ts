// Code management provider (代开发, reference §3): templates, package upload → audit → release → rollback.
// LIMITATIONS / choices where Baidu is silent:
// - Upload finishes `uploadDelayMs` after the call (Baidu: "~3 s"); a finished upload has upload_status 2 (INFERRED:
//   only 1 uploading and 3 failed are documented). An app has at most one development package; a new upload replaces it.
// - The audit decides after `auditDelayMs`: it fails when the submission's content contains "[audit-fail]" (so tests
//   can exercise PACKAGE_AUDIT_FAIL), otherwise it passes; the result is pushed to the 消息与事件接收URL. The side door
//   can hold an app's decisions (`app/audit-hold`) — a reviewer who has not got to it yet — so that a withdrawal is
//   exercised against a submission that is certainly still under review, however slow the machine.
// - Releasing a package that has not passed audit answers 69012 (the only release errno Baidu documents).
// - Rollback needs a previous online version; without one it answers 40001.
import QRCode from 'qrcode';
import { BEIJING_OFFSET_MS } from '../../baidu/dates.ts';
import { BaiduError, reply } from '../../baidu/envelopes.ts';
import type { Emulator } from '../emulator.ts';
import type { Handlers, HandlerCtx } from '../handler.ts';
import { ledgerNow, type ToolEntry } from '../ledger.ts';
import type { PackageRecord } from '../store.ts';

const STATUS_DESC: Record<number, string> = { 1: '线上版本', 3: '开发版本', 4: '审核中', 5: '审核失败', 6: '审核通过', 8: '回滚中' };

function packagesOf(ctx: HandlerCtx): PackageRecord[] {
  const id = ctx.app!.appId;
  let list = ctx.emu.store.packages.get(id);
  if (!list) ctx.emu.store.packages.set(id, (list = []));
  return list;
}

function findPackage(ctx: HandlerCtx, id = ctx.params.package_id): PackageRecord {
  const pkg = packagesOf(ctx).find((p) => String(p.packageId) === id);
  if (!pkg) throw BaiduError.errno(69005, `package_id ${id}`);
  ctx.facts.packageId = pkg.packageId;
  ctx.facts.packageStatus = pkg.status;
  return pkg;
}

function row(p: PackageRecord) {
  return {
    package_id: p.packageId, version: p.version, version_desc: p.versionDesc, remark: '', msg: p.auditMsg, committer: 'tp',
    status: p.status, commit_time: new Date(p.commitTime + BEIJING_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ').replace(/-/g, '/'),
    rollback_version: '', upload_status: p.uploadStatus, upload_status_desc: ['', '上传中', '上传成功', '上传失败'][p.uploadStatus]!,
    upload_err_code: p.uploadErrCode, upload_err_msg: p.uploadErrMsg,
  };
}

export function seedTemplates(emu: Emulator, clientId: string): void {
  const draft = { draftId: emu.ids.int('draftId', 100_000, 999_999), userVersion: '1.0.0', userDesc: '预检模板草稿', createTime: emu.nowS() };
  emu.store.drafts.set(clientId, [draft]);
  emu.store.templates.set(clientId, [{ templateId: emu.ids.int('templateId', 10_000, 99_999), draftId: draft.draftId, userVersion: '1.0.0', userDesc: '预检模板', createTime: emu.nowS() }]);
}

function later(emu: Emulator, ms: number, fn: () => unknown): void {
  void emu.track(new Promise<void>((resolve) => setTimeout(() => {
    void Promise.resolve().then(fn).catch(() => {}).finally(resolve);
  }, ms)));
}

export const handlers: Handlers = {
  'template.getTemplateDraftList': ({ emu, tp, params }) => page(emu.store.drafts.get(tp!.clientId) ?? [], params, (d) => ({ draft_id: d.draftId, user_version: d.userVersion, user_desc: d.userDesc, create_time: d.createTime, web_status: false })),
  'template.getTemplateList': ({ emu, tp, params }) => page(emu.store.templates.get(tp!.clientId) ?? [], params, (t) => ({ template_id: t.templateId, user_version: t.userVersion, user_desc: t.userDesc, create_time: t.createTime, web_status: false })),
  'template.addToTemplate': ({ emu, tp, params }) => {
    const draft = (emu.store.drafts.get(tp!.clientId) ?? []).find((d) => String(d.draftId) === params.draft_id);
    if (!draft) throw BaiduError.errno(40001, `draft_id ${params.draft_id} does not exist`);
    if ([...params.user_desc!].length > 30) throw BaiduError.errno(40016, 'user_desc longer than 30 characters');
    const list = emu.store.templates.get(tp!.clientId) ?? [];
    if (list.length >= 50) throw BaiduError.errno(2003);
    const t = { templateId: emu.ids.int('templateId', 10_000, 99_999), draftId: draft.draftId, userVersion: draft.userVersion, userDesc: params.user_desc!, createTime: emu.nowS() };
    list.push(t);
    emu.store.templates.set(tp!.clientId, list);
    return reply.ok({ template_id: t.templateId });
  },
  'template.delTemplate': ({ emu, tp, params }) => {
    const list = emu.store.templates.get(tp!.clientId) ?? [];
    const i = list.findIndex((t) => String(t.templateId) === params.template_id);
    if (i < 0) throw BaiduError.errno(69008);
    list.splice(i, 1);
    return reply.ok({ result: 1 });
  },

  'pkg.uploadPackage': (ctx) => {
    const { emu, tp, app, params, facts } = ctx;
    const template = (emu.store.templates.get(tp!.clientId) ?? []).find((t) => String(t.templateId) === params.template_id);
    if (!template) throw BaiduError.errno(69008, `template_id ${params.template_id}`);
    const ext = JSON.parse(params.ext_json!) as Record<string, unknown>;
    if (ext === null || typeof ext !== 'object') throw BaiduError.errno(69004);
    // Both are required (§3.5); extAppid as a string (Go's example) or a number (the doc's table).
    for (const k of ['extEnable', 'extAppid']) if (ext[k] === undefined) throw BaiduError.errno(40001, `ext_json.${k} is required`);
    if (String(ext.extAppid) !== String(app!.appId)) {
      throw BaiduError.errno(40001, `ext_json.extAppid ${ext.extAppid} is not this mini program (${app!.appId})`);
    }
    const list = packagesOf(ctx).filter((p) => p.status !== 3);
    const pkg: PackageRecord = {
      packageId: emu.ids.int('packageId', 1_000_000, 9_999_999), appId: app!.appId, templateId: template.templateId,
      version: params.user_version!, versionDesc: params.user_desc!, status: 3, uploadStatus: 1, uploadErrCode: 0, uploadErrMsg: '',
      commitTime: emu.now(), auditMsg: '',
    };
    list.push(pkg);
    emu.store.packages.set(app!.appId, list);
    Object.assign(facts, { packageId: pkg.packageId, onTestList: app!.onTestList, directCommit: ext.directCommit === true });
    // The build merges ext_json's app.json overrides into the template; malformed ones fail it asynchronously, as
    // Baidu reports a template parse error (upload_status 3, 69010) only through package/get.
    const badOverride = ['window', 'tabBar', 'extPages', 'networkTimeout', 'ext'].find((k) => ext[k] !== undefined && (typeof ext[k] !== 'object' || ext[k] === null || Array.isArray(ext[k])));
    later(emu, emu.options.uploadDelayMs ?? 100, () => {
      if (badOverride) {
        pkg.uploadStatus = 3;
        pkg.uploadErrCode = 69010;
        pkg.uploadErrMsg = `模板文件解析出错: ext_json.${badOverride} must be an object`;
        return;
      }
      pkg.uploadStatus = 2;
      if (ext.directCommit === true) startAudit(emu, pkg, ctx.tp!.clientId, '');
    });
    return reply.ok();
  },

  'pkg.getPackageSubmitAuditQuota': ({ emu, app }) => {
    const remain = quota(emu, app!.appId);
    return reply.ok({ quota_type: 2, quota_times: emu.options.weeklyAuditQuota ?? 10, remain_times: remain });
  },

  'pkg.submitPackageAudit': (ctx) => {
    const { emu, app } = ctx;
    const pkg = findPackage(ctx);
    if (pkg.status !== 3 || pkg.uploadStatus !== 2) {
      throw BaiduError.errno(69005, pkg.uploadStatus === 1 ? 'the package is still uploading (poll package/get)' : `package ${pkg.packageId} is not a development package`);
    }
    if (!app!.nameApproved || !app!.categoryApproved) throw BaiduError.errno(!app!.nameApproved && !app!.categoryApproved ? 69003 : !app!.nameApproved ? 69001 : 69002);
    const remain = quota(emu, app!.appId);
    if (remain === 0) throw BaiduError.errno(69013);
    emu.store.auditQuota.set(app!.appId, remain - 1);
    ctx.facts.onTestList = app!.onTestList;
    startAudit(emu, pkg, ctx.tp!.clientId, ctx.params.content ?? '');
    return reply.ok();
  },

  'pkg.withdrawPackageAudit': (ctx) => {
    // Without package_id (the Java SDK's withdrawAudit sends none): the app's package under review.
    const inReview = !ctx.params.package_id ? packagesOf(ctx).find((p) => p.status === 4) : undefined;
    if (!ctx.params.package_id && !inReview) throw BaiduError.errno(69005, 'no package of this app is under review');
    const pkg = findPackage(ctx, inReview ? String(inReview.packageId) : undefined);
    if (pkg.status !== 4) throw BaiduError.errno(40001, `package ${pkg.packageId} is not under review`);
    pkg.status = 3;
    return reply.ok();
  },

  'pkg.releasePackage': (ctx) => {
    const pkg = findPackage(ctx);
    if (pkg.status !== 6) {
      ctx.facts.releasedBeforePass = true;
      throw BaiduError.errno(69012, `package ${pkg.packageId} is ${STATUS_DESC[pkg.status]}, only a package that passed audit can be released`);
    }
    // The package list shows development, audit and online versions only; the replaced one is kept for rollback.
    const list = packagesOf(ctx);
    const online = list.find((p) => p.status === 1);
    if (online) {
      list.splice(list.indexOf(online), 1);
      ctx.emu.store.previousOnline.set(ctx.app!.appId, online);
    }
    pkg.status = 1;
    return reply.ok();
  },

  'pkg.rollbackPackage': (ctx) => {
    const pkg = findPackage(ctx);
    const previous = ctx.emu.store.previousOnline.get(ctx.app!.appId);
    if (pkg.status !== 1 || !previous) throw BaiduError.errno(40001, 'rollback needs the online package and a previous online version');
    pkg.status = 8;
    later(ctx.emu, 100, () => {
      const list = packagesOf(ctx);
      list.splice(list.indexOf(pkg), 1, { ...previous, status: 1 });
      ctx.emu.store.previousOnline.delete(ctx.app!.appId);
    });
    return reply.ok();
  },

  'pkg.getPackage': (ctx) => reply.ok(packagesOf(ctx).map(row)),

  'pkg.getPackageDetail': (ctx) => {
    const list = packagesOf(ctx);
    const pkg = ctx.params.package_id
      ? list.find((p) => String(p.packageId) === ctx.params.package_id)
      : list.find((p) => p.status === Number(ctx.params.type ?? 1));
    if (!pkg) throw BaiduError.errno(69005);
    const { package_id, version, version_desc, remark, msg, committer, status, commit_time } = row(pkg);
    return reply.ok({ package_id, version, version_desc, remark, msg, committer, status, commit_time });
  },

  'app.getAppQRCode': async (ctx) => {
    const width = Number(ctx.params.width ?? 200);
    if (width < 200 || width > 1280) throw BaiduError.errno(470018);
    const list = packagesOf(ctx);
    let pkg: PackageRecord | undefined;
    if (ctx.params.package_id) {
      pkg = list.find((p) => String(p.packageId) === ctx.params.package_id);
      if (!pkg || ![1, 3, 4].includes(pkg.status)) throw BaiduError.errno(470019);
    } else {
      pkg = list.find((p) => p.status === 1);
      if (!pkg) throw BaiduError.errno(470020);
    }
    const target = `https://mbd.baidu.com/ma/s/${ctx.app!.appKey}?path=${encodeURIComponent(ctx.params.path ?? '')}&pkg=${pkg.packageId}`;
    return reply.binary(await QRCode.toBuffer(target, { width, margin: 2 }), 'image/png');
  },
};

function quota(emu: Emulator, appId: number): number {
  return emu.store.auditQuota.get(appId) ?? emu.options.weeklyAuditQuota ?? 10;
}

function startAudit(emu: Emulator, pkg: PackageRecord, clientId: string, content: string): void {
  pkg.status = 4;
  const decide = async () => {
    if (pkg.status !== 4) return; // withdrawn meanwhile
    const fail = content.includes('[audit-fail]');
    pkg.status = fail ? 5 : 6;
    pkg.auditMsg = fail ? '预检模拟审核不通过' : '';
    const tp = emu.requireTp(clientId);
    await emu.push(tp, 'message', {
      appId: pkg.appId, tpAppId: tp.tpAppId, eventTime: emu.eventTime(), event: fail ? 'PACKAGE_AUDIT_FAIL' : 'PACKAGE_AUDIT_PASS',
      packageId: pkg.packageId, packageVersion: pkg.version, ...(fail ? { reason: pkg.auditMsg } : {}),
    }, { facts: { appId: pkg.appId, packageId: pkg.packageId } });
  };
  // A held app's decision waits in its queue until the side door releases it.
  later(emu, emu.options.auditDelayMs ?? 100, () => {
    const held = emu.store.heldAudits.get(pkg.appId);
    return held ? void held.push(decide) : decide();
  });
}

/**
 * The developer tool's upload (定制开发, reference §7.1.3: Baidu's 开发管理权限 detection counts a package submitted
 * with the developer tool as well as one uploaded by package/upload). It goes through no OpenAPI endpoint: the tool
 * uploads as the TP's developer for an app that authorized the TP, and the package appears at once as the app's
 * development version (status 3, upload finished), ready for package/submitaudit. Choices (the tool's own errors are
 * not documented): 40007 when the TP did not select 开发管理权限, 50032 when the app has not authorized the TP, 45001
 * when it did not grant 开发管理权限.
 */
export function ideUpload(emu: Emulator, clientId: string, appId: number, opts: { version?: string; desc?: string } = {}): ToolEntry {
  const a = emu.store.authorization(clientId, appId);
  const base = { at: ledgerNow(), dir: 'tool' as const, tool: 'ide' as const, action: 'upload' as const, clientId, appId };
  const refuse = (errno: number, why: string) => emu.ledger.record({ ...base, status: 400, errno, facts: { why } });
  if (!emu.requireTp(clientId).permissionSets.includes('development')) return refuse(40007, 'the TP did not select 开发管理权限');
  if (!a?.active) return refuse(50032, `app ${appId} has not authorized this TP`);
  if (!a.granted.includes('development')) return refuse(45001, `app ${appId} did not grant 开发管理权限`);
  const list = (emu.store.packages.get(appId) ?? []).filter((p) => p.status !== 3);
  const pkg: PackageRecord = {
    packageId: emu.ids.int('packageId', 1_000_000, 9_999_999), appId, templateId: 0, source: 'ide',
    version: opts.version ?? '1.0.0', versionDesc: opts.desc ?? '开发者工具上传 / uploaded with the developer tool', status: 3, uploadStatus: 2,
    uploadErrCode: 0, uploadErrMsg: '', commitTime: emu.now(), auditMsg: '',
  };
  list.push(pkg);
  emu.store.packages.set(appId, list);
  return emu.ledger.record({ ...base, status: 200, facts: { packageId: pkg.packageId, version: pkg.version } });
}

/**
 * Holds an app's audit decisions, or releases them: each held one then decides at once (a withdrawn one does nothing).
 * Gives back how many are waiting (hold) or were released.
 */
export function holdAudits(emu: Emulator, appId: number, hold: boolean): number {
  const held = emu.store.heldAudits.get(appId) ?? [];
  if (hold) {
    emu.store.heldAudits.set(appId, held);
  } else {
    emu.store.heldAudits.delete(appId);
    for (const decide of held) later(emu, 0, decide);
  }
  return held.length;
}

function page<T>(items: T[], params: Record<string, string>, map: (t: T) => unknown) {
  const size = Math.max(1, Number(params.page_size ?? 10));
  const start = (Math.max(1, Number(params.page ?? 1)) - 1) * size;
  return reply.ok({ count: items.length, list: items.slice(start, start + size).map(map) });
}
