/**
 * The score formula, versioned. Per kernel: measured value ÷ the reference GPU's value for that kernel on the
 * same track, ×1000. Composite: weighted geometric mean of the per-kernel ratios ×1000, over the kernels the
 * report has (weights renormalised; a missing kernel is absent, not zero). 1000 = an RTX 3060 12 GB running
 * every kernel at its spec peak. WebGPU and CUDA are separate tracks: their scores are not comparable.
 *
 * Reference (formula 1): NVIDIA GeForce RTX 3060 12 GB spec peaks (spec-table row "rtx-3060"):
 *   FP32 12.74 TFLOPS (fma, sgemm, sgemm_sustained), 360 GB/s (triad);
 *   hgemm: CUDA track 25.5 TFLOPS (tensor cores, FP32 accumulate); WebGPU track 12.74 TFLOPS (WGSL f16 runs
 *   on the vector ALUs, 1:1 with FP32 on Ampere).
 */
import type { BenchReportBody, KernelName, KernelResult, Score } from './report.js';

export const FORMULA_VERSION = 1;
export type Track = 'webgpu' | 'cuda';

export const REFERENCE_GPU = 'rtx-3060';

/** Reference values ×1000 (milli-GFLOPS / milli-GB/s), per track. */
export const REFERENCE_MILLI: Record<Track, Record<KernelName, number>> = {
  webgpu: { fma: 12_740_000, sgemm: 12_740_000, sgemm_sustained: 12_740_000, hgemm: 12_740_000, triad: 360_000 },
  cuda: { fma: 12_740_000, sgemm: 12_740_000, sgemm_sustained: 12_740_000, hgemm: 25_500_000, triad: 360_000 },
};

/** Weights of the geometric mean (sum 1). Sustained SGEMM is in it so thermal throttling lowers the score. */
export const WEIGHTS: Record<KernelName, number> = { fma: 0.15, sgemm: 0.25, sgemm_sustained: 0.15, hgemm: 0.15, triad: 0.3 };

export function computeScore(track: Track, kernels: readonly Pick<KernelResult, 'name' | 'value'>[]): Score {
  const perKernel: Partial<Record<KernelName, number>> = {};
  let logSum = 0;
  let weightSum = 0;
  let anyZero = false;
  for (const kernel of kernels) {
    const ratio = kernel.value / REFERENCE_MILLI[track][kernel.name];
    perKernel[kernel.name] = Math.round(ratio * 1000);
    const weight = WEIGHTS[kernel.name];
    if (ratio <= 0) anyZero = true;
    else logSum += weight * Math.log(ratio);
    weightSum += weight;
  }
  const composite = weightSum === 0 || anyZero ? 0 : Math.round(Math.exp(logSum / weightSum) * 1000);
  return { composite, perKernel };
}

/** The score a report body should carry, from its own kernel values. */
export function scoreForReport(body: Pick<BenchReportBody, 'backend' | 'kernels'>): Score {
  return computeScore(body.backend, body.kernels);
}
