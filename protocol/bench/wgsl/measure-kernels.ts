/**
 * The steps of one harness run after the device is open: generate A and B from the seed on the GPU, measure
 * each wanted kernel (compile, warm up, calibrate, 7 trials), optionally the naive GEMM, then read C back and
 * check that every GEMM that ran agrees with it bit for bit.
 */
import { UserFacingError } from '../../errors.js';
import { STREAM_A, STREAM_B, STREAM_TRIAD_B, STREAM_TRIAD_C } from '../inputs.js';
import { kernelResult, type ComparisonKernelResult, type KernelName, type KernelResult } from '../report.js';
import { grid, type BenchDevice, type Kernel } from './bench-device.js';
import type { BenchPlan, HarnessResult } from './harness.js';
import { triadWorkgroups, type HgemmPath, type SubgroupMatrixPlan } from './gemm-variants.js';
import {
  FMA_FLOPS_PER_ITERATION,
  FMA_SOURCE,
  NAIVE_GEMM_BLOCK,
  NAIVE_GEMM_SOURCE,
  TRIAD_SOURCE,
  WORKGROUP_SIZE,
  fillSource,
  gemmBlock,
  gemmFlops,
  gemmVectorised,
  subgroupMatrixGemmSource,
  subgroupMatrixGroups,
  tiledGemmSource,
} from './kernels.js';
import type { ProgressSteps } from './progress-steps.js';

const MiB = 1024 * 1024;

/** What every step of a run shares. */
export interface RunContext {
  gpu: BenchDevice;
  plan: BenchPlan;
  n: number;
  /** The challenge seed as a Philox key. */
  key: readonly [number, number];
  progress: ProgressSteps;
  /** The run's notes for the owner, in the order things happened. */
  notes: string[];
  nowMs: () => number;
  sustainedSeconds: number;
  /** The FP16 GEMM on matrix units, where the adapter offers them (gemm-variants.ts); null: the tiled one. */
  subgroupMatrix: SubgroupMatrixPlan | null;
}

/** A and B (and their FP16 copies when the FP16 GEMM will run), the f32 generator, C and the GEMM's uniforms. */
export interface GemmInputs {
  a: GPUBuffer;
  b: GPUBuffer;
  a16: GPUBuffer | null;
  b16: GPUBuffer | null;
  fill32: GPUComputePipeline;
  c: GPUBuffer;
  gemmParams: GPUBuffer;
  gemmGroups: [number, number, number];
  matrixBytes: number;
}

/** The kernels measured so far, and what later steps need from them. */
export interface Measured {
  kernels: KernelResult[];
  /** The tiled SGEMM as measured: the sustained phase reruns it with a batch size derived from `reps`. */
  sgemm: { kernel: Kernel; reps: number } | null;
  /** C from the FP16 GEMM, compared with the FP32 C at the end. */
  cHalf: GPUBuffer | null;
  /** Which FP16 GEMM ran (meaningful when cHalf is set). */
  hgemmPath: HgemmPath;
  sustained: HarnessResult['sustained'];
}

/** Generates A and B (FP32 and, when `f16` is 'wanted', FP16) on the GPU and waits for them. */
export async function generateInputs(ctx: RunContext, f16: 'wanted' | 'unsupported' | 'not-wanted'): Promise<GemmInputs> {
  const { gpu, n, key } = ctx;
  ctx.progress.report('inputs', null, 'Generating the test matrices from the challenge seed');
  const fill32 = await gpu.pipeline(fillSource('f32'), 'input generator');
  const matrixBytes = n * n * 4;
  const a = gpu.storage(matrixBytes);
  const b = gpu.storage(matrixBytes);
  gpu.fill(a, STREAM_A, n * n, key, fill32);
  gpu.fill(b, STREAM_B, n * n, key, fill32);
  let a16: GPUBuffer | null = null;
  let b16: GPUBuffer | null = null;
  if (f16 === 'wanted') {
    // FP16 is optional: a driver that rejects it costs the FP16 figure, never the run.
    const fill16 = await gpu.pipeline(fillSource('f16'), 'FP16 input generator').catch((error: unknown) => fp16Failed(ctx.notes, error));
    if (fill16) {
      a16 = gpu.storage(n * n * 2);
      b16 = gpu.storage(n * n * 2);
      gpu.fill(a16, STREAM_A, n * n, key, fill16);
      gpu.fill(b16, STREAM_B, n * n, key, fill16);
    }
  } else if (f16 === 'unsupported') {
    ctx.notes.push('This graphics adapter has no FP16 shader support, so the FP16 test was skipped.');
  }
  await gpu.device.queue.onSubmittedWorkDone();
  const gemmParams = gpu.uniform(new Uint32Array([n, 0, 0, 0]).buffer);
  const c = gpu.storage(matrixBytes);
  const block = gemmBlock(ctx.plan.tiling);
  const groups = Math.ceil(n / block);
  return { a, b, a16, b16, fill32, c, gemmParams, gemmGroups: [groups, groups, 1], matrixBytes };
}

