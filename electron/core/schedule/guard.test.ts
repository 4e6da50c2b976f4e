import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectForeignGpu, detectGame, KNOWN_GAME_COUNT } from './guard.js';
import { parseRunningAppId, STEAM_APP_PREFIX } from '../adapters/process-scan-steam-windows.js';
import { mergeGpuProcesses, parseProcEntry, parseTasklistCsv } from './parsers.js';
import { parseComputeApps, parsePmon } from './test-support/nvidia-smi-output.js';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8');

describe('nvidia-smi parsers', () => {
  it('parses pmon with the current column set', () => {
    const rows = parsePmon(fixture('pmon.txt'));
    expect(rows).toHaveLength(5);
    expect(rows[2]).toEqual({ pid: 5120, name: 'eldenring.exe', kind: 'graphics', smPercent: 71, usedMiB: 6120 });
    expect(rows[3]).toMatchObject({ pid: 7777, kind: 'compute', smPercent: 98 });
    expect(rows[4]).toEqual({ pid: 8001, name: 'blender', kind: 'compute', smPercent: null, usedMiB: null });
  });

  it('parses pmon from older drivers without jpg/ofa/fb columns', () => {
    const rows = parsePmon(fixture('pmon-old.txt'));
    expect(rows).toEqual([
      { pid: 1843, name: 'Xorg', kind: 'graphics', smPercent: 3, usedMiB: null },
      { pid: 4100, name: 'firefox', kind: 'graphics', smPercent: 40, usedMiB: null },
    ]);
  });

  it('parses compute apps, and merges both views per pid', () => {
    const apps = parseComputeApps(fixture('compute-apps.csv'));
    expect(apps).toEqual([
      { pid: 7777, name: 'python3', kind: 'compute', smPercent: null, usedMiB: 10240 },
      { pid: 8001, name: 'blender', kind: 'compute', smPercent: null, usedMiB: null },
    ]);
    const merged = mergeGpuProcesses(apps, parsePmon(fixture('pmon.txt')));
    expect(merged.find((p) => p.pid === 7777)).toEqual({ pid: 7777, name: 'python3', kind: 'compute', smPercent: 98, usedMiB: 10240 });
    expect(merged).toHaveLength(5);
    expect(parsePmon('No devices were found')).toEqual([]);
    expect(parseComputeApps('')).toEqual([]);
  });
});

describe('foreign GPU use', () => {
  const rows = mergeGpuProcesses(parseComputeApps(fixture('compute-apps.csv')), parsePmon(fixture('pmon.txt')));
  it('ignores our own job and the desktop; reports the first other busy process', () => {
    expect(detectForeignGpu(rows, (pid) => pid === 7777)).toBe('blender (pid 8001)');
    expect(detectForeignGpu(rows.filter((p) => p.pid !== 8001), (pid) => pid === 7777)).toBe('eldenring.exe (pid 5120)');
    expect(detectForeignGpu(rows, () => false)).toBe('python3 (pid 7777)');
    expect(detectForeignGpu(rows.filter((p) => p.pid < 5000), () => false)).toBeNull();
  });
  it('an idle graphics client (a browser at 2 % SM) does not count', () => {
    expect(detectForeignGpu([{ pid: 1, name: 'firefox', kind: 'graphics', smPercent: 2, usedMiB: 300 }], () => false)).toBeNull();
  });
});

describe('game detection', () => {
  it('knows a maintained list of games', () => {
    expect(KNOWN_GAME_COUNT).toBeGreaterThan(80);
    const processes = parseTasklistCsv(fixture('tasklist.csv'));
    expect(processes.map((p) => p.name)).toEqual(['System Idle Process', 'explorer.exe', 'cs2.exe', 'Game "Quoted".exe']);
    expect(detectGame(processes, [])).toBe('cs2.exe');
  });
  it('counts any Steam game Steam reports as running (Windows RunningAppID)', () => {
    expect(parseRunningAppId('\r\nHKEY_CURRENT_USER\\Software\\Valve\\Steam\r\n    RunningAppID    REG_DWORD    0x3f58a\r\n')).toBe(259466);
    expect(parseRunningAppId('    RunningAppID    REG_DWORD    0x0\r\n')).toBe(0);
    expect(parseRunningAppId('ERROR: The system was unable to find the specified registry key or value.')).toBe(0);
    expect(detectGame([{ pid: 0, name: `${STEAM_APP_PREFIX}259466`, command: '' }], [])).toBe('Steam game 259466');
  });

  it('adds the owner’s executables, case-insensitively, with or without .exe', () => {
    const processes = [{ pid: 2, name: 'MyIndieGame.exe', command: '' }];
    expect(detectGame(processes, [])).toBeNull();
    expect(detectGame(processes, ['myindiegame'])).toBe('MyIndieGame.exe');
  });
  it('spots launcher games by their command line (Steam/Proton on Linux)', () => {
    const proton = parseProcEntry(4242, 'Game.exe', 'Z:\\home\\me\\.local\\share\\Steam\\steamapps\\common\\Hades II\\Ship\\Hades2.exe\0');
    expect(proton.name).toBe('Hades2.exe');
    expect(detectGame([proton], [])).toBe('Hades2.exe');
    const long = parseProcEntry(10, 'Cyberpunk2077.e', '/games/Cyberpunk2077.exe\0--launcher-skip\0');
    expect(long).toEqual({ pid: 10, name: 'Cyberpunk2077.exe', command: '/games/Cyberpunk2077.exe --launcher-skip' });
    expect(detectGame([parseProcEntry(1, 'bash', '/bin/bash\0')], [])).toBeNull();
  });
});
