import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { autostartEntry, execArgument, XdgAutostartLoginItem } from './login-item-xdg.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe('the XDG autostart entry (Linux)', () => {
  it('quotes Exec arguments as the Desktop Entry spec asks', () => {
    expect(execArgument('/usr/bin/node')).toBe('/usr/bin/node');
    expect(execArgument('/home/sam/My Games/offhours')).toBe('"/home/sam/My Games/offhours"');
    expect(execArgument('50%')).toBe('50%%');
    expect(execArgument('a"b$c')).toBe('"a\\\\"b\\\\$c"');
    expect(execArgument('')).toBe('""');
    expect(() => autostartEntry(['/bin/offhours', 'x\nExec=evil'])).toThrow(/line break/);
  });

  it('is written under $XDG_CONFIG_HOME/autostart when turned on and removed when turned off', async () => {
    const config = mkdtempSync(join(tmpdir(), 'offhours-xdg-'));
    dirs.push(config);
    const item = XdgAutostartLoginItem.forThisUser(['/usr/bin/node', '/opt/offhours/bin/offhours.js', 'headless', '--data-dir', '/home/sam/.local/share/offhours'], { XDG_CONFIG_HOME: config, HOME: '/nonexistent' });
    expect(item.file).toBe(join(config, 'autostart', 'offhours.desktop'));
    await item.setEnabled(true);
    const text = readFileSync(item.file, 'utf8');
    expect(text).toContain('[Desktop Entry]\nType=Application\nName=Offhours\n');
    expect(text).toContain('Exec=/usr/bin/node /opt/offhours/bin/offhours.js headless --data-dir /home/sam/.local/share/offhours\n');
    await item.setEnabled(false);
    expect(existsSync(item.file)).toBe(false);
    await item.setEnabled(false);
  });

  it('turning it off leaves an entry that another install wrote alone', async () => {
    const config = mkdtempSync(join(tmpdir(), 'offhours-xdg-'));
    dirs.push(config);
    const env = { XDG_CONFIG_HOME: config };
    const other = XdgAutostartLoginItem.forThisUser(['/usr/bin/node', 'offhours.js', 'headless', '--data-dir', '/srv/rig-a'], env);
    const mine = XdgAutostartLoginItem.forThisUser(['/usr/bin/node', 'offhours.js', 'headless', '--data-dir', '/srv/rig-b'], env);
    await other.setEnabled(true);
    await mine.setEnabled(false);
    expect(readFileSync(other.file, 'utf8')).toContain('/srv/rig-a');
  });

  it('says which file it could not write', async () => {
    const config = mkdtempSync(join(tmpdir(), 'offhours-xdg-'));
    dirs.push(config);
    // A file where the autostart folder should be: the folder cannot be made.
    writeFileSync(join(config, 'autostart'), '');
    const item = new XdgAutostartLoginItem(join(config, 'autostart', 'offhours.desktop'), ['/bin/true']);
    await expect(item.setEnabled(true)).rejects.toThrow(/offhours\.desktop could not be written/);
  });
});