/** Measures the wanted kernels in the order given, one progress step each (skipped ones too). */
export async function measureKernels(ctx: RunContext, inputs: GemmInputs, wanted: readonly KernelName[]): Promise<Measured> {
  const measured: Measured = { kernels: [], sgemm: null, cHalf: null, hgemmPath: 'tiled', sustained: null };
  for (const name of wanted) {
    await measureKernel(ctx, inputs, name, measured);
    ctx.progress.next();
  }
  return measured;
}

async function measureKernel(ctx: RunContext, inputs: GemmInputs, name: KernelName, measured: Measured): Promise<void> {
  switch (name) {
    case 'fma':
      measured.kernels.push(await measureFma(ctx));
      return;
    case 'sgemm': {
      const { result, ...sgemm } = await measureSgemm(ctx, inputs);
      measured.sgemm = sgemm;
      measured.kernels.push(result);
      return;
    }
    case 'hgemm': {
      const hgemm = await measureHgemm(ctx, inputs);
      if (!hgemm) return;
      measured.cHalf = hgemm.c;
      measured.hgemmPath = hgemm.path;
      measured.kernels.push(hgemm.result);
      return;
    }
    case 'triad':
      measured.kernels.push(await measureTriad(ctx, inputs));
      return;
    case 'sgemm_sustained': {
      // The sustained phase is sized from the peak SGEMM, so it runs only after it.
      if (!measured.sgemm) return;
      const peak = measured.kernels.find((k) => k.name === 'sgemm')!;
      const { result, sustained } = await measureSustained(ctx, measured.sgemm, peak);
      measured.kernels.push(result);
      measured.sustained = sustained;
      return;
    }
    default:
      // A name added to KERNEL_NAMES fails to compile here until the harness can measure it.
      name satisfies never;
  }
}

async function measureFma(ctx: RunContext): Promise<KernelResult> {
  const { gpu, plan } = ctx;
  const message = 'Measuring raw FP32 compute (FMA)';
  ctx.progress.report('kernel', 'fma', message);
  const out = gpu.storage(plan.fmaWorkgroups * WORKGROUP_SIZE * 16);
  const params = gpu.uniform(new Float32Array([0, 0, 0.999, 0.001]).buffer);
  gpu.device.queue.writeBuffer(params, 0, new Uint32Array([plan.fmaIterations, 0]));
  // A whole number of (guessed) waves: gemm-variants.ts fmaWorkgroups.
  const k = gpu.kernel(await gpu.pipeline(FMA_SOURCE, 'FMA'), [out, params], grid(plan.fmaWorkgroups, gpu.maxDim));
  const { reps, trialsNs } = await gpu.measure(k, plan.trialMs.fma, ctx.progress.trials('fma', message));
  const flopsPerDispatch = plan.fmaWorkgroups * WORKGROUP_SIZE * plan.fmaIterations * FMA_FLOPS_PER_ITERATION;
  out.destroy();
  return kernelResult('fma', trialsNs, flopsPerDispatch * reps);
}

async function measureSgemm(ctx: RunContext, inputs: GemmInputs): Promise<{ result: KernelResult; kernel: Kernel; reps: number }> {
  const { gpu, n } = ctx;
  const message = `Measuring FP32 matrix multiply (${n}×${n})`;
  ctx.progress.report('kernel', 'sgemm', message);
  const kernel = await sgemmKernel(ctx, inputs);
  const { reps, trialsNs } = await gpu.measure(kernel, ctx.plan.trialMs.gemm, ctx.progress.trials('sgemm', message));
  return { result: kernelResult('sgemm', trialsNs, gemmFlops(n) * reps), kernel, reps };
}

