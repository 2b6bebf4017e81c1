// Which setup steps the selected checks stand on. Re-running one check (`-g`, a file:line, `--last-failed`, a
// report's reproduce command) should not wait through every other set's exercise — 20 s each when the TP has no
// hook. Playwright runs a dependency project in full whatever the filters select (its reporter API cannot skip a
// setup project's tests either), so a small reporter, the one place that sees the filtered suite before any worker is
// forked, hands the selected check ids to the workers through the environment (SelectionHandover), and each setup step
// skips itself when no selected check needs it (whyNotNeeded).
import type { FullConfig, Reporter, Suite } from '@playwright/test/reporter';
import { checkDef } from './checks.ts';
import { AUTHORIZATION_STAGE, bySlug } from './permissionSets.ts';
import { RUN_ENV } from './runEnv.ts';

/** A setup step, named as the observations it leaves: the scan, a set's exercise, the probes' faults. */
export type SetupStep = 'authorization' | 'probes' | `exercise-${string}`;

export const NOT_NEEDED_REASON = 'not needed by the selected checks / 所选检测项不依赖此步骤';

/** The step where the TP acts for one permission set (suites/<set>.setup.ts). */
export function exerciseStep(slug: string): SetupStep {
  return `exercise-${slug}`;
}

/** Whether a step is a set's exercise (whose observations are ExerciseObservations). */
export function isExerciseStep(step: SetupStep): boolean {
  return step.startsWith('exercise-');
}

/**
 * The steps before the probes, in the order they run: the scan, then the selected sets' exercises in the order of
 * their files' names — Playwright's order for one worker (playwright.config.ts), whatever order the sets were named in.
 */
export function stepsBeforeProbes(permissionSets: readonly string[]): SetupStep[] {
  const file = (slug: string) => bySlug(slug).suite?.setup ?? '';
  const exercised = permissionSets.filter((s) => file(s)).sort((a, b) => file(a).localeCompare(file(b)));
  return ['authorization', ...exercised.map(exerciseStep)];
}

/** The steps of this run that come before `step` (for the probes: every step before them). */
export function stepsBefore(step: SetupStep, permissionSets: readonly string[]): SetupStep[] {
  const order = stepsBeforeProbes(permissionSets);
  if (step === 'probes') return order;
  const at = order.indexOf(step);
  if (at < 0) throw new Error(`${step} is not a step of this run (the selected permission sets have no such exercise)`);
  return order.slice(0, at);
}

/** The setup steps one check reads what it judges from. */
export function stepsFor(checkId: string): SetupStep[] {
  const def = checkDef(checkId);
  if (def.permissionSet === AUTHORIZATION_STAGE.slug) return def.kind === 'probe' ? ['authorization', 'probes'] : ['authorization'];
  const set = bySlug(def.permissionSet);
  if (set.suite?.setup) return ['authorization', exerciseStep(set.slug)];
  return set.suite?.withoutApp ? [] : ['authorization'];
}

/** Why `step` can be left out of this run, or undefined when it must run (also when the selection is unknown). */
export function whyNotNeeded(step: SetupStep, env: NodeJS.ProcessEnv): string | undefined {
  const selected = env[RUN_ENV.selectedChecks];
  if (!selected) return undefined;
  try {
    return selected.split(',').some((id) => stepsFor(id).includes(step)) ? undefined : NOT_NEEDED_REASON;
  } catch {
    return undefined; // an id this build does not know: run the step rather than guess
  }
}

/** Sets (or clears) the selection the workers inherit; they are forked after this. */
export function handSelectionToWorkers(checkIds: string[], env: NodeJS.ProcessEnv): void {
  // No check selected (`--project=setup`): nothing to go by, so every step runs.
  if (checkIds.length) env[RUN_ENV.selectedChecks] = [...new Set(checkIds)].join(',');
  else delete env[RUN_ENV.selectedChecks];
}

/** The check ids a filtered suite holds (tests carry theirs in a `check` annotation). */
function selectedCheckIds(suite: Suite): string[] {
  return suite.allTests().flatMap((t) => t.annotations.filter((a) => a.type === 'check' && a.description).map((a) => a.description!));
}

/**
 * Listed among playwright.config.ts's reporters; without it (`--reporter=list` replaces them all) nothing is handed
 * over and every step runs. onBegin comes after global setup and before the first worker is forked.
 */
export default class SelectionHandover implements Reporter {
  onBegin(_config: FullConfig, suite: Suite): void {
    handSelectionToWorkers(selectedCheckIds(suite), process.env);
  }

  printsToStdio(): boolean {
    return false;
  }
}
