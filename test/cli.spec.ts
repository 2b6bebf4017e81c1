// The `preflight` command line beyond crypto (test/crypto.spec.ts): usage errors exit 2 before anything starts (a bad
// .env: test/detection.spec.ts), and `preflight push replay` re-sends a run's pushes — the sealed envelope byte for
// byte, the echoStr handshake with its four values — directly from the run folder or through a running emulator.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test as base, expect } from '@playwright/test';
import { loadPushes, savePushes } from '../harness/detection/runs.ts';
import { echoSignature } from '../harness/crypto/msgCrypto.ts';
import { startEmulator, type StartedEmulator } from '../harness/emulator/index.ts';
import { authorize } from '../harness/emulator/providers/auth.ts';
import type { PushEntry } from '../harness/emulator/ledger.ts';
import { freePort } from '../harness/platform/launch.ts';
import { SeededIds } from '../harness/seed.ts';
import { ROOT, runDetection } from './helpers/runDetection.ts';
import { runCli, type CliResult } from './helpers/cli.ts';
import type { Report } from '../harness/report/model.ts';
import { fakeReport as report } from './helpers/fakeReport.ts';

type Cli = CliResult;

/** Asynchronous on purpose: the stub TP answering the replays lives in this process. */
function cli(args: string[], env: Record<string, string> = {}, cwd = ROOT): Promise<Cli> {
  // An outer run's emulator URL must not redirect the replays.
  return runCli(args, { env: { PREFLIGHT_EMULATOR_URL: undefined, ...env }, cwd, timeoutMs: 30_000 });
}

base.describe('usage errors exit 2 with the usage, help exits 0 on stdout', () => {
  const cases: { args: string[]; code: number; out: 'stdout' | 'stderr'; says: RegExp }[] = [
    { args: [], code: 2, out: 'stderr', says: /missing command/ },
    { args: ['frobnicate'], code: 2, out: 'stderr', says: /unknown command 'frobnicate'/ },
    { args: ['--help'], code: 0, out: 'stdout', says: /usage: preflight <command>/ },
    { args: ['push', '--help'], code: 0, out: 'stdout', says: /usage: preflight push replay/ },
    { args: ['push', '--bogus'], code: 2, out: 'stderr', says: /Unknown option '--bogus'[\s\S]*usage: preflight push replay/ },
    { args: ['push', 'replay', 'seven'], code: 2, out: 'stderr', says: /usage: preflight push replay/ },
    { args: ['push', 'resend', '7'], code: 2, out: 'stderr', says: /usage: preflight push replay/ },
    { args: ['--version'], code: 0, out: 'stdout', says: /^baidu-tp-preflight \d+\.\d+\.\d+\n$/ },
    { args: ['probe', '--help'], code: 0, out: 'stdout', says: /^usage: preflight probe echostr --to/ },
    { args: ['compare', '--help'], code: 0, out: 'stdout', says: /^usage: preflight compare \[<before>\] \[<after>\]/ },
    { args: ['run', '--help'], code: 0, out: 'stdout', says: /usage: preflight run[\s\S]*--strict[\s\S]*-g <check id[\s\S]*exit codes: 0 ready for 全网发布[\s\S]*reports\/preflight-report\.html/ },
    { args: ['run', '-h'], code: 0, out: 'stdout', says: /usage: preflight run/ },
    // Playwright's own parser says it; exit 1 would read as "not ready for 全网发布".
    { args: ['run', '--bogus'], code: 2, out: 'stderr', says: /unknown option '--bogus'[\s\S]*usage: preflight run/ },
    { args: ['emulator', '--help'], code: 0, out: 'stdout', says: /usage: preflight emulator/ },
    { args: ['emulator', '--port', '4010'], code: 2, out: 'stderr', says: /unexpected argument '--port'/ },
    { args: ['ide', '--help'], code: 0, out: 'stdout', says: /usage: preflight ide upload --app/ },
    { args: ['ide', 'upload'], code: 2, out: 'stderr', says: /usage: preflight ide upload --app/ },
    { args: ['ide', 'upload', '--app', 'x'], code: 2, out: 'stderr', says: /usage: preflight ide upload --app/ },
  ];
  for (const c of cases) {
    base(`preflight ${c.args.join(' ') || '(nothing)'} → exit ${c.code}`, async () => {
      const r = await cli(c.args);
      expect(r.code, r.stderr).toBe(c.code);
      expect(r[c.out]).toMatch(c.says);
      expect(r.stderr).not.toMatch(/\bat .+:\d+:\d+/); // no stack trace
    });
  }
});

