// reports/junit.xml from the report model, so a CI system's test view says what the verdict says. Playwright's own
// JUnit reporter sees tests, not checks: a check that failed by a thrown sentence was an "error", a warning or a
// demoted failure of an extended check looked like any pass or failure, and a stopped run was all "skipped".
// Here: one testsuite per stage (the authorization chain, then each permission set), one testcase per check —
// <failure> exactly when the check holds the verdict back (a Baidu check FAILED or WAITING; any under --strict),
// <skipped> with the reason, and a pass otherwise, a warning's reason in its properties and system-out — plus a
// suite of harness steps, where a failed step or a stopped run is an <error>.
import { holdsVerdict } from '../detection/checks.ts';
import type { CheckReport, Report, StageReport, StepReport } from './model.ts';

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
  // XML 1.0 cannot carry most control characters, even escaped.
  // eslint-disable-next-line no-control-regex
  .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');
const seconds = (ms: number) => (ms / 1000).toFixed(3);
const firstLine = (s: string) => s.split('\n').find((l) => l.trim())?.replace(/^Error: /, '').trim() ?? '';

/** An attribute value: XML parsers fold raw line breaks and tabs in attributes into spaces, so they are escaped. */
const attr = (s: string) => xml(s).replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');

interface Case { xml: string; failure: boolean; error: boolean; skipped: boolean; ms: number }

function checkCase(c: CheckReport, report: Report): Case {
  const name = `${c.id}: ${c.title.en} / ${c.title.zh}`;
  const open = `<testcase classname="${xml(`preflight.${c.permissionSet}`)}" name="${xml(name)}" time="${seconds(c.durationMs)}">`;
  const details = [c.reason, ...(c.reproduce.length ? ['', 'reproduce / 复现:', ...c.reproduce.map((r) => `  ${r}`)] : [])].join('\n');
  // SKIPPED stays <skipped> even where it holds the verdict (a -g rerun would otherwise list every check it left
  // out as a failure); the run's exit code and the testsuites' verdict property still say "not ready".
  if (c.status === 'SKIPPED') {
    return { xml: `${open}<skipped message="${attr(firstLine(c.reason))}"/></testcase>`, failure: false, error: false, skipped: true, ms: c.durationMs };
  }
  if (holdsVerdict(c.kind, c.status, report.strict)) {
    return { xml: `${open}<failure type="${c.status}" message="${attr(firstLine(c.reason))}">${xml(details)}</failure></testcase>`, failure: true, error: false, skipped: false, ms: c.durationMs };
  }
  if (c.status === 'PASSED') return { xml: `${open}</testcase>`, failure: false, error: false, skipped: false, ms: c.durationMs };
  // Passes that carry a note: a warning, or an extended check's failure that only warns without --strict.
  const shown = c.status === 'WARNING' ? 'WARNING' : `${c.status} (extended: a warning unless --strict)`;
  return {
    xml: `${open}<properties><property name="status" value="${xml(shown)}"/><property name="reason" value="${attr(c.reason.replace(/^Error: /, ''))}"/></properties>`
      + `<system-out>${xml(`${shown}: ${details}`)}</system-out></testcase>`,
    failure: false, error: false, skipped: false, ms: c.durationMs,
  };
}

function stepCase(s: StepReport): Case {
  const open = `<testcase classname="${xml(`preflight.${s.project || 'harness'}`)}" name="${xml(s.title)}" time="${seconds(s.durationMs)}">`;
  if (s.status === 'FAILED') return { xml: `${open}<error type="harness" message="${attr(firstLine(s.error))}">${xml(s.error)}</error></testcase>`, failure: false, error: true, skipped: false, ms: s.durationMs };
  if (s.status === 'SKIPPED') return { xml: `${open}<skipped message="${attr(firstLine(s.error))}"/></testcase>`, failure: false, error: false, skipped: true, ms: s.durationMs };
  return { xml: `${open}</testcase>`, failure: false, error: false, skipped: false, ms: s.durationMs };
}

function suite(name: string, id: string, cases: Case[]): { xml: string; cases: Case[] } {
  const count = (k: 'failure' | 'error' | 'skipped') => cases.filter((c) => c[k]).length;
  const ms = cases.reduce((n, c) => n + c.ms, 0);
  return {
    xml: `<testsuite name="${xml(name)}" id="${xml(id)}" tests="${cases.length}" failures="${count('failure')}" errors="${count('error')}" skipped="${count('skipped')}" time="${seconds(ms)}">\n`
      + `${cases.map((c) => `  ${c.xml}`).join('\n')}\n</testsuite>`,
    cases,
  };
}

/** A selected set with no check at all cannot pass (the model's rule): said as an error of its suite. */
function emptySetCase(st: StageReport): Case {
  return {
    xml: `<testcase classname="preflight.${attr(st.slug)}" name="${attr(`${st.slug}: no detection check for this permission set / 该权限集没有检测项`)}" time="0">`
      + `<error type="no-checks" message="${attr(st.reason || 'no check ran')}"/></testcase>`,
    failure: false, error: true, skipped: false, ms: 0,
  };
}

/** `stopped`: the run was interrupted or timed out — an error of the run itself, whatever the checks said. */
export function renderJunit(report: Report, stopped?: 'interrupted' | 'timedout'): string {
  const suites = report.stages.map((st) => {
    const cases = st.checks.map((id) => report.checks.find((c) => c.id === id)).filter((c): c is CheckReport => !!c).map((c) => checkCase(c, report));
    return suite(`${st.name.zh} / ${st.name.en}`, st.slug, st.selected && cases.length === 0 ? [emptySetCase(st)] : cases);
  });
  const steps = report.steps.map(stepCase);
  if (stopped) {
    const what = stopped === 'interrupted' ? 'the run was interrupted / 运行被中断' : 'the run timed out / 运行超时';
    steps.push({ xml: `<testcase classname="preflight.harness" name="the run / 运行" time="0"><error type="${stopped}" message="${xml(what)}"/></testcase>`, failure: false, error: true, skipped: false, ms: 0 });
  }
  if (steps.length) suites.push(suite('框架步骤 / Harness steps', 'harness', steps));
  const all = suites.flatMap((s) => s.cases);
  const count = (k: 'failure' | 'error' | 'skipped') => all.filter((c) => c[k]).length;
  const props: [string, string][] = [
    ['verdict', report.verdict.status], ['ready', String(report.verdict.ready)], ['headline', report.verdict.headline.en],
    ['headline.zh', report.verdict.headline.zh], ['runId', report.runId], ['seed', report.seed], ['platform', report.platform],
  ];
  return `<?xml version="1.0" encoding="UTF-8"?>\n`
    + `<testsuites name="baidu-tp-preflight" tests="${all.length}" failures="${count('failure')}" errors="${count('error')}" skipped="${count('skipped')}" time="${seconds(report.durationMs)}" timestamp="${xml(report.startedAt)}">\n`
    + `<properties>${props.map(([k, v]) => `<property name="${xml(k)}" value="${xml(v)}"/>`).join('')}</properties>\n`
    + `${suites.map((s) => s.xml).join('\n')}\n</testsuites>\n`;
}
