// The one declarative endpoint catalogue (style rule 1). The typed client, the emulator's router and parameter
// validation, the permission-set map and the report's error explanations are all derived from these rows.
// Ids reuse the Go SDK's group names; `doc` points at the section of ../shared/reference/baidu-tp-api.md.

export type TokenKind = 'tp' | 'app' | 'none';
/** W = {errno,msg,data}; R = raw OAuth object; B = binary; raw = unwrapped JSON (pay dict). G can come from any. */
export type EnvelopeKind = 'W' | 'R' | 'B' | 'raw';
export type ParamType = 'string' | 'int' | 'json' | 'file';

export interface ParamSpec {
  type: ParamType;
  required?: boolean;
  /** Allowed literal values (after string coercion). */
  enum?: string[];
}

export type JsonSchema = Record<string, unknown>;

export interface EndpointDef {
  id: string;
  zh: string;
  method: 'GET' | 'POST';
  /** Another method the emulator also answers, where the SDKs disagree on the method (the client uses `method`). */
  alsoMethod?: 'GET' | 'POST';
  host: 'openapi';
  path: string;
  token: TokenKind;
  /** A TP-token endpoint the emulator also answers for an authorizer token (where the reference says either may work). */
  alsoAppToken?: true;
  /** How POST params travel; Baidu also accepts them in the query string (reference §0.2), so the emulator does. */
  body?: 'form' | 'multipart' | 'json';
  envelope: EnvelopeKind;
  params: Record<string, ParamSpec>;
  /** JSON Schema of `data` (W), of the whole object (R, raw); none for B or for W replies without data. */
  data?: JsonSchema;
  /** Permission set slug an authorizer token's app must have granted; none = always allowed. */
  permissionSet?: string;
  /** Safe to retry: reads only (a write is never retried blindly). */
  idempotent: boolean;
  doc: string;
}

const str = { type: 'string' } as const;
const int = { type: 'integer' } as const;
const obj = (properties: Record<string, unknown>, required = Object.keys(properties)): JsonSchema => ({
  type: 'object',
  properties,
  required,
});
const arr = (items: JsonSchema): JsonSchema => ({ type: 'array', items });
const req = (type: ParamType = 'string', extra: Partial<ParamSpec> = {}): ParamSpec => ({ type, required: true, ...extra });
const opt = (type: ParamType = 'string', extra: Partial<ParamSpec> = {}): ParamSpec => ({ type, ...extra });

type Row = Omit<EndpointDef, 'host' | 'idempotent' | 'params'> & { params?: Record<string, ParamSpec>; idempotent?: boolean };

function row(r: Row): EndpointDef {
  return { host: 'openapi', params: {}, idempotent: r.method === 'GET' && r.envelope !== 'R', ...r };
}

const tokenPair = obj({ access_token: str, refresh_token: str, expires_in: int });
const packageRow = obj(
  {
    package_id: int, version: str, version_desc: str, remark: str, msg: str, committer: str, status: int,
    commit_time: str, rollback_version: str, upload_status: int, upload_status_desc: str, upload_err_code: int, upload_err_msg: str,
  },
  // An entry still uploading may lack package_id (reference §3.11's sample).
  ['version', 'status', 'upload_status'],
);
const domainStrings = obj({ request_domain: str, socket_domain: str, download_domain: str, upload_domain: str });
const domainArrays = obj({ request_domain: arr(str), socket_domain: arr(str), download_domain: arr(str), upload_domain: arr(str) });
const listOf = (item: JsonSchema) => obj({ count: int, list: arr(item) });

