// Playwright reporter that turns the detection suites' outcomes into the preflight report (JSON + self-contained
// HTML) and decides the exit code: 0 only when the TP is ready for 全网发布. It runs in Playwright's main process,
// where PREFLIGHT_SEED and the TP_* variables are already in process.env, so parseConfig(process.env) sees the
// run's configuration — and its secrets, which are redacted from everything written.
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { FullConfig, FullResult, Reporter, Suite, TestCase, TestError, TestResult } from '@playwright/test/reporter';
import { configSecrets, displayPath, parseConfig, type Config } from '../config.ts';
import { freshSeed } from '../seed.ts';
import { CHECKS, type CheckDef, type CheckStatus } from '../detection/checks.ts';
import { BROWSER_ANNOTATION, listing, RUN_ENV } from '../detection/runEnv.ts';
import { fileDigest, harnessCommit } from './provenance.ts';
import { AGAINST_BAIDU, buildReport, CHECK_RESULT_ATTACHMENT, isFiltered, isLeftOut, isTimeline, nextAgainstBaidu, NOT_CHECKED, oneLine, onlyWarns, plainReason, STATUS_LABEL, validateReport, WHY_NOT_RUN, type CheckReport, type Report, type TestRecord } from './model.ts';
import { createRedactor } from './redact.ts';
import { renderHtml } from './html.ts';
import { renderJunit } from './junit.ts';
import { saveLastRunEnv } from '../detection/lastRun.ts';
import { loadTimeline } from '../detection/timeline.ts';
import { compareReports, comparisonLines, previousComparable } from './compare.ts';

export interface DetectionReporterOptions {
  /** Where preflight-report.json/.html go; relative paths are resolved against the Playwright config's directory. */
  outputDir?: string;
  /**
   * The check registry to report against; defaults to CHECKS. The project's own tests pass a small fixed one so
   * reporter tests do not depend on which checks the suites have registered so far.
   */
  checks?: CheckDef[];
}

/** Screenshots beyond this many bytes are listed by path instead of embedded, to keep the HTML openable. */
const IMAGE_BUDGET_BYTES = 2 * 1024 * 1024;
/** Checks listed under a set in the console summary; the rest are counted (the report has them all). */
const MAX_CHECK_LINES = 8;

const optional = <K extends string>(key: K, value: string | undefined) => (value ? { [key]: value } as Record<K, string> : {});

function harnessVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Terminal columns: CJK and full-width characters take two. */
function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1;
  return w;
}

function errorText(e: TestError): string {
  return e.message ?? e.value ?? 'unknown error';
}

export default class DetectionReporter implements Reporter {
  private readonly outputDirOption: string;
  private readonly checks?: CheckDef[];
  private startedAt = new Date();
  private pwConfig?: FullConfig;
  private suite?: Suite;
  private config?: Config;
  private configError?: string;
  /** Last attempt per test; the outcome over all attempts comes from TestCase.outcome() at the end. */
  private readonly finished = new Map<string, { test: TestCase; result: TestResult }>();
  private readonly errors: string[] = [];

  constructor(options: DetectionReporterOptions = {}) {
    this.outputDirOption = options.outputDir ?? 'reports';
    this.checks = options.checks;
    // Without a fixed seed every process would mint its own, and the report's seed, reproduce commands and redacted
    // secrets would not be the workers'. Workers are forked after reporters are created, so they inherit this.
    process.env.PREFLIGHT_SEED ||= freshSeed();
  }

  onBegin(config: FullConfig, suite: Suite): void {
    this.startedAt = new Date();
    this.pwConfig = config;
    this.suite = suite;
    try {
      this.config = parseConfig(process.env);
    } catch (e) {
      // A bad environment fails the run; the report still gets written with defaults so people see why.
      this.configError = `configuration error: ${(e as Error).message}`;
      this.config = parseConfig({ PREFLIGHT_SEED: /^[A-Za-z0-9_-]{1,64}$/.test(process.env.PREFLIGHT_SEED ?? '') ? process.env.PREFLIGHT_SEED : undefined });
    }
  }

  onTestEnd(test: TestCase, result: TestResult): void {
    this.finished.set(test.id, { test, result });
  }

  onError(error: TestError): void {
    this.errors.push(errorText(error));
  }

  printsToStdio(): boolean {
    return false;
  }

  async onEnd(result: FullResult): Promise<{ status?: FullResult['status'] }> {
    try {
      return this.finish(result);
    } catch (e) {
      // A reporter exception would otherwise leave Playwright's own status (possibly 'passed') in charge.
      process.stderr.write(`preflight reporter: ${(e as Error).stack ?? e}\n`);
      return { status: 'failed' };
    }
  }

