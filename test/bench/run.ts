// `npm run bench`: figures for issue 2 §10 — not timed tests. Prints a table and a final `BENCH_JSON {…}` line.
//   1. the full default detection run's wall time (`node bin/preflight.js run`, reports to a temp dir; median of 3);
//   2. the floor: Chromium's bare start + first page + close (median of 3); for context, the framework floor: an empty
//      Playwright run of the same shape (a setup project that opens a page, then a project of as many trivial tests as
//      the full run has, each attaching a result) — what any Playwright-based detection costs on this machine; and
//      Playwright's least run (one empty test, no browser), which says whether the floor target is reachable at all;
//   3. emulator throughput on GET /public/2.0/smartapp/auth/tp/token against a bare node:http server answering the
//      same bytes, interleaved A/B rounds with autocannon, plus each server's CPU time per request (side channel).
// Targets (2-core machine): emulator ≥ 0.5× bare req/s; full run ≤ 2× floor and ≤ 10 s wall. Each is marked MET /
// NOT MET; the bench exits 0 either way, and 1 only when a measurement failed.
// All traffic goes to 127.0.0.1; every loop is bounded by a count and every wait by a timeout.
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { chromium } from 'playwright';
import { CHROMIUM_ARGS, chromiumExecutable } from '../../harness/detection/chromium.ts';
import { stripAnsi } from '../../harness/report/model.ts';
import { installCleanup, killAll, killTracked, ServerChild, spawnTracked } from './children.ts';
import type { CpuSample } from './cpuChannel.ts';
import { fmtInt, fmtMs, median, round, table } from './stats.ts';

const envNum = (name: string, dflt: number) => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : dflt;
};

/** Tests in a default run (30 checks, 4 setup steps): the framework floor's shape when the full run is not measured. */
const DEFAULT_RUN_TESTS = 34;

const CFG = {
  floorSamples: 3,
  fullRuns: envNum('BENCH_FULL_RUNS', 3),
  fullRunTimeoutS: envNum('BENCH_FULL_RUN_TIMEOUT_S', 300),
  // Five pairs: on a shared 2-core machine one pair in three can be off by a third; the median of five holds.
  rounds: envNum('BENCH_ROUNDS', 5),
  roundS: envNum('BENCH_ROUND_S', 3),
  /** The emulator is slow for its first seconds (JIT, heap growth): 3 s per server before the measured rounds. */
  warmupS: envNum('BENCH_WARMUP_S', 3),
  connections: 10,
  pipelining: 1,
  /** Whole bench: a watchdog kills everything after this. */
  watchdogS: envNum('BENCH_WATCHDOG_S', 900),
};

const TARGETS = {
  emulatorVsBare: 0.5,
  fullVsFloor: 2,
  fullWallMs: 10_000,
};

const TP_TOKEN_PATH = '/public/2.0/smartapp/auth/tp/token';

const errors: string[] = [];
const log = (s: string) => process.stderr.write(`bench: ${s}\n`);

// ---------------------------------------------------------------------------------------------------------------
// 2. The floor: Chromium start + first page + close.

interface FloorFigures { samplesMs: number[]; medianMs: number; executablePath: string | undefined }

async function measureFloor(): Promise<FloorFigures> {
  // The Chromium a headless run launches (Debian's headless shell when installed): the floor is that browser's own.
  const executablePath = chromiumExecutable(process.env.CHROMIUM_PATH || undefined, { headless: true });
  const samplesMs: number[] = [];
  for (let i = 0; i < CFG.floorSamples; i++) {
    const t0 = performance.now();
    const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, timeout: 60_000 });
    try {
      const page = await browser.newPage();
      await page.goto('data:text/html,<!doctype html><title>floor</title><p>floor</p>', { timeout: 30_000 });
      if ((await page.title()) !== 'floor') throw new Error('the floor page did not load');
    } finally {
      await browser.close();
    }
    samplesMs.push(performance.now() - t0);
  }
  return { samplesMs: samplesMs.map((x) => round(x)), medianMs: round(median(samplesMs)), executablePath };
}

