// The environment variables through which the runner process hands the run to its workers. Kept apart from
// globalSetup.ts so that workers do not load the emulator just to read a variable name.
export const RUN_ENV = {
  emulatorUrl: 'PREFLIGHT_EMULATOR_URL',
  tpUrls: 'PREFLIGHT_TP_URLS',
  runDir: 'PREFLIGHT_RUN_DIR',
  runId: 'PREFLIGHT_RUN_ID',
  /** Set by the global setup for the reporter (same process): the Chromium executable the run launched. */
  browserExecutable: 'PREFLIGHT_BROWSER_EXECUTABLE',
  /** Set by the reporter for the workers: the check ids the filters selected (selection.ts). */
  selectedChecks: 'PREFLIGHT_SELECTED_CHECKS',
} as const;

/** Playwright was asked to list the tests, not to run them (it still loads the config and calls the reporters). */
export function listing(argv: string[] = process.argv): boolean {
  return argv.includes('--list');
}

/** The annotation through which the scan reports the browser's version to the reporter. */
export const BROWSER_ANNOTATION = 'browser';

/** Where Baidu serves the authorization page (reference §1.3), on the smartprogram host. */
export const AUTH_PAGE = '/mappconsole/tp/authorization';

/**
 * How the emulator's side door answers (503) while the TP under test never listened: the worker's handle raises it as
 * the cause of whatever step met it, and the report's headline names it once (report/model.ts).
 */
export const TP_DID_NOT_START = 'the TP under test did not start';
