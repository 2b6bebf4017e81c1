// Issue 4: "The mutants of the earlier issues are found in external mode too." Each mutant TP is started by hand,
// like a team's own TP, configured only through the documented variables; the harness reaches it only through its
// URLs (PREFLIGHT_PLATFORM=external) and must catch it exactly as in the embedded run.
import { fileURLToPath } from 'node:url';
import { test, expect, type TestInfo } from '@playwright/test';
import { parseConfig } from '../harness/config.ts';
import { launchTp } from '../harness/platform/launch.ts';
import { checkStatuses, runDetection, freePort, type DetectionRun } from './helpers/runDetection.ts';

const CREDENTIALS = {
  TP_CLIENT_ID: 'ExtMutantClientIdQ1w2E3r4T5y6U7i8',
  TP_APP_ID: '4410021',
  TP_MESSAGE_TOKEN: 'ExtMutantToken5Tg6Yh7Uj8Ik9Ol0Pz',
  TP_ENCODING_AES_KEY: 'ExtMutantAesKeyA1s2D3f4G5h6J7k8L9z0X1c2V3b4',
};

/**
 * Starts `entry` by hand, before Baidu (the emulator) is up, exactly as a team starts its own TP, then runs the
 * detection against it through its URLs only. `urls` may change the variables the run is given (a team's mistakes).
 */
async function runExternal(testInfo: TestInfo, o: { entry?: string; env: Record<string, string>; urls?: (u: Record<string, string>) => Record<string, string> }): Promise<DetectionRun> {
  const emulatorPort = await freePort();
  const env = { ...CREDENTIALS, ...o.env };
  const entry = fileURLToPath(new URL(o.entry ?? '../harness/platform/reference/main.ts', import.meta.url));
  const tp = await launchTp(entry, parseConfig(env), `http://127.0.0.1:${emulatorPort}`);
  try {
    const urls = { TP_AUTH_EVENT_URL: tp.urls.authEvent, TP_MESSAGE_EVENT_URL: tp.urls.messageEvent, TP_AUTH_START_URL: tp.urls.authStart, TP_HOOK_URL: tp.urls.hook! };
    const run = await runDetection({
      outDir: testInfo.outputPath('run'),
      env: { ...env, PREFLIGHT_PLATFORM: 'external', PREFLIGHT_EMULATOR_PORT: String(emulatorPort), ...(o.urls ? o.urls(urls) : urls) },
    });
    expect(run.report, run.stderr.slice(-2000)).not.toBeNull();
    return run;
  } finally {
    await tp.stop();
  }
}

const CASES = [
  { mutant: 'ticket-ack-ok', check: 'auth.ticket-ack', status: 'FAILED', sets: 'customer-service' },
  { mutant: 'no-exchange', check: 'auth.code-exchanged', status: 'FAILED', sets: 'customer-service' },
  { mutant: 'echo-json', check: 'cs.echostr-handshake', status: 'FAILED', sets: 'customer-service' },
  { mutant: 'upload-never-submits', check: 'dev.submit-audit', status: 'FAILED', sets: 'development' },
];

test.describe.configure({ mode: 'parallel' });

for (const c of CASES) {
  test(`external mode catches ${c.mutant} (${c.check} ${c.status})`, async ({}, testInfo) => {
    test.setTimeout(180_000);
    const run = await runExternal(testInfo, { entry: `./mutants/${c.mutant}.ts`, env: { PREFLIGHT_PERMISSION_SETS: c.sets } });
    const statuses = checkStatuses(run.report!);
    const target = run.report!.checks.find((x) => x.id === c.check)!;
    expect(statuses[c.check], target.reason).toBe(c.status);
    expect(target.reason).not.toBe('');
    expect(run.report!.platform).toBe('external');
    expect(run.exitCode).toBe(1);
  });
}

