// The report: verdict rules and redaction as pure functions, then the reporter end to end inside a real
// Playwright run (a nested `playwright test` over generated specs, like Playwright's own runInlineTest).
import { test, expect, type TestInfo } from '@playwright/test';
import type { FullConfig, FullResult, Suite, TestError } from '@playwright/test/reporter';
import DetectionReporter from '../harness/report/reporter.ts';
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHECKS, type CheckDef } from '../harness/detection/checks.ts';
import { PERMISSION_SETS } from '../harness/detection/permissionSets.ts';
import {
  buildReport,
  validateReport,
  NOT_RUN_REASON,
  NOT_SELECTED_REASON,
  NOTHING_TO_CHECK_REASON,
  type BuildInput,
  type Report,
  type TestRecord,
} from '../harness/report/model.ts';
import { createRedactor } from '../harness/report/redact.ts';
import { renderHtml } from '../harness/report/html.ts';
import { chromium } from 'playwright';
import { CHROMIUM_ARGS, chromiumExecutable } from '../harness/detection/chromium.ts';
import { renderJunit } from '../harness/report/junit.ts';
import { fileDigest, harnessCommit } from '../harness/report/provenance.ts';
import { parseConfig, reproduceEnv } from '../harness/config.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SEED = 'reportseed42';

// A fixed registry so the verdict rules are tested independently of how many checks the suites have registered.
const REGISTRY: CheckDef[] = [
  { id: 'auth.a', permissionSet: 'authorization', kind: 'baidu', title: { zh: '授权甲', en: 'Auth A' }, requirement: 'ref §1' },
  { id: 'auth.b', permissionSet: 'authorization', kind: 'baidu', title: { zh: '授权乙', en: 'Auth B' }, requirement: 'ref §2' },
  { id: 'dev.baidu', permissionSet: 'development', kind: 'baidu', title: { zh: '开发', en: 'Dev rule' }, requirement: 'ref §7.1.3', expects: { zh: '上传<代码包>', en: 'upload a <package>' } },
  { id: 'dev.ext', permissionSet: 'development', kind: 'extended', title: { zh: '开发扩展', en: 'Dev extended' }, requirement: 'ours' },
  { id: 'dev.probe', permissionSet: 'development', kind: 'probe', title: { zh: '开发探测', en: 'Dev probe' }, requirement: 'ours' },
  { id: 'cs.baidu', permissionSet: 'customer-service', kind: 'baidu', title: { zh: '客服', en: 'CS rule' }, requirement: 'ref §7.1.4' },
];

function rec(checkId: string | undefined, outcome: TestRecord['outcome'] = 'expected', extra: Partial<TestRecord> & { att?: object } = {}): TestRecord {
  const { att, ...rest } = extra;
  const title = checkId ? `check ${checkId}` : 'a harness step';
  return {
    title,
    titlePath: [title],
    file: 'suites/x.spec.ts',
    project: 'detection',
    outcome,
    resultStatus: outcome === 'unexpected' ? 'failed' : outcome === 'skipped' ? 'skipped' : 'passed',
    durationMs: 12,
    annotations: checkId ? [{ type: 'check', description: checkId }] : [],
    errors: [],
    attachments: att
      ? [{ name: 'check-result', contentType: 'application/json', body: JSON.stringify({ checkId, evidence: [], reproduce: [], ...att }) }]
      : [],
    ...rest,
  };
}

function input(tests: TestRecord[], over: Partial<BuildInput['config']> = {}, registry: readonly CheckDef[] = REGISTRY): BuildInput {
  return {
    runId: 'run-1',
    startedAt: new Date('2025-01-01T00:00:00Z'),
    finishedAt: new Date('2025-01-01T00:00:05Z'),
    versions: { harness: '0.1.0', node: process.version, playwright: '1.65.1' },
    config: { seed: SEED, target: 'emulator', platform: 'reference', permissionSets: ['development'], strict: false, ...over },
    tests,
    checks: registry,
  };
}

const allPass = () => ['auth.a', 'auth.b', 'dev.baidu', 'dev.ext', 'dev.probe'].map((id) => rec(id));
const stage = (r: Report, slug: string) => r.stages.find((s) => s.slug === slug)!;
const check = (r: Report, id: string) => r.checks.find((c) => c.id === id)!;

function expectValid(r: Report) {
  expect(validateReport(r)).toEqual([]);
}