// --- push replay ------------------------------------------------------------------------------------------------

interface Received { path: string; query: URLSearchParams; body: string }

interface ReplayEnv {
  em: StartedEmulator;
  tp: { clientId: string; messageToken: string; encodingAesKey: string };
  /** What the stub TP received, in order; `answer` decides its reply ('success', 'ok', or 'echo' the echoStr). */
  received: Received[];
  stub: { url: string; answer: 'success' | 'ok' | 'echo' };
  runDir: string;
  ticket: PushEntry;
  echo: PushEntry;
}

const test = base.extend<{ replay: ReplayEnv }>({
  replay: async ({}, use, testInfo) => {
    const received: Received[] = [];
    const stub = { url: '', answer: 'success' as 'success' | 'ok' | 'echo' };
    const server: Server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const u = new URL(req.url ?? '/', 'http://stub');
        received.push({ path: u.pathname, query: u.searchParams, body: Buffer.concat(chunks).toString('utf8') });
        res.end(stub.answer === 'echo' ? (u.searchParams.get('echoStr') ?? '') : stub.answer);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    stub.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const ids = new SeededIds(`cli-${testInfo.testId}`);
    const tp = { clientId: ids.alnum('clientId', 32), messageToken: ids.alnum('messageToken', 32), encodingAesKey: ids.alnum('encodingAesKey', 43) };
    const em = await startEmulator({ seed: 'cli', ticketIntervalS: 600, pushTimeoutMs: 3000 });
    em.emu.registerTp({
      ...tp, tpAppId: 4242, name: 'cli TP', authEventUrl: `${stub.url}/auth-event`, messageEventUrl: `${stub.url}/message-event`,
      authStartDomain: new URL(stub.url).host, testAppIds: [1234567], permissionSets: ['customer-service'],
    }, { scheduleTickets: false });
    const ticket = await em.emu.pushTicket(tp.clientId);
    stub.answer = 'echo';
    const echo = await em.emu.probeEcho(tp.clientId);
    stub.answer = 'success';
    expect([ticket.outcome, echo.outcome]).toEqual(['ok', 'ok']);
    const runDir = testInfo.outputPath('run');
    mkdirSync(runDir, { recursive: true });
    savePushes(runDir, em.emu.ledger.raw());
    await use({ em, tp, received, stub, runDir, ticket, echo });
    await em.stop();
    server.closeAllConnections();
    server.close();
  },
});

test('the run keeps the sealed envelopes and the handshake values, never a secret', async ({ replay }) => {
  const { runDir, tp, em, ticket, echo } = replay;
  const pushes = loadPushes(runDir)!;
  expect(pushes.map((p) => [p.seq, p.event])).toEqual([[ticket.seq, 'ticket'], [echo.seq, 'echoStr']]);
  expect(pushes[0]!.envelope).toEqual(ticket.envelope);
  expect(pushes[1]!.echo).toEqual(echo.message);
  const text = readFileSync(`${runDir}/pushes.json`, 'utf8');
  const plainTicket = em.emu.store.newestTicket(tp.clientId)!.value;
  for (const secret of [tp.messageToken, tp.encodingAesKey, plainTicket]) expect(text).not.toContain(secret);
});

test('--run: the ticket push is posted again byte for byte to the 授权事件接收URL', async ({ replay }) => {
  const { runDir, received, ticket } = replay;
  const original = received[0]!;
  const r = await cli(['push', 'replay', String(ticket.seq), '--run', runDir]);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout).toMatch(new RegExp(`ticket push #${ticket.seq} → .*/auth-event: HTTP 200 in \\d+ ms, body "success"`));
  expect(received).toHaveLength(3);
  expect(received[2]!.path).toBe('/auth-event');
  expect(received[2]!.body).toBe(original.body);
});

test('--run: the echoStr handshake is sent again with its four values and must come back as echoStr', async ({ replay }) => {
  const { runDir, received, echo, stub } = replay;
  const original = received[1]!;
  stub.answer = 'echo';
  const ok = await cli(['push', 'replay', String(echo.seq), '--run', runDir]);
  expect(ok.code, ok.stderr).toBe(0);
  const again = received[2]!;
  expect(again.path).toBe('/message-event');
  for (const k of ['signature', 'timestamp', 'nonce', 'echoStr']) expect(again.query.get(k), k).toBe(original.query.get(k));
  expect(again.body).toBe(original.body);
  stub.answer = 'success';
  const wrong = await cli(['push', 'replay', String(echo.seq), '--run', runDir]);
  expect(wrong.code).toBe(1);
  expect(wrong.stderr).toContain(`Baidu expects ${JSON.stringify(original.query.get('echoStr'))}`);
});