/** The framework floor: Playwright alone, in the full run's shape, with nothing to detect. */
async function measureFrameworkFloor(tmp: string, tests: number): Promise<FloorFigures> {
  const dir = path.join(tmp, 'framework-floor');
  mkdirSync(dir, { recursive: true });
  const executablePath = chromiumExecutable(process.env.CHROMIUM_PATH || undefined, { headless: true });
  writeFileSync(path.join(dir, 'a.setup.mjs'), `${PW_IMPORT}test('setup', async ({ page }) => { await page.goto('data:text/html,<p>floor</p>'); });\n`);
  writeFileSync(path.join(dir, 'b.spec.mjs'), `${PW_IMPORT}for (let i = 0; i < ${tests}; i++) test('check ' + i, async ({}, info) => { await info.attach('check-result', { body: '{}', contentType: 'application/json' }); });\n`);
  writeFileSync(path.join(dir, 'playwright.config.mjs'), `export default ${JSON.stringify({
    workers: 1, reporter: 'list', outputDir: path.join(dir, 'out'),
    use: { launchOptions: { executablePath, args: CHROMIUM_ARGS } },
    projects: [{ name: 'setup', testMatch: 'a.setup.mjs' }, { name: 'detection', testMatch: 'b.spec.mjs', dependencies: ['setup'] }],
  })};\n`);
  return { ...(await timePlaywrightRuns(path.join(dir, 'playwright.config.mjs'))), executablePath };
}

/**
 * The least any Playwright run costs: one empty test, one project, no browser. A detection whose checks are
 * Playwright tests (the design) cannot finish sooner, so this says whether the floor target is reachable at all.
 */
async function measurePlaywrightMinimum(tmp: string): Promise<FloorFigures> {
  const dir = path.join(tmp, 'playwright-minimum');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'empty.spec.mjs'), `${PW_IMPORT}test('nothing', () => {});\n`);
  writeFileSync(path.join(dir, 'playwright.config.mjs'), `export default ${JSON.stringify({ workers: 1, reporter: 'dot', outputDir: path.join(dir, 'out') })};\n`);
  return { ...(await timePlaywrightRuns(path.join(dir, 'playwright.config.mjs'))), executablePath: undefined };
}

const PW_IMPORT = `import { test } from ${JSON.stringify(path.resolve('node_modules/@playwright/test/index.mjs'))};\n`;

/** `playwright test -c <config>`, CFG.floorSamples times: each run's wall time, from spawn to exit. */
async function timePlaywrightRuns(config: string): Promise<{ samplesMs: number[]; medianMs: number }> {
  const cli = path.resolve('node_modules/@playwright/test/cli.js');
  const samplesMs: number[] = [];
  for (let i = 0; i < CFG.floorSamples; i++) {
    const t0 = performance.now();
    const child = spawnTracked(process.execPath, [cli, 'test', '-c', config], { stdio: 'ignore', detached: true });
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (c) => resolve(c));
    });
    killTracked(child);
    if (code !== 0) throw new Error(`the empty Playwright run (${path.basename(path.dirname(config))}) exited ${code}`);
    samplesMs.push(performance.now() - t0);
  }
  return { samplesMs: samplesMs.map((x) => round(x)), medianMs: round(median(samplesMs)) };
}

// ---------------------------------------------------------------------------------------------------------------
// 1. The full default detection run.

interface FullRunsFigures extends FullRunFigures { samplesMs: number[]; tests: number }

/** Several full runs, one after the other; the figure is their median (a single run varies by ±0.5 s here). */
async function measureFullRuns(tmp: string): Promise<FullRunsFigures> {
  const runs: FullRunFigures[] = [];
  for (let i = 0; i < CFG.fullRuns; i++) {
    const r = await measureFullRun(path.join(tmp, `full-${i + 1}`));
    log(`full run ${i + 1}/${CFG.fullRuns}: ${fmtMs(r.wallMs)} (exit ${r.exitCode})`);
    runs.push(r);
  }
  const samplesMs = runs.map((r) => r.wallMs);
  const mid = [...runs].sort((a, b) => a.wallMs - b.wallMs)[Math.floor((runs.length - 1) / 2)]!;
  // No fallback: a summary that stops parsing must show as NaN, not as the count bench.spec.ts expects.
  const tests = Number(/^(\d+) passed/.exec(mid.summary[0] ?? '')?.[1]);
  return { ...mid, wallMs: round(median(samplesMs)), samplesMs, tests };
}

