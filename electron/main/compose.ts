import { mkdirSync } from 'node:fs';
import { ProviderCore } from '../core/api.js';
import { ConsoleLogger, systemClock } from '../core/adapters/console-logger.js';
import { DawnWebGpuRunner } from '../core/adapters/dawn-webgpu.js';
import { SystemGpuProbe } from '../core/adapters/system-gpu-probe.js';
import { cudaBenchCandidates } from '../core/doctor/checks/benchmark.js';
import { Doctor } from '../core/doctor/index.js';
import { ElectronStoreSettings } from './electron-store-settings.js';

export interface DesktopCoreOptions {
  dataDir: string;
  appVersion: string;
  /** The app's root (app.getAppPath()): the source checkout in development, app.asar when packaged. */
  appRoot: string;
  /** process.resourcesPath when packaged (extraResources live there), else null. */
  resourcesPath: string | null;
}

/**
 * Core wired to the desktop adapters; mirrors electron/headless/compose.ts with mode 'desktop'.
 * Seam for later: a hidden BrowserWindow running the WebGPU benchmark on navigator.gpu would implement
 * WebGpuRunner and replace DawnWebGpuRunner here (and in the bench service once it is wired).
 */
export function createDesktopCore(options: DesktopCoreOptions): ProviderCore {
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const gpuProbe = new SystemGpuProbe();
  const webgpu = new DawnWebGpuRunner();
  const doctor = new Doctor(
    {
      dataDir: options.dataDir,
      nodeVersion: process.versions.node,
      runtime: 'electron',
      detectGpus: () => gpuProbe.detectDetailed(),
      webgpu,
      cudaBenchPaths: cudaBenchCandidates(options.appRoot, options.resourcesPath),
    },
    systemClock,
  );
  return new ProviderCore({
    mode: 'desktop',
    appVersion: options.appVersion,
    dataDir: options.dataDir,
    ports: {
      clock: systemClock,
      logger: new ConsoleLogger(false),
      gpuProbe,
      settingsStore: new ElectronStoreSettings(options.dataDir),
    },
    doctor,
  });
}
