// `preflight run [playwright args…]`: runs the detection suites with Playwright. Exit 0 only when ready for 全网发布.
// Plain JavaScript on purpose: it only starts Playwright, so it skips the TypeScript loader the other commands need
// (a few hundred ms of every run). The configuration is validated where it is read, in playwright.config.ts: a bad
// .env exits 2 with one line naming the variable, before anything starts.
import { spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { constants, tmpdir } from 'node:os';
import path from 'node:path';

const USAGE = 'usage: preflight run [--strict] [playwright test options, e.g. --grep @payment, --headed]\n';

// What a person needs at the terminal; the README has the rest.
const HELP = `${USAGE}
Runs the publication-readiness detection (发布检测预检): the scan authorization, each selected permission set's
exercise, the probes, then the checks. Configured by the environment and .env (.env.example lists every variable).

options:
  --strict               extended checks and probes fail the verdict too (PREFLIGHT_STRICT=1)
  -g <check id|title>    re-run one check, e.g. -g dev.submit-audit (only the setup steps it stands on run)
  --grep @<tag>          a permission set or kind: @authorization @development @customer-service @payment
                         @basic-info @baidu @extended @probe
  --last-failed          the checks that failed last time
  --list                 list the checks and their ids without running them (the last report is left alone)
  --headed               watch the scan in a visible browser
  any other option of 'playwright test'

exit codes: 0 ready for 全网发布 · 1 not ready (the report says why) · 2 usage error, bad .env value, or a filter
            that matches no check ·
            130 / 143 / 129 stopped by SIGINT / SIGTERM / SIGHUP (the report of what ran is still written)

report: reports/preflight-report.html (verdict first), preflight-report.json, junit.xml, allure-results/,
        playwright-html/ — PREFLIGHT_REPORT_DIR moves them
`;

export async function runCommand(argv) {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(HELP);
    return 0;
  }
  // --strict: extended checks and probes fail the verdict too (same as PREFLIGHT_STRICT=1).
  if (argv.includes('--strict')) {
    process.env.PREFLIGHT_STRICT = '1';
    argv = argv.filter((a) => a !== '--strict');
  }
  const cli = createRequire(import.meta.url).resolve('@playwright/test/cli');
  // Where the reporter leaves word that the filter matched no check (Playwright exits 1 for that, which here means
  // "not ready": a typo in -g must not read as a verdict in CI).
  const nothingMatched = path.join(tmpdir(), `preflight-nothing-matched-${process.pid}-${Date.now()}`);
  const env = { ...process.env, PREFLIGHT_NOTHING_MATCHED_FILE: nothingMatched };
  const child = spawn(process.execPath, [cli, 'test', ...argv], { stdio: ['inherit', 'inherit', 'pipe'], env });
  // Playwright's own usage errors ("error: unknown option '--bogus'") exit 1, which here means "not ready": they are
  // told apart by what its option parser writes first, and exit 2 like every other usage error of preflight.
  let head = '';
  child.stderr.on('data', (d) => {
    if (head.length < 4096) head += d;
    process.stderr.write(d);
  });
  // Stopping a run loses nothing: Ctrl-C, a CI job's SIGTERM or a closed terminal reach Playwright as the SIGINT it
  // handles — it stops the tests, writes the report of what ran, and tears the servers down — and the exit code then
  // says which signal it was (128 + its number). A terminal's Ctrl-C also reaches Playwright directly; it ignores the
  // repeat.
  let stoppedBy;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      stoppedBy ??= signal;
      child.kill('SIGINT');
    });
  }
  return new Promise((resolve) => child.on('close', (code, signal) => {
    const matchedNothing = existsSync(nothingMatched);
    rmSync(nothingMatched, { force: true });
    if (stoppedBy) return resolve(128 + constants.signals[stoppedBy]);
    if (code === 1 && matchedNothing) return resolve(2);
    if (code === 1 && /^error: (unknown option|option .* argument missing|missing required argument|too many arguments)/.test(head)) {
      process.stderr.write(USAGE);
      return resolve(2);
    }
    resolve(code ?? (signal ? 1 : 0));
  }));
}
