import type { GpuProcess } from '../guard.js';
import { parsePmonLine, pmonColumns } from '../parsers.js';

// Whole-output readers of nvidia-smi's one-shot commands, for the fixture files beside guard.test.ts. The app reads
// nvidia-smi as long-lived streams, line by line (gpu-streams.ts with parsers.ts's parsePmonLine); these only turn a
// recorded output into the rows those streams would have given.

/**
 * `nvidia-smi --query-compute-apps=pid,process_name,used_memory --format=csv,noheader,nounits`
 * e.g. "12345, /usr/bin/python3, 1024". Lines that do not parse are skipped; "[N/A]" memory is null.
 */
export function parseComputeApps(stdout: string): GpuProcess[] {
  const out: GpuProcess[] = [];
  for (const line of stdout.split(/\r?\n/)) {
    const parts = line.split(',').map((p) => p.trim());
    if (parts.length < 3) continue;
    const pid = Number(parts[0]);
    if (!Number.isInteger(pid) || pid <= 0) continue;
    const memory = Number(parts[parts.length - 1]);
    const name = parts.slice(1, -1).join(',');
    out.push({ pid, name: name.split(/[\\/]/).pop() || name, kind: 'compute', smPercent: null, usedMiB: Number.isFinite(memory) ? memory : null });
  }
  return out;
}

/**
 * `nvidia-smi pmon -c 1 -s um` (per-process utilisation):
 *   # gpu         pid   type     sm    mem    enc    dec    jpg    ofa     fb   command
 *   # Idx           #    C/G      %      %      %      %      %      %     MB   name
 *       0       2345     G     12      3      -      -      -      -    150   Xorg
 * Column positions come from the header, so older drivers (without jpg/ofa) parse too. "-" is unknown.
 */
export function parsePmon(stdout: string): GpuProcess[] {
  const lines = stdout.split(/\r?\n/);
  const header = lines.find((l) => pmonColumns(l) !== null);
  const columns = header ? pmonColumns(header) : null;
  if (!columns) return [];
  const out: GpuProcess[] = [];
  for (const line of lines) {
    const process = parsePmonLine(columns, line)?.process;
    if (process) out.push(process);
  }
  return out;
}
