import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { LoginItem } from '../ports.js';

/** Characters the Desktop Entry spec reserves in Exec arguments: such an argument must be quoted. */
const RESERVED = /[\s"'\\><~|&;$*?#()`]/;

/** One Exec argument: quoted where needed (", `, $ and \ escaped inside), % doubled, then the string escape for \. */
export function execArgument(arg: string): string {
  const escapedPercent = arg.replace(/%/g, '%%');
  const quoted = arg === '' || RESERVED.test(arg) ? `"${escapedPercent.replace(/(["`$\\])/g, '\\$1')}"` : escapedPercent;
  return quoted.replace(/\\/g, '\\\\');
}

/** The autostart entry: a Desktop Entry file that starts `exec` at sign-in (freedesktop.org autostart spec). */
export function autostartEntry(exec: readonly string[], name = 'Offhours'): string {
  for (const arg of exec) if (/[\n\r]/.test(arg)) throw new Error('A startup command cannot contain a line break.');
  return [
    '[Desktop Entry]',
    'Type=Application',
    `Name=${name}`,
    'Comment=Rent out your GPU while you are away',
    `Exec=${exec.map(execArgument).join(' ')}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

/**
 * Linux sign-in start through an XDG autostart entry (GNOME, KDE, XFCE and others read ~/.config/autostart);
 * Electron's own login-item API does nothing on Linux, and the headless service uses this too.
 */
export class XdgAutostartLoginItem implements LoginItem {
  constructor(
    readonly file: string,
    private readonly exec: readonly string[],
  ) {}

  static forThisUser(exec: readonly string[], env: NodeJS.ProcessEnv = process.env): XdgAutostartLoginItem {
    const config = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.startsWith('/') ? env.XDG_CONFIG_HOME : join(env.HOME ?? homedir(), '.config');
    return new XdgAutostartLoginItem(join(config, 'autostart', 'offhours.desktop'), exec);
  }

  async setEnabled(enabled: boolean): Promise<void> {
    try {
      // Only our own entry is removed: another install (another data folder, the desktop app) may own that name.
      if (!enabled) return void (this.isOurs() && rmSync(this.file, { force: true }));
      mkdirSync(dirname(this.file), { recursive: true });
      writeFileSync(this.file, autostartEntry(this.exec), { mode: 0o644 });
    } catch (error) {
      throw new Error(`${this.file} could not be ${enabled ? 'written' : 'removed'} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`, { cause: error });
    }
  }

  private isOurs(): boolean {
    try {
      return readFileSync(this.file, 'utf8') === autostartEntry(this.exec);
    } catch {
      return false;
    }
  }
}
