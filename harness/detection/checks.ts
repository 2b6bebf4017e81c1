// The detection checks as data: every Playwright test that is a check names one of these ids in its
// `check` annotation; the reporter turns the test outcome into a result with this metadata.
import { AUTHORIZATION_STAGE } from './permissionSets.ts';

export type CheckKind = 'baidu' | 'extended' | 'probe';

/** OIDF's result vocabulary; WAITING while a person or the TP must act. */
export type CheckStatus = 'PASSED' | 'FAILED' | 'WARNING' | 'SKIPPED' | 'WAITING';

export interface CheckDef {
  id: string;
  /** Permission set slug, or 'authorization' for the chain every set stands on. */
  permissionSet: string;
  /** baidu = Baidu's own detection rule (§7) or a step it cannot do without; extended = ours, WARNING unless strict. */
  kind: CheckKind;
  title: { zh: string; en: string };
  /** The rule it mirrors, e.g. "reference §7.1.3 开发管理权限". */
  requirement: string;
}

export const CHECKS: readonly CheckDef[] = [
  { id: 'auth.ticket-ack', permissionSet: AUTHORIZATION_STAGE.slug, kind: 'baidu',
    title: { zh: 'ticket推送应答success', en: 'Ticket push acknowledged with exactly "success" within the budget' }, requirement: 'reference §2.5, §2.1' },
  { id: 'auth.tp-token-newest-ticket', permissionSet: AUTHORIZATION_STAGE.slug, kind: 'baidu',
    title: { zh: '使用最新ticket获取第三方平台access_token', en: 'TP token requested with the newest ticket' }, requirement: 'reference §1.1, §2.5' },
  { id: 'auth.start-page-referer', permissionSet: AUTHORIZATION_STAGE.slug, kind: 'baidu',
    title: { zh: '从授权发起页进入授权页（Referer）', en: 'Authorization page reached from the 授权发起页 with the right Referer' }, requirement: 'reference §1, §1.3 (50006)' },
  { id: 'auth.scan-authorization', permissionSet: AUTHORIZATION_STAGE.slug, kind: 'baidu',
    title: { zh: '扫码授权', en: 'Scan authorization: QR decoded and confirmed on a phone' }, requirement: 'reference §1.3 (40001, 40002, 50002)' },
  { id: 'auth.callback-received', permissionSet: AUTHORIZATION_STAGE.slug, kind: 'baidu',
    title: { zh: '授权回调', en: 'Authorization callback received by the TP' }, requirement: 'reference §1.4' },
  { id: 'auth.code-exchanged', permissionSet: AUTHORIZATION_STAGE.slug, kind: 'baidu',
    title: { zh: '授权码换取小程序接口调用凭据', en: 'Authorization code exchanged within the budget' }, requirement: 'reference §1.5' },
  { id: 'auth.authorized-push-ack', permissionSet: AUTHORIZATION_STAGE.slug, kind: 'baidu',
    title: { zh: 'AUTHORIZED推送应答success', en: 'AUTHORIZED push acknowledged with "success"' }, requirement: 'reference §2.6' },
  { id: 'auth.app-info-read', permissionSet: AUTHORIZATION_STAGE.slug, kind: 'baidu',
    title: { zh: '获取小程序基础信息（授权权限集）', en: 'app/info read with the authorizer token' }, requirement: 'reference §1.7' },

  // Probes beyond Baidu's detection (issue 4): faults Baidu can produce and pains TP developers hit (field notes §c).
  { id: 'probe.forged-push-ignored', permissionSet: AUTHORIZATION_STAGE.slug, kind: 'probe',
    title: { zh: '伪造签名的推送不被采纳', en: 'A push with a forged MsgSignature is not adopted' }, requirement: 'reference §2.3; field notes pain 11' },
  { id: 'probe.push-identifier-tolerant', permissionSet: AUTHORIZATION_STAGE.slug, kind: 'probe',
    title: { zh: '推送尾部标识为另一身份（tpAppId或client_id）时仍被采纳', en: 'A push sealed with the TP\'s other identity (tpAppId or client_id) after the message is adopted' }, requirement: 'reference §2.4 (identifier UNKNOWN); field notes pain 11' },
  { id: 'probe.replayed-push-idempotent', permissionSet: AUTHORIZATION_STAGE.slug, kind: 'probe',
    title: { zh: '重放的推送不被重复处理', en: 'A replayed push is acknowledged but not acted on twice' }, requirement: 'reference §2.1 (Baidu retries); field notes §d' },
  { id: 'probe.transient-error-retried', permissionSet: AUTHORIZATION_STAGE.slug, kind: 'probe',
    title: { zh: '百度暂时不可用（网关错误2）时重试读取', en: 'A read refused by a transient Baidu error (gateway error 2) is tried again' }, requirement: 'reference §0.2 (gateway error 2); field notes pain 16' },
  { id: 'probe.refresh-single-flight', permissionSet: AUTHORIZATION_STAGE.slug, kind: 'probe',
    title: { zh: '凭据提前失效时只刷新一次', en: 'An early-expired authorizer token is refreshed once, never with a spent refresh token' }, requirement: 'reference §1.6; field notes pain 10' },
  { id: 'probe.reauthorization', permissionSet: AUTHORIZATION_STAGE.slug, kind: 'probe',
    title: { zh: '重新授权后不再使用旧凭据', en: 'After UPDATE_AUTHORIZED the TP stops using the stale token' }, requirement: 'reference §2.6; field notes pain 5' },
  { id: 'probe.silent-reauthorization', permissionSet: AUTHORIZATION_STAGE.slug, kind: 'probe',
    title: { zh: '无推送的重新授权：使用回调中的授权码', en: 'A re-authorization that pushes nothing: the code from the callback is exchanged' }, requirement: 'reference §1.4, §2.6; field notes pains 5, 19' },
  { id: 'probe.unauthorized-ack', permissionSet: AUTHORIZATION_STAGE.slug, kind: 'probe',
    title: { zh: 'UNAUTHORIZED推送应答success', en: 'UNAUTHORIZED push acknowledged with "success"' }, requirement: 'reference §2.6' },

  // 开发管理权限 — Baidu checks that a package was uploaded (package/upload or the developer tool) and package/submitaudit
  // has ever succeeded (§7.1.3).
  { id: 'dev.package-upload', permissionSet: 'development', kind: 'baidu',
    title: { zh: '为授权测试小程序上传代码包', en: 'A code package uploaded for an authorized test mini-program (package/upload or the developer tool)' }, requirement: 'reference §7.1.3 开发管理权限, §3.5' },
  { id: 'dev.submit-audit', permissionSet: 'development', kind: 'baidu',
    title: { zh: '提交代码包审核', en: 'package/submitaudit succeeded' }, requirement: 'reference §7.1.3 开发管理权限, §3.6' },
  { id: 'dev.audit-quota-read', permissionSet: 'development', kind: 'extended',
    title: { zh: '提审前查询提审额度', en: 'Audit quota read before submitting' }, requirement: 'reference §3.7; field notes pain 18' },
  { id: 'dev.package-state-followed', permissionSet: 'development', kind: 'extended',
    title: { zh: '跟踪代码包上传状态', en: 'package/get followed until the upload finished (not guessed)' }, requirement: 'reference §3.5, §3.11' },
  { id: 'dev.audit-push-ack', permissionSet: 'development', kind: 'extended',
    title: { zh: '审核结果推送应答success', en: 'PACKAGE_AUDIT_PASS/FAIL push acknowledged with "success"' }, requirement: 'reference §2.6, §3.6' },
  { id: 'dev.release-after-audit', permissionSet: 'development', kind: 'extended',
    title: { zh: '审核通过后发布', en: 'Released only after the audit passed' }, requirement: 'reference §3.9' },
  { id: 'dev.withdraw-audit', permissionSet: 'development', kind: 'extended',
    title: { zh: '撤回审核', en: 'A submission under review can be withdrawn' }, requirement: 'reference §3.8' },
  { id: 'dev.rollback', permissionSet: 'development', kind: 'extended',
    title: { zh: '回滚到上一版本', en: 'A release can be rolled back to the previous version' }, requirement: 'reference §3.10' },

  // 客服能力权限 — Baidu sends the echoStr handshake to the 消息与事件接收URL (§7.1.3, §2.7).
  { id: 'cs.echostr-handshake', permissionSet: 'customer-service', kind: 'baidu',
    title: { zh: '消息与事件接收URL校验（echoStr）', en: 'echoStr handshake answered with exactly echoStr' }, requirement: 'reference §7.1.3 客服能力权限, §2.7' },
  { id: 'cs.echostr-bad-signature', permissionSet: 'customer-service', kind: 'extended',
    title: { zh: '签名错误的echoStr不回显', en: 'An echoStr with a bad signature is not echoed' }, requirement: 'reference §2.7; field notes pain 11' },

  // 支付服务权限 — Baidu checks that the three onboarding calls have ever succeeded (§7.1.3).
  { id: 'pay.account-create', permissionSet: 'payment', kind: 'baidu',
    title: { zh: '开通支付账号', en: 'pay/account/create succeeded' }, requirement: 'reference §7.1.3 支付服务权限, §5.4.2' },
  { id: 'pay.develop-config', permissionSet: 'payment', kind: 'baidu',
    title: { zh: '提交支付开发配置', en: 'pay/developconfig/submit succeeded' }, requirement: 'reference §7.1.3 支付服务权限, §5.4.4' },
  { id: 'pay.payment-service', permissionSet: 'payment', kind: 'baidu',
    title: { zh: '创建并绑定支付服务', en: 'pay/paymentservice/create succeeded' }, requirement: 'reference §7.1.3 支付服务权限, §5.4.5' },
  { id: 'pay.pushes-ack', permissionSet: 'payment', kind: 'extended',
    title: { zh: '支付结果推送应答success', en: 'Payment onboarding pushes acknowledged with "success"' }, requirement: 'reference §2.6' },

  // 基本信息设置权限 — not detected by Baidu; our checks of the operations calls a TP makes with it.
  { id: 'info.domains', permissionSet: 'basic-info', kind: 'extended',
    title: { zh: '通过第三方平台域名池设置小程序域名', en: 'Server and webview domains set through the TP pool' }, requirement: 'reference §4.1' },
  { id: 'info.icon-via-upload', permissionSet: 'basic-info', kind: 'extended',
    title: { zh: '使用上传图片修改头像', en: 'Icon changed with an uploaded image' }, requirement: 'reference §4.2, §4.4.3' },
];

