// Baidu's documented error codes (reference §0.2 gateway list, §6 errno list). One table: the emulator answers with
// these, the client names them, and the report explains them to a TP developer.

/** Business errors (`errno` in the W envelope). */
export const ERRNO: Record<number, { msg: string; hint: string }> = {
  2002: { msg: '参数不合法', hint: 'a parameter is invalid' },
  2003: { msg: '模板超过限额，无法添加', hint: 'the template library is full (50)' },
  6001: { msg: '无权限', hint: 'no permission for this API' },
  40001: { msg: '参数错误', hint: 'a required parameter is missing or malformed' },
  40002: { msg: '回跳地址不在预设域下', hint: 'redirect_uri is not under the 授权发起页域名' },
  40004: { msg: '该授权页面因过度访问暂时被封禁', hint: 'the authorization page was opened too often' },
  40006: { msg: '文件过大', hint: 'the request body or file is too large' },
  40007: { msg: '第三方平台没有该权限', hint: 'the TP did not select the permission set this API needs' },
  40010: { msg: 'uuid错误，请刷新二维码', hint: 'the QR session expired; reload the authorization page' },
  40016: { msg: '模版描述非法', hint: 'user_desc is not a valid template description (≤ 30 characters)' },
  40008: { msg: 'IP不在白名单', hint: "the caller's IP is not in the TP's 白名单IP地址列表" },
  // reference §6 gives these in English only; the Chinese words are ours.
  44002: { msg: 'token已被撤销', hint: 'the access token was revoked (a re-authorization or a refresh replaced it)' },
  44003: { msg: 'token已过期', hint: 'the access token expired (authorizer tokens last an hour)' },
  44004: { msg: 'token验证失败', hint: 'the access token failed authentication' },
  45000: { msg: '小程序不存在', hint: 'no such mini program' },
  45001: { msg: '没有该小程序的权限', hint: 'the mini program did not grant the permission set this API needs' },
  45002: { msg: '授权错误', hint: 'authorization error' },
  47000: { msg: '图片格式不合法', hint: 'image format not allowed (bmp/jpeg/jpg/png)' },
  47002: { msg: '获取二维码失败', hint: 'QR code generation failed' },
  47003: { msg: '图片大小超过限制', hint: 'the image is too large' },
  47008: { msg: '图片来源非法', hint: 'image URLs must come from upload/image' },
  50002: { msg: 'client_id不存在', hint: 'client_id is not a registered TP Key' },
  50003: { msg: 'ticket无效', hint: 'the ticket is unknown, forged or expired — use the newest pushed ticket' },
  50006: { msg: '请在授权发起请求的Header增加Referer属性', hint: 'the authorization page must be opened from a page on the 授权发起页域名 (Referer)' },
  50007: { msg: '没有可授权的小程序', hint: 'the mini program is not on the 授权测试名单 (before 全网发布 only listed apps may authorize)' },
  50032: { msg: '没有授权关系，请检查', hint: 'the app has not authorized this TP' },
  50042: { msg: '删除的域名在第三方平台中没有设置过', hint: 'the domain is not set at TP level' },
  50043: { msg: '请在业务域名根目录下添加检验文件', hint: 'the verification file is missing at the domain root' },
  50053: { msg: '当前第三方平台缺少以下权限：', hint: 'the TP lacks a permission set' },
  60001: { msg: '支付参数错误', hint: 'payment parameter error' },
  61000: { msg: '全网发布权限检测未通过', hint: 'publication detection failed' },
  61001: { msg: '当前权限检测未通过', hint: 'detection of this permission set failed' },
  69001: { msg: '小程序名称审核未通过，无法提交代码包审核', hint: 'the app name must pass audit first' },
  69002: { msg: '小程序类目审核未通过，无法提交代码包审核', hint: 'the category must pass audit first' },
  69003: { msg: '小程序名称和类目审核未通过', hint: 'name and category must pass audit first' },
  69004: { msg: 'EXT_JSON字段包含无法解析字符', hint: 'ext_json is not valid JSON' },
  69005: { msg: '代码包不存在', hint: 'no such package' },
  69008: { msg: '源模板不存在', hint: 'the template does not exist' },
  69009: { msg: '提包服务暂时不可用', hint: 'package service unavailable, retry later' },
  69010: { msg: '模板文件解析出错', hint: 'the template could not be parsed' },
  69011: { msg: '审核服务暂时不可用', hint: 'audit service unavailable' },
  69012: { msg: '发布服务暂时不可用', hint: 'release service unavailable (or the package has not passed audit)' },
  69013: { msg: '送审额度已超出当前周期限制', hint: 'the weekly audit quota is used up (read package/auditquota first)' },
  470013: { msg: '至少需要设置一种域名', hint: 'at least one domain type is required' },
  470014: { msg: '域名格式不合法', hint: 'only http://, https://, wss:// domains are allowed' },
  470015: { msg: '域名不能为空', hint: 'empty domain' },
  470016: { msg: '域名不在第三方平台设置的域名中', hint: 'set the domain at TP level (tp/modifydomain) first' },
  470017: { msg: '删除的域名不存在', hint: 'the domain to delete is not set on the app' },
  470018: { msg: '二维码宽度超出范围', hint: 'width must be 200–1280' },
  470019: { msg: 'package_id不是审核、开发或线上版本', hint: 'package_id must be an audit, development or online package' },
  470020: { msg: '没有线上版本，请传入package_id', hint: 'no online version: pass package_id' },
};

/** Gateway errors (`error_code` / `error_msg`, the G envelope), answered by openapi.baidu.com's front door. */
export const GATEWAY: Record<number, string> = {
  1: 'Unknown error',
  2: 'Service temporarily unavailable',
  3: 'Unsupported openapi method',
  4: 'Open api request limit reached',
  5: 'Unauthorized client IP address',
  6: 'No permission to access data',
  100: 'Invalid parameter',
  110: 'Access token invalid or no longer valid',
  111: 'Access token expired',
};

/** The W errnos that refuse a call for its access token (reference §6: revoked, expired, failed authentication). */
export const TOKEN_ERRNOS: ReadonlySet<number> = new Set([44002, 44003, 44004]);

/** The gateway errors that refuse a call for its access token (invalid, expired): a new token and one more try mend it. */
export function tokenRefused(errorCode: unknown): boolean {
  return errorCode === 110 || errorCode === 111;
}

/** OAuth errors (the R envelope `{error, error_description}`): RFC 6749's names, which Baidu's OAuth endpoints use. */
export const OAUTH_ERROR_NAMES = ['invalid_request', 'invalid_client', 'invalid_grant', 'unauthorized_client', 'unsupported_grant_type', 'invalid_scope', 'access_denied'] as const;
export type OAuthErrorName = typeof OAUTH_ERROR_NAMES[number];

export function explainErrno(errno: number): string {
  const e = ERRNO[errno];
  return e ? `${errno} ${e.msg} (${e.hint})` : `${errno}`;
}