/** The tiled SGEMM of the plan's variant, bound to A, B and C. */
async function sgemmKernel(ctx: RunContext, inputs: GemmInputs): Promise<Kernel> {
  const source = tiledGemmSource(ctx.plan.tiling, 'f32', gemmVectorised(ctx.n));
  return ctx.gpu.kernel(await ctx.gpu.pipeline(source, 'SGEMM'), [inputs.a, inputs.b, inputs.c, inputs.gemmParams], inputs.gemmGroups);
}

/** Null when FP16 is unavailable: no FP16 inputs, or the driver refused every FP16 GEMM (noted). */
async function measureHgemm(ctx: RunContext, inputs: GemmInputs): Promise<{ result: KernelResult; c: GPUBuffer; path: HgemmPath } | null> {
  const { gpu, n } = ctx;
  if (!inputs.a16 || !inputs.b16) return null;
  const message = `Measuring FP16 matrix multiply (${n}×${n})`;
  ctx.progress.report('kernel', 'hgemm', message);
  const chosen = await hgemmKernel(ctx, inputs);
  if (!chosen) return null;
  const c = chosen.c;
  const { reps, trialsNs } = await gpu.measure(chosen.kernel, ctx.plan.trialMs.gemm, ctx.progress.trials('hgemm', message));
  return { result: kernelResult('hgemm', trialsNs, gemmFlops(n) * reps), c, path: chosen.path };
}

/** The subgroup-matrix FP16 GEMM where planned and compiled, else the tiled one; null when neither compiles. */
async function hgemmKernel(ctx: RunContext, inputs: GemmInputs): Promise<{ kernel: Kernel; c: GPUBuffer; path: HgemmPath } | null> {
  const { gpu, n } = ctx;
  const matrix = ctx.subgroupMatrix;
  const c = gpu.storage(inputs.matrixBytes);
  const bind = (pipeline: GPUComputePipeline, groups: [number, number, number]) => gpu.kernel(pipeline, [inputs.a16!, inputs.b16!, c, inputs.gemmParams], groups);
  if (matrix) {
    const pipeline = await gpu.pipeline(subgroupMatrixGemmSource(matrix.size, matrix.workgroupSize), 'FP16 GEMM (subgroup matrices)').catch((error: unknown) => {
      ctx.notes.push(`The FP16 matrix units could not be used, so the FP16 test ran on the shader cores (${error instanceof Error ? error.message : String(error)}).`);
      return null;
    });
    const groups = subgroupMatrixGroups(n, matrix.size);
    if (pipeline) return { kernel: bind(pipeline, [groups, groups, 1]), c, path: 'subgroup-matrix' };
  }
  const tiled = await gpu.pipeline(tiledGemmSource(ctx.plan.tiling, 'f16', gemmVectorised(n)), 'FP16 GEMM').catch((error: unknown) => fp16Failed(ctx.notes, error));
  return tiled ? { kernel: bind(tiled, inputs.gemmGroups), c, path: 'tiled' } : null;
}

async function measureTriad(ctx: RunContext, inputs: GemmInputs): Promise<KernelResult> {
  const { gpu, plan, key } = ctx;
  const message = `Measuring memory bandwidth (${Math.round(plan.triadBytes / MiB)} MiB per buffer)`;
  ctx.progress.report('kernel', 'triad', message);
  const count = plan.triadBytes / 4;
  const ta = gpu.storage(plan.triadBytes);
  const tb = gpu.storage(plan.triadBytes);
  const tc = gpu.storage(plan.triadBytes);
  gpu.fill(tb, STREAM_TRIAD_B, count, key, inputs.fill32);
  gpu.fill(tc, STREAM_TRIAD_C, count, key, inputs.fill32);
  const count4 = count / 4;
  const params = gpu.uniform(new Uint32Array([count4, 0, 0, 0]).buffer);
  gpu.device.queue.writeBuffer(params, 12, new Float32Array([3]));
  // A grid sized to the device; the kernel's grid-stride loop covers the rest (gemm-variants.ts triadWorkgroups).
  const k = gpu.kernel(await gpu.pipeline(TRIAD_SOURCE, 'triad'), [ta, tb, tc, params], grid(triadWorkgroups(plan.vendor, count4), gpu.maxDim));
  const { reps, trialsNs } = await gpu.measure(k, plan.trialMs.triad, ctx.progress.trials('triad', message));
  ta.destroy();
  tb.destroy();
  tc.destroy();
  return kernelResult('triad', trialsNs, 3 * plan.triadBytes * reps);
}

