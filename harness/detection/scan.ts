// Scan authorization as an admin does it: a desktop browser opens the TP's 授权发起页 and follows it to Baidu's
// authorization page; a second, mobile-emulated context plays the admin's phone — it decodes the QR from a
// screenshot, opens it, picks the test mini-program, ticks the permission sets and confirms; the desktop then follows
// the redirect to the TP's callback. The authorization step scans once; the probes scan again with the same sets
// (a re-authorization that pushes nothing), through the 授权发起页 as a real admin would, so a TP that puts a
// one-time state in its redirect_uri is judged on a callback it issued.
// TP faults are recorded in `obs`, not thrown: the checks judge them, so the run goes on.
import { devices, type Browser, type Page, type TestInfo } from '@playwright/test';
import { scrubUrl, type AuthorizationObservations } from './observations.ts';
import { decodeQr } from './qr.ts';
import { openStartPage, pageError } from './startPage.ts';
import { AUTH_PAGE } from './runEnv.ts';

/** What one scan saw, step by step (filled in as it goes, so a scan that throws still leaves what it got to). */
export type ScanObservations = Pick<AuthorizationObservations, 'appId' | 'startPage' | 'authorizationPage' | 'qr' | 'mobile' | 'callback' | 'durationsMs'>;

export function newScanObservations(authStart: string): ScanObservations {
  return {
    appId: null,
    startPage: { url: authStart, status: null },
    authorizationPage: { reached: false },
    qr: { decoded: false },
    mobile: { confirmed: false },
    callback: { reached: false },
    durationsMs: {},
  };
}

export interface Scan {
  /** The desktop page the admin starts from (its context holds the admin's cookies for the TP's site). */
  page: Page;
  /** Where the phone's context is opened. */
  browser: Browser;
  emulatorUrl: string;
  /** The TP's 授权发起页. */
  authStart: string;
  appId: number;
  /** The permission sets the admin leaves ticked. */
  grant: string[];
  obs: ScanObservations;
  /** A named part of the scan (a Playwright step in a setup, so that every report shows where a scan stopped). */
  step<T>(title: string, fn: () => Promise<T>): Promise<T>;
  /** Evidence: a screenshot of either page. */
  shot(page: Page, name: string): Promise<void>;
}

/**
 * Where a scan stopped short of a confirmation on the phone, and why: the first error recorded, named by the page it
 * stopped at; undefined if it did not stop.
 */
export function whereScanStopped(obs: ScanObservations): string | undefined {
  if (obs.startPage.error) return `at the TP's 授权发起页 ${obs.startPage.url}: ${obs.startPage.error}`;
  if (obs.authorizationPage.error) return `at Baidu's authorization page (errno ${obs.authorizationPage.errno}): ${obs.authorizationPage.error}`;
  if (obs.qr.error) return `at the QR code: ${obs.qr.error}`;
  if (obs.mobile.error) return `on the phone (errno ${obs.mobile.errno}): ${obs.mobile.error}`;
  return undefined;
}

/** The same, as the cause of a step or check that needed the scan: `the scan stopped at …`. */
export function scanStopCause(obs: ScanObservations): string | undefined {
  const at = whereScanStopped(obs);
  return at && `the scan stopped ${at}`;
}

/** The TP answered its callback with an error status: it refused the authorization code the callback carried. */
export function callbackRefused(obs: ScanObservations): boolean {
  return obs.callback.reached && (obs.callback.status ?? 0) >= 400;
}

/** The answer of the TP's callback, in a few words: `HTTP 200`, or why there was none. */
export function callbackAnswer(obs: ScanObservations): string {
  return obs.callback.reached ? `HTTP ${obs.callback.status ?? '(no status)'}` : `no answer (${obs.callback.error ?? 'the scan stopped before it'})`;
}

/**
 * The `shot` of a scan in a setup step: a screenshot attached to the step and listed in `into` (the checks attach it
 * again as their evidence), named with `prefix`. CSS pixels: the phone's 2.6× device pixels would cost a quarter of a
 * second per shot and show nothing more.
 */
export function screenshotsTo(into: { name: string; path: string }[], info: TestInfo, prefix = ''): Scan['shot'] {
  return async (page, name) => {
    const file = info.outputPath(`${prefix}${name}.png`);
    await page.screenshot({ path: file, scale: 'css' }).catch(() => {});
    into.push({ name: `${prefix}${name}`, path: file });
    await info.attach(`${prefix}${name}`, { path: file, contentType: 'image/png' }).catch(() => {});
  };
}

