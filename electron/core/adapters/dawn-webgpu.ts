import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import {
  inspectAdapter,
  runTimedGemms,
  runWebGpuBenchmark,
  type AdapterDescription,
  type HarnessOptions,
  type HarnessProgress,
  type HarnessResult,
  type TimedGemmOptions,
  type TimedGemmResult,
} from '../../../protocol/bench/wgsl/harness.js';
import { UserFacingError, toErrorBody, type ApiErrorBody } from '../../../protocol/errors.js';
import type { NodeChildLauncher, WebGpuRunner } from '../ports.js';
import { exchangeWithChild } from './child-exchange.js';
import { nodeForkLauncher } from './node-child-fork.js';
import { parentChannel, type ParentChannel } from './parent-channel.js';

/** Where Debian's Chromium ships SwiftShader's Vulkan ICD (a CPU implementation of Vulkan). */
export const SWIFTSHADER_ICD_PATHS = ['/usr/lib/chromium/vk_swiftshader_icd.json', '/usr/lib/chromium-browser/vk_swiftshader_icd.json'];

const WORKER_FLAG = 'OFFHOURS_DAWN_WORKER';

type DawnModule = { create(options: string[]): GPU };
type RunOptions = Omit<HarnessOptions, 'nowMs'>;
type TimedOptions = Omit<TimedGemmOptions, 'nowMs' | 'onProgress'>;
type WorkerRequest = { type: 'run'; options: Omit<RunOptions, 'onProgress'> } | { type: 'timed'; options: TimedOptions } | { type: 'describe' };
type WorkerMessage =
  | { type: 'progress'; progress: HarnessProgress }
  | { type: 'result'; result: HarnessResult }
  | { type: 'timed-result'; result: TimedGemmResult }
  | { type: 'described'; description: AdapterDescription }
  | { type: 'error'; error: ApiErrorBody };
type ResultMessage = Extract<WorkerMessage, { type: 'result' | 'timed-result' | 'described' }>;

export interface DawnWebGpuRunnerOptions {
  /**
   * Run the benchmark in a child process, so a driver crash or hang cannot take the daemon down. Default: on
   * when this module runs as built JavaScript (it forks itself), off under a TypeScript test runner.
   */
  isolate?: boolean;
  /** Kills an isolated run that takes longer than this. */
  timeoutMs?: (mode: RunOptions['mode']) => number;
  env?: NodeJS.ProcessEnv;
  icdPaths?: string[];
  /** Starts the isolated child (default: child_process.fork; the desktop app passes its utilityProcess launcher). */
  children?: NodeChildLauncher;
}

export function defaultDawnTimeoutMs(mode: RunOptions['mode']): number {
  return mode === 'quick' ? 180_000 : 420_000;
}

/** A timed challenge's child is killed after this (the coordinator's deadline is shorter anyway). */
export const TIMED_DAWN_TIMEOUT_MS = 300_000;
/** Looking at the adapter takes a second or two; a driver that hangs longer than this is reported as such. */
export const DESCRIBE_DAWN_TIMEOUT_MS = 60_000;

/**
 * The WebGpuRunner on Node's `webgpu` package (Dawn). The only file that imports it. When no Vulkan adapter
 * is found and VK_ICD_FILENAMES is unset, it retries once with SwiftShader's ICD if present, so a machine
 * without a GPU still runs the (unscorable) benchmark instead of failing.
 */
export class DawnWebGpuRunner implements WebGpuRunner {
  private gpu: Promise<GPU> | null = null;
  private readonly env: NodeJS.ProcessEnv;
  private readonly icdPaths: string[];

  constructor(private readonly options: DawnWebGpuRunnerOptions = {}) {
    this.env = options.env ?? process.env;
    this.icdPaths = options.icdPaths ?? SWIFTSHADER_ICD_PATHS;
  }

  /**
   * The adapter's description. Isolated like the benchmark: loading Dawn and probing the driver in the daemon
   * would leave tens of MiB behind in it, and a driver fault here would take the daemon down with it.
   */
  async describe(): Promise<AdapterDescription> {
    if (!(this.options.isolate ?? import.meta.url.endsWith('.js'))) return this.describeHere();
    const message = await this.isolated({ type: 'describe' }, DESCRIBE_DAWN_TIMEOUT_MS);
    if (message.type !== 'described') throw new UserFacingError('bench-crashed', 'The benchmark process answered with the wrong result.', 'Reinstall Offhours.');
    return message.description;
  }

  async describeHere(): Promise<AdapterDescription> {
    return inspectAdapter(await this.open());
  }

  async run(options: RunOptions): Promise<HarnessResult> {
    const isolate = this.options.isolate ?? import.meta.url.endsWith('.js');
    if (isolate) return this.runIsolated(options);
    return this.runHere(options);
  }

  /** In this process (tests, and the worker side of an isolated run). */
  async runHere(options: RunOptions): Promise<HarnessResult> {
    return runWebGpuBenchmark(await this.open(), { ...options, nowMs: () => performance.now() });
  }

