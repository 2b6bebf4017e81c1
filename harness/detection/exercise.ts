// Shared by the permission-set setup steps: find the app the authorization step authorized, ask the TP to act
// through its hook (or wait for a person), and hand what happened to the checks through an observations file.
import type { Run } from './run.ts';
import { grantType, succeeded, type CallEntry, type EmulatorHandle } from './emulatorHandle.ts';
import { notAttempted, performAction, type ActionRequest, type ActionResult } from './hook.ts';
import { becauseOf, loadObservations, saveObservations, type AuthorizationObservations } from './observations.ts';
import { scanStopCause } from './scan.ts';
import { configSecrets } from '../config.ts';
import { exerciseStep, stepsBefore, type SetupStep } from './selection.ts';

export interface ExerciseObservations {
  appId: number | null;
  skipped?: string;
  actions: Record<string, ActionResult>;
  ledgerStart: number;
}

export function authorizedApp(run: Run): { appId: number | null; why?: string } {
  const auth = loadObservations<AuthorizationObservations>(run.runDir, 'authorization');
  if (!auth) return { appId: null, why: 'the authorization step did not run' };
  if (!auth.appId) return { appId: null, why: `no mini program was authorized (see the authorization checks${becauseOf(scanStopCause(auth))})` };
  return { appId: auth.appId };
}

/**
 * Why the TP cannot act for the app, when it never got an authorizer token for it (no successful exchange of an
 * authorization code — every token starts with one) in `view` (before the probes, unless a probe says up to when):
 * its later failures then share that one cause, which auth.code-exchanged judges.
 */
export async function noAuthorizerToken(run: Run, appId: number, view: EmulatorHandle = run.beforeProbes): Promise<string | undefined> {
  const exchanges = (await view.calls('authprocess.getOAuthToken')).filter((c) => c.facts.appId === appId && grantType(c) === 'app_to_tp_authorization_code');
  if (exchanges.some(succeeded)) return undefined;
  const how = exchanges.length ? 'its exchanges of the authorization code failed' : 'it never exchanged the authorization code';
  return `the TP holds no authorizer token for app ${appId}: ${how} (see auth.code-exchanged)`;
}

/** The calls of an endpoint Baidu accepted for the app, in `view` (the setups' run.emulator, the checks' beforeProbes). */
export async function successfulCalls(view: EmulatorHandle, endpointId: string, appId: number): Promise<CallEntry[]> {
  return (await view.calls(endpointId)).filter((c) => c.appId === appId && succeeded(c));
}

/** Whether a package reached the app, in `view`: package/upload accepted, or the developer tool's upload (定制开发) went through — Baidu counts both (§7.1.3). */
export async function packageUploaded(run: Run, view: EmulatorHandle, appId: number): Promise<boolean> {
  return (await successfulCalls(view, 'pkg.uploadPackage', appId)).length > 0 || (await view.ideUploads(run.config.tp.clientId, appId)).some((e) => e.status === 200);
}

/** Runs actions in order; once one is WAITING with nobody acting, the rest are marked WAITING without waiting again. */
export interface ExerciseStep {
  action: string;
  /** Key under which the result is recorded (defaults to the action; a repeated action needs its own key). */
  key?: string;
  /** What a person does by hand when the hook does not (printed while WAITING); a function when it names the app. */
  instructions: string | ((appId: number) => string);
  satisfied: (appId: number) => Promise<boolean>;
  /** Before the TP is asked (also when it is not, because an earlier step stalled or hung). */
  before?: (appId: number) => Promise<void>;
  after?: (appId: number) => Promise<void>;
  /** An optional hook action: when the TP does not support it, record that and go on without WAITING. */
  optional?: boolean;
}

/**
 * The hook as `step` asks it: once a call hung — in this step, or in a step of this run that ran before — it is not
 * asked again, so a hanging TP costs a run one timeout; the action is recorded as not attempted.
 */
