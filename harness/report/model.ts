// The preflight report as data, and the pure function that turns test outcomes into it. Kept free of Playwright
// types so the verdict rules can be unit-tested without running Playwright; reporter.ts adapts TestCase/TestResult
// into TestRecord. The JSON schema in reports/schema/preflight-report.schema.json describes the same shape.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject } from 'ajv';
import { CHECKS, holdsVerdict, STEP_NOTE_ANNOTATION, WAITING_PREFIX, type CheckAttachment, type CheckDef, type CheckKind, type CheckStatus } from '../detection/checks.ts';
import { AUTHORIZATION_STAGE, PERMISSION_SETS, type PermissionSet } from '../detection/permissionSets.ts';
import { displayPath, reproduceEnv, type Config, type ReproducibleConfig } from '../config.ts';
import type { TimelineRow } from '../detection/timeline.ts';
import { TP_DID_NOT_START } from '../detection/runEnv.ts';
import { shellDoubleQuote } from './shell.ts';

// ---------------------------------------------------------------------------------------------------------------
// Report shape

export type VerdictStatus = 'PASSED' | 'FAILED' | 'WARNING' | 'WAITING';

export interface Bilingual {
  zh: string;
  en: string;
}

export interface EvidenceItem {
  label: string;
  data: unknown;
}

export interface AttachmentRef {
  name: string;
  contentType: string;
  /** Where Playwright stored it (relative to the working directory when possible); null for in-memory bodies. */
  path: string | null;
}

export interface CheckReport {
  id: string;
  permissionSet: string;
  kind: CheckKind;
  title: Bilingual;
  requirement: string;
  /** What a TP does to pass it (the registry's words), beside the reason, which says what happened. */
  expects?: Bilingual;
  status: CheckStatus;
  reason: string;
  durationMs: number;
  evidence: EvidenceItem[];
  reproduce: string[];
  attachments: AttachmentRef[];
  /**
   * One of Baidu's checks in a selected set that did not run because an earlier failure held it up (its reason names
   * which): not "skipped" in the sense of not applicable. The headline counts these as "could not run".
   */
  couldNotRun?: true;
}

export interface StageReport {
  slug: string;
  name: Bilingual;
  selected: boolean;
  baiduDetected: boolean;
  status: CheckStatus;
  reason: string;
  checks: string[];
}

export interface StepReport {
  /** Describe blocks and test title joined with " › ". */
  title: string;
  project: string;
  file: string;
  status: CheckStatus;
  durationMs: number;
  error: string;
  /**
   * Why a SKIPPED step did not run (e.g. no selected check stands on it); for a step that ran, what it did not get
   * done (the TP's hook hung, an action not asked), so that PASSED does not read as "the TP did it".
   */
  reason?: string;
}

export interface Report {
  schemaVersion: 1;
  runId: string;
  seed: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  /** browser: the Chromium the scan used (version and executable), when the scan ran. */
  /**
   * commit: the harness's git commit, " (modified)" when its tree differed; tp: a digest of the module that answered
   * as the TP (PREFLIGHT_REFERENCE_ENTRY), so a reviewer can tell a same-named file with other code.
   */
  versions: { harness: string; commit?: string; node: string; playwright: string; browser?: string; tp?: string };
  target: Config['target'];
  platform: Config['platform'];
  /** Another module than the reference TP answered as the TP (PREFLIGHT_REFERENCE_ENTRY, e.g. a mutant). */
  referenceEntry?: string;
  /** External mode: the origin of the TP's 授权事件接收URL, which tells runs against different TPs apart. */
  externalTp?: string;
  strict: boolean;
  /** The command that runs the whole detection again with this run's options (never a secret or a TP URL). */
  reproduce?: string;
  /** Stopped by a signal or the global timeout before every check ran (the headline says so first). */
  stopped?: 'interrupted' | 'timedout';
  /** False when the probes were off (PREFLIGHT_PROBES=0); absent when on. */
  probes?: false;
  /** granted: the sets the admin ticked (PREFLIGHT_GRANT), when not every selected one. */
  permissionSets: { selected: string[]; granted?: string[] };
  /**
   * `partial`: a run that left checks out (-g) and in which nothing that ran failed — not ready for want of the rest,
   * which the HTML heads as a partial run rather than FAILED.
   */
  verdict: { status: VerdictStatus; ready: boolean; headline: Bilingual; partial?: true };
  stages: StageReport[];
  checks: CheckReport[];
  steps: StepReport[];
  /** Every call, push, page and tool action the emulator saw, in order (absent when the servers never started). */
  timeline?: TimelineRow[];
  /** The checks that changed since the previous run with the same setup in the runs folder (absent: no such run). */
  sincePrevious?: SincePrevious;
}

