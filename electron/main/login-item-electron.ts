import { app } from 'electron';
import type { LoginItem } from '../core/ports.js';

/** Windows and macOS sign-in start through Electron; the app then starts hidden in the tray (--hidden). */
export class ElectronLoginItem implements LoginItem {
  async setEnabled(enabled: boolean): Promise<void> {
    app.setLoginItemSettings({ openAtLogin: enabled, args: ['--hidden'] });
    // Windows can refuse silently (group policy, a startup entry disabled in Task Manager): read it back.
    if (app.getLoginItemSettings({ args: ['--hidden'] }).openAtLogin !== enabled) {
      throw new Error(enabled ? 'Windows or macOS did not accept the startup entry (it may be disabled in Task Manager or by your administrator).' : 'The startup entry is still there.');
    }
  }
}
