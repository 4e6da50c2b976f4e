/**
 * The WebGPU benchmark harness. It needs only a `GPU` object (navigator.gpu in a window or Chromium,
 * Dawn's in Node) and a clock, so the one harness runs on every host.
 *
 * Flow: request the adapter with its own limits → generate A, B (and the triad vectors) ON THE GPU from the
 * seed with WGSL Philox → per kernel: compile, warm up (both excluded), calibrate how many dispatches make
 * one trial long enough, 7 timed trials (GPU timestamps when 'timestamp-query' exists, wall clock otherwise)
 * → a sustained SGEMM phase → read C back. Building the Merkle tree and the report is the caller's job.
 * This file plans and assembles; measure-kernels.ts holds the steps, bench-device.ts the GPU objects and the
 * timing of dispatches, progress-steps.ts the progress fractions.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { UserFacingError } from '../../errors.js';
import { STREAM_A, STREAM_B, seedToKey } from '../inputs.js';
import { KERNEL_NAMES, type ComparisonKernelName, type ComparisonKernelResult, type KernelName, type KernelResult, type KernelUnit } from '../report.js';
import { BenchDevice, MAP_READ, USAGE_COPY_DST, USAGE_COPY_SRC, USAGE_MAP_READ, USAGE_STORAGE, USAGE_UNIFORM, deviceLost, grid } from './bench-device.js';
import {
  SUBGROUP_MATRIX_FEATURE,
  chooseGemmVariant,
  fmaWorkgroups,
  gemmVariantId,
  subgroupMatrixPlan,
  type GemmVariant,
  type GpuVendorClass,
  type HgemmPath,
  type SubgroupMatrixConfig,
} from './gemm-variants.js';
import { FMA_SOURCE, NAIVE_GEMM_SOURCE, TRIAD_SOURCE, WORKGROUP_SIZE, fillSource, gemmBlock, gemmVectorised, subgroupMatrixGemmSource, tiledGemmSource, type GemmTiling } from './kernels.js';
import { generateInputs, measureKernels, measureNaiveGemm, readBackChecked, type RunContext } from './measure-kernels.js';
import { ProgressSteps } from './progress-steps.js';
import {
  bindRowCommit,
  DIGEST_BYTES,
  encodeRowCommit,
  LEAF_WORKGROUP,
  leafHashSource,
  merkleTreeSource,
  rowHashParams,
  treeScratchBytes,
  type RowCommitBindings,
  type RowCommitPipelines,
} from './row-hash.js';

export { grid };

export type BenchMode = 'quick' | 'full';
export type { KernelName, KernelResult, KernelUnit };

export interface AdapterDescription {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  isFallbackAdapter: boolean;
  /** A CPU rasteriser (SwiftShader, llvmpipe, lavapipe…) or a fallback adapter: never a real GPU. */
  software: boolean;
  features: string[];
  maxBufferSize: number;
  maxStorageBufferBindingSize: number;
  /** Absent where the description was made without it: WebGPU's default (16 KiB) is assumed. */
  maxComputeWorkgroupStorageSize?: number;
  /** Largest subgroup size the adapter reports (0 when unknown). */
  subgroupMaxSize?: number;
  /** Dawn's subgroup-matrix configurations (chromium-experimental-subgroup-matrix), empty without the feature. */
  subgroupMatrixConfigs?: SubgroupMatrixConfig[];
}

export interface HarnessProgress {
  stage: 'adapter' | 'inputs' | 'kernel' | 'sustained' | 'readback';
  kernel: KernelName | ComparisonKernelName | null;
  /** 0..1 over the whole harness run. */
  fraction: number;
  message: string;
}

export interface HarnessOptions {
  seed: string;
  n: number;
  mode: BenchMode;
  /** Milliseconds from any monotonic origin (performance.now in every host). */
  nowMs: () => number;
  onProgress?: (progress: HarnessProgress) => void;
  /** Also time the naive one-thread-per-output GEMM (for the tiled-vs-naive ratio). */
  includeNaive?: boolean;
  /** Overrides for tests and benches; production leaves them unset. */
  kernels?: KernelName[];
  sustainedSeconds?: number;
  /** Forces a GEMM tiling (tests check every tiling on whatever adapter they have). */
  tiling?: GemmTiling;
}

