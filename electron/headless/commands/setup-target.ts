import type { BenchProgress, BenchRunSummary } from '../../../protocol/bench/wgsl/api-schemas.js';
import type { GpuInventory } from '../../../protocol/gpu.js';
import type { SchedulePreset, Settings } from '../../../protocol/settings.js';
import type { WalletSlice } from '../../../protocol/wallet.js';
import { systemClock } from '../../core/adapters/console-logger.js';
import { SystemGpuProbe } from '../../core/adapters/system-gpu-probe.js';
import type { BenchService } from '../../core/bench/bench-service.js';
import type { GpuProbe, Logger } from '../../core/ports.js';
import { completeSetup } from '../../core/setup/complete-setup.js';
import { createHeadlessBench } from '../../compose/node-wiring.js';
import { connectDaemon, NoDaemonError, readDaemonInfo, type DaemonInfo } from '../daemon-client.js';
import { openDataFolderWallet } from './wallet.js';

/** What `offhours setup` does, on the running Offhours or, when none runs, on the data folder itself (as `offhours wallet`). */
export interface SetupTarget {
  /** Where the answers are saved, said at the start and the end. */
  where: string;
  /** A running Offhours uses the answers at once; a data folder at its next start. */
  running: boolean;
  settings(): Promise<Settings>;
  inventory(): Promise<GpuInventory>;
  /** The quick WebGPU benchmark, kept in the benchmark history like any other run. */
  bench(onProgress: (progress: BenchProgress) => void): Promise<BenchRunSummary>;
  wallet(): Promise<WalletSlice>;
  setWallet(address: string): Promise<WalletSlice>;
  createWallet(): Promise<WalletSlice>;
  /** Finishes setup; `launchAtLogin` (the --start-at-login flag) also turns on starting at sign-in. */
  complete(preset: SchedulePreset, launchAtLogin?: boolean): Promise<Settings>;
}

function daemonTarget(info: DaemonInfo): SetupTarget {
  const daemon = connectDaemon(info);
  const { api } = daemon;
  return {
    where: 'the running Offhours, which uses them at once',
    running: true,
    settings: () => api.getSettings(),
    async inventory() {
      return (await api.getState()).gpus ?? (await api.detectGpus());
    },
    async bench(onProgress) {
      const stopListening = api.onBenchProgress(onProgress);
      try {
        await daemon.eventsOpen();
        return await api.runBenchmark({ quick: true, backend: 'webgpu' });
      } finally {
        stopListening();
        daemon.close();
      }
    },
    wallet: async () => (await api.getState()).wallet,
    setWallet: (address) => api.setWalletAddress(address),
    createWallet: () => api.createWallet(),
    complete: (preset, launchAtLogin) => api.completeSetup({ schedulePreset: preset, ...(launchAtLogin === undefined ? {} : { launchAtLogin }) }),
  };
}

export interface DataFolderPorts {
  probe: GpuProbe;
  bench(dataDir: string): Pick<BenchService, 'onProgress' | 'runWithReport'>;
}

const silent: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** What `offhours gpus` and `offhours bench` use: this machine's detector and the Dawn/CUDA benchmark. */
export function systemPorts(): DataFolderPorts {
  return {
    probe: new SystemGpuProbe(),
    // Progress and the outcome are printed by setup itself; log lines would only repeat them.
    bench: (dataDir) => createHeadlessBench(dataDir, silent),
  };
}

/** Core's own services over the data folder's files: settings, the wallet key, the benchmark history. */
export function dataFolderTarget(dataDir: string, ports: DataFolderPorts = systemPorts()): SetupTarget {
  const { settings, wallet } = openDataFolderWallet(dataDir);
  return {
    where: `the data folder ${dataDir} (Offhours is not running; it uses them when it starts)`,
    running: false,
    settings: async () => settings.get(),
    inventory: () => ports.probe.detect(),
    async bench(onProgress) {
      const service = ports.bench(dataDir);
      const off = service.onProgress(onProgress);
      try {
        return (await service.runWithReport({ quick: true, backend: 'webgpu' })).summary;
      } finally {
        off();
      }
    },
    wallet: async () => wallet.state(),
    setWallet: async (address) => wallet.setAddress(address),
    createWallet: () => wallet.create(),
    complete: async (preset, launchAtLogin) => completeSetup(settings, { schedulePreset: preset, ...(launchAtLogin === undefined ? {} : { launchAtLogin }) }, systemClock),
  };
}

/** The running Offhours when there is one, else the data folder. */
export function setupTargetFor(dataDir: string, ports?: DataFolderPorts): SetupTarget {
  try {
    return daemonTarget(readDaemonInfo(dataDir));
  } catch (error) {
    if (error instanceof NoDaemonError) return dataFolderTarget(dataDir, ports);
    throw error;
  }
}
