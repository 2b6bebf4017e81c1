// `preflight probe start-page --to <授权发起页>`: the first link of the authorization chain, live. It opens a deployed
// TP's 授权发起页 in Chromium as an admin does and follows it to Baidu's real authorization page — the one part of the
// chain a team can check against Baidu itself before 全网发布, with no Baidu account in the harness: the TP asks for
// the pre-auth code with its own credentials. It judges what Baidu will judge (reference §1.3): client_id,
// pre_auth_code and redirect_uri in the URL, redirect_uri and the Referer on the 授权发起页域名, and whether Baidu's
// page then shows a QR code or an error. A common slip it names: a TP still sending admins to the emulator.
// With --scan it shows the QR in the terminal for an admin's Baidu App and waits for Baidu to send the browser to the
// TP's callback (WAITING on a person, as Baidu's own detection does), then reports the TP's answer.
// Looking uses one pre-auth code, which expires unscanned; Baidu bans a page visited too often (40004), so this is
// not for a loop against production.
// Exit codes: 0 no line says "problem", 1 one does, 2 a usage error (or no Chromium); 130/143/129 stopped by a signal.
import { writeFileSync } from 'node:fs';
import { constants } from 'node:os';
import { config as loadDotenv } from 'dotenv';
import { chromium, type Page } from 'playwright';
import QRCode from 'qrcode';
import { underAuthStartDomain } from '../baidu/authStartDomain.ts';
import { CHROMIUM_ARGS, chromiumExecutable } from '../detection/chromium.ts';
import { decodeQr } from '../detection/qr.ts';
import { AUTH_PAGE } from '../detection/runEnv.ts';
import { openStartPage, pageError, pageText } from '../detection/startPage.ts';
import { Findings } from './findings.ts';

export const START_PAGE_USAGE = 'usage: preflight probe start-page --to <授权发起页 URL> [--client-id <Key>] [--auth-domain <授权发起页域名>]\n'
  + '         [--baidu https://smartprogram.baidu.com] [--screenshot <file.png>] [--scan [--wait-s 300]]\n'
  + '  the client id defaults to TP_CLIENT_ID (environment or .env); the 授权发起页域名 to the start page\'s host\n';

const BAIDU = 'https://smartprogram.baidu.com';
/** How long Baidu's page may take to draw its QR code (it may fetch it by script). */
const QR_WAIT_MS = 10_000;

export interface StartPageOptions {
  to: string;
  clientId?: string;
  authDomain?: string;
  baidu?: string;
  screenshot?: string;
  scan?: boolean;
  waitS: number;
}