interface FullRunFigures { wallMs: number; exitCode: number | null; signal: string | null; ready: boolean; summary: string[]; phases?: Phases }

/**
 * Where a run's wall time went, from its own report: until the reporter's onBegin (node, Playwright's runner, the
 * config and the suites loaded); the setup project's tests (scan, exercises, probes); the checks; everything else
 * between onBegin and the report (global setup, both workers' starts and stops, teardown); and after it (report files,
 * exit).
 */
interface Phases { runnerStartMs: number; setupTestsMs: number; checksMs: number; workersAndSetupMs: number; reportAndExitMs: number }

function phasesOf(reportFile: string, spawnedAt: number, exitedAt: number): Phases | undefined {
  try {
    const r = JSON.parse(readFileSync(reportFile, 'utf8')) as {
      startedAt: string; finishedAt: string; durationMs: number;
      steps: { project: string; durationMs: number }[]; checks: { durationMs: number }[];
    };
    const setupTestsMs = r.steps.filter((s) => s.project === 'setup').reduce((a, s) => a + s.durationMs, 0);
    const checksMs = r.checks.reduce((a, c) => a + c.durationMs, 0) + r.steps.filter((s) => s.project === 'detection').reduce((a, s) => a + s.durationMs, 0);
    return {
      runnerStartMs: round(Date.parse(r.startedAt) - spawnedAt),
      setupTestsMs,
      checksMs,
      workersAndSetupMs: round(r.durationMs - setupTestsMs - checksMs),
      reportAndExitMs: round(exitedAt - Date.parse(r.finishedAt)),
    };
  } catch {
    return undefined; // no report (the run failed): the wall time is still reported
  }
}

async function measureFullRun(tmp: string): Promise<FullRunFigures> {
  mkdirSync(tmp, { recursive: true });
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.PREFLIGHT_RUN_ID;
  delete env.PREFLIGHT_RUN_DIR;
  delete env.PREFLIGHT_EMULATOR_URL;
  env.PREFLIGHT_REPORT_DIR = path.join(tmp, 'reports');
  env.PREFLIGHT_RUN_DIR = path.join(tmp, 'run');
  const logFile = path.join(tmp, 'full-run.log');
  const fd = openSync(logFile, 'w');
  const t0 = performance.now();
  const spawnedAt = Date.now();
  // Detached: its own process group, so a timeout or the bench's cleanup also ends Playwright's workers and browsers.
  const child = spawnTracked(process.execPath, ['bin/preflight.js', 'run'], { stdio: ['ignore', fd, fd], env, detached: true });
  closeSync(fd);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killTracked(child);
  }, CFG.fullRunTimeoutS * 1000);
  const { code, signal } = await new Promise<{ code: number | null; signal: string | null }>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (c, s) => resolve({ code: c, signal: s }));
  });
  const wallMs = performance.now() - t0;
  const exitedAt = Date.now();
  clearTimeout(timer);
  // Anything the run left behind in its group (it should have closed its browsers) goes now.
  killTracked(child);
  const output = readFileSync(logFile, 'utf8');
  // Colours stripped: run under a Playwright worker (bench.spec.ts), the list reporter colours its counts.
  const summary = stripAnsi(output)
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /^\d+ (passed|failed|skipped|flaky|did not run)|^Ready for|^可以全网发布/.test(l));
  if (timedOut) {
    process.stderr.write(output.split('\n').slice(-30).join('\n') + '\n');
    throw new Error(`the full run did not finish within ${CFG.fullRunTimeoutS} s (killed; log above)`);
  }
  if (code === 2 || (code !== 0 && !summary.length)) {
    // Exit 2 is a configuration error; no Playwright summary means the run never ran: the time means nothing.
    process.stderr.write(output.split('\n').slice(-30).join('\n') + '\n');
    throw new Error(`the full run did not run (exit ${code ?? signal}; log above)`);
  }
  return { wallMs: round(wallMs), exitCode: code, signal, ready: code === 0, summary, phases: phasesOf(path.join(tmp, 'reports', 'preflight-report.json'), spawnedAt, exitedAt) };
}

