import { homedir } from 'node:os';
import { join } from 'node:path';

/** Where Offhours keeps its files when no --data-dir is given (the Electron app uses app.getPath('userData')). */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.OFFHOURS_DATA_DIR) return env.OFFHOURS_DATA_DIR;
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Offhours');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Offhours');
  return join(env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'offhours');
}

export { appVersion, packageRoot } from '../compose/package-root.js';
import { packageRoot } from '../compose/package-root.js';

export function rendererDistDir(): string {
  return join(packageRoot(), 'dist', 'renderer');
}
