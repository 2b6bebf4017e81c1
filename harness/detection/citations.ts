// What the checks, their reasons and the README cite: "reference §N", the sections of the project's Baidu TP API
// reference (compiled from Baidu's official Go and Java SDKs and the smartprogram.baidu.com docs), and "field notes
// pain N", the pains of TP developers the project's research collected. Neither ships with the tool, so a report's
// reader gets each one's topic — a section's in Baidu's own words, with Baidu's page where the reference names one.
// README's "Where the rules come from" lists the same tables (test/citations.spec.ts keeps them equal).

export interface ReferenceSection {
  /** Baidu's own title where it has one (what to search for on smartprogram.baidu.com). */
  zh: string;
  en: string;
  /** Baidu's documentation page for it, as the reference cites it. */
  doc?: string;
}

const DOCS = 'https://smartprogram.baidu.com/docs/third';

export const REFERENCE_SECTIONS: Readonly<Record<string, ReferenceSection>> = {
  '0.2': { zh: '通用约定（响应格式、网关错误）', en: 'conventions: response envelopes, gateway errors' },
  '1': { zh: '授权流程', en: 'the authorization flow' },
  '1.1': { zh: '获取第三方平台access_token', en: 'get the TP access token (with the ticket)', doc: `${DOCS}/auth/access_token/` },
  '1.3': { zh: '授权页', en: 'the authorization page and its errors' },
  '1.4': { zh: '授权回调', en: 'the authorization callback (redirect_uri)' },
  '1.5': { zh: '使用授权码换取小程序的接口调用凭据', en: 'exchange the authorization code for the authorizer token', doc: `${DOCS}/auth/get_auth_info/` },
  '1.6': { zh: '刷新授权小程序的接口调用凭据', en: 'refresh the authorizer token (refresh tokens are single use)', doc: `${DOCS}/auth/refresh_token/` },
  '1.7': { zh: '获取小程序基础信息', en: 'app/info: the app and the permission sets it granted', doc: `${DOCS}/auth/app_info/` },
  '2': { zh: '消息推送与加解密', en: 'pushes and their encryption' },
  '2.1': { zh: '推送地址与应答（success）', en: 'where pushes go; the reply is exactly "success"' },
  '2.3': { zh: '消息签名（MsgSignature）', en: 'the push signature (MsgSignature)', doc: `${DOCS}/push/encryption/` },
  '2.4': { zh: '消息加解密方式', en: 'the encryption scheme (AES-256-CBC, the identifier after the message)', doc: `${DOCS}/push/encryption/` },
  '2.5': { zh: '推送ticket协议', en: 'the ticket push, every 10 minutes' },
  '2.6': { zh: '授权事件推送（AUTHORIZED等）', en: 'event pushes: AUTHORIZED, UPDATE_AUTHORIZED, UNAUTHORIZED, audit and payment results' },
  '2.7': { zh: '消息与事件接收URL校验（echoStr）', en: 'the echoStr check of the 消息与事件接收URL' },
  '3': { zh: '代开发（代码管理）', en: 'code development' },
  '3.5': { zh: '上传代码包', en: 'package/upload', doc: `${DOCS}/package/upload/` },
  '3.6': { zh: '提交审核', en: 'package/submitaudit', doc: `${DOCS}/package/submitaudit/` },
  '3.7': { zh: '提审额度', en: 'package/auditquota', doc: `${DOCS}/package/auditquota/` },
  '3.8': { zh: '撤回审核', en: 'package/withdraw', doc: `${DOCS}/package/withdraw/` },
  '3.9': { zh: '发布', en: 'package/release', doc: `${DOCS}/package/release/` },
  '3.10': { zh: '回滚', en: 'package/rollback', doc: `${DOCS}/package/rollback/` },
  '3.11': { zh: '获取小程序包列表', en: 'package/get: the packages and their states', doc: `${DOCS}/package/get/` },
  '4.1': { zh: '服务器域名与业务域名', en: 'server and webview domains' },
  '4.2': { zh: '图片上传', en: 'upload/image (other image URLs are refused: 47008, in the payment APIs 60011)' },
  '4.4.3': { zh: '修改小程序头像', en: 'modify the icon' },
  '4.11': { zh: '数据分析（数据权限）', en: 'data analysis (数据权限): dates written yyyyMMdd, pages of 20 from start_index' },
  '5.4.2': { zh: '开通支付账号', en: 'pay/account/create' },
  '5.4.4': { zh: '提交开发配置', en: 'pay/developconfig/submit' },
  '5.4.5': { zh: '创建并绑定支付服务', en: 'pay/paymentservice/create, after the account and the developer configuration (60013, 60014)' },
  '7': { zh: '第三方平台发布检测（全网发布）', en: "Baidu's publication detection", doc: `${DOCS}/publication/` },
  '7.1.1': { zh: '全网发布：自动化检测后人工审核基本信息', en: 'after the automated detection, a manual review of the basic information', doc: `${DOCS}/publication/` },
  '7.1.2': { zh: '全网发布前：真实性认证、授权测试名单', en: 'before 全网发布: authenticity certification, the authorization test list', doc: `${DOCS}/create/` },
  '7.1.3': { zh: '各权限集的检测项', en: 'what is detected per permission set', doc: `${DOCS}/publication/` },
  '7.1.4': { zh: '需自动化检测的权限集（仅三项）', en: 'only three permission sets are detected', doc: `${DOCS}/publication/` },
  '7.3': { zh: '权限集名称', en: 'permission-set names' },
};

