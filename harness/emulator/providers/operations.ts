// Operations providers (代运营): payment onboarding (reference §5.4), image upload (§4.2), customer-service
// messages (§4.9) and domains (§4.1).
// Choices where Baidu is silent: payment onboarding results are pushed `paymentDelayMs` after each call and always
// pass; pay/paymentservice/create needs the account and the developer configuration first (60013, 60014 otherwise,
// Baidu's codes); image-URL fields must come from upload/image (47008, as the reference says for every TP API; 60011
// in the payment APIs, Baidu's payment code for it); domains are checked for format and TP pool membership, and the
// webview verification file is not fetched (the emulator cannot reach a team's real domains).
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

/** Image URLs that must come from upload/image: 47008 "图片来源非法" in general, 60011 in the payment APIs (Baidu's enum). */
function requireUploadedImages(emu: Emulator, params: Record<string, string>, fields: string[], errno = 47008): void {
  for (const f of fields) {
    const v = params[f];
    if (v && !emu.store.images.has(v)) throw BaiduError.errno(errno, `${f} must be a URL returned by upload/image`);
  }
}

/** The image formats upload/image takes (bmp/jpeg/jpg/png), told by their first bytes — not by a part's name or type. */
function imageFormat(bytes: Buffer): string | undefined {
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes[0] === 0x42 && bytes[1] === 0x4d) return 'bmp';
  return undefined;
}

const DOMAIN_RE = /^(https?|wss):\/\/[A-Za-z0-9.-]+(:\d+)?$/;
const KINDS = ['request', 'socket', 'download', 'upload'] as const;

/** A comma-separated domain list as Baidu checks it: no empty entry (470015), http(s):// or wss:// hosts (470014). */
function domainList(raw: string): string[] {
  const list = raw.split(',').map((s) => s.trim());
  if (list.some((d) => d === '')) throw BaiduError.errno(470015);
  if (list.some((d) => !DOMAIN_RE.test(d))) throw BaiduError.errno(470014);
  return list;
}

function domainsFrom(params: Record<string, string>): DomainSet {
  const set: DomainSet = { request: [], socket: [], download: [], upload: [] };
  for (const k of KINDS) {
    const raw = params[`${k}_domain`];
    if (raw !== undefined) set[k] = domainList(raw);
  }
  return set;
}

/** An app's list after an action: set replaces it, add joins, delete removes (a domain not set is 470017). */
function applyList(current: string[], change: string[], action: string): string[] {
  if (action === 'set') return change;
  if (action === 'add') return [...new Set([...current, ...change])];
  if (action !== 'delete') return current;
  if (change.some((d) => !current.includes(d))) throw BaiduError.errno(470017);
  return current.filter((d) => !change.includes(d));
}

function apply(current: DomainSet, change: DomainSet, action: string): DomainSet {
  const out = { ...current };
  for (const k of KINDS) out[k] = applyList(current[k], change[k], action);
  return out;
}

