import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Challenge } from '../../../protocol/bench/challenge.js';
import { KERNEL_NAMES, kernelResult, type CudaDeviceReport, type KernelResult } from '../../../protocol/bench/report.js';
import type { HarnessProgress } from '../../../protocol/bench/wgsl/harness.js';
import { UserFacingError } from '../../../protocol/errors.js';
import type { CudaBenchRunner } from '../ports.js';

export interface CudaMeasured {
  c: Float32Array;
  kernels: KernelResult[];
  sustainedSeconds: number | null;
  kernelHash: string;
  cuda: CudaDeviceReport;
  deviceName: string;
}

/**
 * Runs the CUDA executable through its port for a challenge and turns its raw trials into report-ready
 * kernel results with the same summary rules as WebGPU (the sustained figure is the final third of the
 * sustained phase, as in the WGSL harness). C comes back through a scratch file that is removed afterwards.
 */
export async function runCudaBenchmark(runner: CudaBenchRunner, challenge: Challenge, onProgress: (p: HarnessProgress) => void): Promise<CudaMeasured> {
  const scratch = mkdtempSync(join(tmpdir(), 'offhours-cuda-'));
  try {
    const outC = join(scratch, 'c.f32');
    const result = await runner.run({ seedHex: challenge.seed, n: challenge.n, quick: challenge.quick, kernels: [], outC }, (p) => {
      const index = Math.max(0, KERNEL_NAMES.indexOf(p.kernel));
      const within = p.total > 0 ? Math.min(1, p.done / p.total) : 0;
      onProgress({ stage: p.kernel === 'sgemm_sustained' ? 'sustained' : 'kernel', kernel: null, fraction: (index + within) / KERNEL_NAMES.length, message: `CUDA: ${p.kernel} ${p.phase}` });
    });
    if (!result.ok) throw new UserFacingError(result.code, result.message, result.nextStep);
    if (!result.device) throw new UserFacingError('bench-no-cuda-device', 'The CUDA benchmark ran without a graphics card.', 'Check that the NVIDIA driver is installed, then run the benchmark again.');
    if (result.selfCheck && !result.selfCheck.freivalds) {
      throw new UserFacingError('bench-mismatch', 'The graphics card computed a wrong matrix result.', 'Update the NVIDIA driver and remove any overclock, then run the benchmark again.');
    }
    const bytes = readFileSync(result.gemm?.outC ?? outC);
    if (bytes.length !== challenge.n * challenge.n * 4) {
      throw new UserFacingError('bench-bad-output', 'The CUDA benchmark wrote an incomplete result.', 'Run the benchmark again; if it keeps happening, reinstall Offhours.');
    }
    const c = new Float32Array(challenge.n * challenge.n);
    new Uint8Array(c.buffer).set(bytes);
    const kernels: KernelResult[] = [];
    for (const timing of result.kernels) {
      const trials = timing.name === 'sgemm_sustained' ? timing.trialsNs.slice(Math.floor((timing.trialsNs.length * 2) / 3)) : timing.trialsNs;
      if (trials.length) kernels.push(kernelResult(timing.name, trials, timing.workPerTrial));
    }
    return { c, kernels, sustainedSeconds: result.sustained ? Math.round(result.sustained.ms / 1000) : null, kernelHash: result.kernelHash, cuda: result.device, deviceName: result.device.name };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
