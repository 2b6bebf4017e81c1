// Which setup steps a selection of checks stands on (harness/detection/selection.ts): the rule a `-g` rerun uses to
// leave out the other sets' exercises. detection.spec.ts runs it end to end.
import { test, expect } from '@playwright/test';
import { CHECKS } from '../harness/detection/checks.ts';
import { exerciseStep, handSelectionToWorkers, NOT_NEEDED_REASON, stepsBefore, stepsBeforeProbes, stepsFor, whyNotNeeded, type SetupStep } from '../harness/detection/selection.ts';
import { RUN_ENV } from '../harness/detection/runEnv.ts';

const ALL_STEPS: SetupStep[] = ['authorization', 'exercise-development', 'exercise-payment', 'exercise-basic-info', 'probes'];

function needed(checkIds: string[]): SetupStep[] {
  const env: NodeJS.ProcessEnv = {};
  handSelectionToWorkers(checkIds, env);
  return ALL_STEPS.filter((step) => !whyNotNeeded(step, env));
}

test('what one check stands on: the scan; its set\'s exercise; the probes\' faults; for 客服能力权限 nothing', () => {
  expect(stepsFor('auth.ticket-ack')).toEqual(['authorization']);
  expect(stepsFor('auth.app-info-read')).toEqual(['authorization']);
  expect(stepsFor('probe.silent-reauthorization')).toEqual(['authorization', 'probes']);
  expect(stepsFor('dev.rollback')).toEqual(['authorization', 'exercise-development']);
  expect(stepsFor('pay.pushes-ack')).toEqual(['authorization', 'exercise-payment']);
  expect(stepsFor('info.domains')).toEqual(['authorization', 'exercise-basic-info']);
  expect(stepsFor('cs.echostr-handshake')).toEqual([]);
  expect(stepsFor('cs.echostr-bad-signature')).toEqual([]);
  // Every registered check stands on what its kind and set say: a probe on the scan and the faults, an authorization
  // check on the scan, 客服能力权限's on nothing, any other set's on the scan and that set's own exercise.
  for (const c of CHECKS) {
    const want = c.kind === 'probe' ? ['authorization', 'probes']
      : c.permissionSet === 'authorization' ? ['authorization']
      : c.permissionSet === 'customer-service' ? []
      : ['authorization', exerciseStep(c.permissionSet)];
    expect.soft(stepsFor(c.id), c.id).toEqual(want);
  }
});

test('the steps before the probes, in run order (Playwright\'s: the files\' names), whatever order the sets were named in', () => {
  expect(stepsBeforeProbes(['payment', 'customer-service', 'development'])).toEqual(['authorization', 'exercise-development', 'exercise-payment']);
  // basic-info's exercise is operations.setup.ts: after development, before payment.
  expect(stepsBeforeProbes(['payment', 'basic-info', 'development'])).toEqual(['authorization', 'exercise-development', 'exercise-basic-info', 'exercise-payment']);
  expect(stepsBeforeProbes(['customer-service'])).toEqual(['authorization']);
});

test('the steps before one step: those that ran earlier in this run (the hook is not asked again after it hung in one)', () => {
  const sets = ['payment', 'development'];
  expect(stepsBefore('authorization', sets)).toEqual([]);
  expect(stepsBefore('exercise-development', sets)).toEqual(['authorization']);
  expect(stepsBefore('exercise-payment', sets)).toEqual(['authorization', 'exercise-development']);
  expect(stepsBefore('probes', sets)).toEqual(stepsBeforeProbes(sets));
  // A set that is not selected has no step in this run: said, not guessed.
  expect(() => stepsBefore('exercise-basic-info', sets)).toThrow(/not a step of this run/);
});

test('a selection needs the union of its checks\' steps, and nothing else', () => {
  expect(needed(['cs.echostr-handshake'])).toEqual([]);
  expect(needed(['pay.account-create', 'cs.echostr-handshake'])).toEqual(['authorization', 'exercise-payment']);
  expect(needed(['probe.reauthorization', 'dev.submit-audit'])).toEqual(['authorization', 'exercise-development', 'probes']);
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

test('a step no selected check stands on is left out with the reason', () => {
  expect(whyNotNeeded('exercise-payment', { [RUN_ENV.selectedChecks]: 'dev.package-upload' })).toBe(NOT_NEEDED_REASON);
});
