// The TP of a finished run, started again so that `preflight push replay --run` shows how it answers a recorded push:
// a run's embedded reference TP (or the mutant it ran) stops with the run, and the run's seed gives the same
// credentials — unless this machine's environment or .env sets other ones, which the recorded pushes tell apart.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { config as loadDotenv } from 'dotenv';
import { ConfigError, parseConfig, type Config } from '../config.ts';
import { echoSignature, openPush, signaturesEqual } from '../crypto/msgCrypto.ts';
import { launchTp, REFERENCE_ENTRY, type LaunchedTp } from '../platform/launch.ts';
import { loadReport } from '../report/compare.ts';
import type { SealedPush } from '../detection/runs.ts';

export type RestartedTp =
  | { tp: LaunchedTp; label: string; seed: string; /** The replayed push opens with the run's credentials (else a probe forged it). */ genuine: boolean }
  | { why: string };

/** Nothing listens there: a refused push or handshake lands on this port instead of a TP. */
const NO_BAIDU = 'http://127.0.0.1:9';
/** Where the run's report names its mutant from: the project's own folder (test/mutants/…), wherever this runs. */
const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The only variables the restarted TP is configured from: its credentials. Nothing else of this machine's may stop it. */
const CREDENTIALS = ['TP_CLIENT_ID', 'TP_APP_ID', 'TP_MESSAGE_TOKEN', 'TP_ENCODING_AES_KEY'] as const;

/**
 * Starts the run's TP again for `push`, or says why it cannot; undefined when the run folder has no report to say
 * which TP answered. A team's own TP (external mode) is never started here.
 */
export async function restartRunTp(runDir: string, pushes: readonly SealedPush[], push: SealedPush): Promise<RestartedTp | undefined> {
  let report;
  try {
    report = loadReport(runDir);
  } catch {
    return undefined;
  }
  if (report.platform !== 'reference') {
    return { why: 'the run tested your own TP (external mode), which this command does not start: start it and replay again, or send the push elsewhere with --to URL' };
  }
  loadDotenv({ quiet: true });
  const vars: NodeJS.ProcessEnv = { PREFLIGHT_SEED: report.seed };
  for (const k of CREDENTIALS) if (process.env[k]) vars[k] = process.env[k];
  if (report.referenceEntry) vars.PREFLIGHT_REFERENCE_ENTRY = path.resolve(PROJECT_ROOT, report.referenceEntry);
  let config: Config;
  try {
    config = parseConfig(vars);
  } catch (e) {
    return { why: `its TP cannot be started again: ${e instanceof ConfigError ? e.message : (e as Error).message}` };
  }
  // The credentials must be the run's, or the TP would refuse the replay for a reason the run never had. Some pushes
  // are forged on purpose (the probes'): one genuine sealed push of the run they open is enough — with the identity
  // it names after the message — and only a run without one (none is) falls back to the handshakes' signatures.
  const genuine = (p: SealedPush) => (p.echo ? echoSigned(config, p) : sealedFor(config, p));
  const sealed = pushes.filter((p) => !p.echo);
  if (!(sealed.length ? sealed.some(genuine) : pushes.some(genuine))) {
    return { why: `its TP cannot be started again: the TP credentials here (${CREDENTIALS.join(', ')} in the environment or .env) are not the run's, so it would refuse the push for that` };
  }
  const entry = config.referenceEntry ?? REFERENCE_ENTRY;
  try {
    const tp = await launchTp(entry, config, NO_BAIDU, { timeoutMs: 15_000 });
    return { tp, label: report.referenceEntry ?? 'the reference TP', seed: report.seed, genuine: genuine(push) };
  } catch (e) {
    return { why: `its TP did not start again: ${(e as Error).message}` };
  }
}

function echoSigned(config: Config, p: SealedPush): boolean {
  return signaturesEqual(echoSignature(config.tp.messageToken, p.echo!.timestamp, p.echo!.nonce), p.echo!.signature);
}

function sealedFor(config: Config, p: SealedPush): boolean {
  try {
    const opened = openPush({ token: config.tp.messageToken, encodingAesKey: config.tp.encodingAesKey }, p.envelope);
    return opened.clientId === config.tp.clientId || opened.clientId === String(config.tp.tpAppId);
  } catch {
    return false;
  }
}
