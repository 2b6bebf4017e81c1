// `preflight probe echostr --to <消息与事件接收URL>`: Baidu's 客服能力权限 detection, live (`probe start-page`, the
// authorization page, is in probeStartPage.ts). At 全网发布 Baidu sends the
// echoStr handshake to the TP's deployed 消息与事件接收URL (reference §2.7, §7.1.3); this sends the same handshake to
// any URL — staging or production, over HTTPS — so a team sees the answer Baidu will see. A handshake changes nothing
// on the TP, so it is safe against production (unlike a push, which would hand a live TP a ticket Baidu never issued).
// Then the same with a wrong signature, which a TP should not echo (cs.echostr-bad-signature: only a warning).
// Exit codes: 0 answered as Baidu expects, 1 not (or unreachable), 2 a usage error (also: no message token).
import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import path from 'node:path';
import { config as loadDotenv } from 'dotenv';
import { deliver, describeAnswer, echoHandshake, echoRequest } from '../emulator/pusher.ts';
import { pushHint } from '../detection/pushHint.ts';
import { parseCommand } from './args.ts';
import { probeStartPage, START_PAGE_USAGE } from './probeStartPage.ts';
import { HISTORY_USAGE, probeHistory } from './probeHistory.ts';

const ECHOSTR_USAGE = 'usage: preflight probe echostr --to <消息与事件接收URL> [--token <消息验证TOKEN>] [--timeout-ms 5000]\n'
  + '  the token defaults to TP_MESSAGE_TOKEN (environment or .env)\n';
const USAGE = `${ECHOSTR_USAGE}${START_PAGE_USAGE}${HISTORY_USAGE}`;
/** Baidu's own timeout for the handshake is not documented (reference §7.2); pushes get about 2 s. */
const BUDGET_MS = 2000;

/** Each probe's own options: another probe's option is a usage error that names whose it is. */
const OPTIONS_OF = {
  echostr: ['to', 'token', 'timeout-ms'],
  'start-page': ['to', 'client-id', 'auth-domain', 'baidu', 'screenshot', 'scan', 'wait-s'],
  history: ['app', 'token', 'openapi', 'timeout-ms'],
} as const;
type Probe = keyof typeof OPTIONS_OF;
const USAGE_OF: Record<Probe, string> = { echostr: ECHOSTR_USAGE, 'start-page': START_PAGE_USAGE, history: HISTORY_USAGE };

