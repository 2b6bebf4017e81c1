// What every check and setup step is handed about the current run (built by the worker fixture in fixtures/).
import type { Config } from '../config.ts';
import type { TpUrls } from '../platform/launch.ts';
import type { EmulatorHandle } from './emulatorHandle.ts';
import type { SetupStep } from './selection.ts';

export interface Run {
  config: Config;
  emulator: EmulatorHandle;
  /**
   * The emulator as the TP left it before the probes injected faults: what Baidu's detection would have seen. The
   * authorization and permission-set checks judge this view; only the probes look past it.
   */
  beforeProbes: EmulatorHandle;
  tpUrls: TpUrls;
  runDir: string;
  /** Whether a setup step must run: a rerun of some checks leaves out the steps none of them stands on (selection.ts). */
  needs(step: SetupStep): boolean;
}
