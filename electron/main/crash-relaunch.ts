import { app, dialog } from 'electron';
import { decideRelaunch } from '../core/crash/relaunch-policy.js';
import type { CrashHistoryStore, Logger } from '../core/ports.js';

export interface CrashRelaunchDeps {
  history: CrashHistoryStore;
  logger: Logger;
  now(): number;
}

/**
 * After an uncaught error in the main process: log it, then relaunch after the policy's back-off
 * (electron/core/crash/relaunch-policy.ts), or give up and say why once it keeps crashing. The crash times live in
 * the data folder, so the back-off survives the relaunch. A renderer that died is reloaded; a helper process that
 * died is logged (Electron restarts the GPU process itself). Installed before the app is ready, so a crash while
 * starting counts too.
 */
export function installCrashRelaunch(deps: CrashRelaunchDeps): void {
  let handling = false;
  process.on('uncaughtException', (error) => {
    deps.logger.error('the main process crashed', { error: error.stack ?? String(error) });
    // A second error while we wait to relaunch is the same crash, not another one.
    if (handling) return;
    handling = true;
    const decision = decideRelaunch(deps.history.load(), deps.now());
    deps.history.save(decision.history);
    if (decision.kind === 'give-up') {
      deps.logger.error('not relaunching', { reason: decision.reason });
      if (app.isReady()) dialog.showErrorBox('Offhours keeps stopping', `${decision.reason}\n\n${decision.nextStep}`);
      app.exit(1);
      return;
    }
    deps.logger.warn('relaunching after a crash', { delayMs: decision.delayMs });
    setTimeout(() => {
      app.relaunch();
      app.exit(1);
    }, decision.delayMs);
  });
  app.on('render-process-gone', (_event, webContents, details) => {
    deps.logger.error('a window stopped unexpectedly', { reason: details.reason, exitCode: details.exitCode });
    if (details.reason !== 'clean-exit' && !webContents.isDestroyed()) webContents.reload();
  });
  app.on('child-process-gone', (_event, details) => {
    if (details.reason !== 'clean-exit') deps.logger.warn('a helper process stopped', { type: details.type, reason: details.reason, exitCode: details.exitCode });
  });
}
