// Data analysis provider (数据分析, reference §4.11): the app-level reads behind the exclusive 数据权限 (the permission
// check itself happens once, in server.ts) and the TP-level gettpdata.
// Choices where Baidu is silent (the emulator stays tolerant):
// - start_date/end_date must be calendar dates written yyyyMMdd, start ≤ end; anything else is errno 40001 (Baidu's
//   generic parameter error) naming the field. A range may reach past today: days after the emulator's today (Beijing
//   time) just have no rows.
// - No documented limit on the range: the emulator refuses only a reply of more than 10,000 rows (a TP that asked
//   for years by the hour), so that one request cannot make it compute for seconds.
// - Pages of 20 rows from start_index (4.11.4 answers one portrait, unpaged); an index past 2^31-1 is 40001, as an
//   SDK's int could not hold it. Metric values are stable for an app, a day and a metric (seeded), so two reads of
//   the same range agree; counts are integers, ratios fractions, and the ratios of one breakdown (regions, ages…) add
//   up to 1. Weeks are counted from start_date; the hours of today end at the current Beijing hour.
import { BEIJING_OFFSET_MS, DAY_MS } from '../../baidu/dates.ts';
import { BaiduError, reply } from '../../baidu/envelopes.ts';
import type { Handler, HandlerCtx, Handlers } from '../handler.ts';

const PAGE = 20;
const MAX_ROWS = 10_000;

/** A yyyyMMdd calendar date as a day number (UTC midnight ms / DAY_MS), or an error naming the field. */
function dayOf(field: string, value: string | undefined): number {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(value ?? '');
  if (m) {
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const t = Date.UTC(y, mo - 1, d);
    const back = new Date(t);
    if (back.getUTCFullYear() === y && back.getUTCMonth() === mo - 1 && back.getUTCDate() === d) return t / DAY_MS;
  }
  throw BaiduError.errno(40001, `${field} must be a date written yyyyMMdd (e.g. 20190410), not ${JSON.stringify(value ?? '')}`);
}

function range(params: Record<string, string>): { from: number; to: number } {
  const from = dayOf('start_date', params.start_date);
  const to = dayOf('end_date', params.end_date);
  if (from > to) throw BaiduError.errno(40001, `start_date ${params.start_date} is after end_date ${params.end_date}`);
  return { from, to };
}

const ymd = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10).replace(/-/g, '');

/** FNV-1a over the seed and a key: a stable number per (app, day, metric) without a crypto hash per value. */
function stable(seed: string, key: string): number {
  let h = 0x811c9dc5;
  for (const s of [seed, key]) {
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
    h = Math.imul(h, 0x01000193) >>> 0; // a separator, so ("ab", "c") and ("a", "bc") differ
  }
  return h;
}

/** A metric's value: ratios are fractions with 4 digits, times seconds, everything else a count. */
function metric(seed: string, key: string, name: string): number {
  const h = stable(seed, `${key}\0${name}`);
  if (/ratio|degree|scale/.test(name)) return (h % 10_000) / 10_000;
  if (/time/.test(name)) return 5 + (h % 600);
  return 10 + (h % 5000);
}

type Row = Record<string, string | number>;

function rowOf(seed: string, key: string, names: readonly string[], extra: Row = {}): Row {
  const row: Row = { ...extra, ...Object.fromEntries(names.map((n) => [n, metric(seed, key, n)])) };
  // Where a row holds the parts of a whole, they add up: new + old users are the users, their ratios sum to 1.
  if (typeof row.user_count === 'number' && typeof row.new_user_ratio === 'number' && 'old_user_count' in row) {
    row.new_user_count = Math.round(row.user_count * row.new_user_ratio);
    row.old_user_count = row.user_count - row.new_user_count;
    row.old_user_ratio = Math.round((1 - row.new_user_ratio) * 10_000) / 10_000;
    if (typeof row.session_count === 'number') row.session_count += row.user_count;
  }
  return row;
}