// ---------------------------------------------------------------------------------------------------------------
// 3. Emulator vs bare node:http on the TP-token endpoint.

interface Round {
  round: number;
  rps: number;
  requests: number;
  served: number;
  durationS: number;
  p50Ms: number;
  p99Ms: number;
  cpuUsPerReq: number;
  /** Server CPU time / wall time of the round (1 = one core busy). */
  cpuUtil: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  mismatches: number;
}

interface ServerFigures {
  rpsMedian: number;
  cpuUsPerReqMedian: number;
  cpuUtilMedian: number;
  p99MsMedian: number;
  rssStartMb: number;
  rssEndMb: number;
  rounds: Round[];
}

interface ThroughputFigures {
  endpoint: string;
  config: { rounds: number; roundS: number; warmupS: number; connections: number; pipelining: number; order: string };
  emulator: ServerFigures;
  bare: ServerFigures;
  ratio: number;
  /** emulator/bare of each interleaved pair of rounds. */
  roundRatios: number[];
  /** bare CPU µs per request / emulator CPU µs per request: the capacity ratio if both servers were CPU-bound. */
  cpuRatio: number;
  bodyBytes: number;
}

function assertLocal(url: string): void {
  const u = new URL(url);
  if (u.hostname !== '127.0.0.1') throw new Error(`refusing to send benchmark traffic to ${u.hostname}`);
}

/** The TP-token reply is Baidu's W envelope; anything but errno 0 means the bench measured an error path. */
const bodyOk = (body: string | Buffer | undefined) => String(body ?? '').includes('"errno":0');

