// Starting and stopping an emulator: used by the run's global setup, `npm run emulator` and the tests.
import { Emulator, type EmulatorOptions } from './emulator.ts';
import type { Handlers } from './handler.ts';
import { defaultHandlers, listen, type RunningServer } from './server.ts';
import { ensureCertificates } from './tls.ts';

export interface StartedEmulator {
  emu: Emulator;
  url: string;
  port: number;
  /** Set when HTTPS was asked for: the same emulator behind a certificate for Baidu's host names. */
  httpsUrl?: string;
  caPath?: string;
  stop(): Promise<void>;
}

export async function startEmulator(opts: Partial<EmulatorOptions> & { port?: number; host?: string; handlers?: Handlers; httpsPort?: number } = {}): Promise<StartedEmulator> {
  const { port: _p, host: _h, handlers: _hs, httpsPort, ...rest } = opts;
  const emu = new Emulator({ ...rest, seed: opts.seed ?? '1', ticketIntervalS: opts.ticketIntervalS ?? 600, pushTimeoutMs: opts.pushTimeoutMs ?? 5000 });
  const handlers = { ...defaultHandlers(), ...opts.handlers };
  const host = opts.host ?? '127.0.0.1';
  const server: RunningServer = await listen(emu, handlers, opts.port ?? 0, host).catch((e) => Promise.reject(portError(e, host, opts.port ?? 0, false)));
  let secure: RunningServer | undefined;
  let caPath: string | undefined;
  if (httpsPort !== undefined) {
    try {
      const tls = await ensureCertificates();
      caPath = tls.caPath;
      secure = await listen(emu, handlers, httpsPort, host, tls);
    } catch (e) {
      emu.stop();
      await server.close();
      throw portError(e, host, httpsPort, true);
    }
  }
  return {
    emu,
    url: server.url,
    port: server.port,
    httpsUrl: secure?.url,
    caPath,
    async stop() {
      emu.stop();
      await Promise.all([server.close(), secure?.close()]);
    },
  };
}

/** A port someone else holds, said plainly: which port, which server, and the variable that chose it. */
export class EmulatorPortError extends Error {
  constructor(readonly port: number, readonly https: boolean, host: string) {
    super(`the emulator cannot listen on ${host}:${port}${https ? ' (HTTPS)' : ''}: the port is in use — stop what holds it `
      + `(a \`npm run emulator\` still running? a run starts its own), or choose another port with ${https ? 'PREFLIGHT_EMULATOR_HTTPS_PORT' : 'PREFLIGHT_EMULATOR_PORT'}`);
    // A machine's state, not a bug: no stack, so Playwright prints the sentence without our source around it.
    this.stack = `Error: ${this.message}`;
  }
}

function portError(e: unknown, host: string, port: number, https: boolean): unknown {
  return (e as NodeJS.ErrnoException)?.code === 'EADDRINUSE' ? new EmulatorPortError(port, https, host) : e;
}

export { Emulator };
