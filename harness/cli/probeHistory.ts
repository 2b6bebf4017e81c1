// `preflight probe history --app <id>`: what Baidu's own records of a test mini program show of the calls its
// detection asks about. For 开发管理权限 and 支付服务权限 Baidu checks that certain calls "have ever succeeded" for an
// authorized test app (reference §7.1.3) — history only Baidu holds. Its read APIs show the state those calls leave:
// package/get lists the app's versions (an upload leaves one; a submission for audit leaves one in review, passed,
// failed, online or rolled back), and the payment audit statuses show an account and a service created. Read-only
// GETs with the app's authorizer access token (from your TP's store; never printed): safe against production.
// The state is not the history — a submission withdrawn since leaves only a development version — so each line says
// what it read. pay/developconfig/submit cannot be read back at all (no API): said as a note.
// Exit codes: 0 no line says "problem", 1 one does (the token refused included), 2 a usage error, 3 Baidu stopped
// answering (no answer, or not an answer of Baidu's) and no line says "problem": the reads from there on say "not read".
import { BaiduApiError, BaiduClient } from '../baidu/client.ts';
import { permissionSet } from '../detection/permissionSets.ts';
import { Findings, type FindingKind } from './findings.ts';

export const HISTORY_USAGE = 'usage: preflight probe history --app <app id> --token <authorizer access token | - to read it from stdin> [--openapi https://openapi.baidu.com] [--timeout-ms 5000]\n'
  + '  the token is the app\'s authorizer access token, from your TP\'s store\n';

const OPENAPI = 'https://openapi.baidu.com';

/** package/get `status` (reference §3.11). */
const PACKAGE_STATUS: Record<number, string> = { 1: '线上 / online', 3: '开发中 / development', 4: '审核中 / in review', 5: '审核失败 / audit failed', 6: '审核通过 / audit passed', 8: '回滚中 / rolling back' };
/** Versions that only a successful package/submitaudit can have led to. */
const SUBMITTED = new Set([1, 4, 5, 6, 8]);
/** pay/account/auditstatus and pay/paymentservice/auditstatus `status` (reference §5.4.3, §5.4.6). */
const ACCOUNT_STATUS: Record<number, string> = { 0: '初始 / init', 1: '编辑中 / editing', 2: '已提交 / submitted', 3: '已驳回 / rejected', 4: '已通过 / approved', 5: '已设置协议 / agreement set' };
const SERVICE_STATUS: Record<number, string> = { 0: '新建 / new', 1: '审核中 / reviewing', 2: '已通过 / approved', 3: '已驳回 / rejected' };

interface Package { package_id?: number; version?: string; status?: number; commit_time?: string; committer?: string; upload_status?: number; upload_err_msg?: string; msg?: string }


/** A read's answer, or why there is none (refused: for its token; notGranted: 40007, the app did not grant the set). */
type Read<T> = { data?: T; error?: string; refused?: boolean; notGranted?: boolean; unreachable?: boolean };

