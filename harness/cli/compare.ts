// `preflight compare [<before>] [<after>]`: which checks changed between two runs — a nightly run against last
// night's, a reviewer's reproduction against the report in a bug. Each side is a report file, a folder holding one
// (a run folder, reports/) or a run id under .preflight/runs/. Without arguments: the newest run against the newest
// earlier run with the same setup; with one: that report against the newest run.
// Exit codes: 0 nothing got worse, 1 a check got worse (or the verdict went from ready to not), 2 a usage error.
import path from 'node:path';
import { existsSync } from 'node:fs';
import { parseCommand } from './args.ts';
import { compareReports, comparisonLines, loadReport, previousComparable, runsWithReports } from '../report/compare.ts';
import { runsRoot } from '../detection/runs.ts';
import type { Report } from '../report/model.ts';

const USAGE = 'usage: preflight compare [<before>] [<after>]\n'
  + '  each a preflight-report.json, a folder holding one (a run folder, reports/), or a run id under .preflight/runs/\n'
  + '  no argument: the newest run against the newest earlier run with the same setup; one: it against the newest run\n'
  + '  exit 0 when nothing got worse, 1 when a check (or the verdict) got worse, 2 on a usage error\n';

const RUNS = runsRoot();

/** A path as given, else a run id under .preflight/runs/. */
function resolveSide(arg: string): string {
  if (existsSync(arg)) return arg;
  if (existsSync(path.join(RUNS, arg))) return path.join(RUNS, arg);
  throw new Error(`${arg}: no such report, folder or run id (runs are under ${path.relative(process.cwd(), RUNS) || RUNS}; a run folder goes once PREFLIGHT_KEEP_RUNS newer runs exist)`);
}

export async function compareCommand(argv: string[]): Promise<number> {
  const parsed = parseCommand<Record<string, never>>('compare', argv, {}, USAGE);
  if (typeof parsed === 'number') return parsed;
  const { positionals } = parsed;
  if (positionals.length > 2) {
    process.stderr.write(USAGE);
    return 2;
  }
  let before: Report | undefined;
  let after: Report;
  try {
    const newest = runsWithReports(RUNS)[0];
    if (positionals.length === 2) {
      before = loadReport(resolveSide(positionals[0]!));
      after = loadReport(resolveSide(positionals[1]!));
    } else {
      if (!newest) throw new Error(`no run with a report under ${path.relative(process.cwd(), RUNS) || RUNS}: run \`npm run preflight\` first, or name two reports`);
      after = loadReport(newest);
      before = positionals.length === 1 ? loadReport(resolveSide(positionals[0]!)) : previousComparable(newest, after);
      if (!before) {
        process.stdout.write(`no earlier run with the same setup as ${after.runId} to compare with / 没有可比较的上次运行\n`);
        return 0;
      }
    }
  } catch (e) {
    process.stderr.write(`preflight compare: ${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  const c = compareReports(before, after);
  process.stdout.write(`${comparisonLines(c, after.verdict.ready, Number.POSITIVE_INFINITY).join('\n')}\n`);
  // A filtered side is "not ready" for that alone: only its checks count then.
  return c.changes.some((x) => x.regression) || (!c.filtered && c.ready && !after.verdict.ready) ? 1 : 0;
}
