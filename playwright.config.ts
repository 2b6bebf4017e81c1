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

export default defineConfig({
  testDir: './suites',
  outputDir: path.join(process.env.PREFLIGHT_RUN_DIR, 'artifacts'),
  globalSetup: './harness/detection/globalSetup.ts',
  timeout: 60_000,
  expect: { timeout: 5_000 },
  fullyParallel: true,
  workers: 2,
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
    { name: 'authorization', testMatch: /authorization\.spec\.ts/, dependencies: ['authorize'] },
  ],
});
