// The mutant catalogue (test/mutants/): for each detection check there is a deliberately broken reference TP that the
// check must catch — its header says "Must break: <check id>" — and a test row that runs it and asserts that check
// (`mutant: '<name>', … check: '<check id>'`). A check added without one, a mutant no test runs, or a row asserting
// another check than its mutant's header names, fails here rather than going unnoticed.
import { readdirSync, readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { CHECKS } from '../harness/detection/checks.ts';

const dir = new URL('./mutants/', import.meta.url);
const mutants = readdirSync(dir).filter((f) => f.endsWith('.ts')).map((f) => {
  const text = readFileSync(new URL(f, dir), 'utf8');
  return { name: f.replace(/\.ts$/, ''), mustBreak: [...text.matchAll(/Must break: ([a-z]+\.[a-z-]+)/g)].map((x) => x[1]!) };
});
const specs = readdirSync(new URL('./', import.meta.url)).filter((f) => f.endsWith('.spec.ts') && f !== 'mutants.spec.ts')
  .map((f) => readFileSync(new URL(`./${f}`, import.meta.url), 'utf8')).join('\n');
/** The test rows: a mutant and the check the row asserts (the first `check:` before the next row's `mutant:`). */
const rows = [...specs.matchAll(/mutant: '([a-z0-9-]+)'(?:(?!mutant: ')[\s\S])*?check: '([a-z]+\.[a-z-]+)'/g)].map((m) => ({ mutant: m[1]!, check: m[2]! }));

test('every check has a mutant that must break it, and a test row that asserts so', () => {
  expect(rows.length, 'test rows found').toBeGreaterThan(20);
  const covered = new Set(rows.filter((r) => mutants.find((m) => m.name === r.mutant)?.mustBreak.includes(r.check)).map((r) => r.check));
  expect(CHECKS.map((c) => c.id).filter((id) => !covered.has(id)), 'checks without a mutant row whose mutant names them after "Must break:"').toEqual([]);
  const unknown = mutants.flatMap((m) => m.mustBreak).filter((id) => !CHECKS.some((c) => c.id === id));
  expect(unknown, 'mutants naming a check that does not exist').toEqual([]);
});

test('every row asserts a check its mutant\'s header names', () => {
  const off = rows.filter((r) => {
    const m = mutants.find((x) => x.name === r.mutant);
    return !m || !m.mustBreak.includes(r.check);
  });
  expect(off.map((r) => `${r.mutant} → ${r.check}`)).toEqual([]);
});

test('every mutant is run by a test', () => {
  const run = new Set([...specs.matchAll(/mutant: '([a-z0-9-]+)'/g)].map((m) => m[1]!));
  expect(mutants.filter((m) => !run.has(m.name)).map((m) => m.name)).toEqual([]);
});