/** A check whose status differs between two runs (harness/report/compare.ts). */
export interface CheckChange {
  id: string;
  title: Bilingual;
  from: CheckStatus;
  to: CheckStatus;
  /** Worse than before (PASSED → WARNING counts; a check that ran in only one of the runs is no change). */
  regression: boolean;
  /** The later run's reason (empty when it passed). */
  reason: string;
}

/** The earlier run of a comparison — its id, start and verdict — and what changed since. */
export interface SincePrevious {
  runId: string;
  startedAt: string;
  ready: boolean;
  changes: CheckChange[];
}

// ---------------------------------------------------------------------------------------------------------------
// Input: one finished test, already flattened out of Playwright's objects

export type TestOutcome = 'expected' | 'unexpected' | 'skipped' | 'flaky';

export interface TestRecord {
  /** The test's own title (what `-g` matches in the reproduce command). */
  title: string;
  /** Describe titles + test title, without the root, project and file entries. */
  titlePath: string[];
  file: string;
  project: string;
  /** TestCase.outcome() after all retries. */
  outcome: TestOutcome;
  /** The final attempt's status; 'interrupted' tells a stopped run apart from a deliberate skip. */
  resultStatus?: 'passed' | 'failed' | 'timedOut' | 'skipped' | 'interrupted';
  durationMs: number;
  /** Test and result annotations, merged. */
  annotations: { type: string; description?: string }[];
  /** Error messages of the final attempt, raw (ANSI allowed). */
  errors: string[];
  /** Final attempt's attachments; `body` is the text of check-result bodies (read from `path` when needed). */
  attachments: { name: string; contentType: string; path?: string; body?: string }[];
}

export interface BuildInput {
  runId: string;
  startedAt: Date;
  finishedAt: Date;
  versions: Report['versions'];
  config: ReproducibleConfig;
  tests: TestRecord[];
  /** Errors outside any test (config load, worker crash, global setup): each is a FAILED harness step. */
  harnessErrors?: string[];
  /** Stopped by a signal (Ctrl-C, SIGTERM) or a global timeout before every test ran: the headline says so first. */
  stopped?: 'interrupted' | 'timedout';
  /** External mode: the origin of the TP's 授权事件接收URL. */
  externalTp?: string;
  /** The run's exchange with the emulator, in order (harness/detection/timeline.ts). */
  timeline?: TimelineRow[];
  /** Registries, injectable for tests; default to the real ones. */
  checks?: readonly CheckDef[];
  permissionSets?: readonly PermissionSet[];
}

export const CHECK_ANNOTATION = 'check';
export const CHECK_RESULT_ATTACHMENT = 'check-result';

export const NOT_SELECTED_REASON = 'not selected in PREFLIGHT_PERMISSION_SETS / 未选择该权限集';
export const NOT_RUN_REASON = 'not run';

/** A check of a selected stage that never ran (left out by -g/--grep, or the run stopped first): it proves nothing. */
export function isLeftOut(c: Pick<CheckReport, 'status' | 'reason'>): boolean {
  return c.status === 'SKIPPED' && c.reason === NOT_RUN_REASON;
}
/**
 * A run that left checks out by a filter (-g), not by being stopped: its "not ready" says nothing of the TP, so a
 * comparison does not weigh its verdict. A stopped run's "not ready" is news.
 */
export function isFiltered(r: Pick<Report, 'stopped' | 'checks'>): boolean {
  return !r.stopped && r.checks.some(isLeftOut);
}
/**
 * A result that only warns: not PASSED or WARNING, from one of our checks (extended, probe) without --strict — and not
 * left out, for a check that never ran holds the verdict whatever its kind. The stage, console and JUnit share it.
 */
export function onlyWarns(c: Pick<CheckReport, 'kind' | 'status' | 'reason'>, strict: boolean): boolean {
  return c.status !== 'PASSED' && c.status !== 'WARNING' && !isLeftOut(c) && !holdsVerdict(c.kind, c.status, strict);
}
export const NO_CHECK_RAN_REASON = 'no check ran / 没有检测运行';
/**
 * Why a SKIPPED check did not run, where that is not "not applicable": held up by an earlier failure
 * (CheckReport.couldNotRun), or left out of the run (isLeftOut). One wording for the stages, the console and the HTML.
 */
