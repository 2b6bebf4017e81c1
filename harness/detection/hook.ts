// Asking the TP to exercise a capability (the hook contract in the README). Without a hook, or when the hook answers
// 404/501 for an action, the step is WAITING: the console says what the team must do, and the harness watches the
// emulator's ledger for the calls until PREFLIGHT_WAIT_S runs out — a person can click through their own TP console.

export type ActionOutcome = 'done' | 'waiting' | 'error';

/** How long one hook call may take: the TP performs real Baidu calls, a few seconds at most. */
export const HOOK_TIMEOUT_MS = 15_000;

/** The result of an action the hook was not asked for because an earlier call hung (`cause` is that call's). */
export function notAttempted(action: string, cause: string | undefined): ActionResult {
  return { action, outcome: 'error', notAttempted: true, durationMs: 0, cause: `not attempted: ${cause ?? 'the hook hung earlier'}` };
}

export interface ActionResult {
  action: string;
  outcome: ActionOutcome;
  /** The hook's HTTP status and body, when there is a hook. */
  hookStatus?: number;
  hookBody?: unknown;
  cause?: string;
  /** The hook call timed out (the TP hangs): later steps are not attempted, so a hanging TP costs one timeout. */
  hung?: boolean;
  /** Not asked, because an earlier hook call hung (notAttempted). */
  notAttempted?: true;
  durationMs: number;
}

export interface ActionRequest {
  hookUrl?: string;
  action: string;
  appId: number;
  /** What the team must do by hand when there is no hook (printed while WAITING). */
  instructions: string;
  /** True once the ledger shows the calls this action must produce. */
  satisfied: () => Promise<boolean>;
  waitS: number;
  timeoutMs?: number;
  log?: (line: string) => void;
}

/** The hook's way of saying it does not do an action (404 Not Found, 501 Not Implemented): then a person may. */
export function unsupportedStatus(status: number | undefined): boolean {
  return status === 404 || status === 501;
}

export async function performAction(r: ActionRequest): Promise<ActionResult> {
  const started = performance.now();
  const done = (x: Omit<ActionResult, 'action' | 'durationMs'>): ActionResult => ({ action: r.action, durationMs: Math.round(performance.now() - started), ...x });
  let hookStatus: number | undefined;
  let hookBody: unknown;
  if (r.hookUrl) {
    try {
      const res = await fetch(r.hookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ action: r.action, appId: r.appId }),
        signal: AbortSignal.timeout(r.timeoutMs ?? HOOK_TIMEOUT_MS),
      });
      hookStatus = res.status;
      const text = await res.text();
      try {
        hookBody = JSON.parse(text);
      } catch {
        hookBody = text.slice(0, 500);
      }
      if (res.ok) return done({ outcome: 'done', hookStatus, hookBody });
      if (!unsupportedStatus(res.status)) {
        return done({ outcome: 'error', hookStatus, hookBody, cause: `the TP's hook answered HTTP ${res.status}: ${JSON.stringify(hookBody).slice(0, 300)}` });
      }
    } catch (e) {
      const err = e as Error;
      const hung = /timeout|abort/i.test(`${err.name} ${err.message}`);
      return done({ outcome: 'error', hung, cause: hung ? `the TP's hook ${r.hookUrl} did not answer "${r.action}" within ${r.timeoutMs ?? HOOK_TIMEOUT_MS} ms` : `the TP's hook ${r.hookUrl} failed: ${err.message}` });
    }
  }
  // A 404 is also what a wrong TP_HOOK_URL gets (nothing served at that path); a 501 is the hook's own word.
  const wrongUrl = hookStatus === 404 ? `; if it does, check TP_HOOK_URL=${r.hookUrl}: nothing may be served at that path` : '';
  const why = r.hookUrl ? `the hook does not support "${r.action}" (HTTP ${hookStatus}${wrongUrl})` : 'no TP_HOOK_URL is configured';
  (r.log ?? ((l) => process.stdout.write(l + '\n')))(`WAITING (${why}): ${r.instructions} — app ${r.appId}; waiting up to ${r.waitS} s `
    + '(PREFLIGHT_WAIT_S: 0 skips the wait; or leave this set out of PREFLIGHT_PERMISSION_SETS)');
  const deadline = Date.now() + r.waitS * 1000;
  do {
    if (await r.satisfied()) return done({ outcome: 'done', hookStatus, hookBody, cause: `${why}; the calls arrived while waiting` });
    await new Promise((res) => setTimeout(res, 250));
  } while (Date.now() < deadline);
  return done({ outcome: 'waiting', hookStatus, hookBody, cause: `${why}, and the TP made no such call within PREFLIGHT_WAIT_S=${r.waitS} s: ${r.instructions}` });
}
