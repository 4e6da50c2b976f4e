import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { GpuActivitySource, GpuProcess } from '../ports.js';
import { mergeGpuProcesses, parseComputeApps, parsePmon } from '../schedule/parsers.js';

function run(args: string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile('nvidia-smi', args, { timeout: 5000, windowsHide: true }, (error, stdout) => (error ? reject(error) : resolve(stdout))),
  );
}

/** The hottest GPU from `nvidia-smi --query-gpu=temperature.gpu --format=csv,noheader,nounits`. */
export function parseTemperatures(stdout: string): number | null {
  const temps = stdout
    .split(/\r?\n/)
    .map((l) => Number(l.trim()))
    .filter((t) => Number.isFinite(t) && t > 0);
  return temps.length ? Math.max(...temps) : null;
}

/** Container cgroups of Podman (libpod-<id>) and Docker (docker-<id> / docker/<id>). */
export function isContainerCgroup(cgroupFile: string): boolean {
  return /(libpod-|docker-|\/docker\/|libpod_parent)/.test(cgroupFile);
}

/**
 * NVIDIA GPU activity: compute apps (any CUDA/OpenCL user), pmon (per-process SM use, including games'
 * graphics contexts) and the temperature. Other vendors: no per-process view here (documented best effort:
 * the game list still guards). Missing nvidia-smi means no processes and no temperature.
 */
export class NvidiaSmiGpuActivity implements GpuActivitySource {
  private missing = false;

  /** hasJob: our processes are the ones inside a container cgroup while a job of ours runs. */
  constructor(private readonly hasJob: () => boolean = () => false) {}

  async read(): Promise<{ processes: GpuProcess[]; temperatureC: number | null }> {
    if (this.missing) return { processes: [], temperatureC: null };
    try {
      const [apps, pmon, temps] = await Promise.all([
        run(['--query-compute-apps=pid,process_name,used_memory', '--format=csv,noheader,nounits']),
        run(['pmon', '-c', '1', '-s', 'um']).catch(() => ''),
        run(['--query-gpu=temperature.gpu', '--format=csv,noheader,nounits']),
      ]);
      return { processes: mergeGpuProcesses(parseComputeApps(apps), parsePmon(pmon)), temperatureC: parseTemperatures(temps) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') this.missing = true;
      return { processes: [], temperatureC: null };
    }
  }

  isOurs(pid: number): boolean {
    if (!this.hasJob()) return false;
    try {
      return isContainerCgroup(readFileSync(`/proc/${pid}/cgroup`, 'utf8'));
    } catch {
      return false;
    }
  }
}
