import type { BenchReport, KernelName } from '../../../protocol/bench/report.js';
import { REFERENCE_MILLI } from '../../../protocol/bench/score.js';
import { specById } from '../../../protocol/bench/spec-table.js';
import { verifyReport } from '../../../protocol/bench/verify.js';
import type { BenchJudge, BenchVerdict } from './summary.js';

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

/** The protocol's own score, spec table and verifier: the same code the coordinator runs. */
export function protocolJudge(): BenchJudge {
  return {
    specPeaks: specPeaksFor,
    referenceValues: (backend) => REFERENCE_MILLI[backend],
    verify(report: BenchReport, challenge, nowMs): BenchVerdict {
      const result = verifyReport(report, { challenge, seenNonces: new Set<string>(), now: new Date(nowMs) });
      return { correctlyComputed: result.correctlyComputed, scoreEligible: result.scoreEligible, reasons: result.reasons.map((r) => ({ code: r.code, message: r.message, scope: r.scope })) };
    },
  };
}
