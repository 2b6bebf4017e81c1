// `npm run bench` is a deliverable too (issue 2 §10): a short pass proves it still measures — the emulator and the
// bare server answer the same bytes, every reply is checked, and the JSON line carries the figures. No timing is
// asserted here: the targets are judged by the bench itself.
import { spawnSync } from 'node:child_process';
import { expect, test } from '@playwright/test';
import { DEFAULT_RUN_TESTS, ROOT } from './helpers/runDetection.ts';

/** Runs `npm run bench`'s script with `env`; it must exit 0 and print its BENCH_JSON line with no measurement error. */
function bench(env: Record<string, string>, timeoutMs: number) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'test/bench/run.ts'], { cwd: ROOT, encoding: 'utf8', timeout: timeoutMs, env: { ...process.env, ...env } });
  expect(r.status, r.stderr.slice(-2000)).toBe(0);
  const line = r.stdout.split('\n').find((l) => l.startsWith('BENCH_JSON '));
  expect(line, 'the bench prints its BENCH_JSON line').toBeTruthy();
  const json = JSON.parse(line!.slice('BENCH_JSON '.length));
  expect(json.errors).toEqual([]);
  return { stdout: r.stdout, json };
}

test('a one-pair bench of the throughput, the Chromium floor and Playwright\'s least run runs clean and reports its figures', () => {
  test.setTimeout(90_000);
  const { stdout, json } = bench({ BENCH_ONLY: 'throughput,floor,minimum', BENCH_ROUNDS: '1', BENCH_ROUND_S: '1', BENCH_WARMUP_S: '1' }, 80_000);
  expect(json.fullRun, 'BENCH_ONLY leaves the full run out').toBeNull();
  expect(json.floor.samplesMs).toHaveLength(3);
  expect(json.playwrightMinimum.samplesMs, 'an empty Playwright run, timed 3×').toHaveLength(3);
  expect(json.minimumVsFloor).toBeCloseTo(json.playwrightMinimum.medianMs / json.floor.medianMs, 1);
  expect(stdout).toContain("Playwright's least run");
  for (const server of [json.throughput.emulator, json.throughput.bare]) {
    expect(server.rounds).toHaveLength(1);
    const [round] = server.rounds;
    expect(round.requests).toBeGreaterThan(0);
    expect(round).toMatchObject({ errors: 0, timeouts: 0, non2xx: 0, mismatches: 0 });
    expect(round.cpuUsPerReq).toBeGreaterThan(0);
  }
  expect(json.throughput.ratio).toBeGreaterThan(0);
  const statuses = Object.fromEntries(json.targets.map((t: { name: string; status: string }) => [t.name, t.status]));
  expect(statuses['full run wall time'], 'not measured, so not judged').toBe('N/A');
  expect(['MET', 'NOT MET']).toContain(statuses['emulator req/s vs bare node:http']);
  expect(stdout).toContain('emulator / bare');
  expect(stdout, 'parts left out are said to be, not reported as failures').toContain('not measured (BENCH_ONLY)');
  expect(stdout).not.toContain('FAILED');
});

test('one full run: its wall time, its exit, and where the time went — parts that add up to the wall time', () => {
  test.setTimeout(120_000);
  const { stdout, json } = bench({ BENCH_ONLY: 'full', BENCH_FULL_RUNS: '1' }, 110_000);
  const full = json.fullRun;
  expect(full).toMatchObject({ exitCode: 0, ready: true, tests: DEFAULT_RUN_TESTS });
  const p = full.phases;
  for (const k of ['runnerStartMs', 'setupTestsMs', 'checksMs', 'workersAndSetupMs', 'reportAndExitMs']) expect(p[k], k).toBeGreaterThan(0);
  const sum = p.runnerStartMs + p.setupTestsMs + p.checksMs + p.workersAndSetupMs + p.reportAndExitMs;
  // The parts come from two clocks (the bench's and the report's timestamps): equal to the wall time within 50 ms.
  expect(Math.abs(sum - full.wallMs)).toBeLessThan(50);
  expect(stdout).toContain("where the median run's time went");
});
