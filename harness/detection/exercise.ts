// Shared by the permission-set setup steps: find the app the authorization step authorized, ask the TP to act
// through its hook (or wait for a person), and hand what happened to the checks through an observations file.
import type { Run } from './run.ts';
import { succeeded, type CallEntry } from './emulatorHandle.ts';
import { notAttempted, performAction, type ActionResult } from './hook.ts';
import { becauseOf, loadObservations, saveObservations, scanProblem, type AuthorizationObservations } from './observations.ts';
import { configSecrets } from '../config.ts';
import { exerciseStep, stepsBeforeProbes, type SetupStep } from './selection.ts';

export interface ExerciseObservations {
  appId: number | null;
  skipped?: string;
  actions: Record<string, ActionResult>;
  ledgerStart: number;
}

export function authorizedApp(run: Run): { appId: number | null; why?: string } {
  const auth = loadObservations<AuthorizationObservations>(run.runDir, 'authorization');
  if (!auth) return { appId: null, why: 'the authorization step did not run' };
  if (!auth.appId) return { appId: null, why: `no mini program was authorized (see the authorization checks${becauseOf(scanProblem(auth))})` };
  return { appId: auth.appId };
}

export async function successfulCalls(run: Run, endpointId: string, appId: number): Promise<CallEntry[]> {
  return (await run.emulator.calls(endpointId)).filter((c) => c.appId === appId && succeeded(c));
}

/** Runs actions in order; once one is WAITING with nobody acting, the rest are marked WAITING without waiting again. */
export interface ExerciseStep {
  action: string;
  /** Key under which the result is recorded (defaults to the action; a repeated action needs its own key). */
  key?: string;
  instructions: string;
  satisfied: (appId: number) => Promise<boolean>;
  /** Before the TP is asked (also when it is not, because an earlier step stalled or hung). */
  before?: (appId: number) => Promise<void>;
  after?: (appId: number) => Promise<void>;
  /** An optional hook action: when the TP does not support it, record that and go on without WAITING. */
  optional?: boolean;
}

/** The first hook call that hung in the given steps of this run (they ran before the caller): the hook is not asked again. */
export function hungBefore(run: Run, steps: SetupStep[]): ActionResult | undefined {
  return steps.flatMap((step) => Object.values(loadObservations<Partial<ExerciseObservations>>(run.runDir, step)?.actions ?? {})).find((a) => a.hung);
}

export async function exercise(run: Run, set: string, steps: ExerciseStep[]): Promise<ExerciseObservations> {
  const { appId, why } = authorizedApp(run);
  const obs: ExerciseObservations = { appId, actions: {}, ledgerStart: (await run.emulator.ledger()).at(-1)?.seq ?? 0, skipped: why };
  try {
    if (!appId) return obs;
    let stalled: string | undefined;
    // A hook that hung in an earlier set's exercise is not asked again: a hanging TP costs a run one timeout.
    const order = stepsBeforeProbes(run.config.permissionSets);
    if (!order.includes(exerciseStep(set))) throw new Error(`${set} is not a selected permission set with an exercise`);
    let hung = hungBefore(run, order.slice(0, order.indexOf(exerciseStep(set))))?.cause;
    for (const s of steps) {
      const key = s.key ?? s.action;
      await s.before?.(appId);
      if (hung) {
        obs.actions[key] = notAttempted(s.action, hung);
        continue;
      }
      if (stalled) {
        obs.actions[key] = { action: s.action, outcome: 'waiting', durationMs: 0, cause: `an earlier step (${stalled}) is still waiting` };
        continue;
      }
      const r = await performAction({
        hookUrl: run.tpUrls.hook, action: s.action, appId, instructions: s.instructions, satisfied: () => s.satisfied(appId),
        waitS: s.optional ? 0 : run.config.waitS, log: s.optional ? () => {} : undefined,
      });
      obs.actions[key] = r;
      if (r.hung) hung = r.cause;
      if (r.outcome === 'waiting' && !s.optional) stalled = key;
      else if (r.outcome !== 'waiting') await s.after?.(appId);
    }
    return obs;
  } finally {
    saveObservations(run.runDir, exerciseStep(set), obs, configSecrets(run.config));
  }
}

export function exerciseObservations(run: Run, set: string): ExerciseObservations {
  const obs = loadObservations<ExerciseObservations>(run.runDir, exerciseStep(set));
  if (!obs) throw new Error(`the ${set} setup step recorded nothing (did it run?)`);
  return obs;
}

/**
 * Waits up to `timeoutMs` for `fn` to hold and says whether it did. The setup steps' wait, where a check would use
 * expect.poll: a TP that never acts must not fail the step that gives it the chance (the check that depends on it
 * fails, with the cause), and a caught expect.poll would still show as a failed step in every report.
 */
export async function until(fn: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  do {
    if (await fn()) return true;
    await new Promise((r) => setTimeout(r, 25));
  } while (Date.now() < deadline);
  return false;
}
