import { app, dialog, Menu, type BrowserWindow } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { localDayKey } from '../../protocol/earnings-stats.js';
import type { ProviderCore } from '../core/api.js';
import { createDesktopCore } from './compose.js';
import { CrashHistoryFile } from '../core/adapters/crash-history-file.js';
import { processLogger } from '../compose/node-wiring.js';
import { installCrashRelaunch } from './crash-relaunch.js';
import { forwardEvents, registerIpc } from './ipc.js';
import { installNotifications } from './notifications.js';
import { installPanicHotkey } from './panic-hotkey.js';
import { trayModel, type TrayAction, type TrayModel } from '../core/tray/tray-model.js';
import { AppTray } from './tray.js';
import { createMainWindow, hardenSession } from './window.js';

/** What Playwright's end-to-end test may read from the main process (only with OFFHOURS_E2E=1). */
export interface ShellTestHook {
  trayAlive(): boolean;
  trayStatusLine(): string | null;
  /** The tray menu's items as drawn now (separators left out). */
  trayMenu(): Array<{ label: string; enabled: boolean }>;
  /** Does what clicking the enabled item with this label does; false when there is none. */
  clickTray(label: string): boolean;
}

/** The Electron shell: lifecycle, the window, the tray and the IPC transport around one ProviderCore. */
class DesktopShell {
  private readonly appRoot = app.getAppPath();
  private readonly indexUrl = pathToFileURL(join(this.appRoot, 'dist', 'renderer', 'index.html')).href;
  private readonly resourcesDir = join(this.appRoot, 'resources');
  private core: ProviderCore | null = null;
  private window: BrowserWindow | null = null;
  private tray: AppTray | null = null;
  private model: TrayModel | null = null;
  private quitting = false;
  private disposers: Array<() => void> = [];
  private readonly dataDir = app.getPath('userData');
  private readonly logger = processLogger(this.dataDir);

  start(): void {
    if (!app.requestSingleInstanceLock()) {
      app.quit();
      return;
    }
    installCrashRelaunch({ history: new CrashHistoryFile(join(this.dataDir, 'crash-history.json')), logger: this.logger, now: () => Date.now() });
    app.on('second-instance', () => this.open());
    app.on('activate', () => this.open());
    app.on('before-quit', () => {
      this.quitting = true;
    });
    app.on('window-all-closed', () => {
      // With close-to-tray the window only hides; getting here means the owner really closed it.
      if (process.platform !== 'darwin') app.quit();
    });
    app.on('will-quit', () => {
      this.disposers.splice(0).forEach((dispose) => dispose());
      this.tray?.destroy();
      void this.core?.stop();
    });
    app
      .whenReady()
      .then(() => this.ready())
      .catch((error: unknown) => this.fatal(error));
  }

  private ready(): void {
    if (process.platform === 'win32') app.setAppUserModelId('app.offhours.desktop');
    if (process.platform !== 'darwin') Menu.setApplicationMenu(null);
    hardenSession();
    const core = createDesktopCore({
      dataDir: this.dataDir,
      logger: this.logger,
      appVersion: app.getVersion(),
      appRoot: this.appRoot,
      resourcesPath: app.isPackaged ? process.resourcesPath : null,
      packaged: app.isPackaged,
    });
    this.core = core;
    this.disposers.push(registerIpc(core.handlers, this.indexUrl));
    // Started at sign-in (--hidden): only the tray, so the desktop is not covered by a window the owner did not open.
    if (!process.argv.includes('--hidden')) this.open();
    this.model = this.trayModel();
    this.tray = new AppTray(this.resourcesDir, (action) => this.trayAction(action), this.model);
    this.disposers.push(core.events.on('state', () => this.refreshTray()));
    this.disposers.push(core.settings.onChange(() => this.refreshTray()));
    this.disposers.push(installPanicHotkey(core));
    this.disposers.push(installNotifications(core, this.dataDir));
    // A timed pause ends on its own and today's earnings start again at midnight: look again every minute.
    const timer = setInterval(() => this.refreshTray(), 60_000);
    this.disposers.push(() => clearInterval(timer));
    this.installTestHook();
    core.start().catch((error: unknown) => console.error('Offhours core failed to start', error));
  }

  private open(): void {
    if (!this.core) return;
    if (!this.window || this.window.isDestroyed()) {
      const window = createMainWindow({
        indexUrl: this.indexUrl,
        preloadPath: join(this.appRoot, 'dist', 'electron', 'preload', 'preload.cjs'),
        iconPath: join(this.resourcesDir, 'icon.png'),
        devTools: !app.isPackaged,
      });
      const stopForwarding = forwardEvents(this.core.events, window);
      window.on('close', (event) => {
        if (!this.quitting && this.core?.settings.get().general.closeToTray && this.tray?.isAlive()) {
          event.preventDefault();
          window.hide();
        }
      });
      window.on('closed', () => {
        stopForwarding();
        if (this.window === window) this.window = null;
      });
      this.window = window;
      return;
    }
    if (this.window.isMinimized()) this.window.restore();
    this.window.show();
    this.window.focus();
  }

  private trayAction(action: TrayAction): void {
    if (action === 'open') return this.open();
    if (action === 'quit') return app.quit();
    if (!this.core) return;
    // The scheduler's own actions: they set settings.schedule.pausedUntil and re-sample at once.
    const { handlers } = this.core;
    const change =
      action === 'resume' ? handlers.resumeEarning(undefined) : handlers.pauseEarning(action === 'pause-hour' ? { kind: 'for', minutes: 60 } : { kind: 'until-tomorrow' });
    change.catch((error: unknown) => console.error('Could not change the pause setting', error));
  }

  private trayModel(): TrayModel {
    return trayModel({ state: this.core!.getState(), today: localDayKey(Date.now()) });
  }

  private refreshTray(): void {
    if (!this.core || !this.tray) return;
    this.model = this.trayModel();
    this.tray.render(this.model);
  }

  private installTestHook(): void {
    if (process.env.OFFHOURS_E2E !== '1') return;
    const hook: ShellTestHook = {
      trayAlive: () => this.tray?.isAlive() ?? false,
      trayStatusLine: () => this.model?.statusLine ?? null,
      trayMenu: () => (this.tray?.menuItems() ?? []).map((item) => ({ label: item.label, enabled: item.enabled })),
      clickTray: (label) => {
        // The real menu item's own click handler, as a click in the tray menu runs it.
        const item = this.tray?.menuItems().find((candidate) => candidate.label === label && candidate.enabled);
        if (!item) return false;
        item.click();
        return true;
      },
    };
    (globalThis as { __offhoursShell?: ShellTestHook }).__offhoursShell = hook;
  }

  private fatal(error: unknown): void {
    console.error('Offhours could not start', error);
    dialog.showErrorBox('Offhours could not start', `${error instanceof Error ? error.message : String(error)}\n\nRun "offhours doctor" in a terminal to see what is missing, then start Offhours again.`);
    app.exit(1);
  }
}

// A separate profile for tests and side-by-side installs; must be set before the app is ready.
if (process.env.OFFHOURS_DATA_DIR) app.setPath('userData', process.env.OFFHOURS_DATA_DIR);
new DesktopShell().start();
