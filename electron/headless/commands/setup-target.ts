import { BenchProgressSchema, BenchRunSummarySchema, type BenchProgress, type BenchRunSummary } from '../../../protocol/bench/wgsl/api-schemas.js';
import { GpuInventorySchema, type GpuInventory } from '../../../protocol/gpu.js';
import { SettingsSchema, type SchedulePreset, type Settings } from '../../../protocol/settings.js';
import { WalletSliceSchema, type WalletSlice } from '../../../protocol/wallet.js';
import { systemClock } from '../../core/adapters/console-logger.js';
import { SystemGpuProbe } from '../../core/adapters/system-gpu-probe.js';
import type { BenchService } from '../../core/bench/bench-service.js';
import type { GpuProbe, Logger } from '../../core/ports.js';
import { completeSetup } from '../../core/setup/complete-setup.js';
import { createHeadlessBench } from '../../compose/node-wiring.js';
import { callDaemon, listenToDaemon, NoDaemonError, readDaemonInfo } from './status.js';
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
  complete(preset: SchedulePreset): Promise<Settings>;
}

/** The benchmark can outlast the usual 5 s answer by far: SwiftShader's quick run takes minutes on a slow CPU. */
const BENCH_TIMEOUT_MS = 15 * 60_000;
/** A first GPU scan runs nvidia-smi and reads the PCI bus: seconds, not milliseconds. */
const DETECT_TIMEOUT_MS = 60_000;

function daemonTarget(info: ReturnType<typeof readDaemonInfo>): SetupTarget {
  const call = (method: string, input?: unknown, timeoutMs?: number) => callDaemon(info, method, input, timeoutMs);
  return {
    where: 'the running Offhours, which uses them at once',
    running: true,
    settings: async () => SettingsSchema.parse(await call('getSettings')),
    async inventory() {
      const state = (await call('getState')) as { gpus?: unknown };
      return GpuInventorySchema.parse(state.gpus ?? (await call('detectGpus', undefined, DETECT_TIMEOUT_MS)));
    },
    async bench(onProgress) {
      const events = await listenToDaemon(info, (event, payload) => {
        if (event === 'benchProgress') onProgress(BenchProgressSchema.parse(payload));
      });
      try {
        return BenchRunSummarySchema.parse(await call('runBenchmark', { quick: true, backend: 'webgpu' }, BENCH_TIMEOUT_MS));
      } finally {
        events.close();
      }
    },
    wallet: async () => WalletSliceSchema.parse(((await call('getState')) as { wallet?: unknown }).wallet),
    setWallet: async (address) => WalletSliceSchema.parse(await call('setWalletAddress', address)),
    createWallet: async () => WalletSliceSchema.parse(await call('createWallet')),
    complete: async (preset) => SettingsSchema.parse(await call('completeSetup', { schedulePreset: preset })),
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
    complete: async (preset) => completeSetup(settings, { schedulePreset: preset }, systemClock),
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
