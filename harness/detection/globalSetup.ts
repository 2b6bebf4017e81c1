// Starts the servers of a detection run once, before any project (they must outlive the setup project, whose state
// the checks depend on — Playwright's auth-setup pattern). The emulator runs in the runner process; the TP under test
// runs in its own process or is the team's own server; Chromium runs as a browser server the setup worker connects to.
import { mkdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { chromium, type BrowserServer, type FullConfig } from '@playwright/test';
import { displayPath, parseConfig, pushIdentifierOf, type Config } from '../config.ts';
import { startEmulator } from '../emulator/index.ts';
import { launchTp, REFERENCE_ENTRY, reserveSocket, urlsFromBase, type LaunchedTp, type TpUrls } from '../platform/launch.ts';

import { chromiumExecutable, publishBrowser, withdrawBrowser } from './chromium.ts';
import { scanBrowserStatePath } from './observations.ts';
import { pruneRuns, runsRoot, savePushes } from './runs.ts';
import { RUN_ENV } from './runEnv.ts';
import { saveTimeline, timelineRows } from './timeline.ts';

export default async function globalSetup(pw: FullConfig): Promise<() => Promise<void>> {
  const config = parseConfig(process.env);
  const runDir = process.env[RUN_ENV.runDir] ?? path.join(runsRoot(), process.env[RUN_ENV.runId] ?? 'local');
  mkdirSync(runDir, { recursive: true });
  process.env[RUN_ENV.runDir] = runDir;
  pruneRuns(runDir, config.keepRuns);

  // Chromium starts while the TP boots and Playwright starts the setup worker (each takes most of a second on 2 cores):
  // nothing here waits for it — the worker's browser fixture connects once the endpoint is published in the run
  // folder (chromium.ts), instead of launching its own.
  withdrawBrowser(runDir);
  const browser = launchBrowser(pw, config).then(
    (server) => {
      if (server) publishBrowser(runDir, { wsEndpoint: server.wsEndpoint() });
      return server;
    },
    (e: Error) => {
      publishBrowser(runDir, { error: e.message.split('\n')[0]! });
      return undefined;
    },
  );
  try {
    const stopServers = await startServers(config, runDir);
    return async () => {
      const server = await browser;
      withdrawBrowser(runDir);
      // The admin's browser state holds the TP's session cookies: needed only within the run (the probes' second scan).
      rmSync(scanBrowserStatePath(runDir), { force: true });
      await Promise.all([stopServers(), server?.close()]);
    };
  } catch (e) {
    await (await browser)?.close();
    withdrawBrowser(runDir);
    throw e;
  }
}

/** The emulator and the TP under test, with the TP registered and its first ticket pushed; gives back their teardown. */
async function startServers(config: Config, runDir: string): Promise<() => Promise<void>> {
  const em = await startEmulator({ seed: config.seed, ticketIntervalS: config.ticketIntervalS, pushTimeoutMs: Math.max(5000, config.pushBudgetMs * 2), port: config.emulatorPort,
    weeklyAuditQuota: config.auditQuota, auditDelayMs: config.auditDelayMs, httpsPort: config.emulatorHttpsPort });
  let tpUrls: TpUrls;
  // The harness's own TP boots (most of a second) while Playwright starts the first worker: its socket is bound now so
  // its URLs are known, and the emulator's side door holds the worker's first call until it listens (Emulator.startup).
  let launched: Promise<LaunchedTp | undefined> = Promise.resolve(undefined);
  if (config.platform === 'external') {
    tpUrls = { authEvent: config.tpUrls.authEvent!, messageEvent: config.tpUrls.messageEvent!, authStart: config.tpUrls.authStart!, hook: config.tpUrls.hook };
    // The one address a team's TP must be configured with; a TP still calling openapi.baidu.com shows up only as
    // "the TP never called …" otherwise.
    process.stdout.write(`百度模拟 / emulator: ${em.url} — point your TP's Baidu base URL (OpenAPI and the authorization page) here\n`);
    // A TP that is not running shows up as several failed checks; one line first names the cause.
    for (const line of await unreachable(tpUrls)) process.stdout.write(`${line}\n`);
  } else {
    const entry = config.referenceEntry ?? REFERENCE_ENTRY;
    // Another TP than the reference one: said at once, so that a run's result is never read as the reference TP's.
    if (config.referenceEntry) process.stdout.write(`被测平台 / TP under test: ${displayPath(config.referenceEntry)} (PREFLIGHT_REFERENCE_ENTRY)\n`);
    const socket = await reserveSocket();
    tpUrls = urlsFromBase(`http://127.0.0.1:${socket.port}`);
    tpUrls.hook = config.tpUrls.hook ?? tpUrls.hook;
    launched = launchTp(entry, config, em.url, { socket });
  }
  em.emu.registerTp({
    clientId: config.tp.clientId,
    tpAppId: config.tp.tpAppId,
    name: '预检第三方平台',
    messageToken: config.tp.messageToken,
    encodingAesKey: config.tp.encodingAesKey,
    authEventUrl: tpUrls.authEvent,
    messageEventUrl: tpUrls.messageEvent,
    authStartDomain: new URL(tpUrls.authStart).host,
    testAppIds: config.testAppIds,
    permissionSets: config.permissionSets,
    pushIdentifier: pushIdentifierOf(config),
  });
  // Baidu pushes a ticket as soon as a TP is live; a TP can do nothing before its first one.
  em.emu.startup = launched.then(() => em.emu.pushTicket(config.tp.clientId));
  em.emu.startup.catch(() => {});

  process.env[RUN_ENV.emulatorUrl] = em.url;
  process.env[RUN_ENV.tpUrls] = JSON.stringify(tpUrls);
  return async () => {
    await em.emu.idle();
    // What a reviewer needs to re-send any push of this run to the TP later (`npx preflight push replay <seq> --run`):
    // the sealed envelopes only (ciphertext and signature, no plaintext secrets), kept under .preflight/, not reports/.
    savePushes(runDir, em.emu.ledger.raw());
    // The whole exchange, redacted, for the report's timeline (the reporter reads it after this teardown).
    saveTimeline(runDir, timelineRows(em.emu.ledger.redacted()));
    await Promise.all([launched.then((tp) => tp?.stop(), () => {}), em.stop()]);
  };
}

const VARIABLE_OF: Record<keyof TpUrls, string> = { authEvent: 'TP_AUTH_EVENT_URL', messageEvent: 'TP_MESSAGE_EVENT_URL', authStart: 'TP_AUTH_START_URL', hook: 'TP_HOOK_URL' };

/** One line per host:port of the TP's URLs that accepts no connection (within a second), naming its variables. */
async function unreachable(urls: TpUrls): Promise<string[]> {
  const byOrigin = new Map<string, { host: string; port: number; vars: string[] }>();
  for (const [key, url] of Object.entries(urls) as [keyof TpUrls, string | undefined][]) {
    if (!url) continue;
    const u = new URL(url);
    const port = Number(u.port || (u.protocol === 'https:' ? 443 : 80));
    const at = byOrigin.get(u.host) ?? { host: u.hostname.replace(/^\[|\]$/g, ''), port, vars: [] };
    at.vars.push(VARIABLE_OF[key]);
    byOrigin.set(u.host, at);
  }
  const lines = await Promise.all([...byOrigin.values()].map(({ host, port, vars }) => new Promise<string | undefined>((resolve) => {
    const socket = net.connect({ host, port, timeout: 1000 });
    const done = (why?: string) => {
      socket.destroy();
      resolve(why && `注意 / note: nothing answers at ${host}:${port} (${vars.join(', ')}): ${why} — is your TP running there?`);
    };
    socket.once('connect', () => done());
    socket.once('timeout', () => done('no connection within 1 s'));
    socket.once('error', (e: NodeJS.ErrnoException) => done(e.code ?? e.message));
  })));
  return lines.filter((l): l is string => !!l);
}

/**
 * Launches the run's Chromium with the options the config gives the workers (`--headed` included). Undefined when a
 * remote browser is configured (PW_TEST_CONNECT_WS_ENDPOINT: Playwright's own fixture connects to it); rejects when
 * it cannot start here — the worker then launches on its own, and the authorization step reports why that failed.
 */
async function launchBrowser(pw: FullConfig, config: Config): Promise<BrowserServer | undefined> {
  if (process.env.PW_TEST_CONNECT_WS_ENDPOINT) return undefined;
  const use = pw.projects[0]?.use ?? {};
  const headless = use.headless ?? use.launchOptions?.headless ?? true;
  // The config names the full browser (what `--headed` and a worker's own launch need); a headless run takes
  // Debian's headless shell when it is installed and CHROMIUM_PATH does not say otherwise.
  const executablePath = headless ? chromiumExecutable(config.chromiumPath, { headless }) : use.launchOptions?.executablePath;
  // No signal handlers of its own: on Ctrl-C (or the SIGTERM `preflight run` turns into one) Playwright stops the run,
  // writes the report and runs the teardown that closes this browser; Playwright-core's default handler would exit
  // the runner first, and the report of the run so far would be lost.
  const server = await chromium.launchServer({
    timeout: 30_000, ...use.launchOptions, executablePath, headless,
    handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false,
  });
  // For the report's versions (the reporter runs in this process); only a browser that started names itself.
  process.env[RUN_ENV.browserExecutable] = executablePath ?? "Playwright's own";
  return server;
}