/** Time buckets of a range by granularity: their names as Baidu's samples show them, and the days they cover. */
function buckets(from: number, to: number, gran: string, now: { day: number; hour: number }): { name: string; key: string }[] {
  const today = now.day;
  const last = Math.min(to, today);
  if (last < from) return [];
  const hoursOf = (d: number) => (d === today ? now.hour + 1 : 24);
  const count = gran === 'hour' ? (last - from) * 24 + hoursOf(last) : gran === 'week' ? Math.ceil((last - from + 1) / 7) : gran === 'month' ? monthsBetween(from, last) : last - from + 1;
  if (count > MAX_ROWS) throw BaiduError.errno(40001, `the range ${ymd(from)}–${ymd(to)} by ${gran} is ${count} rows, more than the ${MAX_ROWS} this emulator answers: ask for a shorter range`);
  const out: { name: string; key: string }[] = [];
  if (gran === 'hour') {
    for (let d = from; d <= last; d++) for (let h = 0; h < hoursOf(d); h++) out.push({ name: `${ymd(d)}${String(h).padStart(2, '0')}`, key: `${ymd(d)}h${h}` });
  } else if (gran === 'week') {
    for (let d = from; d <= last; d += 7) out.push({ name: `${ymd(d)}-${ymd(Math.min(d + 6, last))}`, key: `w${ymd(d)}` });
  } else if (gran === 'month') {
    let d = from;
    while (d <= last) {
      const start = new Date(d * DAY_MS);
      const next = Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1) / DAY_MS;
      out.push({ name: ymd(d).slice(0, 6), key: `m${ymd(d).slice(0, 6)}` });
      d = next;
    }
  } else {
    for (let d = from; d <= last; d++) out.push({ name: ymd(d), key: ymd(d) });
  }
  return out;
}

function monthsBetween(from: number, to: number): number {
  const a = new Date(from * DAY_MS);
  const b = new Date(to * DAY_MS);
  return (b.getUTCFullYear() - a.getUTCFullYear()) * 12 + b.getUTCMonth() - a.getUTCMonth() + 1;
}

/** The emulator's today as a day number and its hour, in Beijing time (Baidu's dates are Beijing days). */
function now(ctx: HandlerCtx): { day: number; hour: number } {
  const t = ctx.emu.now() + BEIJING_OFFSET_MS;
  return { day: Math.floor(t / DAY_MS), hour: Math.floor((t % DAY_MS) / 3_600_000) };
}

const MAX_INDEX = 2 ** 31 - 1;

/** An optional non-negative integer parameter (already checked to be an integer by the catalogue), up to an SDK's int. */
function index(params: Record<string, string>, name: string, dflt: number, min = 0): number {
  const v = params[name] === undefined || params[name] === '' ? dflt : Number(params[name]);
  if (!Number.isSafeInteger(v) || v < min || v > MAX_INDEX) throw BaiduError.errno(40001, `${name} must be an integer from ${min} to ${MAX_INDEX}`);
  return v;
}

/** An own entry of a lookup table (a parameter naming `constructor` must not find Object's). */
const own = <T>(table: Record<string, T>, key: string | undefined): T | undefined => (key !== undefined && Object.hasOwn(table, key) ? table[key] : undefined);

function page(rows: Row[], params: Record<string, string>, sum: Row | undefined, from: number, to: number) {
  const offset = index(params, 'start_index', 0);
  return reply.ok({
    data_list: rows.slice(offset, offset + PAGE), ...(sum ? { sum } : {}), offset, total: rows.length, time_span: `${ymd(from)}-${ymd(to)}`,
  });
}

/** The ratios of a breakdown (one row per category), scaled so that each adds up to 1 over the rows. */
function normalised(rows: Row[], names: readonly string[]): Row[] {
  for (const n of names.filter((x) => /ratio|scale/.test(x))) {
    const total = rows.reduce((a, r) => a + Number(r[n]), 0) || 1;
    for (const r of rows) r[n] = Math.round((Number(r[n]) / total) * 10_000) / 10_000;
  }
  return rows;
}

