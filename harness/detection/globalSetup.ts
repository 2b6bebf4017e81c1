// Starts the two servers of a detection run once, before any project (they must outlive the authorization setup
// project, whose state the permission-set projects depend on — Playwright's auth-setup pattern). The emulator runs
// in the runner process; the TP under test runs in its own process or is the team's own server.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { FullConfig } from '@playwright/test';
import { parseConfig } from '../config.ts';
import { startEmulator } from '../emulator/index.ts';
import { launchTp, REFERENCE_ENTRY, type TpUrls } from '../platform/launch.ts';

import { RUN_ENV } from './runEnv.ts';

export default async function globalSetup(_pw: FullConfig): Promise<() => Promise<void>> {
  const config = parseConfig(process.env);
  const runDir = process.env[RUN_ENV.runDir] ?? path.resolve('.preflight', 'runs', process.env[RUN_ENV.runId] ?? 'local');
  mkdirSync(runDir, { recursive: true });
  process.env[RUN_ENV.runDir] = runDir;

  const em = await startEmulator({ seed: config.seed, ticketIntervalS: config.ticketIntervalS, pushTimeoutMs: Math.max(5000, config.pushBudgetMs * 2), port: config.emulatorPort,
    weeklyAuditQuota: config.auditQuota, auditDelayMs: config.auditDelayMs, httpsPort: config.emulatorHttpsPort });
  let tpUrls: TpUrls;
  let stopTp = async () => {};
  if (config.platform === 'external') {
    tpUrls = { authEvent: config.tpUrls.authEvent!, messageEvent: config.tpUrls.messageEvent!, authStart: config.tpUrls.authStart!, hook: config.tpUrls.hook };
  } else {
    const entry = process.env.PREFLIGHT_REFERENCE_ENTRY ? path.resolve(process.env.PREFLIGHT_REFERENCE_ENTRY) : REFERENCE_ENTRY;
    const tp = await launchTp(entry, config, em.url);
    tpUrls = { ...tp.urls, hook: config.tpUrls.hook ?? tp.urls.hook };
    stopTp = tp.stop;
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
  });
  // Baidu pushes a ticket as soon as a TP is live; a TP can do nothing before its first one.
  await em.emu.pushTicket(config.tp.clientId);

  process.env[RUN_ENV.emulatorUrl] = em.url;
  process.env[RUN_ENV.tpUrls] = JSON.stringify(tpUrls);
  return async () => {
    await em.emu.idle();
    // What a reviewer needs to re-send any push of this run to the TP later (`npx preflight push replay <seq> --run`):
    // the sealed envelopes only (ciphertext and signature, no plaintext secrets), kept under .preflight/, not reports/.
    const pushes = em.emu.ledger.raw().filter((e) => e.dir === 'push').map((p) => ({ seq: p.seq, event: p.event, url: p.url, envelope: p.envelope, target: p.target }));
    writeFileSync(path.join(runDir, 'pushes.json'), JSON.stringify(pushes, null, 1));
    await Promise.all([stopTp(), em.stop()]);
  };
}