function cannon(url: string, durationS: number): Promise<autocannon.Result> {
  assertLocal(url);
  return new Promise((resolve, reject) => {
    autocannon(
      { url, connections: CFG.connections, pipelining: CFG.pipelining, duration: durationS, timeout: 10, verifyBody: bodyOk },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
  });
}

async function roundOn(child: ServerChild, url: string, n: number, durationS: number): Promise<Round> {
  const before = await child.cpu();
  const t0 = performance.now();
  const res = await cannon(url, durationS);
  const wallUs = (performance.now() - t0) * 1000;
  const after = await child.cpu();
  const cpuUs = after.userUs + after.systemUs - (before.userUs + before.systemUs);
  const served = after.served - before.served;
  return {
    round: n,
    rps: round(res.requests.total / res.duration),
    requests: res.requests.total,
    served,
    durationS: res.duration,
    p50Ms: res.latency.p50,
    p99Ms: res.latency.p99,
    cpuUsPerReq: round(served ? cpuUs / served : NaN, 2),
    cpuUtil: round(cpuUs / wallUs, 3),
    errors: res.errors,
    timeouts: res.timeouts,
    non2xx: res.non2xx,
    mismatches: res.mismatches,
  };
}

function summarise(rounds: Round[], first: CpuSample, last: CpuSample): ServerFigures {
  return {
    rpsMedian: round(median(rounds.map((r) => r.rps))),
    cpuUsPerReqMedian: round(median(rounds.map((r) => r.cpuUsPerReq)), 2),
    cpuUtilMedian: round(median(rounds.map((r) => r.cpuUtil)), 3),
    p99MsMedian: median(rounds.map((r) => r.p99Ms)),
    rssStartMb: round(first.rssBytes / 2 ** 20),
    rssEndMb: round(last.rssBytes / 2 ** 20),
    rounds,
  };
}

function checkRound(name: string, r: Round): void {
  const bad = [r.errors && `${r.errors} errors`, r.timeouts && `${r.timeouts} timeouts`, r.non2xx && `${r.non2xx} non-2xx`,
    r.mismatches && `${r.mismatches} replies without errno 0`, !r.requests && 'no requests'].filter(Boolean);
  if (bad.length) throw new Error(`${name} round ${r.round}: ${bad.join(', ')}`);
}

async function fetchLocal(url: string): Promise<{ status: number; contentType: string; body: string }> {
  assertLocal(url);
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  return { status: res.status, contentType: res.headers.get('content-type') ?? 'application/json', body: await res.text() };
}

async function measureThroughput(): Promise<ThroughputFigures> {
  const emu = new ServerChild('emulator', './emulator-server.ts');
  let bare: ServerChild | undefined;
  try {
    const ready = await emu.ready();
    const query = new URLSearchParams({ client_id: String(ready.clientId), ticket: String(ready.ticket) });
    const emuUrl = `${ready.url}${TP_TOKEN_PATH}?${query}`;

    const sample = await fetchLocal(emuUrl);
    if (sample.status !== 200 || !bodyOk(sample.body)) {
      throw new Error(`the emulator's TP-token reply is not a success: HTTP ${sample.status} ${sample.body.slice(0, 200)}`);
    }
    bare = new ServerChild('bare', './bare-server.ts', { ...process.env, BENCH_BARE_REPLY: JSON.stringify(sample) });
    const bareReady = await bare.ready();
    const bareUrl = `${bareReady.url}${TP_TOKEN_PATH}?${query}`;
    const bareSample = await fetchLocal(bareUrl);
    if (bareSample.body !== sample.body) throw new Error('the bare server does not answer the emulator\'s bytes');

    const targets = [
      { name: 'emulator', child: emu, url: emuUrl, rounds: [] as Round[] },
      { name: 'bare', child: bare, url: bareUrl, rounds: [] as Round[] },
    ];
    const first = new Map<string, CpuSample>();
    for (const t of targets) {
      first.set(t.name, await t.child.cpu());
      log(`warm-up ${t.name} (${CFG.warmupS} s)`);
      await cannon(t.url, CFG.warmupS);
    }
    // Interleaved A, B, A, B…: a noisy neighbour hits both sides alike, so the ratio holds.
    for (let i = 1; i <= CFG.rounds; i++) {
      for (const t of targets) {
        const r = await roundOn(t.child, t.url, i, CFG.roundS);
        log(`round ${i}/${CFG.rounds} ${t.name}: ${fmtInt(r.rps)} req/s, ${r.cpuUsPerReq} µs CPU/req, p99 ${r.p99Ms} ms`);
        checkRound(t.name, r);
        t.rounds.push(r);
      }
    }
    const after = await fetchLocal(emuUrl);
    if (!bodyOk(after.body)) throw new Error(`after the rounds the emulator no longer issues tokens: ${after.body.slice(0, 200)}`);

    const out: Record<string, ServerFigures> = {};
    for (const t of targets) out[t.name] = summarise(t.rounds, first.get(t.name)!, await t.child.cpu());
    return {
      endpoint: `GET ${TP_TOKEN_PATH}?client_id=…&ticket=…`,
      config: { rounds: CFG.rounds, roundS: CFG.roundS, warmupS: CFG.warmupS, connections: CFG.connections, pipelining: CFG.pipelining, order: 'emulator, bare (interleaved)' },
      emulator: out.emulator!,
      bare: out.bare!,
      ratio: round(out.emulator!.rpsMedian / out.bare!.rpsMedian, 3),
      roundRatios: targets[0]!.rounds.map((r, i) => round(r.rps / targets[1]!.rounds[i]!.rps, 3)),
      cpuRatio: round(out.bare!.cpuUsPerReqMedian / out.emulator!.cpuUsPerReqMedian, 3),
      bodyBytes: Buffer.byteLength(sample.body),
    };
  } finally {
    await Promise.all([emu.stop(), bare?.stop()]);
  }
}

// ---------------------------------------------------------------------------------------------------------------

async function stage<T>(name: string, fn: () => Promise<T>): Promise<T | undefined> {
  log(`${name}…`);
  try {
    return await fn();
  } catch (e) {
    const msg = `${name}: ${(e as Error)?.message ?? e}`;
    errors.push(msg);
    log(`FAILED ${msg}`);
    return undefined;
  }
}

interface Target { name: string; target: string; value: string; status: 'MET' | 'NOT MET' | 'N/A' }

function judge(ok: boolean | undefined): Target['status'] {
  return ok === undefined ? 'N/A' : ok ? 'MET' : 'NOT MET';
}

async function main(): Promise<number> {
  installCleanup();
  const watchdog = setTimeout(() => {
    log(`watchdog: the bench exceeded ${CFG.watchdogS} s; stopping`);
    killAll();
    process.exit(1);
  }, CFG.watchdogS * 1000);
  watchdog.unref();

  const tmp = mkdtempSync(path.join(tmpdir(), 'preflight-bench-'));
  // BENCH_ONLY=throughput (or floor, full, framework, minimum; comma-separated) measures a part while working on it.
  const only = new Set((process.env.BENCH_ONLY ?? '').split(',').map((s) => s.trim()).filter(Boolean));
  const wanted = (part: string) => only.size === 0 || only.has(part);
  const floor = wanted('floor') ? await stage('floor (Chromium start + first page, 3×)', measureFloor) : undefined;
  const full = wanted('full') ? await stage(`full default detection run (${CFG.fullRuns}×)`, () => measureFullRuns(tmp)) : undefined;
  // The framework floor copies the full run's shape; measured alone (BENCH_ONLY=framework), the default run's.
  const shapeTests = full && Number.isFinite(full.tests) ? full.tests : DEFAULT_RUN_TESTS;
  const framework = wanted('framework')
    ? await stage('framework floor (empty Playwright run of the same shape, 3×)', () => measureFrameworkFloor(tmp, shapeTests))
    : undefined;
  const minimum = wanted('minimum')
    ? await stage('Playwright\'s least run (one empty test, no browser, 3×)', () => measurePlaywrightMinimum(tmp))
    : undefined;
  const tput = wanted('throughput') ? await stage('throughput (emulator vs bare, interleaved)', measureThroughput) : undefined;
  const absent = (part: string) => (wanted(part) ? 'FAILED' : 'not measured (BENCH_ONLY)');

  const fullVsFloor = full && floor ? round(full.wallMs / floor.medianMs, 2) : undefined;
  const fullVsFramework = full && framework ? round(full.wallMs / framework.medianMs, 2) : undefined;
  // Whether any Playwright-based detection could meet the floor target on this machine.
  const minimumVsFloor = minimum && floor ? round(minimum.medianMs / floor.medianMs, 2) : undefined;
  const targets: Target[] = [
    { name: 'emulator req/s vs bare node:http', target: `≥ ${TARGETS.emulatorVsBare}×`, value: tput ? `${tput.ratio}×` : 'n/a',
      status: judge(tput && tput.ratio >= TARGETS.emulatorVsBare) },
    { name: 'full run vs floor', target: `≤ ${TARGETS.fullVsFloor}×`, value: fullVsFloor !== undefined ? `${fullVsFloor}×` : 'n/a',
      status: judge(fullVsFloor !== undefined ? fullVsFloor <= TARGETS.fullVsFloor : undefined) },
    { name: 'full run wall time', target: `≤ ${TARGETS.fullWallMs / 1000} s`, value: fmtMs(full?.wallMs),
      status: judge(full ? full.wallMs <= TARGETS.fullWallMs : undefined) },
  ];

  const out: string[] = ['', 'preflight bench — figures (issue 2 §10; targets for a 2-core machine)', ''];
  out.push(table([
    ['measurement', 'figure', 'detail'],
    ['full default run (wall, median)', fmtMs(full?.wallMs),
      full ? `runs ${full.samplesMs.map((x) => fmtMs(x)).join(', ')}; exit ${full.exitCode ?? full.signal}${full.ready ? ' (ready)' : ' (not ready)'}${full.summary.length ? ' — ' + full.summary.join(' | ') : ''}` : absent('full')],
    ['  where the median run\'s time went', full?.phases ? fmtMs(full.wallMs) : 'n/a',
      full?.phases ? `runner start ${fmtMs(full.phases.runnerStartMs)}; setup tests (scan, exercises, probes) ${fmtMs(full.phases.setupTestsMs)}; `
        + `checks ${fmtMs(full.phases.checksMs)}; global setup + 2 worker starts/stops ${fmtMs(full.phases.workersAndSetupMs)}; report files + exit ${fmtMs(full.phases.reportAndExitMs)}` : ''],
    ['floor: Chromium start + page (median)', fmtMs(floor?.medianMs), floor ? `samples ${floor.samplesMs.map((x) => fmtMs(x)).join(', ')}` : absent('floor')],
    ['framework floor: empty Playwright run (median)', fmtMs(framework?.medianMs),
      framework ? `samples ${framework.samplesMs.map((x) => fmtMs(x)).join(', ')}; a setup project opening a page, then ${shapeTests} empty tests` : absent('framework')],
    ['Playwright\'s least run (median)', fmtMs(minimum?.medianMs),
      minimum ? `samples ${minimum.samplesMs.map((x) => fmtMs(x)).join(', ')}; one empty test, one project, no browser`
        + (minimumVsFloor !== undefined ? ` — ${minimumVsFloor}× the floor on its own` : '') : absent('minimum')],
    ['full run ÷ framework floor', fullVsFramework !== undefined ? `${fullVsFramework}×` : 'n/a',
      'the run against Playwright alone in the same shape (context for the floor target)'],
    ['emulator TP-token req/s (median)', fmtInt(tput?.emulator.rpsMedian),
      tput ? `rounds ${tput.emulator.rounds.map((r) => fmtInt(r.rps)).join(', ')}; p99 ${tput.emulator.p99MsMedian} ms` : absent('throughput')],
    ['bare node:http req/s (median)', fmtInt(tput?.bare.rpsMedian),
      tput ? `rounds ${tput.bare.rounds.map((r) => fmtInt(r.rps)).join(', ')}; p99 ${tput.bare.p99MsMedian} ms` : absent('throughput')],
    ['emulator / bare', tput ? `${tput.ratio}×` : 'n/a', tput ? `per pair ${tput.roundRatios.join(', ')}; ${tput.config.rounds} × ${tput.config.roundS} s interleaved, ${tput.config.connections} conns, pipelining ${tput.config.pipelining}` : ''],
    ['emulator server CPU per request', tput ? `${tput.emulator.cpuUsPerReqMedian} µs` : 'n/a',
      tput ? `server busy ${Math.round(tput.emulator.cpuUtilMedian * 100)}% of a core; RSS ${tput.emulator.rssStartMb} → ${tput.emulator.rssEndMb} MB` : ''],
    ['bare server CPU per request', tput ? `${tput.bare.cpuUsPerReqMedian} µs` : 'n/a',
      tput ? `server busy ${Math.round(tput.bare.cpuUtilMedian * 100)}% of a core; RSS ${tput.bare.rssStartMb} → ${tput.bare.rssEndMb} MB` : ''],
    ['CPU/request, bare ÷ emulator', tput ? `${tput.cpuRatio}×` : 'n/a', 'the req/s ratio if both servers were CPU-bound'],
  ]));
  if (tput && tput.bare.cpuUtilMedian < 0.8) {
    out.push(`note: the bare server was busy only ${Math.round(tput.bare.cpuUtilMedian * 100)}% of a core — autocannon shares the 2 cores and is the limit, ` +
      'so the req/s ratio flatters the emulator; the CPU/request ratio is the stricter figure.');
  }
  out.push('', table([['target', 'goal', 'value', 'status'], ...targets.map((t) => [t.name, t.target, t.value, t.status])]));
  if (minimumVsFloor !== undefined && minimumVsFloor > TARGETS.fullVsFloor) {
    out.push(`note: no run whose checks are Playwright tests can meet "full run ≤ ${TARGETS.fullVsFloor}× floor" here — Playwright's least run `
      + `(one empty test, no browser) already takes ${minimumVsFloor}× the floor.`);
  }
  if (errors.length) out.push('', 'measurement failures:', ...errors.map((e) => `  - ${e}`));
  out.push('');
  process.stdout.write(out.join('\n') + '\n');

  const json = {
    machine: { cpus: availableParallelism(), node: process.version },
    fullRun: full ?? null,
    floor: floor ?? null,
    frameworkFloor: framework ?? null,
    playwrightMinimum: minimum ?? null,
    minimumVsFloor: minimumVsFloor ?? null,
    fullVsFloor: fullVsFloor ?? null,
    fullVsFrameworkFloor: fullVsFramework ?? null,
    throughput: tput ?? null,
    targets,
    errors,
  };
  process.stdout.write(`BENCH_JSON ${JSON.stringify(json)}\n`);

  if (errors.length) log(`kept ${tmp} for inspection`);
  else rmSync(tmp, { recursive: true, force: true });
  return errors.length ? 1 : 0;
}

const code = await main().catch((e) => {
  log(`failed: ${(e as Error)?.stack ?? e}`);
  return 1;
});
killAll();
process.exit(code);
