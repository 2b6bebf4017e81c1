// The detection run. Projects mirror Baidu's structure: the authorization step every permission set stands on
// (a setup project, like Playwright's auth-setup pattern), then one project per permission set that depends on it.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { defineConfig } from '@playwright/test';
import { loadConfigOrExit } from './harness/config.ts';
import { CHROMIUM_ARGS, chromiumExecutable } from './harness/detection/chromium.ts';

// Evaluated in the runner first: fix the seed and run id there so every worker sees the same run.
const config = loadConfigOrExit();
process.env.PREFLIGHT_SEED ??= config.seed;
process.env.PREFLIGHT_RUN_ID ??= `${new Date().toISOString().replace(/[-:]/g, '').slice(0, 15)}-${randomUUID().slice(0, 8)}`;
process.env.PREFLIGHT_RUN_DIR ??= path.resolve('.preflight', 'runs', process.env.PREFLIGHT_RUN_ID);
const reports = process.env.PREFLIGHT_REPORT_DIR ?? 'reports';

// Which suite files mirror which permission set (sets without a suite yet report "no check ran"). A set that needs
// the TP to act has a setup file: all of them run in one 'exercise' setup project, which Playwright runs whatever
// --grep says — so any single check can be re-run alone with -g.
const SUITES: Record<string, { spec: RegExp; setup?: RegExp }> = {
  development: { spec: /development\.spec\.ts/, setup: /development\.setup\.ts/ },
  'customer-service': { spec: /customer-service\.spec\.ts/ },
  payment: { spec: /payment\.spec\.ts/, setup: /payment\.setup\.ts/ },
  'basic-info': { spec: /operations\.spec\.ts/, setup: /operations\.setup\.ts/ },
};
const selected = config.permissionSets.filter((s) => SUITES[s]);
const setups = selected.flatMap((s) => SUITES[s]!.setup ?? []);

export default defineConfig({
  testDir: './suites',
  outputDir: path.join(process.env.PREFLIGHT_RUN_DIR, 'artifacts'),
  globalSetup: './harness/detection/globalSetup.ts',
  timeout: 60_000,
  expect: { timeout: 5_000 },
  fullyParallel: true,
  // Tests mostly wait on the TP and the emulator, so a third worker overlaps the per-set projects on 2 cores.
  workers: 3,
  retries: 0,
  reporter: [
    ['list'],
    ['junit', { outputFile: path.join(reports, 'junit.xml') }],
    ['html', { outputFolder: path.join(reports, 'playwright-html'), open: 'never' }],
    ['allure-playwright', { resultsDir: path.join(reports, 'allure-results'), detail: false }],
    ['./harness/report/reporter.ts', { outputDir: reports }],
  ],
  use: {
    browserName: 'chromium',
    launchOptions: { executablePath: chromiumExecutable(config.chromiumPath), args: CHROMIUM_ARGS },
    trace: 'off',
    screenshot: 'off',
  },
  projects: [
    { name: 'authorize', testMatch: /authorize\.setup\.ts/ },
    { name: 'exercise', testMatch: setups.length ? setups : /^$/, dependencies: ['authorize'] },
    // Checks that only read the ledger take milliseconds: one worker per project is cheaper than spreading them.
    { name: 'authorization', testMatch: /authorization\.spec\.ts/, fullyParallel: false, dependencies: ['authorize'] },
    // One project per selected permission set. A live probe of the TP's URL (customer-service) needs no authorized
    // app and starts at once; the others stand on the authorized app as the exercise step left it.
    ...selected.map((slug) => ({
      name: slug,
      testMatch: SUITES[slug]!.spec,
      fullyParallel: false,
      dependencies: SUITES[slug]!.setup ? ['exercise'] : [],
    })),
    // Probes inject faults (re-authorization, cancellation…) only after every set has exercised the app.
    { name: 'probes:setup', testMatch: /probes\.setup\.ts/, dependencies: ['exercise'] },
    { name: 'probes', testMatch: /probes\.spec\.ts/, fullyParallel: false, dependencies: ['probes:setup'] },
  ],
});
