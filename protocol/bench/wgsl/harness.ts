/**
 * The WebGPU benchmark harness. It needs only a `GPU` object (navigator.gpu in a window or Chromium,
 * Dawn's in Node) and a clock, so the one harness runs on every host.
 *
 * Flow: request the adapter with its own limits → generate A, B (and the triad vectors) ON THE GPU from the
 * seed with WGSL Philox → per kernel: compile, warm up (both excluded), calibrate how many dispatches make
 * one trial long enough, 7 timed trials (GPU timestamps when 'timestamp-query' exists, wall clock otherwise)
 * → a sustained SGEMM phase → read C back. Building the Merkle tree and the report is the caller's job.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { UserFacingError } from '../../errors.js';
import { STREAM_A, STREAM_B, STREAM_TRIAD_B, STREAM_TRIAD_C, seedToKey } from '../inputs.js';
import {
  FMA_FLOPS_PER_ITERATION,
  FMA_SOURCE,
  NAIVE_GEMM_SOURCE,
  TRIAD_SOURCE,
  WORKGROUP_SIZE,
  fillSource,
  gemmBlock,
  gemmFlops,
  tiledGemmSource,
  type GemmTiling,
} from './kernels.js';
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
import { TRIALS_PER_KERNEL, kernelResult, type KernelName, type KernelResult, type KernelUnit } from '../report.js';

// GPUBufferUsage / GPUMapMode values, spelled out so the harness needs no globals from any host.
const USAGE_MAP_READ = 0x0001;
const USAGE_COPY_SRC = 0x0004;
const USAGE_COPY_DST = 0x0008;
const USAGE_UNIFORM = 0x0040;
const USAGE_STORAGE = 0x0080;
const USAGE_QUERY_RESOLVE = 0x0200;
const MAP_READ = 0x0001;

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
}

export interface HarnessProgress {
  stage: 'adapter' | 'inputs' | 'kernel' | 'sustained' | 'readback';
  kernel: KernelName | 'naive_gemm' | null;
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
  naive: KernelResult | null;
  sustained: { seconds: number; ratio1000: number } | null;
  timing: 'timestamp' | 'wall';
  kernelHash: string;
  /** Things the owner may want to know (e.g. FP16 skipped), in plain words. */
  notes: string[];
  wallMs: number;
}

