import { execFile } from 'node:child_process';
import type { ProcessInfo, ProcessScanner } from '../ports.js';

import { STEAM_APP_PREFIX } from '../schedule/guard.js';

export { STEAM_APP_PREFIX };

/**
 * `reg query HKCU\Software\Valve\Steam /v RunningAppID` →
 *   "    RunningAppID    REG_DWORD    0x3f58a" → 259466; 0 (or no value) when no game runs.
 */
export function parseRunningAppId(stdout: string): number {
  const match = /RunningAppID\s+REG_DWORD\s+0x([0-9a-f]+)/i.exec(stdout);
  return match ? parseInt(match[1]!, 16) : 0;
}

/**
 * Windows: adds Steam's own answer to "is a game running?" (the RunningAppID value Steam keeps in the
 * registry) to a process scan, so any Steam game counts, listed or not. Best effort: no Steam, no entry.
 */
export class SteamAwareProcessScanner implements ProcessScanner {
  constructor(private readonly inner: ProcessScanner) {}

  async list(): Promise<ProcessInfo[]> {
    const [processes, appId] = await Promise.all([this.inner.list(), this.runningAppId()]);
    return appId > 0 ? [...processes, { pid: 0, name: `${STEAM_APP_PREFIX}${appId}`, command: '' }] : processes;
  }

  private runningAppId(): Promise<number> {
    return new Promise((resolve) =>
      execFile('reg', ['query', 'HKCU\\Software\\Valve\\Steam', '/v', 'RunningAppID'], { timeout: 3000, windowsHide: true }, (error, stdout) =>
        resolve(error ? 0 : parseRunningAppId(stdout)),
      ),
    );
  }
}