export const CATALOGUE: readonly EndpointDef[] = [
  // §1 authorization chain
  row({ id: 'authprocess.getTpToken', zh: '获取第三方平台access_token', method: 'GET', path: '/public/2.0/smartapp/auth/tp/token', token: 'none', envelope: 'W',
    params: { client_id: req(), ticket: req() }, data: obj({ access_token: str, expires_in: int, scope: str }), doc: '1.1' }),
  row({ id: 'authprocess.getPreAuthCode', zh: '获取预授权码', method: 'GET', path: '/rest/2.0/smartapp/tp/createpreauthcode', token: 'tp', envelope: 'W',
    data: obj({ pre_auth_code: str, expires_in: int }), idempotent: false, doc: '1.2' }),
  // One path, two grant types (1.5 / 1.6): the row lists both; the handler dispatches on grant_type.
  row({ id: 'authprocess.getOAuthToken', zh: '使用授权码换取小程序的接口调用凭据 / 刷新凭据', method: 'GET', path: '/rest/2.0/oauth/token', token: 'tp', envelope: 'R',
    params: { grant_type: req('string', { enum: ['app_to_tp_authorization_code', 'app_to_tp_refresh_token'] }), code: opt(), refresh_token: opt() },
    data: tokenPair, doc: '1.5/1.6' }),
  row({ id: 'authprocess.getAppInfo', zh: '获取小程序基础信息', method: 'GET', path: '/rest/2.0/smartapp/app/info', token: 'app', envelope: 'W',
    data: obj({ app_id: int, app_name: str, app_key: str, status: int, auth_info: arr(obj({ scope_name: str, type: int })) },
      ['app_id', 'app_name', 'app_key', 'auth_info']), doc: '1.7' }),
  row({ id: 'authprocess.retrieveAuthCode', zh: '找回授权码', method: 'POST', body: 'form', path: '/rest/2.0/smartapp/auth/retrieve/authorizationcode', token: 'tp', envelope: 'W',
    params: { app_id: req('int') }, data: obj({ authorization_code: str, expires_in: int }), doc: '1.8' }),
  row({ id: 'msg.getMsg', zh: '消息推送找回', method: 'GET', path: '/rest/2.0/smartapp/pushmsg/getmsg', token: 'tp', envelope: 'W',
    params: { start: opt('int'), end: opt('int'), push_type: opt('int', { enum: ['1', '2'] }), offset: opt('int'), count: opt('int'), id_list: opt() },
    data: obj({ count: int, page: int, pageSize: int, list: arr(obj({ id: int, content: str, status: int })) }), doc: '2.8' }),

  // §3 code management (代开发) — 开发管理权限
  row({ id: 'template.getTemplateDraftList', zh: '模板草稿列表', method: 'GET', path: '/rest/2.0/smartapp/template/gettemplatedraftlist', token: 'tp', envelope: 'W',
    params: { page: opt('int'), page_size: opt('int') }, data: listOf(obj({ draft_id: int, user_version: str, user_desc: str, create_time: int })), doc: '3.1' }),
  row({ id: 'template.addToTemplate', zh: '添加草稿至模板', method: 'POST', body: 'form', path: '/rest/2.0/smartapp/template/addtotemplate', token: 'tp', envelope: 'W',
    params: { draft_id: req(), user_desc: req() }, data: obj({ template_id: int }), doc: '3.2' }),
  row({ id: 'template.getTemplateList', zh: '模板列表', method: 'GET', path: '/rest/2.0/smartapp/template/gettemplatelist', token: 'tp', envelope: 'W',
    params: { page: opt('int'), page_size: opt('int') }, data: listOf(obj({ template_id: int, user_version: str, user_desc: str, create_time: int })), doc: '3.3' }),
  row({ id: 'template.delTemplate', zh: '删除模板', method: 'POST', body: 'form', path: '/rest/2.0/smartapp/template/deltemplate', token: 'tp', envelope: 'W',
    params: { template_id: req() }, doc: '3.4' }),
  row({ id: 'pkg.uploadPackage', zh: '上传代码包', method: 'POST', body: 'form', path: '/rest/2.0/smartapp/package/upload', token: 'app', envelope: 'W', permissionSet: 'development',
    params: { template_id: req(), ext_json: req('json'), user_version: req(), user_desc: req(), test_account: opt(), test_password: opt() }, doc: '3.5' }),
  row({ id: 'pkg.submitPackageAudit', zh: '提交审核', method: 'POST', body: 'form', path: '/rest/2.0/smartapp/package/submitaudit', token: 'app', envelope: 'W', permissionSet: 'development',
    params: { content: req(), package_id: req(), remark: req(), test_account: opt(), test_password: opt() }, doc: '3.6' }),
  row({ id: 'pkg.getPackageSubmitAuditQuota', zh: '提审额度', method: 'GET', path: '/rest/2.0/smartapp/package/auditquota', token: 'app', envelope: 'W', permissionSet: 'development',
    data: obj({ quota_type: int, quota_times: int, remain_times: int }), doc: '3.7' }),
  row({ id: 'pkg.withdrawPackageAudit', zh: '撤回审核', method: 'POST', body: 'form', path: '/rest/2.0/smartapp/package/withdraw', token: 'app', envelope: 'W', permissionSet: 'development',
    // package_id: required in the reference and the Go SDK; the Java SDK's withdrawAudit sends none, so without it
    // the package under review is withdrawn.
    params: { package_id: opt() }, doc: '3.8' }),
  row({ id: 'pkg.releasePackage', zh: '发布', method: 'POST', body: 'form', path: '/rest/2.0/smartapp/package/release', token: 'app', envelope: 'W', permissionSet: 'development',
    params: { package_id: req() }, doc: '3.9' }),
  row({ id: 'pkg.rollbackPackage', zh: '回滚', method: 'POST', body: 'form', path: '/rest/2.0/smartapp/package/rollback', token: 'app', envelope: 'W', permissionSet: 'development',
    params: { package_id: req() }, doc: '3.10' }),
  row({ id: 'pkg.getPackage', zh: '获取小程序包列表', method: 'GET', path: '/rest/2.0/smartapp/package/get', token: 'app', envelope: 'W', permissionSet: 'development',
    // An app without packages: an empty list, or perhaps no list at all (not documented).
    data: { anyOf: [arr(packageRow), { type: 'null' }] }, doc: '3.11' }),
  row({ id: 'pkg.getPackageDetail', zh: '获取包详情', method: 'GET', path: '/rest/2.0/smartapp/package/getdetail', token: 'app', envelope: 'W', permissionSet: 'development',
    params: { type: opt('int'), package_id: opt('int') }, data: obj({ package_id: int, version: str, status: int }), doc: '3.12' }),
  row({ id: 'app.getAppQRCode', zh: '获取小程序二维码', method: 'GET', path: '/rest/2.0/smartapp/app/qrcode', token: 'app', envelope: 'B', permissionSet: 'development',
    params: { path: opt(), package_id: opt(), width: opt('int') }, doc: '3.13' }),

  // §4 operations (代运营) — 基本信息设置权限 and 客服能力权限
  row({ id: 'domain.modifyServerDomain', zh: '设置第三方平台服务器域名', method: 'POST', body: 'form', path: '/rest/2.0/smartapp/tp/modifydomain', token: 'tp', envelope: 'W',
    // action: required in the Go SDK, optional in the doc (reference §8): optional here, the emulator tolerant.
    params: { action: opt('string', { enum: ['add', 'delete', 'set', 'get'] }), download_domain: opt(), request_domain: opt(), socket_domain: opt(), upload_domain: opt() },
    data: domainArrays, doc: '4.1.1' }),
  row({ id: 'domain.modifyBusinessDomain', zh: '设置第三方平台业务域名', method: 'POST', body: 'form', path: '/rest/2.0/smartapp/tp/modifywebviewdomain', token: 'tp', envelope: 'W',
    params: { action: opt('string', { enum: ['add', 'delete', 'set', 'get'] }), web_view_domain: opt() }, data: arr(str), doc: '4.1.2' }),
  row({ id: 'domain.downloadDomainCheckFile', zh: '下载域名检验文件', method: 'GET', path: '/rest/2.0/smartapp/tp/download/domaincer', token: 'tp', envelope: 'B', doc: '4.1.3' }),
  row({ id: 'app.setAppDomain', zh: '设置小程序服务器域名', method: 'POST', body: 'form', path: '/rest/2.0/smartapp/app/modifydomain', token: 'app', envelope: 'W', permissionSet: 'basic-info',
    params: { action: opt('string', { enum: ['add', 'delete', 'set', 'get'] }), download_domain: opt(), request_domain: opt(), socket_domain: opt(), upload_domain: opt() },
    data: domainStrings, doc: '4.1.4' }),
  row({ id: 'app.setAppWebViewDomain', zh: '设置小程序业务域名', method: 'POST', body: 'form', path: '/rest/2.0/smartapp/app/modifywebviewdomain', token: 'app', envelope: 'W', permissionSet: 'basic-info',
    params: { action: opt('string', { enum: ['add', 'delete', 'set', 'get'] }), web_view_domain: opt() }, data: str, doc: '4.1.5' }),
  // §4.2: "token: TP per GO comment (… INFERRED either works)"; the file part is `multipartFile` (Go names it after the
  // file: the emulator takes a lone file part under any name).
  row({ id: 'image.uploadImage', zh: '图片上传', method: 'POST', body: 'multipart', path: '/file/2.0/smartapp/upload/image', token: 'tp', alsoAppToken: true, envelope: 'W',
    // type: "1 or empty"; the Go SDK sends an unset one as "<nil>", so the emulator reads it (providers/operations.ts).
    params: { multipartFile: req('file'), type: opt() }, data: str, doc: '4.2' }),
  row({ id: 'app.setAppSignature', zh: '修改功能介绍', method: 'POST', body: 'form', path: '/rest/2.0/smartapp/app/modifysignature', token: 'app', envelope: 'W', permissionSet: 'basic-info',
    params: { signature: req() }, doc: '4.4.4' }),
  row({ id: 'app.setAppImage', zh: '修改小程序头像', method: 'POST', body: 'form', path: '/rest/2.0/smartapp/app/modifyheadimage', token: 'app', envelope: 'W', permissionSet: 'basic-info',
    params: { image_url: req() }, doc: '4.4.3' }),
  row({ id: 'customermsg.sendCustomerMessage', zh: '发送客服消息', method: 'POST', body: 'form', path: '/rest/2.0/smartapp/message/custom/sendbytp', token: 'app', envelope: 'W', permissionSet: 'customer-service',
    params: { user_type: req('int', { enum: ['1', '2'] }), open_id: req(), msg_type: req('string', { enum: ['text', 'image'] }), content: opt(), pic_url: opt() }, doc: '4.9' }),

  // §4.11 data analysis (数据分析) — 数据权限 (exclusive: one TP per app). Reads sent as POST forms (Go SDK), so
  // marked idempotent by hand. Metric values are untyped in Baidu's SDKs: rows are free-form objects.
  ...([
    ['getAnalysisUserTrend', 'getanalysisusertrend', '用户趋势', '4.11.1', { gran: req('string', { enum: ['hour', 'day', 'week', 'month'] }) }],
    ['getAnalysisActivityUser', 'getanalysisactivityuser', '活跃用户', '4.11.2', {}],
    ['getAnalysisRetainedUser', 'getanalysisretaineduser', '留存', '4.11.3',
      { report_type: req('string', { enum: ['count', 'ratio'] }), gran: req('string', { enum: ['day', 'week', 'month'] }) }],
    ['getAnalysisVisitAttribute', 'getanalysisvisitattribute', '用户画像', '4.11.4', {}],
    ['getAnalysisRegion', 'getanalysisregion', '地域分布', '4.11.5', {}],
    // terminal_type's values are UNKNOWN beyond the reference's list: any non-empty value is taken.
    ['getAnalysisTerminalInfo', 'getanalysisterminal', '终端分析', '4.11.6', { terminal_type: req() }],
    ['getAnalysisVisitPage', 'getanalysisvisitpage', '页面分析', '4.11.7', {}],
    ['getAnalysisVisitCharacter', 'getanalysisvisitcharacter', '用户习惯', '4.11.8', { character_type: req('string', { enum: ['depth', 'time', 'interval', 'frequency'] }) }],
    ['getAnalysisSourceInfo', 'getanalysissource', '来源分析', '4.11.9', {}],
  ] as const).map(([name, x, zh, doc, extra]) => row({
    id: `analysis.${name}`, zh: `数据分析：${zh}`, method: 'POST', body: 'form', path: `/rest/2.0/smartapp/data/${x}`, token: 'app', envelope: 'W', permissionSet: 'data',
    // 4.11.4 (用户画像) takes no start_index: it answers one portrait, not pages.
    params: { start_date: req(), end_date: req(), ...(x === 'getanalysisvisitattribute' ? {} : { start_index: req('int') }), ...extra },
    data: obj({ data_list: arr({ type: 'object' }), offset: int, total: int }, ['data_list']), idempotent: true, doc,
  })),
  // The Go SDK and the doc send GET, the .NET SDK (SKIT) POST; the doc spells max_result, the Go SDK max_results
  // (reference §4.11.10): each is taken.
  row({ id: 'analysis.getData', zh: '第三方平台数据', method: 'GET', alsoMethod: 'POST', path: '/rest/2.0/smartapp/data/gettpdata', token: 'tp', envelope: 'W',
    params: { metrics: req(), start_date: req(), end_date: req(), scene: opt('int'), start_index: opt('int'), max_results: opt('int'), max_result: opt('int') },
    data: obj({ offset: int, total: int, result: arr({ type: 'object' }) }), doc: '4.11.10' }),

  // §5.4 payment — 支付服务权限 (the three calls Baidu's detection looks at, plus their status reads)
  row({ id: 'pay.createAccount', zh: '开通支付账号', method: 'POST', body: 'form', path: '/rest/2.0/smartapp/pay/account/create', token: 'app', envelope: 'W', permissionSet: 'payment',
    params: Object.fromEntries(['business_scope', 'business_province', 'business_city', 'business_detail_address', 'legal_person', 'legal_id', 'id_card_front_url',
      'id_card_back_url', 'legal_card_start_time', 'legal_card_end_time', 'license_start_time', 'license_end_time', 'auth_capital']
      .map((k) => [k, req()]).concat([['industry_id', req('int')], ['manager_same', req('int', { enum: ['0', '1'] })], ['benefit_same', req('int', { enum: ['0', '1'] })],
        // Reference §5.4.2 lists it as required; the Go SDK says only an industry that needs a permit sends it.
        ['manage_permit_url', opt()]])),
    doc: '5.4.2' }),
  row({ id: 'pay.getAccountAuditStatus', zh: '查询支付账号审核状态', method: 'GET', path: '/rest/2.0/smartapp/pay/account/auditstatus', token: 'app', envelope: 'W', permissionSet: 'payment',
    data: obj({ status: int, verify_message: str }, ['status']), doc: '5.4.3' }),
  row({ id: 'pay.submitDevelopConfig', zh: '提交开发配置', method: 'POST', body: 'form', path: '/rest/2.0/smartapp/pay/developconfig/submit', token: 'app', envelope: 'W', permissionSet: 'payment',
    params: { tp_public_key: req(), pay_notify_url: req(), refund_audit_url: req(), refund_succ_url: req() }, doc: '5.4.4' }),
  row({ id: 'pay.createPaymentService', zh: '创建并绑定支付服务', method: 'POST', body: 'form', path: '/rest/2.0/smartapp/pay/paymentservice/create', token: 'app', envelope: 'W', permissionSet: 'payment',
    params: Object.fromEntries(['app_name', 'service_phone', 'bank_account', 'bank_card', 'bank_name', 'bank_branch', 'open_province', 'open_city', 'bank_phone_number']
      .map((k) => [k, req()]).concat(['payment_days', 'commission_rate', 'pool_cash_pledge', 'day_max_frozen_amount'].map((k) => [k, req('int')]))),
    doc: '5.4.5' }),
  row({ id: 'pay.getPaymentServiceAuditStatus', zh: '查询支付服务审核状态', method: 'GET', path: '/rest/2.0/smartapp/pay/paymentservice/auditstatus', token: 'app', envelope: 'W', permissionSet: 'payment',
    data: obj({ status: int, fail_reason: str }, ['status']), doc: '5.4.6' }),
];

const byId = new Map(CATALOGUE.map((e) => [e.id, e]));
const byRoute = new Map<string, EndpointDef>(CATALOGUE.flatMap((e) => [e.method, ...(e.alsoMethod ? [e.alsoMethod] : [])].map((m) => [`${m} ${e.path}`, e] as [string, EndpointDef])));

export function endpoint(id: string): EndpointDef {
  const e = byId.get(id);
  if (!e) throw new Error(`no catalogue row ${id}`);
  return e;
}

/** Finds a row by path; the method is checked separately so a wrong method gets Baidu's "unsupported" error. */
export function routeFor(method: string, path: string): { def?: EndpointDef; wrongMethod?: boolean } {
  const exact = byRoute.get(`${method} ${path}`);
  if (exact) return { def: exact };
  const other = CATALOGUE.find((e) => e.path === path);
  return other ? { def: other, wrongMethod: true } : {};
}

/** The permission map derived from the catalogue: slug → endpoint ids. */
export function endpointsOf(permissionSet: string): EndpointDef[] {
  return CATALOGUE.filter((e) => e.permissionSet === permissionSet);
}