export interface HarnessResult {
  adapter: AdapterDescription;
  n: number;
  mode: BenchMode;
  /** C = A·B from the tiled SGEMM, n×n row-major. */
  c: Float32Array;
  kernels: KernelResult[];
  /** Present with includeNaive. */
  naive: ComparisonKernelResult | null;
  /** The SGEMM variant that ran (gemm-variants.ts), e.g. "nvidia-128x128-k16". */
  gemmVariant: string;
  /** How the FP16 GEMM ran; null when it did not. */
  hgemmPath: HgemmPath | null;
  sustained: { seconds: number; ratio1000: number } | null;
  timing: 'timestamp' | 'wall';
  kernelHash: string;
  /** Things the owner may want to know (e.g. FP16 skipped), in plain words. */
  notes: string[];
  wallMs: number;
}

/** How much work each kernel gets on this adapter in this mode. Pure. */
export interface BenchPlan {
  /** The SGEMM variant for this adapter; its tiling also runs the tiled FP16 GEMM. */
  variant: GemmVariant;
  tiling: GemmTiling;
  vendor: GpuVendorClass;
  fmaWorkgroups: number;
  fmaIterations: number;
  triadBytes: number;
  /** Target duration of one trial, per kernel. */
  trialMs: { fma: number; gemm: number; triad: number };
  sustainedSeconds: number;
  sustainedChunkMs: number;
}

const MiB = 1024 * 1024;
const SOFTWARE_PATTERN = /swiftshader|llvmpipe|lavapipe|softpipe|software|basic render|warp/i;

export function isSoftwareAdapter(info: Pick<AdapterDescription, 'vendor' | 'architecture' | 'device' | 'description' | 'isFallbackAdapter'>): boolean {
  return info.isFallbackAdapter || SOFTWARE_PATTERN.test(`${info.vendor} ${info.architecture} ${info.device} ${info.description}`);
}

/** What planFor reads from the adapter. */
export type PlanAdapter = Pick<AdapterDescription, 'vendor' | 'architecture' | 'description' | 'software' | 'maxBufferSize' | 'maxStorageBufferBindingSize' | 'maxComputeWorkgroupStorageSize'>;

export function planFor(adapter: PlanAdapter, mode: BenchMode): BenchPlan {
  const bufferCap = Math.min(adapter.maxBufferSize, adapter.maxStorageBufferBindingSize);
  const variant = chooseGemmVariant(adapter);
  const vendor = variant.vendor;
  const fma = { fmaWorkgroups: fmaWorkgroups(vendor) };
  if (adapter.software) {
    return {
      variant,
      tiling: variant.tiling,
      vendor,
      ...fma,
      fmaIterations: 64,
      triadBytes: Math.min(mode === 'quick' ? 8 * MiB : 32 * MiB, floorTo(bufferCap, 16 * WORKGROUP_SIZE)),
      trialMs: mode === 'quick' ? { fma: 20, gemm: 20, triad: 20 } : { fma: 60, gemm: 60, triad: 60 },
      sustainedSeconds: mode === 'quick' ? 2 : 20,
      sustainedChunkMs: mode === 'quick' ? 100 : 250,
    };
  }
  return {
    variant,
    tiling: variant.tiling,
    vendor,
    ...fma,
    fmaIterations: 512,
    // ≥ 4× the largest consumer L2 per buffer where the limits allow it.
    triadBytes: Math.min(256 * MiB, floorTo(bufferCap, 16 * WORKGROUP_SIZE)),
    trialMs: mode === 'quick' ? { fma: 50, gemm: 40, triad: 30 } : { fma: 200, gemm: 100, triad: 100 },
    sustainedSeconds: mode === 'quick' ? 4 : 24,
    sustainedChunkMs: mode === 'quick' ? 100 : 500,
  };
}