/** Sums counts and averages the rest over the rows, as the "sum" object of Baidu's replies holds. */
function summed(rows: Row[], names: readonly string[]): Row {
  return Object.fromEntries(names.map((n) => {
    const values = rows.map((r) => Number(r[n] ?? 0));
    const total = values.reduce((a, b) => a + b, 0);
    const isCount = !/ratio|degree|scale|time/.test(n);
    return [n, isCount ? total : values.length ? Math.round((total / values.length) * 10_000) / 10_000 : 0];
  }));
}

/** An endpoint that answers one row per time bucket. */
function overTime(names: (params: Record<string, string>) => readonly string[], gran?: (params: Record<string, string>) => string, withSum = true): Handler {
  return (ctx) => {
    const { from, to } = range(ctx.params);
    const seed = `${ctx.emu.ids.seed}:${ctx.app!.appId}:${ctx.def.id}`;
    const metrics = names(ctx.params);
    const rows = buckets(from, to, gran?.(ctx.params) ?? 'day', now(ctx)).map((b) => rowOf(seed, b.key, metrics, { name: b.name }));
    return page(rows, ctx.params, withSum ? summed(rows, metrics) : undefined, from, to);
  };
}

/** An endpoint that answers one row per category (a region, a page, a source) over the whole range. */
function byCategory(categories: (params: Record<string, string>) => readonly string[], names: readonly string[], label: string, withSum = true): Handler {
  return (ctx) => {
    const { from, to } = range(ctx.params);
    const span = Math.max(0, Math.min(to, now(ctx).day) - from + 1);
    const seed = `${ctx.emu.ids.seed}:${ctx.app!.appId}:${ctx.def.id}:${from}:${to}`;
    const rows = span ? normalised(categories(ctx.params).map((c) => rowOf(seed, c, names, { [label]: c })), names) : [];
    return page(rows, ctx.params, withSum ? summed(rows, names) : undefined, from, to);
  };
}

const TREND = ['user_count', 'new_user_count', 'new_user_ratio', 'old_user_count', 'old_user_ratio', 'session_count', 'average_session_time', 'session_time_per_person'] as const;
const ACTIVITY = ['user_count', 'weekly_user_count', 'monthly_user_count', 'accumulative_user_count', 'daily_activity_degree', 'weekly_activity_degree',
  'monthly_activity_degree', 'day_month_activity_degree', 'lost_user_count', 'lost_ratio'] as const;
const REGION = ['user_count_district_ratio', 'new_user_count_district_ratio', 'session_count_district', 'session_count_district_ratio', 'average_session_time_district'] as const;
const TERMINAL = ['accumulative_user_count_ratio', 'accumulative_new_user_count_ratio', 'accumulative_session_count', 'accumulative_session_count_ratio', 'average_use_time'] as const;
const PAGES = ['pv_count', 'pv_ratio', 'pv_user_count', 'average_stay_time', 'stay_time_ratio', 'entry_count', 'exit_count', 'bounce_ratio'] as const;
const SOURCE = ['user_count', 'user_scale', 'new_user_count', 'new_user_scale', 'session_scale', 'session_count_per_user', 'average_session_time'] as const;
const PROVINCES = ['北京市', '上海市', '广东省', '浙江省', '江苏省', '四川省', '其他'];
const TERMINALS: Record<string, string[]> = {
  brand: ['华为', '苹果', '小米', 'OPPO', 'vivo', '其他'], model: ['Mate 60', 'iPhone 15', 'Redmi K70', '其他'], os: ['Android', 'iOS', 'HarmonyOS'],
  resolution: ['1080x2340', '1170x2532', '720x1600', '其他'], network: ['wifi', '5g', '4g', '其他'],
};
const CHARACTER: Record<string, string[]> = {
  depth: ['1', '2', '3-5', '6-10', '11+'], time: ['0-3s', '4-10s', '11-30s', '31-60s', '1-3min', '3min+'],
  interval: ['首次', '1天内', '2-7天', '8-30天', '30天+'], frequency: ['1次', '2次', '3-5次', '6-10次', '11次+'],
};
const TP_METRICS = ['tp_day_app_count', 'tp_week_app_count', 'tp_month_app_count', 'tp_day_user_count', 'tp_week_user_count', 'tp_month_user_count',
  'tp_day_new_user_count', 'tp_week_new_user_count', 'tp_month_new_user_count', 'tp_day_session_count', 'tp_week_session_count', 'tp_month_session_count',
  'tp_day_page_count', 'tp_activity_degree', 'tp_day_back_flow_count', 'tp_day_share_count', 'tp_session_time_per_day', 'tp_session_time_per_person'];

