import knownGames from './known-games.json' with { type: 'json' };

import type { GpuProcess, ProcessInfo } from '../ports.js';
export type { GpuProcess, ProcessInfo };

interface GameList {
  games: string[];
  launcherGameMarkers: string[];
  desktopGpuProcesses: string[];
}
const LIST = knownGames as GameList;

/** Name of the pseudo-process the Windows scanner adds while Steam's RunningAppID is set. */
export const STEAM_APP_PREFIX = 'steam-app:';

export const normalizeExe = (name: string) => {
  const base = name.replace(/\\/g, '/').split('/').pop() ?? name;
  return base.toLowerCase().replace(/\.exe$/, '');
};

const KNOWN_GAMES = new Set(LIST.games.map(normalizeExe));
const DESKTOP_GPU = new Set(LIST.desktopGpuProcesses.map(normalizeExe));

/**
 * The first running game, or null. A game is: a known game executable, a process the owner added, or a
 * process a launcher started as a game (Steam's reaper / "steamapps/common" paths, Proton, Epic, Lutris).
 */
export function detectGame(processes: ProcessInfo[], extraExecutables: string[]): string | null {
  const extra = new Set(extraExecutables.map(normalizeExe));
  for (const process of processes) {
    // Steam's RunningAppID, reported as a pseudo-process by the Windows scanner.
    if (process.name.startsWith(STEAM_APP_PREFIX)) return `Steam game ${process.name.slice(STEAM_APP_PREFIX.length)}`;
    const exe = normalizeExe(process.name);
    if (KNOWN_GAMES.has(exe) || extra.has(exe)) return process.name;
    const command = process.command.toLowerCase().replace(/\\/g, '/');
    if (command && LIST.launcherGameMarkers.some((marker) => command.includes(marker))) return process.name;
  }
  return null;
}

/**
 * The first process holding the GPU that is not ours and not the desktop itself, described for the UI.
 * Compute apps always count; graphics clients count once they do real work (≥ 5 % SM) so a browser
 * idling on the desktop does not.
 */
export function detectForeignGpu(gpuProcesses: GpuProcess[], isOurs: (pid: number) => boolean): string | null {
  for (const p of gpuProcesses) {
    if (isOurs(p.pid) || DESKTOP_GPU.has(normalizeExe(p.name))) continue;
    if (p.kind === 'compute' || (p.smPercent !== null && p.smPercent >= 5)) return `${p.name} (pid ${p.pid})`;
  }
  return null;
}

export const KNOWN_GAME_COUNT = KNOWN_GAMES.size;
