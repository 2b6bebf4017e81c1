// The run's whole exchange with Baidu, in order: every call the TP made, every push and handshake sent to it, every
// page the browsers opened and every developer-tool upload. Baidu's detection shows a bare pass/fail, and TP
// developers ask for "the actual requests sent" (field notes pain 2); a check's evidence shows the entries it judged,
// this shows them in context. Built from the redacted ledger at the end of the run (the global teardown runs before
// the reporter's onEnd), kept in the run folder, and added to the report by the reporter.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CATALOGUE } from '../baidu/catalogue.ts';
import { ERRNO } from '../baidu/errors.ts';
import type { CallEntry, LedgerEntry, PageEntry, PushEntry, SideDoorEntry, ToolEntry } from '../emulator/ledger.ts';
import { describeAnswer } from '../emulator/pusher.ts';
import { errorOf, succeeded } from './emulatorHandle.ts';

export interface TimelineRow {
  /** The ledger's sequence number: what checks' evidence cites as `seq`. */
  seq: number;
  /** Milliseconds since the run's first entry. */
  atMs: number;
  /**
   * call: the TP called Baidu; push: Baidu pushed to the TP; page: a browser opened Baidu's page; tool: the developer
   * tool; sidedoor: the harness changed the emulator's world (a probe's fault, a test's clock).
   */
  kind: 'call' | 'push' | 'page' | 'tool' | 'sidedoor';
  /** `GET /rest/2.0/…`, `ticket → 授权事件接收URL`, … */
  what: string;
  /** Baidu's name for it, when it has one. */
  zh?: string;
  appId?: number;
  /** As Baidu would judge it: the call succeeded, the TP acknowledged the push, the page opened. */
  ok: boolean;
  result: string;
  /** How long the call or the TP's answer took. */
  ms?: number;
  /** What stands out: a stale ticket, an injected fault, a probe's forged push, a replay. */
  notes?: string[];
}

export const TIMELINE_FILE = 'timeline.json';

const ZH_BY_ID = new Map(CATALOGUE.map((d) => [d.id, d.zh]));
const PUSH_TARGET = { auth: '授权事件接收URL', message: '消息与事件接收URL' } as const;
const PAGE_ZH: Record<string, string> = {
  '/mappconsole/tp/authorization': '授权页（电脑端，二维码）',
  '/mappconsole/tp/authorization/scan': '手机确认页（扫码后）',
  '/mappconsole/tp/authorization/confirm': '管理员确认授权',
};

/** Fact → note, for the facts the emulator records that a reader should notice in the flow. */
const CALL_NOTES: [string, (v: unknown) => string | undefined][] = [
  ['staleTicket', (v) => (v ? 'not the newest ticket delivered / 非最新 ticket' : undefined)],
  ['staleAuthorizerToken', (v) => (v ? 'a replaced authorizer token / 已被替换的凭据' : undefined)],
  ['reusedRefreshToken', (v) => (v ? 'refresh_token used twice / refresh_token 重复使用' : undefined)],
  ['injected', (v) => (v ? `injected by a probe: ${String(v)} / 探测注入` : undefined)],
  ['permissionDenied', (v) => (v ? `permission set not granted: ${String(v)} / 未授权该权限集` : undefined)],
  ['releasedBeforePass', (v) => (v ? 'release before the audit passed / 审核通过前发布' : undefined)],
];

function callRow(e: CallEntry): Omit<TimelineRow, 'seq' | 'atMs'> {
  const ok = succeeded(e);
  const r = (e.response ?? {}) as Record<string, unknown>;
  const errno = typeof r.errno === 'number' && r.errno !== 0 ? r.errno : undefined;
  const result = ok ? (r.errno === 0 ? `HTTP ${e.status}, errno 0` : `HTTP ${e.status}`)
    : errno !== undefined && ERRNO[errno]?.hint ? `${errorOf(e)} — ${ERRNO[errno]!.hint}` : errorOf(e);
  const notes = CALL_NOTES.map(([k, f]) => f(e.facts[k])).filter((n): n is string => !!n);
  for (const f of e.flags) notes.push(f);
  return {
    // The token endpoint serves two grants: which one is what a reader needs.
    kind: 'call', what: `${e.method} ${e.path}${typeof e.facts.grantType === 'string' ? `?grant_type=${e.facts.grantType}` : ''}`, ...(e.endpointId && ZH_BY_ID.get(e.endpointId) ? { zh: ZH_BY_ID.get(e.endpointId) } : {}),
    ...(e.appId !== undefined ? { appId: e.appId } : {}), ok, result, ms: Math.round(e.durationMs), ...(notes.length ? { notes } : {}),
  };
}

function pushRow(e: PushEntry): Omit<TimelineRow, 'seq' | 'atMs'> {
  const notes: string[] = [];
  const probe = e.facts.probe;
  if (probe === 'forged-signature') notes.push('forged MsgSignature (probe) / 伪造签名（探测）');
  else if (probe === 'identifier') notes.push(`sealed with the TP's ${String(e.facts.identifier)} (probe) / 以另一身份标识加密（探测）`);
  if (e.facts.badSignature) notes.push('wrong signature on purpose / 故意使用错误签名');
  if (typeof e.facts.replayOf === 'number') notes.push(`replay of #${e.facts.replayOf} / 重放`);
  const app = (e.message as Record<string, unknown> | null)?.appId;
  // A push is acknowledged by its exact answer, as the pusher judged it (outcome) when it was sent. A forgery sent on
  // purpose may be refused or answered "success" (its check looks at what the TP did next): only no answer stands out.
  const forgery = probe === 'forged-signature' || !!e.facts.badSignature;
  const ok = forgery ? e.status !== null : e.outcome === 'ok';
  return {
    kind: 'push', what: `${e.event} → ${PUSH_TARGET[e.target]}`,
    ...(typeof app === 'number' ? { appId: app } : {}), ok,
    result: ok || forgery ? describeAnswer(e) : `${e.outcome}: ${describeAnswer(e)}`, ms: Math.round(e.latencyMs), ...(notes.length ? { notes } : {}),
  };
}

