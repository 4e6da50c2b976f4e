import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { KernelNameSchema } from '../../../protocol/bench/report.js';
import type {
  CudaBenchFailure,
  CudaBenchOptions,
  CudaBenchProgress,
  CudaBenchResult,
  CudaBenchRunner,
} from '../ports.js';

/**
 * The CudaBenchRunner over the native executable (native/build/offhours-cuda-bench, shipped as
 * resources/native/offhours-cuda-bench). The only file that starts it. The executable runs as a child
 * process with a timeout and is killed on timeout or cancel, so a driver crash or hang never takes the app
 * down; whatever happens comes back as a result or a failure with a next step.
 */

export const CUDA_BENCH_EXECUTABLE = process.platform === 'win32' ? 'offhours-cuda-bench.exe' : 'offhours-cuda-bench';

const SEED_PATTERN = /^[0-9a-f]{16}$/;
const MAX_STDOUT_BYTES = 4 * 1024 * 1024;
const STDERR_TAIL_BYTES = 4096;

const USE_WEBGPU = 'Use the WebGPU benchmark instead.';

// ---- the executable's JSON (native/src/report.cpp) ----

const SuccessSchema = z.object({
  ok: z.literal(true),
  formatVersion: z.literal(1),
  kernelHash: z.string(),
  mode: z.enum(['cuda', 'cpu']),
  seed: z.string().regex(SEED_PATTERN),
  n: z.number().int().positive(),
  device: z
    .object({
      index: z.number().int().min(0),
      count: z.number().int().min(0),
      name: z.string(),
      computeCapability: z.string().regex(/^\d+\.\d+$/),
      smCount: z.number().int().min(0),
      memoryBytes: z.number().int().min(0),
      driverVersion: z.string(),
      runtimeVersion: z.string(),
      clockKHz: z.number().int(),
      memoryClockKHz: z.number().int(),
      memoryBusWidthBits: z.number().int(),
      l2Bytes: z.number().int(),
      pciBusId: z.string(),
      uuid: z.string(),
    })
    .nullable(),
  kernels: z.array(
    z.object({
      name: KernelNameSchema,
      unit: z.enum(['GFLOPS', 'GB/s']),
      trialsNs: z.array(z.number().int().positive()).min(1),
      workPerTrial: z.number().int().positive(),
      launchesPerTrial: z.number().int().positive(),
      params: z.string(),
    }),
  ),
  gemm: z
    .object({ source: z.enum(['sgemm', 'hgemm', 'cpu']), checksum: z.string().regex(/^\d+$/), outC: z.string().nullable() })
    .nullable(),
  triad: z.object({ elements: z.number().int().positive(), scalar: z.number().int(), checksum: z.string().regex(/^\d+$/) }).nullable(),
  selfCheck: z.object({ freivalds: z.boolean(), hgemmMatchesSgemm: z.boolean().nullable() }).nullable(),
  sustained: z.object({ ms: z.number().int().positive() }).nullable(),
  wallMs: z.number().int().min(0),
});

const ErrorSchema = z.object({
  ok: z.literal(false),
  error: z.object({ code: z.string().min(1), message: z.string().min(1), nextStep: z.string() }),
});

const ProgressLineSchema = z.object({
  progress: z.object({ kernel: KernelNameSchema, phase: z.enum(['inputs', 'warmup', 'trial', 'verify', 'write', 'cpu']), done: z.number(), total: z.number() }),
});

// ---- locating the executable ----

export interface CudaBenchLocation {
  /** The packaged app's resources folder; defaults to Electron's process.resourcesPath (absent under plain Node). */
  resourcesPath?: string | undefined;
  /** OFFHOURS_CUDA_BENCH overrides everything. */
  env?: NodeJS.ProcessEnv;
  /** Where this module lives (for the dev tree: native/build beside the repository root). */
  moduleUrl?: string;
}

/** Where the executable may be, in order: the env override, the packaged resources, the dev build. */
export function cudaBenchCandidates(location: CudaBenchLocation = {}): string[] {
  const env = location.env ?? process.env;
  const candidates: string[] = [];
  if (env.OFFHOURS_CUDA_BENCH) candidates.push(env.OFFHOURS_CUDA_BENCH);
  const resourcesPath = 'resourcesPath' in location ? location.resourcesPath : (process as { resourcesPath?: string }).resourcesPath;
  if (resourcesPath) candidates.push(join(resourcesPath, 'native', CUDA_BENCH_EXECUTABLE));
  // electron/core/adapters (source) or dist/electron/core/adapters (built): the repository root is 3 or 4 up.
  let dir = dirname(fileURLToPath(location.moduleUrl ?? import.meta.url));
  for (let up = 0; up < 6; up++) {
    candidates.push(join(dir, 'native', 'build', CUDA_BENCH_EXECUTABLE));
    dir = dirname(dir);
  }
  return candidates;
}

export function locateCudaBench(candidates: string[], exists: (path: string) => boolean = existsSync): string | null {
  return candidates.find((path) => exists(path)) ?? null;
}

// ---- command line ----