/** How much work each kernel gets on this adapter in this mode. Pure. */
export interface BenchPlan {
  tiling: GemmTiling;
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

export function planFor(adapter: Pick<AdapterDescription, 'software' | 'maxBufferSize' | 'maxStorageBufferBindingSize'>, mode: BenchMode): BenchPlan {
  const bufferCap = Math.min(adapter.maxBufferSize, adapter.maxStorageBufferBindingSize);
  if (adapter.software) {
    return {
      tiling: { tile: 4, depth: 16 },
      fmaWorkgroups: 32,
      fmaIterations: 64,
      triadBytes: Math.min(mode === 'quick' ? 8 * MiB : 32 * MiB, floorTo(bufferCap, 16 * WORKGROUP_SIZE)),
      trialMs: mode === 'quick' ? { fma: 20, gemm: 20, triad: 20 } : { fma: 60, gemm: 60, triad: 60 },
      sustainedSeconds: mode === 'quick' ? 2 : 20,
      sustainedChunkMs: mode === 'quick' ? 100 : 250,
    };
  }
  return {
    tiling: { tile: 8, depth: 16 },
    fmaWorkgroups: 8192,
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
  const sources = [
    fillSource('f32'),
    fillSource('f16'),
    FMA_SOURCE,
    TRIAD_SOURCE,
    NAIVE_GEMM_SOURCE,
    tiledGemmSource({ tile: 4, depth: 16 }, 'f32'),
    tiledGemmSource({ tile: 8, depth: 16 }, 'f32'),
    tiledGemmSource({ tile: 4, depth: 16 }, 'f16'),
    tiledGemmSource({ tile: 8, depth: 16 }, 'f16'),
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
  };
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

interface Kernel {
  pipeline: GPUComputePipeline;
  bindGroup: GPUBindGroup;
  groups: [number, number, number];
}

/** Splits a 1-D workgroup count into a grid no dimension of which exceeds the device limit. */
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

export function grid(total: number, maxPerDimension: number): [number, number, number] {
  if (total <= maxPerDimension) return [Math.max(1, total), 1, 1];
  const y = Math.ceil(total / maxPerDimension);
  return [Math.ceil(total / y), y, 1];
}

/** Runs the benchmark on the first high-performance adapter of `gpu`. */
export async function runWebGpuBenchmark(gpu: GPU, options: HarnessOptions): Promise<HarnessResult> {
  const started = options.nowMs();
  const report = (progress: HarnessProgress) => options.onProgress?.(progress);
  report({ stage: 'adapter', kernel: null, fraction: 0, message: 'Opening the graphics adapter' });
  const adapter = await requestAdapter(gpu);
  const described = describeAdapter(adapter);
  const planned = planFor(described, options.mode);
  const plan = options.tiling ? { ...planned, tiling: options.tiling } : planned;
  const { n } = options;
  const block = gemmBlock(plan.tiling);
  if (!Number.isInteger(n) || n < block || n % block !== 0) {
    throw new UserFacingError('bench-bad-size', `The benchmark size ${n} must be a multiple of ${block} for this graphics card.`, 'Ask for a new challenge, or run a local benchmark without --challenge.');
  }
  if (n * n * 4 > Math.min(described.maxBufferSize, described.maxStorageBufferBindingSize)) {
    throw new UserFacingError('bench-too-large', `This graphics card cannot hold a ${n}×${n} matrix in one buffer.`, 'Run a local benchmark without --challenge; it picks a size that fits.');
  }
  const wanted: KernelName[] = options.kernels ?? ['fma', 'sgemm', 'hgemm', 'triad', 'sgemm_sustained'];
  const hasF16 = adapter.features.has('shader-f16');
  const hasTimestamps = adapter.features.has('timestamp-query');
  const notes: string[] = [];
  const requiredFeatures: GPUFeatureName[] = [];
  if (hasTimestamps) requiredFeatures.push('timestamp-query');
  if (hasF16 && wanted.includes('hgemm')) requiredFeatures.push('shader-f16');
  const { device, lostReason } = await openDevice(adapter, requiredFeatures);
  const maxDim = device.limits.maxComputeWorkgroupsPerDimension;
  const buffers: GPUBuffer[] = [];
  const querySet = hasTimestamps ? device.createQuerySet({ type: 'timestamp', count: 2 }) : null;
  const resolveBuffer = hasTimestamps ? track(device.createBuffer({ size: 16, usage: USAGE_QUERY_RESOLVE | USAGE_COPY_SRC })) : null;
  const readTimes = hasTimestamps ? track(device.createBuffer({ size: 16, usage: USAGE_COPY_DST | USAGE_MAP_READ })) : null;
  let timing: 'timestamp' | 'wall' = hasTimestamps ? 'timestamp' : 'wall';

  function track(buffer: GPUBuffer): GPUBuffer {
    buffers.push(buffer);
    return buffer;
  }

  function storage(bytes: number, extra = 0): GPUBuffer {
    return track(device.createBuffer({ size: bytes, usage: USAGE_STORAGE | USAGE_COPY_SRC | extra }));
  }

  function uniform(words: ArrayBuffer): GPUBuffer {
    const buffer = track(device.createBuffer({ size: Math.max(16, words.byteLength), usage: USAGE_UNIFORM | USAGE_COPY_DST }));
    device.queue.writeBuffer(buffer, 0, words);
    return buffer;
  }

  async function pipeline(code: string, label: string): Promise<GPUComputePipeline> {
    const module = device.createShaderModule({ code, label });
    try {
      return await device.createComputePipelineAsync({ layout: 'auto', compute: { module, entryPoint: 'main' }, label });
    } catch (error) {
      const info = await module.getCompilationInfo().catch(() => null);
      const details = info?.messages.map((m) => `${m.lineNum}:${m.linePos} ${m.message}`).join('; ');
      throw new UserFacingError('bench-shader', `The graphics driver could not compile the ${label} benchmark: ${details || (error as Error).message}`, 'Update your graphics driver and run the benchmark again.');
    }
  }

  function kernel(p: GPUComputePipeline, resources: GPUBuffer[], groups: [number, number, number]): Kernel {
    const bindGroup = device.createBindGroup({ layout: p.getBindGroupLayout(0), entries: resources.map((buffer, binding) => ({ binding, resource: { buffer } })) });
    return { pipeline: p, bindGroup, groups };
  }

  /** Runs `reps` dispatches in one pass; returns integer nanoseconds. */
  async function timeDispatches(k: Kernel, reps: number): Promise<number> {
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass(
      querySet && timing === 'timestamp' ? { timestampWrites: { querySet, beginningOfPassWriteIndex: 0, endOfPassWriteIndex: 1 } } : {},
    );
    pass.setPipeline(k.pipeline);
    pass.setBindGroup(0, k.bindGroup);
    for (let r = 0; r < reps; r++) pass.dispatchWorkgroups(...k.groups);
    pass.end();
    if (querySet && resolveBuffer && readTimes && timing === 'timestamp') {
      encoder.resolveQuerySet(querySet, 0, 2, resolveBuffer, 0);
      encoder.copyBufferToBuffer(resolveBuffer, 0, readTimes, 0, 16);
    }
    const t0 = options.nowMs();
    device.queue.submit([encoder.finish()]);
    await device.queue.onSubmittedWorkDone();
    const wallNs = Math.max(1, Math.round((options.nowMs() - t0) * 1e6));
    const lost = lostReason();
    if (lost) throw deviceLost(lost);
    if (readTimes && timing === 'timestamp') {
      await readTimes.mapAsync(MAP_READ);
      const stamps = new BigUint64Array(readTimes.getMappedRange().slice(0));
      readTimes.unmap();
      const gpuNs = Number(stamps[1]! - stamps[0]!);
      // Timestamps that are zero, backwards, or wildly off the wall clock are not trustworthy: fall back.
      if (gpuNs > 0 && gpuNs <= wallNs * 1.5 + 2e6) return gpuNs;
      timing = 'wall';
      notes.push('GPU timestamps looked wrong on this adapter, so wall-clock time was used.');
    }
    return wallNs;
  }

  /** Warm-up and calibration (excluded), then the timed trials, reporting progress after each. */
  async function measure(k: Kernel, targetMs: number, onTrial: (done: number, total: number) => void, maxReps = 4096): Promise<{ reps: number; trialsNs: number[] }> {
    await timeDispatches(k, 1); // warm-up, excluded
    const once = await timeDispatches(k, 1);
    const reps = Math.max(1, Math.min(maxReps, Math.ceil((targetMs * 1e6) / once)));
    const trialsNs: number[] = [];
    for (let t = 0; t < TRIALS_PER_KERNEL; t++) {
      trialsNs.push(await timeDispatches(k, reps));
      onTrial(t + 1, TRIALS_PER_KERNEL);
    }
    return { reps, trialsNs };
  }


  async function readBack(buffer: GPUBuffer, bytes: number): Promise<Float32Array> {
    const staging = device.createBuffer({ size: bytes, usage: USAGE_COPY_DST | USAGE_MAP_READ });
    const encoder = device.createCommandEncoder();
    encoder.copyBufferToBuffer(buffer, 0, staging, 0, bytes);
    device.queue.submit([encoder.finish()]);
    await staging.mapAsync(MAP_READ);
    const out = new Float32Array(staging.getMappedRange().slice(0));
    staging.unmap();
    staging.destroy();
    return out;
  }

  const [keyLo, keyHi] = seedToKey(options.seed);
  function fill(target: GPUBuffer, stream: number, count: number, fillPipeline: GPUComputePipeline): void {
    const params = uniform(new Uint32Array([count, stream, keyLo, keyHi]).buffer);
    const k = kernel(fillPipeline, [target, params], grid(Math.ceil(Math.ceil(count / 4) / WORKGROUP_SIZE), maxDim));
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(k.pipeline);
    pass.setBindGroup(0, k.bindGroup);
    pass.dispatchWorkgroups(...k.groups);
    pass.end();
    device.queue.submit([encoder.finish()]);
  }

  const steps = wanted.length + (options.includeNaive ? 1 : 0) + 2;
  let step = 0;
  const progress = (stage: HarnessProgress['stage'], kernelName: HarnessProgress['kernel'], message: string, within = 0) =>
    report({ stage, kernel: kernelName, fraction: Math.min(1, (step + within) / steps), message });

  const trialProgress = (kernelName: HarnessProgress['kernel'], message: string) => (done: number, total: number) =>
    progress('kernel', kernelName, `${message}: try ${done} of ${total}`, done / (total + 1));

  try {
    // Inputs, generated on the GPU from the seed.
    progress('inputs', null, 'Generating the test matrices from the challenge seed');
    const fill32 = await pipeline(fillSource('f32'), 'input generator');
    const matrixBytes = n * n * 4;
    const a = storage(matrixBytes);
    const b = storage(matrixBytes);
    fill(a, STREAM_A, n * n, fill32);
    fill(b, STREAM_B, n * n, fill32);
    const useF16 = hasF16 && wanted.includes('hgemm');
    let a16: GPUBuffer | null = null;
    let b16: GPUBuffer | null = null;
    const fp16Failed = (error: unknown) =>
      notes.push(`FP16 shaders did not work with this graphics driver, so the FP16 test was skipped (${error instanceof Error ? error.message : String(error)}).`);
    if (useF16) {
      // FP16 is optional: a driver that rejects it costs the FP16 figure, never the run.
      const fill16 = await pipeline(fillSource('f16'), 'FP16 input generator').catch((error: unknown) => {
        fp16Failed(error);
        return null;
      });
      if (fill16) {
        a16 = storage(n * n * 2);
        b16 = storage(n * n * 2);
        fill(a16, STREAM_A, n * n, fill16);
        fill(b16, STREAM_B, n * n, fill16);
      }
    } else if (wanted.includes('hgemm')) {
      notes.push('This graphics adapter has no FP16 shader support, so the FP16 test was skipped.');
    }
    await device.queue.onSubmittedWorkDone();
    step++;

    const kernels: KernelResult[] = [];
    const gemmParams = uniform(new Uint32Array([n, 0, 0, 0]).buffer);
    const c = storage(matrixBytes);
    const gemmGroups: [number, number, number] = [n / block, n / block, 1];
    let sgemm: Kernel | null = null;
    let sgemmReps = 1;
    let naive: KernelResult | null = null;
    let cHalf: GPUBuffer | null = null;
    let naiveC: Float32Array | null = null;
    let sustainedResult: HarnessResult['sustained'] = null;

    for (const name of wanted) {
      if (name === 'fma') {
        progress('kernel', 'fma', 'Measuring raw FP32 compute (FMA)');
        const out = storage(plan.fmaWorkgroups * WORKGROUP_SIZE * 16);
        const params = uniform(new Float32Array([0, 0, 0.999, 0.001]).buffer);
        device.queue.writeBuffer(params, 0, new Uint32Array([plan.fmaIterations, 0]));
        const k = kernel(await pipeline(FMA_SOURCE, 'FMA'), [out, params], grid(plan.fmaWorkgroups, maxDim));
        const { reps, trialsNs } = await measure(k, plan.trialMs.fma, trialProgress('fma', 'Measuring raw FP32 compute (FMA)'));
        const flopsPerDispatch = plan.fmaWorkgroups * WORKGROUP_SIZE * plan.fmaIterations * FMA_FLOPS_PER_ITERATION;
        kernels.push(kernelResult('fma', trialsNs, flopsPerDispatch * reps));
        out.destroy();
      } else if (name === 'sgemm') {
        progress('kernel', 'sgemm', `Measuring FP32 matrix multiply (${n}×${n})`);
        sgemm = kernel(await pipeline(tiledGemmSource(plan.tiling, 'f32'), 'SGEMM'), [a, b, c, gemmParams], gemmGroups);
        const { reps, trialsNs } = await measure(sgemm, plan.trialMs.gemm, trialProgress('sgemm', `Measuring FP32 matrix multiply (${n}×${n})`));
        sgemmReps = reps;
        kernels.push(kernelResult('sgemm', trialsNs, gemmFlops(n) * reps));
      } else if (name === 'hgemm') {
        if (!a16 || !b16) {
          step++;
          continue;
        }
        progress('kernel', 'hgemm', `Measuring FP16 matrix multiply (${n}×${n})`);
        const hgemm = await pipeline(tiledGemmSource(plan.tiling, 'f16'), 'FP16 GEMM').catch((error: unknown) => {
          fp16Failed(error);
          return null;
        });
        if (!hgemm) {
          step++;
          continue;
        }
        cHalf = storage(matrixBytes);
        const k = kernel(hgemm, [a16, b16, cHalf, gemmParams], gemmGroups);
        const { reps, trialsNs } = await measure(k, plan.trialMs.gemm, trialProgress('hgemm', `Measuring FP16 matrix multiply (${n}×${n})`));
        kernels.push(kernelResult('hgemm', trialsNs, gemmFlops(n) * reps));
      } else if (name === 'triad') {
        progress('kernel', 'triad', `Measuring memory bandwidth (${Math.round(plan.triadBytes / MiB)} MiB per buffer)`);
        const count = plan.triadBytes / 4;
        const ta = storage(plan.triadBytes);
        const tb = storage(plan.triadBytes);
        const tc = storage(plan.triadBytes);
        fill(tb, STREAM_TRIAD_B, count, fill32);
        fill(tc, STREAM_TRIAD_C, count, fill32);
        const params = uniform(new Uint32Array([count / 4, 0, 0, 0]).buffer);
        device.queue.writeBuffer(params, 12, new Float32Array([3]));
        const k = kernel(await pipeline(TRIAD_SOURCE, 'triad'), [ta, tb, tc, params], grid(Math.ceil(count / 4 / WORKGROUP_SIZE), maxDim));
        const { reps, trialsNs } = await measure(k, plan.trialMs.triad, trialProgress('triad', `Measuring memory bandwidth (${Math.round(plan.triadBytes / MiB)} MiB per buffer)`));
        kernels.push(kernelResult('triad', trialsNs, 3 * plan.triadBytes * reps));
        ta.destroy();
        tb.destroy();
        tc.destroy();
      } else if (name === 'sgemm_sustained') {
        if (!sgemm) {
          step++;
          continue;
        }
        const seconds = options.sustainedSeconds ?? plan.sustainedSeconds;
        const peak = kernels.find((k) => k.name === 'sgemm')!;
        const perRepNs = peak.medianNs / sgemmReps;
        const reps = Math.max(1, Math.min(4096, Math.ceil((plan.sustainedChunkMs * 1e6) / perRepNs)));
        const chunks: number[] = [];
        const start = options.nowMs();
        let elapsed = 0;
        while (elapsed < seconds * 1000 || chunks.length < 3) {
          progress('sustained', 'sgemm_sustained', `Holding full load for ${seconds} s to check for slow-down under heat`, Math.min(1, elapsed / (seconds * 1000)));
          chunks.push(await timeDispatches(sgemm, reps));
          elapsed = options.nowMs() - start;
        }
        // The final third is the sustained figure: by then a card that throttles has slowed down.
        const tail = chunks.slice(Math.floor((chunks.length * 2) / 3));
        const entry = kernelResult('sgemm_sustained', tail, gemmFlops(n) * reps);
        kernels.push(entry);
        const sustained = { seconds: Math.round(elapsed / 1000), ratio1000: peak.value > 0 ? Math.round((entry.value * 1000) / peak.value) : 0 };
        sustainedResult = sustained;
      }
      step++;
    }

    if (options.includeNaive) {
      progress('kernel', 'naive_gemm', 'Timing the naive GEMM for comparison');
      const cNaive = storage(matrixBytes);
      const k = kernel(await pipeline(NAIVE_GEMM_SOURCE, 'naive GEMM'), [a, b, cNaive, gemmParams], [n / 16, n / 16, 1]);
      const { reps, trialsNs } = await measure(k, plan.trialMs.gemm, trialProgress('naive_gemm', 'Timing the naive GEMM for comparison'));
      naive = kernelResult('sgemm', trialsNs, gemmFlops(n) * reps);
      naiveC = await readBack(cNaive, matrixBytes);
      step++;
    }

    progress('readback', null, 'Reading the result back for the proof');
    if (!sgemm) {
      sgemm = kernel(await pipeline(tiledGemmSource(plan.tiling, 'f32'), 'SGEMM'), [a, b, c, gemmParams], gemmGroups);
      await timeDispatches(sgemm, 1);
    }
    const cValues = await readBack(c, matrixBytes);
    if (naiveC && !sameBits(cValues, naiveC)) {
      throw new UserFacingError('bench-mismatch', 'Two ways of computing the same matrix gave different answers on this graphics card.', 'Update the graphics driver; if it keeps happening, the card may be faulty or overclocked too far.');
    }
    if (cHalf) {
      const halfValues = await readBack(cHalf, matrixBytes);
      if (!sameBits(cValues, halfValues)) {
        const index = kernels.findIndex((k) => k.name === 'hgemm');
        if (index >= 0) kernels.splice(index, 1);
        notes.push('The FP16 result did not match the FP32 result, so the FP16 figure was left out.');
      }
    }
    return finish(cValues);

    function finish(cOut: Float32Array): HarnessResult {
      report({ stage: 'readback', kernel: null, fraction: 1, message: 'GPU work done' });
      return {
        adapter: described,
        n,
        mode: options.mode,
        c: cOut,
        kernels: [...kernels],
        naive,
        sustained: sustainedResult,
        timing,
        kernelHash: webgpuKernelHash(),
        notes,
        wallMs: Math.round(options.nowMs() - started),
      };
    }
  } finally {
    for (const buffer of buffers) buffer.destroy();
    querySet?.destroy();
    device.destroy();
  }
}

export interface TimedGemmOptions {
  /** GEMM size; a multiple of the tiling's block (every timed n is a multiple of 128). */
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
  const tiling = options.tiling ?? planFor(described, 'quick').tiling;
  checkTimedSize(options.n, tiling, described);
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

function checkTimedSize(n: number, tiling: GemmTiling, described: AdapterDescription): void {
  const block = gemmBlock(tiling);
  if (!Number.isInteger(n) || n < block || n % block !== 0) {
    throw new UserFacingError('bench-bad-size', `The timed benchmark size ${n} must be a multiple of ${block} for this graphics card.`, 'This is a coordinator problem; the next challenge will be retried.');
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
    compile(tiledGemmSource(tiling, 'f32'), 'SGEMM'),
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
      [gemm, bind(gemm, [a, b, c, gemmParams]), [n / block, n / block, 1]],
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

function deviceLost(message: string): UserFacingError {
  return new UserFacingError('bench-device-lost', `The graphics driver stopped the benchmark: ${message}`, 'Close games and other GPU-heavy apps, update the driver, and run the benchmark again.');
}

function sameBits(x: Float32Array, y: Float32Array): boolean {
  if (x.length !== y.length) return false;
  const a = new Uint32Array(x.buffer, x.byteOffset, x.length);
  const b = new Uint32Array(y.buffer, y.byteOffset, y.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
