// The mutant catalogue (test/mutants/): for each detection check there is a deliberately broken reference TP that the
// check must catch — its header says "Must break: <check id>" — and a test that runs it. A check added without one,
// or a mutant no test runs, fails here rather than going unnoticed.
import { readdirSync, readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { CHECKS } from '../harness/detection/checks.ts';

const dir = new URL('./mutants/', import.meta.url);
const mutants = readdirSync(dir).filter((f) => f.endsWith('.ts')).map((f) => ({ name: f.replace(/\.ts$/, ''), text: readFileSync(new URL(f, dir), 'utf8') }));
const specs = readdirSync(new URL('./', import.meta.url)).filter((f) => f.endsWith('.spec.ts') && f !== 'mutants.spec.ts')
  .map((f) => readFileSync(new URL(`./${f}`, import.meta.url), 'utf8')).join('\n');

test('every check has a mutant that must break it', () => {
  const broken = new Set(mutants.flatMap((m) => [...m.text.matchAll(/Must break: ([a-z]+\.[a-z-]+)/g)].map((x) => x[1]!)));
  expect(CHECKS.map((c) => c.id).filter((id) => !broken.has(id)), 'checks no mutant names after "Must break:"').toEqual([]);
  const unknown = [...broken].filter((id) => !CHECKS.some((c) => c.id === id));
  expect(unknown, 'mutants naming a check that does not exist').toEqual([]);
});

test('every mutant is run by a test', () => {
  expect(mutants.filter((m) => !specs.includes(`'${m.name}'`)).map((m) => m.name)).toEqual([]);
});
