// The report's timeline (harness/detection/timeline.ts): each kind of ledger entry becomes one row that says, as
// Baidu would judge it, whether it went through — and why not, in the words the checks use.
import { test, expect } from '@playwright/test';
import type { CallEntry, LedgerEntry, PageEntry, PushEntry, SideDoorEntry, ToolEntry } from '../harness/emulator/ledger.ts';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTimeline, timelineRows, TIMELINE_FILE } from '../harness/detection/timeline.ts';
import { isTimeline } from '../harness/report/model.ts';

const T0 = 1_700_000_000_000;
const call = (seq: number, over: Partial<CallEntry>): CallEntry => ({
  seq, at: T0 + seq, dir: 'in', endpointId: 'authprocess.getTpToken', method: 'GET', path: '/public/2.0/smartapp/auth/tp/token',
  query: {}, form: {}, status: 200, response: { errno: 0, msg: 'success', data: {} }, durationMs: 0, facts: {}, flags: [], ...over,
});
const push = (seq: number, over: Partial<PushEntry>): PushEntry => ({
  seq, at: T0 + seq, dir: 'push', clientId: 'c', target: 'auth', url: 'http://tp/auth', event: 'ticket', message: {}, envelope: {},
  status: 200, replyBody: 'success', latencyMs: 0, outcome: 'ok', facts: {}, ...over,
});

test('each kind of entry: what it was, whether it went through and why not', () => {
  const entries: LedgerEntry[] = [
    push(1, {}),
    call(2, { facts: { staleTicket: true } }),
    call(3, { endpointId: 'authprocess.getPreAuthCode', path: '/rest/2.0/smartapp/tp/createpreauthcode', response: { errno: 40001, msg: '参数错误' } }),
    call(4, { endpointId: 'authprocess.getOAuthToken', path: '/rest/2.0/oauth/token', response: { error: 'invalid_grant', error_description: 'code used' }, facts: { grantType: 'app_to_tp_authorization_code' } }),
    call(5, { endpointId: 'authprocess.getAppInfo', path: '/rest/2.0/smartapp/app/info', appId: 42, response: { error_code: 2, error_msg: 'Service temporarily unavailable' }, facts: { injected: 'transient' } }),
    push(6, { event: 'AUTHORIZED', message: { appId: 42 }, status: 200, replyBody: 'ok', outcome: 'bad-body' }),
    push(7, { status: null, replyBody: '', outcome: 'timeout', cause: 'no answer within 5000 ms' }),
    push(8, { status: 400, replyBody: 'bad', outcome: 'http-error', facts: { probe: 'forged-signature' } }),
    push(9, { target: 'message', event: 'echoStr', status: 403, replyBody: 'no', outcome: 'http-error', facts: { probe: 'echoStr', badSignature: true } }),
    { seq: 10, at: T0 + 10, dir: 'page', path: '/mappconsole/tp/authorization', query: {}, status: 200, errno: 50006, facts: {} } satisfies PageEntry,
    { seq: 11, at: T0 + 11, dir: 'tool', tool: 'ide', action: 'upload', clientId: 'c', appId: 42, status: 400, errno: 45001, facts: { why: 'app 42 did not grant 开发管理权限' } } satisfies ToolEntry,
    { seq: 12, at: T0 + 12, dir: 'sidedoor', route: 'POST /__emulator/app/expire-token', clientId: 'c', appId: 42, input: { clientId: 'c', appId: 42, slowRefreshMs: 300 }, status: 200 } satisfies SideDoorEntry,
  ];
  const rows = timelineRows(entries);
  expect(rows.map((r) => [r.seq, r.atMs, r.kind, r.ok])).toEqual([
    [1, 0, 'push', true], [2, 1, 'call', true], [3, 2, 'call', false], [4, 3, 'call', false], [5, 4, 'call', false],
    [6, 5, 'push', false], [7, 6, 'push', false],
    // Forgeries sent on purpose: any answer will do here (their checks judge what the TP did next); none would not.
    [8, 7, 'push', true], [9, 8, 'push', true],
    [10, 9, 'page', false], [11, 10, 'tool', false], [12, 11, 'sidedoor', true],
  ]);
  expect(rows[0]).toEqual({ seq: 1, atMs: 0, kind: 'push', what: 'ticket → 授权事件接收URL', ok: true, result: 'HTTP 200 in 0 ms, body "success"', ms: 0 });
  expect(rows[1]).toMatchObject({ zh: '获取第三方平台access_token', result: 'HTTP 200, errno 0', ms: 0, notes: ['not the newest ticket delivered / 非最新 ticket'] });
  expect(rows[2]!.result).toMatch(/^errno 40001 参数错误/);
  expect(rows[3]).toMatchObject({ what: 'GET /rest/2.0/oauth/token?grant_type=app_to_tp_authorization_code', result: 'OAuth error invalid_grant: code used' });
  expect(rows[4]).toMatchObject({ appId: 42, result: 'gateway error 2 Service temporarily unavailable', notes: ['injected by a probe: transient / 探测注入'] });
  expect(rows[5]).toMatchObject({ what: 'AUTHORIZED → 授权事件接收URL', appId: 42, result: 'bad-body: HTTP 200 in 0 ms, body "ok"' });
  expect(rows[6]!.result).toBe('timeout: no answer — no answer within 5000 ms');
  expect(rows[7]!.notes).toEqual(['forged MsgSignature (probe) / 伪造签名（探测）']);
  expect(rows[8]).toMatchObject({ what: 'echoStr → 消息与事件接收URL', notes: ['wrong signature on purpose / 故意使用错误签名'] });
  expect(rows[9]).toMatchObject({ zh: '授权页（电脑端，二维码）', result: expect.stringMatching(/^errno 50006 /) });
  expect(rows[10]).toMatchObject({ appId: 42, result: 'errno 45001 app 42 did not grant 开发管理权限' });
  expect(rows[11]).toMatchObject({ appId: 42, zh: expect.stringContaining('提前过期'), result: 'done {"slowRefreshMs":300}' });
});

