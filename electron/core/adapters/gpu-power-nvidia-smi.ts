import { execFile } from 'node:child_process';
import type { GpuPowerMeter, GpuPowerReading } from '../earnings/ports.js';
import { parsePowerDraw, POWER_QUERY_ARGS } from '../gpu/power-draw.js';
import { nvidiaSmiCandidates } from './nvidia-smi.js';

type Attempt = { kind: 'missing' } | { kind: 'failed' } | { kind: 'ok'; stdout: string };

function attempt(file: string, timeoutMs: number): Promise<Attempt> {
  return new Promise((resolve) =>
    execFile(file, [...POWER_QUERY_ARGS], { timeout: timeoutMs, windowsHide: true, encoding: 'utf8' }, (error, stdout) => {
      if (!error) return resolve({ kind: 'ok', stdout });
      resolve((error as NodeJS.ErrnoException).code === 'ENOENT' ? { kind: 'missing' } : { kind: 'failed' });
    }),
  );
}

/**
 * NVIDIA power draw from `nvidia-smi --query-gpu=uuid,power.draw`. Remembers which nvidia-smi answered and stops
 * trying once none exists (no NVIDIA driver: every cost is an estimate then). Never throws.
 */
export class NvidiaSmiPowerMeter implements GpuPowerMeter {
  private file: string | null = null;
  private missing = false;

  constructor(private readonly options: { timeoutMs?: number; candidates?: string[] } = {}) {}

  async read(): Promise<GpuPowerReading[]> {
    if (this.missing) return [];
    const timeoutMs = this.options.timeoutMs ?? 5000;
    const candidates = this.file ? [this.file] : (this.options.candidates ?? nvidiaSmiCandidates());
    for (const file of candidates) {
      const result = await attempt(file, timeoutMs);
      if (result.kind === 'missing') continue;
      this.file = file;
      return result.kind === 'ok' ? parsePowerDraw(result.stdout) : [];
    }
    this.missing = this.file === null;
    return [];
  }
}
