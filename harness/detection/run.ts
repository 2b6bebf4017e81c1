// What every check and setup step is handed about the current run (built by the worker fixture in fixtures/).
import type { Config } from '../config.ts';
import type { TpUrls } from '../platform/launch.ts';
import type { EmulatorHandle } from './emulatorHandle.ts';

export interface Run {
  config: Config;
  emulator: EmulatorHandle;
  tpUrls: TpUrls;
  runDir: string;
}