/** The GEMM size a local challenge should use on this adapter: 4096 on real GPUs, small on software. */
export function defaultMatrixSize(adapter: Pick<AdapterDescription, 'software' | 'maxBufferSize' | 'maxStorageBufferBindingSize'>, mode: BenchMode): number {
  if (adapter.software) return mode === 'quick' ? 256 : 512;
  const cap = Math.min(adapter.maxBufferSize, adapter.maxStorageBufferBindingSize);
  let n = 4096;
  while (n > 256 && n * n * 4 > cap) n /= 2;
  return n;
}

function floorTo(value: number, step: number): number {
  return Math.floor(value / step) * step;
}

/** sha256 over every kernel source this harness can run: what "kernelHash" in a report pins. */
export function webgpuKernelHash(): string {
  const tilings: GemmTiling[] = [];
  for (const tile of [4, 8] as const) for (const depth of [8, 16, 32] as const) tilings.push({ tile, depth });
  const gemms = tilings.flatMap((t) => [false, true].flatMap((vec) => [tiledGemmSource(t, 'f32', vec), tiledGemmSource(t, 'f16', vec)]));
  const sources = [
    fillSource('f32'),
    fillSource('f16'),
    FMA_SOURCE,
    TRIAD_SOURCE,
    NAIVE_GEMM_SOURCE,
    ...gemms,
    // The workgroup size is the adapter's subgroup size; 32 stands for every size here.
    subgroupMatrixGemmSource(8, 32),
    subgroupMatrixGemmSource(16, 32),
  ];
  return bytesToHex(sha256(utf8ToBytes(sources.join('\n//--\n'))));
}

export function describeAdapter(adapter: GPUAdapter): AdapterDescription {
  const info = adapter.info;
  const legacyFallback = (adapter as unknown as { isFallbackAdapter?: boolean }).isFallbackAdapter;
  const base = {
    vendor: info?.vendor ?? '',
    architecture: info?.architecture ?? '',
    device: info?.device ?? '',
    description: info?.description ?? '',
    isFallbackAdapter: Boolean(info?.isFallbackAdapter ?? legacyFallback ?? false),
  };
  return {
    ...base,
    software: isSoftwareAdapter(base),
    features: [...adapter.features].map(String).sort(),
    maxBufferSize: adapter.limits.maxBufferSize,
    maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
    maxComputeWorkgroupStorageSize: adapter.limits.maxComputeWorkgroupStorageSize,
    subgroupMaxSize: Number((info as { subgroupMaxSize?: number } | undefined)?.subgroupMaxSize ?? 0),
    subgroupMatrixConfigs: subgroupMatrixConfigsOf(info),
  };
}

/** Dawn's GPUAdapterInfo.subgroupMatrixConfigs as plain objects (not in the standard types yet). */
function subgroupMatrixConfigsOf(info: GPUAdapterInfo | undefined): SubgroupMatrixConfig[] {
  const configs = (info as { subgroupMatrixConfigs?: Iterable<SubgroupMatrixConfig> } | undefined)?.subgroupMatrixConfigs;
  if (!configs) return [];
  return [...configs].map((c) => ({ componentType: String(c.componentType), resultComponentType: String(c.resultComponentType), M: Number(c.M), N: Number(c.N), K: Number(c.K) }));
}

/** Finds the adapter a run would use, without running anything. */
export async function inspectAdapter(gpu: GPU): Promise<AdapterDescription> {
  return describeAdapter(await requestAdapter(gpu));
}

async function requestAdapter(gpu: GPU): Promise<GPUAdapter> {
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) {
    throw new UserFacingError(
      'bench-no-adapter',
      'No graphics adapter is available to WebGPU on this computer.',
      'Update your graphics driver, then run the benchmark again. On Linux, make sure Vulkan is installed.',
    );
  }
  return adapter;
}

