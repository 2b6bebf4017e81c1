// The detection end to end: `node bin/preflight.js run` against the reference TP (everything passes, the report is
// valid and leaks no secret) and against mutants of it (test/mutants/), each of which must make exactly the matching
// check FAILED — the proof that a check catches the TP bug it is named after. Plus the CLI's configuration errors.
import { test, expect } from '@playwright/test';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { CHECKS, type CheckStatus } from '../harness/detection/checks.ts';
import { AUTHORIZATION_STAGE } from '../harness/detection/permissionSets.ts';
import { NOT_NEEDED_REASON } from '../harness/detection/selection.ts';
import { AGAINST_BAIDU, NOT_CHECKED, type Report } from '../harness/report/model.ts';
import { citedSeqs } from '../harness/report/html.ts';
import { chromiumExecutable } from '../harness/detection/chromium.ts';
import { reportTexts } from './helpers/reportTexts.ts';
import { loadPushes } from '../harness/detection/runs.ts';
import { decryptMessage } from '../harness/crypto/msgCrypto.ts';
import { DEFAULT_RUN_TESTS, ROOT, checkStatuses, runDetection, type DetectionRun, tail, reportOf } from './helpers/runDetection.ts';

test.describe.configure({ mode: 'parallel' });

const TIMEOUT = 120_000;
// Configured secrets of the default run (32 and 43 alphanumerics, like 消息验证TOKEN and 消息加解密Key).
const MESSAGE_TOKEN = 'E2eMsgTokenQ7w3Z9xK2mP5vR8tY1uN4';
const AES_KEY = 'E2eAesKeyH6j2L8d4F0s7G3k9A1q5W2e8R4t6Y0u3Ix';
// Baidu access/refresh tokens: "42." / "45." / "46." then 32 hex digits then ".".
const TOKEN_PATTERN = /4[256]\.[0-9a-f]{32}\./;

const AUTH_CHECK_IDS = CHECKS.filter((c) => c.permissionSet === AUTHORIZATION_STAGE.slug).map((c) => c.id);

function authorizationChecks(report: Report) {
  return report.checks.filter((c) => c.permissionSet === AUTHORIZATION_STAGE.slug);
}



