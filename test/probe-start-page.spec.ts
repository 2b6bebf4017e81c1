// `preflight probe start-page`: the TP's 授权发起页 followed to Baidu's authorization page, live. Here "Baidu" is the
// emulator (--baidu), the TP is the reference TP or one of its mutants started by hand, and with --scan this test plays
// the admin with the Baidu App: it decodes the QR the probe saved and confirms on a phone.
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { test as base, expect, devices, chromium } from '@playwright/test';
import { CHROMIUM_ARGS, chromiumExecutable } from '../harness/detection/chromium.ts';
import { parseConfig, type Config } from '../harness/config.ts';
import { decodeQr } from '../harness/detection/qr.ts';
import { startEmulator, type StartedEmulator } from '../harness/emulator/index.ts';
import { launchTp, type LaunchedTp } from '../harness/platform/launch.ts';
import { runCli, spawnCli, type CliResult } from './helpers/cli.ts';

const CREDENTIALS = {
  TP_CLIENT_ID: 'StartPageProbeKeyA1b2C3d4E5f6G7h8',
  TP_APP_ID: '5520031',
  TP_MESSAGE_TOKEN: 'StartPageProbeToken1q2w3e4r5t6y7',
  TP_ENCODING_AES_KEY: 'StartPageProbeAesKeyZ1y2X3w4V5u6T7s8R9q0P1o',
};

function probe(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return runCli(['probe', 'start-page', ...args], { env: { TP_CLIENT_ID: '', ...env } });
}

interface Deployed { em: StartedEmulator; tp: LaunchedTp; config: Config }

/** Baidu (the emulator) and a TP deployed against it, registered and given its first ticket, as after a team's deploy. */
async function deploy(entry: string): Promise<Deployed> {
  const config = parseConfig(CREDENTIALS);
  const em = await startEmulator({ seed: 'probe-start-page', pushTimeoutMs: 3000 });
  const tp = await launchTp(fileURLToPath(new URL(entry, import.meta.url)), config, em.url);
  em.emu.registerTp({
    clientId: config.tp.clientId, tpAppId: config.tp.tpAppId, name: 'probe TP', messageToken: config.tp.messageToken, encodingAesKey: config.tp.encodingAesKey,
    authEventUrl: tp.urls.authEvent, messageEventUrl: tp.urls.messageEvent, authStartDomain: new URL(tp.urls.authStart).host,
    testAppIds: config.testAppIds, permissionSets: config.permissionSets,
  }, { scheduleTickets: false });
  await em.emu.pushTicket(config.tp.clientId);
  return { em, tp, config };
}

const test = base.extend<{ deployed: Deployed; entry: string }>({
  entry: ['../harness/platform/reference/main.ts', { option: true }],
  deployed: async ({ entry }, use) => {
    const d = await deploy(entry);
    await use(d);
    await d.tp.stop();
    await d.em.stop();
  },
});

test('the reference TP\'s start page reaches Baidu\'s page with everything Baidu checks; exit 0', async ({ deployed }) => {
  const { em, tp, config } = deployed;
  const r = await probe(['--to', tp.urls.authStart, '--baidu', em.url, '--client-id', config.tp.clientId]);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout).toContain(`授权发起页 / start page → ${tp.urls.authStart}: HTTP `);
  for (const ok of ['client_id is the TP\'s Key', 'pre_auth_code present', `redirect_uri ${new URL(tp.urls.authStart).origin}`, 'Referer', 'Baidu\'s page shows a QR code']) {
    expect(r.stdout).toContain(`ok: ${ok}`);
  }
  expect(r.stdout).not.toMatch(/problem|warning/);
  expect(r.stdout).toContain('ready: an admin can scan from here');
  // The pre-auth code is single use: printed only as a fingerprint.
  expect(r.stdout).toMatch(/pre_auth_code=\S+/);
  const issued = [...em.emu.store.preAuthCodes.keys()];
  expect(issued.length).toBeGreaterThan(0);
  for (const code of issued) expect(r.stdout).not.toContain(code);
});

test('a start page that still sends admins to the emulator is named, not Baidu\'s page; exit 1', async ({ deployed }) => {
  // No --baidu: the real host is expected, and the reference TP here points at the emulator.
  const r = await probe(['--to', deployed.tp.urls.authStart]);
  expect(r.code).toBe(1);
  expect(r.stdout).toContain(`problem: that is the authorization page of ${deployed.em.url}, not Baidu's (https://smartprogram.baidu.com): a TP still configured for the emulator?`);
  expect(r.stderr).toContain('preflight probe: admins would be sent to the wrong authorization page');
});

