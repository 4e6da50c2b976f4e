import { mkdirSync } from 'node:fs';
import { ProviderCore } from '../core/api.js';
import { ConfSettingsStore } from '../core/adapters/conf-settings-store.js';
import { ConsoleLogger, systemClock } from '../core/adapters/console-logger.js';
import { SystemGpuProbe } from '../core/adapters/system-gpu-probe.js';
import { appVersion } from './paths.js';

export interface HeadlessCoreOptions {
  dataDir: string;
  quiet?: boolean;
}

/** Wires core to the plain-Node adapters: the headless daemon and the CLI verbs use exactly this. */
export function createHeadlessCore(options: HeadlessCoreOptions): ProviderCore {
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  return new ProviderCore({
    mode: 'headless',
    appVersion: appVersion(),
    dataDir: options.dataDir,
    ports: {
      clock: systemClock,
      logger: new ConsoleLogger(options.quiet ?? false),
      gpuProbe: new SystemGpuProbe(),
      settingsStore: new ConfSettingsStore(options.dataDir),
    },
  });
}