test('--to sends elsewhere; a TP that answers "ok" exits 1 with the reason, an argument that names no recorded push exits 2', async ({ replay }) => {
  const { runDir, received, ticket, stub } = replay;
  const to = await cli(['push', 'replay', String(ticket.seq), '--run', runDir, '--to', `${stub.url}/elsewhere`]);
  expect(to.code, to.stderr).toBe(0);
  expect(received.at(-1)!.path).toBe('/elsewhere');
  stub.answer = 'ok';
  const ok = await cli(['push', 'replay', String(ticket.seq), '--run', runDir]);
  expect(ok.code).toBe(1);
  expect(ok.stderr).toContain('the TP answered "ok", Baidu expects "success"');
  const missing = await cli(['push', 'replay', '999', '--run', runDir]);
  expect(missing.code, 'an id that is no push is a usage error').toBe(2);
  expect(missing.stderr).toContain('ledger entry 999 is not a push');
  const gone = await cli(['push', 'replay', '1', '--run', `${runDir}/nope`]);
  expect(gone.code, 'a run folder that does not exist is a usage error').toBe(2);
  expect(gone.stderr).toContain("does not exist here (a run folder stays on the machine that ran it, and goes once PREFLIGHT_KEEP_RUNS newer runs exist): run the check's own reproduce command");
  // No run named, and none recorded yet (a fresh checkout): not a usage error, and said so.
  const fresh = await cli(['push', 'replay', '1'], {}, mkdtempSync(join(tmpdir(), 'preflight-fresh-')));
  expect(fresh.code).toBe(1);
  expect(fresh.stderr).toMatch(/no run under \S+ has recorded pushes yet: run the detection first, or name a run folder with --run/);
  const notARun = await cli(['push', 'replay', '1', '--run', ROOT]);
  expect(notARun.code, 'a folder that is no run is a usage error').toBe(2);
  expect(notARun.stderr).toContain('no recorded pushes at');
  // Nothing answers at --to: said plainly, with the likeliest cause, and without suggesting --to.
  const nobody = `http://127.0.0.1:${await freePort()}/baidu/auth`;
  const down = await cli(['push', 'replay', String(ticket.seq), '--run', runDir, '--to', nobody]);
  expect(down.code).toBe(1);
  expect(down.stdout).toMatch(/: no answer — ECONNREFUSED: /);
  expect(down.stderr.trim()).toMatch(new RegExp(`^preflight push: the TP at ${nobody.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: ECONNREFUSED: .* — is the TP running and listening at that URL\\?$`));
  // Nothing answers at the run's own URL (its reference TP stopped with the run): the way out is said too.
  const stoppedRun = `${runDir}-stopped`;
  mkdirSync(stoppedRun, { recursive: true });
  savePushes(stoppedRun, replay.em.emu.ledger.raw().map((e) => (e.dir === 'push' ? { ...e, url: nobody } : e)));
  const stopped = await cli(['push', 'replay', String(ticket.seq), '--run', stoppedRun]);
  expect(stopped.code).toBe(1);
  expect(stopped.stderr).toContain("is the TP running and listening at that URL?; a run's reference TP stops when the run ends — start your TP and replay again, or send the push elsewhere with --to URL");
});

test('--emulator: the emulator re-sends both pushes, and its ledger records them as replays', async ({ replay }) => {
  const { em, received, ticket, echo, stub } = replay;
  const r = await cli(['push', 'replay', String(ticket.seq), '--emulator', em.url]);
  expect(r.code, r.stderr).toBe(0);
  // Said as a replay from a run folder is, and naming the emulator's new ledger entry.
  expect(r.stdout).toMatch(new RegExp(`^ticket push #${ticket.seq} → \\S+: HTTP 200 in \\d+ ms, body "success" \\(ledger entry #\\d+\\)\\n$`));
  expect(received[2]!.body).toBe(received[0]!.body);
  stub.answer = 'echo';
  // PREFLIGHT_EMULATOR_URL is the same as --emulator.
  const e = await cli(['push', 'replay', String(echo.seq)], { PREFLIGHT_EMULATOR_URL: em.url });
  expect(e.code, e.stderr).toBe(0);
  expect(received[3]!.query.get('echoStr')).toBe(received[1]!.query.get('echoStr'));
  const pushes = em.emu.ledger.raw().filter((x) => x.dir === 'push');
  expect(pushes.map((x) => x.dir === 'push' && x.facts.replayOf)).toEqual([undefined, undefined, ticket.seq, echo.seq]);
  const bad = await cli(['push', 'replay', '999', '--emulator', em.url]);
  expect(bad.code, 'an id that is no push is a usage error').toBe(2);
  expect(bad.stderr).toContain('ledger entry 999 is not a push');
});

