// The project's own tests (npm test): unit tests of the harness pieces and end-to-end runs of the detection
// against the reference TP and its mutants. Separate from ../playwright.config.ts, which *is* the detection.
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: '.',
  testMatch: /.*\.spec\.ts$/,
  outputDir: '../test-results/self',
  // Parity snapshots (test/emulator-parity.spec.ts) are the same on every platform: no -linux suffix.
  snapshotPathTemplate: '{testDir}/{testFilePath}-snapshots/{arg}{ext}',
  timeout: 120_000,
  fullyParallel: true,
  workers: 2,
  reporter: [['list']],
});
