// Which run a run is compared with (harness/report/compare.ts): the newest earlier one of the same setup that ran every
// check this one ran, so that a `-g` rerun in between, another TP or a broken report never stands in as the baseline.
import { test, expect } from '@playwright/test';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareReports, previousComparable, setupDifferences } from '../harness/report/compare.ts';
import type { Report } from '../harness/report/model.ts';
import { fakeReport } from './helpers/fakeReport.ts';

function runsFolder(runs: Record<string, Report | string>): string {
  const root = mkdtempSync(join(tmpdir(), 'preflight-runs-'));
  for (const [name, r] of Object.entries(runs)) {
    mkdirSync(join(root, name), { recursive: true });
    writeFileSync(join(root, name, 'preflight-report.json'), typeof r === 'string' ? r : JSON.stringify(r));
  }
  return root;
}

const ALL = { 'auth.a': 'PASSED', 'auth.b': 'PASSED', 'auth.c': 'PASSED' } as const;

test('a -g rerun in between is no baseline for a full run: the full run before it is', () => {
  const now = fakeReport('full-2', { ...ALL, 'auth.a': 'FAILED' });
  const root = runsFolder({
    '20260101T000000-aaaaaaaa': fakeReport('full-1', ALL),
    '20260101T000100-bbbbbbbb': fakeReport('rerun-of-b', { 'auth.a': 'SKIPPED', 'auth.b': 'PASSED', 'auth.c': 'SKIPPED' }),
  });
  const previous = previousComparable(join(root, '20260101T000200-cccccccc'), now);
  expect(previous?.runId).toBe('full-1');
  expect(compareReports(previous!, now).changes.map((c) => [c.id, c.from, c.to, c.regression])).toEqual([['auth.a', 'PASSED', 'FAILED', true]]);
  // The rerun itself is compared with the newest run that ran its one check.
  expect(previousComparable(join(root, '20260101T000200-cccccccc'), fakeReport('rerun-2', { 'auth.a': 'SKIPPED', 'auth.b': 'FAILED', 'auth.c': 'SKIPPED' }))?.runId).toBe('rerun-of-b');
});

test('another TP, another setup, a broken report or a later run is never the baseline', () => {
  const now = fakeReport('now', ALL, { platform: 'external', externalTp: 'https://tp-a.example.com' });
  const root = runsFolder({
    '20260101T000000-aaaaaaaa': fakeReport('tp-a', ALL, { platform: 'external', externalTp: 'https://tp-a.example.com' }),
    '20260101T000100-bbbbbbbb': fakeReport('tp-b', ALL, { platform: 'external', externalTp: 'https://tp-b.example.com' }),
    '20260101T000200-cccccccc': fakeReport('strict', ALL, { platform: 'external', externalTp: 'https://tp-a.example.com', strict: true }),
    '20260101T000300-dddddddd': '{"schemaVersion": 1, "runId": "odd", "checks": [null]}',
    '20260101T000400-eeeeeeee': JSON.stringify(fakeReport('odd-status', { 'auth.a': 'BROKEN' as never, 'auth.b': 'PASSED', 'auth.c': 'PASSED' }, { platform: 'external', externalTp: 'https://tp-a.example.com' })),
    '20260101T000600-ffffffff': fakeReport('later', ALL, { platform: 'external', externalTp: 'https://tp-a.example.com' }),
  });
  expect(previousComparable(join(root, '20260101T000500-99999999'), now)?.runId).toBe('tp-a');
  expect(previousComparable(join(root, '20260101T000000-aaaaaaaa'), now)).toBeUndefined();
});

test('the probes turned off, or another grant, is another setup: never the baseline, and said when compared', () => {
  const now = fakeReport('now', ALL, { probes: false });
  const root = runsFolder({
    '20260101T000000-aaaaaaaa': fakeReport('probes-on', ALL),
    '20260101T000100-bbbbbbbb': fakeReport('partial-grant', ALL, { probes: false, permissionSets: { selected: ['development', 'payment'], granted: ['payment'] } }),
  });
  expect(previousComparable(join(root, '20260101T000200-cccccccc'), now)).toBeUndefined();
  expect(setupDifferences(fakeReport('on', ALL), now)).toEqual(['probes true → false']);
  expect(setupDifferences(fakeReport('full', ALL, { permissionSets: { selected: ['development', 'payment'] } }), fakeReport('partial', ALL, { permissionSets: { selected: ['development', 'payment'], granted: ['payment'] } })))
    .toEqual(['granted development,payment → payment']);
  expect(setupDifferences(fakeReport('ref', ALL), fakeReport('ext', ALL, { platform: 'external', externalTp: 'https://tp-a.example.com' })))
    .toEqual(['platform reference → external', 'TP the reference TP → https://tp-a.example.com']);
});

test('a probe of a run with the probes off did not run; a stopped run\'s "not ready" is compared, a filtered one\'s is not', () => {
  const withProbe = (runId: string, status: 'PASSED' | 'SKIPPED', over: Partial<Report> = {}) => {
    const r = fakeReport(runId, { 'auth.a': 'PASSED', 'probe.x': status }, over);
    r.checks[1]!.kind = 'probe';
    return r;
  };
  const off = compareReports(withProbe('on', 'PASSED'), withProbe('off', 'SKIPPED', { probes: false }));
  expect(off.changes, 'no probe got worse: none ran').toEqual([]);
  expect(off.onlyIn).toEqual({ before: ['probe.x'], after: [] });
  const ready = fakeReport('ready', ALL);
  const notReady = { verdict: { status: 'FAILED' as const, ready: false, headline: { zh: '', en: '' } } };
  const leftOut = { 'auth.a': 'PASSED', 'auth.b': 'SKIPPED', 'auth.c': 'SKIPPED' } as const;
  expect(compareReports(ready, fakeReport('stopped', leftOut, { ...notReady, stopped: 'timedout' })).filtered, 'a stopped run is no filter').toBe(false);
  expect(compareReports(ready, fakeReport('filtered', leftOut, notReady)).filtered).toBe(true);
});

test('a check that ran in only one of the two runs is no change; a warning after a pass is worse', () => {
  const before = fakeReport('b', { 'auth.a': 'PASSED', 'auth.b': 'SKIPPED', 'auth.c': 'PASSED', 'auth.d': 'FAILED' });
  const after = fakeReport('a', { 'auth.a': 'WARNING', 'auth.b': 'FAILED', 'auth.c': 'SKIPPED', 'auth.d': 'WAITING' });
  expect(compareReports(before, after).changes.map((c) => [c.id, c.regression])).toEqual([['auth.a', true], ['auth.d', false]]);
});
