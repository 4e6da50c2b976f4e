import { readFileSync } from 'node:fs';
import type { Clock, GpuActivitySource, GpuProcess } from '../ports.js';
import { GpuStreamSampler, type GpuStreamSamplerOptions } from '../schedule/gpu-stream-sampler.js';
import { NvidiaSmiStreamLauncher } from './nvidia-smi-stream.js';

// Neither timer may keep the process alive: the idle stop and the wait for a first sample.
const unrefTimers = {
  setTimeout: (callback: () => void, ms: number) => setTimeout(callback, ms).unref(),
  clearTimeout: (handle: unknown) => clearTimeout(handle as NodeJS.Timeout),
};
const wallClock: Clock = { now: () => Date.now() };

/** Container cgroups of Podman (libpod-<id>) and Docker (docker-<id> / docker/<id>). */
export function isContainerCgroup(cgroupFile: string): boolean {
  return /(libpod-|docker-|\/docker\/|libpod_parent)/.test(cgroupFile);
}

/**
 * NVIDIA GPU activity from long-lived nvidia-smi streams (GpuStreamSampler): pmon (per-process SM use, compute
 * users and games' graphics contexts) and the temperature. Other vendors: no per-process view here (documented
 * best effort: the game list still guards). Missing nvidia-smi or a stale sample means no processes and no
 * temperature.
 */
export class NvidiaSmiGpuActivity implements GpuActivitySource {
  readonly sampler: GpuStreamSampler;

  /** hasJob: our processes are the ones inside a container cgroup while a job of ours runs. */
  constructor(
    private readonly hasJob: () => boolean = () => false,
    options: GpuStreamSamplerOptions & { candidates?: string[] } = {},
  ) {
    this.sampler = new GpuStreamSampler({ launcher: new NvidiaSmiStreamLauncher(options.candidates), clock: wallClock, timers: unrefTimers }, options);
  }

  async read(): Promise<{ processes: GpuProcess[]; temperatureC: number | null }> {
    const sample = await this.sampler.read();
    return { processes: sample.processes ?? [], temperatureC: sample.temperatureC };
  }

  close(): void {
    this.sampler.close();
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
