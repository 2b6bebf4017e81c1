// `preflight probe history --app <id>`: what Baidu's own records of a test mini program show of the calls its
// detection asks about. For 开发管理权限 and 支付服务权限 Baidu checks that certain calls "have ever succeeded" for an
// authorized test app (reference §7.1.3) — history only Baidu holds. Its read APIs show the state those calls leave:
// package/get lists the app's versions (an upload leaves one; a submission for audit leaves one in review, passed,
// failed, online or rolled back), and the payment audit statuses show an account and a service created. Read-only
// GETs with the app's authorizer access token (from your TP's store; never printed): safe against production.
// The state is not the history — a submission withdrawn since leaves only a development version — so each line says
// what it read. pay/developconfig/submit cannot be read back at all (no API): said as a note.
// Exit codes: 0 no line says "problem", 1 one does (or the token was refused), 2 a usage error.
import { BaiduApiError, BaiduClient } from '../baidu/client.ts';
import { tokenRefused } from '../baidu/errors.ts';
import { permissionSet } from '../detection/permissionSets.ts';
import { createRedactor } from '../report/redact.ts';

export const HISTORY_USAGE = 'usage: preflight probe history --app <app id> --token <authorizer access token | - to read it from stdin> [--openapi https://openapi.baidu.com]\n'
  + '  the token is the app\'s authorizer access token, from your TP\'s store\n';

const OPENAPI = 'https://openapi.baidu.com';

/** package/get `status` (reference §3.11). */
const PACKAGE_STATUS: Record<number, string> = { 1: '线上 / online', 3: '开发中 / development', 4: '审核中 / in review', 5: '审核失败 / audit failed', 6: '审核通过 / audit passed', 8: '回滚中 / rolling back' };
/** Versions that only a successful package/submitaudit can have led to. */
const SUBMITTED = new Set([1, 4, 5, 6, 8]);
/** pay/account/auditstatus and pay/paymentservice/auditstatus `status` (reference §5.4.3, §5.4.6). */
const ACCOUNT_STATUS: Record<number, string> = { 0: '初始 / init', 1: '编辑中 / editing', 2: '已提交 / submitted', 3: '已驳回 / rejected', 4: '已通过 / approved', 5: '已设置协议 / agreement set' };
const SERVICE_STATUS: Record<number, string> = { 0: '新建 / new', 1: '审核中 / reviewing', 2: '已通过 / approved', 3: '已驳回 / rejected' };

interface Package { package_id?: number; version?: string; status?: number; commit_time?: string; upload_status?: number; upload_err_msg?: string; msg?: string }