export async function probeStartPage(o: StartPageOptions): Promise<number> {
  loadDotenv({ quiet: true });
  // Codes met on the way (pre_auth_code, authorization_code) are never printed whole, also where a page shows one.
  const findings = new Findings();
  const out = (line: string) => findings.line(line);
  const baidu = new URL(o.baidu ?? BAIDU).origin;
  const authPage = new URL(AUTH_PAGE, baidu).toString();
  const clientId = o.clientId ?? process.env.TP_CLIENT_ID;
  const startHost = new URL(o.to).host;
  const domain = o.authDomain?.toLowerCase();
  /** Whether `url` is where Baidu accepts it: on the registered 授权发起页域名, or — not given — on the start page's host. */
  const onDomain = (url: string | undefined) => underAuthStartDomain(url, domain ?? startHost);
  const domainWords = domain ? `the 授权发起页域名 ${domain}` : `the start page's host ${startHost}`;

  const executablePath = chromiumExecutable(process.env.CHROMIUM_PATH, { headless: true });
  const browser = await chromium.launch({
    executablePath, args: CHROMIUM_ARGS, headless: true,
    // Ours, below: Playwright's own would close the browser and let a --scan report "nobody confirmed".
    handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false,
  }).catch((e: Error) => {
    process.stderr.write(`preflight probe: Chromium did not start (${executablePath ?? 'Playwright\'s own'}: ${e.message.split('\n')[0]}): `
      + 'set CHROMIUM_PATH, or let npm run preflight install Debian\'s chromium once\n');
    return undefined;
  });
  if (!browser) return 2;
  let stopped: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    stopped = signal;
    findings.mute();
    void browser.close().catch(() => {});
  };
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  for (const signal of signals) process.on(signal, onSignal);
  let shotTaken = false;
  let tab: Page | undefined;
  const shoot = async (png?: Buffer) => {
    if (!o.screenshot || shotTaken || !tab) return;
    const picture = png ?? (await tab.screenshot({ fullPage: true, timeout: 5000 }).catch(() => undefined));
    if (!picture) return;
    writeFileSync(o.screenshot, picture);
    shotTaken = true;
    out(`  screenshot: ${o.screenshot}`);
  };
  const look = async (): Promise<number> => {
    const page = await browser.newPage();
    tab = page;
    // The request that asked for Baidu's page: its URL is what Baidu judged (Baidu's page may rewrite its own), and
    // its Referer — a 授权发起页 with referrerpolicy="no-referrer" sends none, and Baidu refuses.
    let asked: { url: string; referer?: string } | undefined;
    page.context().on('request', (r) => {
      if (!asked && r.isNavigationRequest() && new URL(r.url()).pathname === AUTH_PAGE) asked = { url: r.url(), referer: r.headers().referer };
    });
    const visit = await openStartPage(page, o.to, authPage, { anyHost: true });
    tab = visit.tab;
    const status = (n: number | null) => (n === null ? 'no answer' : `HTTP ${n}`);
    out(`授权发起页 / start page → ${o.to}: ${status(visit.firstStatus)}${visit.firstStatus !== null && visit.firstStatus >= 300 && visit.firstStatus < 400 ? ' (a redirect)' : ''}`);
    if (!visit.reached) {
      findings.say('problem', `it did not lead to Baidu's authorization page: ${visit.error ?? `the browser is at ${tab.url()}`}`);
      return finish(findings, 'an admin cannot start the authorization from this page');
    }
    const at = new URL(asked?.url ?? tab.url());
    const preAuthCode = at.searchParams.get('pre_auth_code');
    findings.secret(preAuthCode);
    out(`  → ${at.toString()}${visit.newTab ? ' (in a new tab)' : ''}`);
    if (at.origin !== baidu) {
      findings.say('problem', `that is the authorization page of ${at.origin}, not Baidu's (${baidu}): `
        + 'a TP still configured for the emulator? Point its Baidu base URL (the smartprogram host) back at Baidu');
      return finish(findings, 'admins would be sent to the wrong authorization page');
    }

    // reference §1.3: client_id, pre_auth_code and redirect_uri, all required.
    const q = at.searchParams;
    const sent = q.get('client_id');
    if (!sent) findings.say('problem', 'no client_id in the URL: Baidu cannot tell whose authorization this is');
    else if (!clientId) findings.say('note', `client_id ${sent}, not compared with your Key: pass --client-id or set TP_CLIENT_ID`);
    else if (sent !== clientId) findings.say('problem', `client_id is ${sent}, not the TP's Key ${clientId} (--client-id / TP_CLIENT_ID)`);
    else findings.say('ok', 'client_id is the TP\'s Key');
    findings.say(preAuthCode ? 'ok' : 'problem', preAuthCode
      ? 'pre_auth_code present (Baidu\'s page says below whether it is valid: it is single use and expires)'
      : 'no pre_auth_code in the URL: get one with createpreauthcode for every visit');
    const redirect = q.get('redirect_uri');
    if (!redirect || !/^https?:\/\/[^/]/.test(redirect)) findings.say('problem', `redirect_uri ${redirect ? `"${redirect}" is not an http(s) URL` : 'missing'}: Baidu has nowhere to send the authorization code`);
    else if (onDomain(redirect)) findings.say('ok', `redirect_uri ${redirect} is on ${domainWords}`);
    else findings.say(domain ? 'problem' : 'warning', `redirect_uri ${redirect} is not on ${domainWords}: Baidu accepts it only on the registered 授权发起页域名 or a subdomain`);
    const referer = asked?.referer;
    if (!referer) findings.say('problem', 'the browser sent Baidu\'s page no Referer: Baidu requires one from the 授权发起页域名 (a referrerpolicy of no-referrer on the page or its link?)');
    else if (onDomain(referer)) findings.say('ok', `Referer ${referer} is on ${domainWords}`);
    else findings.say(domain ? 'problem' : 'warning', `Referer ${referer} is not on ${domainWords}`);
    if (!domain) findings.say('note', 'redirect_uri and Referer judged against the start page\'s host; pass --auth-domain <授权发起页域名> to judge them against the domain registered with Baidu');

    // What Baidu's page shows. The emulator marks a refusal with #error; Baidu's own page is not documented
    // (reference §8.11), so a page without a QR code is reported with its text — and any QR code on it counts.
    const qr = await pageQr(tab);
    await shoot(qr.png);
    if (qr.error) findings.say('problem', `Baidu's page refused the authorization: ${qr.error}`);
    else if (!qr.target) findings.say('problem', `Baidu's page shows no QR code within ${QR_WAIT_MS / 1000} s (page text: ${qr.text || '(none)'})`);
    else findings.say('ok', 'Baidu\'s page shows a QR code');
    if (findings.failed || !qr.target) return finish(findings, 'an admin cannot authorize from this page');
    if (!o.scan) {
      out('ready: an admin can scan from here — add --scan to scan it now with the Baidu App and follow it to your callback');
      return 0;
    }
    return await scan(tab, qr.target, redirect!, o.waitS, findings);
  };
  let code: number;
  try {
    code = await look();
  } catch (e) {
    if (!stopped) throw e;
    code = 1;
  } finally {
    if (!stopped) await shoot();
    for (const signal of signals) process.off(signal, onSignal);
    await browser.close().catch(() => {});
  }
  if (!stopped) return code;
  // What a stop interrupted is not a finding: said as a stop, with the shell's code for the signal.
  process.stderr.write(`preflight probe: stopped by ${stopped} / 已中断\n`);
  return 128 + constants.signals[stopped];
}

