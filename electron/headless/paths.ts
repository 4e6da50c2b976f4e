import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where Offhours keeps its files when no --data-dir is given (the Electron app uses app.getPath('userData')). */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.OFFHOURS_DATA_DIR) return env.OFFHOURS_DATA_DIR;
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Offhours');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Offhours');
  return join(env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'offhours');
}

/** The folder holding package.json, whether running from source (tsx/vitest) or from dist/. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('Could not find the Offhours package root');
    dir = parent;
  }
  return dir;
}

export function appVersion(): string {
  const pkg = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version?: string };
  return pkg.version ?? '0.0.0';
}

export function rendererDistDir(): string {
  return join(packageRoot(), 'dist', 'renderer');
}
