// The detection run: the authorization step every permission set stands on and what each set needs the TP to do (a
// setup project, like Playwright's auth-setup pattern), then the checks, which depend on it and are tagged per
// permission set (`--grep @payment`).
import { rmSync } from 'node:fs';
import path from 'node:path';
import { defineConfig } from '@playwright/test';
import { loadConfigOrExit, type Config } from './harness/config.ts';
import { CHROMIUM_ARGS, chromiumExecutable } from './harness/detection/chromium.ts';
import { bySlug } from './harness/detection/permissionSets.ts';
import { newRunId, runsRoot } from './harness/detection/runs.ts';
import { lastFailedNote, nothingFailedNote, PLAYWRIGHT_LAST_RUN_FILE } from './harness/detection/lastRun.ts';
import { listing, RUN_ENV } from './harness/detection/runEnv.ts';

// Evaluated in the runner first: fix the seed and run id there so every worker sees the same run.
const config = loadConfigOrExit();
process.env.PREFLIGHT_SEED ??= config.seed;
process.env.PREFLIGHT_RUN_ID ??= newRunId();
process.env.PREFLIGHT_RUN_DIR ??= path.join(runsRoot(), process.env.PREFLIGHT_RUN_ID);
// Playwright keeps the failed tests for --last-failed in its output folder, which is each run's own: beside the run
// folders instead, so that the next run finds them.
process.env.PLAYWRIGHT_LAST_RUN_OUTPUT_FILE ??= path.join(path.dirname(process.env.PREFLIGHT_RUN_DIR), PLAYWRIGHT_LAST_RUN_FILE);
const reports = config.reportDir;
// Playwright evaluates this file in the runner and again in every worker: what follows is the runner's alone.
if (!process.env.TEST_WORKER_INDEX) runnerOnly(config);

function runnerOnly(config: Config): void {
  // --last-failed under other settings than the failing run (no mutant, no --strict) would test something else and
  // read like a fix — and Playwright would then forget what failed. A usage error, before anything is touched (a
  // --list only lists, so it goes on).
  const lastFailed = lastFailedNote(path.dirname(process.env.PREFLIGHT_RUN_DIR!), config);
  if (lastFailed && !listing()) {
    process.stderr.write(`${lastFailed}\n没有运行任何检测 / Nothing was run: the failed checks are still remembered.\n`);
    process.exit(2);
  }
  if (lastFailed) process.stdout.write(`${lastFailed}\n`);
  // Nothing failed last time: said so (exit 0), not Playwright's "No tests found" (exit 1). The last report stays.
  const nothingFailed = nothingFailedNote(path.dirname(process.env.PREFLIGHT_RUN_DIR!));
  if (nothingFailed && !listing()) {
    process.stdout.write(`${nothingFailed}\n`);
    process.exit(0);
  }
  // Allure adds result files and never removes any: without this, allure-results would mix every earlier run into
  // this one's Allure report (and grow by ~90 files a run). Only once the configuration is valid, so a bad .env loses
  // nothing, and not for --list.
  if (!listing()) rmSync(path.join(reports, 'allure-results'), { recursive: true, force: true });
  // A selection inherited from an outer run must not skip steps here; this run's own is handed over in onBegin.
  delete process.env[RUN_ENV.selectedChecks];
  // A CI job's cancel or timeout often signals the whole process group, so this runner gets a SIGTERM of its own and
  // would die of it before writing the report. While Playwright runs the tests it listens for SIGINT, and the signal
  // becomes that graceful stop (bin/run.js does the same for a signal sent to it alone; Playwright ignores the
  // repeat). Outside that window (loading, or the report being written) the signal keeps its usual meaning.
  for (const signal of ['SIGTERM', 'SIGHUP'] as const) {
    const onSignal = () => {
      if (process.listenerCount('SIGINT') > 0) return void process.kill(process.pid, 'SIGINT');
      process.off(signal, onSignal);
      process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}

// The suite files of the selected sets (harness/detection/permissionSets.ts says which file mirrors which set).
const file = (name: string) => new RegExp(`(^|/)${name.replace(/\./g, '\\.')}$`);
const suites = config.permissionSets.flatMap((slug) => bySlug(slug).suite ?? []);
const setups = suites.flatMap((s) => (s.setup ? [file(s.setup)] : []));
const probes = config.probes ? [file('probes.setup.ts')] : [];

export default defineConfig({
  testDir: './suites',
  outputDir: path.join(process.env.PREFLIGHT_RUN_DIR, 'artifacts'),
  globalSetup: './harness/detection/globalSetup.ts',
  timeout: 60_000,
  expect: { timeout: 5_000 },
  // One worker per phase: a second worker process costs more to start than the checks (milliseconds each) take.
  workers: 1,
  retries: 0,
  reporter: [
    ['list'],
    // Not for --list: Playwright's HTML reporter would replace the last run's report with an empty one.
    ...(listing() ? [] : [['html', { outputFolder: path.join(reports, 'playwright-html'), open: 'never' }] as const]),
    ['allure-playwright', { resultsDir: path.join(reports, 'allure-results'), detail: false }],
    // The report files: preflight-report.json/.html and junit.xml (one testcase per check, as the verdict sees it).
    ['./harness/report/reporter.ts', { outputDir: reports }],
    // Tells the setup steps which checks the filters selected, so that a rerun skips the steps none stands on.
    ['./harness/detection/selection.ts'],
  ],
  use: {
    browserName: 'chromium',
    launchOptions: { executablePath: chromiumExecutable(config.chromiumPath), args: CHROMIUM_ARGS },
    trace: 'off',
    screenshot: 'off',
  },
  // Two projects, so a run costs two Playwright worker processes (each ~1 s of CPU to start on 2 cores), not one per
  // stage. 'setup' is what the checks stand on (Playwright's auth-setup pattern); Playwright runs a dependency whatever
  // --grep selects, so each step skips itself when no selected check needs it and a single check re-runs alone with
  // -g (harness/detection/selection.ts). One worker runs its files in name order — the scan (authorize), each selected
  // set's exercise, then the probes, which inject faults only after every set acted (probes.setup.ts refuses to run
  // out of order). The checks only read what the setup left, in milliseconds; they
  // judge the TP before the probes (Run.beforeProbes), so the probes' faults never blame a set's check.
  projects: [
    { name: 'setup', testMatch: [file('authorize.setup.ts'), ...setups, ...probes], fullyParallel: false, workers: 1 },
    {
      name: 'detection',
      testMatch: [file('authorization.spec.ts'), ...suites.map((s) => file(s.spec)), file('probes.spec.ts')],
      dependencies: ['setup'],
    },
  ],
});