export async function probeCommand(argv: string[]): Promise<number> {
  const parsed = parseCommand<{
    to?: string; token?: string; 'timeout-ms'?: string; 'client-id'?: string; 'auth-domain'?: string; baidu?: string; screenshot?: string; scan?: boolean; 'wait-s'?: string;
    app?: string; openapi?: string;
  }>('probe', argv, {
    to: { type: 'string' }, token: { type: 'string' }, 'timeout-ms': { type: 'string' },
    'client-id': { type: 'string' }, 'auth-domain': { type: 'string' }, baidu: { type: 'string' }, screenshot: { type: 'string' }, scan: { type: 'boolean' }, 'wait-s': { type: 'string' },
    app: { type: 'string' }, openapi: { type: 'string' },
  }, USAGE);
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  const url = (v: string | undefined) => !!v && /^https?:\/\/[^/]/.test(v) && URL.canParse(v);
  const usage = (which: string, why: string) => {
    process.stderr.write(`preflight probe: ${why}\n${which}`);
    return 2;
  };
  if (positionals.length > 1) return usage(USAGE, `one probe at a time, not ${positionals.join(' ')}`);
  const probe = positionals[0] as Probe | undefined;
  if (!probe || !(probe in OPTIONS_OF)) return usage(USAGE, probe ? `no probe named ${probe}: echostr, start-page or history` : 'which probe? echostr, start-page or history');
  const own: readonly string[] = OPTIONS_OF[probe];
  const foreign = Object.keys(values).find((k) => values[k as keyof typeof values] !== undefined && !own.includes(k));
  if (foreign) {
    const whose = (Object.keys(OPTIONS_OF) as Probe[]).filter((p) => (OPTIONS_OF[p] as readonly string[]).includes(foreign));
    return usage(USAGE_OF[probe], `--${foreign} is an option of probe ${whose.join(' and ')}, not of probe ${probe}`);
  }
  if (probe === 'start-page') {
    const waitS = Number(values['wait-s'] ?? 300);
    if (!url(values.to)) return usage(START_PAGE_USAGE, '--to must be the http(s) URL of the TP\'s 授权发起页');
    if (values.baidu !== undefined && !url(values.baidu)) return usage(START_PAGE_USAGE, '--baidu must be an http(s) URL (Baidu\'s smartprogram host, or an emulator)');
    if (values['auth-domain'] !== undefined && !/^[a-z0-9.-]+(:\d+)?$/i.test(values['auth-domain'])) return usage(START_PAGE_USAGE, '--auth-domain is a host as registered, e.g. tp.example.com');
    if (!(Number.isInteger(waitS) && waitS > 0)) return usage(START_PAGE_USAGE, '--wait-s must be a whole number of seconds above 0');
    if (values['wait-s'] !== undefined && !values.scan) return usage(START_PAGE_USAGE, '--wait-s is how long --scan waits for the admin: add --scan');
    // Checked before Chromium starts, so that a typo does not cost the verdict after it was printed.
    const folder = values.screenshot === undefined ? undefined : path.dirname(path.resolve(values.screenshot));
    if (folder && !statSync(folder, { throwIfNoEntry: false })?.isDirectory()) return usage(START_PAGE_USAGE, `--screenshot: no folder ${folder} to write it in`);
    return probeStartPage({ to: values.to!, clientId: values['client-id'], authDomain: values['auth-domain'], baidu: values.baidu, screenshot: values.screenshot, scan: values.scan, waitS });
  }
  if (probe === 'history') {
    const appId = Number(values.app);
    if (!values.app || !/^\d+$/.test(values.app) || !(appId > 0)) return usage(HISTORY_USAGE, '--app must be the mini program\'s app id (a number)');
    if (values.openapi !== undefined && !url(values.openapi)) return usage(HISTORY_USAGE, '--openapi must be an http(s) URL (Baidu\'s openapi host, or an emulator)');
    // Better not on the command line (shell history, the process list): `--token -` reads it from stdin.
    const timeoutMs = Number(values['timeout-ms'] ?? 5000);
    if (!(Number.isInteger(timeoutMs) && timeoutMs > 0)) return usage(HISTORY_USAGE, '--timeout-ms must be a whole number of milliseconds above 0');
    if (values.token === '-' && process.stdin.isTTY) process.stderr.write('reading the authorizer access token from stdin (paste it, then Ctrl-D)…\n');
    const token = (values.token === '-' ? await readStdin() : values.token ?? '').trim();
    if (!token) return usage(HISTORY_USAGE, 'no authorizer access token: pass --token - and pipe it in (your TP holds it), or --token <token>');
    return probeHistory({ appId, token, openapi: values.openapi, timeoutMs });
  }
  const timeoutMs = Number(values['timeout-ms'] ?? 5000);
  if (!url(values.to) || !(timeoutMs > 0)) {
    process.stderr.write(ECHOSTR_USAGE);
    return 2;
  }
  loadDotenv({ quiet: true });
  const token = values.token ?? process.env.TP_MESSAGE_TOKEN;
  if (!token) {
    process.stderr.write(`preflight probe: no message token: pass --token or set TP_MESSAGE_TOKEN (the 消息验证TOKEN the TP checks signatures with)\n${ECHOSTR_USAGE}`);
    return 2;
  }
  const handshake = (signed: boolean) => echoHandshake(token, {
    timestamp: String(Math.floor(Date.now() / 1000)), nonce: String(randomBytes(4).readUInt32BE(0) % 100_000_000), echoStr: randomBytes(12).toString('hex'),
  }, !signed);

  const good = await deliver(echoRequest(values.to!, handshake(true)), timeoutMs);
  process.stdout.write(`echoStr handshake → ${values.to}: ${describeAnswer(good)}\n`);
  if (good.outcome !== 'ok') {
    const refused = good.status !== null && good.status >= 400 && good.status < 500 && good.status !== 404 && good.status !== 405;
    const why = refused ? ' — the TP refused the handshake: is the token (--token or TP_MESSAGE_TOKEN) the 消息验证TOKEN it checks signatures with?'
      : good.outcome === 'bad-body' ? ' — answer with echoStr exactly, nothing around it' : pushHint(good);
    process.stderr.write(`preflight probe: Baidu's 客服能力权限 detection would fail: ${good.cause}${why}\n`);
    return 1;
  }
  const slow = good.latencyMs > BUDGET_MS ? ` (slower than the ${BUDGET_MS} ms Baidu is thought to wait: the timeout is not documented)` : '';
  process.stdout.write(`  answered with exactly echoStr: Baidu's 客服能力权限 detection would pass${slow}\n`);

  const bad = await deliver(echoRequest(values.to!, handshake(false)), timeoutMs);
  process.stdout.write(`wrong signature → ${values.to}: ${describeAnswer(bad)}\n`);
  process.stdout.write(bad.outcome === 'ok'
    ? '  warning: echoed although the signature was wrong — check signature = sha1(sort(token, timestamp, nonce)) before echoing\n'
    : '  not echoed: the signature is checked\n');
  return 0;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
