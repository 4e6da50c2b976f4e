import { mkdirSync } from 'node:fs';
import { ProviderCore } from '../core/api.js';
import { ConfSettingsStore } from '../core/adapters/conf-settings-store.js';
import { systemClock } from '../core/adapters/console-logger.js';
import { SystemGpuProbe } from '../core/adapters/system-gpu-probe.js';
import { headlessIdleSource } from '../core/adapters/idle-headless.js';
import { headlessDeviceKeyStore } from '../core/bench/keys/headless.js';
import type { NetworkTarget } from '../core/network/slice.js';
import { createHeadlessBench, createHeadlessDoctor, createHeadlessJobs, earningsPorts, headlessLoginItem, logFilePath, networkPorts, processLogger, powerPorts, scheduleSources, walletPorts } from '../compose/node-wiring.js';
import { appVersion } from './paths.js';
import { PACKAGE_UPDATES_LINE } from '../../protocol/update.js';

export interface HeadlessCoreOptions {
  dataDir: string;
  quiet?: boolean;
  /** `--network` for this session (otherwise settings.network.coordinator). */
  network?: NetworkTarget;
  /** Values no log line may contain (the dashboard's access token). */
  secrets?: readonly string[];
}

/** Wires core to the plain-Node adapters: the headless daemon and the CLI verbs use exactly this. */
export function createHeadlessCore(options: HeadlessCoreOptions): ProviderCore {
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const gpuProbe = new SystemGpuProbe();
  const logger = processLogger(options.dataDir, { quiet: options.quiet ?? false, secrets: options.secrets ?? [] });
  const jobs = createHeadlessJobs(options.dataDir, logger, gpuProbe);
  const signer = headlessDeviceKeyStore(options.dataDir);
  return new ProviderCore({
    mode: 'headless',
    appVersion: appVersion(),
    dataDir: options.dataDir,
    ports: {
      clock: systemClock,
      logger,
      gpuProbe,
      settingsStore: new ConfSettingsStore(options.dataDir),
    },
    doctor: createHeadlessDoctor(options.dataDir, gpuProbe),
    jobs,
    bench: createHeadlessBench(options.dataDir, logger, signer),
    // The availability scheduler (issue 4): who is at the PC, what runs, how hot the GPU is.
    schedule: scheduleSources(jobs, headlessIdleSource(systemClock)),
    network: networkPorts(options.dataDir, logger, signer, options.network),
    earnings: earningsPorts(options.dataDir, logger),
    power: powerPorts(),
    wallet: walletPorts(options.dataDir),
    loginItem: headlessLoginItem(options.dataDir),
    // The dashboard may be on another machine than this rig: it gets the log's path, not a folder window.
    logs: { file: logFilePath(options.dataDir), revealer: null },
    updates: { kind: 'external', line: PACKAGE_UPDATES_LINE },
  });
}
