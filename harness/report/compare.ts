// What changed between two runs, check by check: the same code passing one month and failing the next, or two runs
// failing different items, is how TP teams meet a regression (field notes pain 15). A run compares itself with the
// previous comparable run in its runs folder (console and HTML); `preflight compare` compares any two reports.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { CheckStatus } from '../detection/checks.ts';
import { RUN_ID } from '../detection/runs.ts';
import { isFiltered, isLeftOut, isWorse, NOT_SELECTED_REASON, oneLine, STATUS_LABEL, validateReport, type CheckChange, type CheckReport, type Report, type SincePrevious } from './model.ts';

export const REPORT_FILE = 'preflight-report.json';

/** The earlier run and what changed since (as a report's sincePrevious), and how the two runs' setups differ. */
export interface Comparison extends SincePrevious {
  /** Target, TP, permission sets, strict: changes may come from these. */
  setupDifferences: string[];
  /** Checks that ran in only one of the two runs (a filter, a set selected on one side): no change can be told. */
  onlyIn: { before: string[]; after: string[] };
  /** A side left checks out with -g: its verdict is "not ready" for that alone, so verdicts are not compared. */
  filtered: boolean;
}

/**
 * Whether a check ran in `r`: not left out (a filter, a stopped run), not of a set that was not selected, and not a
 * probe of a run with the probes off.
 */
function ranIn(r: Pick<Report, 'probes'>, c: { status: CheckStatus; reason: string; kind: CheckReport['kind'] }): boolean {
  return !isLeftOut(c) && !(c.status === 'SKIPPED' && c.reason === NOT_SELECTED_REASON) && !(r.probes === false && c.kind === 'probe');
}

/** The ids of the checks that ran in `r`. */
const ranChecks = (r: Report) => new Set(r.checks.filter((c) => ranIn(r, c)).map((c) => c.id));

/** Which TP a run tested, in words: an external one by its origin. */
const tpOf = (r: Report) => r.externalTp ?? (r.platform === 'external' ? 'an external TP' : r.referenceEntry ?? 'the reference TP');

export function setupDifferences(a: Report, b: Report): string[] {
  const out: string[] = [];
  const same = (x: unknown, y: unknown) => JSON.stringify(x) === JSON.stringify(y);
  if (a.target !== b.target) out.push(`target ${a.target} → ${b.target}`);
  if (a.platform !== b.platform) out.push(`platform ${a.platform} → ${b.platform}`);
  if ((a.referenceEntry ?? '') !== (b.referenceEntry ?? '')) out.push(`TP under test ${a.referenceEntry ?? 'the reference TP'} → ${b.referenceEntry ?? 'the reference TP'}`);
  if ((a.externalTp ?? '') !== (b.externalTp ?? '')) out.push(`TP ${tpOf(a)} → ${tpOf(b)}`);
  const sets = (r: Report) => [...r.permissionSets.selected].sort();
  if (!same(sets(a), sets(b))) out.push(`permission sets ${sets(a).join(',')} → ${sets(b).join(',')}`);
  if (a.strict !== b.strict) out.push(`strict ${a.strict} → ${b.strict}`);
  if ((a.probes ?? true) !== (b.probes ?? true)) out.push(`probes ${a.probes ?? true} → ${b.probes ?? true}`);
  const granted = (r: Report) => [...(r.permissionSets.granted ?? r.permissionSets.selected)].sort();
  if (!same(granted(a), granted(b))) out.push(`granted ${granted(a).join(',')} → ${granted(b).join(',')}`);
  return out;
}

/** The checks whose status changed between `before` and `after`, regressions first, in the registry's order. */
export function compareReports(before: Report, after: Report): Comparison {
  const earlier = new Map(before.checks.map((c) => [c.id, c]));
  const changes: CheckChange[] = [];
  for (const c of after.checks) {
    const b = earlier.get(c.id);
    if (!b || b.status === c.status || !ranIn(before, b) || !ranIn(after, c)) continue;
    changes.push({ id: c.id, title: c.title, from: b.status, to: c.status, regression: isWorse(c.status, b.status), reason: c.status === 'PASSED' ? '' : c.reason });
  }
  changes.sort((x, y) => Number(y.regression) - Number(x.regression));
  const [ranBefore, ranAfter] = [ranChecks(before), ranChecks(after)];
  const onlyIn = { before: [...ranBefore].filter((id) => !ranAfter.has(id)), after: [...ranAfter].filter((id) => !ranBefore.has(id)) };
  const filtered = isFiltered(before) || isFiltered(after);
  return { runId: before.runId, startedAt: before.startedAt, ready: before.verdict.ready, changes, setupDifferences: setupDifferences(before, after), onlyIn, filtered };
}