/** Waits up to QR_WAIT_MS for Baidu's page to show a QR code or an error: the screenshot, and what it found. */
async function pageQr(tab: Page): Promise<{ png: Buffer; target?: string; error?: string; text: string }> {
  const deadline = Date.now() + QR_WAIT_MS;
  for (;;) {
    const refusal = await pageError(tab);
    if (refusal) {
      return { png: await tab.screenshot({ fullPage: true, timeout: 5000 }), error: `${refusal.errno ? `errno ${refusal.errno}: ` : ''}${refusal.message}`, text: refusal.message };
    }
    const png = await tab.screenshot({ fullPage: true, timeout: 5000 });
    const target = decodeQr(png) ?? undefined;
    if (target || Date.now() > deadline) {
      return { png, target, text: await pageText(tab.locator('body'), 300) };
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** --scan: the QR in the terminal for the admin's Baidu App; then Baidu sends this browser to the TP's callback. */
async function scan(tab: Page, target: string, redirect: string, waitS: number, findings: Findings): Promise<number> {
  const out = (line: string) => findings.line(line);
  const callback = new URL(redirect);
  const isCallback = (u: URL) => u.origin === callback.origin && u.pathname === callback.pathname;
  const answered = tab.waitForResponse((r) => r.request().isNavigationRequest() && r.frame() === tab.mainFrame() && isCallback(new URL(r.url())), { timeout: waitS * 1000 });
  answered.catch(() => {});
  out(await QRCode.toString(target, { type: 'terminal', small: true }));
  out(`等待扫码 / WAITING: scan this with the Baidu App as an admin of a mini program on the 授权测试名单, and confirm (up to ${waitS} s)`);
  const res = await answered.catch(() => null);
  if (!res) {
    findings.say('problem', `nobody confirmed within ${waitS} s, or Baidu did not send the browser to ${redirect}`);
    return finish(findings, 'the authorization did not reach the TP');
  }
  const u = new URL(res.url());
  // The 代注册/代创建 flow (type=1, reference §1.4) sends create_authorization_code, maybe alone.
  const code = u.searchParams.get('authorization_code');
  const createCode = u.searchParams.get('create_authorization_code');
  findings.secret(code, createCode);
  out(`回调 / callback → ${u.toString()}: HTTP ${res.status()}`);
  if (code) findings.say('ok', `Baidu sent the authorization code (expires_in ${u.searchParams.get('expires_in') ?? 'not given'})`);
  if (createCode) findings.say('ok', 'Baidu sent a 代创建 authorization code (create_authorization_code: the type=1 flow)');
  if (!code && !createCode) findings.say('problem', 'the callback carries no authorization_code');
  const text = await pageText(tab.locator('body'));
  findings.say(res.status() < 400 ? 'ok' : 'problem', `the TP answered its callback with HTTP ${res.status()}${text ? ` (page text: ${text})` : ''}`
    + (res.status() < 400 ? '; whether it exchanged the code shows in its own logs and in app/info' : ': it refused the authorization code'));
  return finish(findings, 'the TP did not take the authorization');
}

function finish(findings: Findings, failure: string): number {
  if (!findings.failed) return 0;
  process.stderr.write(`preflight probe: ${failure}: see the problems above\n`);
  return 1;
}
