// `preflight probe <echostr | start-page | history>`: the live probes, each a question Baidu's detection asks, put to a
// deployed TP or to Baidu itself (probeEchostr.ts, probeStartPage.ts, probeHistory.ts). This file only reads the
// command line: each probe's own options (another probe's option is a usage error naming whose it is), exit 2 with
// the reason on a usage error.
import { statSync } from 'node:fs';
import path from 'node:path';
import { parseCommand } from './args.ts';
import { ECHOSTR_USAGE, probeEchostr } from './probeEchostr.ts';
import { probeStartPage, START_PAGE_USAGE } from './probeStartPage.ts';
import { HISTORY_USAGE, probeHistory } from './probeHistory.ts';

const USAGE = `${ECHOSTR_USAGE}${START_PAGE_USAGE}${HISTORY_USAGE}`;
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
  const isHttpUrl = (v: string | undefined) => !!v && /^https?:\/\/[^/]/.test(v) && URL.canParse(v);
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
    if (!isHttpUrl(values.to)) return usage(START_PAGE_USAGE, '--to must be the http(s) URL of the TP\'s 授权发起页');
    if (values.baidu !== undefined && !isHttpUrl(values.baidu)) return usage(START_PAGE_USAGE, '--baidu must be an http(s) URL (Baidu\'s smartprogram host, or an emulator)');
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
    if (values.openapi !== undefined && !isHttpUrl(values.openapi)) return usage(HISTORY_USAGE, '--openapi must be an http(s) URL (Baidu\'s openapi host, or an emulator)');
    const timeoutMs = Number(values['timeout-ms'] ?? 5000);
    if (!(Number.isInteger(timeoutMs) && timeoutMs > 0)) return usage(HISTORY_USAGE, '--timeout-ms must be a whole number of milliseconds above 0');
    // Better not on the command line (shell history, the process list): `--token -` reads it from stdin.
    if (values.token === '-' && process.stdin.isTTY) process.stderr.write('reading the authorizer access token from stdin (paste it, then Ctrl-D)…\n');
    const token = (values.token === '-' ? await readStdin() : values.token ?? '').trim();
    if (!token) return usage(HISTORY_USAGE, 'no authorizer access token: pass --token - and pipe it in (your TP holds it), or --token <token>');
    return probeHistory({ appId, token, openapi: values.openapi, timeoutMs });
  }
  const timeoutMs = Number(values['timeout-ms'] ?? 5000);
  if (!isHttpUrl(values.to)) return usage(ECHOSTR_USAGE, '--to must be the http(s) URL of the TP\'s 消息与事件接收URL');
  if (!(Number.isInteger(timeoutMs) && timeoutMs > 0)) return usage(ECHOSTR_USAGE, '--timeout-ms must be a whole number of milliseconds above 0');
  return probeEchostr({ to: values.to!, token: values.token, timeoutMs });
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
