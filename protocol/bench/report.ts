/**
 * The signed benchmark report: what the app sends and the coordinator verifies. Every number is an integer
 * (floats ×1000), so canonicalJson(body) is well defined and the signature covers exact bytes.
 */
import { z } from 'zod';
import { ChallengeSchema, Hex64Schema, IsoTimeSchema } from './challenge.js';
import { ProbeResponseSchema } from './probe.js';

export const REPORT_FORMAT_VERSION = 1;

/**
 * The benchmark's kernels, listed once: every schema and type of a kernel name (the report, the UI's summaries,
 * the CUDA runner's port and adapter) derives from it. Also the order the WGSL harness runs them in by default
 * (the sustained phase is sized from the peak SGEMM, so it comes after it). native/src/options.cpp spells the
 * same names in C++; native/kernel-names.test.ts keeps the two lists equal.
 */
export const KERNEL_NAMES = ['fma', 'sgemm', 'hgemm', 'triad', 'sgemm_sustained'] as const;
export const KernelNameSchema = z.enum(KERNEL_NAMES);
export type KernelName = z.infer<typeof KernelNameSchema>;
/**
 * Kernels timed beside the benchmark's only to compare with them (the naive GEMM of the tiled-vs-naive
 * figure): named here with the others, but never in a report, never scored, and unknown to the CUDA
 * executable, so KernelNameSchema (and with it every report) refuses them.
 */
export const COMPARISON_KERNEL_NAMES = ['naive_gemm'] as const;
export const ComparisonKernelNameSchema = z.enum(COMPARISON_KERNEL_NAMES);
export type ComparisonKernelName = z.infer<typeof ComparisonKernelNameSchema>;
export const KernelUnitSchema = z.enum(['GFLOPS', 'GB/s']);
export type KernelUnit = z.infer<typeof KernelUnitSchema>;
/** The unit each kernel must report in. */
export const KERNEL_UNITS: Record<KernelName | ComparisonKernelName, KernelUnit> = {
  fma: 'GFLOPS',
  sgemm: 'GFLOPS',
  hgemm: 'GFLOPS',
  triad: 'GB/s',
  sgemm_sustained: 'GFLOPS',
  naive_gemm: 'GFLOPS',
};

/** Measurement discipline (issue 3): 7 trials, the 2 farthest from the median dropped, noisy above 5 % MAD/median. */
export const TRIALS_PER_KERNEL = 7;
export const OUTLIERS_DROPPED = 2;
export const NOISY_MAD_PER_MILLE = 50;

export const WebGpuAdapterSchema = z
  .object({
    vendor: z.string().max(200),
    architecture: z.string().max(200),
    device: z.string().max(200),
    description: z.string().max(500),
    isFallbackAdapter: z.boolean(),
  })
  .strict();
export type WebGpuAdapterReport = z.infer<typeof WebGpuAdapterSchema>;

export const CudaDeviceSchema = z
  .object({
    name: z.string().max(200),
    /** "major.minor", e.g. "8.6". */
    computeCapability: z.string().regex(/^\d+\.\d+$/),
    smCount: z.number().int().min(0),
    memoryBytes: z.number().int().min(0),
    driverVersion: z.string().max(50),
    runtimeVersion: z.string().max(50),
  })
  .strict();
export type CudaDeviceReport = z.infer<typeof CudaDeviceSchema>;

export const KernelResultSchema = z
  .object({
    name: KernelNameSchema,
    unit: KernelUnitSchema,
    /** Every trial's duration in integer nanoseconds, in run order (outliers included). */
    trialsNs: z.array(z.number().int().positive()).min(1).max(1000),
    medianNs: z.number().int().positive(),
    /** Throughput ×1000 (milli-GFLOPS or milli-GB/s) = round(workPerTrial · 1000 / medianNs). */
    value: z.number().int().min(0),
    noisy: z.boolean(),
    /** FLOPs (GFLOPS kernels) or bytes moved (GB/s kernels) per trial. */
    workPerTrial: z.number().int().positive(),
  })
  .strict();
export type KernelResult = z.infer<typeof KernelResultSchema>;
/** A comparison kernel's result: the same fields, under its own name. */
export type ComparisonKernelResult = Omit<KernelResult, 'name'> & { name: ComparisonKernelName };

/**
 * Which WGSL kernels produced a WebGPU report's figures: the SGEMM variant chosen for the adapter
 * (protocol/bench/wgsl/gemm-variants.ts, e.g. "nvidia-128x128-k16") and the FP16 GEMM's path (null when it did
 * not run). Informational: the verifier checks C, not how it was computed.
 */
export const WebGpuKernelsSchema = z
  .object({
    sgemmVariant: z.string().regex(/^[a-z0-9-]{1,60}$/),
    hgemmPath: z.enum(['subgroup-matrix', 'tiled']).nullable(),
  })
  .strict();
export type WebGpuKernelsReport = z.infer<typeof WebGpuKernelsSchema>;

export const SustainedSchema = z
  .object({
    seconds: z.number().int().min(0),
    /** sustained SGEMM throughput ÷ peak SGEMM throughput, ×1000. */
    ratio1000: z.number().int().min(0),
  })
  .strict();

export const ScoreSchema = z
  .object({
    /** Weighted geometric mean of the per-kernel ratios to the reference GPU, ×1000 (see score.ts). */
    composite: z.number().int().min(0),
    /** Each kernel's value ÷ the reference GPU's value, ×1000. */
    perKernel: z.partialRecord(KernelNameSchema, z.number().int().min(0)),
  })
  .strict();