function pageRow(e: PageEntry): Omit<TimelineRow, 'seq' | 'atMs'> {
  const ok = e.status < 400 && e.errno === undefined;
  const result = e.errno !== undefined ? `errno ${e.errno} ${ERRNO[e.errno]?.msg ?? ''}`.trim() : `HTTP ${e.status}`;
  const app = Number(e.query.app_id ?? e.facts.appId);
  return {
    kind: 'page', what: `GET ${e.path}`, ...(PAGE_ZH[e.path] ? { zh: PAGE_ZH[e.path] } : {}),
    ...(Number.isInteger(app) && app > 0 ? { appId: app } : {}), ok, result,
  };
}

function toolRow(e: ToolEntry): Omit<TimelineRow, 'seq' | 'atMs'> {
  const ok = e.status === 200;
  return {
    kind: 'tool', what: 'developer tool upload', zh: '开发者工具上传（定制开发）', appId: e.appId, ok,
    result: ok ? `package ${String(e.facts.packageId)}` : `errno ${e.errno} ${String(e.facts.why ?? '')}`.trim(),
  };
}

/** What each side-door action does, in the words of the probe or test that uses it. */
const SIDE_DOOR: Record<string, { zh: string; en: string }> = {
  'POST /__emulator/tps': { zh: '注册第三方平台', en: 'the TP is registered' },
  'POST /__emulator/clock': { zh: '模拟时钟前进', en: 'the clock moves on' },
  'POST /__emulator/tp/revoke-tokens': { zh: '吊销第三方平台的 access_token（探测）', en: "the TP's access tokens are revoked (probe)" },
  'POST /__emulator/app/expire-token': { zh: '授权小程序的凭据提前过期（探测）', en: "the app's authorizer token expires early (probe)" },
  'POST /__emulator/app/transient-error': { zh: '设置或解除下一次调用的临时错误（探测）', en: "a transient error is armed on the app's next calls, or disarmed with count 0 (probe)" },
  'POST /__emulator/app/reauthorize': { zh: '管理员重新授权（探测）', en: 'the admin authorizes again (probe)' },
  'POST /__emulator/app/unauthorize': { zh: '管理员取消授权（探测）', en: 'the admin withdraws the authorization (probe)' },
  'POST /__emulator/app/audit-hold': { zh: '审核暂缓或放行', en: 'the reviewer holds or releases submissions' },
  'POST /__emulator/app/state': { zh: '设置小程序的审核状态', en: "the app's name or category approval is set" },
};

function sideDoorRow(e: SideDoorEntry): Omit<TimelineRow, 'seq' | 'atMs'> {
  const label = SIDE_DOOR[e.route];
  const { clientId: _c, appId: _a, ...rest } = e.input;
  const ok = e.status >= 200 && e.status < 300;
  return {
    kind: 'sidedoor', what: e.route, ...(label ? { zh: `${label.zh} / ${label.en}` } : {}), ...(e.appId !== undefined ? { appId: e.appId } : {}), ok,
    result: `${ok ? 'done' : `HTTP ${e.status}`}${Object.keys(rest).length ? ` ${JSON.stringify(rest)}` : ''}`,
  };
}

/**
 * When an entry began. The ledger records a call or a push when it is answered, so a push whose TP called Baidu before
 * answering comes after that call in the ledger: in time order it comes first, as its cause.
 */
function startedAt(e: LedgerEntry): number {
  return e.dir === 'in' ? e.at - e.durationMs : e.dir === 'push' ? e.at - e.latencyMs : e.at;
}

/**
 * The rows of a run's ledger (already redacted), in the order things started (ties in the ledger's order); times
 * count from `start`, by default the earliest.
 */
export function timelineRows(entries: readonly LedgerEntry[], start?: number): TimelineRow[] {
  const timed = entries.map((e) => ({ e, t: startedAt(e) })).sort((a, b) => a.t - b.t || a.e.seq - b.e.seq);
  const t0 = start ?? timed[0]?.t ?? 0;
  return timed.map(({ e, t }) => {
    const row = e.dir === 'in' ? callRow(e) : e.dir === 'push' ? pushRow(e) : e.dir === 'page' ? pageRow(e) : e.dir === 'tool' ? toolRow(e) : sideDoorRow(e);
    return { seq: e.seq, atMs: Math.max(0, Math.round((t - t0) * 10) / 10), ...row };
  });
}

export function saveTimeline(runDir: string, rows: TimelineRow[]): void {
  writeFileSync(path.join(runDir, TIMELINE_FILE), JSON.stringify(rows));
}

/**
 * What a run folder's timeline.json holds, or undefined when there is none (a run that stopped before its servers
 * started) or it is not JSON. The reporter checks its shape against the report's schema before using it.
 */
export function loadTimeline(runDir: string): unknown {
  const file = path.join(runDir, TIMELINE_FILE);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}