test('in the order things started: a push the TP answered only after calling Baidu comes before that call', () => {
  // The ledger records each when it is answered: the code exchange (seq 1, 2 ms) inside the TP's AUTHORIZED handler,
  // then the AUTHORIZED push (seq 2), sent 30 ms before its answer. A side-door action is stamped when it started.
  const rows = timelineRows([
    call(1, { at: T0 + 20, durationMs: 2, path: '/rest/2.0/oauth/token', endpointId: 'authprocess.getOAuthToken', response: {} }),
    push(2, { at: T0 + 40, latencyMs: 30, event: 'AUTHORIZED' }),
    { seq: 3, at: T0, dir: 'sidedoor', route: 'POST /__emulator/app/reauthorize', input: {}, status: 200 } satisfies SideDoorEntry,
  ]);
  expect(rows.map((r) => [r.seq, r.atMs])).toEqual([[3, 0], [2, 10], [1, 18]]);
  // Times from a given start (the dashboard counts from the oldest entry it holds).
  expect(timelineRows([push(4, { at: T0 + 500, latencyMs: 4 })], T0).map((r) => r.atMs)).toEqual([496]);
});

test('a timeline file that is not what the teardown writes is refused by the report\'s schema (the reporter then leaves it out)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'timeline-'));
  for (const [text, ok] of [['[]', true], ['{}', false], ['[{}]', false], ['not json', false],
    [JSON.stringify([{ seq: 1, atMs: 0, kind: 'call', what: 'x', ok: true, result: 'y' }]), true],
    [JSON.stringify([{ seq: 1, atMs: 0, kind: 'telegram', what: 'x', ok: true, result: 'y' }]), false]] as const) {
    writeFileSync(join(dir, TIMELINE_FILE), text);
    expect(isTimeline(loadTimeline(dir)), text).toBe(ok);
  }
  expect(isTimeline(loadTimeline(join(dir, 'nowhere')))).toBe(false);
  // What the teardown writes is what the schema takes.
  writeFileSync(join(dir, TIMELINE_FILE), JSON.stringify(timelineRows([push(1, {}), call(2, {})])));
  expect(isTimeline(loadTimeline(dir))).toBe(true);
});

test('an empty ledger is an empty timeline', () => {
  expect(timelineRows([])).toEqual([]);
});
