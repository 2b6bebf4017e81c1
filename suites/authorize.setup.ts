// The authorization step every permission set depends on (Playwright's auth-setup pattern): the admin scans the QR
// code (harness/detection/scan.ts: a desktop browser and a second, mobile-emulated context) and the TP gets its
// exchange budget to use the authorization. TP faults are recorded, not thrown: the checks that depend on this step
// judge them, so the run goes on.
import { asSetupStep, test as setup } from '../fixtures/index.ts';
import { until } from '../harness/detection/exercise.ts';
import { saveObservations, scanBrowserStatePath, type AuthorizationObservations } from '../harness/detection/observations.ts';
import { newScanObservations, scanAuthorization, screenshotsTo } from '../harness/detection/scan.ts';
import { BROWSER_ANNOTATION } from '../harness/detection/runEnv.ts';
import { SeededIds } from '../harness/seed.ts';
import { configSecrets } from '../harness/config.ts';

// What every check but 客服能力权限's stands on: a run whose selected checks need none of it skips it (selection.ts).
setup('authorize a test mini-program by scanning the QR code', asSetupStep('authorization'), async ({ page, browser, run }) => {
  const { config, emulator, tpUrls, runDir } = run;
  // For the report's versions: a reviewer reproducing this run should know which Chromium scanned.
  setup.info().annotations.push({ type: BROWSER_ANNOTATION, description: browser.version() });
  const obs: AuthorizationObservations = {
    ...newScanObservations(tpUrls.authStart),
    ledgerStart: await emulator.lastSeq(),
    screenshots: [],
  };
  const appId = config.testAppIds[new SeededIds(config.seed).int('adminApp', 0, config.testAppIds.length - 1)]!;

  try {
    // A second ticket before anything needs a TP token: the TP must use this newest one (§2.5).
    await setup.step('push a fresh ticket', () => emulator.pushTicket(config.tp.clientId));
    await scanAuthorization({
      page, browser, emulatorUrl: emulator.url, authStart: tpUrls.authStart, appId, grant: config.grant, obs,
      step: (title, fn) => setup.step(title, fn), shot: screenshotsTo(obs.screenshots, setup.info()),
    });
    if (!obs.mobile.confirmed) return;
    // A TP may tie its callback to the session its 授权发起页 opened: the probes' second scan comes in this state.
    obs.browserStateSaved = await page.context().storageState({ path: scanBrowserStatePath(runDir) }).then(() => true, () => false);

    // Give the TP its exchange budget to call oauth/token and app/info; the checks judge what arrived.
    await setup.step('wait for the TP to use the authorization', async () => {
      const t = performance.now();
      await until(async () => (await emulator.calls('authprocess.getAppInfo')).some((c) => c.appId === appId && c.status === 200), config.exchangeBudgetMs);
      await emulator.idle();
      obs.durationsMs.exchange = Math.round(performance.now() - t);
    });
  } finally {
    saveObservations(runDir, 'authorization', obs, configSecrets(config));
  }
});
