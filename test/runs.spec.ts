// .preflight/runs (harness/detection/runs.ts, observations.ts): the oldest run folders go, the current one and anything
// that is not a run folder stay; what a setup step observed is written redacted.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { loadObservations, saveObservations, scanBrowserStatePath, scrubUrl } from '../harness/detection/observations.ts';
import { fingerprint } from '../harness/emulator/ledger.ts';
import { newRunId, pruneRuns, RUN_ID } from '../harness/detection/runs.ts';
import { lastFailedNote, saveLastRunEnv } from '../harness/detection/lastRun.ts';
import { parseConfig } from '../harness/config.ts';

function runId(i: number): string {
  // Minutes apart, in order: 20261129T070000-…, 20261129T070100-…
  return `20261129T07${String(i).padStart(2, '0')}00-${(0xabc00000 + i).toString(16)}`;
}

function makeRuns(root: string, n: number): string[] {
  const ids = Array.from({ length: n }, (_, i) => runId(i));
  for (const id of ids) {
    mkdirSync(path.join(root, id, 'artifacts'), { recursive: true });
    writeFileSync(path.join(root, id, 'pushes.json'), '[]');
    // Finished an hour ago: old enough to be pruned.
    const hourAgo = new Date(Date.now() - 3600_000);
    utimesSync(path.join(root, id), hourAgo, hourAgo);
  }
  mkdirSync(path.join(root, 'local'));
  writeFileSync(path.join(root, 'notes.txt'), 'mine');
  return ids;
}

test('the ids a run gets are what pruning recognises, and sort by age', () => {
  expect(newRunId()).toMatch(RUN_ID);
  expect(newRunId(new Date('2026-11-29T07:28:54Z'))).toMatch(/^20261129T072854-[0-9a-f]{8}$/);
  expect([newRunId(new Date('2026-12-01T00:00:00Z')), newRunId(new Date('2026-11-30T23:59:59Z'))].sort()[0]).toMatch(/^20261130T235959-/);
  expect('local').not.toMatch(RUN_ID);
});

test('keeps the newest N run folders, always the current one, and never touches other files', () => {
  const root = test.info().outputPath('runs');
  const ids = makeRuns(root, 25);
  // The current run is an old-looking one (a clock set back): it stays anyway.
  const current = path.join(root, ids[3]!);
  const removed = pruneRuns(current, 20);
  expect(removed.map((d) => path.basename(d))).toEqual([0, 1, 2, 4, 5].map(runId));
  const left = readdirSync(root).sort();
  expect(left).toContain(ids[3]);
  expect(left).toContain('local');
  expect(left).toContain('notes.txt');
  expect(left.filter((n) => RUN_ID.test(n))).toHaveLength(20);
  expect(left).toContain(ids[24]);
});

test('a kept run folder loses the admin\'s browser state a killed run left (the TP\'s session cookies), unless it may be live', () => {
  const root = test.info().outputPath('runs');
  const ids = makeRuns(root, 4);
  const hourAgo = new Date(Date.now() - 3600_000);
  for (const id of ids) {
    writeFileSync(scanBrowserStatePath(path.join(root, id)), '{"cookies":[{"name":"tp_sid","value":"secret"}]}');
    utimesSync(path.join(root, id), hourAgo, hourAgo);
  }
  const now = new Date();
  utimesSync(path.join(root, ids[1]!), now, now);
  const before = statSync(path.join(root, ids[0]!)).mtimeMs;
  expect(pruneRuns(path.join(root, ids[3]!), 10)).toEqual([]);
  expect(ids.map((id) => existsSync(scanBrowserStatePath(path.join(root, id))))).toEqual([false, true, false, true]);
  // Still as old as before, so a later prune can remove it.
  expect(statSync(path.join(root, ids[0]!)).mtimeMs).toBe(before);
});

test('PREFLIGHT_KEEP_RUNS=0 keeps every run; a missing folder is not an error', () => {
  const root = test.info().outputPath('runs');
  const ids = makeRuns(root, 5);
  expect(pruneRuns(path.join(root, ids[4]!), 0)).toEqual([]);
  expect(readdirSync(root).filter((n) => RUN_ID.test(n))).toHaveLength(5);
  expect(pruneRuns(path.join(test.info().outputPath('nowhere'), runId(1)), 1)).toEqual([]);
});

