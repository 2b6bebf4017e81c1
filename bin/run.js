// `preflight run [playwright args…]`: runs the detection suites with Playwright. Exit 0 only when ready for 全网发布.
// Plain JavaScript on purpose: it only starts Playwright, so it skips the TypeScript loader the other commands need
// (a few hundred ms of every run). The configuration is validated where it is read, in playwright.config.ts: a bad
// .env exits 2 with one line naming the variable, before anything starts.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { constants } from 'node:os';

const USAGE = 'usage: preflight run [--strict] [playwright test options, e.g. --grep @payment, --headed]\n';

export async function runCommand(argv) {
  if (argv.includes('--help')) {
    process.stdout.write(USAGE);
    return 0;
  }
  // --strict: extended checks and probes fail the verdict too (same as PREFLIGHT_STRICT=1).
  if (argv.includes('--strict')) {
    process.env.PREFLIGHT_STRICT = '1';
    argv = argv.filter((a) => a !== '--strict');
  }
  const cli = createRequire(import.meta.url).resolve('@playwright/test/cli');
  const child = spawn(process.execPath, [cli, 'test', ...argv], { stdio: ['inherit', 'inherit', 'pipe'], env: process.env });
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
    if (stoppedBy) return resolve(128 + constants.signals[stoppedBy]);
    if (code === 1 && /^error: (unknown option|option .* argument missing|missing required argument|too many arguments)/.test(head)) {
      process.stderr.write(USAGE);
      return resolve(2);
    }
    resolve(code ?? (signal ? 1 : 0));
  }));
}