test('another TP\'s Key, or a domain the start page is not on, is a problem', async ({ deployed }) => {
  const { em, tp } = deployed;
  const other = await probe(['--to', tp.urls.authStart, '--baidu', em.url, '--client-id', 'SomeoneElsesKey0000000000000000']);
  expect(other.code).toBe(1);
  expect(other.stdout).toContain('problem: client_id is StartPageProbeKeyA1b2C3d4E5f6G7h8, not the TP\'s Key SomeoneElsesKey0000000000000000');
  const domain = await probe(['--to', tp.urls.authStart, '--baidu', em.url, '--auth-domain', 'tp.example.com']);
  expect(domain.code).toBe(1);
  expect(domain.stdout).toMatch(/problem: redirect_uri http:\/\/127\.0\.0\.1:\d+\/\S+ is not on the 授权发起页域名 tp\.example\.com/);
  expect(domain.stdout).toMatch(/problem: Referer http:\/\/127\.0\.0\.1:\d+\/ is not on the 授权发起页域名 tp\.example\.com/);
});

test.describe('correct start pages of every shape reach Baidu\'s page (the scan\'s own way of following them)', () => {
  for (const variant of ['start-page-redirect', 'start-page-script', 'start-page-late-link', 'start-page-new-tab']) {
    test.describe(variant, () => {
      test.use({ entry: `../test/variants/${variant}.ts` });
      test('passes; exit 0', async ({ deployed }) => {
        const r = await probe(['--to', deployed.tp.urls.authStart, '--baidu', deployed.em.url]);
        expect(r.code, r.stdout + r.stderr).toBe(0);
        expect(r.stdout).toContain('ok: Baidu\'s page shows a QR code');
        expect(r.stdout).not.toContain('problem');
        if (variant === 'start-page-new-tab') expect(r.stdout).toContain('(in a new tab)');
        // The start page's own answer, not the last page's.
        if (variant === 'start-page-redirect') expect(r.stdout).toMatch(/start page → \S+: HTTP 302 \(a redirect\)/);
        // Not compared without a Key: a note, not an "ok".
        expect(r.stdout).toMatch(/note: client_id \w+, not compared with your Key/);
      });
    });
  }
});

test.describe('mutant start pages', () => {
  const cases = [
    { entry: '../test/mutants/no-referrer.ts', says: ['problem: the browser sent Baidu\'s page no Referer', 'problem: Baidu\'s page refused the authorization: errno 50006'] },
    { entry: '../test/mutants/redirect-off-domain.ts', says: ['warning: redirect_uri http://localhost:', 'problem: Baidu\'s page refused the authorization: errno 40002'] },
    { entry: '../test/mutants/start-page-other-host.ts', says: ['warning: Referer http://localhost:', 'problem: Baidu\'s page refused the authorization: errno 50006'] },
  ];
  for (const c of cases) {
    test.describe(c.entry, () => {
      test.use({ entry: c.entry });
      test('is caught; exit 1', async ({ deployed }) => {
        const r = await probe(['--to', deployed.tp.urls.authStart, '--baidu', deployed.em.url]);
        expect(r.code, r.stdout).toBe(1);
        for (const line of c.says) expect(r.stdout).toContain(line);
        expect(r.stderr).toContain('preflight probe: an admin cannot authorize from this page');
      });
    });
  }
});

test('--scan: WAITING for the admin\'s Baidu App, then the TP\'s callback; the code never printed', async ({ deployed }, testInfo) => {
  const { em, tp, config } = deployed;
  const shot = testInfo.outputPath('authorization-page.png');
  const running = spawnCli(['probe', 'start-page', '--to', tp.urls.authStart, '--baidu', em.url, '--scan', '--wait-s', '30', '--screenshot', shot], { env: { TP_CLIENT_ID: config.tp.clientId } });
  const { child, exited } = running;
  const stdout = () => running.stdout();
  try {
    await expect.poll(stdout, { timeout: 20_000 }).toContain('等待扫码 / WAITING');
    // The QR is drawn in the terminal too; the admin here scans the saved screenshot.
    expect(stdout()).toContain('▄');
    const target = decodeQr(readFileSync(shot));
    expect(target).toBeTruthy();
    const phone = await chromium.launch({ executablePath: chromiumExecutable(undefined, { headless: true }), args: CHROMIUM_ARGS });
    try {
      const page = await phone.newPage({ ...devices['Pixel 7'] });
      await page.goto(target!);
      await page.locator('#app-select').selectOption(String(config.testAppIds[0]));
      await page.locator('#confirm').click();
      await page.waitForLoadState();
    } finally {
      await phone.close();
    }
    expect(await exited, running.stderr()).toBe(0);
  } finally {
    child.kill();
  }
  expect(stdout()).toMatch(/回调 \/ callback → http:\/\/127\.0\.0\.1:\d+\/\S*authorization_code=\S+: HTTP 200/);
  expect(stdout()).toContain('ok: Baidu sent the authorization code (expires_in ');
  expect(stdout()).toContain('ok: the TP answered its callback with HTTP 200');
  // The code Baidu issued (and the TP exchanged) is never printed whole.
  const codes = [...em.emu.store.authCodes.keys()];
  expect(codes.length).toBe(1);
  expect(stdout()).not.toContain(codes[0]!);
});