export function cudaBenchArgs(options: CudaBenchOptions): string[] {
  const args = ['--seed', options.seedHex, '--n', String(options.n)];
  if (options.cpu) args.push('--cpu');
  if (options.quick) args.push('--quick');
  if (options.kernels.length) args.push('--kernels', options.kernels.join(','));
  if (options.outC) args.push('--out-c', options.outC);
  if (options.trials !== undefined) args.push('--trials', String(options.trials));
  if (options.sustainedSeconds !== undefined) args.push('--sustained-seconds', String(options.sustainedSeconds));
  if (options.triadElements !== undefined) args.push('--triad-elements', String(options.triadElements));
  if (options.device !== undefined) args.push('--device', String(options.device));
  return args;
}

/** How long a run may take before it is killed: generous, because a first run may JIT-compile PTX. */
export function defaultCudaBenchTimeoutMs(options: CudaBenchOptions): number {
  if (options.cpu) return 120_000;
  const sustained = options.kernels.includes('sgemm_sustained') || (!options.quick && options.kernels.length === 0);
  const sustainedMs = sustained ? (options.sustainedSeconds ?? (options.quick ? 3 : 20)) * 1000 : 0;
  return (options.quick ? 90_000 : 150_000) + sustainedMs;
}

function validate(options: CudaBenchOptions): CudaBenchFailure | null {
  const bad = (message: string): CudaBenchFailure => ({ ok: false, code: 'invalid-input', message, nextStep: 'This is a bug in Offhours; please report it.' });
  if (!SEED_PATTERN.test(options.seedHex)) return bad(`The benchmark seed must be 16 lowercase hex digits, got "${options.seedHex}".`);
  if (!Number.isInteger(options.n) || options.n < 1 || options.n > 16384) return bad(`The GEMM size must be an integer from 1 to 16384, got ${options.n}.`);
  if (options.cpu && options.n > 2048) return bad('The CPU reference computes at most n = 2048.');
  return null;
}

// ---- what a finished process means ----

export interface CudaBenchExit {
  stdout: string;
  stderrTail: string;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  aborted: boolean;
  timeoutMs: number;
  outputTooLarge?: boolean;
}

/** Pure: turns how the process ended into a result or a failure a person can act on. */
export function interpretCudaBenchExit(exit: CudaBenchExit): CudaBenchResult | CudaBenchFailure {
  if (exit.aborted) return { ok: false, code: 'cuda-bench-cancelled', message: 'The CUDA benchmark was cancelled.', nextStep: 'Start it again when you are ready.' };
  if (exit.timedOut) {
    return {
      ok: false,
      code: 'cuda-bench-timeout',
      message: `The CUDA benchmark did not finish within ${Math.round(exit.timeoutMs / 1000)} s and was stopped.`,
      nextStep: `Restart the computer (the graphics driver may be stuck) and try again. ${USE_WEBGPU}`,
    };
  }
  if (exit.outputTooLarge) {
    return { ok: false, code: 'cuda-bench-bad-output', message: 'The CUDA benchmark printed far more output than expected and was stopped.', nextStep: `Reinstall Offhours. ${USE_WEBGPU}` };
  }
  let document: unknown;
  try {
    document = JSON.parse(exit.stdout.trim());
  } catch {
    // not JSON: handled below as a crash, a failure or bad output
  }
  const error = ErrorSchema.safeParse(document);
  if (error.success) return { ok: false, code: error.data.error.code, message: error.data.error.message, nextStep: error.data.error.nextStep };
  if (exit.signal) {
    return {
      ok: false,
      code: 'cuda-bench-crashed',
      message: `The CUDA benchmark stopped unexpectedly (${exit.signal}); the graphics driver may have crashed.`,
      nextStep: `Update the NVIDIA driver, restart the computer and try again. ${USE_WEBGPU}`,
    };
  }
  const success = SuccessSchema.safeParse(document);
  if (exit.exitCode === 0 && success.success) return toResult(success.data);
  if (exit.exitCode !== 0) {
    const detail = exit.stderrTail.trim().split('\n').slice(-1)[0] ?? '';
    return {
      ok: false,
      code: 'cuda-bench-failed',
      message: `The CUDA benchmark failed (exit status ${exit.exitCode})${detail ? `: ${detail.slice(0, 300)}` : ''}.`,
      nextStep: `Update the NVIDIA driver and try again. ${USE_WEBGPU}`,
    };
  }
  return {
    ok: false,
    code: 'cuda-bench-bad-output',
    message: 'The CUDA benchmark finished but its report could not be read.',
    nextStep: `Reinstall Offhours; the benchmark program may be damaged. ${USE_WEBGPU}`,
  };
}

