// `preflight probe start-page --to <授权发起页>`: the first link of the authorization chain, live. It opens a deployed
// TP's 授权发起页 in Chromium as an admin does and follows it to Baidu's real authorization page — the one part of the
// chain a team can check against Baidu itself before 全网发布, with no Baidu account in the harness: the TP asks for
// the pre-auth code with its own credentials. It judges what Baidu will judge (reference §1.3): client_id,
// pre_auth_code and redirect_uri in the URL, redirect_uri and the Referer on the 授权发起页域名, and whether Baidu's
// page then shows a QR code or an error. A common slip it names: a TP still sending admins to the emulator.
// With --scan it shows the QR in the terminal for an admin's Baidu App and waits for Baidu to send the browser to the
// TP's callback (WAITING on a person, as Baidu's own detection does), then reports the TP's answer.
// Nothing is changed at Baidu by looking: a pre-auth code that is never scanned expires by itself.
// Exit codes: 0 Baidu's page shows a QR code (and, with --scan, the TP answered its callback), 1 not, 2 a usage error.
import { writeFileSync } from 'node:fs';
import { config as loadDotenv } from 'dotenv';
import { chromium, type Page } from 'playwright';
import QRCode from 'qrcode';
import { underAuthStartDomain } from '../baidu/authStartDomain.ts';
import { CHROMIUM_ARGS, chromiumExecutable } from '../detection/chromium.ts';
import { scrubUrl } from '../detection/observations.ts';
import { decodeQr } from '../detection/qr.ts';
import { AUTH_PAGE } from '../detection/runEnv.ts';
import { openStartPage } from '../detection/scan.ts';

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

type Verdict = 'ok' | 'warning' | 'problem';

/** One line per finding, as the echoStr probe prints them; the worst decides the exit code. */
class Findings {
  private worst: Verdict = 'ok';
  constructor(private readonly out: (line: string) => void) {}
  say(verdict: Verdict, what: string): void {
    if (verdict === 'problem' || (verdict === 'warning' && this.worst === 'ok')) this.worst = verdict;
    this.out(`  ${verdict === 'ok' ? 'ok' : verdict === 'warning' ? 'warning' : 'problem'}: ${what}`);
  }
  get failed(): boolean {
    return this.worst === 'problem';
  }
}

export async function probeStartPage(o: StartPageOptions): Promise<number> {
  loadDotenv({ quiet: true });
  const out = (line: string) => void process.stdout.write(`${line}\n`);
  const findings = new Findings(out);
  const baidu = new URL(o.baidu ?? BAIDU).origin;
  const authPage = new URL(AUTH_PAGE, baidu).toString();
  const clientId = o.clientId ?? process.env.TP_CLIENT_ID;
  const startHost = new URL(o.to).host;
  const domain = o.authDomain;
  /** Whether `url` is where Baidu accepts it: on the registered 授权发起页域名, or — not given — on the start page's host. */
  const onDomain = (url: string | undefined) => underAuthStartDomain(url, domain ?? startHost);
  const domainWords = domain ? `the 授权发起页域名 ${domain}` : `the start page's host ${startHost}`;

  const browser = await chromium.launch({ executablePath: chromiumExecutable(process.env.CHROMIUM_PATH, { headless: true }), args: CHROMIUM_ARGS, headless: true });
  try {
    const page = await browser.newPage();
    // The Referer Baidu's page was asked with: a 授权发起页 with referrerpolicy="no-referrer" sends none, and Baidu refuses.
    let referer: string | undefined;
    const onRequest = (r: import('playwright').Request) => {
      if (r.isNavigationRequest() && new URL(r.url()).pathname === AUTH_PAGE) referer = r.headers().referer;
    };
    page.context().on('request', onRequest);
    const visit = await openStartPage(page, o.to, authPage, { anyHost: true });
    out(`授权发起页 / start page → ${o.to}: ${visit.status === null ? 'no answer' : `HTTP ${visit.status}`}`);
    if (!visit.reached) {
      findings.say('problem', `it did not lead to Baidu's authorization page: ${visit.error ?? 'no reason recorded'}`);
      return finish(findings, 'an admin cannot start the authorization from this page');
    }
    const tab = visit.tab;
    const at = new URL(tab.url());
    out(`  → ${scrubUrl(at.toString())}${visit.newTab ? ' (in a new tab)' : ''}`);
    if (at.origin !== baidu) {
      findings.say('problem', `that is the authorization page of ${at.origin}, not Baidu's (${baidu}): `
        + 'a TP still configured for the emulator? Point its Baidu base URL (the smartprogram host) back at Baidu');
      return finish(findings, 'admins would be sent to the wrong authorization page');
    }

    // reference §1.3: client_id, pre_auth_code and redirect_uri, all required.
    const q = at.searchParams;
    const sent = q.get('client_id');
    if (!sent) findings.say('problem', 'no client_id in the URL: Baidu cannot tell whose authorization this is');
    else if (clientId && sent !== clientId) findings.say('problem', `client_id is ${sent}, not the TP's Key ${clientId} (--client-id / TP_CLIENT_ID)`);
    else findings.say('ok', clientId ? 'client_id is the TP\'s Key' : `client_id ${sent} (not compared: set TP_CLIENT_ID or --client-id)`);
    findings.say(q.get('pre_auth_code') ? 'ok' : 'problem', q.get('pre_auth_code')
      ? 'pre_auth_code present (Baidu\'s page says below whether it is valid: it is single use and expires)'
      : 'no pre_auth_code in the URL: get one with createpreauthcode for every visit');
    const redirect = q.get('redirect_uri');
    if (!redirect || !/^https?:\/\/[^/]/.test(redirect)) findings.say('problem', `redirect_uri ${redirect ? `"${redirect}" is not an http(s) URL` : 'missing'}: Baidu has nowhere to send the authorization code`);
    else if (onDomain(redirect)) findings.say('ok', `redirect_uri ${scrubUrl(redirect)} is on ${domainWords}`);
    else findings.say(domain ? 'problem' : 'warning', `redirect_uri ${scrubUrl(redirect)} is not on ${domainWords}: Baidu accepts it only on the registered 授权发起页域名 or a subdomain`);
    if (!referer) findings.say('problem', 'the browser sent Baidu\'s page no Referer: Baidu requires one from the 授权发起页域名 (a referrerpolicy of no-referrer on the page or its link?)');
    else if (onDomain(referer)) findings.say('ok', `Referer ${referer} is on ${domainWords}`);
    else findings.say(domain ? 'problem' : 'warning', `Referer ${referer} is not on ${domainWords}`);
    if (!domain) out('  note: redirect_uri and Referer judged against the start page\'s host; pass --auth-domain <授权发起页域名> to judge them against the domain registered with Baidu');

    // What Baidu's page shows. The emulator marks a refusal with #error; Baidu's own page is not documented
    // (reference §8.11), so a page without a QR code is reported with its text.
    const qr = await pageQr(tab);
    if (o.screenshot) writeFileSync(o.screenshot, qr.png);
    if (qr.error) findings.say('problem', `Baidu's page refused the authorization: ${qr.error}`);
    else if (!qr.target) findings.say('problem', `Baidu's page shows no QR code within ${QR_WAIT_MS / 1000} s (page text: ${qr.text || '(none)'})`);
    else findings.say('ok', 'Baidu\'s page shows a QR code');
    if (findings.failed || !qr.target) return finish(findings, 'an admin cannot authorize from this page');
    if (!o.scan) {
      out('ready: an admin can scan from here — add --scan to scan it now with the Baidu App and follow it to your callback');
      return 0;
    }
    return await scan(tab, qr.target, redirect!, o.waitS, findings, out);
  } finally {
    await browser.close();
  }
}

