// Starts the TP under test when the harness owns it (the reference TP or a mutant), and gives back the TP's URLs.
// External TPs are not started: their URLs come from the configuration. Either way the harness then reaches the
// TP only through these URLs — one code path (issue 4).
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
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

/** A TCP port free on 127.0.0.1 right now (the kernel's pick), for a server whose URL must be known before it starts. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Spawns `entry` (a module that calls runReferenceTp) with the TP's variables pointed at the emulator; resolves once it
 * listens. `port` fixes its port (0: any), so its URLs can be handed out before it is up.
 */
export async function launchTp(entry: string, config: Config, emulatorUrl: string, opts: { port?: number; timeoutMs?: number } = {}): Promise<LaunchedTp> {
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', entry], {
    env: {
      ...process.env,
      TP_CLIENT_ID: config.tp.clientId,
      TP_APP_ID: String(config.tp.tpAppId),
      TP_MESSAGE_TOKEN: config.tp.messageToken,
      TP_ENCODING_AES_KEY: config.tp.encodingAesKey,
      BAIDU_OPENAPI_URL: emulatorUrl,
      BAIDU_SMARTPROGRAM_URL: emulatorUrl,
      REFERENCE_TP_PORT: String(opts.port ?? 0),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
  const base = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`TP ${entry} did not start within ${timeoutMs} ms: ${stderr}`));
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
      reject(new Error(`TP ${entry} exited with code ${code} before listening: ${stderr}`));
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
