// The project's own tests (npm test): unit tests of the harness pieces and end-to-end runs of the detection
// against the reference TP and its mutants. Separate from ../playwright.config.ts, which *is* the detection.
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: '.',
  testMatch: /.*\.spec\.ts$/,
  outputDir: '../test-results/self',
  timeout: 120_000,
  fullyParallel: true,
  workers: 2,
  reporter: [['list']],
});
