// The data-analysis provider over real HTTP (reference §4.11): the exclusive 数据权限 enforced, yyyyMMdd dates,
// pages of 20, stable values, the TP-level gettpdata, and every reply against the catalogue's schema (the client
// validates each one).
import { test as base, expect } from '@playwright/test';
import { BaiduApiError, BaiduClient } from '../harness/baidu/client.ts';
import { CATALOGUE } from '../harness/baidu/catalogue.ts';
import { beijingYmd } from '../harness/baidu/dates.ts';
import type { StartedEmulator } from '../harness/emulator/index.ts';
import { refusalCode } from './support/emulatorKit.ts';
import { emulatorWithTp } from './support/emulatorWithTp.ts';

const TP = {
  clientId: 'DataProviderClientId000000000000', tpAppId: 78, name: 'data', messageToken: 'datatoken', encodingAesKey: 'd'.repeat(43),
  // Nobody listens here: the AUTHORIZED pushes are recorded with a connect error, which is all these tests need.
  authEventUrl: 'http://127.0.0.1:9/auth', messageEventUrl: 'http://127.0.0.1:9/msg', authStartDomain: '127.0.0.1',
  testAppIds: [5560001, 5560002], permissionSets: ['development', 'data'],
};

interface Ctx { em: StartedEmulator; client: BaiduClient; tpToken: string; app: (granted: string[], appId?: number) => Promise<string> }

const test = base.extend<{ ctx: Ctx }>({
  ctx: async ({}, use) => {
    const e = await emulatorWithTp(TP, { seed: 'data' }, (em) => em.emu.advance((NOON - em.emu.now()) / 1000));
    await use({ ...e, app: (granted, appId = TP.testAppIds[0]!) => e.authorizeApp(appId, granted) });
    await e.stop();
  },
});

const errno = refusalCode;

type Page = { data_list: Record<string, unknown>[]; sum?: Record<string, number>; offset: number; total: number; time_span: string };

// The emulator's clock is moved forward to the next Beijing noon (04:00 UTC), so no test straddles a midnight and
// "today" has a known hour.
const DAY = 86_400_000;
const NOON = Math.ceil((Date.now() - 4 * 3600_000) / DAY) * DAY + 4 * 3600_000;

/** Days before the emulator's today (Beijing), as yyyyMMdd. */
const daysAgo = (n: number) => beijingYmd(NOON, n);

test('every data-analysis read answers for an app that granted 数据权限; one that did not gets 45001', async ({ ctx }) => {
  const granted = await ctx.app(['data']);
  const without = await ctx.app(['development'], TP.testAppIds[1]);
  const extra: Record<string, Record<string, string>> = {
    'analysis.getAnalysisUserTrend': { gran: 'day' }, 'analysis.getAnalysisRetainedUser': { report_type: 'count', gran: 'week' },
    'analysis.getAnalysisTerminalInfo': { terminal_type: 'brand' }, 'analysis.getAnalysisVisitCharacter': { character_type: 'depth' },
  };
  const rows = CATALOGUE.filter((e) => e.permissionSet === 'data');
  expect(rows.length, 'the nine app-level reads of §4.11').toBe(9);
  for (const def of rows) {
    const params = { start_date: daysAgo(6), end_date: daysAgo(0), start_index: 0, ...extra[def.id] };
    const data = await ctx.client.call<Page>(def.id, params, granted);
    expect(data.data_list.length, def.id).toBeGreaterThan(0);
    expect(await errno(ctx.client.call(def.id, params, without)), `${def.id} without 数据权限`).toBe(45001);
  }
  // Which set an API needs is said as Baidu names it (field notes pain 13: developers cannot tell).
  const refused = await ctx.client.call('analysis.getAnalysisRegion', { start_date: daysAgo(1), end_date: daysAgo(0), start_index: 0 }, without).catch((e: BaiduApiError) => e);
  expect((refused as BaiduApiError).message).toContain('the mini program did not grant 数据权限 (data)');
});