/** Section ids in the reference's own order (1.10 after 1.9). */
export function sectionIds(): string[] {
  const parts = (id: string) => id.split('.').map(Number);
  return Object.keys(REFERENCE_SECTIONS).sort((a, b) => {
    const [x, y] = [parts(a), parts(b)];
    for (let i = 0; i < Math.max(x.length, y.length); i++) if ((x[i] ?? -1) !== (y[i] ?? -1)) return (x[i] ?? -1) - (y[i] ?? -1);
    return 0;
  });
}

/**
 * The sections a text cites, in order, each once; unknown ones left out. A range names both ends: "§1.5–1.6", and
 * "§7.1.1–2" for 7.1.1 and 7.1.2 (the end replaces as many trailing numbers as it has).
 */
export function citedSections(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/§(\d+(?:\.\d+)*)(?:–(\d+(?:\.\d+)*))?/g)) {
    const start = m[1]!;
    const ids = [start];
    if (m[2]) {
      const head = start.split('.');
      const tail = m[2].split('.');
      ids.push([...head.slice(0, Math.max(0, head.length - tail.length)), ...tail].join('.'));
    }
    for (const id of ids) if (REFERENCE_SECTIONS[id] && !out.includes(id)) out.push(id);
  }
  return out;
}

/** The pains of TP developers (field notes §c) the probes and extended checks cite. */
export const FIELD_NOTE_PAINS: Readonly<Record<string, { zh: string; en: string }>> = {
  '5': { zh: '重新授权后仍用旧凭据', en: 'stale authorizer tokens after a re-authorization (the cached token no longer works)' },
  '8': { zh: 'ticket推送间隔、进程重启与多实例部署（重启后要等下一个ticket）', en: 'ticket cadence, restarts and distributed deployments (after a restart, waiting for the next ticket)' },
  '10': { zh: 'refresh_token单次有效且须持久保存；并发刷新互相覆盖', en: 'single-use refresh tokens that must be persisted; concurrent refreshes spend one twice' },
  '11': { zh: '验签与解密错误；部分社区库跳过验签', en: 'signature and decryption errors; community libraries that skip verification' },
  '16': { zh: '检测期间平台侧错误（系统繁忙）', en: 'platform-side errors during detection (system busy)' },
  '18': { zh: '提审额度有限', en: 'the audit quota is scarce (package/auditquota)' },
  '19': { zh: '框架限制（回调路由的CSRF）；同权限集重新授权不推送事件', en: 'framework friction (CSRF on callback routes); a re-authorization with the same sets pushes no event' },
};

/** The pains a text cites ("pain 11", "pains 5, 19"), in order, each once; unknown ones left out. */
export function citedPains(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/pains? (\d+(?:, \d+)*)/g)) {
    for (const id of m[1]!.split(', ')) if (FIELD_NOTE_PAINS[id] && !out.includes(id)) out.push(id);
  }
  return out;
}
