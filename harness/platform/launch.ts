// Starts the TP under test when the harness owns it (the reference TP or a mutant), and gives back the TP's URLs.
// External TPs are not started: their URLs come from the configuration. Either way the harness then reaches the
// TP only through these URLs — one code path (issue 4).
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Config } from '../config.ts';
import { PATHS } from './reference/server.ts';

export interface TpUrls {
  authEvent: string;
  messageEvent: string;
  authStart: string;
  hook?: string;
}

export interface LaunchedTp {
  urls: TpUrls;
  /** The TP process's stderr tail, for a failure message when it dies. */
  logs(): string;
  stop(): Promise<void>;
}

export const REFERENCE_ENTRY = fileURLToPath(new URL('./reference/main.ts', import.meta.url));

export function urlsFromBase(base: string): TpUrls {
  return { authEvent: base + PATHS.authEvents, messageEvent: base + PATHS.messageEvents, authStart: base + PATHS.authStart, hook: base + PATHS.hook };
}

/**
 * A TCP port free on 127.0.0.1 right now, for a server of another process whose URL must be known before it starts
 * (the emulator of an external-mode run). Picked below the kernel's ephemeral range when it can be: a port the kernel
 * handed out is soon handed out again — to a listen(0) such as Chromium's or to an outgoing connection — before that
 * server binds it, and it dies with EADDRINUSE. For a TP the harness launches, reserveSocket() leaves no gap at all.
 */
export async function freePort(): Promise<number> {
  const low = ephemeralLow();
  for (let attempt = 0; low > 11_000 && attempt < 20; attempt++) {
    const port = 10_000 + Math.floor(Math.random() * (low - 10_000));
    if (await canBind(port)) return port;
  }
  const { port, server } = await reserveSocket();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function ephemeralLow(): number {
  try {
    return Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || 0;
  } catch {
    return 0; // not Linux: the kernel's pick
  }
}

/** Whether 127.0.0.1:port can be bound right now (bound and let go at once). */
export function canBind(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * A socket listening on 127.0.0.1, held until launchTp hands it to the TP process: its port — so the TP's URLs — is
 * known before the TP boots, and no other socket can take it meanwhile (a port merely found free was taken by
 * Chromium's or an outgoing connection's now and then, and the TP died with EADDRINUSE).
 */
export interface ReservedSocket {
  port: number;
  server: Server;
}

export async function reserveSocket(): Promise<ReservedSocket> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, server };
}

/**
 * A TP's stderr with its gist first: reports and skip reasons show a failure's first line, and Node's report of an
 * uncaught exception starts with the source location (`node:internal/modules/run_main:123`), not the error. The gist
 * is the first `…Error: …` line (with the line after it when it ends in a colon, as "Transform failed with 1 error:"
 * does), else the first line; the whole stderr follows it.
 */
export function withGist(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  if (!lines.length) return '(nothing on stderr)';
  const at = lines.findIndex((l) => /^([A-Z]\w*)?Error\b[^:]*:/.test(l));
  if (at <= 0) return stderr.trim();
  const gist = lines[at]!.endsWith(':') && lines[at + 1] ? `${lines[at]} ${lines[at + 1]}` : lines[at]!;
  return `${gist}\n${stderr.trim()}`;
}

/**
 * Spawns `entry` (a module that calls runReferenceTp) with the TP's variables pointed at the emulator; resolves once it
 * listens. `socket` is handed over for it to listen on (its URLs can be given out before it is up); else any free port.
 */
export async function launchTp(entry: string, config: Config, emulatorUrl: string, opts: { socket?: ReservedSocket; timeoutMs?: number } = {}): Promise<LaunchedTp> {
  const timeoutMs = opts.timeoutMs ?? 15_000;
  // tsx resolved here, not from the working folder: a replay may start the run's TP from anywhere.
  const child: ChildProcess = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), entry], {
    env: {
      ...process.env,
      TP_CLIENT_ID: config.tp.clientId,
      TP_APP_ID: String(config.tp.tpAppId),
      TP_MESSAGE_TOKEN: config.tp.messageToken,
      TP_ENCODING_AES_KEY: config.tp.encodingAesKey,
      BAIDU_OPENAPI_URL: emulatorUrl,
      BAIDU_SMARTPROGRAM_URL: emulatorUrl,
      REFERENCE_TP_PORT: '0',
      ...(opts.socket ? { REFERENCE_TP_LISTEN: 'ipc' } : {}),
    },
    stdio: opts.socket ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
  });
  if (opts.socket) {
    const { server } = opts.socket;
    // The child gets its own copy of the socket; ours is closed once sent (or once the child is gone).
    child.send('listen', server, () => server.close());
    child.once('exit', () => server.close());
  }
  // A TP outlives nobody who started it: when this process exits (a signal's handler, an error), it goes too.
  const onExit = () => void child.kill('SIGTERM');
  process.once('exit', onExit);
  child.once('exit', () => process.off('exit', onExit));
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
  const base = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`TP ${entry} did not start within ${timeoutMs} ms: ${withGist(stderr)}`));
    }, timeoutMs);
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /REFERENCE_TP_LISTENING (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`TP ${entry} exited with code ${code} before listening: ${withGist(stderr)}`));
    });
  });
  child.stdout!.resume();
  return {
    urls: urlsFromBase(base),
    logs: () => stderr,
    stop: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 2000).unref();
    }),
  };
}
