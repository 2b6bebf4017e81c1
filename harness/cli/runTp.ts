// The TP of a finished run, started again so that `preflight push replay --run` reproduces what a check saw: a run's
// embedded reference TP (or the mutant it ran) stops with the run, and the run's seed gives the same credentials —
// unless this machine's environment or .env sets other ones, which the recorded push itself tells apart.
import path from 'node:path';
import { config as loadDotenv } from 'dotenv';
import { ConfigError, displayPath, parseConfig } from '../config.ts';
import { echoSignature, openPush, signaturesEqual } from '../crypto/msgCrypto.ts';
import { launchTp, REFERENCE_ENTRY, type LaunchedTp } from '../platform/launch.ts';
import { loadReport } from '../report/compare.ts';
import type { SealedPush } from '../detection/runs.ts';

export type RestartedTp = { tp: LaunchedTp; label: string; seed: string } | { why: string };

/** Nothing listens there: a refused push or handshake lands on this port instead of a TP. */
const NO_BAIDU = 'http://127.0.0.1:9';

/** Starts the run's TP again, or says why it cannot (an external TP is the team's own: never started here). */
export async function restartRunTp(runDir: string, pushes: readonly SealedPush[]): Promise<RestartedTp | undefined> {
  let report;
  try {
    report = loadReport(runDir);
  } catch {
    return undefined; // no report to say which TP answered: nothing to start
  }
  if (report.platform !== 'reference') return undefined;
  loadDotenv({ quiet: true });
  let config;
  try {
    config = parseConfig({
      ...process.env, PREFLIGHT_SEED: report.seed, PREFLIGHT_TARGET: 'emulator', PREFLIGHT_PLATFORM: 'reference',
      PREFLIGHT_REFERENCE_ENTRY: report.referenceEntry ? path.resolve(report.referenceEntry) : undefined,
    });
  } catch (e) {
    return { why: `its TP cannot be started again: ${e instanceof ConfigError ? e.message : (e as Error).message}` };
  }
  // The credentials must be the run's, or the TP would refuse the replay for a reason the run never had. Some pushes
  // are forged on purpose (the probes'): one genuine push of the run that they open is enough.
  const { messageToken: token, encodingAesKey } = config.tp;
  const opensOne = pushes.some((p) => p.echo
    ? signaturesEqual(echoSignature(token, p.echo.timestamp, p.echo.nonce), p.echo.signature)
    : opens(() => openPush({ token, encodingAesKey }, p.envelope)));
  if (!opensOne) {
    return { why: 'its TP cannot be started again: the TP credentials here (TP_MESSAGE_TOKEN, TP_ENCODING_AES_KEY in the environment or .env) are not the run\'s, so it would refuse the push for that' };
  }
  const entry = config.referenceEntry ?? REFERENCE_ENTRY;
  try {
    const tp = await launchTp(entry, config, NO_BAIDU, { timeoutMs: 15_000 });
    return { tp, label: config.referenceEntry ? displayPath(config.referenceEntry) : 'the reference TP', seed: report.seed };
  } catch (e) {
    return { why: `its TP did not start again: ${(e as Error).message}` };
  }
}

function opens(fn: () => unknown): boolean {
  try {
    fn();
    return true;
  } catch {
    return false;
  }
}