base('usage errors exit 2 naming the option, before any browser starts', async () => {
  const cases: [string[], RegExp][] = [
    [[], /--to must be the http\(s\) URL of the TP's 授权发起页[\s\S]*usage: preflight probe start-page/],
    [['--to', 'ftp://tp.example.com/authorize'], /--to must be the http\(s\) URL/],
    [['--to', 'https://tp.example.com/authorize', '--token', 'T'], /--token is an option of probe echostr/],
    [['--to', 'https://tp.example.com/authorize', '--baidu', 'smartprogram.baidu.com'], /--baidu must be an http\(s\) URL/],
    [['--to', 'https://tp.example.com/authorize', '--auth-domain', 'https://tp.example.com/'], /--auth-domain is a host as registered/],
    [['--to', 'https://tp.example.com/authorize', '--scan', '--wait-s', '0'], /--wait-s must be a whole number of seconds above 0/],
  ];
  for (const [args, says] of cases) {
    const r = await probe(args);
    expect(r.code, args.join(' ')).toBe(2);
    expect(r.stderr).toMatch(says);
  }
  const noChromium = await probe(['--to', 'http://127.0.0.1:9/authorize'], { CHROMIUM_PATH: '/nonexistent/chromium' });
  expect(noChromium.code).toBe(2);
  expect(noChromium.stderr).toContain('preflight probe: Chromium did not start (/nonexistent/chromium: ');
  expect(noChromium.stderr).toContain('set CHROMIUM_PATH');
  const echo = await runCli(['probe', 'echostr', '--to', 'https://tp.example.com/msg', '--scan']);
  expect(echo.code).toBe(2);
  expect(echo.stderr).toContain('--scan is an option of probe start-page');
});

base('pages that go wrong: where the browser ended up, no secret in what a page says, the screenshot kept', async ({}, testInfo) => {
  const hex = '0123456789abcdef0123456789abcdef';
  const server = createServer((req, res) => {
    if (req.url === '/500') return void res.writeHead(500, { 'content-type': 'text/plain' }).end(`pre_auth_code ${hex} failed; see /cb?pre_auth_code=SECRETPRE123`);
    if (req.url === '/elsewhere') return void res.writeHead(302, { location: '/landing' }).end();
    res.writeHead(200, { 'content-type': 'text/html' }).end('<p>welcome</p>');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const shot = testInfo.outputPath('failed-start.png');
    const failed = await probe(['--to', `${base}/500`, '--baidu', base, '--screenshot', shot]);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain('problem: it did not lead to Baidu\'s authorization page: it answered HTTP 500');
    for (const secret of [hex, 'SECRETPRE123']) expect(failed.stdout).not.toContain(secret);
    expect(failed.stdout).toContain(`screenshot: ${shot}`);
    expect(existsSync(shot)).toBe(true);
    const moved = await probe(['--to', `${base}/elsewhere`, '--baidu', base]);
    expect(moved.code).toBe(1);
    expect(moved.stdout).toContain(`start page → ${base}/elsewhere: HTTP 302 (a redirect)`);
    expect(moved.stdout).toContain(`(the browser is at ${base}/landing)`);
  } finally {
    server.close();
  }
});

test('the registered domain is compared without regard to case; --wait-s needs --scan; a missing screenshot folder is said first', async ({ deployed }) => {
  const { em, tp } = deployed;
  const r = await probe(['--to', tp.urls.authStart, '--baidu', em.url, '--auth-domain', new URL(tp.urls.authStart).host.toUpperCase()]);
  expect(r.code, r.stdout).toBe(0);
  expect(r.stdout).toMatch(/ok: Referer \S+ is on the 授权发起页域名/);
  expect(r.stdout).not.toContain('note: redirect_uri and Referer judged against the start page');
  const waitAlone = await probe(['--to', tp.urls.authStart, '--wait-s', '5']);
  expect(waitAlone.code).toBe(2);
  expect(waitAlone.stderr).toContain('--wait-s is how long --scan waits for the admin: add --scan');
  const noFolder = await probe(['--to', tp.urls.authStart, '--screenshot', '/nonexistent-folder/x.png']);
  expect(noFolder.code).toBe(2);
  expect(noFolder.stderr).toContain('--screenshot: no folder /nonexistent-folder to write it in');
});

test('a stop during --scan is said as a stop (exit 143), not as nobody scanning', async ({ deployed }) => {
  const { em, tp } = deployed;
  const running = spawnCli(['probe', 'start-page', '--to', tp.urls.authStart, '--baidu', em.url, '--scan', '--wait-s', '60'], { env: { TP_CLIENT_ID: '' } });
  await expect.poll(running.stdout, { timeout: 20_000 }).toContain('等待扫码 / WAITING');
  running.child.kill('SIGTERM');
  expect(await running.exited).toBe(143);
  expect(running.stderr()).toContain('preflight probe: stopped by SIGTERM / 已中断');
  expect(running.stdout()).not.toContain('nobody confirmed');
});
