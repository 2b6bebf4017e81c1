// The authorization page (授权页, reference §1.3) and the phone side of the scan. Baidu's real page is console UI
// that is not specified (§8.11), so this one keeps to what is documented: it checks client_id, the pre_auth_code
// (valid, single use), redirect_uri under the 授权发起页域名, the Referer from that domain and the 授权测试名单, and
// shows Baidu's error for each; it renders a QR that a phone opens to pick the app and the permission sets.
import QRCode from 'qrcode';
import { underAuthStartDomain } from '../../baidu/authStartDomain.ts';
import { ERRNO } from '../../baidu/errors.ts';
import { reply, type BaiduReply } from '../../baidu/envelopes.ts';
import { bySlug } from '../../detection/permissionSets.ts';
import type { Emulator } from '../emulator.ts';
import type { ScanSession } from '../store.ts';
import { authorize, callbackLocation } from '../providers/auth.ts';

import { AUTH_PAGE } from '../../detection/runEnv.ts';
import { esc } from '../../report/htmlText.ts';

export { AUTH_PAGE };

export interface PageRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  form: Record<string, string | string[]>;
  referer?: string;
  /** Base URL the browser used to reach us (for the QR target). */
  origin: string;
}

export interface PageResult {
  reply: BaiduReply;
  errno?: number;
  facts: Record<string, unknown>;
}

