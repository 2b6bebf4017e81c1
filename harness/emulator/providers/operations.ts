// Operations providers (代运营): payment onboarding (reference §5.4), image upload (§4.2), customer-service
// messages (§4.9) and domains (§4.1).
// Choices where Baidu is silent: payment onboarding results are pushed `paymentDelayMs` after each call and always
// pass; pay/paymentservice/create needs the account created first (60001 otherwise); image-URL fields must come from
// upload/image (47008, as the reference says for every TP API); domains are checked for format and TP pool
// membership, and the webview verification file is not fetched (the emulator cannot reach a team's real domains).
import { BaiduError, reply } from '../../baidu/envelopes.ts';
import type { Emulator } from '../emulator.ts';
import type { Handlers, HandlerCtx } from '../handler.ts';
import type { DomainSet, PaymentState } from '../store.ts';

function payment(ctx: HandlerCtx): PaymentState {
  const id = ctx.app!.appId;
  let p = ctx.emu.store.payments.get(id);
  if (!p) ctx.emu.store.payments.set(id, (p = { accountCreated: false, developConfigSubmitted: false, paymentServiceCreated: false }));
  return p;
}

function pushLater(ctx: HandlerCtx, event: string): void {
  const { emu } = ctx;
  const tp = ctx.tp!;
  const appId = ctx.app!.appId;
  void emu.track(new Promise<void>((resolve) => setTimeout(() => {
    void emu.push(tp, 'message', { appId, tpAppId: tp.tpAppId, eventTime: emu.eventTime(), event }, { facts: { appId } }).finally(resolve);
  }, emu.options.paymentDelayMs ?? 100)));
}

function requireUploadedImages(emu: Emulator, params: Record<string, string>, fields: string[]): void {
  for (const f of fields) {
    const v = params[f];
    if (v && !emu.store.images.has(v)) throw BaiduError.errno(47008, `${f} must be a URL returned by upload/image`);
  }
}

const DOMAIN_RE = /^(https?|wss):\/\/[A-Za-z0-9.-]+(:\d+)?$/;
const KINDS = ['request', 'socket', 'download', 'upload'] as const;

function domainsFrom(params: Record<string, string>): DomainSet {
  const set: DomainSet = { request: [], socket: [], download: [], upload: [] };
  for (const k of KINDS) {
    const raw = params[`${k}_domain`];
    if (raw === undefined) continue;
    const list = raw.split(',').map((s) => s.trim());
    if (list.some((d) => d === '')) throw BaiduError.errno(470015);
    if (list.some((d) => !DOMAIN_RE.test(d))) throw BaiduError.errno(470014);
    set[k] = list;
  }
  return set;
}

function apply(current: DomainSet, change: DomainSet, action: string): DomainSet {
  const out = { ...current };
  for (const k of KINDS) {
    if (action === 'set') out[k] = change[k];
    else if (action === 'add') out[k] = [...new Set([...current[k], ...change[k]])];
    else if (action === 'delete') {
      if (change[k].some((d) => !current[k].includes(d))) throw BaiduError.errno(470017);
      out[k] = current[k].filter((d) => !change[k].includes(d));
    }
  }
  return out;
}