export const handlers: Handlers = {
  'analysis.getAnalysisUserTrend': overTime(() => TREND, (p) => p.gran!),
  'analysis.getAnalysisActivityUser': overTime(() => ACTIVITY),
  'analysis.getAnalysisRetainedUser': overTime((p) => (p.report_type === 'ratio' ? ['retained_ratio'] : ['active_user_count', 'retained_user_count']), (p) => p.gran!),
  'analysis.getAnalysisRegion': byCategory(() => PROVINCES, REGION, 'name'),
  // terminal_type's values are UNKNOWN beyond the reference's list: another value answers one "其他" row.
  'analysis.getAnalysisTerminalInfo': byCategory((p) => own(TERMINALS, p.terminal_type) ?? ['其他'], TERMINAL, 'name'),
  'analysis.getAnalysisVisitPage': byCategory(() => ['pages/index/index', 'pages/detail/detail', 'pages/mine/mine'], PAGES, 'pageName'),
  'analysis.getAnalysisVisitCharacter': byCategory((p) => own(CHARACTER, p.character_type) ?? [], ['session_count', 'session_count_ratio', 'user_count', 'user_count_ratio'], 'name'),
  'analysis.getAnalysisSourceInfo': byCategory(() => ['搜索', '信息流', '分享', '其他'], SOURCE, 'name', false),
  'analysis.getAnalysisVisitAttribute': (ctx) => {
    const { from, to } = range(ctx.params);
    const span = `${ymd(from)}-${ymd(to)}`;
    // A range that has not begun yet has no visitors to portray.
    if (from > now(ctx).day) return reply.ok({ data_list: [], offset: 0, total: 0, time_span: span });
    const seed = `${ctx.emu.ids.seed}:${ctx.app!.appId}:${from}:${to}`;
    const attrs = (kind: string, names: string[]) =>
      normalised(names.map((name, i) => ({ attribute_id: i + 1, name, count_ratio: metric(seed, `${kind}${i}`, 'ratio') })), ['count_ratio']);
    return reply.ok({
      data_list: [{ age: attrs('age', ['18岁以下', '18-24岁', '25-34岁', '35-44岁', '45岁以上']), sex: attrs('sex', ['男', '女']), interest: attrs('interest', ['科技', '生活', '教育', '娱乐']) }],
      offset: 0, total: 1, time_span: span,
    });
  },

  'analysis.getData': (ctx) => {
    const { from, to } = range(ctx.params);
    const metrics = ctx.params.metrics!.split(',').map((m) => m.trim()).filter(Boolean);
    const unknown = metrics.filter((m) => !TP_METRICS.includes(m));
    if (!metrics.length || unknown.length) throw BaiduError.errno(40001, `metrics must be a comma-separated list of ${TP_METRICS.join(', ')}${unknown.length ? `; unknown: ${unknown.join(', ')}` : ''}`);
    const seed = `${ctx.emu.ids.seed}:${ctx.tp!.clientId}:gettpdata:${ctx.params.scene ?? ''}`;
    const days = buckets(from, to, 'day', now(ctx));
    const size = index(ctx.params, ctx.params.max_results !== undefined ? 'max_results' : 'max_result', PAGE, 1);
    const offset = index(ctx.params, 'start_index', 0);
    // Values are strings in Baidu's reply (reference §4.11.10).
    const result = days.slice(offset, offset + size).map((d) => ({ date: d.name, ...Object.fromEntries(metrics.map((m) => [m, String(metric(seed, d.key, m))])) }));
    return reply.ok({ offset, total: days.length, result });
  },
};
