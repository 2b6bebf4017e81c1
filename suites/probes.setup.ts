// Probes beyond Baidu's detection (issue 4 §3), a setup project that runs once every permission set has exercised
// the app: inject the faults a TP meets in production — a genuine ticket sealed with the TP's other identity, a
// forged push, a replayed push, a transient Baidu error, an authorizer token that expires early, a re-authorization
// without a push (the admin scans again) and one with, a restart, a cancelled authorization — and record when each happened
// (probes.spec.ts judges).
import { existsSync } from 'node:fs';
import { asSetupStep, test as setup } from '../fixtures/index.ts';
import { loadObservations, saveObservations, scanBrowserStatePath, type ProbeObservations } from '../harness/detection/observations.ts';
import { configSecrets } from '../harness/config.ts';
import { authorizedApp, hookAsker, settleAfterReauthorization, until } from '../harness/detection/exercise.ts';
import { stepsBefore } from '../harness/detection/selection.ts';
import { callbackRefused, newScanObservations, scanAuthorization, screenshotsTo } from '../harness/detection/scan.ts';

setup('inject faults into the TP', asSetupStep('authorization', 'probes'), async ({ run, browser }) => {
  const { config, emulator } = run;
  const clientId = config.tp.clientId;
  // The setup project runs its files in name order in one worker (playwright.config.ts): the probes come last, after
  // the scan and every selected set's exercise. Injecting faults earlier would blame the sets' checks for them.
  // Only the steps this run needs: a rerun of probe checks alone leaves the sets' exercises out (selection.ts).
  const before = stepsBefore('probes', config.permissionSets).filter((step) => run.needs(step));
  const last = () => emulator.lastSeq();
  // First the emulator: a TP that never started fails every step with that one cause, this one too.
  const start = await last();
  const missing = before.filter((name) => !loadObservations(run.runDir, name));
  if (missing.length) throw new Error(`the probes stand on ${missing.join(', ')}, which recorded nothing: see that step's error`);
  const { appId, why } = authorizedApp(run);
  const obs: ProbeObservations = { appId, skipped: why, start, marks: {}, hook: {} };
  const mark = async (name: string) => void (obs.marks[name] = await last());
  // The first scan's browser state (the TP's session cookies): the probes open the TP's pages as that admin.
  const statePath = scanBrowserStatePath(run.runDir);
  const adminContext = () => browser.newContext({ storageState: existsSync(statePath) ? statePath : undefined });
  // Once the hook has hung, here or in a set's exercise, it is not asked again (hookAsker).
  const ask = hookAsker(run, 'probes');
  const hook = async (name: string) => void (obs.hook[name] = await ask({
    action: 'read-app-info', appId: appId!, waitS: 0, satisfied: async () => false,
    instructions: 'read app/info for the app (optional hook action used by probes)', log: () => {},
  }));
  try {
    // Baidu does not document which of the TP's identities follows the message in a push (reference §2.4): a genuine
    // ticket sealed with the one this run's pushes do not use. The forged push's trigger below then shows which
    // ticket the TP kept — this one, unless it depends on the identifier (probe.push-identifier-tolerant).
    const other = config.pushIdentifier === 'tpAppId' ? 'clientId' : 'tpAppId';
    await setup.step(`a genuine ticket sealed with the ${other} as its trailing identifier`, async () => {
      await mark('identifier');
      obs.identifier = other;
      await emulator.pushTicket(clientId, other);
    });
    await setup.step('forged ticket push, then the TP must fetch a new TP token', async () => {
      await mark('forged');
      await emulator.probe('push/forged-ticket', { clientId });
      await emulator.probe('tp/revoke-tokens', { clientId });
      // Anything needing a TP token will do; the 授权发起页 asks for a pre-auth code. Opened as the admin would (the
      // scan's browser state, scripts run), so a page behind the TP's session or fetching by script gets there too.
      const context = await adminContext();
      try {
        const res = await (await context.newPage()).goto(run.tpUrls.authStart, { referer: new URL(run.tpUrls.authStart).origin + '/', timeout: 10_000 });
        obs.forgedTrigger = { status: res?.status() ?? null };
        // A page that asks by script does so after loading: a moment for it.
        if (res && res.status() < 400) await until(async () => (await emulator.calls('authprocess.getTpToken')).some((c) => c.seq > obs.marks.forged!), 1000);
      } catch (e) {
        obs.forgedTrigger = { status: null, error: (e as Error).message.split('\n')[0] };
      } finally {
        await context.close();
      }
      await mark('forgedDone');
      // A genuine ticket again, so a TP that adopted the forged one can recover and the next probes judge their own
      // property, not this one's consequences.
      await emulator.pushTicket(clientId);
    });
    if (!appId) return;

    await setup.step('replay the AUTHORIZED push', async () => {
      const authorized = (await emulator.pushes((p) => p.event === 'AUTHORIZED' && p.facts.appId === appId)).at(-1);
      if (!authorized) return;
      await mark('replay');
      obs.marks.replayOf = authorized.seq;
      await emulator.replay(authorized.seq);
      await new Promise((r) => setTimeout(r, 300));
      await emulator.idle();
      await mark('replayDone');
    });

    // Baidu's gateway answers "service temporarily unavailable" now and then (field notes pain 16): a TP should try
    // a read again rather than fail its customer. Armed only when the hook can make the TP read, and disarmed after,
    // so that no later call meets it.
    if (run.tpUrls.hook) {
      await setup.step('a transient Baidu error (gateway 2) on the TP\'s next call for the app', async () => {
        await mark('transient');
        await emulator.probe('app/transient-error', { clientId, appId, count: 1 });
        try {
          await hook('transient');
        } finally {
          await emulator.probe('app/transient-error', { clientId, appId, count: 0 });
          await mark('transientDone');
        }
      });
    }

    await setup.step('expire the authorizer token early; two concurrent uses', async () => {
      await mark('expire');
      // Baidu answers the refresh slowly for a moment (as over a real network), so both uses fail before any
      // refresh completes: a TP without single-flight refresh then spends its refresh token twice, every time.
      await emulator.probe('app/expire-token', { clientId, appId, slowRefreshMs: 300 });
      await Promise.all([hook('concurrent1'), hook('concurrent2')]);
      await mark('expireDone');
    });

    // Before the set-changing one, so that the sets the first scan granted are still the app's.
    await setup.step('re-authorize with the same permission sets: no push, the new code comes only through the callback', async () => {
      await mark('silentReauth');
      // The admin scans again, through the 授权发起页 (a TP may put a one-time state in its redirect_uri), in the
      // first scan's browser state (the TP's session cookies), so the callback is one the TP itself issued.
      const context = await adminContext();
      const scan = newScanObservations(run.tpUrls.authStart);
      // The sets the first scan granted, so that nothing changes and nothing is pushed.
      const granted = (await emulator.confirmations(appId!)).at(-1)?.granted ?? config.grant;
      const silent: NonNullable<ProbeObservations['silentReauth']> = { scan, generation: null, event: null, screenshots: [] };
      obs.silentReauth = silent;
      try {
        await scanAuthorization({
          page: await context.newPage(), browser, emulatorUrl: emulator.url, authStart: run.tpUrls.authStart, appId: appId!,
          grant: granted, obs: scan,
          step: (title, fn) => setup.step(title, fn), shot: screenshotsTo(silent.screenshots, setup.info(), 'silent-reauthorization-'),
        });
      } finally {
        await context.close();
      }
      // Which code the scan issued, and whether it pushed.
      const confirmed = (await emulator.confirmations(appId!)).filter((p) => p.seq > obs.marks.silentReauth!).at(-1);
      if (confirmed) Object.assign(silent, { generation: confirmed.generation, event: confirmed.event });
      // A TP may exchange after answering: give it the exchange budget, no more — none when it refused the callback.
      if (silent.generation !== null) await settleAfterReauthorization(run, silent.generation, callbackRefused(scan) ? 0 : config.exchangeBudgetMs);
      await hook('afterSilentReauth');
      await mark('silentReauthDone');
    });

    await setup.step('re-authorize with one permission set changed (UPDATE_AUTHORIZED with a new code)', async () => {
      await mark('reauth');
      const { generation } = await emulator.reauthorize(clientId, appId!);
      // The exchange budget, as for the first code (auth.code-exchanged): a TP within it must not be asked too early.
      await settleAfterReauthorization(run, generation, config.exchangeBudgetMs);
      await hook('afterReauth');
      await mark('reauthDone');
    });

    // After a restart (a deploy, a crash) a TP that kept its ticket and tokens only in memory can call nothing until
    // Baidu's next ticket, up to 10 minutes later (field notes pain 8), and has lost every app's refresh token for
    // good (pain 10). The hook's optional `restart` action drops what the TP holds in memory; then the app's token
    // expires at Baidu, so reading app/info needs a refresh — the refresh token, and a TP token or the ticket to get
    // one — with no new ticket pushed.
    if (run.tpUrls.hook) {
      await setup.step('restart the TP, expire its authorizer token, then read app/info without a new ticket', async () => {
        // First a read as things are, so that a TP the earlier probes left unable to read is not blamed on the restart.
        await hook('beforeRestart');
        await mark('restart');
        obs.hook.restart = await ask({
          action: 'restart', appId: appId!, waitS: 0, satisfied: async () => false, log: () => {},
          instructions: 'forget what the TP holds in memory, as a restart of every instance would, and answer once it serves again (optional hook action used by probes)',
        });
        if (obs.hook.restart.outcome === 'done') {
          await emulator.probe('app/expire-token', { clientId, appId });
          await hook('afterRestart');
        }
        await mark('restartDone');
        // Baidu's next ticket, as it comes within 10 minutes: the probes after this one judge their own property.
        await emulator.pushTicket(clientId);
      });
    }

    await setup.step('cancel the authorization (UNAUTHORIZED)', async () => {
      await mark('unauth');
      await emulator.probe('app/unauthorize', { clientId, appId });
      await mark('unauthDone');
    });
  } finally {
    saveObservations(run.runDir, 'probes', obs, configSecrets(run.config));
  }
});
