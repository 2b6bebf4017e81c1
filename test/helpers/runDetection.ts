// Runs the real detection end to end, as a user would: `node bin/preflight.js run [playwright args]` from the repo
// root, against the reference TP or one of its mutants (test/mutants/<name>.ts, through PREFLIGHT_REFERENCE_ENTRY).
// Every call is an independent run: its own report and run directories, a fixed seed, and none of an outer detection
// run's per-run variables.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHECKS, type CheckStatus } from '../../harness/detection/checks.ts';
import { AUTHORIZATION_STAGE, DEFAULT_PERMISSION_SETS } from '../../harness/detection/permissionSets.ts';
import { expect } from '@playwright/test';
import type { CheckReport, Report } from '../../harness/report/model.ts';

/** The harness's own (a port nobody listens on right now): the end-to-end specs start servers on fixed ports too. */
export { freePort } from '../../harness/platform/launch.ts';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const MUTANTS_DIR = join(ROOT, 'test', 'mutants');
/** A default run's tests: the checks of the authorization stage and the default sets, and the 4 setup steps. */
export const DEFAULT_RUN_TESTS = CHECKS.filter((c) => c.permissionSet === AUTHORIZATION_STAGE.slug || DEFAULT_PERMISSION_SETS.includes(c.permissionSet)).length + 4;
/** The seed every run uses unless opts.env gives PREFLIGHT_SEED: runs are reproducible from the report alone. */
export const DEFAULT_SEED = 'e2e-detection-1';

export interface RunDetectionOptions {
  env?: Record<string, string>;
  /** File name (without .ts) under test/mutants, e.g. 'ticket-ack-ok'; the reference TP when absent. */
  mutant?: string;
  /** Extra arguments for `preflight run` (passed on to `playwright test`). */
  args?: string[];
  /** Reports go to <outDir>/reports, per-run state to <outDir>/run. */
  outDir: string;
  /** The whole process group is killed after this long (default 110 s, under the 120 s test timeout). */
  timeoutMs?: number;
  /**
   * Sends `signal` once stdout matches: to the started process alone (a closed terminal, `kill <pid>`), or with
   * `group` to its whole process group (what many CI systems do on cancel or timeout).
   */
  stopWhen?: { stdout: RegExp; signal: NodeJS.Signals; group?: boolean };
  /** Start it the way the README says, `npm run preflight -- …`, instead of `node bin/preflight.js run …`. */
  viaNpm?: boolean;
}

export interface DetectionRun {
  exitCode: number;
  report: Report | null;
  stdout: string;
  stderr: string;
  durationMs: number;
  /** With stopWhen: the run's processes (Playwright, workers, Chromium, the TP) still alive 3 s after it exited. */
  survivors?: string[];
}

/** Variables an outer run (or an outer Playwright worker) sets that must not leak into a nested, independent run. */
const NOT_INHERITED = /^(PREFLIGHT_RUN_ID|PREFLIGHT_RUN_DIR|PREFLIGHT_EMULATOR_URL|PREFLIGHT_TP_URLS|PREFLIGHT_REPORT_DIR|PREFLIGHT_REFERENCE_ENTRY|PREFLIGHT_SEED|PREFLIGHT_SELECTED_CHECKS|PLAYWRIGHT_LAST_RUN_OUTPUT_FILE|TEST_WORKER_INDEX|TEST_PARALLEL_INDEX|PW_TEST_.*|PLAYWRIGHT_HTML_.*|NODE_OPTIONS|FORCE_COLOR|NO_COLOR)$/;

// A worker that is torn down mid-run (test timeout) must not leave a detection run behind.
const live = new Set<number>();
process.once('exit', () => {
  for (const pid of live) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
});

export function mutantEntry(mutant: string): string {
  const file = join(MUTANTS_DIR, mutant.endsWith('.ts') ? mutant : `${mutant}.ts`);
  if (!existsSync(file)) throw new Error(`no mutant ${mutant} (${file})`);
  return file;
}