test.describe('buildReport', () => {
  test('all checks passed → ready, authorization stage first, unselected sets SKIPPED', () => {
    const r = buildReport(input(allPass()));
    expectValid(r);
    expect(r.verdict).toEqual({
      status: 'PASSED',
      ready: true,
      headline: { zh: '可以全网发布：是 — 全部 5 项检测通过', en: 'Ready for 全网发布: yes — all 5 checks passed' },
    });
    expect(r.stages.map((s) => s.slug)).toEqual(['authorization', ...PERMISSION_SETS.map((s) => s.slug)]);
    expect(stage(r, 'authorization')).toMatchObject({ status: 'PASSED', selected: true, checks: ['auth.a', 'auth.b'] });
    expect(stage(r, 'development')).toMatchObject({ status: 'PASSED', selected: true, baiduDetected: true });
    expect(stage(r, 'customer-service')).toMatchObject({ status: 'SKIPPED', selected: false, reason: NOT_SELECTED_REASON });
    expect(check(r, 'cs.baidu')).toMatchObject({ status: 'SKIPPED', reason: NOT_SELECTED_REASON });
    expect(r.permissionSets.selected).toEqual(['development']);
  });

  test('the real registry: every registered check passing is ready', () => {
    // Select only the sets that have checks registered so far; a selected set without checks cannot pass.
    const sets = PERMISSION_SETS.map((s) => s.slug).filter((slug) => CHECKS.some((c) => c.permissionSet === slug));
    const tests = CHECKS.filter((c) => c.permissionSet === 'authorization' || sets.includes(c.permissionSet)).map((c) => rec(c.id));
    const r = buildReport(input(tests, { permissionSets: sets }, CHECKS));
    expectValid(r);
    expect(r.verdict.ready).toBe(true);
    expect(r.checks.filter((c) => c.status === 'PASSED')).toHaveLength(tests.length);
  });

  test('one baidu check FAILED → not ready, reason from the error without ANSI', () => {
    const tests = allPass();
    tests[2] = rec('dev.baidu', 'unexpected', {
      errors: ['\u001b[31mError: upload answered errno 40001\u001b[39m\n\nExpected: 0\nReceived: 40001\n    at /x/y.ts:1:1'],
      att: { reason: 'package rejected', evidence: [{ label: 'response', data: { errno: 40001 } }] },
    });
    const r = buildReport(input(tests));
    expectValid(r);
    expect(r.verdict.status).toBe('FAILED');
    expect(r.verdict.ready).toBe(false);
    expect(r.verdict.headline).toEqual({ zh: '可以全网发布：否 — 1 项检测未通过', en: 'Ready for 全网发布: no — 1 check failed' });
    expect(check(r, 'dev.baidu')).toMatchObject({
      status: 'FAILED',
      reason: 'upload answered errno 40001\nExpected: 0\nReceived: 40001\npackage rejected',
      evidence: [{ label: 'response', data: { errno: 40001 } }],
    });
    expect(stage(r, 'development').status).toBe('FAILED');
    expect(stage(r, 'authorization').status).toBe('PASSED');
  });

  test('a failed expect with a message of its own: the reason is that message, without the matcher\'s lines', () => {
    const tests = allPass();
    tests[0] = rec('auth.a', 'unexpected', {
      errors: ['\u001b[31mError: the TP never called /rest/2.0/oauth/token within 5000 ms\u001b[39m\n\nexpect(\u001b[31mreceived\u001b[39m).toBeTruthy()\n\nReceived: \u001b[31mundefined\u001b[39m\n    at /x/y.ts:1:1'],
    });
    tests[1] = rec('auth.b', 'unexpected', { errors: ['Error: expect(received).toBe(expected)\n\nExpected: 0\nReceived: 1'] });
    const r = buildReport(input(tests));
    expect(check(r, 'auth.a').reason).toBe('the TP never called /rest/2.0/oauth/token within 5000 ms');
    // A bare matcher failure has nothing else to say: its lines stay.
    expect(check(r, 'auth.b').reason).toBe('expect(received).toBe(expected)\nExpected: 0\nReceived: 1');
  });

  test('extended or probe FAILED → stage WARNING and still ready; strict makes it FAILED', () => {
    const tests = allPass();
    tests[3] = rec('dev.ext', 'unexpected', { errors: ['Error: slow'] });
    tests[4] = rec('dev.probe', 'unexpected', { errors: ['Error: probe'] });
    const r = buildReport(input(tests));
    expectValid(r);
    expect(check(r, 'dev.ext').status).toBe('FAILED'); // the check keeps what the suite reported
    expect(stage(r, 'development').status).toBe('WARNING');
    expect(r.verdict).toMatchObject({ status: 'WARNING', ready: true });
    expect(r.verdict.headline.en).toBe('Ready for 全网发布: yes — 2 warnings');

    const strict = buildReport(input(tests, { strict: true }));
    expectValid(strict);
    expect(stage(strict, 'development').status).toBe('FAILED');
    expect(strict.verdict).toMatchObject({ status: 'FAILED', ready: false });
    expect(strict.verdict.headline.zh).toBe('可以全网发布：否 — 2 项检测未通过');
  });

  test('missing results → SKIPPED "not run", and a selected stage with nothing run fails the verdict', () => {
    const r = buildReport(input([rec('auth.a')]));
    expectValid(r);
    expect(check(r, 'auth.b')).toMatchObject({ status: 'SKIPPED', reason: NOT_RUN_REASON, evidence: [], reproduce: [] });
    // The stage whose one check ran and passed: what ran passed, and the checks left out are named as not run.
    expect(stage(r, 'authorization')).toMatchObject({ status: 'PASSED', reason: 'not run / 未运行: auth.b' });
    expect(stage(r, 'development')).toMatchObject({ status: 'SKIPPED', reason: 'no check ran / 没有检测运行' });
    expect(r.verdict).toMatchObject({ status: 'FAILED', ready: false });
    // Filtered with -g: not ready, but whether what ran passed is said.
    expect(r.verdict.headline.en).toBe('Ready for 全网发布: no — 4 checks not run, the 1 check that ran passed');
    expect(r.verdict.headline.zh).toBe('可以全网发布：否 — 4 项检测未运行，运行的 1 项全部通过');
    // A probe switched off is skipped with its reason: said as skipped (it only warns), not as "not run".
    const probesOff = allPass();
    probesOff[4] = rec('dev.probe', 'skipped', { annotations: [{ type: 'check', description: 'dev.probe' }, { type: 'skip', description: 'the probes are off (PREFLIGHT_PROBES=0)' }] });
    const off = buildReport(input(probesOff));
    expect(off.verdict.headline.en).toBe('Ready for 全网发布: yes — 1 check skipped');
    // Skipped for a reason of its own, it found nothing wrong: the stage is as its other checks make it, and says why.
    expect(off.verdict.status).toBe('PASSED');
    expect(stage(off, 'development')).toMatchObject({ status: 'PASSED', reason: 'SKIPPED (probe; --strict holds the verdict on it): dev.probe' });
    const offStrict = buildReport(input(probesOff, { strict: true }));
    expect(stage(offStrict, 'development')?.status, '--strict: every check must pass').toBe('SKIPPED');
    expect(offStrict.verdict.ready).toBe(false);
    // A Baidu check skipped because an earlier one failed could not run; that is not the same as left out.
    const heldUp = allPass();
    heldUp[0] = rec('auth.a', 'unexpected', { errors: ['Error: x'] });
    heldUp[1] = rec('auth.b', 'skipped', { annotations: [{ type: 'check', description: 'auth.b' }, { type: 'skip', description: 'needs auth.a (see auth.a)' }] });
    const held = buildReport(input(heldUp));
    expect(held.verdict.headline).toEqual({ zh: '可以全网发布：否 — 1 项检测未通过，1 项检测无法运行', en: 'Ready for 全网发布: no — 1 check failed, 1 check could not run' });
    // Which ones: marked in the JSON (valid against the schema), and named as such by the stage.
    expectValid(held);
    expect(check(held, 'auth.b').couldNotRun).toBe(true);
    expect(check(held, 'auth.a').couldNotRun).toBeUndefined();
    expect(check(r, 'auth.b').couldNotRun, 'left out of the run is not held up').toBeUndefined();
    expect(stage(held, 'authorization').reason).toBe('FAILED: auth.a; could not run / 无法运行: auth.b');
    // A check that failed only because of another failed one it names ("see …"): one cause does not read as two.
    const chained = allPass();
    chained[0] = rec('auth.a', 'unexpected', { errors: ['Error: the TP never exchanged the code'] });
    chained[2] = rec('dev.baidu', 'unexpected', { errors: ['Error: the TP never uploaded: it holds no token (see auth.a)'] });
    expect(buildReport(input(chained)).verdict.headline).toEqual({
      zh: '可以全网发布：否 — 2 项检测未通过（其中 1 项因 auth.a 未通过）', en: 'Ready for 全网发布: no — 2 checks failed (1 of them because auth.a failed)' });
    // Naming a check that did not fail (or itself) is no such chain.
    chained[0] = rec('auth.a');
    chained[1] = rec('auth.b', 'unexpected', { errors: ['Error: x (see auth.b)'] });
    expect(buildReport(input(chained)).verdict.headline.en).toBe('Ready for 全网发布: no — 2 checks failed');
    // A set whose Baidu check was held up and whose own checks stood aside: not "no check ran", which reads as not applicable.
    const setHeld = allPass();
    setHeld[0] = rec('auth.a', 'unexpected', { errors: ['Error: x'] });
    for (const i of [2, 3, 4]) setHeld[i] = rec(setHeld[i]!.title.replace(/^check /, ''), 'skipped', { annotations: [{ type: 'check', description: setHeld[i]!.title.replace(/^check /, '') }, { type: 'skip', description: 'needs an authorizer token (see auth.a)' }] });
    const devHeld = buildReport(input(setHeld));
    expect(stage(devHeld, 'development')).toMatchObject({ status: 'SKIPPED', reason: 'could not run / 无法运行: dev.baidu' });
    expect(check(devHeld, 'dev.ext').couldNotRun, 'ours skip for reasons of their own').toBeUndefined();
    // Only Baidu's checks ran (--grep @baidu): the extended and probe checks left out hold the verdict too.
    const baiduOnly = buildReport(input(allPass().filter((t) => !['dev.ext', 'dev.probe'].includes(t.title.replace(/^check /, '')))));
    expect(check(baiduOnly, 'dev.ext')).toMatchObject({ status: 'SKIPPED', reason: NOT_RUN_REASON });
    expect(baiduOnly.verdict.ready).toBe(false);
    const failedToo = buildReport(input([rec('auth.a', 'unexpected', { errors: ['Error: x'] })]));
    expect(failedToo.verdict.headline.en).toBe('Ready for 全网发布: no — 1 check failed, 4 checks not run');
  });

  test('a selected set with no registered check cannot be ready', () => {
    const r = buildReport(input(allPass(), { permissionSets: ['development', 'payment'] }));
    expect(stage(r, 'payment')).toMatchObject({ status: 'SKIPPED', selected: true, checks: [] });
    expect(r.verdict.ready).toBe(false);
    expect(r.verdict.headline.en).toContain('1 permission set without checks');
  });

  test('a selected set Baidu does not detect, with no check here either, does not hold the verdict and says so', () => {
    // 推广权限: outside Baidu's detection (reference §7.1.4) and without a check of this tool; 支付服务权限 is Baidu's.
    const r = buildReport(input(allPass(), { permissionSets: ['development', 'promotion'] }));
    expect(stage(r, 'promotion')).toMatchObject({ status: 'SKIPPED', selected: true, baiduDetected: false, reason: NOTHING_TO_CHECK_REASON, checks: [] });
    expect(r.verdict).toMatchObject({ ready: true, status: 'PASSED' });
    expect(r.verdict.headline.en).toBe('Ready for 全网发布: yes — all 5 checks passed, 1 selected permission set Baidu does not detect (nothing checked here either)');
    expect(r.verdict.headline.zh).toBe('可以全网发布：是 — 全部 5 项检测通过，1 个所选权限集百度不检测（此处也无检测项）');
    // Beside a Baidu-detected set without checks, that one still holds it.
    const both = buildReport(input(allPass(), { permissionSets: ['development', 'payment', 'promotion'] }));
    expect(both.verdict.ready).toBe(false);
    expect(both.verdict.headline.en).toBe('Ready for 全网发布: no — 1 permission set without checks, 1 selected permission set Baidu does not detect (nothing checked here either)');
    expectValid(r);
  });

  test('skip reason, flaky, WAITING and attachment-declared status', () => {
    const tests = allPass();
    tests[0] = rec('auth.a', 'skipped', { annotations: [{ type: 'check', description: 'auth.a' }, { type: 'skip', description: 'needs a phone' }] });
    tests[1] = rec('auth.b', 'flaky');
    tests[2] = rec('dev.baidu', 'expected', { att: { status: 'WAITING', reason: 'scan the QR code' } });
    const r = buildReport(input(tests));
    expectValid(r);
    expect(check(r, 'auth.a')).toMatchObject({ status: 'SKIPPED', reason: 'needs a phone' });
    expect(check(r, 'auth.b')).toMatchObject({ status: 'WARNING', reason: 'passed only on retry' });
    expect(check(r, 'dev.baidu')).toMatchObject({ status: 'WAITING', reason: 'scan the QR code' });
    expect(stage(r, 'development').status).toBe('WAITING');
    expect(r.verdict).toMatchObject({ status: 'FAILED', ready: false }); // authorization SKIPPED counts as FAILED

    const waiting = buildReport(input([...allPass().slice(0, 2), tests[2]!, ...allPass().slice(3)]));
    expect(waiting.verdict).toMatchObject({ status: 'WAITING', ready: false });
    expect(waiting.verdict.headline.zh).toBe('可以全网发布：否 — 1 项检测等待操作');
  });

  test('a waiting Baidu check fails its test on purpose (fixtures/index.ts): WAITING with its own reason; another error still FAILED', () => {
    const tests = allPass();
    tests[2] = rec('dev.baidu', 'unexpected', { errors: ['Error: WAITING: upload a package in your console'], att: { status: 'WAITING', reason: 'upload a package in your console' } });
    const r = buildReport(input(tests));
    expect(check(r, 'dev.baidu')).toMatchObject({ status: 'WAITING', reason: 'upload a package in your console' });
    expect(r.verdict).toMatchObject({ status: 'WAITING', ready: false });
    tests[2] = rec('dev.baidu', 'unexpected', { errors: ['Error: WAITING: upload a package', 'Error: the evidence could not be read'], att: { status: 'WAITING', reason: 'upload a package' } });
    expect(check(buildReport(input(tests)), 'dev.baidu')).toMatchObject({ status: 'FAILED', reason: expect.stringContaining('the evidence could not be read') });
  });

  test('harness steps are listed, do not count as checks, and a failed one fails the run', () => {
    const ok = buildReport(input([...allPass(), rec(undefined)]));
    expect(ok.steps).toEqual([{ title: 'a harness step', project: 'detection', file: 'suites/x.spec.ts', status: 'PASSED', durationMs: 12, error: '' }]);
    expect(ok.verdict.ready).toBe(true);

    const bad = buildReport(input([...allPass(), rec(undefined, 'unexpected', { errors: ['Error: emulator did not start'] })]));
    expectValid(bad);
    expect(bad.steps[0]).toMatchObject({ status: 'FAILED', error: 'Error: emulator did not start' });
    expect(bad.verdict).toMatchObject({ status: 'FAILED', ready: false });
    expect(bad.verdict.headline.en).toBe('Ready for 全网发布: no — 1 harness step failed');

    const unknown = buildReport(input([...allPass(), rec('nope.unknown')]));
    expect(unknown.steps[0]!.error).toContain('unknown check id "nope.unknown"');
    expect(unknown.verdict.ready).toBe(false);
  });

  test('a run stopped by a signal or the global timeout is not ready, and the headline says so first', () => {
    const interrupted = buildReport({ ...input(allPass()), stopped: 'interrupted' });
    expectValid(interrupted);
    expect(interrupted.verdict).toMatchObject({ status: 'FAILED', ready: false });
    expect(interrupted.verdict.headline.en).toBe('Ready for 全网发布: no — the run was interrupted');
    expect(interrupted.verdict.headline.zh).toBe('可以全网发布：否 — 运行被中断');
    const timedOut = buildReport({ ...input(allPass().slice(0, 2)), stopped: 'timedout' });
    expect(timedOut.verdict.headline.en).toBe('Ready for 全网发布: no — the run timed out, 3 checks not run');
    // A Baidu check the stop cut short was not held up by a failure: not run, not "could not run".
    const cut = allPass().slice(0, 2);
    cut[1] = { ...rec('auth.b', 'skipped'), resultStatus: 'interrupted' };
    const stopped = buildReport({ ...input(cut), stopped: 'interrupted' });
    expectValid(stopped);
    expect(check(stopped, 'auth.b')).toMatchObject({ status: 'SKIPPED', reason: 'interrupted before it finished / 运行被中断' });
    expect(check(stopped, 'auth.b').couldNotRun).toBeUndefined();
    expect(stopped.verdict.headline.en).toBe('Ready for 全网发布: no — the run was interrupted, 4 checks not run');
  });

  test('an unreadable check-result cannot back a pass', () => {
    const tests = allPass();
    tests[0] = { ...rec('auth.a'), attachments: [{ name: 'check-result', contentType: 'application/json', body: '{not json' }] };
    const r = buildReport(input(tests));
    expect(check(r, 'auth.a').status).toBe('FAILED');
    expect(check(r, 'auth.a').reason).toContain('not JSON');
  });

  test('default reproduce command comes first and is shell- and regex-safe', () => {
    const tests = allPass();
    tests[0] = { ...rec('auth.a', 'expected', { att: { reproduce: ['curl http://127.0.0.1/x'] } }), title: 'ack (ticket) "success"' };
    const r = buildReport(input(tests));
    expect(check(r, 'auth.a').reproduce).toEqual([
      `PREFLIGHT_SEED=${SEED} PREFLIGHT_PERMISSION_SETS=development npx preflight run --project=detection -g "ack \\(ticket\\) \\"success\\""`,
      'curl http://127.0.0.1/x',
    ]);
    const dflt = buildReport(input(allPass(), { permissionSets: ['development', 'customer-service', 'payment'] }));
    expect(check(dflt, 'auth.b').reproduce[0]).toBe(`PREFLIGHT_SEED=${SEED} npx preflight run --project=detection -g "check auth\\.b"`);
    // A reviewer elsewhere has the seed but not the run's .env: every option that changes what a check sees and is
    // not its default travels in the command (a partial grant, a short budget, no probes…); defaults do not.
    const parsed = parseConfig({ PREFLIGHT_SEED: SEED, PREFLIGHT_PERMISSION_SETS: '开发管理权限,payment', PREFLIGHT_GRANT: 'payment', PREFLIGHT_PROBES: '0',
      PREFLIGHT_PUSH_BUDGET_MS: '500', PREFLIGHT_AUDIT_QUOTA: '0', PREFLIGHT_WAIT_S: '20', TP_TEST_APP_IDS: '123,456', TP_MESSAGE_TOKEN: 'NotInTheCommand1' });
    const opts = buildReport(input(allPass(), parsed));
    expect(check(opts, 'auth.b').reproduce[0]).toBe(`PREFLIGHT_SEED=${SEED} PREFLIGHT_PERMISSION_SETS=development,payment PREFLIGHT_PROBES=0 PREFLIGHT_GRANT=payment `
      + 'TP_TEST_APP_IDS=123,456 PREFLIGHT_PUSH_BUDGET_MS=500 PREFLIGHT_AUDIT_QUOTA=0 npx preflight run --project=detection -g "check auth\\.b"');
    // The whole run, with the same options: in the JSON and the HTML's run details.
    expect(opts.reproduce).toBe(`PREFLIGHT_SEED=${SEED} PREFLIGHT_PERMISSION_SETS=development,payment PREFLIGHT_PROBES=0 PREFLIGHT_GRANT=payment `
      + 'TP_TEST_APP_IDS=123,456 PREFLIGHT_PUSH_BUDGET_MS=500 PREFLIGHT_AUDIT_QUOTA=0 npx preflight run');
    expect(renderHtml(opts, new Map())).toContain(`复现整个运行 / Reproduce the run`);
    expect(dflt.reproduce).toBe(`PREFLIGHT_SEED=${SEED} npx preflight run`);
    expect(reproduceEnv(parseConfig({ PREFLIGHT_SEED: SEED }))).toEqual([]); // the seeded 授权测试名单 is a default too
    // A mutant answered as the TP: the command must start it again, and the report names it.
    const mutant = parseConfig({ PREFLIGHT_SEED: SEED, PREFLIGHT_REFERENCE_ENTRY: 'test/mutants/first-ticket.ts' });
    const mutantReport = buildReport(input(allPass(), mutant));
    expect(check(mutantReport, 'auth.a').reproduce[0]).toMatch(/^PREFLIGHT_SEED=\S+ PREFLIGHT_REFERENCE_ENTRY=test\/mutants\/first-ticket\.ts npx preflight run /);
    expect(mutantReport.referenceEntry).toBe('test/mutants/first-ticket.ts');
    expectValid(mutantReport);
    expect(() => parseConfig({ PREFLIGHT_REFERENCE_ENTRY: 'test/mutants/none.ts' })).toThrow(/^PREFLIGHT_REFERENCE_ENTRY: "test\/mutants\/none\.ts" does not exist$/);
  });

  test('the schema rejects a report that breaks the shape', () => {
    const r = buildReport(input(allPass())) as unknown as Record<string, unknown>;
    expect(validateReport({ ...r, verdict: { status: 'SKIPPED', ready: true, headline: { zh: '', en: '' } } }).length).toBeGreaterThan(0);
    expect(validateReport({ ...r, extra: 1 }).length).toBeGreaterThan(0);
  });
});