export type Score = z.infer<typeof ScoreSchema>;

export const BenchReportBodySchema = z
  .object({
    formatVersion: z.literal(REPORT_FORMAT_VERSION),
    formulaVersion: z.number().int().min(1),
    challenge: ChallengeSchema,
    app: z.object({ version: z.string().min(1).max(50), kernelHash: Hex64Schema }).strict(),
    backend: z.enum(['webgpu', 'cuda']),
    /** Set for backend "webgpu", null otherwise. */
    adapter: WebGpuAdapterSchema.nullable(),
    /** Set for backend "cuda", null otherwise. */
    cuda: CudaDeviceSchema.nullable(),
    /** Set for backend "webgpu" since the kernels came in variants; absent in older reports, which stay valid. */
    webgpuKernels: WebGpuKernelsSchema.optional(),
    /** Spec-table row id the device name matched (matchSpec), or null. */
    detectedModel: z.string().nullable(),
    kernels: z.array(KernelResultSchema).min(1).max(KERNEL_NAMES.length),
    sustained: SustainedSchema.nullable(),
    merkleRoot: Hex64Schema,
    n: z.number().int().min(1),
    probe: ProbeResponseSchema,
    score: ScoreSchema,
    /** ed25519 public key, 32 bytes as hex. */
    devicePublicKey: Hex64Schema,
    createdAt: IsoTimeSchema,
  })
  .strict();
export type BenchReportBody = z.infer<typeof BenchReportBodySchema>;

export const BenchReportSchema = BenchReportBodySchema.extend({
  /** ed25519 signature (64 bytes hex) over canonicalJson(body), body = the report without this field. */
  signature: z.string().regex(/^[0-9a-f]{128}$/, 'expected 128 lowercase hex digits'),
}).strict();
export type BenchReport = z.infer<typeof BenchReportSchema>;

export function reportBody(report: BenchReport): BenchReportBody {
  const { signature: _signature, ...body } = report;
  return body;
}

export interface TrialSummary {
  medianNs: number;
  noisy: boolean;
  /** Indices (into trialsNs) of the dropped outliers. */
  dropped: number[];
}

function medianOf(sorted: number[]): number {
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : Math.floor((sorted[mid - 1]! + sorted[mid]!) / 2);
}

/**
 * The one definition of a kernel's summary, used by the runner and re-run by the verifier: drop the
 * OUTLIERS_DROPPED trials farthest from the median (ties: the later trial first) when at least 5 remain, take
 * the median of the rest (lower-mean of the middle pair when even, floored), flag noisy when
 * MAD/median > 5 % (MAD = median absolute deviation of the kept trials).
 */
export function summarizeTrials(trialsNs: readonly number[]): TrialSummary {
  if (trialsNs.length === 0) throw new Error('no trials');
  const overall = medianOf([...trialsNs].sort((a, b) => a - b));
  const dropCount = trialsNs.length - OUTLIERS_DROPPED >= 5 ? OUTLIERS_DROPPED : 0;
  const byDistance = trialsNs.map((t, i) => ({ i, d: Math.abs(t - overall) })).sort((x, y) => y.d - x.d || y.i - x.i);
  const dropped = byDistance.slice(0, dropCount).map((x) => x.i).sort((a, b) => a - b);
  const kept = trialsNs.filter((_, i) => !dropped.includes(i)).sort((a, b) => a - b);
  const medianNs = medianOf(kept);
  const mad = medianOf(kept.map((t) => Math.abs(t - medianNs)).sort((a, b) => a - b));
  return { medianNs, noisy: mad * 1000 > NOISY_MAD_PER_MILLE * medianNs, dropped };
}

/** value ×1000: work per nanosecond is GFLOPS (or GB/s), so milli-units = round(work · 1000 / ns). */
export function throughputMilli(workPerTrial: number, medianNs: number): number {
  return Math.round((workPerTrial * 1000) / medianNs);
}

/** Builds a kernel result from raw trial timings, with the summary every verifier recomputes. */
export function kernelResult<N extends KernelName | ComparisonKernelName>(name: N, trialsNs: number[], workPerTrial: number): Omit<KernelResult, 'name'> & { name: N } {
  const rounded = trialsNs.map((t) => Math.max(1, Math.round(t)));
  const { medianNs, noisy } = summarizeTrials(rounded);
  return { name, unit: KERNEL_UNITS[name], trialsNs: rounded, medianNs, value: throughputMilli(workPerTrial, medianNs), noisy, workPerTrial };
}

/** The name the spec-table matcher sees: the CUDA device name, or the WebGPU adapter's most specific field. */
export function reportDeviceName(body: Pick<BenchReportBody, 'backend' | 'adapter' | 'cuda'>): string {
  if (body.backend === 'cuda') return body.cuda?.name ?? '';
  const adapter = body.adapter;
  if (!adapter) return '';
  return adapter.description || adapter.device || `${adapter.vendor} ${adapter.architecture}`.trim();
}

/** sustained.ratio1000 as the verifier recomputes it: sustained SGEMM value ÷ peak SGEMM value. */
export function sustainedRatio1000(kernels: readonly Pick<KernelResult, 'name' | 'value'>[]): number | null {
  const peak = kernels.find((k) => k.name === 'sgemm');
  const sustained = kernels.find((k) => k.name === 'sgemm_sustained');
  if (!peak || !sustained || peak.value <= 0) return null;
  return Math.round((sustained.value * 1000) / peak.value);
}