const decodeEntities = (s: string) =>
  s
    .replace(/&#(\d+);/g, (_, n) => String.fromCodePoint(Number(n)))
    .replace(/&#x([0-9a-f]+);/gi, (_, n) => String.fromCodePoint(parseInt(n, 16)))
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&nbsp;/g, ' ').replace(/&amp;/g, '&');

/** The visible text of an HTML document's body, tags stripped and whitespace collapsed. */
function bodyText(html: string): string {
  const body = /<body[^>]*>([\s\S]*)<\/body>/i.exec(html)?.[1] ?? html;
  return decodeEntities(body.replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ').replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ').trim();
}

// ---------------------------------------------------------------------------------------------------------------
// The reference TP: one full run shared by every assertion about it (a run costs ~20 s of a 2-core machine).

test.describe('default run (reference TP)', () => {
  // Sequential in one worker so the run happens once; 'default' rather than 'serial' so one failed assertion does not
  // skip the others.
  test.describe.configure({ mode: 'default' });

  let run: DetectionRun;
  let reportDir: string;
  let runDir: string;

  test.beforeAll(async ({}, testInfo) => {
    testInfo.setTimeout(TIMEOUT);
    const outDir = testInfo.outputPath('default-run');
    reportDir = join(outDir, 'reports');
    runDir = join(outDir, 'run');
    // What an earlier run left: this run's Allure results must not include it.
    mkdirSync(join(reportDir, 'allure-results'), { recursive: true });
    writeFileSync(join(reportDir, 'allure-results', 'earlier-run-result.json'), '{"name":"an earlier run"}');
    run = await runDetection({ outDir, env: { TP_MESSAGE_TOKEN: MESSAGE_TOKEN, TP_ENCODING_AES_KEY: AES_KEY } });
  });

  test('every authorization-stage check PASSED', async () => {
    test.setTimeout(TIMEOUT);
    const report = reportOf(run);
    const auth = authorizationChecks(report);
    expect(auth.map((c) => c.id).sort(), 'every registered authorization check is in the report').toEqual([...AUTH_CHECK_IDS].sort());
    for (const c of auth) expect.soft(c.status, `${c.id}: ${c.reason}\n${tail(run, 1500)}`).toBe('PASSED');
    expect(report.stages.find((s) => s.slug === AUTHORIZATION_STAGE.slug)?.status, 'authorization stage').toBe('PASSED');
    // Every setup step got its job done: none carries a note of what it did not.
    expect(report.steps.map((s) => [s.title, s.status, s.reason])).toEqual(report.steps.map((s) => [s.title, 'PASSED', undefined]));
  });

  test('the report JSON validates against reports/schema/preflight-report.schema.json', async () => {
    test.setTimeout(TIMEOUT);
    reportOf(run);
    const schema = JSON.parse(readFileSync(join(ROOT, 'reports/schema/preflight-report.schema.json'), 'utf8'));
    expect(schema.$schema).toContain('draft-07');
    const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
    const json = JSON.parse(readFileSync(join(reportDir, 'preflight-report.json'), 'utf8'));
    const ok = validate(json);
    expect(validate.errors ?? [], 'schema errors').toEqual([]);
    expect(ok).toBe(true);
  });

  test('the HTML report exists and starts with the verdict', async () => {
    test.setTimeout(TIMEOUT);
    const report = reportOf(run);
    const file = join(reportDir, 'preflight-report.html');
    expect(existsSync(file), `${file}\n${tail(run)}`).toBe(true);
    const html = readFileSync(file, 'utf8');
    expect(html.trimStart().slice(0, 15).toLowerCase()).toBe('<!doctype html>');
    expect(decodeEntities(/<title>([\s\S]*?)<\/title>/i.exec(html)?.[1] ?? '')).toContain(report.verdict.headline.zh);
    const text = bodyText(html);
    // The first thing a reader sees is the verdict (status badge, then the bilingual headline), before any stage.
    const zh = text.indexOf(report.verdict.headline.zh);
    expect(zh, `verdict headline in the first lines of the page; page starts: ${text.slice(0, 300)}`).toBeGreaterThanOrEqual(0);
    expect(zh, `page starts: ${text.slice(0, 300)}`).toBeLessThan(40);
    expect(text.slice(0, zh)).toContain(report.verdict.status);
    expect(text.indexOf(report.verdict.headline.en)).toBeGreaterThan(zh);
    const firstStage = text.indexOf(report.stages[0]!.name.zh);
    expect(firstStage).toBeGreaterThan(text.indexOf(report.verdict.headline.en));
  });

  test('the report\'s timeline is the run\'s exchange in order, each row linked from the checks whose evidence cites it', async () => {
    test.setTimeout(TIMEOUT);
    const report = reportOf(run);
    const rows = report.timeline ?? [];
    expect(rows.length, 'a timeline').toBeGreaterThan(30);
    expect(rows.map((r) => r.atMs), 'in the order things started').toEqual([...rows.map((r) => r.atMs)].sort((a, b) => a - b));
    expect(new Set(rows.map((r) => r.seq)).size, 'each entry once').toBe(rows.length);
    const find = (pred: (r: (typeof rows)[number]) => boolean, what: string) => {
      const i = rows.findIndex(pred);
      expect(i, `${what}\n${JSON.stringify(rows.slice(0, 20), null, 1)}`).toBeGreaterThanOrEqual(0);
      return i;
    };
    // The chain in Baidu's order: ticket acknowledged → TP token → authorization page → AUTHORIZED → code exchanged.
    const ticket = find((r) => r.kind === 'push' && r.what === 'ticket → 授权事件接收URL' && r.ok && /body "success"/.test(r.result), 'an acknowledged ticket push');
    const tpToken = find((r) => r.kind === 'call' && r.what.endsWith('/public/2.0/smartapp/auth/tp/token') && r.ok && r.zh === '获取第三方平台access_token', 'the TP token call');
    const page = find((r) => r.kind === 'page' && r.what === 'GET /mappconsole/tp/authorization' && r.ok, 'the authorization page');
    const exchange = find((r) => r.kind === 'call' && r.what.endsWith('/rest/2.0/oauth/token?grant_type=app_to_tp_authorization_code') && r.ok, 'the code exchange');
    expect([ticket < tpToken, tpToken < page, page < exchange]).toEqual([true, true, true]);
    // A probe's fault comes before what it causes: the TP's tokens revoked, then Baidu's 110 to a call with one of them.
    const revoke = find((r) => r.kind === 'sidedoor' && r.what === 'POST /__emulator/tp/revoke-tokens' && r.ok, 'the probe revoking the TP token');
    const refused = find((r) => r.kind === 'call' && !r.ok && /^gateway error 110/.test(r.result), 'a call refused with 110');
    expect(revoke).toBeLessThan(refused);
    expect(rows.find((r) => r.kind === 'push' && r.notes?.some((n) => /forged MsgSignature/.test(n))), 'the forged push, marked').toMatchObject({ ok: true });
    // A link never dangles: every entry a check's evidence cites is a row, and the HTML has its anchor and the link.
    const seqs = new Set(rows.map((r) => r.seq));
    const html = readFileSync(join(reportDir, 'preflight-report.html'), 'utf8');
    for (const c of report.checks) {
      const cited = [...citedSeqs(c.evidence.map((e) => e.data))];
      expect.soft(cited.filter((s) => !seqs.has(s)), `${c.id} cites entries the timeline lacks`).toEqual([]);
      for (const s of cited) expect.soft(html, `${c.id} links to #seq-${s}`).toContain(`<a href="#seq-${s}">#${s}</a>`);
    }
    for (const s of seqs) expect.soft(html).toContain(`<tr id="seq-${s}" `);
  });

  test('no configured secret and no token appears in any file under the reports dir', async () => {
    test.setTimeout(TIMEOUT);
    reportOf(run);
    expect(MESSAGE_TOKEN).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(AES_KEY).toMatch(/^[A-Za-z0-9]{43}$/);
    const texts = await reportTexts(reportDir);
    expect(texts.length).toBeGreaterThan(2);
    expect(texts.some((t) => t.name.startsWith('playwright-html/index.html!')), 'the HTML report\'s embedded data is read too').toBe(true);
    for (const { name: rel, text } of texts) {
      expect.soft(text.includes(MESSAGE_TOKEN), `TP_MESSAGE_TOKEN in ${rel}`).toBe(false);
      expect.soft(text.includes(AES_KEY), `TP_ENCODING_AES_KEY in ${rel}`).toBe(false);
      expect.soft(TOKEN_PATTERN.exec(text)?.[0], `an access/refresh token in ${rel}`).toBeUndefined();
    }
  });

  test('nor in the run\'s console output (the CI log) or its run folder (observations, sealed pushes, artifacts)', async () => {
    test.setTimeout(TIMEOUT);
    reportOf(run);
    const texts = [{ name: 'stdout', text: run.stdout }, { name: 'stderr', text: run.stderr }, ...await reportTexts(runDir)];
    expect(texts.some((t) => t.name.endsWith('pushes.json')), 'the sealed pushes are read too').toBe(true);
    for (const { name, text } of texts) {
      expect.soft(text.includes(MESSAGE_TOKEN), `TP_MESSAGE_TOKEN in ${name}`).toBe(false);
      expect.soft(text.includes(AES_KEY), `TP_ENCODING_AES_KEY in ${name}`).toBe(false);
      expect.soft(TOKEN_PATTERN.exec(text)?.[0], `an access/refresh token in ${name}`).toBeUndefined();
    }
  });

  test('Allure results hold this run only, labelled by stage, permission set and check', async () => {
    const dir = join(reportDir, 'allure-results');
    const results = readdirSync(dir).filter((f) => f.endsWith('-result.json')).map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as { name: string; labels: { name: string; value: string }[] });
    expect(results.map((r) => r.name), 'the earlier run\'s file is gone').not.toContain('an earlier run');
    expect(results, `one result per test of this run\n${tail(run)}`).toHaveLength(DEFAULT_RUN_TESTS);
    const labels = (title: string) => {
      const r = results.find((x) => x.name === title);
      expect(r, title).toBeTruthy();
      return Object.fromEntries(r!.labels.filter((l) => ['stage', 'permissionSet', 'check', 'epic'].includes(l.name)).map((l) => [l.name, l.value]));
    };
    expect(labels('package/submitaudit succeeds')).toEqual({ stage: 'detection', permissionSet: 'development', check: 'dev.submit-audit', epic: '开发管理权限 / Development management' });
    expect(labels('authorize a test mini-program by scanning the QR code')).toEqual({ stage: 'setup', permissionSet: 'authorization', epic: '授权流程 / Authorization chain' });
  });

  test('the report names the Chromium that scanned: its version and the executable a headless run picks', async () => {
    const { versions } = reportOf(run);
    expect(versions.browser).toBe(`${versions.browser?.split(' ')[0]} (${chromiumExecutable(undefined, { headless: true }) ?? "Playwright's own"})`);
    expect(versions.browser).toMatch(/^\d+\.\d+\.\d+\.\d+ \(/);
  });

  test('the run folder keeps its own copy of the report (a later -g rerun replaces reports/, not this)', async () => {
    const runDir = join(reportDir, '..', 'run');
    expect(readFileSync(join(runDir, 'preflight-report.json'), 'utf8')).toBe(readFileSync(join(reportDir, 'preflight-report.json'), 'utf8'));
    expect(readFileSync(join(runDir, 'preflight-report.html'), 'utf8')).toBe(readFileSync(join(reportDir, 'preflight-report.html'), 'utf8'));
    // What the run keeps is evidence; the admin's browser state (the TP's session cookies) lived only while it ran.
    expect(JSON.parse(readFileSync(join(runDir, 'authorization.json'), 'utf8')).browserStateSaved, 'the scan saved its browser state').toBe(true);
    expect(existsSync(join(runDir, 'scan-browser-state.json')), 'the scan\'s browser state is gone').toBe(false);
  });

  test('junit.xml is written', async () => {
    test.setTimeout(TIMEOUT);
    const file = join(reportDir, 'junit.xml');
    expect(existsSync(file), `${file}\n${tail(run)}`).toBe(true);
    const junit = readFileSync(file, 'utf8');
    const report = reportOf(run);
    // One testcase per check (and per harness step), nothing failed, every check named.
    expect(junit).toMatch(new RegExp(`<testsuites name="baidu-tp-preflight" tests="${report.checks.length + report.steps.length}" failures="0" errors="0" `));
    for (const c of report.checks) expect(junit).toContain(`name="${c.id}: `);
  });

  // Expected to pass once every default permission set has its suite; until then their checks are SKIPPED
  // ("not run") and the verdict is "not ready" (exit 1). Checks of sets that are not selected stay SKIPPED.
  test('default run is ready for 全网发布', async () => {
    test.setTimeout(TIMEOUT);
    const report = reportOf(run);
    const selected = new Set([AUTHORIZATION_STAGE.slug, ...report.permissionSets.selected]);
    const wrong = report.checks
      .filter((c) => c.status !== (selected.has(c.permissionSet) ? 'PASSED' : 'SKIPPED'))
      .map((c) => `${c.id} (${c.permissionSet}${selected.has(c.permissionSet) ? '' : ', not selected'}): ${c.status} ${c.reason}`);
    expect.soft(wrong, 'every check of the authorization stage and the selected permission sets PASSED').toEqual([]);
    for (const s of report.stages.filter((st) => st.selected)) expect.soft(s.checks.length, `checks of selected stage ${s.slug}`).toBeGreaterThan(0);
    expect.soft(report.verdict.ready, `verdict: ${report.verdict.headline.en}`).toBe(true);
    expect.soft(report.verdict.status).toBe('PASSED');
    expect.soft(run.exitCode, tail(run, 1500)).toBe(0);
  });

  test('a "ready" verdict comes with what 全网发布 also needs that no run can check (真实性认证), on the console and in the HTML', async () => {
    reportOf(run);
    const verdictAt = run.stdout.indexOf('Ready for 全网发布: yes');
    expect(verdictAt).toBeGreaterThan(-1);
    expect(run.stdout.indexOf(NOT_CHECKED.en), 'after the verdict').toBeGreaterThan(verdictAt);
    expect(run.stdout).toContain(NOT_CHECKED.zh);
    const html = bodyText(readFileSync(join(reportDir, 'preflight-report.html'), 'utf8'));
    expect(html.indexOf(NOT_CHECKED.zh), 'right after the stages, before the checks').toBeLessThan(html.indexOf('百度发布检测项'));
    expect(html).toContain(NOT_CHECKED.en);
    // The reference TP was under test, not the team's: no "next, ask Baidu itself" (external.spec.ts has it).
    expect(run.stdout).not.toContain(AGAINST_BAIDU.en);
    expect(html).not.toContain(AGAINST_BAIDU.zh);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Mutants of the reference TP: each breaks one decision, and exactly the matching check must catch it.

interface MutantCase {
  mutant: string;
  check: string;
  status: CheckStatus;
  others: CheckStatus;
  /** What the reason must mention: the cause, in the words a TP developer would search for. */
  cause: RegExp;
  /** Other authorization checks that may (must) be SKIPPED because they depend on the broken one. */
  skipped?: string[];
  /** A row of the report's timeline that must show the fault as not ok: its result. */
  notOk?: RegExp;
}

const MUTANTS: MutantCase[] = [
  { mutant: 'ticket-ack-ok', check: 'auth.ticket-ack', status: 'FAILED', others: 'PASSED', cause: /reply body was "ok", not exactly "success"/, notOk: /^bad-body: HTTP 200 in \d+ ms, body "ok"$/ },
  { mutant: 'first-ticket', check: 'auth.tp-token-newest-ticket', status: 'FAILED', others: 'PASSED', cause: /newest/ },
  { mutant: 'no-exchange', check: 'auth.code-exchanged', status: 'FAILED', others: 'PASSED', cause: /oauth\/token|authorization_code|exchang/, skipped: ['auth.app-info-read'] },
  { mutant: 'authorized-ack-json', check: 'auth.authorized-push-ack', status: 'FAILED', others: 'PASSED', cause: /AUTHORIZED push #\d+ .*not exactly "success"/ },
  { mutant: 'no-app-info', check: 'auth.app-info-read', status: 'FAILED', others: 'PASSED', cause: /app\/info/ },
  { mutant: 'callback-error-page', check: 'auth.callback-received', status: 'FAILED', others: 'PASSED', cause: /answered its redirect_uri with HTTP 500/ },
  {
    mutant: 'no-referrer', check: 'auth.start-page-referer', status: 'FAILED', others: 'PASSED', cause: /^the authorization page request carried no Referer \(Baidu refused it, errno 50006\): a Referrer-Policy of no-referrer/,
    notOk: /^errno 50006 /,
    skipped: ['auth.scan-authorization', 'auth.callback-received', 'auth.code-exchanged', 'auth.authorized-push-ack', 'auth.app-info-read'],
  },
  {
    mutant: 'start-page-other-host', check: 'auth.start-page-referer', status: 'FAILED', others: 'PASSED',
    cause: /^the authorization page was opened from http:\/\/localhost:\d+\/\S*, which is not under the 授权发起页域名 127\.0\.0\.1:\d+ \(Baidu refuses that with 50006\)/,
    skipped: ['auth.scan-authorization', 'auth.callback-received', 'auth.code-exchanged', 'auth.authorized-push-ack', 'auth.app-info-read'],
  },
  {
    mutant: 'redirect-off-domain', check: 'auth.scan-authorization', status: 'FAILED', others: 'PASSED', cause: /errno 40002.*redirect_uri http:\/\/localhost:\d+\/\S+ is not under the 授权发起页域名/,
    skipped: ['auth.callback-received', 'auth.code-exchanged', 'auth.authorized-push-ack', 'auth.app-info-read'],
  },
];

for (const m of MUTANTS) {
  test(`mutant ${m.mutant} → ${m.check} ${m.status}, other authorization checks ${m.others}`, async ({}, testInfo) => {
    test.setTimeout(TIMEOUT);
    // Only the authorization chain (the scan and the authorization checks, no set to exercise, probes off): that is
    // what the mutants break, and it keeps each run short.
    const run = await runDetection({
      mutant: m.mutant, outDir: testInfo.outputPath('run'), args: ['--grep', '@authorization'],
      env: { PREFLIGHT_PERMISSION_SETS: 'customer-service', PREFLIGHT_PROBES: '0' },
    });
    const report = reportOf(run);
    const statuses = checkStatuses(report);
    const target = report.checks.find((c) => c.id === m.check);
    expect(target, `${m.check} is in the report\n${tail(run)}`).toBeDefined();
    expect.soft(target!.status, `${m.check}: ${target!.reason}`).toBe(m.status);
    expect.soft(target!.reason.trim(), `${m.check} has a reason`).not.toBe('');
    expect.soft(target!.reason, `${m.check}'s reason names the cause`).toMatch(m.cause);
    // In words: no matcher's "Expected/Received" that would show the harness's internal labels as what Baidu expects.
    expect.soft(target!.reason, `${m.check}'s reason`).not.toMatch(/Received:.*"(bad-body|connect-error|http-error|ok)"/);
    // Beside the reason (what happened), what passes: in the report in both languages, on the console in Chinese.
    const expects = CHECKS.find((c) => c.id === m.check)!.expects!;
    expect.soft(target!.expects, `${m.check} says what passes it`).toEqual(expects);
    expect.soft(run.stdout).toContain(`        要求：${expects.zh}`);
    // Under the failure Playwright prints the reason, not the harness's source (a code frame: "> 104 |").
    expect.soft(run.stdout, 'no code frame of the harness').not.toMatch(/^\s*> \d+ \|/m);

    const expectedOthers = Object.fromEntries(
      authorizationChecks(report)
        .filter((c) => c.id !== m.check)
        // The probes are off in these runs (PREFLIGHT_PROBES=0): SKIPPED.
        .map((c) => [c.id, c.kind === 'probe' || m.skipped?.includes(c.id) ? 'SKIPPED' : m.others]),
    );
    const actualOthers = Object.fromEntries(Object.keys(expectedOthers).map((id) => [id, statuses[id]]));
    const reasons = authorizationChecks(report).filter((c) => c.status !== 'PASSED').map((c) => `${c.id} ${c.status}: ${c.reason}`).join('\n');
    expect.soft(actualOthers, `other authorization checks\n${reasons}`).toEqual(expectedOthers);
    expect.soft(authorizationChecks(report).map((c) => c.id).sort()).toEqual([...AUTH_CHECK_IDS].sort());
    if (m.notOk) expect.soft(report.timeline?.filter((r) => !r.ok).map((r) => r.result), 'the timeline shows the fault').toContainEqual(expect.stringMatching(m.notOk));
    expect.soft(run.exitCode, tail(run, 1500)).toBe(1);
  });
}

// The trailing identifier of encrypted pushes is undocumented (reference §2.4): with PREFLIGHT_PUSH_IDENTIFIER=tpAppId
// the emulator seals the numeric tpAppId there, and the reference TP, which does not depend on it, still passes.
test('PREFLIGHT_PUSH_IDENTIFIER=tpAppId: pushes carry the tpAppId after the message; the reference TP passes every authorization check', async ({}, testInfo) => {
  test.setTimeout(TIMEOUT);
  const outDir = testInfo.outputPath('run');
  const run = await runDetection({
    outDir, args: ['--grep', '@authorization'],
    env: { PREFLIGHT_PUSH_IDENTIFIER: 'tpAppId', TP_APP_ID: '424242', TP_MESSAGE_TOKEN: MESSAGE_TOKEN, TP_ENCODING_AES_KEY: AES_KEY, PREFLIGHT_PERMISSION_SETS: 'customer-service', PREFLIGHT_PROBES: '0' },
  });
  const report = reportOf(run);
  const auth = authorizationChecks(report).filter((c) => c.kind === 'baidu');
  expect(auth.filter((c) => c.status !== 'PASSED').map((c) => `${c.id}: ${c.status} ${c.reason}`), tail(run)).toEqual([]);
  const pushes = loadPushes(join(outDir, 'run')) ?? [];
  const sealed = pushes.filter((p) => p.target === 'auth');
  expect(sealed.length, 'ticket and AUTHORIZED pushes kept').toBeGreaterThan(1);
  for (const p of sealed) expect(decryptMessage(AES_KEY, p.envelope.Encrypt!).clientId, `push #${p.seq}`).toBe('424242');
});

// Correct TPs whose 授权发起页 leads on differently (test/variants/): by HTTP 302, by script after the page loaded,
// with a link rendered late, or in a new tab.
for (const variant of ['start-page-redirect', 'start-page-script', 'start-page-late-link', 'start-page-new-tab']) {
  test(`variant ${variant}: every authorization check PASSED`, async ({}, testInfo) => {
    test.setTimeout(TIMEOUT);
    const run = await runDetection({
      outDir: testInfo.outputPath('run'), args: ['--grep', '@authorization'],
      env: { PREFLIGHT_PERMISSION_SETS: 'customer-service', PREFLIGHT_PROBES: '0', PREFLIGHT_REFERENCE_ENTRY: join(ROOT, 'test', 'variants', `${variant}.ts`) },
    });
    const report = reportOf(run);
    const auth = authorizationChecks(report).filter((c) => c.kind === 'baidu');
    expect(auth.filter((c) => c.status !== 'PASSED').map((c) => `${c.id}: ${c.status} ${c.reason}`), tail(run)).toEqual([]);
    expect(auth.length).toBeGreaterThan(0);
  });
}

// A rerun of some checks runs only the setup steps they stand on (harness/detection/selection.ts): the probes need
// the scan and the probes' faults, one development check the scan and the development exercise — never the payment
// exercise, which a TP without a hook would make everyone wait through. The runs share one folder for their runs (as
// a reviewer's reruns do): --last-failed finds what failed before, and what a step left in an earlier run folder
// (a fixed PREFLIGHT_RUN_DIR, here) must not mislead a later run.
test('reruns (-g, --last-failed) run only the setup steps their checks stand on, the others SKIPPED as not needed', async ({}, testInfo) => {
  test.setTimeout(TIMEOUT);
  const outDir = testInfo.outputPath('run');
  const stepsOf = (report: Report) => Object.fromEntries(report.steps.map((s) => [s.file, `${s.status}${s.reason ? `: ${s.reason}` : ''}${s.error ? `: ${s.error}` : ''}`]));
  const ranChecks = (report: Report) => report.checks.filter((c) => c.status !== 'SKIPPED').map((c) => `${c.id} ${c.status}`).sort();
  const skipped = `SKIPPED: ${NOT_NEEDED_REASON}`;
  const probeSteps = { 'suites/authorize.setup.ts': 'PASSED', 'suites/development.setup.ts': skipped, 'suites/payment.setup.ts': skipped, 'suites/probes.setup.ts': 'PASSED' };

  // A TP whose callback ignores the code: of the probes, only probe.silent-reauthorization fails (strict: a probe's
  // failure only warns otherwise, and Playwright keeps failures for --last-failed).
  const probes = await runDetection({ outDir, mutant: 'callback-ignores-code', args: ['-g', '@probe', '--strict'] });
  const first = reportOf(probes);
  expect(stepsOf(first), tail(probes)).toEqual(probeSteps);
  expect.soft(ranChecks(first)).toEqual(CHECKS.filter((c) => c.kind === 'probe').map((c) => `${c.id} ${c.id === 'probe.silent-reauthorization' ? 'FAILED' : 'PASSED'}`).sort());
  // The summary lists the failure first, then the probes that passed (the auth.* checks were left out).
  const summary = probes.stdout.slice(probes.stdout.lastIndexOf('授权流程 / Authorization chain'));
  // Each pass on its own line while all fit in the console's 8 lines per set, else counted.
  const passes = CHECKS.filter((c) => c.kind === 'probe').length - 1;
  const leftOut = CHECKS.filter((c) => c.permissionSet === AUTHORIZATION_STAGE.slug && c.kind !== 'probe').length;
  const passLines = 1 + passes <= 8 ? `(\\n +✓ probe\\.[a-z-]+  .*){${passes}}` : `\\n +✓ ${passes} passed / ${passes} 项通过`;
  expect.soft(summary, 'the failure first, then the passes')
    .toMatch(new RegExp(`^授权流程 / Authorization chain\\n +✗ probe\\.silent-reauthorization  [\\s\\S]*?${passLines}\\n +- ${leftOut} not run`));

  const lastFailed = await runDetection({ outDir, mutant: 'callback-ignores-code', args: ['--last-failed', '--strict'] });
  const rerun = reportOf(lastFailed);
  expect(stepsOf(rerun), tail(lastFailed)).toEqual(probeSteps);
  expect.soft(ranChecks(rerun)).toEqual(['probe.silent-reauthorization FAILED']);
  expect.soft(lastFailed.stdout, 'the run names the TP it tests').toMatch(/^被测平台 \/ TP under test: test\/mutants\/callback-ignores-code\.ts \(PREFLIGHT_REFERENCE_ENTRY\)$/m);
  expect.soft(lastFailed.stdout, 'the same settings: no note').not.toContain('--last-failed re-runs');
  // Without the mutant and --strict, --last-failed would test the reference TP: the run says what to set.
  const unlike = await runDetection({ outDir, args: ['--last-failed', '--list'] });
  const note = /^注意 \/ note: --last-failed re-runs the checks that failed last time, but that run was configured differently .* To reproduce it: PREFLIGHT_SEED=\S+ PREFLIGHT_STRICT=1 PREFLIGHT_REFERENCE_ENTRY=test\/mutants\/callback-ignores-code\.ts npm run preflight -- --last-failed$/m;
  expect.soft(unlike.stdout).toMatch(note);
  // Run that way, it stops before anything (a usage error): what failed is still remembered for the command it names.
  const lastRunFile = join(outDir, 'last-run.json'); // beside the run folder (PREFLIGHT_RUN_DIR is outDir/run)
  const remembered = readFileSync(lastRunFile, 'utf8');
  const refused = await runDetection({ outDir, args: ['--last-failed'] });
  expect.soft(refused.exitCode, tail(refused)).toBe(2);
  expect.soft(refused.stderr).toMatch(note);
  expect.soft(refused.stderr).toContain('Nothing was run: the failed checks are still remembered.');
  expect.soft(readFileSync(lastRunFile, 'utf8'), 'last-run.json untouched').toBe(remembered);

  // By the check's id, as the report names it (a tag).
  const dev = await runDetection({ outDir, args: ['-g', 'dev.submit-audit'] });
  const second = reportOf(dev);
  expect(stepsOf(second), tail(dev)).toEqual({
    'suites/authorize.setup.ts': 'PASSED', 'suites/development.setup.ts': 'PASSED', 'suites/payment.setup.ts': skipped, 'suites/probes.setup.ts': skipped,
  });
  // The first run's probes left their start in the folder; judged against it, the upload would look like a probe's.
  expect.soft(ranChecks(second)).toEqual(['dev.submit-audit PASSED']);
  // The HTML and JUnit say why a step did not run.
  const reports = join(outDir, 'reports');
  expect.soft(readFileSync(join(reports, 'preflight-report.html'), 'utf8')).toContain(NOT_NEEDED_REASON.split(' / ')[0]);
  expect.soft(readFileSync(join(reports, 'junit.xml'), 'utf8')).toMatch(/name="the TP onboards the authorized app to payments"[^>]*><skipped message="not needed by the selected checks/);
  expect.soft(second.verdict.ready, 'a filtered run is never ready').toBe(false);
  expect.soft(dev.exitCode, tail(dev, 1500)).toBe(1);

  // By its title: a 客服能力权限 check stands on no setup step at all.
  const cs = await runDetection({ outDir, args: ['-g', 'answers the echoStr handshake'] });
  const third = reportOf(cs);
  expect(stepsOf(third), tail(cs)).toEqual({
    'suites/authorize.setup.ts': skipped, 'suites/development.setup.ts': skipped, 'suites/payment.setup.ts': skipped, 'suites/probes.setup.ts': skipped,
  });
  expect.soft(ranChecks(third)).toEqual(['cs.echostr-handshake PASSED']);
  expect.soft(cs.stdout, 'the list shows the id beside the title').toMatch(/✓ .*@customer-service @baidu @cs\.echostr-handshake/);
  // The summary of a run that left checks out lists what did run, passed or not, beside the count of the others; the
  // set shows what the checks that ran found.
  expect.soft(cs.stdout).toMatch(/^ +通过 \/ PASSED +客服能力权限 \/ Customer-service capability\n +✓ cs\.echostr-handshake  .*\n +- 1 not run/m);
});

// `--list` is how people find a check's title to re-run it: it runs nothing, so the last report stays as it was.
test('a run that cannot start (its emulator port is taken) is reported as such, replacing the last report, and exits 1', async ({}, testInfo) => {
  test.setTimeout(TIMEOUT);
  const holder = createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  const port = (holder.address() as AddressInfo).port;
  try {
    const outDir = testInfo.outputPath('run');
    const reports = join(outDir, 'reports');
    mkdirSync(reports, { recursive: true });
    writeFileSync(join(reports, 'preflight-report.json'), '{"earlier": true}');
    const run = await runDetection({ outDir, env: { PREFLIGHT_EMULATOR_PORT: String(port) } });
    expect.soft(run.exitCode, tail(run)).toBe(1);
    const report = reportOf(run);
    expect.soft(report.verdict.ready).toBe(false);
    expect.soft(report.verdict.headline.en).toMatch(/^Ready for 全网发布: no — \d+ checks not run, 1 harness step failed$/);
    expect.soft(report.steps.map((s) => [s.status, s.error])).toEqual([['FAILED', expect.stringContaining(`the emulator cannot listen on 127.0.0.1:${port}: the port is in use`)]]);
    expect.soft(run.stdout).not.toContain('No test matched');
    expect.soft(readFileSync(join(reports, 'junit.xml'), 'utf8')).toContain('the port is in use');
  } finally {
    holder.close();
  }
});

test('--list lists the checks, exits 0 and leaves the last report and Allure results alone', async ({}, testInfo) => {
  test.setTimeout(TIMEOUT);
  const outDir = testInfo.outputPath('run');
  const reports = join(outDir, 'reports');
  const earlier = ['preflight-report.json', 'preflight-report.html', 'junit.xml', 'playwright-html/index.html', 'allure-results/earlier-result.json'];
  for (const f of earlier) {
    mkdirSync(join(reports, f, '..'), { recursive: true });
    writeFileSync(join(reports, f), `earlier ${f}`);
  }
  const run = await runDetection({ outDir, args: ['--list'] });
  expect.soft(run.stdout).toContain(`Total: ${DEFAULT_RUN_TESTS} tests`);
  // Then the ids -g takes, with their titles: every check the list holds.
  expect.soft(run.stdout).toContain('检测项 / checks — re-run one with -g <id>:');
  expect.soft(run.stdout).toMatch(/^ {2}dev\.submit-audit +提交代码包审核 \/ package\/submitaudit succeeded$/m);
  expect.soft(run.stdout.match(/^ {2}[a-z]+\.[a-z-]+ {2,}/gm)?.length, 'one line per listed check').toBe(DEFAULT_RUN_TESTS - 4);
  for (const f of earlier) expect.soft(existsSync(join(reports, f)) && readFileSync(join(reports, f), 'utf8'), f).toBe(`earlier ${f}`);
  expect.soft(run.exitCode, tail(run)).toBe(0);
  // Nor does a filter that matches nothing (a typo in -g), a usage error that exits 2 (not 1, "not ready"): our report
  // files stay (Playwright's own HTML report and the Allure results start empty, as for any run).
  const none = await runDetection({ outDir, args: ['-g', 'no check has this title'] });
  expect.soft(none.stdout).toContain('No test matched: the last report is left as it was');
  for (const f of earlier.slice(0, 3)) expect.soft(readFileSync(join(reports, f), 'utf8'), f).toBe(`earlier ${f}`);
  expect.soft(none.stdout).toContain('--list shows the checks and their ids');
  expect.soft(none.exitCode, tail(none)).toBe(2);
  // --last-failed after a run in which nothing failed (Playwright's record says so): said plainly, exit 0, nothing run.
  writeFileSync(join(outDir, 'last-run.json'), JSON.stringify({ status: 'passed', failedTests: [] }));
  const clean = await runDetection({ outDir, args: ['--last-failed'] });
  expect.soft(clean.stdout).toContain('Nothing to re-run: no check failed in the last run (a warning passes;');
  expect.soft(clean.stdout).not.toContain('No tests found');
  for (const f of earlier.slice(0, 3)) expect.soft(readFileSync(join(reports, f), 'utf8'), f).toBe(`earlier ${f}`);
  expect.soft(clean.exitCode, tail(clean)).toBe(0);
});

// A TP that dies before it listens: the run goes on to write its report, which names the TP's own words.
test('mutant crash-on-start → setup steps FAILED with the TP\'s stderr, checks not run, report written, exit 1', async ({}, testInfo) => {
  test.setTimeout(TIMEOUT);
  const run = await runDetection({ mutant: 'crash-on-start', outDir: testInfo.outputPath('run'), env: { PREFLIGHT_PERMISSION_SETS: 'customer-service', PREFLIGHT_PROBES: '0' } });
  const report = reportOf(run);
  const failed = report.steps.filter((s) => s.status === 'FAILED');
  expect(failed.map((s) => s.title), tail(run)).toContain('authorize a test mini-program by scanning the QR code');
  for (const s of failed) expect.soft(s.error, s.title).toMatch(/the TP under test did not start: .*exited with code 3 before listening: crash-on-start: cannot read my configuration/);
  expect.soft(report.checks.filter((c) => c.status !== 'SKIPPED').map((c) => c.id), 'no check ran').toEqual([]);
  expect.soft(report.verdict.ready).toBe(false);
  // One cause, said once: first in the headline, and on one console line naming the steps it stopped.
  expect.soft(report.verdict.headline.en).toMatch(/^Ready for 全网发布: no — the TP under test did not start, \d+ checks not run$/);
  expect.soft(run.stdout.match(/cannot read my configuration/g)?.length, 'the TP\'s words once in the summary').toBeGreaterThanOrEqual(1);
  expect.soft(run.stdout).toMatch(/^ {2}框架步骤失败 \/ harness steps failed: the TP under test did not start: .*cannot read my configuration \(authorize a test mini-program by scanning the QR code(; .*)?\)$/m);
  expect.soft(run.stdout).not.toContain('ran out of order');
  expect.soft(run.stdout, 'the cause, not the harness\'s stack, under each failed step').not.toMatch(/emulatorHandle\.ts:\d+|^\s*> \d+ \|/m);
  expect.soft(run.exitCode, tail(run, 1500)).toBe(1);
});

// Stopping a run loses nothing: a CI job's SIGTERM (or Ctrl-C) mid-run still writes the report of what ran, says
// so first, exits 128 + the signal's number, and leaves no process behind (Playwright, workers, Chromium, the TP).
const STOPS = [
  { name: 'SIGTERM to preflight run', signal: 'SIGTERM' },
  { name: 'SIGINT to preflight run', signal: 'SIGINT' },
  // What CI systems do on cancel or timeout: every process of the job gets it, Playwright's runner included.
  { name: 'SIGTERM to the whole process group', signal: 'SIGTERM', group: true },
  // The README's command: npm passes the signal on to its script, which must reach the run (not only a shell).
  { name: 'SIGTERM to npm run preflight', signal: 'SIGTERM', viaNpm: true },
] as const satisfies readonly { name: string; signal: NodeJS.Signals; group?: boolean; viaNpm?: boolean }[];

for (const stop of STOPS) {
  const { signal } = stop;
  test(`${stop.name} mid-run → report written and headed "interrupted", exit ${signal === 'SIGTERM' ? 143 : 130}, nothing left running`, async ({}, testInfo) => {
    test.setTimeout(TIMEOUT);
    const run = await runDetection({
      outDir: testInfo.outputPath('run'), viaNpm: 'viaNpm' in stop,
      stopWhen: { stdout: /✓ +1 \[setup\]/, signal, group: 'group' in stop },
    });
    const report = reportOf(run);
    expect(run.exitCode, tail(run)).toBe(signal === 'SIGTERM' ? 143 : 130);
    expect(report.verdict.ready).toBe(false);
    expect(report.verdict.headline.en).toMatch(/^Ready for 全网发布: no — the run was interrupted, /);
    expect(report.verdict.headline.zh).toMatch(/^可以全网发布：否 — 运行被中断，/);
    expect(report.steps.find((s) => s.title === 'authorize a test mini-program by scanning the QR code')?.status, 'what ran before the signal is kept').toBe('PASSED');
    expect(run.survivors, 'processes of the run still alive after it exited').toEqual([]);
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Bad configuration: exit 2 before anything starts, one line on stderr naming the variable.

const BAD_CONFIG: { variable: string; value: string }[] = [
  // A near-miss of a secret is most of the secret: its line never shows it.
  { variable: 'TP_ENCODING_AES_KEY', value: 'K'.repeat(42) },
  { variable: 'PREFLIGHT_PERMISSION_SETS', value: '不存在权限' },
  { variable: 'PREFLIGHT_KEEP_RUNS', value: '-1' },
  // Well-formed but absent: caught before the run, not as a failed authorization step.
  { variable: 'CHROMIUM_PATH', value: '/nonexistent/chromium' },
];

for (const { variable, value } of BAD_CONFIG) {
  test(`a bad .env value ${variable}=${value} → exit 2 with one line naming ${variable}`, async ({}, testInfo) => {
    test.setTimeout(TIMEOUT);
    const outDir = testInfo.outputPath('run');
    const run = await runDetection({ outDir, env: { [variable]: value }, timeoutMs: 30_000 });
    expect(run.exitCode, tail(run)).toBe(2);
    // Stopped while the config loaded: Playwright never made the run's folder, so no server, TP or browser started.
    expect(existsSync(join(outDir, 'run')), 'no run folder').toBe(false);
    const lines = run.stderr.split('\n').filter((l) => l.trim() !== '');
    expect(lines, 'exactly one line on stderr').toHaveLength(1);
    expect(lines[0]).toContain(variable);
    expect(lines[0]).not.toMatch(/\bat .+:\d+:\d+/); // no stack trace
    if (variable === 'TP_ENCODING_AES_KEY') expect(lines[0]).toContain(`${variable}: invalid value of 42 characters (not shown: a secret)`);
    expect(lines[0], 'the bad value is named only when it is no secret').not.toContain(variable === 'TP_ENCODING_AES_KEY' ? value : '\u0000');
    expect(existsSync(join(outDir, 'reports', 'preflight-report.json')), 'no run, so no report').toBe(false);
  });
}
