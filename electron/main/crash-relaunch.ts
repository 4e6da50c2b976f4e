import { app, dialog } from 'electron';
import { CrashHandler } from '../core/crash/crash-handler.js';
import type { CrashHistoryStore, Logger } from '../core/ports.js';

export interface CrashRelaunchDeps {
  history: CrashHistoryStore;
  logger: Logger;
  now(): number;
}

/**
 * Relaunch after a main-process crash, with back-off (electron/core/crash): an uncaught error goes to the crash
 * handler, which relaunches through app.relaunch() after its wait or gives up with a dialog. A renderer that died is
 * reloaded; a helper process that died is logged (Electron restarts the GPU process itself). Installed before the
 * app is ready, so a crash while starting counts too.
 */
export function installCrashRelaunch(deps: CrashRelaunchDeps): void {
  const handler = new CrashHandler({
    ...deps,
    relaunchAfter: (delayMs) => {
      setTimeout(() => {
        app.relaunch();
        app.exit(1);
      }, delayMs);
    },
    giveUp: (reason, nextStep) => {
      if (app.isReady()) dialog.showErrorBox('Offhours keeps stopping', `${reason}\n\n${nextStep}`);
      app.exit(1);
    },
  });
  process.on('uncaughtException', (error) => handler.onCrash(error));
  app.on('render-process-gone', (_event, webContents, details) => {
    deps.logger.error('a window stopped unexpectedly', { reason: details.reason, exitCode: details.exitCode });
    if (details.reason !== 'clean-exit' && !webContents.isDestroyed()) webContents.reload();
  });
  app.on('child-process-gone', (_event, details) => {
    if (details.reason !== 'clean-exit') deps.logger.warn('a helper process stopped', { type: details.type, reason: details.reason, exitCode: details.exitCode });
  });
}
