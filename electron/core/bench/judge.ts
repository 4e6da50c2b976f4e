import type { KernelName } from '../../../protocol/bench/report.js';
import { REFERENCE_MILLI } from '../../../protocol/bench/score.js';
import { specById } from '../../../protocol/bench/spec-table.js';
import type { BenchJudge } from './summary.js';
import type { VerdictFn } from './verdict.js';

/** Spec peaks ×1000 per kernel for a spec-table row (the yardstick of the UI's bars). Pure. */
export function specPeaksFor(model: string | null, backend: 'webgpu' | 'cuda'): Partial<Record<KernelName, number>> {
  const spec = model ? specById(model) : null;
  if (!spec) return {};
  const fp32 = Math.round(spec.fp32Tflops * 1_000_000);
  const peaks: Partial<Record<KernelName, number>> = { fma: fp32, sgemm: fp32, sgemm_sustained: fp32, triad: Math.round(spec.memoryGBs * 1000) };
  // As the verifier: CUDA HGEMM runs on tensor cores (FP32 accumulate); WGSL f16 runs on the shader cores, at most 2× FP32.
  peaks.hgemm = backend === 'cuda' && spec.fp16TensorTflops !== null ? Math.round(spec.fp16TensorTflops * 1_000_000) : 2 * fp32;
  return peaks;
}

/**
 * The protocol's own score, spec table and verifier: the same code the coordinator runs. The check runs in a
 * child process that exits when done (verifyInChild), so the daemon never holds the memory a large-n check
 * takes. The composition root passes it (adapters/verify-child.ts); core never imports an adapter.
 */
export function protocolJudge(verify: VerdictFn): BenchJudge {
  return {
    specPeaks: specPeaksFor,
    referenceValues: (backend) => REFERENCE_MILLI[backend],
    verify,
  };
}
