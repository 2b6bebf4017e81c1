// What a TP developer should look at when a push was not acknowledged, from its outcome alone: shared by the checks'
// reasons (fixtures/judge.ts), `npm run emulator`'s first ticket (harness/cli/emulator.ts) and `preflight push replay`
// (harness/cli/push.ts).
import type { PushEntry } from '../emulator/ledger.ts';

type Push = Pick<PushEntry, 'outcome' | 'status'>;

/** The TP is not (yet) up: nothing answered, or a proxy in front of it answered for it. */
export function tpNotUp(p: Push): boolean {
  return p.outcome === 'connect-error' || p.outcome === 'timeout' || p.outcome === 'reset'
    || (p.outcome === 'http-error' && p.status !== null && [502, 503, 504].includes(p.status));
}

/** The likeliest cause, as a clause to append after the push's own cause ('' when the cause says it all). */
export function pushHint(p: Push, budgetMs?: number): string {
  if (p.outcome === 'connect-error') return ' — is the TP running and listening at that URL?';
  if (p.outcome === 'timeout') {
    return budgetMs === undefined ? ' — the TP did not answer at all'
      : ` — the TP must answer "success" within ${budgetMs} ms (PREFLIGHT_PUSH_BUDGET_MS); the emulator stops waiting later, like Baidu`;
  }
  // A path nothing serves, or serves without POST: the URL is wrong before any key is.
  if (p.outcome === 'http-error' && p.status === 404) return ' — nothing is served at that path: is the URL the one configured at Baidu (a typo, a missing prefix)?';
  if (p.outcome === 'http-error' && p.status === 405) return ' — that path does not take POST, which Baidu sends: is it the URL configured at Baidu?';
  if (p.outcome === 'http-error' && p.status !== null && p.status >= 400 && p.status < 500) {
    return ' — a TP that refuses pushes usually holds another 消息验证TOKEN or 消息加解密Key than TP_MESSAGE_TOKEN / TP_ENCODING_AES_KEY';
  }
  if (p.outcome === 'http-error' && p.status !== null && p.status >= 500 && !tpNotUp(p)) return ' — the TP failed while handling it: see its log';
  return '';
}
