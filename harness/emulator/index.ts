// Starting and stopping an emulator: used by the run's global setup, `npm run emulator` and the tests.
import { Emulator, type EmulatorOptions } from './emulator.ts';
import type { Handlers } from './handler.ts';
import { defaultHandlers, listen, type RunningServer } from './server.ts';

export interface StartedEmulator {
  emu: Emulator;
  url: string;
  port: number;
  stop(): Promise<void>;
}

export async function startEmulator(opts: Partial<EmulatorOptions> & { port?: number; host?: string; handlers?: Handlers } = {}): Promise<StartedEmulator> {
  const { port: _p, host: _h, handlers: _hs, ...rest } = opts;
  const emu = new Emulator({ ...rest, seed: opts.seed ?? '1', ticketIntervalS: opts.ticketIntervalS ?? 600, pushTimeoutMs: opts.pushTimeoutMs ?? 5000 });
  const server: RunningServer = await listen(emu, { ...defaultHandlers(), ...opts.handlers }, opts.port ?? 0, opts.host ?? '127.0.0.1');
  return {
    emu,
    url: server.url,
    port: server.port,
    async stop() {
      emu.stop();
      await server.close();
    },
  };
}

export { Emulator };