export const WHY_NOT_RUN = { heldUp: { zh: '无法运行', en: 'could not run' }, leftOut: { zh: '未运行', en: 'not run' } } as const;
/** A stage's reason groups checks under English-first keys ("FAILED: …", "not run / 未运行: …"). */
const stageKey = (l: { zh: string; en: string }) => `${l.en} / ${l.zh}`;
/**
 * A selected set outside Baidu's detection (reference §7.1.4) for which this tool has no check either (账号管理权限,
 * 推广权限): Baidu lets a TP publish with it unchecked, so it does not hold the verdict — the headline says it.
 */
export const NOTHING_TO_CHECK_REASON = 'not in Baidu\'s detection, and this tool has no check for it / 百度发布检测不检查该权限集，本工具也没有它的检测项';
/** Whether a stage is such a set (by what it is, not by its reason's words). */
export function nothingToCheck(s: Pick<StageReport, 'selected' | 'baiduDetected' | 'checks'>): boolean {
  return s.selected && !s.baiduDetected && s.checks.length === 0;
}
/**
 * What 全网发布 also requires that no API shows, so no run can check (reference §7.1.1–2): said beside a "ready" verdict so
 * that it is not read as the whole story.
 */
export const NOT_CHECKED = {
  zh: '另需（此处不检测）：第三方平台主体真实性认证（全网发布的第一步），以及自动检测通过后百度对第三方平台基本信息的人工审核',
  en: "Also required (not checked here): the TP's subject authenticity certification (真实性认证, the first step of 全网发布), and Baidu's manual review of the TP's basic information after the automated detection",
} as const;

/**
 * After a ready verdict against a team's own TP (external mode), what comes next: the run asked the emulator; Baidu
 * itself can be asked about the same things once the TP points back at it (the live probes, harness/cli/probe*.ts).
 */
export const AGAINST_BAIDU = {
  zh: '下一步：把第三方平台指回百度并部署后，对照百度本身再确认：npx preflight probe echostr（百度发送的握手）、probe start-page（授权页）和 probe history（百度的记录）（README：Before you click 全网发布）',
  en: 'Next: with your TP pointed back at Baidu and deployed, check it against Baidu itself: npx preflight probe echostr (the handshake Baidu sends), probe start-page (the authorization page) and probe history (Baidu\'s records) (README: Before you click 全网发布)',
} as const;

/** Whether a report gets that line: ready, and the TP under test was the team's own. */
export function nextAgainstBaidu(report: Pick<Report, 'verdict' | 'platform'>): boolean {
  return report.verdict.ready && report.platform === 'external';
}

// ---------------------------------------------------------------------------------------------------------------
// Status arithmetic

/** Worst first. SKIPPED outranks WARNING: a check that did not run proves nothing, a warning at least ran. */
const PRECEDENCE: readonly CheckStatus[] = ['FAILED', 'WAITING', 'SKIPPED', 'WARNING', 'PASSED'];

/** True when `a` is a worse status than `b`, in the verdict's order. */
export function isWorse(a: CheckStatus, b: CheckStatus): boolean {
  return PRECEDENCE.indexOf(a) < PRECEDENCE.indexOf(b);
}

export function worst(statuses: Iterable<CheckStatus>): CheckStatus {
  let best = PRECEDENCE.length - 1;
  for (const s of statuses) best = Math.min(best, PRECEDENCE.indexOf(s));
  return PRECEDENCE[best]!;
}

export const STATUS_LABEL: Record<CheckStatus, Bilingual> = {
  PASSED: { zh: '通过', en: 'passed' },
  FAILED: { zh: '未通过', en: 'failed' },
  WARNING: { zh: '警告', en: 'warning' },
  SKIPPED: { zh: '跳过', en: 'skipped' },
  WAITING: { zh: '等待操作', en: 'waiting' },
};

// ---------------------------------------------------------------------------------------------------------------
// Helpers

const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007]*\u0007/g;

export function stripAnsi(s: string): string {
  return s.replace(ANSI, '');
}

