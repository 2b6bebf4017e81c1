// The authorization step every permission set depends on (Playwright's auth-setup pattern): a desktop browser opens
// the TP's 授权发起页 and follows it to Baidu's authorization page; a second, mobile-emulated context plays the
// admin's phone — it decodes the QR from a screenshot, opens it, picks the test mini-program and confirms.
// TP faults are recorded, not thrown: the checks that depend on this step judge them, so the run goes on.
import { devices } from '@playwright/test';
import { asSetupStep, test as setup } from '../fixtures/index.ts';
import { until } from '../harness/detection/exercise.ts';
import { saveObservations, scanBrowserStatePath, scrubUrl, type AuthorizationObservations } from '../harness/detection/observations.ts';
import { decodeQr } from '../harness/detection/qr.ts';
import { AUTH_PAGE, BROWSER_ANNOTATION } from '../harness/detection/runEnv.ts';
import { SeededIds } from '../harness/seed.ts';
import { configSecrets } from '../harness/config.ts';

// What every check but 客服能力权限's stands on: a run whose selected checks need none of it skips it (selection.ts).
setup('authorize a test mini-program by scanning the QR code', asSetupStep('authorization'), async ({ page, browser, run }) => {
  const { config, emulator, tpUrls, runDir } = run;
  // For the report's versions: a reviewer reproducing this run should know which Chromium scanned.
  setup.info().annotations.push({ type: BROWSER_ANNOTATION, description: browser.version() });
  const obs: AuthorizationObservations = {
    appId: null,
    startPage: { url: tpUrls.authStart, status: null },
    authorizationPage: { reached: false },
    qr: { decoded: false },
    mobile: { confirmed: false },
    callback: { reached: false },
    ledgerStart: (await emulator.ledger()).at(-1)?.seq ?? 0,
    screenshots: [],
    durationsMs: {},
  };
  const shot = async (p: typeof page, name: string) => {
    const file = setup.info().outputPath(`${name}.png`);
    // CSS pixels: the phone's 2.6× device pixels would cost a quarter of a second per shot and show nothing more.
    await p.screenshot({ path: file, scale: 'css' }).catch(() => {});
    obs.screenshots.push({ name, path: file });
    await setup.info().attach(name, { path: file, contentType: 'image/png' }).catch(() => {});
  };
  const timed = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const t = performance.now();
    try {
      return await fn();
    } finally {
      obs.durationsMs[name] = Math.round(performance.now() - t);
    }
  };
  const appId = config.testAppIds[new SeededIds(config.seed).int('adminApp', 0, config.testAppIds.length - 1)]!;
  const authPage = new URL(AUTH_PAGE, emulator.url).toString();
  const onAuthPage = () => page.url().startsWith(authPage);
  // The Pixel 7's mobile user agent, viewport and touch, at one device pixel per CSS pixel: the phone talks only to
  // Baidu's page, and rendering it at 2.6× cost a third of a second of the run's CPU for nothing anyone checks.
  // Opened while the desktop follows the 授权发起页: a context and its renderer take a tenth of a second to start.
  const phone = browser.newContext({ ...devices['Pixel 7'], deviceScaleFactor: 1 });
  const phonePage = phone.then((c) => c.newPage());
  phonePage.catch(() => {});
  const closePhone = async () => (await phone.catch(() => undefined))?.close();

  try {
    // A second ticket before anything needs a TP token: the TP must use this newest one (§2.5).
    await setup.step('push a fresh ticket', () => emulator.pushTicket(config.tp.clientId));

    await setup.step('open the 授权发起页', () => timed('startPage', async () => {
      // As if the admin came from a page of the TP's own site: the Referer stays on its domain through redirects.
      const res = await page.goto(tpUrls.authStart, { referer: new URL(tpUrls.authStart).origin + '/', timeout: 10_000 });
      obs.startPage.status = res?.status() ?? null;
      if (!onAuthPage()) {
        // An error page is said at once, not after a 5 s wait for a navigation that cannot come.
        if (obs.startPage.status !== null && obs.startPage.status >= 400) throw new Error(`it answered HTTP ${obs.startPage.status}`);
        const reached = () => page.waitForURL((u) => u.toString().startsWith(authPage), { timeout: 5000 }).then(() => true, () => false);
        const link = page.locator(`a[href*="${AUTH_PAGE}"]`).or(page.locator('button, input[type=submit]')).first();
        // Whichever comes first: the page goes on by itself (a script or meta refresh, maybe after fetching a
        // pre_auth_code), or it shows a link or button (maybe rendered late) — then the admin clicks it.
        const first = await Promise.race([
          reached().then((ok) => (ok ? 'reached' : 'nothing')),
          link.waitFor({ timeout: 5000 }).then(() => 'link', () => 'nothing'),
        ]);
        if (first === 'link' && !onAuthPage()) {
          await link.click({ timeout: 5000 }).catch((e: Error) => {
            if (!onAuthPage()) throw e; // the page's own script got there first: fine
          });
          if (!(await reached())) throw new Error(`after a click on its link or button the browser was still at ${scrubUrl(page.url())} 5 s later`);
        } else if (!onAuthPage()) {
          throw new Error(`it neither redirected to ${authPage} within 5 s nor shows a link or button to it`);
        }
      }
    })).catch(async (e: Error) => {
      if (onAuthPage()) return; // it got there after all (a redirect racing the click): nothing went wrong
      const text = (await page.locator('body').innerText().catch(() => '')).replace(/\s+/g, ' ').trim().slice(0, 200);
      obs.startPage.error = `${e.message.split('\n')[0]}${text ? ` (page text: ${text})` : ''}`;
    });
    await shot(page, 'start-or-authorization-page');
    if (!onAuthPage()) return;

    obs.authorizationPage = { reached: true, url: scrubUrl(page.url()) };
    const error = page.locator('#error');
    if (await error.count()) {
      obs.authorizationPage.errno = Number(await error.getAttribute('data-errno'));
      obs.authorizationPage.error = (await error.innerText()).replace(/\s+/g, ' ');
      return;
    }

    const target = await setup.step('decode the QR code from a screenshot', () => timed('qr', async () => {
      const png = await page.locator('#auth-qrcode').screenshot();
      return decodeQr(png);
    }));
    if (!target) {
      obs.qr.error = 'no QR code could be decoded from the authorization page';
      return;
    }
    obs.qr = { decoded: true, target: scrubUrl(target) };

    // Listen before confirming: the desktop page may follow the redirect while the phone is still answering.
    const callbackResponse = page.waitForResponse(
      (r) => r.request().isNavigationRequest() && r.frame() === page.mainFrame() && !r.url().startsWith(emulator.url),
      { timeout: 15_000 },
    );
    callbackResponse.catch(() => {});
    try {
      const mobile = await phonePage;
      await setup.step('confirm on the phone', () => timed('mobile', async () => {
        await mobile.goto(target);
        await mobile.locator('#app-select').selectOption(String(appId));
        // The admin may untick sets (PREFLIGHT_GRANT): a partial grant the TP must learn from app/info's auth_info.
        // One read of every box, then a tap only where the admin changes something (each tap is a round trip).
        const boxes = await mobile.locator('input[name=scope]').evaluateAll((els) => els.map((e) => [(e as HTMLInputElement).value, (e as HTMLInputElement).checked] as const));
        for (const [value, checked] of boxes) {
          const want = config.grant.includes(value);
          if (want !== checked) await mobile.locator(`input[name=scope][value="${value}"]`).setChecked(want);
        }
        await shot(mobile, 'phone-confirmation');
        await mobile.locator('#confirm').click();
        await mobile.waitForLoadState();
      }));
      const mErr = mobile.locator('#error');
      if (await mErr.count()) {
        obs.mobile = { confirmed: false, errno: Number(await mErr.getAttribute('data-errno')), error: (await mErr.innerText()).replace(/\s+/g, ' ') };
        return;
      }
      obs.mobile.confirmed = true;
      obs.appId = appId;
    } finally {
      await closePhone();
    }

    await setup.step('follow the redirect to the TP callback', () => timed('callback', async () => {
      const res = await callbackResponse;
      await page.waitForLoadState();
      obs.callback = { reached: true, url: scrubUrl(res.url()), status: res.status(), text: (await page.locator('body').innerText()).slice(0, 300) };
    })).catch((e: Error) => {
      obs.callback = { reached: false, error: e.message.split('\n')[0] };
    });
    await shot(page, 'tp-callback');
    // A TP may tie its callback to the session its 授权发起页 opened: the probes' later callback comes in this state.
    await page.context().storageState({ path: scanBrowserStatePath(runDir) }).catch(() => {});

    // Give the TP its exchange budget to call oauth/token and app/info; the checks judge what arrived.
    await setup.step('wait for the TP to use the authorization', () => timed('exchange', async () => {
      await until(async () => (await emulator.calls('authprocess.getAppInfo')).some((c) => c.appId === appId && c.status === 200), config.exchangeBudgetMs);
      await emulator.idle();
    }));
  } finally {
    await closePhone();
    saveObservations(runDir, 'authorization', obs, configSecrets(config));
  }
});
