import type { EmulatorEnv } from '../plugin';
import type { PayConfig } from './config';
import type { Notifier } from './notifier';
import type { PayState } from './state';
import type { Tasks } from './tasks';

/** Everything a Pay route needs, built once the plugin is registered with an emulator (which brings env). */
export interface PayRuntime {
  config: PayConfig;
  env: EmulatorEnv;
  state: PayState;
  tasks: Tasks;
  notifier: Notifier;
  /** The fault PRNG: seeded when faults carry a seed, else Math.random. */
  random(): number;
}
