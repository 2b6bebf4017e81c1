// Which setup steps a selection of checks stands on (harness/detection/selection.ts): the rule a `-g` rerun uses to
// leave out the other sets' exercises. detection.spec.ts runs it end to end.
import { test, expect } from '@playwright/test';
import { CHECKS } from '../harness/detection/checks.ts';
import { PERMISSION_SETS } from '../harness/detection/permissionSets.ts';
import { handSelectionToWorkers, NOT_NEEDED_REASON, stepsFor, whyNotNeeded, type SetupStep } from '../harness/detection/selection.ts';
import { RUN_ENV } from '../harness/detection/runEnv.ts';

const ALL_STEPS: SetupStep[] = ['authorization', 'probes', ...PERMISSION_SETS.filter((s) => s.suite?.setup).map((s) => `exercise-${s.slug}` as const)];

function needed(checkIds: string[]): SetupStep[] {
  const env: NodeJS.ProcessEnv = {};
  handSelectionToWorkers(checkIds, env);
  return ALL_STEPS.filter((step) => !whyNotNeeded(step, env));
}

test('every check stands on the scan and its own set\'s exercise, probes also on the probes\' faults; 客服能力权限 on nothing', () => {
  for (const c of CHECKS) {
    const set = PERMISSION_SETS.find((s) => s.slug === c.permissionSet);
    const expected: SetupStep[] =
      c.kind === 'probe' ? ['authorization', 'probes']
        : !set ? ['authorization']
          : set.suite?.setup ? ['authorization', `exercise-${set.slug}`]
            : [];
    expect.soft(stepsFor(c.id), c.id).toEqual(expected);
  }
  expect(stepsFor('cs.echostr-handshake')).toEqual([]);
});

test('a selection needs the union of its checks\' steps, and nothing else', () => {
  expect(needed(['cs.echostr-handshake'])).toEqual([]);
  expect(needed(['pay.account-create', 'cs.echostr-handshake'])).toEqual(['authorization', 'exercise-payment']);
  expect(needed(['probe.reauthorization', 'dev.submit-audit'])).toEqual(['authorization', 'probes', 'exercise-development']);
  expect(needed(CHECKS.map((c) => c.id))).toEqual(ALL_STEPS);
});

test('without a known selection every step runs: no check selected, none handed over, or an id this build does not know', () => {
  expect(needed([])).toEqual(ALL_STEPS);
  expect(ALL_STEPS.filter((step) => whyNotNeeded(step, {}))).toEqual([]);
  expect(ALL_STEPS.filter((step) => whyNotNeeded(step, { [RUN_ENV.selectedChecks]: 'cs.echostr-handshake,some.future-check' }))).toEqual([]);
  // An earlier selection in the same process is replaced, not merged.
  const env: NodeJS.ProcessEnv = {};
  handSelectionToWorkers(['cs.echostr-handshake'], env);
  handSelectionToWorkers([], env);
  expect(env[RUN_ENV.selectedChecks]).toBeUndefined();
});

test('the reason a step is left out says so in both languages', () => {
  expect(whyNotNeeded('exercise-payment', { [RUN_ENV.selectedChecks]: 'dev.package-upload' })).toBe(NOT_NEEDED_REASON);
  expect(NOT_NEEDED_REASON).toMatch(/not needed.*\/ .*[\u4e00-\u9fff]/);
});
