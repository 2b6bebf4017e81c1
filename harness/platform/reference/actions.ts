// The reference TP's side of the hook contract (README "Hook contract"): `POST /preflight/hook` with
// `{"action": A, "appId": N}`; the TP performs A against Baidu with its stored authorizer token and answers 200 with
// JSON when done. Each action is what a TP's own console would do for its customer.
import { BaiduApiError, type BaiduClient } from '../../baidu/client.ts';
import { beijingYmd } from '../../baidu/dates.ts';
import { uploadFinished } from '../../baidu/packageStatus.ts';
import type { Behaviour } from './behaviour.ts';
import type { TokenKeeper } from './tokens.ts';

export class ActionError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

interface Pkg { package_id?: number; version: string; status: number; upload_status: number; upload_err_code?: number; upload_err_msg?: string }

// A 1×1 PNG: the smallest real image for upload/image (ID card scans, icons).
const PNG_1X1 = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function createActions(client: BaiduClient, keeper: TokenKeeper, b: Behaviour, selfUrl: () => string, restart: () => void) {
  // Every Baidu call of an action, as the behaviour shapes it: left out (skipCalls) or with params it gets wrong.
  const call = <T>(id: string, params: Record<string, unknown>, withToken: (use: (token: string) => Promise<T>) => Promise<T>) =>
    b.skipCalls.includes(id) ? Promise.resolve(undefined as T) : withToken((token) => client.call<T>(id, { ...params, ...b.callParams?.[id] } as never, token));
  const app = <T>(appId: number, id: string, params: Record<string, unknown> = {}) => call<T>(id, params, (use) => keeper.withAppToken(appId, use));
  const tp = <T>(id: string, params: Record<string, unknown> = {}) => call<T>(id, params, (use) => keeper.withTpToken(use));

  // What the guessing mutant remembers instead of reading package/get (followPackageState = false).
  const guessed = new Map<number, number>();

  async function packages(appId: number): Promise<Pkg[]> {
    return (await app<Pkg[]>(appId, 'pkg.getPackage')) ?? [];
  }

  async function uploadedImage(): Promise<string> {
    return tp<string>('image.uploadImage', { multipartFile: { filename: 'scan.png', content: PNG_1X1, contentType: 'image/png' }, type: 2 });
  }

  const actions: Record<string, (appId: number) => Promise<unknown>> = {
    async 'upload-package'(appId) {
      if (b.uploadWithIde) {
        // 定制开发: the TP's developer uploads the customer's code with the developer tool — in the emulator, its
        // stand-in (`preflight ide upload`); the package is the app's development version at once.
        const version = `1.0.${Date.now() % 1000}`;
        const res = await fetch(new URL('/__emulator/ide/upload', b.uploadWithIde), {
          method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ clientId: keeper.clientId, appId, version }),
        });
        const body = (await res.json()) as { packageId?: number; error?: string };
        if (!res.ok) throw new ActionError(502, `the developer tool's upload was refused: ${body.error}`);
        return { packageId: body.packageId, version, via: 'developer tool' };
      }
      let templates = (await tp<{ list: { template_id: number }[] }>('template.getTemplateList')).list;
      if (!templates.length) {
        const draft = (await tp<{ list: { draft_id: number }[] }>('template.getTemplateDraftList')).list[0];
        if (!draft) throw new ActionError(409, 'no template draft to build from: upload a draft with the IDE first');
        templates = [await tp<{ template_id: number }>('template.addToTemplate', { draft_id: draft.draft_id, user_desc: '预检模板' })];
      }
      const version = `1.0.${Date.now() % 1000}`;
      await app(appId, 'pkg.uploadPackage', {
        template_id: templates[0]!.template_id, user_version: version, user_desc: '预检代码包',
        ext_json: JSON.stringify({ extEnable: true, extAppid: appId, ext: { preflight: true }, ...(b.uploadDirectCommit ? { directCommit: true } : {}) }),
      });
      if (!b.followPackageState) {
        // The mutant's guess: take whatever the list says right now.
        const dev = (await packages(appId)).find((p) => p.status === 3);
        if (dev?.package_id !== undefined) guessed.set(appId, dev.package_id);
        await sleep(1000);
        return { packageId: dev?.package_id, version };
      }
      // Upload is asynchronous (§3.5): follow package/get until this version finished uploading.
      for (let i = 0; i < 100; i++) {
        const dev = (await packages(appId)).find((p) => p.status === 3 && p.version === version);
        if (dev?.upload_status === 3) throw new ActionError(502, `package upload of version ${version} failed: ${dev.upload_err_code} ${dev.upload_err_msg}`);
        if (dev?.package_id !== undefined && uploadFinished(dev)) return { packageId: dev.package_id, version };
        await sleep(50);
      }
      throw new ActionError(504, 'package upload did not finish within 5 s');
    },

    async 'submit-audit'(appId) {
      if (b.readAuditQuota) {
        const q = await app<{ remain_times: number }>(appId, 'pkg.getPackageSubmitAuditQuota');
        if (q && q.remain_times === 0) throw new ActionError(409, 'the weekly audit quota is used up (package/auditquota remain_times = 0); not submitting');
      }
      const dev = b.followPackageState
        ? (await packages(appId)).find((p) => p.status === 3 && p.package_id !== undefined && uploadFinished(p))
        : guessed.has(appId) ? { package_id: guessed.get(appId)! } : undefined;
      if (!dev) throw new ActionError(409, 'no uploaded development package to submit');
      await app(appId, 'pkg.submitPackageAudit', { package_id: dev.package_id, content: '预检提审', remark: 'preflight' });
      if (b.releaseBeforeAudit) await app(appId, 'pkg.releasePackage', { package_id: dev.package_id }).catch(() => {});
      return { packageId: dev.package_id };
    },

    async release(appId) {
      const passed = (await packages(appId)).find((p) => p.status === 6);
      if (!passed) throw new ActionError(409, 'no package has passed audit yet (wait for PACKAGE_AUDIT_PASS)');
      await app(appId, 'pkg.releasePackage', { package_id: passed.package_id });
      return { packageId: passed.package_id };
    },

    async 'withdraw-audit'(appId) {
      const inReview = (await packages(appId)).find((p) => p.status === 4);
      if (!inReview) throw new ActionError(409, 'no package under review');
      await app(appId, 'pkg.withdrawPackageAudit', { package_id: inReview.package_id });
      return { packageId: inReview.package_id };
    },

    async rollback(appId) {
      const online = (await packages(appId)).find((p) => p.status === 1);
      if (!online) throw new ActionError(409, 'no online package');
      await app(appId, 'pkg.rollbackPackage', { package_id: online.package_id });
      return { packageId: online.package_id };
    },

    // Optional action used by the probes: read app/info with the stored (possibly refreshed) authorizer token.
    async 'read-app-info'(appId) {
      return { auth_info: (await keeper.readAppInfo(appId)).auth_info };
    },

    // Optional action used by the probes: as if every instance restarted — what was held in memory is gone, what was
    // persisted comes back (probe.restart-keeps-credentials).
    async restart() {
      restart();
      return { restarted: true, apps: keeper.authorizedApps() };
    },

    async 'payment-onboard'(appId) {
      const [front, back, permit] = [await uploadedImage(), await uploadedImage(), await uploadedImage()];
      await app(appId, 'pay.createAccount', {
        business_scope: '软件和信息技术服务', business_province: '北京市', business_city: '北京市', business_detail_address: '海淀区上地十街10号',
        legal_person: '张三', legal_id: '110101199003071234', id_card_front_url: front, id_card_back_url: back,
        legal_card_start_time: '2020-01-01', legal_card_end_time: '9999-12-31', license_start_time: '2019-01-01', license_end_time: '9999-12-31',
        industry_id: 1, manage_permit_url: permit, auth_capital: '1000000', manager_same: 1, benefit_same: 1,
      });
      await app(appId, 'pay.submitDevelopConfig', {
        tp_public_key: '-----BEGIN PUBLIC KEY-----MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA-----END PUBLIC KEY-----',
        pay_notify_url: `${selfUrl()}/pay/notify`, refund_audit_url: `${selfUrl()}/pay/refund-audit`, refund_succ_url: `${selfUrl()}/pay/refund-success`,
      });
      await app(appId, 'pay.createPaymentService', {
        app_name: '预检测试小程序', service_phone: '4000000000', bank_account: '预检测试主体', bank_card: '6222020200000000000', bank_name: '中国工商银行',
        bank_branch: '北京上地支行', open_province: '北京市', open_city: '北京市', payment_days: 7, commission_rate: 6, pool_cash_pledge: 0,
        day_max_frozen_amount: 10000, bank_phone_number: '13800000000',
      });
      return { onboarded: true };
    },

    // 数据权限: the last 7 days of the app's user trend, as the TP's statistics page shows them (Beijing days, yyyyMMdd).
    async 'read-data'(appId) {
      const now = Date.now();
      const trend = await app<{ total: number }>(appId, 'analysis.getAnalysisUserTrend', { start_date: beijingYmd(now, 7), end_date: beijingYmd(now, 1), start_index: 0, gran: 'day' });
      return { days: trend?.total ?? 0 };
    },

    async 'set-domains'(appId) {
      const domain = selfUrl().replace(/^http:/, 'https:');
      await tp('domain.modifyServerDomain', { action: 'add', request_domain: domain, upload_domain: domain, download_domain: domain });
      await tp('domain.modifyBusinessDomain', { action: 'add', web_view_domain: domain });
      await app(appId, 'app.setAppDomain', {});
      await app(appId, 'app.setAppWebViewDomain', {});
      const icon = await tp<string>('image.uploadImage', { multipartFile: { filename: 'icon.png', content: PNG_1X1, contentType: 'image/png' }, type: 1 });
      await app(appId, 'app.setAppImage', { image_url: icon });
      return { domain };
    },
  };

  return async function perform(action: string, appId: number): Promise<{ status: number; body: unknown }> {
    const fn = b.unsupportedActions.includes(action) ? undefined : actions[action];
    if (!fn) return { status: 501, body: { error: `action ${action} is not supported` } };
    try {
      return { status: 200, body: (await fn(appId)) ?? {} };
    } catch (e) {
      if (e instanceof ActionError) return { status: e.status, body: { error: e.message } };
      if (e instanceof BaiduApiError) return { status: 502, body: { error: e.message, baidu: { envelope: e.envelope, code: e.code } } };
      return { status: 500, body: { error: (e as Error).message } };
    }
  };
}