test.describe('redaction', () => {
  const TOKEN = '45.0123456789abcdef0123456789abcdef.3600.1700000000.abc-123';
  const TICKET = 'deadbeefdeadbeefdeadbeefdeadbeef';
  const redact = createRedactor(['SuperSecretMsgToken', 'abc']);

  test('literal secrets, token shapes and 32-hex tickets in strings', () => {
    expect(redact(`token=${TOKEN}`)).toBe('token=[REDACTED:token]');
    expect(redact('GET /x?ticket=opaque&client_id=1')).toBe('GET /x?ticket=[REDACTED]&client_id=1');
    expect(redact(`got ${TOKEN} and ${TICKET}; key SuperSecretMsgToken`)).toBe('got [REDACTED:token] and [REDACTED:hex32]; key [REDACTED]');
    // Too short to replace literally without shredding text.
    expect(redact('abc def')).toBe('abc def');
    // Not a standalone 32-hex run.
    expect(redact(`x${TICKET}0`)).toBe(`x${TICKET}0`);
    // A reproduce command's shell variable is a name, not a value: it stays, so the command stays usable.
    expect(redact('curl "${BAIDU:-http://127.0.0.1:4010}/x?access_token=$AUTHORIZER_ACCESS_TOKEN&ticket=$TICKET"'))
      .toBe('curl "${BAIDU:-http://127.0.0.1:4010}/x?access_token=$AUTHORIZER_ACCESS_TOKEN&ticket=$TICKET"');
    expect(redact('/x?access_token=$lowercase')).toBe('/x?access_token=[REDACTED]');
    // An image URL upload/image issued is no secret: a reproduce command sending it must stay runnable.
    const image = 'https://b.bdstatic.com/searchbox/mappconsole/image/0f3a9c2e-51d7-4b8e-a6f0-93c1d2e4b5a6.png';
    expect(redact(`--data-urlencode "id_card_front_url=${image}"`)).toBe(`--data-urlencode "id_card_front_url=${image}"`);
  });

  test('secret-named keys, URL queries and serialized JSON', () => {
    const out = redact({
      access_token: 'opaque',
      refreshToken: 'opaque2',
      Ticket: 'x',
      EncodingAESKey: 'k',
      code: 'authcode123',
      errno: 0,
      nested: [{ authorizer_access_token: 'y', pre_auth_code: '[sha256:1234]', code: 40002, ticket: '«ticket:1a2b3c4d»' }],
      url: 'https://openapi.baidu.com/rest/2.0/oauth/token?grant_type=app_to_tp_authorization_code&code=AbCd&access_token=zzz',
      body: '{"access_token":"tok","expires_in":3600,"refresh_token":"[fp:1]"}',
      [TICKET]: { seq: 1 },
      // An OAuth error name under `code` is what went wrong, not a credential.
      oauthError: { envelope: 'R', code: 'invalid_grant', text: '{"code":"invalid_grant"}' },
    });
    expect(out).toEqual({
      access_token: '[REDACTED]',
      refreshToken: '[REDACTED]',
      Ticket: '[REDACTED]',
      EncodingAESKey: '[REDACTED]',
      code: '[REDACTED]',
      errno: 0,
      nested: [{ authorizer_access_token: '[REDACTED]', pre_auth_code: '[sha256:1234]', code: 40002, ticket: '«ticket:1a2b3c4d»' }],
      url: 'https://openapi.baidu.com/rest/2.0/oauth/token?grant_type=app_to_tp_authorization_code&code=[REDACTED]&access_token=[REDACTED]',
      body: '{"access_token":"[REDACTED]","expires_in":3600,"refresh_token":"[fp:1]"}',
      '[REDACTED:hex32]': { seq: 1 },
      oauthError: { envelope: 'R', code: 'invalid_grant', text: '{"code":"invalid_grant"}' },
    });
  });

  test('whole reports and rendered HTML', () => {
    const tests = allPass();
    tests[0] = rec('auth.a', 'unexpected', {
      errors: [`Error: expected ${TOKEN}`],
      att: { evidence: [{ label: 'push', data: { Ticket: TICKET, note: 'SuperSecretMsgToken' } }] },
    });
    const report = redact(buildReport(input(tests))) as Report;
    expectValid(report);
    const html = redact(renderHtml(report, new Map())) as string;
    for (const text of [JSON.stringify(report), html]) {
      for (const secret of [TOKEN, TICKET, 'SuperSecretMsgToken']) expect(text).not.toContain(secret);
    }
    expect(html).toContain('<details class="check" id="check-auth.a" data-status="FAILED" open>');
  });
});