  private finish(result: FullResult): { status?: FullResult['status'] } {
    // `--list` (finding a check's title) runs nothing, and neither does a filter that matches nothing (`-g` with a
    // typo, `--last-failed` after a clean run): the last run's report stays as it was. A run that could not start
    // (the global setup failed: Playwright then hands over no tests) is reported, so nobody reads the last one as it.
    if (listing()) return this.printCheckIds(), {};
    // Playwright reports a filter that matches nothing as an error of its own, "No tests found"; a run stopped by a
    // signal while its global setup ran hands over no tests either, and is reported as stopped.
    const stoppedEarly = result.status === 'interrupted' || result.status === 'timedout';
    if (this.suite && this.suite.allTests().length === 0 && !stoppedEarly && this.errors.every((e) => /No tests found/.test(e))) {
      process.stdout.write('没有匹配的测试，上次的报告保持不变 / No test matched: the last report is left as it was. '
        + '--list 列出检测项及其id / --list shows the checks and their ids.\n');
      // bin/run.js then exits 2 (a usage error), not Playwright's 1 ("not ready").
      if (process.env.PREFLIGHT_NOTHING_MATCHED_FILE) writeFileSync(process.env.PREFLIGHT_NOTHING_MATCHED_FILE, '');
      return {};
    }
    const config = this.config ?? parseConfig(process.env);
    const cwd = process.cwd();
    const rel = displayPath;
    const runDir = process.env[RUN_ENV.runDir];
    // A timeline is context, never a reason to lose the report: one of another shape than the schema's is left out.
    const timeline = runDir ? loadTimeline(runDir) : undefined;

    const tests: TestRecord[] = [...this.finished.values()].map(({ test, result: r }) => this.record(test, r, rel));
    const harnessErrors = [...this.errors];
    if (this.configError) harnessErrors.unshift(this.configError);

    const redact = createRedactor(configSecrets(config));
    const stopped = result.status === 'interrupted' || result.status === 'timedout' ? result.status : undefined;
    const built = buildReport({
      // playwright.config.ts fixes PREFLIGHT_RUN_ID (it names the run directory); standalone runs get their own.
      runId: process.env.PREFLIGHT_RUN_ID || `${this.startedAt.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${config.seed}`,
      startedAt: this.startedAt,
      finishedAt: new Date(),
      versions: {
        harness: harnessVersion(), ...optional('commit', harnessCommit()), node: process.version, playwright: this.pwConfig?.version ?? 'unknown', ...this.browserVersion(tests),
        ...optional('tp', config.platform === 'reference' && config.referenceEntry ? fileDigest(config.referenceEntry) : undefined),
      },
      config,
      tests,
      harnessErrors,
      stopped,
      checks: this.checks,
      timeline: isTimeline(timeline) ? timeline : undefined,
      externalTp: config.platform === 'external' && config.tpUrls.authEvent ? new URL(config.tpUrls.authEvent).origin : undefined,
    });
    const report = redact(built) as Report;
    try {
      const previous = runDir ? previousComparable(runDir, report) : undefined;
      if (previous) {
        // The baseline has the same setup and ran every check this run ran: the rest of the comparison is no news.
        const { runId, startedAt, ready, changes } = compareReports(previous, report);
        report.sincePrevious = { runId, startedAt, ready, changes };
      }
    } catch (e) {
      // What changed since last time is context: an earlier run's odd report never costs this one.
      process.stderr.write(`preflight reporter: no comparison with the previous run: ${(e as Error).message}\n`);
    }

    const invalid = validateReport(report);
    if (invalid.length) {
      process.stderr.write(
        `preflight reporter: report does not match reports/schema/preflight-report.schema.json:\n${invalid
          .map((e) => `  ${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`)
          .join('\n')}\n`,
      );
      return { status: 'failed' };
    }

    const outDir = path.resolve(this.pwConfig?.configFile ? path.dirname(this.pwConfig.configFile) : cwd, this.outputDirOption);
    mkdirSync(outDir, { recursive: true });
    const jsonPath = path.join(outDir, 'preflight-report.json');
    const htmlPath = path.join(outDir, 'preflight-report.html');
    const jsonText = `${JSON.stringify(report, null, 2)}\n`;
    // The HTML is built from the redacted report and then redacted again as text: defence in depth for anything
    // the renderer adds (titles, paths) and cheap next to the cost of a leaked token.
    const htmlText = redact(renderHtml(report, this.images(report, cwd))) as string;
    writeFileSync(jsonPath, jsonText);
    writeFileSync(htmlPath, htmlText);
    writeFileSync(path.join(outDir, 'junit.xml'), redact(renderJunit(report, stopped)) as string);
    if (runDir) saveLastRunEnv(path.dirname(runDir), config);
    // The run's folder keeps its own copy: the next run (a -g rerun of one check, say) replaces reports/, and the
    // full report it replaced stays readable at .preflight/runs/<run>/.
    if (runDir) {
      try {
        writeFileSync(path.join(runDir, 'preflight-report.json'), jsonText);
        writeFileSync(path.join(runDir, 'preflight-report.html'), htmlText);
      } catch {
        // A run folder removed under us costs the copy, never the report.
      }
    }

    this.printSummary(report, htmlPath, cwd);
    return { status: report.verdict.ready ? 'passed' : 'failed' };
  }

  /** What the scan's browser said it is (a `browser` annotation) and which executable the run launched (globalSetup). */
  private browserVersion(tests: TestRecord[]): { browser?: string } {
    const version = tests.flatMap((t) => t.annotations).find((a) => a.type === BROWSER_ANNOTATION)?.description;
    const executable = process.env[RUN_ENV.browserExecutable];
    return version ? { browser: executable ? `${version} (${executable})` : version } : {};
  }

  private record(test: TestCase, r: TestResult, rel: (p: string) => string): TestRecord {
    // titlePath(): ['', project, file, ...describes, title]
    const titlePath = test.titlePath().slice(3);
    const seen = new Set<string>();
    const annotations = [...test.annotations, ...(r.annotations ?? [])].filter((a) => {
      const key = `${a.type}\0${a.description ?? ''}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    return {
      title: test.title,
      titlePath: titlePath.length ? titlePath : [test.title],
      file: rel(test.location.file),
      project: test.parent.project()?.name ?? '',
      outcome: test.outcome(),
      resultStatus: r.status,
      durationMs: r.duration,
      annotations: annotations.map((a) => ({ type: a.type, description: a.description })),
      errors: (r.errors.length ? r.errors : r.error ? [r.error] : []).map(errorText),
      // allure-playwright's own metadata rides along as attachments: not evidence for anyone reading our report.
      attachments: r.attachments.filter((a) => !a.contentType.startsWith('application/vnd.allure')).map((a) => ({
        name: a.name,
        contentType: a.contentType,
        path: a.path ? rel(a.path) : undefined,
        body: a.name === CHECK_RESULT_ATTACHMENT ? this.readBody(a) : undefined,
      })),
    };
  }

  private readBody(a: TestResult['attachments'][number]): string | undefined {
    if (a.body) return a.body.toString('utf8');
    if (a.path) {
      try {
        return readFileSync(a.path, 'utf8');
      } catch {
        return undefined;
      }
    }
    return undefined;
  }

  /** PNG (and other image) attachments as data URIs, failed checks' first, until the size budget is spent. */
  private images(report: Report, cwd: string): Map<string, string> {
    const out = new Map<string, string>();
    const order = [...report.checks].sort((a, b) => Number(b.status === 'FAILED') - Number(a.status === 'FAILED'));
    let budget = IMAGE_BUDGET_BYTES;
    for (const c of order) {
      for (const a of c.attachments) {
        if (!a.path || !a.contentType.startsWith('image/') || out.has(a.path)) continue;
        const abs = path.resolve(cwd, a.path);
        try {
          const size = statSync(abs).size;
          if (size > budget) continue;
          out.set(a.path, `data:${a.contentType};base64,${readFileSync(abs).toString('base64')}`);
          budget -= size;
        } catch {
          // Missing file: the attachment stays listed by path.
        }
      }
    }
    return out;
  }

  /**
   * A CI log is often all a person reads: each check of a selected set that did not pass gets its title, its reason
   * and the command that re-runs it, so a warning (a passing Playwright test) is not just an id; in a run that left
   * checks out, the ones that passed are listed too.
   */
  private checkLines(report: Report, ids: string[], oneLine: (s: string, max?: number) => string): string[] {
    const MARK: Record<CheckStatus, string> = { PASSED: '✓', FAILED: '✗', WARNING: '!', WAITING: '…', SKIPPED: '-' };
    const own = ids.map((id) => report.checks.find((c) => c.id === id)).filter((c): c is CheckReport => !!c);
    // Checks that did not run (a -g rerun of one check, a stopped run) are counted, not listed one by one.
    const notRun = own.filter(isLeftOut).length;
    const notPassed = own.filter((c) => c.status !== 'PASSED' && !isLeftOut(c));
    // A run that left checks out (a -g rerun) lists the ones that passed too, after the others and only while all fit:
    // a passed line must never push a failure off the console.
    const passed = report.checks.some(isLeftOut) ? own.filter((c) => c.status === 'PASSED') : [];
    const listPassed = notPassed.length + passed.length <= MAX_CHECK_LINES;
    const shown = listPassed ? [...notPassed, ...passed] : notPassed;
    const lines = shown.slice(0, MAX_CHECK_LINES).flatMap((c) => [
      // An extended check's or probe's failure only warns without --strict: its line says so (the set shows WARNING).
      `      ${MARK[c.status]} ${c.id}  ${c.title.zh} / ${c.title.en}${c.status !== 'SKIPPED' && onlyWarns(c, report.strict) ? '  (警告 / a warning unless --strict)' : ''}${c.couldNotRun ? `  (${WHY_NOT_RUN.heldUp.zh} / ${WHY_NOT_RUN.heldUp.en})` : ''}`,
      // Whole enough to carry the fix, which our reasons give last: a CI log is often all a team reads.
      ...(c.reason ? [`        ${oneLine(plainReason(c.reason), 600)}`] : []),
      // The reason is what happened (in English); what passes, in Chinese too, for a check that ran and did not.
      ...(c.expects && c.status !== 'SKIPPED' && c.status !== 'PASSED' ? [`        要求：${c.expects.zh}`] : []),
      ...(c.reproduce[0] && c.status !== 'SKIPPED' && c.status !== 'PASSED' ? [`        ${c.reproduce[0]}`] : []),
    ]);
    if (shown.length > MAX_CHECK_LINES) lines.push(`      … ${shown.length - MAX_CHECK_LINES} more / 另有 ${shown.length - MAX_CHECK_LINES} 项 (see the report)`);
    if (passed.length && !listPassed) lines.push(`      ✓ ${passed.length} passed / ${passed.length} 项通过`);
    if (notRun && notRun < own.length) lines.push(`      - ${notRun} not run / ${notRun} 项未运行`);
    return lines;
  }

  /** After `--list`'s titles: the ids of the listed checks, which is what `-g` and the report use. */
  private printCheckIds(): void {
    const ids = new Set((this.suite?.allTests() ?? []).flatMap((t) => t.annotations.filter((a) => a.type === 'check').map((a) => a.description ?? '')));
    const defs = (this.checks ?? CHECKS).filter((c) => ids.has(c.id));
    if (!defs.length) return;
    const width = Math.max(...defs.map((c) => c.id.length));
    process.stdout.write(`检测项 / checks — re-run one with -g <id>:\n${defs.map((c) => `  ${c.id.padEnd(width)}  ${c.title.zh} / ${c.title.en}`).join('\n')}\n`);
  }

  private printSummary(report: Report, htmlPath: string, cwd: string): void {
    const lines = [
      '',
      `${report.verdict.headline.zh}`,
      `${report.verdict.headline.en}`,
      ...report.stages.flatMap((s) => {
        const label = `${STATUS_LABEL[s.status].zh} / ${s.status}`;
        const lines = s.selected ? this.checkLines(report, s.checks, oneLine) : [];
        // The lines below name each check that did not pass; the set's grouped list of ids would only repeat them.
        const reason = !s.selected ? '未选择 / not selected' : lines.length ? '' : s.reason;
        return [`  ${label}${' '.repeat(Math.max(1, 20 - displayWidth(label)))}${s.name.zh} / ${s.name.en}${reason ? ` — ${oneLine(reason)}` : ''}`, ...lines];
      }),
      ...(report.steps.some((s) => s.status === 'FAILED') ? [`  框架步骤失败 / harness steps failed: ${failedSteps(report, oneLine)}`] : []),
      ...(report.verdict.ready ? [`${NOT_CHECKED.zh}`, `${NOT_CHECKED.en}`] : []),
      ...(nextAgainstBaidu(report) ? [AGAINST_BAIDU.zh, AGAINST_BAIDU.en] : []),
      // Only when something changed: an unchanged nightly run says nothing more than its verdict.
      // The baseline has the same setup and ran every check this run ran (previousComparable): only the changes are news.
      ...(report.sincePrevious?.changes.length ? comparisonLines({ ...report.sincePrevious, filtered: isFiltered(report) }, report.verdict.ready, 8) : []),
      `报告 / Report: ${htmlPath.startsWith(cwd + path.sep) ? path.relative(cwd, htmlPath) : htmlPath}`,
      '',
    ];
    process.stdout.write(lines.join('\n'));
  }
}

/** The failed harness steps, one cause each with the steps it stopped (a TP that never started stops them all alike). */
function failedSteps(report: Report, oneLine: (s: string, max?: number) => string): string {
  const byCause = new Map<string, string[]>();
  for (const s of report.steps.filter((x) => x.status === 'FAILED')) {
    const cause = s.error ? oneLine(plainReason(s.error.split('\n')[0]!), 300) : '';
    byCause.set(cause, [...(byCause.get(cause) ?? []), s.title]);
  }
  return [...byCause].map(([cause, titles]) => (cause ? `${cause} (${titles.join('; ')})` : titles.join('; '))).join('; ');
}
