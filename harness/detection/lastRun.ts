// What the last run was configured with, kept beside the run folders: `--last-failed` re-runs the checks that failed
// last time, and Playwright remembers only their ids. Run without the same settings (a mutant TP, --strict), it would
// test something else and read like a fix.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { reproduceEnv, type Config } from '../config.ts';

const FILE = 'last-run-env.json';
/** Playwright's record of the last run's failures, kept beside the run folders (playwright.config.ts points it there). */
export const PLAYWRIGHT_LAST_RUN_FILE = 'last-run.json';

interface LastRunEnv { seed: string; env: string[] }

export function saveLastRunEnv(runsRoot: string, config: Config): void {
  const data: LastRunEnv = { seed: config.seed, env: reproduceEnv(config) };
  try {
    writeFileSync(path.join(runsRoot, FILE), JSON.stringify(data));
  } catch {
    // A convenience for the next --last-failed: never a reason to fail this run.
  }
}

/** For a `--last-failed` run configured unlike the last run: what to set to reproduce it; otherwise undefined. */
export function lastFailedNote(runsRoot: string, config: Config, argv: string[] = process.argv): string | undefined {
  if (!argv.includes('--last-failed')) return undefined;
  let last: LastRunEnv;
  try {
    last = JSON.parse(readFileSync(path.join(runsRoot, FILE), 'utf8')) as LastRunEnv;
  } catch {
    return undefined;
  }
  const now = reproduceEnv(config);
  if (now.length === last.env.length && now.every((v, i) => v === last.env[i])) return undefined;
  // Nothing failed last time (Playwright's own record, beside ours): there is nothing to reproduce.
  if (!lastFailures(runsRoot)) return undefined;
  return `注意 / note: --last-failed re-runs the checks that failed last time, but that run was configured differently `
    + `(${last.env.join(' ') || 'the defaults'}; now ${now.join(' ') || 'the defaults'}). To reproduce it: `
    + `PREFLIGHT_SEED=${last.seed} ${last.env.join(' ')}${last.env.length ? ' ' : ''}npm run preflight -- --last-failed`;
}

/**
 * For a `--last-failed` run after a run in which nothing failed: what to say instead of Playwright's "No tests found"
 * (a check that only warned passed its test); undefined otherwise, and when no run has been recorded yet.
 */
export function nothingFailedNote(runsRoot: string, argv: string[] = process.argv): string | undefined {
  if (!argv.includes('--last-failed') || lastFailures(runsRoot) !== 0) return undefined;
  return '没有需要重新运行的检测 / Nothing to re-run: no check failed in the last run (a warning passes; '
    + '`npm run preflight -- --strict` makes extended checks and probes fail, and then --last-failed re-runs them)';
}

/**
 * How many tests failed in the last run, by Playwright's record beside the run folders (playwright.config.ts);
 * undefined when there is no record.
 */
function lastFailures(runsRoot: string): number | undefined {
  try {
    const failed = (JSON.parse(readFileSync(path.join(runsRoot, PLAYWRIGHT_LAST_RUN_FILE), 'utf8')) as { failedTests?: unknown[] }).failedTests;
    return Array.isArray(failed) ? failed.length : 0;
  } catch {
    return undefined;
  }
}