test.describe('renderJunit', () => {
  // Python's XML parser: an independent check that the file is well-formed, and a reader of what CI systems read.
  function parseJunit(text: string): { totals: Record<string, string>; cases: { suite: string; name: string; kind: string; type: string; props: Record<string, string> }[] } {
    const script = `
import json, sys, xml.etree.ElementTree as E
root = E.fromstring(sys.stdin.read())
cases = []
for s in root.findall('testsuite'):
    for c in s.findall('testcase'):
        el = next((x for x in c if x.tag in ('failure', 'error', 'skipped')), None)
        props = {p.get('name'): p.get('value') for p in c.findall('properties/property')}
        cases.append({'suite': s.get('id'), 'name': c.get('name'), 'kind': el.tag if el is not None else 'pass', 'type': (el.get('type') or '') if el is not None else '', 'props': props})
print(json.dumps({'totals': dict(root.attrib), 'cases': cases}))`;
    return JSON.parse(execFileSync('python3', ['-c', script], { input: text, encoding: 'utf8' }));
  }

  test('a selected set with nothing to check: a skipped testcase (Baidu does not detect it), an error when Baidu would', () => {
    const r = buildReport(input(allPass(), { permissionSets: ['development', 'payment', 'promotion'] }));
    const { cases } = parseJunit(renderJunit(r));
    expect(cases.find((c) => c.suite === 'promotion')).toMatchObject({ kind: 'skipped', name: 'promotion: nothing to check / 无检测项' });
    expect(cases.find((c) => c.suite === 'payment')).toMatchObject({ kind: 'error', type: 'no-checks' });
  });

  test('one testcase per check, a <failure> exactly where the verdict is held back, warnings as passes with their reason', () => {
    const tests = allPass();
    tests[1] = rec('auth.b', 'unexpected', { errors: ['Error: ticket push answered "ok" <not> "success" & more'] });
    tests[2] = rec('dev.baidu', 'expected', { att: { status: 'WAITING', reason: 'upload a package in your console' } });
    tests[3] = rec('dev.ext', 'unexpected', { errors: ['Error: slow'] });
    tests[4] = rec('dev.probe', 'expected', { att: { status: 'WARNING', reason: 'refreshed twice\nonce too often' } });
    const r = buildReport({ ...input([...tests, rec(undefined, 'unexpected', { errors: ['Error: the TP did not start'] })]), stopped: 'interrupted' });
    const { totals, cases } = parseJunit(renderJunit(r, 'interrupted'));
    const byName = (prefix: string) => cases.find((c) => c.name.startsWith(prefix))!;
    expect(byName('auth.a:')).toMatchObject({ suite: 'authorization', kind: 'pass' });
    expect(byName('auth.b:')).toMatchObject({ kind: 'failure', type: 'FAILED' });
    expect(byName('dev.baidu:')).toMatchObject({ suite: 'development', kind: 'failure', type: 'WAITING' });
    // The failure says what passes the check too (a CI page may show nothing else), escaped.
    expect(renderJunit(r, 'interrupted')).toContain('upload a package in your console\n\n要求：上传&lt;代码包&gt;\nexpected: upload a &lt;package&gt;');
    // An extended check's failure only warns without --strict: a pass that says so.
    expect(byName('dev.ext:')).toMatchObject({ kind: 'pass', props: { status: 'FAILED (an extended check: a warning unless --strict)', reason: 'slow' } });
    // Line breaks survive an attribute (escaped; a parser would fold raw ones into spaces).
    expect(byName('dev.probe:')).toMatchObject({ kind: 'pass', props: { status: 'WARNING', reason: 'refreshed twice\nonce too often' } });
    expect(cases.filter((c) => c.suite === 'harness').map((c) => [c.kind, c.type])).toEqual([['error', 'harness'], ['error', 'interrupted']]);
    expect(totals).toMatchObject({ tests: String(cases.length), failures: '2', errors: '2', skipped: String(cases.filter((c) => c.kind === 'skipped').length) });

    // A probe that failed (say, an error in it) is said as a probe's failure, in JUnit and in its stage's reason.
    const probeFailed = allPass();
    probeFailed[4] = rec('dev.probe', 'unexpected', { errors: ['Error: boom'] });
    const pr = buildReport(input(probeFailed));
    expect(parseJunit(renderJunit(pr)).cases.find((c) => c.name.startsWith('dev.probe:'))).toMatchObject({ kind: 'pass', props: { status: 'FAILED (a probe: a warning unless --strict)' } });
    expect(stage(pr, 'development').reason).toBe('FAILED, only a warning (probe; --strict fails it): dev.probe');

    const strict = parseJunit(renderJunit(buildReport(input(tests, { strict: true }))));
    expect(strict.cases.find((c) => c.name.startsWith('dev.ext:'))).toMatchObject({ kind: 'failure', type: 'FAILED' });
    expect(strict.totals.failures).toBe('3');
    // Unselected sets' checks are skipped with the reason.
    const unselected = parseJunit(renderJunit(buildReport(input(allPass().slice(0, 2), { permissionSets: ['payment'] }))));
    expect(unselected.cases.find((c) => c.name.startsWith('dev.baidu:'))).toMatchObject({ kind: 'skipped' });
    // A selected set without any check cannot pass (the model's rule), and junit.xml says so instead of an empty suite.
    const empty = parseJunit(renderJunit(buildReport(input(allPass(), { permissionSets: ['development', 'payment'] }))));
    expect(empty.cases.filter((c) => c.suite === 'payment')).toEqual([expect.objectContaining({ kind: 'error', type: 'no-checks' })]);
    expect(empty.totals.errors).toBe('1');
  });
});