/** Reads a report: a preflight-report.json, or a folder holding one (a run folder, reports/). Throws with the cause. */
export function loadReport(where: string): Report {
  const file = existsSync(where) && statSync(where).isDirectory() ? path.join(where, REPORT_FILE) : where;
  if (!existsSync(file)) throw new Error(`no report at ${file}`);
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`${file} is not JSON: ${(e as Error).message}`);
  }
  // The schema every report is written against: a report of another shape is no baseline.
  const invalid = validateReport(data);
  if (invalid.length) throw new Error(`${file} is not a preflight report (${invalid[0]!.instancePath || '/'} ${invalid[0]!.message ?? ''})`);
  return data as Report;
}

/** Run folders under `root` with a report, newest first (a run id starts with its UTC start time). */
export function runsWithReports(root: string): string[] {
  let names: string[];
  try {
    names = readdirSync(root).filter((n) => RUN_ID.test(n));
  } catch {
    return [];
  }
  return names.sort().reverse().map((n) => path.join(root, n)).filter((d) => existsSync(path.join(d, REPORT_FILE)));
}

/**
 * The newest run before `current` (a run folder) whose setup matches `report`'s — the same TP, target, permission
 * sets and strictness — so that what changed is the TP, not the question, and that ran every check `report` ran: a
 * `-g` rerun of one check in between must not hide the others' regressions. Undefined when there is none.
 */
export function previousComparable(current: string, report: Report): Report | undefined {
  const name = path.basename(current);
  const ran = [...ranChecks(report)];
  for (const dir of runsWithReports(path.dirname(current))) {
    if (path.basename(dir) >= name) continue;
    try {
      const r = loadReport(dir);
      if (r.runId === report.runId || setupDifferences(r, report).length) continue;
      const covered = ranChecks(r);
      if (ran.every((id) => covered.has(id))) return r;
    } catch {
      // A report cut short (a run killed while writing) is no baseline.
    }
  }
  return undefined;
}

const label = (s: CheckStatus) => `${STATUS_LABEL[s].zh} / ${s}`;

/**
 * The comparison as console lines: a heading (with the verdict's change, against `nowReady`), then one line per change
 * (up to `max`), each with its later reason.
 */
export function comparisonLines(c: SincePrevious & Partial<Omit<Comparison, keyof SincePrevious>>, nowReady: boolean, max = 12): string[] {
  const regressions = c.changes.filter((x) => x.regression).length;
  const improvements = c.changes.length - regressions;
  const counts = [
    regressions ? [`${regressions} 项变差`, `${regressions} worse`] : undefined,
    improvements ? [`${improvements} 项变好`, `${improvements} better`] : undefined,
  ].filter((x): x is string[] => !!x);
  const yesNo = (b: boolean) => (b ? '是 / yes' : '否 / no');
  const verdict = c.ready === nowReady ? ''
    : c.filtered ? ' — 结论未比较：有一方只运行了部分检测 / verdicts not compared: a side ran only some checks (-g)'
    : ` — 可以全网发布 / ready: ${yesNo(c.ready)} → ${yesNo(nowReady)}`;
  const head = c.changes.length
    ? `与运行 ${c.runId} 相比：${counts.map((x) => x[0]).join('，')} / Since run ${c.runId}: ${counts.map((x) => x[1]).join(', ')}${verdict}`
    : `与运行 ${c.runId} 相比没有变化 / No check changed since run ${c.runId}${verdict}`;
  const lines = [head];
  for (const x of c.changes.slice(0, max)) {
    lines.push(`  ${x.regression ? '✗' : '✓'} ${x.id}  ${label(x.from)} → ${label(x.to)}  ${x.title.zh}${x.reason ? ` — ${oneLine(x.reason)}` : ''}`);
  }
  if (c.changes.length > max) lines.push(`  … ${c.changes.length - max} more / 另有 ${c.changes.length - max} 项`);
  if (c.setupDifferences?.length) lines.push(`  注意 / note: the runs were set up differently (${c.setupDifferences.join('; ')})`);
  const few = (ids: string[]) => (ids.length > 8 ? `${ids.slice(0, 8).join(', ')} … (${ids.length})` : ids.join(', '));
  if (c.onlyIn?.before.length) lines.push(`  仅在前一次运行 / ran only in ${c.runId}: ${few(c.onlyIn.before)}`);
  if (c.onlyIn?.after.length) lines.push(`  仅在这一次运行 / ran only in the later run: ${few(c.onlyIn.after)}`);
  return lines;
}