export async function probeHistory(o: { appId: number; token: string; openapi?: string; timeoutMs?: number }): Promise<number> {
  // The token, also as it may come back inside an answer (a server echoing the request, URL-encoded).
  const findings = new Findings();
  findings.secret(o.token);
  const out = (line: string) => findings.line(line);
  const say = (kind: FindingKind, what: string) => findings.say(kind, what);
  const openapi = new URL(o.openapi ?? OPENAPI).origin;
  const client = new BaiduClient({ openapiBaseUrl: openapi, retries: 1, timeoutMs: o.timeoutMs ?? 5000 });
  // Once Baidu did not answer, the later reads are not tried: each would cost the timeout again, to say the same.
  let unreachable: string | undefined;
  const read = async <T>(id: string): Promise<Read<T>> => {
    if (unreachable) return { error: 'not tried: Baidu did not answer an earlier read', unreachable: true };
    try {
      return { data: await client.call<T>(id, {}, o.token) };
    } catch (e) {
      if (!(e instanceof BaiduApiError)) throw e;
      if (e.envelope === 'transport' || e.envelope === 'schema') {
        const answered = e.envelope === 'schema' || (e.status ?? 0) > 0;
        unreachable = `${openapi} ${answered ? 'answered, but not as Baidu does' : 'did not answer'} (${e.message.split('\n')[0]})`;
        return { error: unreachable, unreachable: true };
      }
      return { error: e.describe(), refused: e.tokenRefused, notGranted: e.envelope === 'W' && e.code === 40007 };
    }
  };
  /** A read that failed, said as what it means: Baidu out of reach, or its refusal with the code explained. */
  const failedRead = (what: string, r: Read<unknown>) => say(r.unreachable ? 'not read' : 'problem', `${what}: ${r.error}`);
  try {
    const info = await read<{ app_id?: number; app_name?: string; auth_info?: { scope_name?: string }[] }>('authprocess.getAppInfo');
    if (!info.data) {
      out(`小程序 / mini program ${o.appId} (app/info): ${info.error}`);
      if (info.unreachable) {
        process.stderr.write(`preflight probe: Baidu could not be asked — ${info.error}; nothing was judged\n`);
        return 3;
      }
      say('problem', info.refused
        ? 'Baidu refused the token: an authorizer access token lasts an hour, and a re-authorization or a refresh replaces it — take the current one from your TP (not the TP token, 42.…)'
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
    // Baidu names sets by scope_name only and publishes no list (reference §7.3): a name this tool does not know may
    // be one of the detected sets, so then every read is tried, and a refusal for permission is what says no.
    const unknownNames = granted.filter((name) => !permissionSet(name));
    const mayHave = (slug: string) => slugs.has(slug) || unknownNames.length > 0;
    out(`小程序 / mini program ${o.appId} ${info.data.app_name ?? ''} (app/info): 已授权 / granted ${granted.join('、') || '(none)'}`);
    if (unknownNames.length) say('warning', `scope names this tool does not know: ${unknownNames.join('、')} — every read is tried`);
    say('note', 'Baidu counts only the calls your TP made, and only for a mini program on your 授权测试名单 (a console setting no API shows); what an admin did in Baidu\'s console leaves the same state');

    out('开发管理权限 / development — Baidu checks that package/upload (or the developer tool) and package/submitaudit ever succeeded');
    if (!mayHave('development')) say('note', 'not granted by this mini program: nothing to read (the TP cannot call these APIs for it)');
    else {
      const list = await read<Package[] | null>('pkg.getPackage');
      if (list.notGranted) say('note', `not granted by this mini program: ${list.error}`);
      else if (!list.data && list.error) failedRead('package/get', list);
      else {
        const all = list.data ?? [];
        const uploaded = all.filter((p) => p.upload_status !== 3);
        const failedUploads = all.filter((p) => p.upload_status === 3);
        const describe = (p: Package) => `${p.version ?? '(no version)'} ${PACKAGE_STATUS[p.status ?? -1] ?? `status ${p.status}`}${p.commit_time ? `, ${p.commit_time}` : ''}${p.committer ? `, by ${p.committer}` : ''}`;
        if (uploaded.length) say('ok', `a package reached the app: ${uploaded.length} version(s) on record (${uploaded.map(describe).join('; ')})`);
        // An accepted package/upload probably counts even when the upload then failed (reference §7.2): not proof.
        else if (failedUploads.length) say('warning', `only failed uploads on record (${failedUploads.map((p) => `${p.version ?? ''}: ${p.upload_err_msg ?? 'no reason given'}`).join('; ')}): Baidu may count the accepted call, but upload one that goes through`);
        else say('problem', 'no package on record: upload one with package/upload or the developer tool');
        const submitted = all.filter((p) => SUBMITTED.has(p.status ?? -1));
        if (submitted.length) say('ok', `a version that went through package/submitaudit is on record: ${submitted.map(describe).join('; ')}`);
        else if (all.length) {
          say('problem', 'no version on record was ever submitted for audit (only development versions): submit one with package/submitaudit '
            + '— a submission withdrawn since leaves none here, while Baidu\'s own history still counts it');
        }
      }
    }

    out('支付服务权限 / payment — Baidu checks that pay/account/create, pay/developconfig/submit and pay/paymentservice/create ever succeeded');
    if (!mayHave('payment')) say('note', 'not granted by this mini program: nothing to read (the TP cannot call these APIs for it)');
    else {
      const account = await read<{ status?: number; verify_message?: string }>('pay.getAccountAuditStatus');
      const a = account.data?.status;
      if (account.notGranted) say('note', `not granted by this mini program: ${account.error}`);
      else if (!account.data) failedRead('pay/account/auditstatus', account);
      else if (a === undefined || a === 0) say('problem', `no payment account created (status ${a ?? 'missing'} ${ACCOUNT_STATUS[a ?? 0] ?? ''}): create it with pay/account/create`);
      else if (a === 1) say('warning', `the payment account is ${ACCOUNT_STATUS[1]}: created but not submitted? Baidu counts a successful pay/account/create`);
      else say('ok', `a payment account exists (pay/account/create): it is ${ACCOUNT_STATUS[a] ?? `status ${a}`}${a === 3 && account.data.verify_message ? ` (${account.data.verify_message})` : ''}`);
      if (!account.notGranted) {
        say('note', 'pay/developconfig/submit cannot be read back from Baidu: its result came as the push APP_PAYMENT_UPDATE_DEVELOP_CONFIG_PASS/FAIL to your 消息与事件接收URL');
        const service = await read<{ status?: number; fail_reason?: string }>('pay.getPaymentServiceAuditStatus');
        const s = service.data?.status;
        if (!service.data) failedRead('pay/paymentservice/auditstatus', service);
        else if (s === undefined) say('problem', 'pay/paymentservice/auditstatus answered without a status');
        // "new" is what an app without a service reads, and maybe one whose service was just created (the reference
        // gives no more): not proof either way.
        else if (s === 0) say('warning', `the payment service is ${SERVICE_STATUS[0]} (status 0): none under review or decided — unless pay/paymentservice/create just succeeded, call it`);
        else say('ok', `a payment service exists (pay/paymentservice/create): it is ${SERVICE_STATUS[s] ?? `status ${s}`}${s === 3 && service.data.fail_reason ? ` (${service.data.fail_reason})` : ''}`);
      }
    }
    say('note', '客服能力权限 is checked live at 全网发布: npx preflight probe echostr --to <消息与事件接收URL>');
  } finally {
    await client.close();
  }
  const failed = findings.failed;
  if (unreachable && !failed) {
    process.stderr.write(`preflight probe: Baidu stopped answering — ${unreachable}; the reads from there on were not judged\n`);
    return 3;
  }
  if (failed) process.stderr.write('preflight probe: Baidu\'s records do not show everything its detection asks for: see the problems above\n');
  return failed ? 1 : 0;
}
