import type { GpuProcess, ProcessInfo } from './guard.js';

/** The column names of pmon's first header line ("# gpu pid type sm ..."), or null for any other line. */
export function pmonColumns(line: string): string[] | null {
  if (!line.startsWith('#') || !/\bpid\b/.test(line)) return null;
  return line.replace(/^#\s*/, '').trim().split(/\s+/);
}

/**
 * One pmon data line under `columns`: its GPU index and the process on it, null as the process on a GPU nobody
 * uses ("0 - - ..."). Null for headers, blank lines and anything whose GPU index is not a number.
 */
export function parsePmonLine(columns: string[], line: string): { gpu: number; process: GpuProcess | null } | null {
  if (!line.trim() || line.startsWith('#')) return null;
  const cells = line.trim().split(/\s+/);
  const idx = (name: string) => columns.indexOf(name);
  const gpu = Number(cells[idx('gpu')]);
  if (idx('gpu') < 0 || !/^\d+$/.test(cells[idx('gpu')] ?? '')) return null;
  const pid = Number(cells[idx('pid')]);
  if (!Number.isInteger(pid) || pid <= 0) return { gpu, process: null };
  const type = cells[idx('type')] ?? '';
  const sm = Number(cells[idx('sm')]);
  const fb = idx('fb') >= 0 ? Number(cells[idx('fb')]) : NaN;
  const commandIndex = idx('command');
  const name = commandIndex >= 0 ? cells.slice(commandIndex).join(' ') : '';
  return {
    gpu,
    process: {
      pid,
      name,
      kind: type.includes('C') ? 'compute' : type.includes('G') ? 'graphics' : 'unknown',
      smPercent: Number.isFinite(sm) ? sm : null,
      usedMiB: Number.isFinite(fb) ? fb : null,
    },
  };
}

/** Merges compute-apps and pmon views of the same processes (pmon adds utilisation and graphics clients). */
export function mergeGpuProcesses(...lists: GpuProcess[][]): GpuProcess[] {
  const byPid = new Map<number, GpuProcess>();
  for (const list of lists) {
    for (const p of list) {
      const seen = byPid.get(p.pid);
      if (!seen) byPid.set(p.pid, p);
      else
        byPid.set(p.pid, {
          pid: p.pid,
          name: seen.name || p.name,
          kind: seen.kind === 'compute' || p.kind === 'compute' ? 'compute' : seen.kind === 'unknown' ? p.kind : seen.kind,
          smPercent: seen.smPercent ?? p.smPercent,
          usedMiB: seen.usedMiB ?? p.usedMiB,
        });
    }
  }
  return [...byPid.values()];
}

/** `tasklist /fo csv /nh` on Windows: "Image Name","PID","Session Name","Session#","Mem Usage". */
export function parseTasklistCsv(stdout: string): ProcessInfo[] {
  const out: ProcessInfo[] = [];
  for (const line of stdout.split(/\r?\n/)) {
    const cells = [...line.matchAll(/"((?:[^"]|"")*)"/g)].map((m) => m[1]!.replace(/""/g, '"'));
    if (cells.length < 2) continue;
    const pid = Number(cells[1]);
    if (!Number.isInteger(pid)) continue;
    out.push({ pid, name: cells[0]!, command: '' });
  }
  return out;
}

/**
 * One Linux process from /proc/<pid>/comm and /proc/<pid>/cmdline (NUL-separated). comm is cut at 15
 * characters, so the executable's base name from argv[0] wins when present (Wine/Proton games show
 * "C:\\...\\Game.exe" there).
 */
export function parseProcEntry(pid: number, comm: string, cmdline: string): ProcessInfo {
  const args = cmdline.split('\0').filter(Boolean);
  const argv0 = args[0] ?? '';
  const base = argv0.replace(/\\/g, '/').split('/').pop() ?? '';
  const fromArgv = base && (base.toLowerCase().startsWith(comm.trim().toLowerCase().slice(0, 15)) || /\.exe$/i.test(base));
  const name = fromArgv ? base : comm.trim() || base;
  return { pid, name, command: args.join(' ') };
}
