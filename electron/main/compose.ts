import { safeStorage } from 'electron';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ProviderCore } from '../core/api.js';
import { systemClock } from '../core/adapters/console-logger.js';
import { XdgAutostartLoginItem } from '../core/adapters/login-item-xdg.js';
import { ElectronLoginItem } from './login-item-electron.js';
import { DawnWebGpuRunner } from '../core/adapters/dawn-webgpu.js';
import { headlessIdleSource } from '../core/adapters/idle-headless.js';
import { SystemGpuProbe } from '../core/adapters/system-gpu-probe.js';
import { cudaBenchCandidates } from '../core/doctor/checks/benchmark.js';
import { DeviceKeyFileStore } from '../core/bench/keys/device-key-store.js';
import { KEYS_DIR } from '../core/bench/keys/headless.js';
import { chooseDesktopSealer } from '../core/bench/keys/safe-storage-sealer.js';
import { createHeadlessBench, createHeadlessDoctor, createHeadlessJobs, earningsPorts, headlessSealer, logFilePath, powerPorts, networkPorts, nodeTimers, scheduleSources, walletPorts } from '../compose/node-wiring.js';
import { DEVELOPMENT_UPDATES_LINE } from '../../protocol/update.js';
import type { ProviderCoreOptions } from '../core/api.js';
import { ElectronFileRevealer } from './file-revealer-electron.js';
import { ElectronUpdater } from './updater-electron.js';
import { UtilityProcessLauncher } from './node-child-utility.js';
import type { SecretSealer } from '../core/ports.js';
import type { ConsoleLogger } from '../core/adapters/console-logger.js';
import { ElectronStoreSettings } from './electron-store-settings.js';
import { PowerMonitorIdleSource } from './power-monitor-idle.js';

export interface DesktopCoreOptions {
  dataDir: string;
  appVersion: string;
  /** The app's root (app.getAppPath()): the source checkout in development, app.asar when packaged. */
  appRoot: string;
  /** process.resourcesPath when packaged (extraResources live there), else null. */
  resourcesPath: string | null;
  /** app.isPackaged: only an installed app updates itself (electron-updater needs its app-update.yml). */
  packaged: boolean;
  /** The shell's logger (stderr and <data>/logs/offhours.log), made before the app is ready so crashes while starting are logged. */
  logger: ConsoleLogger;
}

/**
 * Core wired for the desktop app; mirrors electron/headless/compose.ts with mode 'desktop', building from the same
 * shared wiring (electron/compose/node-wiring.ts) and swapping in the Electron adapters: electron-store settings and powerMonitor idle
 * (Windows/macOS).
 * Seams for later: a hidden BrowserWindow running the WebGPU benchmark on navigator.gpu would implement
 * WebGpuRunner and replace DawnWebGpuRunner.
 */
export function createDesktopCore(options: DesktopCoreOptions): ProviderCore {
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const logger = options.logger;
  // The app's binary never runs as plain Node (RunAsNode fuse off): its Node children are utility processes.
  const children = new UtilityProcessLauncher();
  const gpuProbe = new SystemGpuProbe(systemClock, children);
  const jobs = createHeadlessJobs(options.dataDir, logger, gpuProbe);
  const doctor = createHeadlessDoctor(options.dataDir, gpuProbe, new DawnWebGpuRunner({ children }), {
    runtime: 'electron',
    cudaBenchPaths: cudaBenchCandidates(options.appRoot, options.resourcesPath),
  });
  const sealer = desktopSealer(options.dataDir);
  const deviceKey = desktopDeviceKeyStore(options.dataDir, sealer);
  return new ProviderCore({
    mode: 'desktop',
    appVersion: options.appVersion,
    dataDir: options.dataDir,
    ports: {
      clock: systemClock,
      logger,
      gpuProbe,
      settingsStore: new ElectronStoreSettings(options.dataDir),
    },
    doctor,
    jobs,
    bench: createHeadlessBench(options.dataDir, logger, deviceKey, children),
    schedule: scheduleSources(jobs, process.platform === 'linux' ? headlessIdleSource(systemClock) : new PowerMonitorIdleSource()),
    network: networkPorts(options.dataDir, logger, deviceKey, undefined, children),
    earnings: earningsPorts(options.dataDir, logger),
    power: powerPorts(),
    // The wallet key is sealed like the device key; one the CLI created without the app (file key) still opens.
    wallet: walletPorts(options.dataDir, [sealer, headlessSealer(options.dataDir)]),
    updates: desktopUpdates(options.packaged, logger),
    // "Reveal logs" opens the folder in the file manager: the desktop app's window is on this PC.
    logs: { file: logFilePath(options.dataDir), revealer: new ElectronFileRevealer() },
    // Electron's login items do nothing on Linux: the same XDG autostart entry as the headless service, starting the app (or its AppImage) hidden.
    loginItem: process.platform === 'linux' ? XdgAutostartLoginItem.forThisUser([process.env.APPIMAGE ?? process.execPath, '--hidden']) : new ElectronLoginItem(),
  });
}

/** The installed app updates itself; a development copy says it does not. */
function desktopUpdates(packaged: boolean, logger: ConsoleLogger): NonNullable<ProviderCoreOptions['updates']> {
  if (!packaged) return { kind: 'external', line: DEVELOPMENT_UPDATES_LINE };
  return { kind: 'self', updater: new ElectronUpdater(logger), timers: nodeTimers };
}

/** The OS keychain through safeStorage (the AES file key where Linux has no keychain). */
function desktopSealer(dataDir: string): SecretSealer {
  return chooseDesktopSealer(safeStorage, join(dataDir, KEYS_DIR, 'sealing.key'));
}

/** The device key sealed by the desktop sealer. */
function desktopDeviceKeyStore(dataDir: string, sealer: SecretSealer): DeviceKeyFileStore {
  return new DeviceKeyFileStore({ file: join(dataDir, KEYS_DIR, 'device-key.json'), sealer, now: () => new Date() });
}