export function checkDef(id: string): CheckDef {
  const c = CHECKS.find((x) => x.id === id);
  if (!c) throw new Error(`unknown check ${id}`);
  return c;
}

/**
 * What a check test attaches as `check-result` (application/json). The reporter reads it; a test without it is a
 * harness step, not a check.
 */
export interface CheckAttachment {
  checkId: string;
  /** Set only when the check itself decided a status other than the test outcome (WARNING, WAITING, SKIPPED). */
  status?: CheckStatus;
  reason?: string;
  evidence: { label: string; data: unknown }[];
  /** Commands a reviewer can run to reproduce what the check saw. */
  reproduce: string[];
}

/**
 * A check that waits on a Baidu rule fails its Playwright test with this prefix, so CI dashboards agree with the
 * verdict; the report model reads the status from the attachment and drops this error from the reason.
 */
export const WAITING_PREFIX = 'WAITING: ';

/**
 * Whether a check's status keeps the verdict at "not ready": anything but PASSED or WARNING from one of Baidu's rules,
 * or from any check under PREFLIGHT_STRICT. Ours (extended, probes) otherwise only warn. The one rule the report
 * model (whose onlyWarns adds that a check left out of the run holds the verdict too), junit.xml and the check
 * fixture share.
 */
export function holdsVerdict(kind: CheckKind, status: CheckStatus, strict: boolean): boolean {
  return status !== 'PASSED' && status !== 'WARNING' && (kind === 'baidu' || strict);
}
