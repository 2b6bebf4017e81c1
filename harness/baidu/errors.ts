// Baidu's documented error codes (reference §0.2 gateway list, §6 errno list). One table: the emulator answers with
// these, the client names them, and the report explains them to a TP developer. The Chinese messages are Baidu's own
// words (the Java SDK's SmartAppErrorCode, which reference §6 paraphrases); the hints are ours.

/** Business errors (`errno` in the W envelope). */
export const ERRNO: Record<number, { msg: string; hint: string }> = {
  2002: { msg: 'param invalid', hint: 'a parameter is invalid' },
  2003: { msg: '模板超过限额，无法添加', hint: 'the template library is full (50)' },
  6001: { msg: '无权限', hint: 'no permission for this API' },
  40001: { msg: '参数错误', hint: 'a required parameter is missing or malformed' },
  40002: { msg: '回跳地址不在预设域下', hint: 'redirect_uri is not under the 授权发起页域名' },
  40004: { msg: '该授权页面因过度访问暂时被封禁', hint: 'the authorization page was opened too often' },
  40006: { msg: '文件超过限定尺寸', hint: 'the request body or file is too large' },
  40007: { msg: '无此TP操作权限', hint: 'the TP did not select the permission set this API needs' },
  40010: { msg: 'uuid错误，重新刷新二维码', hint: 'the QR session expired; reload the authorization page' },
  40016: { msg: '模版描述非法，请参考官网参数规则', hint: 'user_desc is not a valid template description (≤ 30 characters)' },
  40008: { msg: 'IP不在白名单', hint: "the caller's IP is not in the TP's 白名单IP地址列表" },
  44002: { msg: 'TOKEN已注销', hint: 'the access token was revoked (a re-authorization or a refresh replaced it)' },
  44003: { msg: 'TOKEN已过期', hint: 'the access token expired (authorizer tokens last an hour)' },
  44004: { msg: 'TOKEN认证失败', hint: 'the access token failed authentication' },
  45000: { msg: '小程序不存在', hint: 'no such mini program' },
  45001: { msg: '无此小程序操作权限', hint: 'the mini program did not grant the permission set this API needs' },
  45002: { msg: '授权异常', hint: 'authorization error' },
  47000: { msg: '图片格式无效', hint: 'image format not allowed (bmp/jpeg/jpg/png)' },
  47002: { msg: '获取二维码失败', hint: 'QR code generation failed' },
  47003: { msg: '图片尺寸超过限制', hint: 'the image is too large' },
  47008: { msg: '图片来源非法', hint: 'image URLs must come from upload/image' },
  50002: { msg: 'client_id不存在', hint: 'client_id is not a registered TP Key' },
  50003: { msg: 'ticket无效', hint: 'the ticket is unknown, forged or expired — use the newest pushed ticket' },
  50006: { msg: '请在授权发起请求的Header增加Referer属性，表示来源', hint: 'the authorization page must be opened from a page on the 授权发起页域名 (Referer)' },
  50007: { msg: '没有小程序可用供授权', hint: 'the mini program is not on the 授权测试名单 (before 全网发布 only listed apps may authorize)' },
  50032: { msg: '没有授权关系，请检查', hint: 'the app has not authorized this TP' },
  50042: { msg: '删除的域名在第三方平台中没有设置过', hint: 'the domain is not set at TP level' },
  50043: { msg: '请在根目录下添加检验文件，以证明域名可控', hint: 'the verification file is missing at the domain root' },
  50053: { msg: '当前TP不包含以下权限:', hint: 'the TP lacks a permission set' },
  60000: { msg: '参数错误', hint: 'a payment parameter is invalid' },
  60001: { msg: '该账号已经绑定过了', hint: 'the account is already bound' },
  60005: { msg: '身份证号必须为18位', hint: 'legal_id must be an 18-character ID card number' },
  60011: { msg: '图片Url不是来自于我们的图片上传服务', hint: 'payment image URLs must come from upload/image' },
  60013: { msg: '支付账号不存在，请先创建支付账号', hint: 'create the payment account (pay/account/create) first' },
  60014: { msg: '开发者设置未提交，请先提交开发者设置', hint: 'submit the developer configuration (pay/developconfig/submit) first' },
  61000: { msg: '全网发布权限检测未通过', hint: 'publication detection failed' },
  61001: { msg: '当前权限检测未通过', hint: 'detection of this permission set failed' },
  69001: { msg: '小程序名称审核通过后，可以提交小程序代码审核', hint: 'the app name must pass audit first' },
  69002: { msg: '服务类目审核通过后，可以提交小程序代码包审核', hint: 'the category must pass audit first' },
  69003: { msg: '小程序名称和服务类目审核通过后，可以提交小程序代码包审核', hint: 'name and category must pass audit first' },
  69004: { msg: 'EXT_JSON字段包含无法解析字符', hint: 'ext_json is not valid JSON' },
  69005: { msg: '包不存在', hint: 'no such package' },
  69008: { msg: '源模板不存在,请检查输入', hint: 'the template does not exist' },
  69009: { msg: '提包服务暂时不可用，请稍后重试', hint: 'package service unavailable, retry later' },
  69010: { msg: '模板文件解析出错', hint: 'the template could not be parsed' },
  69011: { msg: '审核服务暂时不可用，请稍后重试', hint: 'audit service unavailable' },
  69012: { msg: '发布服务暂时不可用，请稍后重试', hint: 'release service unavailable (or the package has not passed audit)' },
  69013: { msg: '送审额度已超出当前周期限制', hint: 'the weekly audit quota is used up (read package/auditquota first)' },
  470013: { msg: '至少传递一个要被操作的服务域名类型', hint: 'at least one domain type is required' },
  470014: { msg: '域名格式非法，请检查格式，协议目前只支持http:// https:// wss://', hint: 'only http://, https://, wss:// domains are allowed' },
  470015: { msg: '域名不能为空', hint: 'empty domain' },
  470016: { msg: '请求保存的域名不是第三方平台中已设置的小程序域名或子域名', hint: 'set the domain at TP level (tp/modifydomain) first' },
  470017: { msg: '删除的域名在小程序中没有设置过', hint: 'the domain to delete is not set on the app' },
  470018: { msg: '二维码width字段超过指定范围', hint: 'width must be 200–1280' },
  470019: { msg: '二维码package_id非法，只支持审核，开发中，线上版本的package', hint: 'package_id must be an audit, development or online package' },
  470020: { msg: '此小程序没有线上版本的包，需要指定package_id', hint: 'no online version: pass package_id' },
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