/** A reason on one console line, cut at `max` characters. */
export function oneLine(s: string, max = 160): string {
  const t = s.replace(/\s*\n\s*/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

/** A reason as people read it: without the `Error: ` a thrown sentence carries. */
export function plainReason(reason: string): string {
  return reason.replace(/^Error: /, '');
}

/** The first few meaningful lines of an error message, without ANSI colours or stack frames. */
export function errorSummary(messages: string[], maxLines = 4, maxChars = 1000): string {
  for (const raw of messages) {
    let lines = stripAnsi(raw)
      .split('\n')
      .map((l) => l.trimEnd())
      .filter((l) => l.trim() !== '' && !/^\s+at /.test(l));
    if (lines.length === 0) continue;
    // expect(value, 'what went wrong') already says it in words: the matcher's lines after it are noise to a TP
    // developer ("expect(received).toBeTruthy() Received: undefined").
    const matcher = lines.findIndex((l, i) => i > 0 && /^expect\(/.test(l));
    if (matcher > 0 && !/^(Error: )?expect\(/.test(lines[0]!)) lines = lines.slice(0, matcher);
    const text = lines.slice(0, maxLines).join('\n');
    return text.length > maxChars ? `${text.slice(0, maxChars - 1)}…` : text;
  }
  return '';
}


/** `VAR=value`, the value double-quoted when the shell would otherwise split or expand it. */
function shellAssignment(a: string): string {
  const i = a.indexOf('=');
  const value = a.slice(i + 1);
  return /^[\w,.:\/-]*$/.test(value) ? a : `${a.slice(0, i)}=${shellDoubleQuote(value)}`;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * `PREFLIGHT_SEED=<seed> npx preflight run --project=<p> -g "<title>"`. The title is regex-escaped (-g is a regex)
 * and the env carries any non-default run options, so the command reruns the same check with the same identities —
 * through preflight's own entry, so its exit codes (2 usage, 130/143 stopped) hold as for `npm run preflight`.
 */
export function reproduceCommand(config: BuildInput['config'], project: string, title: string): string {
  const projectArg = project ? ` --project=${/^[\w.-]+$/.test(project) ? project : shellDoubleQuote(project)}` : '';
  return `${reproduceRunCommand(config)}${projectArg} -g ${shellDoubleQuote(escapeRegExp(title))}`;
}

/** The whole run again, with every option that differs from its default (never a secret or a TP URL). */
export function reproduceRunCommand(config: BuildInput['config']): string {
  return `${[`PREFLIGHT_SEED=${config.seed}`, ...reproduceEnv(config).map(shellAssignment)].join(' ')} npx preflight run`;
}

interface ParsedAttachment {
  att?: CheckAttachment;
  error?: string;
}

function parseCheckAttachment(body: string | undefined): ParsedAttachment {
  if (body === undefined) return { error: 'check-result attachment has no body' };
  try {
    const raw = JSON.parse(body) as Partial<CheckAttachment> | null;
    if (!raw || typeof raw !== 'object' || typeof raw.checkId !== 'string') return { error: 'check-result attachment has no checkId' };
    const status = raw.status && PRECEDENCE.includes(raw.status) ? raw.status : undefined;
    return {
      att: {
        checkId: raw.checkId,
        status,
        reason: typeof raw.reason === 'string' ? raw.reason : undefined,
        evidence: Array.isArray(raw.evidence)
          ? raw.evidence.map((e: unknown, i) => {
              const o = (e && typeof e === 'object' ? e : { data: e }) as { label?: unknown; data?: unknown };
              return { label: typeof o.label === 'string' ? o.label : `evidence ${i + 1}`, data: o.data ?? null };
            })
          : [],
        reproduce: Array.isArray(raw.reproduce) ? raw.reproduce.filter((r): r is string => typeof r === 'string' && r.trim() !== '') : [],
      },
    };
  } catch (e) {
    return { error: `check-result attachment is not JSON: ${(e as Error).message}` };
  }
}

function joinReasons(...parts: (string | undefined)[]): string {
  return parts.filter((p): p is string => !!p && p.trim() !== '').join('\n');
}

/** The reason of a test a stop cut short (Ctrl-C, a CI timeout): not run to its end, not held up by a failure. */
export const INTERRUPTED_REASON = 'interrupted before it finished / 运行被中断';

function skipReason(rec: TestRecord): string {
  if (rec.resultStatus === 'interrupted') return INTERRUPTED_REASON;
  const a = rec.annotations.find((x) => x.type === 'skip' && x.description) ?? rec.annotations.find((x) => x.type === 'fixme' && x.description);
  return a?.description ?? 'skipped';
}

/** A step's own note on what it did not get done (harness/detection/exercise.ts). */
function note(rec: TestRecord): string {
  return rec.annotations.filter((a) => a.type === STEP_NOTE_ANNOTATION && a.description).map((a) => a.description!).join('; ');
}

/** The mapping agreed with the suites: test outcome first, the attachment may only refine a pass. */
function statusOf(rec: TestRecord, att: CheckAttachment | undefined): { status: CheckStatus; reason: string } {
  switch (rec.outcome) {
    case 'expected':
      return { status: att?.status ?? 'PASSED', reason: att?.reason ?? '' };
    case 'unexpected': {
      // A blocking WAITING fails its test on purpose (fixtures/index.ts); any other error still makes it FAILED.
      const others = rec.errors.filter((e) => !plainReason(stripAnsi(e)).startsWith(WAITING_PREFIX));
      if (att?.status === 'WAITING' && others.length === 0) return { status: 'WAITING', reason: att.reason ?? '' };
      // Without the `Error: ` a thrown sentence carries: the same check's reason reads the same failed or warned.
      return { status: 'FAILED', reason: joinReasons(plainReason(errorSummary(others)) || 'failed', att?.reason) };
    }
    case 'skipped':
      // A check may record that it is waiting for a person (scan, approval) and then skip the rest of the test.
      if (att?.status === 'WAITING') return { status: 'WAITING', reason: joinReasons(att.reason, skipReason(rec)) };
      return { status: 'SKIPPED', reason: joinReasons(skipReason(rec), att?.reason) };
    case 'flaky':
      if (att?.status === 'WAITING') return { status: 'WAITING', reason: joinReasons(att.reason, 'passed only on retry') };
      return { status: 'WARNING', reason: joinReasons('passed only on retry', att?.reason) };
  }
}

// ---------------------------------------------------------------------------------------------------------------
// buildReport

type Partial_ = Pick<CheckReport, 'status' | 'reason' | 'durationMs' | 'evidence' | 'reproduce' | 'attachments'>;

/** Several tests (or projects) may report the same check: a skipped copy never hides one that ran. */
function merge(parts: Partial_[]): Partial_ {
  const ran = parts.filter((p) => p.status !== 'SKIPPED');
  const use = ran.length ? ran : parts;
  if (use.length === 1) return use[0]!;
  return {
    status: worst(use.map((p) => p.status)),
    reason: [...new Set(use.map((p) => p.reason).filter(Boolean))].join('\n'),
    durationMs: use.reduce((n, p) => n + p.durationMs, 0),
    evidence: use.flatMap((p) => p.evidence),
    reproduce: [...new Set(use.flatMap((p) => p.reproduce))],
    attachments: use.flatMap((p) => p.attachments),
  };
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function buildReport(input: BuildInput): Report {
  const registry = input.checks ?? CHECKS;
  const sets = input.permissionSets ?? PERMISSION_SETS;
  const { config } = input;
  const selected = new Set(config.permissionSets);
  const byId = new Map(registry.map((c) => [c.id, c]));

  const results = new Map<string, Partial_[]>();
  const steps: StepReport[] = [];

  for (const rec of input.tests) {
    const checkIds = rec.annotations.filter((a) => a.type === CHECK_ANNOTATION && a.description).map((a) => a.description!.trim());
    const parsed = rec.attachments
      .filter((a) => a.name === CHECK_RESULT_ATTACHMENT)
      .map((a) => parseCheckAttachment(a.body));
    // Lenient on one side only: an attachment without an annotation still names its check.
    if (checkIds.length === 0) for (const p of parsed) if (p.att) checkIds.push(p.att.checkId);

    if (checkIds.length === 0) {
      const { status, reason } = statusOf(rec, undefined);
      steps.push({
        title: rec.titlePath.join(' › ') || rec.title,
        project: rec.project,
        file: rec.file,
        status,
        durationMs: rec.durationMs,
        error: errorSummary(rec.errors),
        ...(status === 'SKIPPED' ? { reason } : note(rec) ? { reason: note(rec) } : {}),
      });
      continue;
    }

    // Playwright's error-context.md is a prompt for an AI assistant about the failed test, not evidence of the TP:
    // Playwright's own HTML report keeps it.
    const others: AttachmentRef[] = rec.attachments
      .filter((a) => a.name !== CHECK_RESULT_ATTACHMENT && a.name !== 'error-context')
      .map((a) => ({ name: a.name, contentType: a.contentType, path: a.path ?? null }));

    for (const id of new Set(checkIds)) {
      if (!byId.has(id)) {
        // A suite naming a check the registry does not know is a harness bug, not a check result.
        steps.push({
          title: `${rec.titlePath.join(' › ') || rec.title} [check ${id}]`,
          project: rec.project,
          file: rec.file,
          status: 'FAILED',
          durationMs: rec.durationMs,
          error: `unknown check id "${id}": register it in harness/detection/checks.ts / 未登记的检测项`,
        });
        continue;
      }
      const p = parsed.find((x) => x.att?.checkId === id) ?? (checkIds.length === 1 ? parsed[0] : undefined);
      let { status, reason } = statusOf(rec, p?.att);
      if (p?.error) {
        // Evidence we cannot read cannot back a pass.
        status = 'FAILED';
        reason = joinReasons(p.error, reason);
      }
      const list = results.get(id) ?? [];
      list.push({
        status,
        reason,
        durationMs: rec.durationMs,
        evidence: p?.att?.evidence ?? [],
        reproduce: [reproduceCommand(config, rec.project, rec.title), ...(p?.att?.reproduce ?? [])],
        attachments: others,
      });
      results.set(id, list);
    }
  }

  for (const e of input.harnessErrors ?? []) {
    steps.push({ title: 'harness error / 框架错误', project: '', file: '', status: 'FAILED', durationMs: 0, error: errorSummary([e]) || e });
  }

  // Stages: the authorization chain first, then every permission set in registry order.
  const stageDefs = [
    { slug: AUTHORIZATION_STAGE.slug, name: { zh: AUTHORIZATION_STAGE.zh, en: AUTHORIZATION_STAGE.en }, selected: true, baiduDetected: true },
    ...sets.map((s) => ({ slug: s.slug, name: { zh: s.zh, en: s.en }, selected: selected.has(s.slug), baiduDetected: s.baiduDetected })),
  ];

  const checks: CheckReport[] = [];
  const stages: StageReport[] = [];
  const failedChecks: CheckReport[] = [];
  let failed = 0, waiting = 0, heldUp = 0, leftOut = 0, skipped = 0, warnings = 0, emptyStages = 0, uncheckedStages = 0, counted = 0;

  for (const sd of stageDefs) {
    const defs = registry.filter((c) => c.permissionSet === sd.slug);
    const stageChecks: CheckReport[] = defs.map((def) => {
      const got = results.get(def.id);
      const r: Partial_ = got
        ? merge(got)
        : { status: 'SKIPPED', reason: sd.selected ? NOT_RUN_REASON : NOT_SELECTED_REASON, durationMs: 0, evidence: [], reproduce: [], attachments: [] };
      const couldNotRun = sd.selected && def.kind === 'baidu' && r.status === 'SKIPPED' && r.reason !== NOT_RUN_REASON && r.reason !== INTERRUPTED_REASON;
      return { id: def.id, permissionSet: def.permissionSet, kind: def.kind, title: { ...def.title }, requirement: def.requirement, ...(def.expects ? { expects: { ...def.expects } } : {}), ...r,
        ...(couldNotRun ? { couldNotRun: true as const } : {}) };
    });
    checks.push(...stageChecks);

    if (!sd.selected) {
      stages.push({ ...sd, status: 'SKIPPED', reason: NOT_SELECTED_REASON, checks: defs.map((d) => d.id) });
      continue;
    }
    if (nothingToCheck({ ...sd, checks: defs.map((d) => d.id) })) {
      stages.push({ ...sd, status: 'SKIPPED', reason: NOTHING_TO_CHECK_REASON, checks: [] });
      uncheckedStages++;
      continue;
    }

    // Extended and probe checks are ours, not Baidu's: the verdict rests on Baidu's checks, so anything but PASSED
    // from ours (failed, skipped, waiting) only warns, unless PREFLIGHT_STRICT — except a check that never ran, which
    // proves nothing either way and holds the verdict whatever its kind (a filtered run is never "ready").
    const demoted = (c: CheckReport) => onlyWarns(c, config.strict);
    // One of ours skipped for a reason of its own (the probes off, an optional hook action the TP does not offer) found
    // nothing wrong: it leaves the stage as the others make it, and the stage's reason lists it.
    // A check left out of the run (-g, a stopped run) says nothing of the TP: the stage shows what the checks that ran
    // found, and its reason names the ones left out (they still hold the verdict, below).
    const effective = stageChecks.filter((c) => !isLeftOut(c)).map((c) => (demoted(c) ? (c.status === 'SKIPPED' ? 'PASSED' : 'WARNING') : c.status));
    const allSkipped = stageChecks.every((c) => c.status === 'SKIPPED');
    const status: CheckStatus = allSkipped ? 'SKIPPED' : worst(effective);

    let reason = '';
    // Held up by an earlier failure is not "nothing ran here": a reader would take the set for not applicable.
    if (allSkipped && stageChecks.some((c) => c.couldNotRun)) reason = `${stageKey(WHY_NOT_RUN.heldUp)}: ${stageChecks.filter((c) => c.couldNotRun).map((c) => c.id).join(', ')}`;
    else if (allSkipped) reason = NO_CHECK_RAN_REASON;
    else if (stageChecks.some((c) => c.status !== 'PASSED')) {
      const groups = new Map<string, string[]>();
      for (const c of stageChecks) {
        if (c.status === 'PASSED') continue;
        const ours = c.kind === 'probe' ? 'probe' : 'extended check';
        // A check left out of a rerun is said as such: 'SKIPPED' beside passed ones read as if it had been skipped.
        const key = isLeftOut(c) ? stageKey(WHY_NOT_RUN.leftOut)
          : c.couldNotRun ? stageKey(WHY_NOT_RUN.heldUp)
          : demoted(c) ? (c.status === 'SKIPPED' ? `SKIPPED (${ours}; --strict holds the verdict on it)` : `${c.status}, only a warning (${ours}; --strict fails it)`)
          : c.status;
        groups.set(key, [...(groups.get(key) ?? []), c.id]);
      }
      reason = [...groups].map(([k, ids]) => `${k}: ${ids.join(', ')}`).join('; ');
    }
    stages.push({ ...sd, status, reason, checks: defs.map((d) => d.id) });

    counted += stageChecks.length;
    if (defs.length === 0) emptyStages++;
    for (const c of stageChecks) {
      if (c.status === 'FAILED') demoted(c) ? warnings++ : (failed++, failedChecks.push(c));
      else if (c.status === 'WAITING') waiting++;
      // Three kinds of checks that did not run: left out (a -g rerun, a stopped run); a Baidu check held up by an
      // earlier failure; and ours, skipped for a reason of their own (probes off, an optional action unsupported).
      // A check a stop cut short did not run to its end either: counted with those left out.
      else if (c.status === 'SKIPPED') isLeftOut(c) || c.reason === INTERRUPTED_REASON ? leftOut++ : c.couldNotRun ? heldUp++ : skipped++;
      else if (c.status === 'WARNING') warnings++;
    }
  }

  // Verdict over the authorization stage and the selected sets; a selected stage with nothing run cannot pass.
  const stepFailures = steps.filter((s) => s.status === 'FAILED').length;
  const verdictInputs = stages.filter((s) => s.selected && !nothingToCheck(s)).map((s) => (s.status === 'SKIPPED' ? 'FAILED' : s.status));
  // A check that never ran proves nothing: no run that left one out is ready (the headline says what the others found).
  if (stepFailures || input.stopped || checks.some(isLeftOut)) verdictInputs.push('FAILED');
  const status = worst(verdictInputs) as VerdictStatus; // SKIPPED mapped away above
  const ready = status === 'PASSED' || status === 'WARNING';

  const zh: string[] = [];
  const en: string[] = [];
  if (input.stopped === 'interrupted') { zh.push('运行被中断'); en.push('the run was interrupted'); }
  if (input.stopped === 'timedout') { zh.push('运行超时'); en.push('the run timed out'); }
  if (failed) {
    // One broken link fails what stands on it too (no token, no upload): say how many failed only because of another
    // failed check their reason names, so one cause does not read as five.
    const failedIds = new Set(failedChecks.map((c) => c.id));
    const causes = new Set<string>();
    const derived = failedChecks.filter((c) => {
      const named = [...c.reason.matchAll(/\(see ([a-z]+\.[a-z-]+)/g)].map((m) => m[1]!).filter((id) => id !== c.id && failedIds.has(id));
      for (const id of named) causes.add(id);
      return named.length > 0;
    }).length;
    const because = derived && derived < failed ? [...causes].join(', ') : '';
    zh.push(`${failed} 项检测未通过${because ? `（其中 ${derived} 项因 ${because} 未通过）` : ''}`);
    en.push(`${plural(failed, 'check')} failed${because ? ` (${derived} of them because ${because} failed)` : ''}`);
  }
  if (waiting) { zh.push(`${waiting} 项检测等待操作`); en.push(`${plural(waiting, 'check')} waiting for action`); }
  if (heldUp) { zh.push(`${heldUp} 项检测无法运行`); en.push(`${plural(heldUp, 'check')} could not run`); }
  if (leftOut) { zh.push(`${leftOut} 项检测未运行`); en.push(`${plural(leftOut, 'check')} not run`); }
  // A run filtered with -g/--grep cannot be ready (the verdict needs every check), but whether what it ran passed is
  // what its user wants to know.
  const ran = counted - leftOut - heldUp - skipped;
  const partial = !ready && leftOut > 0 && ran > 0 && !failed && !waiting && !stepFailures && !input.stopped;
  if (partial) {
    zh.push(`运行的 ${ran} 项${warnings ? '无失败' : '全部通过'}`);
    en.push(`the ${plural(ran, 'check')} that ran ${warnings ? 'had no failure' : 'passed'}`);
  }
  if (emptyStages) { zh.push(`${emptyStages} 个权限集没有检测`); en.push(`${plural(emptyStages, 'permission set')} without checks`); }
  // A TP that never started stops every step alike: that, not a count of steps, is what its team needs to read.
  const failedSteps = steps.filter((s) => s.status === 'FAILED');
  if (stepFailures && failedSteps.every((s) => s.error?.includes(TP_DID_NOT_START))) { zh.unshift('被测平台未能启动'); en.unshift(TP_DID_NOT_START); }
  else if (stepFailures) { zh.push(`${stepFailures} 个框架步骤失败`); en.push(`${plural(stepFailures, 'harness step')} failed`); }
  if (warnings) { zh.push(`${warnings} 项警告`); en.push(plural(warnings, 'warning')); }
  if (skipped) { zh.push(`${skipped} 项检测跳过`); en.push(`${plural(skipped, 'check')} skipped`); }
  if (zh.length === 0) { zh.push(`全部 ${counted} 项检测通过`); en.push(`all ${plural(counted, 'check')} passed`); }
  if (uncheckedStages) { zh.push(`${uncheckedStages} 个所选权限集百度不检测（此处也无检测项）`); en.push(`${plural(uncheckedStages, 'selected permission set')} Baidu does not detect (nothing checked here either)`); }
  const headline = {
    zh: `可以全网发布：${ready ? '是' : '否'} — ${zh.join('，')}`,
    en: `Ready for 全网发布: ${ready ? 'yes' : 'no'} — ${en.join(', ')}`,
  };

  return {
    schemaVersion: 1,
    runId: input.runId,
    seed: config.seed,
    startedAt: input.startedAt.toISOString(),
    finishedAt: input.finishedAt.toISOString(),
    durationMs: Math.max(0, input.finishedAt.getTime() - input.startedAt.getTime()),
    versions: { ...input.versions },
    target: config.target,
    platform: config.platform,
    ...(config.referenceEntry && config.platform === 'reference' ? { referenceEntry: displayPath(config.referenceEntry) } : {}),
    ...(input.externalTp ? { externalTp: input.externalTp } : {}),
    strict: config.strict,
    reproduce: reproduceRunCommand(config),
    ...(input.stopped ? { stopped: input.stopped } : {}),
    ...(config.probes === false ? { probes: false as const } : {}),
    permissionSets: {
      selected: [...config.permissionSets],
      ...(config.grant && [...config.grant].sort().join(',') !== [...config.permissionSets].sort().join(',') ? { granted: [...config.grant] } : {}),
    },
    verdict: { status, ready, headline, ...(partial ? { partial: true as const } : {}) },
    stages,
    checks,
    steps,
    ...(input.timeline ? { timeline: input.timeline } : {}),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Schema validation

export const REPORT_SCHEMA_PATH = fileURLToPath(new URL('../../reports/schema/preflight-report.schema.json', import.meta.url));

type Validator = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };
let validators: { report: Validator; timeline: Validator } | undefined;

function compiled(): { report: Validator; timeline: Validator } {
  if (!validators) {
    // The committed schema is itself checked against the meta-schema by the tests (test/detection.spec.ts).
    const ajv = new Ajv({ allErrors: true, allowUnionTypes: true, validateSchema: false });
    const schema = JSON.parse(readFileSync(REPORT_SCHEMA_PATH, 'utf8'));
    validators = { report: ajv.compile(schema), timeline: ajv.compile(schema.properties.timeline) };
  }
  return validators;
}

/** Validates against reports/schema/preflight-report.schema.json; returns ajv's errors, empty when valid. */
export function validateReport(report: unknown): ErrorObject[] {
  const v = compiled().report;
  return v(report) ? [] : [...(v.errors ?? [])];
}

/** Whether a run folder's timeline.json is what the report's `timeline` may hold (the same schema). */
export function isTimeline(rows: unknown): rows is TimelineRow[] {
  return compiled().timeline(rows);
}
