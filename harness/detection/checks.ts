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
    title: { zh: '从授权发起页进入授权页（Referer）', en: 'Authorization page reached from the 授权发起页 with the right Referer' }, requirement: 'reference §1, §1.3 (50006, 40002)' },
  { id: 'auth.scan-authorization', permissionSet: AUTHORIZATION_STAGE.slug, kind: 'baidu',
    title: { zh: '扫码授权', en: 'Scan authorization: QR decoded and confirmed on a phone' }, requirement: 'reference §1.3' },
  { id: 'auth.callback-received', permissionSet: AUTHORIZATION_STAGE.slug, kind: 'baidu',
    title: { zh: '授权回调', en: 'Authorization callback received by the TP' }, requirement: 'reference §1.4' },
  { id: 'auth.code-exchanged', permissionSet: AUTHORIZATION_STAGE.slug, kind: 'baidu',
    title: { zh: '授权码换取小程序接口调用凭据', en: 'Authorization code exchanged within the budget' }, requirement: 'reference §1.5' },
  { id: 'auth.authorized-push-ack', permissionSet: AUTHORIZATION_STAGE.slug, kind: 'baidu',
    title: { zh: 'AUTHORIZED推送应答success', en: 'AUTHORIZED push acknowledged with "success"' }, requirement: 'reference §2.6' },
  { id: 'auth.app-info-read', permissionSet: AUTHORIZATION_STAGE.slug, kind: 'baidu',
    title: { zh: '获取小程序基础信息（授权权限集）', en: 'app/info read with the authorizer token' }, requirement: 'reference §1.7' },
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
