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
  /** What a TP does to pass it, in one sentence each language: shown beside a reason, which says what happened. */
  expects?: { zh: string; en: string };
}

export const CHECKS: readonly CheckDef[] = [
  { id: 'auth.ticket-ack', permissionSet: AUTHORIZATION_STAGE.slug, kind: 'baidu',
    title: { zh: 'ticket推送应答success', en: 'Ticket push acknowledged with exactly "success" within the budget' }, requirement: 'reference §2.5, §2.1',
    expects: { zh: '授权事件接收URL收到ticket推送后，在时限内（PREFLIGHT_PUSH_BUDGET_MS，默认2秒）以HTTP 200返回success，且只返回success', en: 'The 授权事件接收URL answers each ticket push with HTTP 200 and exactly success, within the budget (PREFLIGHT_PUSH_BUDGET_MS, 2 s by default)' } },
  { id: 'auth.tp-token-newest-ticket', permissionSet: AUTHORIZATION_STAGE.slug, kind: 'baidu',
    title: { zh: '使用最新ticket获取第三方平台access_token', en: 'TP token requested with the newest ticket' }, requirement: 'reference §1.1, §2.5',
    expects: { zh: '获取第三方平台access_token时使用最近一次推送的ticket', en: 'tp/token is called with the ticket of the latest push, not an older one' } },
  { id: 'auth.start-page-referer', permissionSet: AUTHORIZATION_STAGE.slug, kind: 'baidu',
    title: { zh: '从授权发起页进入授权页（Referer）', en: 'Authorization page reached from the 授权发起页 with the right Referer' }, requirement: 'reference §1, §1.3 (50006)',
    expects: { zh: '从授权发起页域名下的页面打开百度授权页，并带上该页面的Referer（不要设置no-referrer）', en: 'Baidu\'s authorization page is opened from a page under the 授权发起页域名, with that page as its Referer (no Referrer-Policy: no-referrer)' } },
  { id: 'auth.scan-authorization', permissionSet: AUTHORIZATION_STAGE.slug, kind: 'baidu',
    title: { zh: '扫码授权', en: 'Scan authorization: QR decoded and confirmed on a phone' }, requirement: 'reference §1.3 (40001, 40002, 50002)',
    expects: { zh: '授权链接参数有效（client_id、未使用过的pre_auth_code、授权发起页域名下的redirect_uri），管理员扫码确认即可完成授权', en: 'The authorization link is valid (the client_id, an unused pre_auth_code, a redirect_uri under the 授权发起页域名), so the admin\'s scan completes' } },
  { id: 'auth.callback-received', permissionSet: AUTHORIZATION_STAGE.slug, kind: 'baidu',
    title: { zh: '授权回调', en: 'Authorization callback received by the TP' }, requirement: 'reference §1.4',
    expects: { zh: 'redirect_uri收到带authorization_code的回调，并正常响应（不返回错误页）', en: 'The redirect_uri receives the authorization_code and answers without an error page' } },
  { id: 'auth.code-exchanged', permissionSet: AUTHORIZATION_STAGE.slug, kind: 'baidu',
    title: { zh: '授权码换取小程序接口调用凭据', en: 'Authorization code exchanged within the budget' }, requirement: 'reference §1.5',
    expects: { zh: '收到授权码后及时（PREFLIGHT_EXCHANGE_BUDGET_MS内）用oauth/token换取小程序接口调用凭据', en: 'The authorization code is exchanged for the authorizer token (oauth/token) soon after it arrives, within PREFLIGHT_EXCHANGE_BUDGET_MS' } },
  { id: 'auth.authorized-push-ack', permissionSet: AUTHORIZATION_STAGE.slug, kind: 'baidu',
    title: { zh: 'AUTHORIZED推送应答success', en: 'AUTHORIZED push acknowledged with "success"' }, requirement: 'reference §2.6',
    expects: { zh: 'AUTHORIZED推送同样以success应答', en: 'The AUTHORIZED push is answered with exactly success too' } },
  { id: 'auth.app-info-read', permissionSet: AUTHORIZATION_STAGE.slug, kind: 'baidu',
    title: { zh: '获取小程序基础信息（授权权限集）', en: 'app/info read with the authorizer token' }, requirement: 'reference §1.7',
    expects: { zh: '用授权小程序的access_token成功调用app/info，得知小程序授权了哪些权限集', en: 'app/info is called with the authorizer token and succeeds: it says which permission sets the app granted' } },

  // Probes beyond Baidu's detection (issue 4): faults Baidu can produce and pains TP developers hit (field notes §c).
  { id: 'probe.forged-push-ignored', permissionSet: AUTHORIZATION_STAGE.slug, kind: 'probe',
    title: { zh: '伪造签名的推送不被采纳', en: 'A push with a forged MsgSignature is not adopted' }, requirement: 'reference §2.3; field notes pain 11',
    expects: { zh: '先验证MsgSignature再采纳推送；签名错误的推送不能改变ticket等任何状态', en: 'MsgSignature is verified before a push is trusted: a push with a wrong signature changes nothing (no ticket adopted)' } },
  { id: 'probe.push-identifier-tolerant', permissionSet: AUTHORIZATION_STAGE.slug, kind: 'probe',
    title: { zh: '推送尾部标识为另一身份（tpAppId或client_id）时仍被采纳', en: 'A push sealed with the TP\'s other identity (tpAppId or client_id) after the message is adopted' }, requirement: 'reference §2.4 (identifier UNKNOWN); field notes pain 11',
    expects: { zh: '解密时不依赖消息末尾的标识（百度未说明是client_id还是tpAppId）', en: 'Decryption does not depend on the identifier after the message (Baidu does not say whether it is the client_id or the tpAppId)' } },
  { id: 'probe.replayed-push-idempotent', permissionSet: AUTHORIZATION_STAGE.slug, kind: 'probe',
    title: { zh: '重放的推送不被重复处理', en: 'A replayed push is acknowledged but not acted on twice' }, requirement: 'reference §2.1 (Baidu retries); field notes §d',
    expects: { zh: '百度会重试推送：重复的推送以success应答，但不重复处理（例如不再次换取授权码）', en: 'Baidu retries pushes: a repeated push is answered with success but not acted on again (no second code exchange)' } },
  { id: 'probe.transient-error-retried', permissionSet: AUTHORIZATION_STAGE.slug, kind: 'probe',
    title: { zh: '百度暂时不可用（网关错误2）时重试读取', en: 'A read refused by a transient Baidu error (gateway error 2) is tried again' }, requirement: 'reference §0.2 (gateway error 2); field notes pain 16',
    expects: { zh: '读取类接口遇到暂时性错误（网关错误2、4，errno 500/501/5000）时稍后重试', en: 'A read refused with a transient error (gateway 2 or 4, errno 500, 501 or 5000) is tried again after a short pause' } },
  { id: 'probe.refresh-single-flight', permissionSet: AUTHORIZATION_STAGE.slug, kind: 'probe',
    title: { zh: '凭据提前失效时只刷新一次', en: 'An early-expired authorizer token is refreshed once, never with a spent refresh token' }, requirement: 'reference §1.6; field notes pain 10',
    expects: { zh: 'refresh_token只能使用一次：并发请求共享同一次刷新，并立即保存新的refresh_token', en: 'Refresh tokens are single use: concurrent uses share one refresh, and the new refresh token is kept at once' } },
  { id: 'probe.reauthorization', permissionSet: AUTHORIZATION_STAGE.slug, kind: 'probe',
    title: { zh: '重新授权后不再使用旧凭据', en: 'After UPDATE_AUTHORIZED the TP stops using the stale token' }, requirement: 'reference §2.6; field notes pain 5',
    expects: { zh: '收到UPDATE_AUTHORIZED后换取新的凭据，不再使用旧的access_token', en: 'After UPDATE_AUTHORIZED the new code is exchanged and the old authorizer token is no longer used' } },
  { id: 'probe.silent-reauthorization', permissionSet: AUTHORIZATION_STAGE.slug, kind: 'probe',
    title: { zh: '无推送的重新授权：使用回调中的授权码', en: 'A re-authorization that pushes nothing: the code from the callback is exchanged' }, requirement: 'reference §1.4, §2.6; field notes pains 5, 19',
    expects: { zh: '权限集不变的重新授权不会推送事件：回调带来的授权码同样需要换取', en: 'A re-authorization with unchanged sets pushes nothing: the code the callback brings must be exchanged too' } },
  { id: 'probe.restart-keeps-credentials', permissionSet: AUTHORIZATION_STAGE.slug, kind: 'probe',
    title: { zh: '重启后无需等待新ticket即可调用百度（凭据已持久化）', en: 'After a restart the TP calls Baidu without waiting for a new ticket (its credentials were persisted)' },
    requirement: 'reference §2.5 (a ticket every 10 minutes), §1.6 (refresh tokens single use); field notes pains 8, 10',
    expects: { zh: '最新的ticket（或TP的access_token）和各小程序的refresh_token保存在进程之外（数据库、缓存服务），重启后仍可调用接口', en: 'The newest ticket (or the TP token) and each app\'s refresh token live outside the process (a database, a cache service): after a restart the TP still calls Baidu' } },
  { id: 'probe.unauthorized-ack', permissionSet: AUTHORIZATION_STAGE.slug, kind: 'probe',
    title: { zh: 'UNAUTHORIZED推送应答success', en: 'UNAUTHORIZED push acknowledged with "success"' }, requirement: 'reference §2.6',
    expects: { zh: 'UNAUTHORIZED推送以success应答', en: 'The UNAUTHORIZED push is answered with exactly success' } },

  // 开发管理权限 — Baidu checks that a package was uploaded (package/upload or the developer tool) and package/submitaudit
  // has ever succeeded (§7.1.3).
  { id: 'dev.package-upload', permissionSet: 'development', kind: 'baidu',
    title: { zh: '为授权测试小程序上传代码包', en: 'A code package uploaded for an authorized test mini-program (package/upload or the developer tool)' }, requirement: 'reference §7.1.3 开发管理权限, §3.5',
    expects: { zh: '为授权测试名单中的小程序成功上传过代码包（用模板调用package/upload，或用开发者工具定制开发）', en: 'A code package has been uploaded for an app on the 授权测试名单 (package/upload from a template, or the developer tool)' } },
  { id: 'dev.submit-audit', permissionSet: 'development', kind: 'baidu',
    title: { zh: '提交代码包审核', en: 'package/submitaudit succeeded' }, requirement: 'reference §7.1.3 开发管理权限, §3.6',
    expects: { zh: '为该小程序成功调用过package/submitaudit提交审核', en: 'package/submitaudit has succeeded for that app' } },
  { id: 'dev.audit-quota-read', permissionSet: 'development', kind: 'extended',
    title: { zh: '提审前查询提审额度', en: 'Audit quota read before submitting' }, requirement: 'reference §3.7; field notes pain 18',
    expects: { zh: '提审前调用package/auditquota查询提审额度', en: 'package/auditquota is read before submitting' } },
  { id: 'dev.package-state-followed', permissionSet: 'development', kind: 'extended',
    title: { zh: '跟踪代码包上传状态', en: 'package/get followed until the upload finished (not guessed)' }, requirement: 'reference §3.5, §3.11',
    expects: { zh: '上传后用package/get跟踪上传状态，上传完成后再提审', en: 'After uploading, package/get is followed until the upload finished, before submitting' } },
  { id: 'dev.audit-push-ack', permissionSet: 'development', kind: 'extended',
    title: { zh: '审核结果推送应答success', en: 'PACKAGE_AUDIT_PASS/FAIL push acknowledged with "success"' }, requirement: 'reference §2.6, §3.6',
    expects: { zh: '审核结果推送（PACKAGE_AUDIT_PASS/FAIL）以success应答', en: 'The audit result push (PACKAGE_AUDIT_PASS/FAIL) is answered with exactly success' } },
  { id: 'dev.release-after-audit', permissionSet: 'development', kind: 'extended',
    title: { zh: '审核通过后发布', en: 'Released only after the audit passed' }, requirement: 'reference §3.9',
    expects: { zh: '审核通过后才调用package/release发布', en: 'package/release is called only after the audit passed' } },
  { id: 'dev.withdraw-audit', permissionSet: 'development', kind: 'extended',
    title: { zh: '撤回审核', en: 'A submission under review can be withdrawn' }, requirement: 'reference §3.8',
    expects: { zh: '能用package/withdraw撤回审核中的版本（可选的hook动作）', en: 'A submission under review can be withdrawn with package/withdraw (an optional hook action)' } },
  { id: 'dev.rollback', permissionSet: 'development', kind: 'extended',
    title: { zh: '回滚到上一版本', en: 'A release can be rolled back to the previous version' }, requirement: 'reference §3.10',
    expects: { zh: '能用package/rollback回滚到上一版本（可选的hook动作）', en: 'A release can be rolled back with package/rollback (an optional hook action)' } },

  // 客服能力权限 — Baidu sends the echoStr handshake to the 消息与事件接收URL (§7.1.3, §2.7).
  { id: 'cs.echostr-handshake', permissionSet: 'customer-service', kind: 'baidu',
    title: { zh: '消息与事件接收URL校验（echoStr）', en: 'echoStr handshake answered with exactly echoStr' }, requirement: 'reference §7.1.3 客服能力权限, §2.7',
    expects: { zh: '消息与事件接收URL校验signature后原样返回echoStr（不加引号、换行或JSON）', en: 'The 消息与事件接收URL checks the signature and answers with echoStr exactly (no quotes, newline or JSON)' } },
  { id: 'cs.echostr-bad-signature', permissionSet: 'customer-service', kind: 'extended',
    title: { zh: '签名错误的echoStr不回显', en: 'An echoStr with a bad signature is not echoed' }, requirement: 'reference §2.7; field notes pain 11',
    expects: { zh: 'signature不正确时不回显echoStr', en: 'An echoStr with a wrong signature is not echoed' } },

  // 支付服务权限 — Baidu checks that the three onboarding calls have ever succeeded (§7.1.3).
  { id: 'pay.account-create', permissionSet: 'payment', kind: 'baidu',
    title: { zh: '开通支付账号', en: 'pay/account/create succeeded' }, requirement: 'reference §7.1.3 支付服务权限, §5.4.2',
    expects: { zh: '为该小程序成功调用过pay/account/create开通支付账号', en: 'pay/account/create has succeeded for the app' } },
  { id: 'pay.develop-config', permissionSet: 'payment', kind: 'baidu',
    title: { zh: '提交支付开发配置', en: 'pay/developconfig/submit succeeded' }, requirement: 'reference §7.1.3 支付服务权限, §5.4.4',
    expects: { zh: '成功调用过pay/developconfig/submit提交开发配置', en: 'pay/developconfig/submit has succeeded for the app' } },
  { id: 'pay.payment-service', permissionSet: 'payment', kind: 'baidu',
    title: { zh: '创建并绑定支付服务', en: 'pay/paymentservice/create succeeded' }, requirement: 'reference §7.1.3 支付服务权限, §5.4.5',
    expects: { zh: '成功调用过pay/paymentservice/create创建并绑定支付服务', en: 'pay/paymentservice/create has succeeded for the app' } },
  { id: 'pay.pushes-ack', permissionSet: 'payment', kind: 'extended',
    title: { zh: '支付结果推送应答success', en: 'Payment onboarding pushes acknowledged with "success"' }, requirement: 'reference §2.6',
    expects: { zh: '支付开通相关推送以success应答', en: 'The payment onboarding pushes are answered with exactly success' } },

  // 基本信息设置权限 — not detected by Baidu; our checks of the operations calls a TP makes with it.
  { id: 'info.domains', permissionSet: 'basic-info', kind: 'extended',
    title: { zh: '通过第三方平台域名池设置小程序域名', en: 'Server and webview domains set through the TP pool' }, requirement: 'reference §4.1',
    expects: { zh: '通过第三方平台域名池为小程序设置服务器域名和业务域名', en: 'The app\'s server and webview domains are set through the TP\'s domain pool' } },
  { id: 'info.icon-via-upload', permissionSet: 'basic-info', kind: 'extended',
    title: { zh: '使用上传图片修改头像', en: 'Icon changed with an uploaded image' }, requirement: 'reference §4.2, §4.4.3',
    expects: { zh: '修改头像时使用upload/image上传得到的图片地址（其他地址会被47008拒绝）', en: 'The icon is changed with an image URL from upload/image (others are refused with 47008)' } },

  // 数据权限 — not detected by Baidu; our check that the TP can read what the set is for (§4.11).
  { id: 'data.analysis-read', permissionSet: 'data', kind: 'extended',
    title: { zh: '读取小程序数据分析', en: 'The app\'s data analysis read with the authorizer token' }, requirement: 'reference §4.11',
    expects: { zh: '用授权小程序的access_token成功调用过数据分析接口（如data/getanalysisusertrend），日期写作yyyyMMdd', en: 'A data-analysis read (e.g. data/getanalysisusertrend) has succeeded with the authorizer token, its dates written yyyyMMdd' } },
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

/** The annotation a setup step leaves when it passed without getting done what it was for (the report's step reason). */
export const STEP_NOTE_ANNOTATION = 'step-note';

/**
 * A check's reason as the error that fails its test: without a stack, because Playwright prints the source lines a
 * stack points at — the harness's, not the TP's — under every failed check, burying the reasons and the verdict. An
 * error that is a bug of the harness itself keeps its stack (a plain Error).
 */
export function reasonError(reason: string): CheckFailure {
  return new CheckFailure(reason);
}

/** What reasonError throws: a check's verdict on the TP, told apart from a skip or a harness error by who catches it. */
export class CheckFailure extends Error {
  constructor(reason: string) {
    super(reason);
    this.stack = `Error: ${reason}`;
  }
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