/** A device with the adapter's own buffer and workgroup limits; `lostReason()` says why the driver dropped it, if it did. */
async function openDevice(adapter: GPUAdapter, requiredFeatures: GPUFeatureName[]): Promise<{ device: GPUDevice; lostReason: () => string | null }> {
  const device = await adapter.requestDevice({
    requiredFeatures,
    requiredLimits: {
      maxBufferSize: adapter.limits.maxBufferSize,
      maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
      maxComputeWorkgroupStorageSize: adapter.limits.maxComputeWorkgroupStorageSize,
      maxComputeWorkgroupsPerDimension: adapter.limits.maxComputeWorkgroupsPerDimension,
    },
  });
  let lost: string | null = null;
  void device.lost.then((info) => {
    lost = info.message || String(info.reason);
  });
  return { device, lostReason: () => lost };
}

/** Runs the benchmark on the first high-performance adapter of `gpu`. */
export async function runWebGpuBenchmark(gpu: GPU, options: HarnessOptions): Promise<HarnessResult> {
  const started = options.nowMs();
  options.onProgress?.({ stage: 'adapter', kernel: null, fraction: 0, message: 'Opening the graphics adapter' });
  const adapter = await requestAdapter(gpu);
  const described = describeAdapter(adapter);
  const plan = runPlan(described, options);
  const wanted = options.kernels ?? [...KERNEL_NAMES];
  const f16 = fp16Support(adapter, wanted);
  const timestamps = adapter.features.has('timestamp-query');
  const notes: string[] = [];
  const requiredFeatures: GPUFeatureName[] = [];
  if (timestamps) requiredFeatures.push('timestamp-query');
  if (f16 === 'wanted') requiredFeatures.push('shader-f16');
  const matrix = f16 === 'wanted' ? subgroupMatrixPlan({ features: described.features, subgroupMatrixConfigs: described.subgroupMatrixConfigs ?? [], subgroupMaxSize: described.subgroupMaxSize ?? 0 }, options.n) : null;
  if (matrix) requiredFeatures.push(SUBGROUP_MATRIX_FEATURE as GPUFeatureName);
  const { device, lostReason } = await openDevice(adapter, requiredFeatures);
  const benchDevice = new BenchDevice(device, { lostReason, nowMs: options.nowMs, timestamps, notes });
  try {
    const ctx: RunContext = {
      gpu: benchDevice,
      plan,
      n: options.n,
      key: seedToKey(options.seed),
      // Inputs, each wanted kernel, the naive GEMM when asked for, and the read-back.
      progress: new ProgressSteps(options.onProgress, wanted.length + (options.includeNaive ? 1 : 0) + 2),
      notes,
      nowMs: options.nowMs,
      sustainedSeconds: options.sustainedSeconds ?? plan.sustainedSeconds,
      subgroupMatrix: matrix,
    };
    const inputs = await generateInputs(ctx, f16);
    ctx.progress.next();
    const measured = await measureKernels(ctx, inputs, wanted);
    const naive = options.includeNaive ? await measureNaiveGemm(ctx, inputs) : null;
    if (naive) ctx.progress.next();
    const c = await readBackChecked(ctx, inputs, measured, naive?.c ?? null);
    ctx.progress.finished();
    return {
      adapter: described,
      n: options.n,
      mode: options.mode,
      c,
      kernels: [...measured.kernels],
      naive: naive?.result ?? null,
      gemmVariant: plan.variant.id,
      hgemmPath: measured.kernels.some((k) => k.name === 'hgemm') ? measured.hgemmPath : null,
      sustained: measured.sustained,
      timing: benchDevice.timing,
      kernelHash: webgpuKernelHash(),
      notes,
      wallMs: Math.round(options.nowMs() - started),
    };
  } finally {
    benchDevice.destroy();
  }
}

/** The plan for this adapter and mode (with a forced tiling), refusing an n the buffers cannot take. */
function runPlan(described: AdapterDescription, options: HarnessOptions): BenchPlan {
  const planned = planFor(described, options.mode);
  const plan = options.tiling ? { ...planned, tiling: options.tiling, variant: forcedVariant(planned.vendor, options.tiling) } : planned;
  const { n } = options;
  if (!Number.isInteger(n) || n < 1) {
    throw new UserFacingError('bench-bad-size', `The benchmark size ${n} is not a whole number of rows.`, 'Ask for a new challenge, or run a local benchmark without --challenge.');
  }
  if (n * n * 4 > Math.min(described.maxBufferSize, described.maxStorageBufferBindingSize)) {
    throw new UserFacingError('bench-too-large', `This graphics card cannot hold a ${n}×${n} matrix in one buffer.`, 'Run a local benchmark without --challenge; it picks a size that fits.');
  }
  return plan;
}

