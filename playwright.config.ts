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

// Which suite files mirror which permission set (sets without a suite yet report "no check ran").
const SUITES: Record<string, { setup?: RegExp; spec: RegExp }> = {
  development: { setup: /development\.setup\.ts/, spec: /development\.spec\.ts/ },
  'customer-service': { spec: /customer-service\.spec\.ts/ },
  payment: { setup: /payment\.setup\.ts/, spec: /payment\.spec\.ts/ },
  'basic-info': { setup: /operations\.setup\.ts/, spec: /operations\.spec\.ts/ },
};

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
    // One project per selected permission set: its setup (the TP exercises the capability), then its checks.
    ...config.permissionSets.flatMap((slug) => {
      const suite = SUITES[slug];
      if (!suite) return [];
      // A live probe of the TP's URL (customer-service) needs no authorized app: it starts at once.
      if (!suite.setup) return [{ name: slug, testMatch: suite.spec }];
      return [
        { name: `${slug}:setup`, testMatch: suite.setup, dependencies: ['authorize'] },
        { name: slug, testMatch: suite.spec, dependencies: [`${slug}:setup`] },
      ];
    }),
    // Probes inject faults (re-authorization, cancellation…) only after every set exercised the app.
    { name: 'probes:setup', testMatch: /probes\.setup\.ts/, dependencies: ['authorize', ...config.permissionSets.filter((s) => SUITES[s]?.setup).map((s) => `${s}:setup`)] },
    { name: 'probes', testMatch: /probes\.spec\.ts/, dependencies: ['probes:setup'] },
  ],
});