export function hookAsker(run: Run, step: SetupStep): (req: Omit<ActionRequest, 'hookUrl'>) => Promise<ActionResult> {
  let hung = stepsBefore(step, run.config.permissionSets).flatMap((earlier) => Object.values(loadObservations<Partial<ExerciseObservations>>(run.runDir, earlier)?.actions ?? {})).find((a) => a.hung);
  return async (req) => {
    if (hung) return notAttempted(req.action, hung.cause);
    const r = await performAction({ hookUrl: run.tpUrls.hook, ...req });
    if (r.hung) hung = r;
    return r;
  };
}

export async function exercise(run: Run, set: string, steps: ExerciseStep[]): Promise<ExerciseObservations> {
  const { appId, why } = authorizedApp(run);
  const obs: ExerciseObservations = { appId, actions: {}, ledgerStart: await run.emulator.lastSeq(), skipped: why };
  try {
    if (!appId) return obs;
    let stalled: string | undefined;
    const ask = hookAsker(run, exerciseStep(set));
    for (const s of steps) {
      const key = s.key ?? s.action;
      await s.before?.(appId);
      if (stalled) {
        obs.actions[key] = { action: s.action, outcome: 'waiting', durationMs: 0, cause: `an earlier step (${stalled}) is still waiting` };
        continue;
      }
      const r = await ask({
        action: s.action, appId, instructions: typeof s.instructions === 'function' ? s.instructions(appId) : s.instructions, satisfied: () => s.satisfied(appId),
        waitS: s.optional ? 0 : run.config.waitS, log: s.optional ? () => {} : undefined,
      });
      obs.actions[key] = r;
      if (r.outcome === 'waiting' && !s.optional) stalled = key;
      else if (r.outcome !== 'waiting' && !r.notAttempted) await s.after?.(appId);
    }
    return obs;
  } finally {
    saveObservations(run.runDir, exerciseStep(set), obs, configSecrets(run.config));
  }
}

/**
 * What a passed exercise did not get done, in a line: a step "passes" when the harness worked, whatever the TP did, so
 * without this a hook that hung reads as a step that did its job (the fixtures put it on the step). The checks judge
 * what it means.
 */
export function stepNote(obs: ExerciseObservations): string {
  if (!obs.appId) return `nothing exercised: ${obs.skipped ?? 'no authorized app'}`;
  const actions = Object.entries(obs.actions);
  const hung = actions.find(([, a]) => a.hung);
  const ids = (keep: (a: ActionResult) => boolean | undefined) => actions.filter(([, a]) => keep(a)).map(([k]) => k).join(', ');
  const notAsked = ids((a) => a.notAttempted);
  const refused = ids((a) => a.outcome === 'error' && !a.hung && !a.notAttempted);
  // Waiting covers an optional action the hook does not offer too: "not done" says no more than is known.
  const notDone = ids((a) => a.outcome === 'waiting');
  return [
    hung && hung[1].cause,
    notAsked && `not asked: ${notAsked}`,
    refused && `the hook answered with an error: ${refused}`,
    notDone && `not done: ${notDone}`,
  ].filter(Boolean).join('; ');
}

export function exerciseObservations(run: Run, set: string): ExerciseObservations {
  const obs = loadObservations<ExerciseObservations>(run.runDir, exerciseStep(set));
  if (!obs) throw new Error(`the ${set} setup step recorded nothing (did it run?)`);
  return obs;
}

/**
 * After a re-authorization the TP exchanges the new code, then maybe reads app/info, in its own time: waits for a
 * successful exchange of the code of `generation` (within `budgetMs`), then for 50 ms without a ledger entry (within
 * a second), so that what the TP does lands in the window of the probe that caused it, not the next one's.
 */
export async function settleAfterReauthorization(run: Run, generation: number, budgetMs: number): Promise<void> {
  const last = () => run.emulator.lastSeq();
  await until(async () => (await run.emulator.calls('authprocess.getOAuthToken')).some((c) => c.facts.codeGeneration === generation && succeeded(c)), budgetMs);
  for (let i = 0, seen = await last(); i < 20; i++) {
    await new Promise((r) => setTimeout(r, 50));
    if (seen === (seen = await last())) break;
  }
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