test('user trend: one row per day of the range up to today, pages of 20, a sum, and the same values on a second read', async ({ ctx }) => {
  const token = await ctx.app(['data']);
  const read = (start_index: number, gran = 'day') => ctx.client.call<Page>('analysis.getAnalysisUserTrend', { start_date: daysAgo(29), end_date: daysAgo(0), start_index, gran }, token);
  const first = await read(0);
  expect(first).toMatchObject({ offset: 0, total: 30, time_span: `${daysAgo(29)}-${daysAgo(0)}` });
  expect(first.data_list).toHaveLength(20);
  expect(first.data_list[0]).toMatchObject({ name: daysAgo(29) });
  expect(first.data_list[0]!.user_count).toEqual(expect.any(Number));
  const second = await read(20);
  expect(second.data_list.map((r) => r.name)).toEqual(Array.from({ length: 10 }, (_, i) => daysAgo(9 - i)));
  expect((await read(0)).data_list, 'stable values').toEqual(first.data_list);
  const all = [...first.data_list, ...second.data_list];
  expect(first.sum!.user_count, 'sum of the counts').toBe(all.reduce((a, r) => a + Number(r.user_count), 0));
  expect((await read(0, 'week')).total, 'by week').toBe(5);
  // By the hour: today's end at the current hour (12:00 Beijing: hours 0–12).
  expect((await read(0, 'hour')).total, 'by hour').toBe(29 * 24 + 13);
  const months = await ctx.client.call<Page>('analysis.getAnalysisUserTrend', { start_date: '20250815', end_date: '20251130', start_index: 0, gran: 'month' }, token);
  expect(months.data_list.map((r) => r.name), 'by month, the first one partial').toEqual(['202508', '202509', '202510', '202511']);
  // A range that reaches past today: the days after it have no rows.
  const future = await ctx.client.call<Page>('analysis.getAnalysisUserTrend', { start_date: daysAgo(1), end_date: daysAgo(-5), start_index: 0, gran: 'day' }, token);
  expect(future.total).toBe(2);
});

test('dates are yyyyMMdd calendar dates, start before end, and a range never answers more than 10,000 rows (40001 naming the field)', async ({ ctx }) => {
  const token = await ctx.app(['data']);
  const trend = (p: Record<string, string | number>) => ctx.client.call('analysis.getAnalysisUserTrend', { start_index: 0, gran: 'day', start_date: '20260101', end_date: '20260107', ...p }, token);
  for (const [field, value] of [['start_date', '2026-01-01'], ['end_date', '20260230'], ['start_date', '2026011'], ['end_date', 'yesterday']] as const) {
    const e = await trend({ [field]: value }).catch((x: BaiduApiError) => x);
    expect(e, `${field}=${value}`).toBeInstanceOf(BaiduApiError);
    expect((e as BaiduApiError).code).toBe(40001);
    expect((e as BaiduApiError).message).toContain(field);
  }
  expect(await errno(trend({ start_date: '20260108' })), 'start after end').toBe(40001);
  expect(await errno(trend({ start_date: '20200101', end_date: '20260101', gran: 'hour' })), 'years by the hour').toBe(40001);
  expect(await errno(trend({ gran: 'minute' })), 'gran outside hour/day/week/month').toBe(40001);
  // The value sent is quoted, so a TP developer sees what was wrong.
  expect(await trend({ gran: 'minute' }).catch((e: BaiduApiError) => e.message)).toContain('gran must be one of hour/day/week/month, not "minute"');
  expect(await trend({ start_index: '0.5' }).catch((e: BaiduApiError) => e.message)).toContain('start_index must be an integer, not "0.5"');
  expect(await errno(trend({ start_index: -1 })), 'negative start_index').toBe(40001);
  expect(await errno(trend({ start_index: '99999999999999999999999' })), 'a start_index no SDK int holds').toBe(40001);
  expect(await errno(ctx.client.call('analysis.getAnalysisUserTrend', { start_date: '20260101', end_date: '20260107', gran: 'day' }, token)), 'start_index is required').toBe(40001);
});