function layout(title: string, body: string, mobile = false): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>${esc(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:"Noto Sans CJK SC",sans-serif;margin:0;background:#f5f6f8;color:#1f2329}
main{max-width:${mobile ? '420px' : '720px'};margin:32px auto;background:#fff;border-radius:8px;padding:24px;box-shadow:0 1px 4px #0001}
h1{font-size:20px}.err{color:#c4302b}.muted{color:#646a73;font-size:13px}button{background:#3388ff;color:#fff;border:0;border-radius:6px;padding:10px 20px;font-size:16px}
label{display:block;margin:8px 0}</style></head><body>${body}</body></html>`;
}

function errorPage(errno: number, detail: string, facts: Record<string, unknown>): PageResult {
  const e = ERRNO[errno];
  const html = layout('授权失败', `<main id="error" data-errno="${errno}"><h1 class="err">授权失败 (${errno})</h1>
<p id="error-msg">${esc(e?.msg ?? '')}</p><p class="muted">${esc(detail)}</p></main>`);
  return { reply: reply.html(html, 200), errno, facts: { ...facts, errno, detail } };
}

// The authorization page long-polls its scan session (`poll?state=<the state it knows>`): it hears of the scan and the
// confirmation as they happen, as Baidu's page does, instead of on a timer's next tick. Kept beside the sessions, not
// in them, so the emulator's state stays plain data.
const watchers = new WeakMap<ScanSession, Set<() => void>>();
const LONG_POLL_MS = 15_000;

function setState(s: ScanSession, state: ScanSession['state']): void {
  s.state = state;
  for (const wake of watchers.get(s) ?? []) wake();
}

function changedFrom(s: ScanSession, state: string): Promise<void> {
  if (s.state !== state) return Promise.resolve();
  return new Promise((resolve) => {
    const set = watchers.get(s) ?? new Set();
    watchers.set(s, set);
    const wake = () => {
      clearTimeout(timer);
      set.delete(wake);
      resolve();
    };
    const timer = setTimeout(wake, LONG_POLL_MS);
    timer.unref();
    set.add(wake);
  });
}

export async function handlePage(emu: Emulator, r: PageRequest): Promise<PageResult | null> {
  if (r.path === AUTH_PAGE && r.method === 'GET') return authorizationPage(emu, r);
  if (r.path === `${AUTH_PAGE}/scan` && r.method === 'GET') return scanPage(emu, r);
  if (r.path === `${AUTH_PAGE}/confirm` && r.method === 'POST') return confirm(emu, r);
  if (r.path === `${AUTH_PAGE}/poll` && r.method === 'GET') {
    const s = emu.store.scans.get(r.query.session ?? '');
    if (s && r.query.state) await changedFrom(s, r.query.state);
    return { reply: reply.raw(s ? { state: s.state, location: s.location ?? null, errno: s.errno ?? null } : { state: 'unknown' }), facts: {} };
  }
  return null;
}

async function authorizationPage(emu: Emulator, r: PageRequest): Promise<PageResult> {
  const { client_id: clientId, pre_auth_code: preAuthCode, redirect_uri: redirectUri } = r.query;
  const facts: Record<string, unknown> = { clientId, redirectUri, referer: r.referer ?? null };
  if (!clientId || !preAuthCode || !redirectUri) return errorPage(40001, 'client_id, pre_auth_code and redirect_uri are required', facts);
  const tp = emu.tp(clientId);
  if (!tp) return errorPage(50002, `client_id ${clientId} is not a registered TP`, facts);
  if (!r.referer) return errorPage(50006, 'the request has no Referer: open this page from a link or redirect on the 授权发起页', facts);
  if (!underAuthStartDomain(r.referer, tp.authStartDomain)) {
    return errorPage(50006, `发起页域名错误: Referer ${r.referer} is not under the 授权发起页域名 ${tp.authStartDomain}`, facts);
  }
  if (!underAuthStartDomain(redirectUri, tp.authStartDomain)) {
    return errorPage(40002, `redirect_uri ${redirectUri} is not under the 授权发起页域名 ${tp.authStartDomain}`, facts);
  }
  const pac = emu.store.preAuthCodes.get(preAuthCode);
  if (!pac || pac.clientId !== clientId) return errorPage(40001, 'pre_auth_code is invalid', facts);
  if (pac.used) return errorPage(40001, 'pre_auth_code has already been used (it is single use)', facts);
  if (emu.now() > pac.expiresAt) return errorPage(40001, 'pre_auth_code has expired (20 minutes)', facts);
  pac.used = true;

  const id = emu.ids.hex('scanSession', 24);
  emu.store.scans.set(id, { id, clientId, redirectUri, state: 'pending', createdAt: emu.now() });
  const scanUrl = `${r.origin}${AUTH_PAGE}/scan?session=${id}`;
  const qr = await QRCode.toDataURL(scanUrl, { margin: 2, width: 260, errorCorrectionLevel: 'M' });
  // The #scan-here link is not on Baidu's page: it is for a person trying a TP by hand against `npm run emulator`,
  // whose phone cannot reach this loopback address. The detection never uses it: it scans the QR.
  const html = layout('百度智能小程序授权', `<main><h1>授权给第三方平台「${esc(tp.name)}」</h1>
<p>请使用百度App扫描二维码，确认授权 / Scan with the Baidu App to authorize</p>
<img id="auth-qrcode" alt="授权二维码" src="${qr}" width="260" height="260">
<p id="status" class="muted" data-state="pending">等待扫码 / Waiting for scan</p>
<p class="muted"><a id="scan-here" href="${esc(scanUrl)}" target="_blank" rel="noopener">没有手机？在新标签页中打开扫码后的页面 / No phone? Open what the scan opens in a new tab</a></p></main>
<script>
const status=document.getElementById('status');
let known='pending';
async function poll(){let s;try{const r=await fetch('${AUTH_PAGE}/poll?session=${id}&state='+known);s=await r.json();}catch(e){setTimeout(poll,1000);return;}
known=s.state;status.dataset.state=s.state;
if(s.state==='scanned')status.textContent='已扫码，请在手机上确认 / Scanned, confirm on the phone';
if(s.state==='rejected'){status.textContent='授权失败 ('+s.errno+')';status.className='err';return;}
if(s.state==='confirmed'&&s.location){status.textContent='授权成功，正在跳转 / Authorized, redirecting';location.href=s.location;return;}
if(s.state==='unknown')return;
poll();}poll();
</script>`);
  return { reply: reply.html(html), facts: { ...facts, session: id } };
}

function scanPage(emu: Emulator, r: PageRequest): PageResult {
  const s = emu.store.scans.get(r.query.session ?? '');
  if (!s || s.state !== 'pending') return errorPage(40010, 'the QR code has expired, refresh the authorization page', {});
  setState(s, 'scanned');
  const tp = emu.requireTp(s.clientId);
  const apps = [...emu.store.apps.values()].filter((a) => tp.testAppIds.includes(a.appId) || a.appId === emu.outsiderAppId(tp));
  const options = apps.map((a) => `<option value="${a.appId}">${esc(a.appName)} (${a.appId})${a.onTestList ? '' : ' — 不在授权测试名单'}</option>`).join('');
  const sets = tp.permissionSets.map((slug) => {
    const p = bySlug(slug);
    return `<label><input type="checkbox" name="scope" value="${p.slug}" checked> ${esc(p.zh)} <span class="muted">${esc(p.en)}</span></label>`;
  }).join('');
  const html = layout('确认授权', `<main><h1>确认授权给「${esc(tp.name)}」</h1>
<form method="post" action="${AUTH_PAGE}/confirm"><input type="hidden" name="session" value="${s.id}">
<label>选择小程序 / Mini program <select name="app_id" id="app-select">${options}</select></label>
<fieldset><legend>授权的权限集 / Permission sets</legend>${sets}</fieldset>
<button id="confirm" type="submit">确认授权</button></form></main>`, true);
  return { reply: reply.html(html), facts: { session: s.id } };
}

function confirm(emu: Emulator, r: PageRequest): PageResult {
  const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  const s = emu.store.scans.get(one(r.form.session) ?? '');
  if (!s || s.state !== 'scanned') return errorPage(40010, 'this authorization session is no longer waiting for confirmation', {});
  const tp = emu.requireTp(s.clientId);
  const appId = Number(one(r.form.app_id));
  const scopes = ([] as string[]).concat(r.form.scope ?? []).filter((x) => tp.permissionSets.includes(x));
  const facts = { session: s.id, appId, granted: scopes };
  if (!tp.testAppIds.includes(appId)) {
    s.errno = 50007;
    setState(s, 'rejected');
    return errorPage(50007, `app ${appId} is not on the TP's 授权测试名单; before 全网发布 only listed apps can authorize`, facts);
  }
  // The authorization's generation names the code it issued (ledger evidence: which exchange used this scan's code);
  // event is the push it caused, null for a re-authorization with the same sets.
  const { code, event, generation } = authorize(emu, tp, appId, scopes);
  Object.assign(facts, { generation, event });
  s.appId = appId;
  s.location = callbackLocation(s.redirectUri, code);
  setState(s, 'confirmed');
  const html = layout('授权成功', `<main id="done"><h1>授权成功</h1><p>已授权给「${esc(tp.name)}」，请返回电脑端 / Done, return to the computer</p></main>`, true);
  return { reply: reply.html(html), facts };
}