// A team's TP without a hook (TP_HOOK_URL unset): nobody asks it to act, so the development checks wait for a person,
// the console says how to stop waiting, and the optional actions' checks say there is no hook (not "unsupported").
test('external mode without TP_HOOK_URL: development checks WAITING with a hint, optional actions skipped for want of a hook', async ({}, testInfo) => {
  test.setTimeout(180_000);
  const run = await runExternal(testInfo, {
    env: { PREFLIGHT_PERMISSION_SETS: 'development', PREFLIGHT_WAIT_S: '1', PREFLIGHT_PROBES: '0' },
    urls: ({ TP_HOOK_URL: _hook, ...rest }) => rest,
  });
  expect.soft(checkStatuses(run.report!)['dev.package-upload']).toBe('WAITING');
  expect.soft(run.stdout).toMatch(/^WAITING \(no TP_HOOK_URL is configured\): .*waiting up to 1 s \(PREFLIGHT_WAIT_S: 0 skips the wait; or leave this set out of PREFLIGHT_PERMISSION_SETS\)$/m);
  // A TP that develops in the developer tool (定制开发) is told how to upload into this run's emulator.
  expect.soft(run.stdout).toMatch(/^WAITING \(no TP_HOOK_URL is configured\): .*\(package\/upload\); if your TP develops in the developer tool \(定制开发\), upload with its stand-in: npx preflight ide upload --app (\d+) --emulator http:\/\/127\.0\.0\.1:\d+ — app \1;/m);
  for (const id of ['dev.withdraw-audit', 'dev.rollback']) {
    const c = run.report!.checks.find((x) => x.id === id)!;
    expect.soft(c.status, id).toBe('SKIPPED');
    expect.soft(c.reason, id).toMatch(/^no TP_HOOK_URL is configured, so nobody asked the TP to .* \(optional\)$/);
  }
  expect.soft(run.exitCode).toBe(1);
});

// A team's setup mistakes, each said in words that point at the fix (and quickly: no wait for a navigation that
// cannot come).
interface Mistake {
  name: string;
  urls: (u: Record<string, string>) => Record<string, string>;
  check: string;
  reason: RegExp;
  /** A line the run prints first. */
  stdout?: RegExp;
  probes?: boolean;
  /** Another check the mistake shows in, and how. */
  also?: { check: string; status: string; reason: RegExp };
}

const MISTAKES: Mistake[] = [
  {
    name: 'a 授权发起页 URL that answers 404',
    urls: (u) => ({ ...u, TP_AUTH_START_URL: `${u.TP_AUTH_START_URL}-typo` }),
    check: 'auth.start-page-referer', reason: /^the 授权发起页 http:\/\/127\.0\.0\.1:\d+\/\S+-typo did not lead to Baidu's authorization page: it answered HTTP 404/,
    // The forged-push probe cannot use the 授权发起页 as its trigger then, but the TP refused the forged push itself
    // (HTTP 400): PASSED, no blame on signature checking.
    probes: true,
    also: { check: 'probe.forged-push-ignored', status: 'PASSED', reason: /^$/ },
  },
  {
    name: 'an 授权事件接收URL nobody listens on',
    urls: (u) => ({ ...u, TP_AUTH_EVENT_URL: 'http://127.0.0.1:9/baidu/auth' }),
    check: 'auth.ticket-ack', reason: /ECONNREFUSED.* — is the TP running and listening at that URL\?/,
    stdout: /^注意 \/ note: nothing answers at 127\.0\.0\.1:9 \(TP_AUTH_EVENT_URL\): ECONNREFUSED — is your TP running there\?$/m,
  },
  {
    // No answer says nothing of signature checking: the bad-signature check stands aside rather than pass.
    name: 'a 消息与事件接收URL nobody listens on',
    urls: (u) => ({ ...u, TP_MESSAGE_EVENT_URL: 'http://127.0.0.1:9/baidu/msg' }),
    check: 'cs.echostr-handshake', reason: /did not return the echoStr: .*ECONNREFUSED/,
    also: { check: 'cs.echostr-bad-signature', status: 'SKIPPED', reason: /^needs an answer from the 消息与事件接收URL \(see cs\.echostr-handshake\): http:\/\/127\.0\.0\.1:9\/baidu\/msg .*ECONNREFUSED/ },
  },
];

for (const m of MISTAKES) {
  test(`external mode, ${m.name}: ${m.check} FAILED and says why`, async ({}, testInfo) => {
    test.setTimeout(180_000);
    const run = await runExternal(testInfo, { env: { PREFLIGHT_PERMISSION_SETS: 'customer-service', PREFLIGHT_PROBES: m.probes ? '1' : '0' }, urls: m.urls });
    const target = run.report!.checks.find((x) => x.id === m.check)!;
    expect.soft(target.status, target.reason).toBe('FAILED');
    expect.soft(target.reason).toMatch(m.reason);
    expect.soft(target.reason, 'no matcher text').not.toMatch(/Received:|Expected:/);
    if (m.stdout) expect.soft(run.stdout).toMatch(m.stdout);
    if (m.also) {
      const also = run.report!.checks.find((x) => x.id === m.also!.check)!;
      expect.soft(also.status, m.also.check).toBe(m.also.status);
      expect.soft(also.reason, m.also.check).toMatch(m.also.reason);
    }
    expect.soft(run.exitCode).toBe(1);
  });
}