test.describe('renderHtml', () => {
  test('in a browser: "only checks that did not pass" hides the passed checks and unselected sets; a copy button copies', async () => {
    const tests = allPass();
    tests[1] = rec('auth.b', 'unexpected', { errors: ['Error: ticket push answered "ok"'] });
    const html = renderHtml(buildReport(input(tests)), new Map());
    const browser = await chromium.launch({ executablePath: chromiumExecutable(undefined, { headless: true }), args: CHROMIUM_ARGS });
    try {
      const page = await browser.newPage();
      await page.setContent(html);
      const passed = page.locator('#check-auth\\.a');
      const failed = page.locator('#check-auth\\.b');
      const unselected = page.locator('#stage-customer-service');
      await expect(passed).toBeVisible();
      await expect(unselected).toBeVisible();
      await page.getByLabel('只看未通过的检测 / only checks that did not pass').check();
      await expect(passed).toBeHidden();
      await expect(unselected).toBeHidden();
      await expect(failed).toBeVisible();
      // A set whose checks all passed goes, and so does a heading with nothing left under it.
      await expect(page.locator('#stage-development')).toBeHidden();
      await expect(page.locator('#stage-authorization h3.kind')).toBeVisible();
      await page.getByLabel('只看未通过的检测 / only checks that did not pass').uncheck();
      await expect(passed).toBeVisible();
      // The failed check is open; its reproduce command's button says it copied.
      const copy = failed.locator('button.copy').first();
      await copy.click();
      await expect(copy).toHaveText('已复制 / Copied');
      // On a phone the page is no wider than the screen, a long unbroken word in a reason included: wide tables
      // scroll inside it.
      const long = allPass();
      long[1] = rec('auth.b', 'unexpected', { errors: [`Error: ${'PREFLIGHT_EXCHANGE_BUDGET_MS_'.repeat(8)} https://smartprogram.baidu.com/docs/third/publication/`] });
      await page.setViewportSize({ width: 390, height: 800 });
      await page.setContent(renderHtml(buildReport(input(long)), new Map()));
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      // The whole run's command has its copy button too.
      await expect(page.locator('footer').getByRole('button', { name: '复制 / Copy' })).toHaveCount(1);
    } finally {
      await browser.close();
    }
  });

  test('in a browser: a check links to the timeline rows its evidence cites; the link opens the closed timeline there', async () => {
    const tests = allPass();
    tests[1] = rec('auth.b', 'unexpected', { errors: ['Error: ticket push answered "ok" after tp/token call #1'], att: { evidence: [{ label: 'ticket pushes', data: [{ seq: 2, event: 'ticket' }] }] } });
    const timeline = [
      { seq: 1, atMs: 0, kind: 'call' as const, what: 'GET /public/2.0/smartapp/auth/tp/token', ok: true, result: 'HTTP 200, errno 0' },
      { seq: 2, atMs: 12, kind: 'push' as const, what: 'ticket → 授权事件接收URL', ok: false, result: 'bad-body: HTTP 200 in 1 ms, body "<ok>"' },
      { seq: 3, atMs: 20, kind: 'call' as const, what: 'GET /rest/2.0/smartapp/app/info', ok: true, result: 'HTTP 200, errno 0' },
    ];
    const report = buildReport({ ...input(tests), timeline });
    expectValid(report);
    const html = renderHtml(report, new Map());
    expect(html, 'TP output is escaped in the timeline too').toContain('body &quot;&lt;ok&gt;&quot;');
    const browser = await chromium.launch({ executablePath: chromiumExecutable(undefined, { headless: true }), args: CHROMIUM_ARGS });
    try {
      const page = await browser.newPage();
      await page.setContent(html);
      const row = page.locator('#seq-2');
      await expect(page.locator('#timeline')).not.toHaveAttribute('open');
      await expect(row).toBeHidden();
      await page.locator('#check-auth\\.b').getByRole('link', { name: '#2' }).click();
      await expect(row).toBeVisible();
      await expect(row).toContainText('bad-body');
      // And back: the row links to the check that cites it, and so does the row its reason names (#1).
      await expect(row.getByRole('link', { name: 'auth.b' })).toHaveAttribute('href', '#check-auth.b');
      await expect(page.locator('#seq-1').getByRole('link', { name: 'auth.b' })).toHaveCount(1);
      await expect(page.locator('#seq-3 div.cited'), 'a row nothing cites links to no check').toHaveCount(0);
      // Only what did not succeed: the acknowledged call goes, the refused push stays.
      await page.getByLabel('只看未成功的 / only what did not succeed').check();
      await expect(page.locator('#seq-1')).toBeHidden();
      await expect(row).toBeVisible();
      // A link to what a filter hides switches the filter off rather than do nothing. The reason's "#1" is a link too.
      await page.locator('#check-auth\\.b').getByRole('link', { name: '#1', exact: true }).click();
      await expect(page.locator('#seq-1')).toBeVisible();
      await expect(page.getByLabel('只看未成功的 / only what did not succeed')).not.toBeChecked();
      await page.getByLabel('只看未通过的检测 / only checks that did not pass').check();
      await expect(page.locator('#check-auth\\.a')).toBeHidden();
      await page.evaluate(() => { location.hash = '#check-auth.a'; });
      await expect(page.locator('#check-auth\\.a')).toBeVisible();
      await expect(page.getByLabel('只看未通过的检测 / only checks that did not pass')).not.toBeChecked();
    } finally {
      await browser.close();
    }
    // No timeline (a run whose servers never started): no section, no links.
    const without = renderHtml(buildReport(input(tests)), new Map());
    expect(without).not.toContain('id="timeline"');
    expect(without).not.toContain('href="#seq-');
  });

  test('a rerun of some checks (-g) is headed as a partial run, not FAILED beside "the check that ran passed"; what it left out says "not run"', () => {
    const html = renderHtml(buildReport(input([rec('auth.a')])), new Map());
    const banner = html.slice(html.indexOf('<header class="banner'), html.indexOf('</header>'));
    expect(banner).toContain('<span class="status">部分运行 / PARTIAL RUN</span>');
    expect(banner).toContain('the 1 check that ran passed');
    // A rerun of a check that still fails is headed FAILED.
    const stillFailing = renderHtml(buildReport(input([rec('auth.a', 'unexpected', { errors: ['Error: x'] })])), new Map());
    expect(stillFailing.slice(stillFailing.indexOf('<header class="banner'), stillFailing.indexOf('</header>'))).toContain('<span class="status">未通过 / FAILED</span>');
    expect(html.slice(html.indexOf('id="check-auth.b"'))).toMatch(/^[^\n]*\n<summary><span class="badge s-SKIPPED">跳过 \/ SKIPPED<\/span> <span class="badge s-SKIPPED">未运行 \/ not run<\/span>/);
  });

  test('verdict first, escaped evidence, images inline, bilingual labels', () => {
    const tests = allPass();
    tests[2] = rec('dev.baidu', 'unexpected', {
      errors: ['Error: <script>alert(1)</script>'],
      att: { evidence: [{ label: 'body', data: { html: '<b>x</b>' } }] },
      attachments: [
        { name: 'check-result', contentType: 'application/json', body: JSON.stringify({ checkId: 'dev.baidu', evidence: [{ label: 'body', data: { html: '<b>x</b>' } }], reproduce: [] }) },
        { name: 'screenshot', contentType: 'image/png', path: 'shots/a.png' },
        // Playwright's prompt for an AI assistant about the failure: not evidence, left out.
        { name: 'error-context', contentType: 'text/markdown', path: 'artifacts/error-context.md' },
      ],
    });
    const report = buildReport(input(tests));
    expect(report.checks.find((c) => c.id === 'dev.baidu')!.attachments.map((a) => a.name)).toEqual(['screenshot']);
    const html = renderHtml(report, new Map([['shots/a.png', 'data:image/png;base64,AAAA']]));
    // What needs a reader opens by itself; a pass stays closed.
    const warned = renderHtml(buildReport(input([...allPass().slice(0, 3), rec('dev.ext', 'expected', { att: { status: 'WARNING', reason: 'slow' } }), ...allPass().slice(4)])), new Map());
    expect(warned).toContain('<details class="check" id="check-dev.ext" data-status="WARNING" open>');
    expect(warned).toContain('<details class="check" id="check-auth.a" data-status="PASSED">');
    expect(html.indexOf('class="banner not-ready"')).toBeGreaterThan(-1);
    expect(html.indexOf('class="banner')).toBeLessThan(html.indexOf('class="stages"'));
    expect(html.indexOf('class="stages"')).toBeLessThan(html.indexOf('id="stage-authorization"'));
    expect(html.indexOf('id="stage-authorization"')).toBeLessThan(html.indexOf('运行 ID / Run id'));
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&quot;&lt;b&gt;x&lt;/b&gt;&quot;');
    expect(html).toContain('<img alt="screenshot" src="data:image/png;base64,AAAA">');
    for (const label of ['权限集 / Permission set', '证据 / Evidence', '复现命令 / Reproduce', '可以全网发布：否', 'Ready for 全网发布: no']) {
      expect(html).toContain(label);
    }
    expect(html).not.toMatch(/<(link|script)[^>]+(src|href)=["']https?:/); // no external assets
    // The failed set's reason names its failed check by title and links to it (the JSON keeps bare ids).
    const devRow = html.slice(html.indexOf('href="#stage-development"'), html.indexOf('</tr>', html.indexOf('href="#stage-development"')));
    expect(devRow).toMatch(/<ul class="not-passed"><li><span class="badge[^"]*">[^<]*FAILED<\/span> <a href="#check-dev\.baidu">/);
    expect(devRow).not.toContain('dev.ext'); // passed checks are not listed
    expect(html).toContain('<details class="check" id="check-dev.baidu" data-status="FAILED" open>');
    // What passes the check, escaped, in both languages; a check whose registry says nothing gets no row.
    expect(html).toContain('<dt>要求 / Expected</dt><dd>上传&lt;代码包&gt;<br><span class="en">upload a &lt;package&gt;</span></dd>');
    expect(html.match(/要求 \/ Expected/g)).toHaveLength(1);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// The reporter inside a real Playwright run

const REPORTER = join(ROOT, 'harness/report/reporter.ts');
const CLI = join(ROOT, 'node_modules/@playwright/test/cli.js');
const MESSAGE_TOKEN = 'PreflightMsgToken2025';
const AES_KEY = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456';
const FAKE_TOKEN = '45.0123456789abcdef0123456789abcdef.3600.1700000000.abc-123';
const TICKET = 'feedfacefeedfacefeedfacefeedface';
// 1×1 transparent PNG.
const PNG_BASE64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';

interface InlineRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  jsonText: string;
  htmlText: string;
  report: Report;
}

async function inlineRun(testInfo: TestInfo, files: Record<string, string>, extraEnv: Record<string, string> = {}): Promise<InlineRun> {
  // Under /work/main/test-results, so '@playwright/test' and the harness resolve from the repo's node_modules.
  const dir = testInfo.outputPath('inline');
  const outputDir = join(dir, 'reports');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'playwright.config.ts'),
    `import { defineConfig } from '@playwright/test';
export default defineConfig({
  testDir: '.',
  outputDir: ${JSON.stringify(join(dir, 'pw-out'))},
  workers: 1,
  retries: 0,
  reporter: [[${JSON.stringify(REPORTER)}, { outputDir: ${JSON.stringify(outputDir)}, checks: ${JSON.stringify(REGISTRY)} }]],
});
`,
  );
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);

  // A clean environment: nothing of the outer Playwright run (worker indices, reporters, loaders) leaks in.
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(PW_|PLAYWRIGHT_|TEST_|PREFLIGHT_|TP_|BAIDU_|NODE_OPTIONS$|FORCE_COLOR$|CI$)/.test(k)) continue;
    env[k] = v;
  }
  Object.assign(env, {
    PREFLIGHT_SEED: 'inline7',
    PREFLIGHT_PERMISSION_SETS: 'development',
    TP_MESSAGE_TOKEN: MESSAGE_TOKEN,
    TP_ENCODING_AES_KEY: AES_KEY,
    FORCE_COLOR: '0',
    ...extraEnv,
  });

  const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((res) => {
    execFile(process.execPath, [CLI, 'test', '-c', dir], { cwd: dir, env, timeout: 90_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      const c = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : -1) : 0;
      res({ code: c, stdout, stderr });
    });
  });
  const jsonPath = join(outputDir, 'preflight-report.json');
  const htmlPath = join(outputDir, 'preflight-report.html');
  if (!existsSync(jsonPath)) throw new Error(`no report written (exit ${code})\nstdout:\n${stdout}\nstderr:\n${stderr}`);
  const jsonText = readFileSync(jsonPath, 'utf8');
  return { exitCode: code, stdout, stderr, jsonText, htmlText: readFileSync(htmlPath, 'utf8'), report: JSON.parse(jsonText) as Report };
}