export async function scanAuthorization(s: Scan): Promise<void> {
  const { obs } = s;
  // The admin's tab: the one the 授权发起页 opened, when it opened Baidu's page in a new one.
  let page = s.page;
  const timed = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const t = performance.now();
    try {
      return await fn();
    } finally {
      obs.durationsMs[name] = Math.round(performance.now() - t);
    }
  };
  const authPage = new URL(AUTH_PAGE, s.emulatorUrl).toString();
  let reached = false;
  // The Pixel 7's mobile user agent, viewport and touch, at one device pixel per CSS pixel: the phone talks only to
  // Baidu's page, and rendering it at 2.6× cost a third of a second of the run's CPU for nothing anyone checks.
  // Opened while the desktop follows the 授权发起页: a context and its renderer take a tenth of a second to start.
  const phone = s.browser.newContext({ ...devices['Pixel 7'], deviceScaleFactor: 1 });
  const phonePage = phone.then((c) => c.newPage());
  phonePage.catch(() => {});
  const closePhone = async () => (await phone.catch(() => undefined))?.close();

  try {
    await s.step('open the 授权发起页', () => timed('startPage', async () => {
      const visit = await openStartPage(page, s.authStart, authPage);
      page = visit.tab;
      reached = visit.reached;
      obs.startPage.status = visit.status;
      if (visit.newTab) obs.startPage.newTab = true;
      // Thrown, so that the step shows where the scan stopped in every report.
      if (visit.error) throw new Error(visit.error);
    })).catch((e: Error) => {
      obs.startPage.error = e.message.split('\n')[0];
    });
    await s.shot(page, 'start-or-authorization-page');
    if (!reached) return;

    obs.authorizationPage = { reached: true, url: scrubUrl(page.url()) };
    const refusal = await pageError(page);
    if (refusal) {
      obs.authorizationPage.errno = refusal.errno;
      obs.authorizationPage.error = refusal.message;
      return;
    }

    const target = await s.step('decode the QR code from a screenshot', () => timed('qr', async () => decodeQr(await page.locator('#auth-qrcode').screenshot())));
    if (!target) {
      obs.qr.error = 'no QR code could be decoded from the authorization page';
      return;
    }
    obs.qr = { decoded: true, target: scrubUrl(target) };

    // Listen before confirming: the desktop page may follow the redirect while the phone is still answering.
    const callbackResponse = page.waitForResponse(
      (r) => r.request().isNavigationRequest() && r.frame() === page.mainFrame() && !r.url().startsWith(s.emulatorUrl),
      { timeout: 15_000 },
    );
    callbackResponse.catch(() => {});
    try {
      const mobile = await phonePage;
      await s.step('confirm on the phone', () => timed('mobile', async () => {
        await mobile.goto(target);
        await mobile.locator('#app-select').selectOption(String(s.appId));
        // The admin may untick sets (PREFLIGHT_GRANT): a partial grant the TP must learn from app/info's auth_info.
        // One read of every box, then a tap only where the admin changes something (each tap is a round trip).
        const boxes = await mobile.locator('input[name=scope]').evaluateAll((els) => els.map((e) => [(e as HTMLInputElement).value, (e as HTMLInputElement).checked] as const));
        for (const [value, checked] of boxes) {
          const want = s.grant.includes(value);
          if (want !== checked) await mobile.locator(`input[name=scope][value="${value}"]`).setChecked(want);
        }
        await s.shot(mobile, 'phone-confirmation');
        await mobile.locator('#confirm').click();
        await mobile.waitForLoadState();
      }));
      const refused = await pageError(mobile);
      if (refused) {
        obs.mobile = { confirmed: false, errno: refused.errno, error: refused.message };
        return;
      }
      obs.mobile.confirmed = true;
      obs.appId = s.appId;
    } finally {
      await closePhone();
    }

    await s.step('follow the redirect to the TP callback', () => timed('callback', async () => {
      const res = await callbackResponse;
      await page.waitForLoadState();
      obs.callback = { reached: true, url: scrubUrl(res.url()), status: res.status(), text: (await page.locator('body').innerText()).slice(0, 300) };
    })).catch((e: Error) => {
      obs.callback = { reached: false, error: e.message.split('\n')[0] };
    });
    await s.shot(page, 'tp-callback');
  } finally {
    await closePhone();
  }
}