/** A tiling a test or bench forced, named like the chosen ones. */
function forcedVariant(vendor: GpuVendorClass, tiling: GemmTiling): GemmVariant {
  return { id: gemmVariantId(vendor, tiling), vendor, tiling };
}

function fp16Support(adapter: GPUAdapter, wanted: readonly KernelName[]): 'wanted' | 'unsupported' | 'not-wanted' {
  if (!wanted.includes('hgemm')) return 'not-wanted';
  return adapter.features.has('shader-f16') ? 'wanted' : 'unsupported';
}

export interface TimedGemmOptions {
  /** GEMM size (every timed n is a multiple of 128; the kernels take any n). */
  n: number;
  /** One seed per GEMM: C_k = A_k·B_k with A_k, B_k from protocol/bench/inputs. */
  seeds: string[];
  nowMs: () => number;
  /** Forces a tiling (tests); default: what planFor picks for this adapter. */
  tiling?: GemmTiling;
  /** GEMMs per read-back (tests exercise several chunks at small n); default timedChunkGemms. */
  chunkGemms?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface TimedGemmResult {
  adapter: AdapterDescription;
  n: number;
  /** Per seed, the Merkle root of C_k (protocol/bench/merkle.ts), computed on the GPU, lowercase hex. */
  roots: string[];
  /** Per seed, the n leaf digests of C_k back to back (n × 32 B): what the openings' paths are built from. */
  leaves: Uint8Array[];
  tiling: GemmTiling;
  wallMs: number;
}

/** Leaf digests read back per map (two chunks in flight): a few MiB, so a map costs little next to the GEMMs. */
export const TIMED_LEAF_CHUNK_BYTES = 4 * MiB;

/** GEMMs whose leaves share one read-back: at least 1, at most the whole challenge. */
export function timedChunkGemms(n: number, gemms: number): number {
  return Math.max(1, Math.min(gemms, Math.floor(TIMED_LEAF_CHUNK_BYTES / (n * DIGEST_BYTES))));
}

/**
 * The timed challenge's work (protocol/bench/timed.ts): for each seed, generate A and B on the GPU, run the
 * benchmark's tiled SGEMM once, and hash C into its Merkle tree on the GPU (row-hash.ts). Only the leaves
 * (32 B per row) and the root come back, in chunks of GEMMs; a chunk's read-back overlaps the next chunk's
 * GEMMs. No warm-up, no trials: the coordinator times the whole run.
 */
export async function runTimedGemms(gpu: GPU, options: TimedGemmOptions): Promise<TimedGemmResult> {
  const started = options.nowMs();
  const adapter = await requestAdapter(gpu);
  const described = describeAdapter(adapter);
  const tiling = options.tiling ?? chooseGemmVariant(described).tiling;
  checkTimedSize(options.n, described);
  const { device, lostReason } = await openDevice(adapter, []);
  const buffers: GPUBuffer[] = [];
  const make = (size: number, usage: number) => {
    const buffer = device.createBuffer({ size, usage });
    buffers.push(buffer);
    return buffer;
  };
  try {
    const run = await prepareTimedRun(device, make, options.n, tiling, options.chunkGemms ?? timedChunkGemms(options.n, options.seeds.length));
    const { roots, leaves } = await runTimedChunks(device, run, options, lostReason);
    return { adapter: described, n: options.n, roots, leaves, tiling, wallMs: Math.round(options.nowMs() - started) };
  } finally {
    for (const buffer of buffers) buffer.destroy();
    device.destroy();
  }
}

function checkTimedSize(n: number, described: AdapterDescription): void {
  if (!Number.isInteger(n) || n < 1) {
    throw new UserFacingError('bench-bad-size', `The timed benchmark size ${n} is not a whole number of rows.`, 'This is a coordinator problem; the next challenge will be retried.');
  }
  if (n * n * 4 > Math.min(described.maxBufferSize, described.maxStorageBufferBindingSize)) {
    throw new UserFacingError('bench-too-large', `This graphics card cannot hold a ${n}×${n} matrix in one buffer.`, 'This graphics card is too small for the network benchmark.');
  }
}

type Pass = [GPUComputePipeline, GPUBindGroup, [number, number, number]];

interface TimedRun {
  n: number;
  chunk: number;
  fillA: GPUBuffer;
  fillB: GPUBuffer;
  hashParams: GPUBuffer;
  /** Fill A, fill B, GEMM: recorded again for every seed (their uniforms change between submits). */
  gemmPasses: Pass[];
  commit: RowCommitPipelines;
  commitBindings: RowCommitBindings;
  leaves: GPUBuffer;
  roots: GPUBuffer;
  staging: [GPUBuffer, GPUBuffer];
}

/** Compiles the four kernels (in parallel) and allocates everything: A, B, C, two chunks of leaves, staging. */
async function prepareTimedRun(device: GPUDevice, make: (size: number, usage: number) => GPUBuffer, n: number, tiling: GemmTiling, chunk: number): Promise<TimedRun> {
  const compile = (code: string, label: string) =>
    device.createComputePipelineAsync({ layout: 'auto', compute: { module: device.createShaderModule({ code, label }), entryPoint: 'main' }, label });
  const [fill, gemm, leaf, tree] = await Promise.all([
    compile(fillSource('f32'), 'input generator'),
    compile(tiledGemmSource(tiling, 'f32', gemmVectorised(n)), 'SGEMM'),
    compile(leafHashSource(), 'row hashes'),
    compile(merkleTreeSource(), 'Merkle tree'),
  ]);
  const bytes = n * n * 4;
  const leafBytes = n * DIGEST_BYTES;
  const a = make(bytes, USAGE_STORAGE);
  const b = make(bytes, USAGE_STORAGE);
  const c = make(bytes, USAGE_STORAGE);
  const fillA = make(16, USAGE_UNIFORM | USAGE_COPY_DST);
  const fillB = make(16, USAGE_UNIFORM | USAGE_COPY_DST);
  const gemmParams = make(16, USAGE_UNIFORM | USAGE_COPY_DST);
  const hashParams = make(16, USAGE_UNIFORM | USAGE_COPY_DST);
  device.queue.writeBuffer(gemmParams, 0, new Uint32Array([n, 0, 0, 0]));
  const leaves = make(2 * chunk * leafBytes, USAGE_STORAGE | USAGE_COPY_SRC);
  const roots = make(2 * chunk * DIGEST_BYTES, USAGE_STORAGE | USAGE_COPY_SRC);
  const scratch = make(treeScratchBytes(n), USAGE_STORAGE);
  const stagingBytes = chunk * (leafBytes + DIGEST_BYTES);
  const staging: [GPUBuffer, GPUBuffer] = [make(stagingBytes, USAGE_COPY_DST | USAGE_MAP_READ), make(stagingBytes, USAGE_COPY_DST | USAGE_MAP_READ)];
  const maxDim = device.limits.maxComputeWorkgroupsPerDimension;
  const bind = (p: GPUComputePipeline, resources: GPUBuffer[]) =>
    device.createBindGroup({ layout: p.getBindGroupLayout(0), entries: resources.map((buffer, binding) => ({ binding, resource: { buffer } })) });
  const fillGroups = grid(Math.ceil(Math.ceil((n * n) / 4) / WORKGROUP_SIZE), maxDim);
  const block = gemmBlock(tiling);
  const commit = { leaf, tree };
  return {
    n,
    chunk,
    fillA,
    fillB,
    hashParams,
    gemmPasses: [
      [fill, bind(fill, [a, fillA]), fillGroups],
      [fill, bind(fill, [b, fillB]), fillGroups],
      [gemm, bind(gemm, [a, b, c, gemmParams]), [Math.ceil(n / block), Math.ceil(n / block), 1]],
    ],
    commit,
    commitBindings: bindRowCommit(device, commit, { c, leaves, scratch, roots, params: hashParams }, grid(Math.ceil(n / LEAF_WORKGROUP), maxDim)),
    leaves,
    roots,
    staging,
  };
}

/**
 * One submit per seed; after a chunk's last seed its leaves and roots are copied to that chunk's staging
 * buffer. Chunk c reuses chunk c−2's leaf slots and staging, so c−2 is collected (mapped) first; queue order
 * keeps every uniform write after the submits that read the old value.
 */
async function runTimedChunks(device: GPUDevice, run: TimedRun, options: TimedGemmOptions, lost: () => string | null): Promise<{ roots: string[]; leaves: Uint8Array[] }> {
  const { n, chunk } = run;
  const total = options.seeds.length;
  const chunks = Math.ceil(total / chunk);
  const roots: string[] = [];
  const leaves: Uint8Array[] = [];
  const collect = async (c: number) => {
    const count = Math.min(chunk, total - c * chunk);
    const buffer = run.staging[c % 2]!;
    await buffer.mapAsync(MAP_READ);
    const bytes = new Uint8Array(buffer.getMappedRange().slice(0));
    buffer.unmap();
    const message = lost();
    if (message) throw deviceLost(message);
    for (let k = 0; k < count; k++) {
      leaves.push(bytes.slice(k * n * DIGEST_BYTES, (k + 1) * n * DIGEST_BYTES));
      roots.push(bytesToHex(bytes.subarray(chunk * n * DIGEST_BYTES + k * DIGEST_BYTES, chunk * n * DIGEST_BYTES + (k + 1) * DIGEST_BYTES)));
    }
    options.onProgress?.(leaves.length, total);
  };
  for (let c = 0; c < chunks; c++) {
    if (c >= 2) await collect(c - 2);
    const first = c * chunk;
    const count = Math.min(chunk, total - first);
    for (let k = 0; k < count; k++) {
      const encoder = encodeTimedGemm(device, run, options.seeds[first + k]!, (c % 2) * chunk + k);
      if (k === count - 1) copyChunk(encoder, run, c, count);
      device.queue.submit([encoder.finish()]);
    }
  }
  for (let c = Math.max(0, chunks - 2); c < chunks; c++) await collect(c);
  return { roots, leaves };
}

/** Writes one seed's uniforms and records its fills, GEMM and row commitment into leaf slot `slot`. */
function encodeTimedGemm(device: GPUDevice, run: TimedRun, seed: string, slot: number): GPUCommandEncoder {
  const [keyLo, keyHi] = seedToKey(seed);
  device.queue.writeBuffer(run.fillA, 0, new Uint32Array([run.n * run.n, STREAM_A, keyLo, keyHi]));
  device.queue.writeBuffer(run.fillB, 0, new Uint32Array([run.n * run.n, STREAM_B, keyLo, keyHi]));
  device.queue.writeBuffer(run.hashParams, 0, rowHashParams(run.n, run.n, slot));
  const encoder = device.createCommandEncoder();
  for (const [pipe, group, groups] of run.gemmPasses) {
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipe);
    pass.setBindGroup(0, group);
    pass.dispatchWorkgroups(...groups);
    pass.end();
  }
  encodeRowCommit(encoder, run.commit, run.commitBindings);
  return encoder;
}

/** Chunk c's leaves, then its roots, into its staging buffer (layout: chunk leaf slots, then chunk roots). */
function copyChunk(encoder: GPUCommandEncoder, run: TimedRun, c: number, count: number): void {
  const leafBytes = run.n * DIGEST_BYTES;
  const staging = run.staging[c % 2]!;
  const half = c % 2;
  encoder.copyBufferToBuffer(run.leaves, half * run.chunk * leafBytes, staging, 0, count * leafBytes);
  encoder.copyBufferToBuffer(run.roots, half * run.chunk * DIGEST_BYTES, staging, run.chunk * leafBytes, count * DIGEST_BYTES);
}