  /**
   * The timed challenge's GEMMs (no trials), in the forked child like the benchmark when isolated. Only roots
   * and leaves cross the IPC channel (K·n·32 B: 128 MiB at the largest plan, a fraction of a second of copying
   * inside the timed window), never C.
   */
  async runTimedGemms(options: TimedOptions): Promise<TimedGemmResult> {
    const isolate = this.options.isolate ?? import.meta.url.endsWith('.js');
    if (!isolate) return this.runTimedHere(options);
    const message = await this.isolated({ type: 'timed', options: { n: options.n, seeds: [...options.seeds], ...(options.tiling ? { tiling: options.tiling } : {}) } }, TIMED_DAWN_TIMEOUT_MS);
    if (message.type !== 'timed-result') throw new UserFacingError('bench-crashed', 'The benchmark process answered with the wrong result.', 'Reinstall Offhours.');
    return message.result;
  }

  async runTimedHere(options: TimedOptions): Promise<TimedGemmResult> {
    return runTimedGemms(await this.open(), { ...options, nowMs: () => performance.now() });
  }

  private async runIsolated(options: RunOptions): Promise<HarnessResult> {
    const { onProgress, ...plain } = options;
    const timeoutMs = (this.options.timeoutMs ?? defaultDawnTimeoutMs)(options.mode);
    const message = await this.isolated({ type: 'run', options: plain }, timeoutMs, onProgress);
    if (message.type !== 'result') throw new UserFacingError('bench-crashed', 'The benchmark process answered with the wrong result.', 'Reinstall Offhours.');
    return message.result;
  }

  /** Forks this module as a worker, sends one request, resolves with its one result message. */
  private isolated(request: WorkerRequest, timeoutMs: number, onProgress?: (progress: HarnessProgress) => void): Promise<ResultMessage> {
    const child = (this.options.children ?? nodeForkLauncher).fork(fileURLToPath(import.meta.url), [], { env: { ...this.env, [WORKER_FLAG]: '1' }, name: 'Offhours WebGPU benchmark', output: 'pipe' });
    return exchangeWithChild<ResultMessage>(child, request, {
      timeoutMs,
      stderrChars: 4000,
      timedOut: () =>
        new UserFacingError('bench-timeout', `The graphics driver stopped responding: the benchmark did not finish within ${Math.round(timeoutMs / 1000)} s.`, 'Close games and other GPU-heavy apps, update the graphics driver, and run the benchmark again.'),
      heard: (raw) => {
        const message = raw as WorkerMessage;
        if (message.type === 'progress') {
          onProgress?.(message.progress);
          return null;
        }
        if (message.type === 'error') return { error: new UserFacingError(message.error.code, message.error.message, message.error.nextStep) };
        return { answer: message };
      },
      ended: ({ code, signal, error }, stderr) => {
        if (error) return new UserFacingError('bench-crashed', `The benchmark could not start: ${error.message}`, 'Reinstall Offhours, then run the benchmark again.');
        const detail = stderr.trim().split('\n').filter((line) => !/XDG_RUNTIME_DIR/.test(line)).slice(-3).join(' ');
        return new UserFacingError('bench-crashed', `The benchmark stopped unexpectedly (${signal ?? `exit code ${code}`}); the graphics driver may have crashed.${detail ? ` ${detail}` : ''}`, 'Update the graphics driver, then run the benchmark again. Offhours itself kept running.');
      },
    });
  }

  private open(): Promise<GPU> {
    this.gpu ??= this.load().catch((error: unknown) => {
      this.gpu = null;
      throw error;
    });
    return this.gpu;
  }

  private async load(): Promise<GPU> {
    let dawn: DawnModule;
    try {
      dawn = (await import('webgpu')) as unknown as DawnModule;
    } catch (error) {
      throw new UserFacingError('bench-no-webgpu', `The WebGPU engine could not be loaded: ${(error as Error).message}`, 'Reinstall Offhours; the benchmark needs its bundled WebGPU engine.');
    }
    const gpu = dawn.create([]);
    if (await gpu.requestAdapter({ powerPreference: 'high-performance' })) return gpu;
    const icd = this.icdPaths.find((path) => existsSync(path));
    if (this.env.VK_ICD_FILENAMES || !icd) {
      throw new UserFacingError('bench-no-adapter', 'No graphics adapter is available to WebGPU on this computer.', 'Install or update your graphics driver (with Vulkan support), then run the benchmark again.');
    }
    // The Vulkan loader reads this when Dawn creates its next instance.
    this.env.VK_ICD_FILENAMES = icd;
    return dawn.create([]);
  }
}

/** The child side of an isolated run: one request in, progress and one result (or error) out, then exit. */
function serveAsWorker(channel: ParentChannel): void {
  channel.onceMessage((raw) => {
    const request = raw as WorkerRequest;
    const runner = new DawnWebGpuRunner({ isolate: false });
    const work: Promise<WorkerMessage> =
      request.type === 'describe'
        ? runner.describeHere().then((description) => ({ type: 'described', description }))
        : request.type === 'timed'
          ? runner.runTimedHere(request.options).then((result) => ({ type: 'timed-result', result }))
          : runner.runHere({ ...request.options, onProgress: (progress) => channel.send({ type: 'progress', progress } satisfies WorkerMessage) }).then((result) => ({ type: 'result', result }));
    work.then(
      (message) => channel.sendLast(message),
      (error: unknown) => channel.sendLast({ type: 'error', error: toErrorBody(error) } satisfies WorkerMessage),
    );
  });
}

const channel = process.env[WORKER_FLAG] === '1' ? parentChannel() : null;
if (channel) serveAsWorker(channel);