test('a run folder touched in the last 15 minutes is left alone: it may be a run going on beside this one', () => {
  const root = test.info().outputPath('runs');
  const ids = makeRuns(root, 4);
  const now = new Date();
  utimesSync(path.join(root, ids[0]!), now, now);
  const removed = pruneRuns(path.join(root, ids[3]!), 1);
  expect(removed.map((d) => path.basename(d))).toEqual([ids[1], ids[2]]);
  expect(readdirSync(root)).toContain(ids[0]);
});

test('observations are written redacted: checks quote them in reasons that reach reports no redactor reads', ({}, testInfo) => {
  const dir = testInfo.outputPath('run');
  const secret = 'ObservedMessageToken42';
  const token = '45.0123456789abcdef0123456789abcdef.3600.1700000000.abc-123';
  saveObservations(dir, 'exercise-development', { actions: { 'upload-package': { cause: `hook said: token ${token}, key ${secret}`, hookBody: { access_token: 'x' } } }, appId: 7 }, [secret]);
  const text = readFileSync(path.join(dir, 'exercise-development.json'), 'utf8');
  expect(text).not.toContain(secret);
  expect(text).not.toContain(token);
  expect(loadObservations<{ appId: number }>(dir, 'exercise-development')?.appId, 'the rest is kept').toBe(7);
});

test('URLs in evidence carry the ledger\'s fingerprints for their secrets, and keep everything else', () => {
  const code = 'c0de+/=Secret';
  const token = '45.0123456789abcdef0123456789abcdef.3600.1700000000.abc-123';
  const scrubbed = scrubUrl(`https://tp.example/cb?state=s1&authorization_code=${encodeURIComponent(code)}&expires_in=3600#frag`);
  // The same fingerprint as the ledger gives the code (so the callback's code matches its exchange).
  expect(scrubbed).toBe(`https://tp.example/cb?state=s1&authorization_code=${fingerprint('authorizationCode', code)}&expires_in=3600#frag`);
  // A token is named by its shape; in a fragment, under an escaped key or a key we do not know, it is still replaced.
  expect(scrubUrl(`https://x/#access_token=${token}`)).toBe(`https://x/#access_token=${fingerprint('authorizerAccessToken', token)}`);
  expect(scrubUrl(`https://x/?access%5Ftoken=opaque&code=a&code=b`)).toBe(`https://x/?access%5Ftoken=${fingerprint('accessToken', 'opaque')}&code=${fingerprint('authorizationCode', 'a')}&code=${fingerprint('authorizationCode', 'b')}`);
  expect(scrubUrl(`https://x/?t=${token}`)).toBe(`https://x/?t=${fingerprint('authorizerAccessToken', token)}`);
  expect(scrubUrl('https://x/?a?pre_auth_code=p1')).toBe(`https://x/?a?pre_auth_code=${fingerprint('preAuthCode', 'p1')}`);
  expect(scrubUrl('not a url')).toBe('not a url');
});

test('--last-failed under other settings is refused only when something failed last time', () => {
  const root = test.info().outputPath('runs');
  mkdirSync(root, { recursive: true });
  saveLastRunEnv(root, parseConfig({ PREFLIGHT_SEED: 's1', PREFLIGHT_STRICT: '1' }));
  const now = parseConfig({ PREFLIGHT_SEED: 's1' });
  const argv = ['node', 'playwright', 'test', '--last-failed'];
  expect(lastFailedNote(root, now, argv), 'no record of failures: nothing to reproduce').toBeUndefined();
  writeFileSync(path.join(root, 'last-run.json'), JSON.stringify({ status: 'passed', failedTests: [] }));
  expect(lastFailedNote(root, now, argv), 'a clean last run').toBeUndefined();
  writeFileSync(path.join(root, 'last-run.json'), JSON.stringify({ status: 'failed', failedTests: ['abc-123'] }));
  expect(lastFailedNote(root, now, argv)).toMatch(/To reproduce it: PREFLIGHT_SEED=s1 PREFLIGHT_STRICT=1 npm run preflight -- --last-failed$/);
  expect(lastFailedNote(root, parseConfig({ PREFLIGHT_SEED: 's1', PREFLIGHT_STRICT: '1' }), argv), 'the same settings').toBeUndefined();
  expect(lastFailedNote(root, now, ['node', 'playwright', 'test']), 'not a --last-failed run').toBeUndefined();
});