test('the portrait answers age, sex and interest; categories answer one row each', async ({ ctx }) => {
  const token = await ctx.app(['data']);
  const range = { start_date: daysAgo(6), end_date: daysAgo(0) };
  const portrait = await ctx.client.call<Page>('analysis.getAnalysisVisitAttribute', range, token);
  expect(Object.keys(portrait.data_list[0]!).sort()).toEqual(['age', 'interest', 'sex']);
  expect((portrait.data_list[0]!.sex as { name: string }[]).map((s) => s.name)).toEqual(['男', '女']);
  const ages = portrait.data_list[0]!.age as { count_ratio: number }[];
  expect(ages.reduce((a, x) => a + x.count_ratio, 0), 'the age groups add up to everyone').toBeCloseTo(1, 3);
  const future = await ctx.client.call<Page>('analysis.getAnalysisVisitAttribute', { start_date: daysAgo(-1), end_date: daysAgo(-3) }, token);
  expect(future, 'no visitors to portray yet').toMatchObject({ data_list: [], total: 0 });
  const terminal = await ctx.client.call<Page>('analysis.getAnalysisTerminalInfo', { ...range, start_index: 0, terminal_type: 'os' }, token);
  expect(terminal.data_list.map((r) => r.name)).toEqual(['Android', 'iOS', 'HarmonyOS']);
  expect(terminal.data_list.reduce((a, r) => a + Number(r.accumulative_user_count_ratio), 0), 'shares add up to 1').toBeCloseTo(1, 3);
  // terminal_type's values are UNKNOWN beyond the reference's list: another answers one row — never Object's own keys.
  for (const other of ['carrier', 'constructor', '__proto__', 'toString']) {
    const r = await ctx.client.call<Page>('analysis.getAnalysisTerminalInfo', { ...range, start_index: 0, terminal_type: other }, token);
    expect(r.data_list.map((x) => x.name), other).toEqual(['其他']);
  }
  const retained = await ctx.client.call<Page>('analysis.getAnalysisRetainedUser', { ...range, start_index: 0, report_type: 'ratio', gran: 'day' }, token);
  expect(Object.keys(retained.data_list[0]!).sort(), 'report_type=ratio answers ratios').toEqual(['name', 'retained_ratio']);
  const source = await ctx.client.call<Page>('analysis.getAnalysisSourceInfo', { ...range, start_index: 0 }, token);
  expect(source.sum, '4.11.9 has no sum').toBeUndefined();
});

test('gettpdata (TP token): one row per day with the asked metrics as strings; an unknown metric is 40001', async ({ ctx }) => {
  const data = await ctx.client.call<{ offset: number; total: number; result: Record<string, string>[] }>('analysis.getData',
    { metrics: 'tp_day_user_count,tp_day_app_count', start_date: daysAgo(2), end_date: daysAgo(0), max_results: 2 }, ctx.tpToken);
  expect(data).toMatchObject({ offset: 0, total: 3 });
  expect(data.result).toHaveLength(2);
  expect(Object.keys(data.result[0]!).sort()).toEqual(['date', 'tp_day_app_count', 'tp_day_user_count']);
  expect(data.result[0]!.tp_day_user_count).toEqual(expect.stringMatching(/^\d+$/));
  expect(await errno(ctx.client.call('analysis.getData', { metrics: 'tp_day_users', start_date: daysAgo(2), end_date: daysAgo(0) }, ctx.tpToken))).toBe(40001);
  // The .NET SDK sends it as a POST form, the doc spells max_result: both answered alike.
  const res = await fetch(`${ctx.em.url}/rest/2.0/smartapp/data/gettpdata?access_token=${ctx.tpToken}`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ metrics: 'tp_day_user_count', start_date: daysAgo(2), end_date: daysAgo(0), max_result: '1' }),
  });
  expect(await res.json()).toMatchObject({ errno: 0, data: { total: 3, result: [{ date: daysAgo(2) }] } });
});