/** Reruns the tiled SGEMM in chunks of about sustainedChunkMs for sustainedSeconds (at least 3 chunks). */
async function measureSustained(
  ctx: RunContext,
  sgemm: { kernel: Kernel; reps: number },
  peak: KernelResult,
): Promise<{ result: KernelResult; sustained: NonNullable<HarnessResult['sustained']> }> {
  const seconds = ctx.sustainedSeconds;
  const perRepNs = peak.medianNs / sgemm.reps;
  const reps = Math.max(1, Math.min(4096, Math.ceil((ctx.plan.sustainedChunkMs * 1e6) / perRepNs)));
  const chunks: number[] = [];
  const start = ctx.nowMs();
  let elapsed = 0;
  while (elapsed < seconds * 1000 || chunks.length < 3) {
    ctx.progress.report('sustained', 'sgemm_sustained', `Holding full load for ${seconds} s to check for slow-down under heat`, Math.min(1, elapsed / (seconds * 1000)));
    chunks.push(await ctx.gpu.timeDispatches(sgemm.kernel, reps));
    elapsed = ctx.nowMs() - start;
  }
  // The final third is the sustained figure: by then a card that throttles has slowed down.
  const tail = chunks.slice(Math.floor((chunks.length * 2) / 3));
  const result = kernelResult('sgemm_sustained', tail, gemmFlops(ctx.n) * reps);
  return { result, sustained: { seconds: Math.round(elapsed / 1000), ratio1000: peak.value > 0 ? Math.round((result.value * 1000) / peak.value) : 0 } };
}

/** Times the naive one-thread-per-output GEMM (for the tiled-vs-naive ratio) and reads its C back. */
export async function measureNaiveGemm(ctx: RunContext, inputs: GemmInputs): Promise<{ result: ComparisonKernelResult; c: Float32Array }> {
  const { gpu, n } = ctx;
  const message = 'Timing the naive GEMM for comparison';
  ctx.progress.report('kernel', 'naive_gemm', message);
  const cNaive = gpu.storage(inputs.matrixBytes);
  const groups = Math.ceil(n / NAIVE_GEMM_BLOCK);
  const k = gpu.kernel(await gpu.pipeline(NAIVE_GEMM_SOURCE, 'naive GEMM'), [inputs.a, inputs.b, cNaive, inputs.gemmParams], [groups, groups, 1]);
  const { reps, trialsNs } = await gpu.measure(k, ctx.plan.trialMs.gemm, ctx.progress.trials('naive_gemm', message));
  const result = kernelResult('naive_gemm', trialsNs, gemmFlops(n) * reps);
  return { result, c: await gpu.readBack(cNaive, inputs.matrixBytes) };
}

/**
 * Reads C back for the proof (running the tiled SGEMM once first when it was not measured). A naive C that
 * differs fails the run; an FP16 C that differs only drops the FP16 figure from `measured`, with a note.
 */
export async function readBackChecked(ctx: RunContext, inputs: GemmInputs, measured: Measured, naiveC: Float32Array | null): Promise<Float32Array> {
  const { gpu } = ctx;
  ctx.progress.report('readback', null, 'Reading the result back for the proof');
  if (!measured.sgemm) {
    await gpu.timeDispatches(await sgemmKernel(ctx, inputs), 1);
  }
  const c = await gpu.readBack(inputs.c, inputs.matrixBytes);
  if (naiveC && !sameBits(c, naiveC)) {
    throw new UserFacingError('bench-mismatch', 'Two ways of computing the same matrix gave different answers on this graphics card.', 'Update the graphics driver; if it keeps happening, the card may be faulty or overclocked too far.');
  }
  if (measured.cHalf && !sameBits(c, await gpu.readBack(measured.cHalf, inputs.matrixBytes))) {
    const index = measured.kernels.findIndex((k) => k.name === 'hgemm');
    if (index >= 0) measured.kernels.splice(index, 1);
    ctx.notes.push('The FP16 result did not match the FP32 result, so the FP16 figure was left out.');
  }
  return c;
}

function fp16Failed(notes: string[], error: unknown): null {
  notes.push(`FP16 shaders did not work with this graphics driver, so the FP16 test was skipped (${error instanceof Error ? error.message : String(error)}).`);
  return null;
}

function sameBits(x: Float32Array, y: Float32Array): boolean {
  if (x.length !== y.length) return false;
  const a = new Uint32Array(x.buffer, x.byteOffset, x.length);
  const b = new Uint32Array(y.buffer, y.byteOffset, y.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
