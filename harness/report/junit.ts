// reports/junit.xml from the report model, so a CI system's test view says what the verdict says. Playwright's own
// JUnit reporter sees tests, not checks: a check that failed by a thrown sentence was an "error", a warning or a
// demoted failure of an extended check looked like any pass or failure, and a stopped run was all "skipped".
// Here: one testsuite per stage (the authorization chain, then each permission set), one testcase per check —
// <failure> exactly when the check holds the verdict back (a Baidu check FAILED or WAITING; any under --strict),
// <skipped> with the reason, and a pass otherwise, a warning's reason in its properties and system-out — plus a
// suite of harness steps, where a failed step or a stopped run is an <error>.
import { holdsVerdict } from '../detection/checks.ts';
import { nothingToCheck, plainReason, type CheckReport, type Report, type StepReport } from './model.ts';

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
  // XML 1.0 cannot carry most control characters, even escaped.
  // eslint-disable-next-line no-control-regex
  .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');
const seconds = (ms: number) => (ms / 1000).toFixed(3);
const firstLine = (s: string) => plainReason(s.split('\n').find((l) => l.trim()) ?? '').trim();

/** An attribute value: XML parsers fold raw line breaks and tabs in attributes into spaces, so they are escaped. */
const attr = (s: string) => xml(s).replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');

type Outcome = 'pass' | 'failure' | 'error' | 'skipped';
interface Case { xml: string; outcome: Outcome; ms: number }

/** One <testcase>; `inner` is its failure/error/skipped element or its properties and output (empty for a plain pass). */
function testcase(classname: string, name: string, ms: number, outcome: Outcome, inner = ''): Case {
  return { xml: `<testcase classname="${attr(`preflight.${classname}`)}" name="${attr(name)}" time="${seconds(ms)}">${inner}</testcase>`, outcome, ms };
}

/** tests/failures/errors/skipped attributes over some cases. */
function counts(cases: Case[]): string {
  const n = (o: Outcome) => cases.filter((c) => c.outcome === o).length;
  return `tests="${cases.length}" failures="${n('failure')}" errors="${n('error')}" skipped="${n('skipped')}"`;
}

function checkCase(c: CheckReport, report: Report): Case {
  const at = (outcome: Outcome, inner = '') => testcase(c.permissionSet, `${c.id}: ${c.title.en} / ${c.title.zh}`, c.durationMs, outcome, inner);
  const details = [
    c.reason,
    // What passes it, for a CI page that shows only this element.
    ...(c.expects ? ['', `要求：${c.expects.zh}`, `expected: ${c.expects.en}`] : []),
    ...(c.reproduce.length ? ['', 'reproduce / 复现:', ...c.reproduce.map((r) => `  ${r}`)] : []),
  ].join('\n');
  // SKIPPED stays <skipped> even where it holds the verdict (a -g rerun would otherwise list every check it left
  // out as a failure); the run's exit code and the testsuites' verdict property still say "not ready".
  if (c.status === 'SKIPPED') return at('skipped', `<skipped message="${attr(firstLine(c.reason))}"/>`);
  if (holdsVerdict(c.kind, c.status, report.strict)) return at('failure', `<failure type="${c.status}" message="${attr(firstLine(c.reason))}">${xml(details)}</failure>`);
  if (c.status === 'PASSED') return at('pass');
  // Passes that carry a note: a warning, or an extended check's or probe's result that only warns without --strict.
  const shown = c.status === 'WARNING' ? 'WARNING' : `${c.status} (${c.kind === 'probe' ? 'a probe' : 'an extended check'}: a warning unless --strict)`;
  return at('pass', `<properties><property name="status" value="${attr(shown)}"/><property name="reason" value="${attr(plainReason(c.reason))}"/></properties>`
    + `<system-out>${xml(`${shown}: ${details}`)}</system-out>`);
}

function stepCase(s: StepReport): Case {
  const classname = s.project || 'harness';
  if (s.status === 'FAILED') return testcase(classname, s.title, s.durationMs, 'error', `<error type="harness" message="${attr(firstLine(s.error))}">${xml(s.error)}</error>`);
  if (s.status === 'SKIPPED') return testcase(classname, s.title, s.durationMs, 'skipped', `<skipped message="${attr(firstLine(s.reason || s.error))}"/>`);
  return testcase(classname, s.title, s.durationMs, 'pass');
}

function suite(name: string, id: string, cases: Case[]): { xml: string; cases: Case[] } {
  const ms = cases.reduce((n, c) => n + c.ms, 0);
  return {
    xml: `<testsuite name="${attr(name)}" id="${attr(id)}" ${counts(cases)} time="${seconds(ms)}">\n${cases.map((c) => `  ${c.xml}`).join('\n')}\n</testsuite>`,
    cases,
  };
}

/** `stopped`: the run was interrupted or timed out — an error of the run itself, whatever the checks said. */
export function renderJunit(report: Report, stopped?: 'interrupted' | 'timedout'): string {
  const suites = report.stages.map((st) => {
    const cases = st.checks.map((id) => report.checks.find((c) => c.id === id)).filter((c): c is CheckReport => !!c).map((c) => checkCase(c, report));
    // A selected set with no check at all cannot pass (the model's rule): said as an error of its suite — unless
    // Baidu does not detect it either, which is said as a skip.
    const nothing = nothingToCheck(st);
    const empty = st.selected && cases.length === 0
      ? [nothing
        ? testcase(st.slug, `${st.slug}: nothing to check / 无检测项`, 0, 'skipped', `<skipped message="${attr(st.reason)}"/>`)
        : testcase(st.slug, `${st.slug}: no detection check for this permission set / 该权限集没有检测项`, 0, 'error', `<error type="no-checks" message="${attr(st.reason || 'no check ran')}"/>`)]
      : [];
    return suite(`${st.name.zh} / ${st.name.en}`, st.slug, [...cases, ...empty]);
  });
  const steps = report.steps.map(stepCase);
  if (stopped) {
    const what = stopped === 'interrupted' ? 'the run was interrupted / 运行被中断' : 'the run timed out / 运行超时';
    steps.push(testcase('harness', 'the run / 运行', 0, 'error', `<error type="${stopped}" message="${attr(what)}"/>`));
  }
  if (steps.length) suites.push(suite('框架步骤 / Harness steps', 'harness', steps));
  const props: [string, string][] = [
    ['verdict', report.verdict.status], ['ready', String(report.verdict.ready)], ['headline', report.verdict.headline.en],
    ['headline.zh', report.verdict.headline.zh], ['runId', report.runId], ['seed', report.seed], ['platform', report.platform],
  ];
  return `<?xml version="1.0" encoding="UTF-8"?>\n`
    + `<testsuites name="baidu-tp-preflight" ${counts(suites.flatMap((s) => s.cases))} time="${seconds(report.durationMs)}" timestamp="${attr(report.startedAt)}">\n`
    + `<properties>${props.map(([k, v]) => `<property name="${attr(k)}" value="${attr(v)}"/>`).join('')}</properties>\n`
    + `${suites.map((s) => s.xml).join('\n')}\n</testsuites>\n`;
}