const empty = (): DomainSet => ({ request: [], socket: [], download: [], upload: [] });
const hostOf = (d: string) => d.replace(/^[a-z]+:\/\//, '').replace(/:\d+$/, '');
const inPool = (d: string, pool: string[]) => pool.some((p) => hostOf(d) === hostOf(p) || hostOf(d).endsWith(`.${hostOf(p)}`));

export const handlers: Handlers = {
  'pay.createAccount': (ctx) => {
    requireUploadedImages(ctx.emu, ctx.params, ['id_card_front_url', 'id_card_back_url', 'manage_permit_url']);
    if (!/^\d{17}[\dXx]$/.test(ctx.params.legal_id!)) throw BaiduError.errno(60001, 'legal_id must be an 18-character ID card number');
    payment(ctx).accountCreated = true;
    pushLater(ctx, 'APP_PAYMENT_CREATE_ACCOUNT_PASS');
    return reply.ok();
  },
  'pay.getAccountAuditStatus': (ctx) => reply.ok({ status: payment(ctx).accountCreated ? 4 : 0, verify_message: '' }),
  'pay.submitDevelopConfig': (ctx) => {
    for (const k of ['pay_notify_url', 'refund_audit_url', 'refund_succ_url']) {
      if (!/^https?:\/\//.test(ctx.params[k]!)) throw BaiduError.errno(60001, `${k} must be an http(s) URL`);
    }
    if (!/BEGIN PUBLIC KEY|^[A-Za-z0-9+/=\s]{64,}$/.test(ctx.params.tp_public_key!)) throw BaiduError.errno(60001, 'tp_public_key must be an RSA public key');
    payment(ctx).developConfigSubmitted = true;
    pushLater(ctx, 'APP_PAYMENT_UPDATE_DEVELOP_CONFIG_PASS');
    return reply.ok();
  },
  'pay.createPaymentService': (ctx) => {
    const p = payment(ctx);
    if (!p.accountCreated) throw BaiduError.errno(60001, 'create the payment account (pay/account/create) first');
    if (Number(ctx.params.commission_rate) !== 6) throw BaiduError.errno(60001, 'commission_rate must be 6');
    if (Number(ctx.params.day_max_frozen_amount) > 10000) throw BaiduError.errno(60001, 'day_max_frozen_amount must be ≤ 10000');
    p.paymentServiceCreated = true;
    pushLater(ctx, 'APP_PAYMENT_CREATE_PAYMENT_PASS');
    return reply.ok();
  },
  'pay.getPaymentServiceAuditStatus': (ctx) => reply.ok({ status: payment(ctx).paymentServiceCreated ? 2 : 0, fail_reason: '' }),

  'image.uploadImage': ({ emu, files, params }) => {
    const f = files.multipartFile!;
    const type = Number(params.type ?? 1);
    if (!/\.(bmp|jpe?g|png)$/i.test(f.filename) && !/image\/(bmp|jpeg|png)/.test(f.contentType)) throw BaiduError.errno(47000);
    if (f.bytes.length > (type === 1 ? 2 : 5) * 1024 * 1024) throw BaiduError.errno(47003);
    // A UUID-shaped name: a bare 32-hex name reads as a secret (the ticket's shape) and is redacted from reports,
    // which would leave reproduce commands that cannot run.
    const h = emu.ids.hex('imageName', 32);
    const url = `https://b.bdstatic.com/searchbox/mappconsole/image/${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}.png`;
    emu.store.images.add(url);
    return reply.ok(url);
  },

  'customermsg.sendCustomerMessage': ({ params }) => {
    if (params.msg_type === 'text' && !params.content) throw BaiduError.errno(40001, 'content is required for text messages');
    if (params.msg_type === 'image' && !params.pic_url) throw BaiduError.errno(40001, 'pic_url is required for image messages');
    return reply.ok();
  },

  'domain.modifyServerDomain': ({ emu, tp, params }) => {
    const current = emu.store.tpDomains.get(tp!.clientId) ?? empty();
    if (params.action === 'get') return reply.ok({ request_domain: current.request, socket_domain: current.socket, download_domain: current.download, upload_domain: current.upload });
    const change = domainsFrom(params);
    if (KINDS.every((k) => params[`${k}_domain`] === undefined)) throw BaiduError.errno(470013);
    if (params.action === 'delete' && KINDS.some((k) => change[k].some((d) => !current[k].includes(d)))) throw BaiduError.errno(50042);
    emu.store.tpDomains.set(tp!.clientId, apply(current, change, params.action!));
    return reply.ok();
  },
  'domain.modifyBusinessDomain': ({ emu, tp, params }) => {
    const current = emu.store.tpWebviewDomains.get(tp!.clientId) ?? [];
    const action = params.action ?? 'add';
    if (action === 'get') return reply.ok(current);
    const list = (params.web_view_domain ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    if (!list.length) throw BaiduError.errno(470015);
    if (list.some((d) => !/^https?:\/\//.test(d))) throw BaiduError.errno(470014);
    if (action === 'delete' && list.some((d) => !current.includes(d))) throw BaiduError.errno(50042);
    emu.store.tpWebviewDomains.set(tp!.clientId, action === 'set' ? list : action === 'delete' ? current.filter((d) => !list.includes(d)) : [...new Set([...current, ...list])]);
    return reply.ok();
  },
  'domain.downloadDomainCheckFile': ({ emu, tp }) =>
    reply.binary(Buffer.from(emu.ids.hex(`domaincer:${tp!.clientId}`, 32)), 'application/octet-stream;charset=UTF-8', { 'content-disposition': 'attachment; filename=bd_mapp_domaincer.txt' }),

  'app.setAppDomain': ({ emu, tp, app, params }) => {
    const pool = emu.store.tpDomains.get(tp!.clientId) ?? empty();
    const current = emu.store.appDomains.get(app!.appId) ?? empty();
    const join = (s: DomainSet) => ({ request_domain: s.request.join(','), socket_domain: s.socket.join(','), download_domain: s.download.join(','), upload_domain: s.upload.join(',') });
    if (params.action === 'get') return reply.ok(join(current));
    // No action: every TP-registered server domain is added to the app (§4.1.4).
    const change = params.action ? domainsFrom(params) : pool;
    for (const k of KINDS) if (change[k].some((d) => !inPool(d, pool[k]))) throw BaiduError.errno(470016);
    emu.store.appDomains.set(app!.appId, apply(current, change, params.action ?? 'add'));
    return reply.ok();
  },
  'app.setAppWebViewDomain': ({ emu, tp, app, params }) => {
    const pool = emu.store.tpWebviewDomains.get(tp!.clientId) ?? [];
    const current = emu.store.appWebviewDomains.get(app!.appId) ?? [];
    if (params.action === 'get') return reply.ok(current.join(','));
    const list = params.action ? (params.web_view_domain ?? '').split(',').map((s) => s.trim()).filter(Boolean) : pool;
    if (list.some((d) => !inPool(d, pool))) throw BaiduError.errno(470016);
    emu.store.appWebviewDomains.set(app!.appId, params.action === 'delete' ? current.filter((d) => !list.includes(d)) : [...new Set([...current, ...list])]);
    return reply.ok();
  },
  'app.setAppImage': ({ emu, params }) => {
    requireUploadedImages(emu, params, ['image_url']);
    return reply.ok();
  },
  'app.setAppSignature': ({ params }) => {
    const width = [...params.signature!].reduce((n, c) => n + (/[\u4e00-\u9fff]/.test(c) ? 2 : 1), 0);
    if (width < 10 || width > 56) throw BaiduError.errno(40001, 'signature must be 10–56 characters (CJK counts 2)');
    return reply.ok();
  },
};