function toResult(doc: z.infer<typeof SuccessSchema>): CudaBenchResult {
  const d = doc.device;
  return {
    ok: true,
    mode: doc.mode,
    kernelHash: doc.kernelHash,
    seedHex: doc.seed,
    n: doc.n,
    device: d
      ? { name: d.name, computeCapability: d.computeCapability, smCount: d.smCount, memoryBytes: d.memoryBytes, driverVersion: d.driverVersion, runtimeVersion: d.runtimeVersion }
      : null,
    deviceDetails: d
      ? { index: d.index, count: d.count, clockKHz: d.clockKHz, memoryClockKHz: d.memoryClockKHz, memoryBusWidthBits: d.memoryBusWidthBits, l2Bytes: d.l2Bytes, pciBusId: d.pciBusId, uuid: d.uuid }
      : null,
    kernels: doc.kernels,
    gemm: doc.gemm,
    triad: doc.triad,
    selfCheck: doc.selfCheck,
    sustained: doc.sustained,
    wallMs: doc.wallMs,
  };
}

// ---- the runner ----

export interface CudaBenchProcessRunnerConfig {
  /** The executable; when absent it is located from `candidates` at each run. */
  binaryPath?: string;
  candidates?: string[];
  timeoutMs?: (options: CudaBenchOptions) => number;
}

export class CudaBenchProcessRunner implements CudaBenchRunner {
  constructor(private readonly config: CudaBenchProcessRunnerConfig = {}) {}

  /** The executable this runner would start, or null when none is installed. */
  binary(): string | null {
    if (this.config.binaryPath) return this.config.binaryPath;
    return locateCudaBench(this.config.candidates ?? cudaBenchCandidates());
  }

  run(options: CudaBenchOptions, onProgress?: (progress: CudaBenchProgress) => void): Promise<CudaBenchResult | CudaBenchFailure> {
    const invalid = validate(options);
    if (invalid) return Promise.resolve(invalid);
    const binary = this.binary();
    if (!binary) return Promise.resolve(missing());
    if (options.signal?.aborted) return Promise.resolve(interpretCudaBenchExit({ stdout: '', stderrTail: '', exitCode: null, signal: null, timedOut: false, aborted: true, timeoutMs: 0 }));
    const timeoutMs = (this.config.timeoutMs ?? defaultCudaBenchTimeoutMs)(options);

    return new Promise((resolve) => {
      const child = spawn(binary, cudaBenchArgs(options), { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
      const stdout: Buffer[] = [];
      let stdoutBytes = 0;
      let stderrTail = '';
      let stderrLine = '';
      let timedOut = false;
      let aborted = false;
      let outputTooLarge = false;
      let settled = false;

      const kill = () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      };
      const timer = setTimeout(() => {
        timedOut = true;
        kill();
      }, timeoutMs);
      const onAbort = () => {
        aborted = true;
        kill();
      };
      options.signal?.addEventListener('abort', onAbort, { once: true });
      const finish = (result: CudaBenchResult | CudaBenchFailure) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        resolve(result);
      };

      child.stdout.on('data', (chunk: Buffer) => {
        stdoutBytes += chunk.length;
        if (stdoutBytes > MAX_STDOUT_BYTES) {
          outputTooLarge = true;
          kill();
          return;
        }
        stdout.push(chunk);
      });
      child.stderr.setEncoding('utf8');
      child.stderr.on('data', (chunk: string) => {
        stderrLine += chunk;
        let newline: number;
        while ((newline = stderrLine.indexOf('\n')) >= 0) {
          const line = stderrLine.slice(0, newline);
          stderrLine = stderrLine.slice(newline + 1);
          if (!reportProgress(line, onProgress)) stderrTail = (stderrTail + line + '\n').slice(-STDERR_TAIL_BYTES);
        }
        if (stderrLine.length > STDERR_TAIL_BYTES) stderrLine = stderrLine.slice(-STDERR_TAIL_BYTES);
      });
      child.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') finish(missing());
        else if (error.code === 'EACCES') finish({ ok: false, code: 'cuda-bench-not-executable', message: `The CUDA benchmark program cannot be started (${error.code}).`, nextStep: `Reinstall Offhours. ${USE_WEBGPU}` });
        else finish({ ok: false, code: 'cuda-bench-failed', message: `The CUDA benchmark could not be started: ${error.message}`, nextStep: `Restart Offhours and try again. ${USE_WEBGPU}` });
      });
      child.on('close', (exitCode, signal) => {
        finish(
          interpretCudaBenchExit({
            stdout: Buffer.concat(stdout).toString('utf8'),
            stderrTail: stderrTail + stderrLine,
            exitCode,
            signal,
            timedOut,
            aborted,
            timeoutMs,
            outputTooLarge,
          }),
        );
      });
    });
  }
}

function missing(): CudaBenchFailure {
  return {
    ok: false,
    code: 'cuda-bench-missing',
    message: 'The CUDA benchmark program is not part of this installation.',
    nextStep: `Reinstall Offhours with NVIDIA support. ${USE_WEBGPU}`,
  };
}

/** Forwards one stderr line when it is a progress line; false for anything else (kept for diagnostics). */
function reportProgress(line: string, onProgress?: (progress: CudaBenchProgress) => void): boolean {
  if (!line.startsWith('{"progress"')) return false;
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return false;
  }
  const progress = ProgressLineSchema.safeParse(parsed);
  if (!progress.success) return false;
  try {
    onProgress?.(progress.data.progress);
  } catch {
    // A failing listener must not break the run.
  }
  return true;
}