export async function runDetection(opts: RunDetectionOptions): Promise<DetectionRun> {
  const outDir = resolve(opts.outDir);
  const reportDir = join(outDir, 'reports');
  mkdirSync(outDir, { recursive: true });

  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!NOT_INHERITED.test(k)) env[k] = v;
  Object.assign(env, {
    PREFLIGHT_REPORT_DIR: reportDir,
    PREFLIGHT_RUN_DIR: join(outDir, 'run'),
    PREFLIGHT_SEED: DEFAULT_SEED,
    FORCE_COLOR: '0',
    NO_COLOR: '1',
  });
  if (opts.mutant) env.PREFLIGHT_REFERENCE_ENTRY = mutantEntry(opts.mutant);
  Object.assign(env, opts.env ?? {});

  const started = performance.now();
  const [command, argv] = opts.viaNpm
    ? ['npm', ['run', '--silent', 'preflight', '--', ...(opts.args ?? [])]]
    : [process.execPath, [join(ROOT, 'bin', 'preflight.js'), 'run', ...(opts.args ?? [])]];
  const child = spawn(command, argv, {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so a timeout ends Playwright, its workers, Chromium and the TP together.
    detached: true,
  });
  live.add(child.pid!);
  let stdout = '';
  let stderr = '';
  let tree: Map<number, string> | undefined;
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
    if (opts.stopWhen && !tree && opts.stopWhen.stdout.test(stdout)) {
      tree = descendants(child.pid!);
      if (opts.stopWhen.group) process.kill(-child.pid!, opts.stopWhen.signal);
      else child.kill(opts.stopWhen.signal);
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const timeoutMs = opts.timeoutMs ?? 110_000;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }, timeoutMs);
  const exitCode = await new Promise<number>((res, rej) => {
    child.once('error', rej);
    child.once('close', (code, signal) => res(code ?? (signal ? 128 + 9 : 1)));
  }).finally(() => {
    clearTimeout(timer);
    live.delete(child.pid!);
  });
  if (timedOut) stderr += `\n[runDetection] killed after ${timeoutMs} ms\n`;
  let survivors: string[] | undefined;
  if (tree) {
    await new Promise((r) => setTimeout(r, 3000));
    survivors = [...tree].filter(([pid]) => existsSync(`/proc/${pid}`)).map(([pid, cmd]) => `${pid} ${cmd}`);
  }
  const durationMs = Math.round(performance.now() - started);
  // Beside (not inside) the reports dir, for whoever debugs a failed assertion.
  writeFileSync(join(outDir, 'stdout.txt'), stdout);
  writeFileSync(join(outDir, 'stderr.txt'), stderr);

  const jsonPath = join(reportDir, 'preflight-report.json');
  let report: Report | null = null;
  if (existsSync(jsonPath)) {
    try {
      report = JSON.parse(readFileSync(jsonPath, 'utf8')) as Report;
    } catch {
      report = null;
    }
  }
  return { exitCode, report, stdout, stderr, durationMs, survivors };
}

/** Every process below `root` right now (Linux /proc), pid → command line. */
function descendants(root: number): Map<number, string> {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // Field 4 of /proc/<pid>/stat is the parent's pid; the command name (field 2) may hold spaces, so cut after ')'.
      const ppid = Number(readFileSync(`/proc/${name}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
    } catch {
      /* exited meanwhile */
    }
  }
  const out = new Map<number, string>();
  const walk = (pid: number) => {
    for (const c of children.get(pid) ?? []) {
      try {
        out.set(c, readFileSync(`/proc/${c}/cmdline`, 'utf8').replace(/\0/g, ' ').slice(0, 120));
      } catch {
        continue;
      }
      walk(c);
    }
  };
  walk(root);
  return out;
}

/** check id → status, for every check in the report. */
export function checkStatuses(report: Report): Record<string, CheckStatus> {
  return Object.fromEntries(report.checks.map((c) => [c.id, c.status]));
}

/** The end of a run's output, for assertion messages. */
export function tail(run: DetectionRun, n = 3000): string {
  return `exit ${run.exitCode} after ${run.durationMs} ms\n--- stdout ---\n${run.stdout.slice(-n)}\n--- stderr ---\n${run.stderr.slice(-n)}`;
}

/** The run's report, failing the test with the run's output when none was written. */
export function reportOf(run: DetectionRun): Report {
  expect(run.report, `no preflight-report.json was written\n${tail(run)}`).not.toBeNull();
  return run.report!;
}

export function checkOf(report: Report, id: string, run: DetectionRun): CheckReport {
  const c = report.checks.find((x) => x.id === id);
  expect(c, `${id} is in the report\n${tail(run)}`).toBeDefined();
  return c!;
}

