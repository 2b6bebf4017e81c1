// Which setup steps the selected checks stand on. Re-running one check (`-g`, a file:line, `--last-failed`, a
// report's reproduce command) should not wait through every other set's exercise — 20 s each when the TP has no
// hook. Playwright runs a dependency project in full whatever the filters select, so the reporter, the one place
// that sees the filtered suite before any worker starts, hands the selected check ids to the workers
// (handSelectionToWorkers), and each setup step skips itself when no selected check needs it (whyNotNeeded).
import { checkDef } from './checks.ts';
import { AUTHORIZATION_STAGE, bySlug } from './permissionSets.ts';
import { RUN_ENV } from './runEnv.ts';

/** A setup step, named as the observations it leaves: the scan, a set's exercise, the probes' faults. */
export type SetupStep = 'authorization' | 'probes' | `exercise-${string}`;

export const NOT_NEEDED_REASON = 'not needed by the selected checks / 所选检测项不依赖此步骤';

/** The setup steps one check reads what it judges from. */
export function stepsFor(checkId: string): SetupStep[] {
  const def = checkDef(checkId);
  if (def.permissionSet === AUTHORIZATION_STAGE.slug) return def.kind === 'probe' ? ['authorization', 'probes'] : ['authorization'];
  const set = bySlug(def.permissionSet);
  // 客服能力权限 is a live echoStr request to the TP's message URL: it needs no authorized app (reference §7.2).
  return set.suite?.setup ? ['authorization', `exercise-${set.slug}`] : [];
}

/** Called by the reporter in onBegin, before workers are forked (they inherit the environment). */
export function handSelectionToWorkers(checkIds: string[], env: NodeJS.ProcessEnv = process.env): void {
  // No check selected (`--project=setup`, `--list`): nothing to go by, so every step runs as before.
  if (checkIds.length) env[RUN_ENV.selectedChecks] = [...new Set(checkIds)].join(',');
  else delete env[RUN_ENV.selectedChecks];
}

/** Why `step` can be left out of this run, or undefined when it must run (also when the selection is unknown). */
export function whyNotNeeded(step: SetupStep, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const selected = env[RUN_ENV.selectedChecks];
  if (!selected) return undefined;
  try {
    return selected.split(',').some((id) => stepsFor(id).includes(step)) ? undefined : NOT_NEEDED_REASON;
  } catch {
    return undefined; // an id this build does not know: run the step rather than guess
  }
}