const empty = (): DomainSet => ({ request: [], socket: [], download: [], upload: [] });
const hostOf = (d: string) => d.replace(/^[a-z]+:\/\//, '').replace(/:\d+$/, '');
const inPool = (d: string, pool: string[]) => pool.some((p) => hostOf(d) === hostOf(p) || hostOf(d).endsWith(`.${hostOf(p)}`));

export const handlers: Handlers = {
  'pay.createAccount': (ctx) => {
    requireUploadedImages(ctx.emu, ctx.params, ['id_card_front_url', 'id_card_back_url', 'manage_permit_url'], 60011);
    if (!/^\d{17}[\dXx]$/.test(ctx.params.legal_id!)) throw BaiduError.errno(60005, 'legal_id must be an 18-character ID card number');
    payment(ctx).accountCreated = true;
    pushLater(ctx, 'APP_PAYMENT_CREATE_ACCOUNT_PASS');
    return reply.ok();
  },
  'pay.getAccountAuditStatus': (ctx) => reply.ok({ status: payment(ctx).accountCreated ? 4 : 0, verify_message: '' }),
  'pay.submitDevelopConfig': (ctx) => {
    for (const k of ['pay_notify_url', 'refund_audit_url', 'refund_succ_url']) {
      if (!/^https?:\/\//.test(ctx.params[k]!)) throw BaiduError.errno(60000, `${k} must be an http(s) URL`);
    }
    if (!/BEGIN PUBLIC KEY|^[A-Za-z0-9+/=\s]{64,}$/.test(ctx.params.tp_public_key!)) throw BaiduError.errno(60000, 'tp_public_key must be an RSA public key');
    payment(ctx).developConfigSubmitted = true;
    pushLater(ctx, 'APP_PAYMENT_UPDATE_DEVELOP_CONFIG_PASS');
    return reply.ok();
  },
  'pay.createPaymentService': (ctx) => {
    const p = payment(ctx);
    // The account and the developer configuration come first (Baidu's 60013 and 60014 say so).
    if (!p.accountCreated) throw BaiduError.errno(60013);
    if (!p.developConfigSubmitted) throw BaiduError.errno(60014);
    if (Number(ctx.params.commission_rate) !== 6) throw BaiduError.errno(60000, 'commission_rate must be 6');
    if (Number(ctx.params.day_max_frozen_amount) > 10000) throw BaiduError.errno(60000, 'day_max_frozen_amount must be ≤ 10000');
    p.paymentServiceCreated = true;
    pushLater(ctx, 'APP_PAYMENT_CREATE_PAYMENT_PASS');
    return reply.ok();
  },
  'pay.getPaymentServiceAuditStatus': (ctx) => reply.ok({ status: payment(ctx).paymentServiceCreated ? 2 : 0, fail_reason: '' }),

  'image.uploadImage': ({ emu, files, params }) => {
    const f = files.multipartFile!;
    // "1 or empty = avatar" (§4.2). The Go SDK sends an unset type as the text "<nil>": taken as empty.
    const rawType = params.type === undefined || params.type === '' || params.type === '<nil>' ? '1' : params.type;
    if (!/^[123]$/.test(rawType)) throw BaiduError.errno(40001, `type must be 1, 2 or 3, not ${JSON.stringify(params.type)}`);
    const type = Number(rawType);
    // The bytes decide: the Go SDK names the part and the file after the caller's name and types it octet-stream.
    if (!imageFormat(f.bytes)) throw BaiduError.errno(47000, `${f.filename || 'the file'} is not a bmp, jpeg or png image`);
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
    // `action` is required in the Go SDK, optional in the doc, whose own example sends none (reference §8): without
    // it, domains given are added (UNKNOWN; chosen as app/modifydomain's default), and none given is 470013.
    const action = params.action || 'add';
    if (action === 'get') return reply.ok({ request_domain: current.request, socket_domain: current.socket, download_domain: current.download, upload_domain: current.upload });
    const change = domainsFrom(params);
    if (KINDS.every((k) => params[`${k}_domain`] === undefined)) throw BaiduError.errno(470013);
    if (action === 'delete' && KINDS.some((k) => change[k].some((d) => !current[k].includes(d)))) throw BaiduError.errno(50042);
    emu.store.tpDomains.set(tp!.clientId, apply(current, change, action));
    return reply.ok();
  },
  'domain.modifyBusinessDomain': ({ emu, tp, params }) => {
    const current = emu.store.tpWebviewDomains.get(tp!.clientId) ?? [];
    const action = params.action || 'add';
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
    emu.store.appDomains.set(app!.appId, apply(current, change, params.action || 'add'));
    return reply.ok();
  },
  'app.setAppWebViewDomain': ({ emu, tp, app, params }) => {
    const pool = emu.store.tpWebviewDomains.get(tp!.clientId) ?? [];
    const current = emu.store.appWebviewDomains.get(app!.appId) ?? [];
    if (params.action === 'get') return reply.ok(current.join(','));
    // No action: every TP-registered webview domain is added (§4.1.5). Otherwise as app/modifydomain: set replaces.
    if (params.action && params.web_view_domain === undefined) throw BaiduError.errno(470013);
    const list = params.action ? domainList(params.web_view_domain!) : pool;
    // A domain to delete need not be in the pool any more (the TP may have dropped it first).
    if (params.action !== 'delete' && list.some((d) => !inPool(d, pool))) throw BaiduError.errno(470016);
    emu.store.appWebviewDomains.set(app!.appId, applyList(current, list, params.action || 'add'));
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