// --- preflight emulator (npm run emulator) ------------------------------------------------------------------------

/** Starts the standalone emulator, gives back its first lines once it has said all it says at start, and a stop. */
async function standalone(env: Record<string, string>): Promise<{ lines: string[]; url: string; output: () => string; stop: () => Promise<number | null> }> {
  const unset = Object.fromEntries(['TP_CLIENT_ID', 'TP_MESSAGE_TOKEN', 'TP_ENCODING_AES_KEY', 'TP_AUTH_EVENT_URL', 'TP_MESSAGE_EVENT_URL', 'TP_AUTH_START_URL'].map((v) => [v, undefined]));
  const childEnv = { ...process.env, ...unset, PREFLIGHT_EMULATOR_PORT: '0', ...env };
  const child = spawn(process.execPath, ['bin/preflight.js', 'emulator'], { cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const lines = await new Promise<string[]>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the emulator said nothing conclusive in 20 s: ${out}${err}`)), 20_000);
    child.stdout.on('data', (d) => {
      out += d;
      // The last line at start says whether a TP was registered.
      if (/(registered the TP|register a TP with POST)[^\n]*\n/.test(out)) {
        clearTimeout(timer);
        resolve(out.trim().split('\n'));
      }
    });
    child.on('exit', (code) => reject(new Error(`the emulator exited (${code}): ${out}${err}`)));
  });
  const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(lines[0]!)![1]!;
  return {
    lines, url, output: () => out,
    stop: () => new Promise((resolve) => {
      child.removeAllListeners('exit');
      child.on('exit', (code) => resolve(code));
      child.kill('SIGTERM');
    }),
  };
}

base('preflight emulator prints its URL and the TP credentials it was given, masking the secrets and naming what it generated', async () => {
  const given = { TP_CLIENT_ID: 'StandaloneClient0123456789abcdef', TP_MESSAGE_TOKEN: 'StandaloneMessageToken0123456789' };
  const em = await standalone(given);
  try {
    const text = em.lines.join('\n');
    expect(text).toContain(`client_id=${given.TP_CLIENT_ID}`);
    expect(text, 'the message token is masked').not.toContain(given.TP_MESSAGE_TOKEN);
    expect(text).toContain(`token=${given.TP_MESSAGE_TOKEN.slice(0, 4)}…(32 chars)`);
    expect(text).toMatch(/EncodingAESKey=\w{4}…\(43 chars\)/);
    expect(text).toMatch(/^(TP_APP_ID, )?TP_ENCODING_AES_KEY not set: generated for this session/m);
    expect(text).toMatch(/^TP \(not registered: its URLs are not set\): client_id=/m);
    expect(text).toContain('register a TP with POST /__emulator/tps {"clientId", "tpAppId", "messageToken", "encodingAesKey", "authEventUrl", "messageEventUrl", "authStartDomain"');
    const health = await fetch(`${em.url}/health`);
    expect(health.status).toBe(200);
  } finally {
    expect(await em.stop(), 'SIGTERM stops it cleanly').toBe(0);
  }
});

/** A stand-in TP that answers every push with `answer` and records `<path> <body>`; on `port` when given (0: any). */
async function pushTarget(answer: string, port = 0): Promise<{ received: string[]; env: Record<string, string>; listen: () => Promise<void>; close: () => void }> {
  const received: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push(`${req.url} ${body}`);
      res.end(answer);
    });
  });
  const listen = () => new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  if (port === 0) {
    await listen();
    port = (server.address() as AddressInfo).port;
  }
  const url = `http://127.0.0.1:${port}`;
  return {
    received, listen,
    env: { TP_AUTH_EVENT_URL: `${url}/auth-event`, TP_MESSAGE_EVENT_URL: `${url}/message-event`, TP_AUTH_START_URL: `${url}/authorize` },
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

base('preflight emulator with the TP\'s URLs registers it and pushes the first ticket there', async () => {
  const tp = await pushTarget('success');
  const em = await standalone(tp.env);
  try {
    expect(em.lines.at(-1)).toBe(`registered the TP; pushing its first ticket to ${tp.env.TP_AUTH_EVENT_URL}`);
    expect(em.lines.join('\n')).toMatch(/^TP_CLIENT_ID, TP_APP_ID, TP_MESSAGE_TOKEN, TP_ENCODING_AES_KEY not set/m);
    expect(em.lines.join('\n')).toMatch(/^TP: client_id=/m);
    await expect.poll(() => tp.received.length, { message: 'the ticket push reaches the 授权事件接收URL' }).toBe(1);
    expect(tp.received[0]).toMatch(/^\/auth-event \{"Nonce":.*"Encrypt":.*"MsgSignature":/);
    await expect.poll(em.output, { message: 'it says the TP acknowledged it' }).toMatch(/^first ticket acknowledged by the TP \(push #\d+, \d+ ms\)$/m);
  } finally {
    expect(await em.stop()).toBe(0);
    tp.close();
  }
});

base('preflight emulator started before the TP says the first ticket failed and pushes a new one until the TP acknowledges it', async () => {
  // A port nobody listens on yet: the TP "starts" a moment after the emulator.
  const tp = await pushTarget('success', await freePort());
  const em = await standalone(tp.env);
  try {
    await expect.poll(em.output, { message: 'the failure is said, not hidden' })
      .toMatch(/^first ticket push failed: .*ECONNREFUSED.*; pushing a new ticket every 3 s until the TP answers "success"$/m);
    expect(em.output()).not.toMatch(/acknowledged/);
    await tp.listen();
    await expect.poll(em.output, { message: 'a later ticket reaches the TP once it listens', timeout: 10_000 }).toMatch(/^first ticket acknowledged by the TP/m);
  } finally {
    expect(await em.stop()).toBe(0);
    tp.close();
  }
});

base('preflight emulator whose TP answers the first ticket wrongly says so once and does not retry', async () => {
  const tp = await pushTarget('ok');
  const em = await standalone(tp.env);
  try {
    await expect.poll(em.output).toMatch(/^ticket push #\d+ was not acknowledged: reply body was "ok", not exactly "success"$/m);
    await new Promise((r) => setTimeout(r, 3500)); // longer than the retry interval
    expect(tp.received, 'no retry: a wrong answer is a fault to fix, not to wait out').toHaveLength(1);
  } finally {
    expect(await em.stop()).toBe(0);
    tp.close();
  }
});

base('preflight emulator on a port someone holds exits 1 with one line naming the port and PREFLIGHT_EMULATOR_PORT', async () => {
  const holder = createServer();
  await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r));
  const port = (holder.address() as AddressInfo).port;
  try {
    const r = await cli(['emulator'], { PREFLIGHT_EMULATOR_PORT: String(port) });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([
      `preflight: the emulator cannot listen on 127.0.0.1:${port}: the port is in use — stop what holds it (a \`npm run emulator\` still running? a run starts its own), or choose another port with PREFLIGHT_EMULATOR_PORT`,
    ]);
  } finally {
    holder.close();
  }
});

// --- ide upload ---------------------------------------------------------------------------------------------------

base('preflight ide upload: the developer tool\'s upload into a running emulator; refused (exit 1) for an app that has not authorized the TP', async () => {
  const em = await startEmulator({ seed: 'cli-ide', port: 0, pushTimeoutMs: 500 });
  try {
    const ids = new SeededIds('cli-ide');
    const tp = {
      clientId: ids.alnum('clientId', 32), tpAppId: 7, name: 'cli', messageToken: ids.alnum('t', 32), encodingAesKey: ids.alnum('k', 43),
      authEventUrl: 'http://127.0.0.1:9/a', messageEventUrl: 'http://127.0.0.1:9/m', authStartDomain: '127.0.0.1', testAppIds: [6660001, 6660002], permissionSets: ['development'],
    };
    const none = await cli(['ide', 'upload', '--app', '6660001', '--emulator', em.url], { TP_CLIENT_ID: '' });
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/no TP is registered at http:\/\/127\.0\.0\.1:\d+/);
    em.emu.registerTp(tp, { scheduleTickets: false });
    authorize(em.emu, em.emu.requireTp(tp.clientId), 6660001, ['development']);
    // The emulator's only TP is the one uploaded for when neither --client-id nor TP_CLIENT_ID says.
    const ok = await cli(['ide', 'upload', '--app', '6660001', '--emulator', em.url, '--version', '3.1.4'], { TP_CLIENT_ID: '' });
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^uploaded with the developer tool: app 6660001, package \d+ \(development version/);
    expect(em.emu.store.packages.get(6660001)?.map((p) => [p.version, p.status, p.uploadStatus, p.source])).toEqual([['3.1.4', 3, 2, 'ide']]);
    const refused = await cli(['ide', 'upload', '--app', '6660002', '--emulator', em.url, '--client-id', tp.clientId]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/errno 50032: app 6660002 has not authorized this TP/);
    const nobody = await cli(['ide', 'upload', '--app', '6660001', '--emulator', 'http://127.0.0.1:9']);
    expect(nobody.code).toBe(1);
    expect(nobody.stderr).toMatch(/no emulator at http:\/\/127\.0\.0\.1:9/);
  } finally {
    await em.stop();
  }
});

// --- probe echostr: the live 客服能力权限 handshake -------------------------------------------------------------

base('preflight probe echostr: the handshake Baidu sends at 全网发布, to any URL; exit 0 only when echoStr comes back exactly', async () => {
  const token = 'LiveProbeToken42';
  let mode: 'checks' | 'always' | 'json' = 'checks';
  const seen: URLSearchParams[] = [];
  const server = createServer((req, res) => {
    const u = new URL(req.url!, 'http://x');
    const q = u.searchParams;
    seen.push(q);
    if (u.pathname !== '/baidu/msg') return res.writeHead(404).end('not found');
    const ok = q.get('signature') === echoSignature(token, q.get('timestamp') ?? '', q.get('nonce') ?? '');
    if (mode === 'json') return res.end(JSON.stringify({ echoStr: q.get('echoStr') }));
    if (mode === 'checks' && !ok) return res.writeHead(403).end('bad signature');
    res.end(q.get('echoStr'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/baidu/msg`;
  try {
    const pass = await cli(['probe', 'echostr', '--to', url, '--token', token]);
    expect(pass.code, pass.stderr).toBe(0);
    expect(pass.stdout).toMatch(/^echoStr handshake → \S+: HTTP 200 in \d+ ms, body "[0-9a-f]{24}"\n {2}通过 \/ ok: answered with exactly echoStr: Baidu's 客服能力权限 detection would pass\n/);
    expect(pass.stdout).toMatch(/wrong signature → \S+: HTTP 403 .*\n {2}通过 \/ ok: not echoed: the signature is checked\n$/);
    // Baidu's four values, signed with the token (reference §2.7).
    expect([...seen[0]!.keys()].sort()).toEqual(['echoStr', 'nonce', 'signature', 'timestamp']);

    mode = 'always';
    const lax = await cli(['probe', 'echostr', '--to', url], { TP_MESSAGE_TOKEN: token });
    expect(lax.code, 'a TP that echoes without checking passes Baidu\'s detection, with a warning').toBe(0);
    expect(lax.stdout).toContain('警告 / warning: echoed although the signature was wrong');

    mode = 'json';
    const json = await cli(['probe', 'echostr', '--to', url, '--token', token]);
    expect(json.code).toBe(1);
    expect(json.stderr).toMatch(/^preflight probe: Baidu's 客服能力权限 detection would fail: reply body was "\{\\"echoStr\\":.*not exactly .* — answer with echoStr exactly, nothing around it\n$/);
    // Another token than the TP's: refused, and said so.
    mode = 'checks';
    const wrongToken = await cli(['probe', 'echostr', '--to', url, '--token', 'NotTheTpsToken']);
    expect(wrongToken.code).toBe(1);
    expect(wrongToken.stderr).toContain('HTTP 403, body "bad signature" — the TP refused the handshake: is the token (--token or TP_MESSAGE_TOKEN) the 消息验证TOKEN it checks signatures with?');
    // A path nothing serves: the URL is wrong, whatever the token.
    const wrongPath = await cli(['probe', 'echostr', '--to', url.replace('/baidu/msg', '/nope'), '--token', token]);
    expect(wrongPath.code).toBe(1);
    expect(wrongPath.stderr).toContain('HTTP 404, body "not found" — nothing is served at that path: is the URL the one configured at Baidu');
    expect(wrongPath.stderr).not.toContain('消息验证TOKEN');
  } finally {
    server.close();
  }
  const down = await cli(['probe', 'echostr', '--to', `http://127.0.0.1:${await freePort()}/msg`, '--token', token]);
  expect(down.code).toBe(1);
  expect(down.stdout).toMatch(/: no answer — ECONNREFUSED/);
  for (const args of [['probe'], ['probe', 'echostr'], ['probe', 'echostr', '--to', 'ftp://x'], ['probe', 'pushes', '--to', url]]) {
    const r = await cli([...args, '--token', token]);
    expect(r.code, args.join(' ')).toBe(2);
    expect(r.stderr).toContain('usage: preflight probe echostr --to');
  }
  const tokenless = await cli(['probe', 'echostr', '--to', url], { TP_MESSAGE_TOKEN: '' }, mkdtempSync(join(tmpdir(), 'preflight-probe-')));
  expect(tokenless.code).toBe(2);
  expect(tokenless.stderr).toContain('no message token: pass --token or set TP_MESSAGE_TOKEN');
});

base('preflight compare: which checks changed between two runs; exit 1 only when something got worse', async () => {
  // A checkout of its own: .preflight/runs/ is where compare looks for runs by default.
  const cwd = mkdtempSync(join(tmpdir(), 'preflight-compare-'));
  const runs = join(cwd, '.preflight', 'runs');
  const save = (name: string, r: Report) => {
    mkdirSync(join(runs, name), { recursive: true });
    writeFileSync(join(runs, name, 'preflight-report.json'), JSON.stringify(r));
  };
  const none = await cli(['compare'], {}, cwd);
  expect(none.code).toBe(2);
  expect(none.stderr).toContain('no run with a report under .preflight/runs: run `npm run preflight` first, or name two reports');

  save('20260101T000000-aaaaaaaa', report('night-1', { 'auth.a': 'PASSED', 'auth.b': 'PASSED', 'auth.c': 'FAILED', 'auth.d': 'PASSED' }));
  const alone = await cli(['compare'], {}, cwd);
  expect(alone.code).toBe(0);
  expect(alone.stdout).toContain('no earlier run with the same setup as night-1');

  // auth.d left out of the later run (a -g rerun): no change, whatever it was before.
  save('20260102T000000-bbbbbbbb', report('night-2', { 'auth.a': 'PASSED', 'auth.b': 'FAILED', 'auth.c': 'PASSED', 'auth.d': 'SKIPPED' }));
  const worse = await cli(['compare'], {}, cwd);
  expect(worse.code, worse.stderr).toBe(1);
  expect(worse.stdout).toBe([
    '与运行 night-1 相比：1 项变差，1 项变好 / Since run night-1: 1 worse, 1 better',
    '  ✗ auth.b  通过 / PASSED → 未通过 / FAILED  检测 auth.b — auth.b broke second line',
    '  ✓ auth.c  未通过 / FAILED → 通过 / PASSED  检测 auth.c',
    // Nothing can be told of a check one side did not run: named, so its silence is not read as "unchanged".
    '  仅在前一次运行 / ran only in night-1: auth.d',
    '',
  ].join('\n'));

  // Explicit sides, by run id, by folder or by file: the other way round is as bad; a fix alone exits 0.
  const reversed = await cli(['compare', '20260102T000000-bbbbbbbb', join(runs, '20260101T000000-aaaaaaaa', 'preflight-report.json')], {}, cwd);
  expect(reversed.code).toBe(1);
  expect(reversed.stdout).toMatch(/^与运行 night-2 相比：1 项变差，1 项变好/);
  save('20260102T120000-eeeeeeee', report('night-3', { 'auth.a': 'PASSED', 'auth.b': 'PASSED', 'auth.c': 'PASSED', 'auth.d': 'PASSED' }));
  const fixed = await cli(['compare', join(runs, '20260102T000000-bbbbbbbb'), '20260102T120000-eeeeeeee'], {}, cwd);
  expect(fixed.code, fixed.stdout).toBe(0);
  // night-2 left auth.d out (-g): its "not ready" says nothing of the TP, so the verdicts are not compared.
  expect(fixed.stdout).toBe('与运行 night-2 相比：1 项变好 / Since run night-2: 1 better — 结论未比较：有一方只运行了部分检测 / verdicts not compared: a side ran only some checks (-g)\n'
    + '  ✓ auth.b  未通过 / FAILED → 通过 / PASSED  检测 auth.b\n  仅在这一次运行 / ran only in the later run: auth.d\n');
  // A -g rerun that passed is "not ready" only because it was filtered: nothing got worse (exit 0).
  const rerun = report('rerun', { 'auth.a': 'PASSED', 'auth.b': 'SKIPPED', 'auth.c': 'SKIPPED', 'auth.d': 'SKIPPED' }, { verdict: { status: 'FAILED', ready: false, headline: { zh: '', en: '' } } });
  writeFileSync(join(cwd, 'rerun.json'), JSON.stringify(rerun));
  const partial = await cli(['compare', '20260102T120000-eeeeeeee', 'rerun.json'], {}, cwd);
  expect(partial.code, partial.stdout).toBe(0);
  expect(partial.stdout).toContain('verdicts not compared: a side ran only some checks (-g)');
  expect(partial.stdout).toContain('ran only in night-3: auth.b, auth.c, auth.d');

  // Another setup is compared when asked, with a note; it is never picked as "the previous run".
  save('20260103T000000-cccccccc', report('strict-run', { 'auth.a': 'PASSED', 'auth.b': 'PASSED', 'auth.c': 'PASSED', 'auth.d': 'PASSED' }, { strict: true }));
  const noBaseline = await cli(['compare'], {}, cwd);
  expect(noBaseline.stdout).toContain('no earlier run with the same setup as strict-run');
  const asked = await cli(['compare', '20260102T000000-bbbbbbbb'], {}, cwd);
  expect(asked.code).toBe(0);
  expect(asked.stdout).toContain('注意 / note: the runs were set up differently (strict false → true)');

  for (const args of [['compare', 'nope'], ['compare', 'a', 'b', 'c'], ['compare', '--bogus']]) {
    const r = await cli(args, {}, cwd);
    expect(r.code, args.join(' ')).toBe(2);
    expect(r.stderr).toContain('usage: preflight compare');
  }
  writeFileSync(join(cwd, 'not-a-report.json'), '{"hello": 1}');
  const junk = await cli(['compare', 'not-a-report.json', '20260101T000000-aaaaaaaa'], {}, cwd);
  expect(junk.code).toBe(2);
  expect(junk.stderr).toContain('not-a-report.json is not a preflight report');
});

// A run's own TP (the reference TP or its mutant) stops with the run: the replay starts it again with the run's seed,
// so the reviewer sees how it answers — unless this machine's credentials are not the run's.
base('--run after the run ended: the run\'s mutant TP is started again and answers as it did; other credentials are refused with why', async ({}, testInfo) => {
  base.setTimeout(150_000);
  const outDir = testInfo.outputPath('detection');
  // (Not a row of the mutant catalogue, test/mutants.spec.ts: the mutant only gives the replay an answer to show.)
  const mutant = 'ticket-ack-ok';
  const run = await runDetection({ mutant, outDir, env: { PREFLIGHT_PERMISSION_SETS: 'customer-service', PREFLIGHT_PROBES: '0' }, timeoutMs: 120_000 });
  expect(run.exitCode, run.stdout.slice(-1500)).toBe(1);
  const runDir = join(outDir, 'run');
  const pushes = loadPushes(runDir)!;
  const ticket = pushes.find((p) => p.event === 'ticket')!;
  // From another folder, with another seed in the environment: the run's seed, and its mutant from the project.
  const again = await cli(['push', 'replay', String(ticket.seq), '--run', runDir], { PREFLIGHT_SEED: 'not-the-runs', CHROMIUM_PATH: '/nowhere' }, tmpdir());
  expect(again.code, again.stderr).toBe(1);
  expect(again.stdout).toMatch(/^test\/mutants\/ticket-ack-ok\.ts stopped with the run: started again with the run's seed \(PREFLIGHT_SEED=e2e-detection-1\) to answer — /);
  expect(again.stdout).toMatch(new RegExp(`^ticket push #${ticket.seq} → http://127\\.0\\.0\\.1:\\d+/baidu/auth-events: HTTP 200 in \\d+ ms, body "ok"$`, 'm'));
  expect(again.stderr).toContain('the TP answered "ok", Baidu expects "success"');
  // The handshake the bad-signature check sent was forged on purpose: said so, and not a failure.
  const forged = pushes.filter((p) => p.echo).at(-1)!;
  const bad = await cli(['push', 'replay', String(forged.seq), '--run', runDir]);
  expect(bad.code, bad.stderr).toBe(0);
  expect(bad.stdout).toContain(`push #${forged.seq} does not open with the run's credentials: a probe forged it on purpose`);
  // Other credentials here (the environment or .env): the run's TP would refuse the push for that, so it is not started.
  for (const [name, value] of [['TP_MESSAGE_TOKEN', 'AnotherMessageToken0000000000000'], ['TP_ENCODING_AES_KEY', 'A'.repeat(43)], ['TP_CLIENT_ID', 'AnotherClientId00000000000000000']]) {
    const other = await cli(['push', 'replay', String(ticket.seq), '--run', runDir], { [name]: value });
    expect(other.code, name).toBe(1);
    expect(other.stdout, name).not.toContain('started again');
    expect(other.stderr, name).toContain("its TP cannot be started again: the TP credentials here (TP_CLIENT_ID, TP_APP_ID, TP_MESSAGE_TOKEN, TP_ENCODING_AES_KEY in the environment or .env) are not the run's");
  }
});