/** Waits up to QR_WAIT_MS for Baidu's page to show a QR code or an error: the screenshot, and what it found. */
async function pageQr(tab: Page): Promise<{ png: Buffer; target?: string; error?: string; text: string }> {
  const deadline = Date.now() + QR_WAIT_MS;
  for (;;) {
    const error = tab.locator('#error');
    if (await error.count().catch(() => 0)) {
      const errno = await error.getAttribute('data-errno').catch(() => null);
      const text = (await error.innerText().catch(() => '')).replace(/\s+/g, ' ').trim();
      return { png: await tab.screenshot({ fullPage: true }), error: `${errno ? `errno ${errno}: ` : ''}${text}`, text };
    }
    const png = await tab.screenshot({ fullPage: true });
    const target = decodeQr(png) ?? undefined;
    if (target || Date.now() > deadline) {
      const text = (await tab.locator('body').innerText().catch(() => '')).replace(/\s+/g, ' ').trim().slice(0, 300);
      return { png, target, text };
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** --scan: the QR in the terminal for the admin's Baidu App; then Baidu sends this browser to the TP's callback. */
async function scan(tab: Page, target: string, redirect: string, waitS: number, findings: Findings, out: (line: string) => void): Promise<number> {
  const callback = new URL(redirect);
  const isCallback = (u: URL) => u.origin === callback.origin && u.pathname === callback.pathname;
  const answered = tab.waitForResponse((r) => r.request().isNavigationRequest() && r.frame() === tab.mainFrame() && isCallback(new URL(r.url())), { timeout: waitS * 1000 });
  answered.catch(() => {});
  out(await QRCode.toString(target, { type: 'terminal', small: true }));
  out(`等待扫码 / WAITING: scan this with the Baidu App as an admin of a mini program on the 授权测试名单, and confirm (up to ${waitS} s)`);
  const res = await answered.catch(() => null);
  if (!res) {
    findings.say('problem', `nobody confirmed within ${waitS} s, or Baidu did not send the browser to ${scrubUrl(redirect)}`);
    return finish(findings, 'the authorization did not reach the TP');
  }
  const u = new URL(res.url());
  out(`回调 / callback → ${scrubUrl(u.toString())}: HTTP ${res.status()}`);
  findings.say(u.searchParams.get('authorization_code') ? 'ok' : 'problem', u.searchParams.get('authorization_code')
    ? `Baidu sent the authorization code (expires_in ${u.searchParams.get('expires_in') ?? 'not given'})`
    : 'the callback carries no authorization_code');
  const text = (await tab.locator('body').innerText().catch(() => '')).replace(/\s+/g, ' ').trim().slice(0, 200);
  findings.say(res.status() < 400 ? 'ok' : 'problem', `the TP answered its callback with HTTP ${res.status()}${text ? ` (page text: ${text})` : ''}`
    + (res.status() < 400 ? '; whether it exchanged the code shows in its own logs and in app/info' : ': it refused the authorization code'));
  return finish(findings, 'the TP did not take the authorization');
}

function finish(findings: Findings, failure: string): number {
  if (!findings.failed) return 0;
  process.stderr.write(`preflight probe: ${failure}: see the problems above\n`);
  return 1;
}