/** A spec with one test per check id; `body` is extra test code, `evidence` goes into check-result. */
function checkSpec(tests: { id: string; title?: string; body?: string; evidence?: string; reason?: string }[]): string {
  return `import { test, expect } from '@playwright/test';
${tests
  .map(
    (t) => `test(${JSON.stringify(t.title ?? `check ${t.id}`)}, { annotation: { type: 'check', description: ${JSON.stringify(t.id)} } }, async ({}, testInfo) => {
  await testInfo.attach('check-result', { contentType: 'application/json', body: JSON.stringify({
    checkId: ${JSON.stringify(t.id)}, ${t.reason ? `reason: ${JSON.stringify(t.reason)}, ` : ''}evidence: ${t.evidence ?? '[]'}, reproduce: ['echo ${t.id}'] }) });
  ${t.body ?? ''}
});`,
  )
  .join('\n')}
`;
}

const PASSING = ['auth.a', 'auth.b', 'dev.baidu', 'dev.ext', 'dev.probe'].map((id) => ({ id }));

test.describe('DetectionReporter in a Playwright run', () => {
  test.describe.configure({ mode: 'parallel' });

  test('passing checks → exit 0, ready, JSON and HTML written, summary printed', async ({}, testInfo) => {
    const run = await inlineRun(testInfo, {
      'checks.spec.ts': checkSpec(PASSING),
      'steps.spec.ts': `import { test } from '@playwright/test';\ntest('emulator starts', async () => {});\n`,
    });
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(validateReport(run.report)).toEqual([]);
    expect(run.report.verdict).toMatchObject({ status: 'PASSED', ready: true });
    expect(run.report.seed).toBe('inline7');
    expect(run.report.permissionSets.selected).toEqual(['development']);
    expect(run.report.versions.playwright).toMatch(/^\d+\.\d+/);
    expect(run.report.steps).toEqual([expect.objectContaining({ title: 'emulator starts', status: 'PASSED', file: 'steps.spec.ts' })]);
    expect(run.report.checks.find((c) => c.id === 'auth.a')!.reproduce).toEqual([
      'PREFLIGHT_SEED=inline7 PREFLIGHT_PERMISSION_SETS=development npx preflight run -g "check auth\\.a"',
      'echo auth.a',
    ]);
    expect(run.htmlText).toContain('class="banner ready"');
    expect(run.stdout).toContain('可以全网发布：是');
    expect(run.stdout).toContain('Ready for 全网发布: yes');
    expect(run.stdout).toMatch(/通过 \/ PASSED\s+授权流程 \/ Authorization chain/);
  });

  test('a run compares itself with the previous run of the same setup: what got worse and better, on the console, in the JSON and the HTML', async ({}, testInfo) => {
    const runs = testInfo.outputPath('runs');
    const write = (name: string, report: Report) => {
      mkdirSync(join(runs, name), { recursive: true });
      writeFileSync(join(runs, name, 'preflight-report.json'), JSON.stringify(report));
    };
    // The baseline: auth.b passed and dev.ext failed. A newer run set up differently (strict) is no baseline, and a
    // folder named after the current run (a run started later) is not "previous".
    const baseline = allPass();
    baseline[3] = rec('dev.ext', 'unexpected', { errors: ['Error: no quota read'] });
    write('20260101T000000-aaaaaaaa', buildReport({ ...input(baseline, { seed: 'inline7' }), runId: 'base-run' }));
    write('20260101T000001-bbbbbbbb', buildReport({ ...input(allPass(), { seed: 'inline7', strict: true }), runId: 'strict-run' }));
    write('20260101T000003-dddddddd', buildReport({ ...input(allPass(), { seed: 'inline7' }), runId: 'later-run' }));
    mkdirSync(join(runs, '20260101T000002-cccccccc'), { recursive: true });
    const run = await inlineRun(testInfo, {
      'checks.spec.ts': checkSpec([...PASSING.filter((t) => t.id !== 'auth.b'), { id: 'auth.b', body: `throw new Error('ticket push answered "fail"');` }]),
    }, { PREFLIGHT_RUN_DIR: join(runs, '20260101T000002-cccccccc'), PREFLIGHT_RUN_ID: 'this-run' });
    expect(run.exitCode, run.stdout + run.stderr).toBe(1);
    expect(validateReport(run.report)).toEqual([]);
    expect(run.report.sincePrevious).toEqual({
      // dev.ext is an extended check: its failure only warned, so the baseline was ready.
      runId: 'base-run', startedAt: '2025-01-01T00:00:00.000Z', ready: true,
      changes: [
        { id: 'auth.b', title: expect.any(Object), from: 'PASSED', to: 'FAILED', regression: true, reason: expect.stringContaining('ticket push answered "fail"') },
        { id: 'dev.ext', title: expect.any(Object), from: 'FAILED', to: 'PASSED', regression: false, reason: '' },
      ],
    });
    expect(run.stdout).toContain('与运行 base-run 相比：1 项变差，1 项变好 / Since run base-run: 1 worse, 1 better — 可以全网发布 / ready: 是 / yes → 否 / no\n');
    expect(run.stdout).toMatch(/\n  ✗ auth\.b  通过 \/ PASSED → 未通过 \/ FAILED  .* — .*ticket push answered "fail"/);
    expect(run.stdout).toMatch(/\n  ✓ dev\.ext  未通过 \/ FAILED → 通过 \/ PASSED  /);
    expect(run.htmlText).toContain('id="since-previous"');
    expect(run.htmlText).toMatch(/<li class="worse">✗ <a href="#check-auth\.b">/);

    // Nothing changed since a run of the same setup: the console says nothing more, the HTML says so.
    const quiet = testInfo.outputPath('quiet-runs');
    mkdirSync(join(quiet, '20260101T000000-aaaaaaaa'), { recursive: true });
    writeFileSync(join(quiet, '20260101T000000-aaaaaaaa', 'preflight-report.json'), JSON.stringify(buildReport({ ...input(allPass(), { seed: 'inline7' }), runId: 'base-run' })));
    const again = await inlineRun(testInfo, { 'checks.spec.ts': checkSpec(PASSING) }, { PREFLIGHT_RUN_DIR: join(quiet, '20260101T000001-bbbbbbbb'), PREFLIGHT_RUN_ID: 'this-run-2' });
    expect(again.report.sincePrevious).toMatchObject({ runId: 'base-run', ready: true, changes: [] });
    expect(again.stdout).not.toContain('Since run');
    expect(again.htmlText).toContain('没有检测结果变化 / no check changed');
  });

  test('a failing check → exit 1, check FAILED with the error message as reason', async ({}, testInfo) => {
    const run = await inlineRun(testInfo, {
      'checks.spec.ts': checkSpec([
        ...PASSING.filter((t) => t.id !== 'auth.b' && t.id !== 'dev.probe'),
        { id: 'auth.b', body: `throw new Error('ticket push answered "fail" instead of "success"');`, reason: 'TP answered wrongly' },
        { id: 'dev.probe', body: `test.skip(true, 'needs a phone');` },
      ]),
    });
    expect(run.exitCode, run.stdout + run.stderr).toBe(1);
    expect(run.report.verdict).toMatchObject({ status: 'FAILED', ready: false });
    const c = run.report.checks.find((x) => x.id === 'auth.b')!;
    expect(c.status).toBe('FAILED');
    expect(c.reason).toContain('ticket push answered "fail" instead of "success"');
    expect(c.reason).toContain('TP answered wrongly');
    expect(c.reason).not.toMatch(/\u001b\[/);
    expect(run.htmlText).toContain('class="banner not-ready"');
    expect(run.htmlText).toContain('<details class="check" id="check-auth.b" data-status="FAILED" open>');
    // The console names the failed check, its reason and the command that re-runs it — a CI log is often all one reads.
    expect(run.stdout).toMatch(/\n +✗ auth\.b +.+\n +.*ticket push answered "fail" instead of "success".*\n +PREFLIGHT_SEED=inline7 .*-g "check auth\\.b"\n/);
    expect(run.stdout).toMatch(/\n +- dev\.probe .*\n +needs a phone\n/); // a skip shows its reason, no command
    // test.skip(cond, reason) inside the test: the reason comes from the runtime 'skip' annotation.
    expect(run.report.checks.find((x) => x.id === 'dev.probe')).toMatchObject({ status: 'SKIPPED', reason: 'needs a phone' });
  });

  test('an extended check failing still exits 0: the reporter, not Playwright, decides', async ({}, testInfo) => {
    const run = await inlineRun(testInfo, {
      'checks.spec.ts': checkSpec([
        ...PASSING.filter((t) => t.id !== 'dev.ext'),
        { id: 'dev.ext', body: `expect(1, 'answers within 1 s').toBe(2);` },
      ]),
    });
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(run.report.verdict).toMatchObject({ status: 'WARNING', ready: true });
    expect(run.report.checks.find((x) => x.id === 'dev.ext')!.status).toBe('FAILED');
  });

  test('secrets in evidence, reasons and errors never reach the JSON or HTML; screenshots are embedded', async ({}, testInfo) => {
    const evidence = JSON.stringify([
      { label: 'push', data: { Token: MESSAGE_TOKEN, aes: AES_KEY, body: `ticket=${TICKET}`, raw: FAKE_TOKEN, note: `msg token is ${MESSAGE_TOKEN}` } },
      { label: 'token pair', data: { access_token: FAKE_TOKEN, refresh_token: FAKE_TOKEN, ticket: TICKET } },
    ]);
    const run = await inlineRun(testInfo, {
      'checks.spec.ts': checkSpec([
        ...PASSING.filter((t) => t.id !== 'auth.a' && t.id !== 'dev.baidu'),
        {
          id: 'auth.a',
          evidence,
          reason: `saw ${TICKET}`,
          body: `const p = testInfo.outputPath('shot.png');
  (await import('node:fs')).writeFileSync(p, Buffer.from(${JSON.stringify(PNG_BASE64)}, 'base64'));
  await testInfo.attach('screenshot', { contentType: 'image/png', path: p });`,
        },
        { id: 'dev.baidu', evidence, body: `throw new Error('token ${FAKE_TOKEN} rejected for ${MESSAGE_TOKEN}');` },
      ]),
    });
    expect(run.exitCode).toBe(1);
    for (const [name, text] of [['json', run.jsonText], ['html', run.htmlText]] as const) {
      for (const secret of [MESSAGE_TOKEN, AES_KEY, FAKE_TOKEN, TICKET]) {
        expect(text.includes(secret), `${secret} in ${name}`).toBe(false);
      }
    }
    const a = run.report.checks.find((x) => x.id === 'auth.a')!;
    expect(a.evidence[0]!.data).toMatchObject({ Token: '[REDACTED]', aes: '[REDACTED]', body: 'ticket=[REDACTED:hex32]', raw: '[REDACTED:token]' });
    expect(a.reason).toBe('saw [REDACTED:hex32]');
    expect(run.report.checks.find((x) => x.id === 'dev.baidu')!.reason).toContain('[REDACTED:token]');
    expect(a.attachments).toEqual([expect.objectContaining({ name: 'screenshot', contentType: 'image/png' })]);
    expect(run.htmlText).toContain(`src="data:image/png;base64,${PNG_BASE64}"`);
  });

  test('a failing harness step fails the run even when every check passed', async ({}, testInfo) => {
    const run = await inlineRun(testInfo, {
      'checks.spec.ts': checkSpec(PASSING),
      'steps.spec.ts': `import { test } from '@playwright/test';\ntest('emulator starts', async () => { throw new Error('port in use'); });\n`,
    });
    expect(run.exitCode).toBe(1);
    expect(run.report.verdict.ready).toBe(false);
    expect(run.report.steps[0]).toMatchObject({ title: 'emulator starts', status: 'FAILED' });
    expect(run.report.steps[0]!.error).toContain('port in use');
  });

  // Playwright hands the reporter no tests both when a filter matches nothing (the last report stays) and when the
  // run could not start or was stopped before any test: those are reported, so the last report is never read as theirs.
  test('no tests: a filter that matched nothing keeps the last report; a failed start or an early stop writes one', async ({}, testInfo) => {
    const cases = [
      { name: 'no-match', status: 'failed', errors: ['Error: No tests found'], written: false },
      { name: 'setup-failed', status: 'failed', errors: ['Error: the emulator cannot listen on 127.0.0.1:4010: the port is in use'], written: true },
      { name: 'stopped', status: 'interrupted', errors: [], written: true },
    ] as const;
    for (const c of cases) {
      const outputDir = testInfo.outputPath(c.name);
      const reporter = new DetectionReporter({ outputDir, checks: REGISTRY });
      reporter.onBegin({ version: 'test', configFile: undefined } as unknown as FullConfig, { allTests: () => [] } as unknown as Suite);
      for (const e of c.errors) reporter.onError({ message: e } as TestError);
      const { status } = await reporter.onEnd({ status: c.status } as FullResult);
      expect.soft(existsSync(join(outputDir, 'preflight-report.json')), `${c.name}: report written`).toBe(c.written);
      if (!c.written) continue;
      expect.soft(status, c.name).toBe('failed');
      const report = JSON.parse(readFileSync(join(outputDir, 'preflight-report.json'), 'utf8')) as Report;
      expect.soft(report.verdict.ready, c.name).toBe(false);
      if (c.name === 'setup-failed') expect.soft(report.steps.map((x) => x.error)).toEqual([expect.stringContaining('the port is in use')]);
      if (c.name === 'stopped') expect.soft(report.verdict.headline.en, c.name).toMatch(/interrupted/);
    }
  });
});

test('provenance: the harness commit (marked when the tree was changed) and a digest of the module that answered as the TP', () => {
  expect(harnessCommit()).toMatch(/^[0-9a-f]{12}( \(modified\))?$/);
  // A copy inside another repository names no commit (that repository's would be other code); outside any, none.
  const outer = mkdtempSync(join(tmpdir(), 'preflight-outer-'));
  execFileSync('git', ['init', '-q', outer]);
  execFileSync('git', ['-C', outer, '-c', 'user.email=t@t', '-c', 'user.name=t', 'commit', '-q', '--allow-empty', '-m', 'outer']);
  mkdirSync(join(outer, 'harness-copy'));
  expect(harnessCommit(outer)).toMatch(/^[0-9a-f]{12}$/);
  expect(harnessCommit(join(outer, 'harness-copy'))).toBeUndefined();
  expect(harnessCommit(mkdtempSync(join(tmpdir(), 'preflight-nogit-')))).toBeUndefined();
  // A stopped run says so in the JSON too (compare tells it from a filtered one).
  expect(buildReport({ ...input(allPass().slice(0, 2)), stopped: 'interrupted' }).stopped).toBe('interrupted');
  const dir = mkdtempSync(join(tmpdir(), 'preflight-digest-'));
  writeFileSync(join(dir, 'a.ts'), 'export {};\n');
  writeFileSync(join(dir, 'b.ts'), 'export {}; // other code, same name elsewhere\n');
  expect(fileDigest(join(dir, 'a.ts'))).toMatch(/^sha256:[0-9a-f]{12}$/);
  expect(fileDigest(join(dir, 'a.ts'))).not.toBe(fileDigest(join(dir, 'b.ts')));
  expect(fileDigest(join(dir, 'missing.ts'))).toBeUndefined();
  // Shown in the HTML's run details.
  const html = renderHtml(buildReport({ ...input(allPass()), versions: { harness: '0.1.0', commit: 'abcdef012345 (modified)', node: 'v20', playwright: '1.65.1' } }), new Map());
  expect(html).toContain('harness 0.1.0 (commit abcdef012345 (modified))');
});