export async function probeHistory(o: { appId: number; token: string; openapi?: string }): Promise<number> {
  const redact = createRedactor([o.token]);
  const out = (line: string) => void process.stdout.write(`${redact(line) as string}\n`);
  let failed = false;
  const say = (verdict: 'ok' | 'warning' | 'problem' | 'note', what: string) => {
    if (verdict === 'problem') failed = true;
    out(`  ${verdict}: ${what}`);
  };
  const client = new BaiduClient({ openapiBaseUrl: o.openapi ?? OPENAPI, retries: 1 });
  const read = async <T>(id: string): Promise<{ data?: T; error?: string; refused?: boolean }> => {
    try {
      return { data: await client.call<T>(id, {}, o.token) };
    } catch (e) {
      const refused = e instanceof BaiduApiError && tokenRefused(e.code);
      return { error: (e as Error).message.split('\n')[0], refused };
    }
  };
  try {
    const info = await read<{ app_id?: number; app_name?: string; auth_info?: { scope_name?: string }[] }>('authprocess.getAppInfo');
    if (!info.data) {
      out(`小程序 / mini program ${o.appId} (app/info): ${info.error}`);
      say('problem', info.refused
        ? 'Baidu refused the token: an authorizer access token lasts an hour — take a fresh one from your TP (it refreshes them)'
        : 'app/info could not be read with this token, so nothing else can be');
      return 1;
    }
    if (info.data.app_id !== undefined && Number(info.data.app_id) !== o.appId) {
      out(`小程序 / mini program ${o.appId} (app/info): the token is mini program ${info.data.app_id}'s (${info.data.app_name ?? ''})`);
      say('problem', `this token belongs to app ${info.data.app_id}, not ${o.appId}: take the token of the app you mean`);
      return 1;
    }
    const granted = (info.data.auth_info ?? []).map((a) => a.scope_name ?? '').filter(Boolean);
    const slugs = new Set(granted.map((name) => permissionSet(name)?.slug).filter(Boolean));
    out(`小程序 / mini program ${o.appId} ${info.data.app_name ?? ''} (app/info): 已授权 / granted ${granted.join('、') || '(none)'}`);
    say('note', 'Baidu counts these calls only for a mini program on your 授权测试名单 (console setting; no API shows it)');

    out('开发管理权限 / development — Baidu checks that package/upload (or the developer tool) and package/submitaudit ever succeeded');
    if (!slugs.has('development')) say('note', 'not granted by this mini program: nothing to read (the TP cannot call these APIs for it)');
    else {
      const list = await read<Package[]>('pkg.getPackage');
      if (!list.data) say('problem', `package/get: ${list.error}`);
      else {
        const all = list.data;
        const uploaded = all.filter((p) => p.upload_status !== 3);
        const failedUploads = all.filter((p) => p.upload_status === 3);
        const describe = (p: Package) => `${p.version ?? '(no version)'} ${PACKAGE_STATUS[p.status ?? -1] ?? `status ${p.status}`}${p.commit_time ? `, ${p.commit_time}` : ''}`;
        if (uploaded.length) say('ok', `a package reached the app: ${uploaded.length} version(s) on record (${uploaded.map(describe).join('; ')})`);
        else say('problem', `no package on record${failedUploads.length ? ` (${failedUploads.length} upload(s) failed: ${failedUploads.map((p) => p.upload_err_msg ?? '').join('; ')})` : ''}: upload one with package/upload or the developer tool`);
        const submitted = all.filter((p) => SUBMITTED.has(p.status ?? -1));
        if (submitted.length) say('ok', `a version was submitted for audit: ${submitted.map(describe).join('; ')}`);
        else if (uploaded.length) {
          say('problem', 'no version on record was ever submitted for audit (only development versions): submit one with package/submitaudit '
            + '— a submission withdrawn since leaves none here, while Baidu\'s own history still counts it');
        }
      }
    }

    out('支付服务权限 / payment — Baidu checks that pay/account/create, pay/developconfig/submit and pay/paymentservice/create ever succeeded');
    if (!slugs.has('payment')) say('note', 'not granted by this mini program: nothing to read (the TP cannot call these APIs for it)');
    else {
      const account = await read<{ status?: number; verify_message?: string }>('pay.getAccountAuditStatus');
      const a = account.data?.status;
      if (!account.data) say('problem', `pay/account/auditstatus: ${account.error}`);
      else if (a === undefined || a === 0) say('problem', `no payment account created (status ${a ?? 'missing'} ${ACCOUNT_STATUS[a ?? 0] ?? ''}): create it with pay/account/create`);
      else if (a === 1) say('warning', `the payment account is ${ACCOUNT_STATUS[1]}: created but not submitted? Baidu counts a successful pay/account/create`);
      else say('ok', `pay/account/create went through: the payment account is ${ACCOUNT_STATUS[a] ?? `status ${a}`}${a === 3 && account.data.verify_message ? ` (${account.data.verify_message})` : ''}`);
      say('note', 'pay/developconfig/submit cannot be read back from Baidu: its result came as the push APP_PAYMENT_UPDATE_DEVELOP_CONFIG_PASS/FAIL to your 消息与事件接收URL');
      const service = await read<{ status?: number; fail_reason?: string }>('pay.getPaymentServiceAuditStatus');
      const s = service.data?.status;
      if (!service.data) say('problem', `pay/paymentservice/auditstatus: ${service.error}`);
      else if (s === undefined) say('problem', 'pay/paymentservice/auditstatus answered without a status');
      // "new" is what an app without a service reads, and maybe one whose service was just created (the reference
      // gives no more): not proof either way.
      else if (s === 0) say('warning', `the payment service is ${SERVICE_STATUS[0]} (status 0): none under review or decided — unless pay/paymentservice/create just succeeded, call it`);
      else say('ok', `pay/paymentservice/create went through: the payment service is ${SERVICE_STATUS[s] ?? `status ${s}`}${s === 3 && service.data.fail_reason ? ` (${service.data.fail_reason})` : ''}`);
    }
    say('note', '客服能力权限 is checked live at 全网发布: npx preflight probe echostr --to <消息与事件接收URL>');
  } finally {
    await client.close();
  }
  if (failed) process.stderr.write('preflight probe: Baidu\'s records do not show everything its detection asks for: see the problems above\n');
  return failed ? 1 : 0;
}
