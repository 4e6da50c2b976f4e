import electronUpdater from 'electron-updater';
import type { Logger, Updater, UpdaterEvent } from '../core/ports.js';

/**
 * The desktop app's self-updater: electron-updater against the generic feed electron-builder.yml publishes
 * (${OFFHOURS_UPDATE_URL}, recorded in app-update.yml at build). It downloads a found update in the background and
 * installs it only at quit, and only while core allows (setInstallOnQuit): never while a job runs. It never
 * restarts the app by itself. The one file that imports electron-updater.
 */
export class ElectronUpdater implements Updater {
  // The CommonJS module's getter creates the platform's updater (NSIS, DMG, AppImage, deb) on first use.
  private readonly updater = electronUpdater.autoUpdater;
  private readonly listeners = new Set<(event: UpdaterEvent) => void>();

  constructor(logger: Logger) {
    // Its own lines go through our logger, so the same redaction applies as to ours.
    this.updater.logger = logger;
    this.updater.autoDownload = true;
    this.updater.autoInstallOnAppQuit = false;
    this.updater.on('checking-for-update', () => this.emit({ kind: 'checking' }));
    this.updater.on('update-available', (info) => this.emit({ kind: 'available', version: info.version }));
    this.updater.on('update-not-available', () => this.emit({ kind: 'not-available' }));
    this.updater.on('download-progress', (progress) => this.emit({ kind: 'progress', percent: progress.percent }));
    this.updater.on('update-downloaded', (info) => this.emit({ kind: 'downloaded', version: info.version }));
    this.updater.on('error', (error) => this.emit({ kind: 'error', message: error.message }));
  }

  async check(): Promise<void> {
    try {
      await this.updater.checkForUpdates();
    } catch (error) {
      // electron-updater also emits 'error' for most failures; one it only throws still reaches the owner.
      this.emit({ kind: 'error', message: error instanceof Error ? error.message : String(error) });
    }
  }

  setInstallOnQuit(allowed: boolean): void {
    this.updater.autoInstallOnAppQuit = allowed;
  }

  onEvent(listener: (event: UpdaterEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: UpdaterEvent): void {
    this.listeners.forEach((listener) => listener(event));
  }
}
