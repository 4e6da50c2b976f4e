/**
 * What the UI sees of benchmarking through ProviderApi: the run request, live progress, and one summary per
 * finished run (the signed report itself stays in core and in the CLI's output).
 */
import { z } from 'zod';
import { ComparisonKernelNameSchema, KernelNameSchema, type KernelName } from '../report.js';

export const BenchBackendSchema = z.enum(['webgpu', 'cuda']);
export type BenchBackend = z.infer<typeof BenchBackendSchema>;

export const BenchRunRequestSchema = z
  .object({
    quick: z.boolean(),
    backend: BenchBackendSchema.default('webgpu'),
  })
  .strict();
export type BenchRunRequest = z.infer<typeof BenchRunRequestSchema>;

export const BenchProgressSchema = z.object({
  runId: z.string(),
  /** False on the last event of a run (finished or failed). */
  running: z.boolean(),
  stage: z.enum(['preparing', 'adapter', 'inputs', 'kernel', 'sustained', 'readback', 'proof', 'signing', 'done', 'failed']),
  kernel: z.union([KernelNameSchema, ComparisonKernelNameSchema]).nullable(),
  /** Whole-run progress in per mille (0–1000). */
  perMille: z.number().int().min(0).max(1000),
  message: z.string(),
  startedAt: z.string(),
  /** Set on a failed run: what went wrong and what to do next. */
  error: z.object({ code: z.string(), message: z.string(), nextStep: z.string().nullable() }).nullable(),
});
export type BenchProgress = z.infer<typeof BenchProgressSchema>;

export const BenchFlagSchema = z.object({
  code: z.enum(['noisy', 'throttled', 'software', 'not-scored', 'note']),
  message: z.string(),
});
export type BenchFlag = z.infer<typeof BenchFlagSchema>;

export const BenchKernelSummarySchema = z.object({
  name: KernelNameSchema,
  label: z.string(),
  unit: z.enum(['GFLOPS', 'GB/s']),
  /** Measured throughput ×1000. */
  value: z.number().int().nonnegative(),
  noisy: z.boolean(),
  /** The detected model's spec peak ×1000 in the same unit, or null when the model or figure is unknown. */
  specPeak: z.number().int().positive().nullable(),
  /** The score formula's reference GPU value ×1000 for this kernel (the bar's yardstick when specPeak is null). */
  referenceValue: z.number().int().positive().nullable(),
});
export type BenchKernelSummary = z.infer<typeof BenchKernelSummarySchema>;

export const BenchRunSummarySchema = z.object({
  id: z.string(),
  createdAt: z.string(),
  backend: BenchBackendSchema,
  quick: z.boolean(),
  n: z.number().int().positive(),
  /** The adapter or CUDA device as the driver names it. */
  deviceName: z.string(),
  software: z.boolean(),
  detectedModel: z.string().nullable(),
  /** Composite score (formula in protocol/bench/score.ts); null when the run cannot be scored. */
  composite: z.number().int().nonnegative().nullable(),
  kernels: z.array(BenchKernelSummarySchema),
  sustained: z.object({ seconds: z.number().int().nonnegative(), ratio1000: z.number().int().nonnegative() }).nullable(),
  merkleRoot: z.string(),
  correctlyComputed: z.boolean(),
  scoreEligible: z.boolean(),
  flags: z.array(BenchFlagSchema),
  wallMs: z.number().int().nonnegative(),
});
export type BenchRunSummary = z.infer<typeof BenchRunSummarySchema>;

export const KERNEL_LABELS: Record<KernelName, string> = {
  fma: 'Raw FP32 compute',
  sgemm: 'FP32 matrix multiply',
  hgemm: 'FP16 matrix multiply',
  triad: 'Memory bandwidth',
  sgemm_sustained: 'Matrix multiply under sustained load',
};
