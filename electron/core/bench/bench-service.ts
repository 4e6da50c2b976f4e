import { challengeExpiresAtMs, createLocalChallenge, type Challenge } from '../../../protocol/bench/challenge.js';
import { proveAndSign } from '../../../protocol/bench/prove.js';
import type { BenchReport, BenchReportBody, KernelResult } from '../../../protocol/bench/report.js';
import type { ReportSigner } from '../../../protocol/bench/signing.js';
import type { BenchProgress, BenchRunRequest, BenchRunSummary } from '../../../protocol/bench/wgsl/api-schemas.js';
import { defaultMatrixSize, type HarnessProgress } from '../../../protocol/bench/wgsl/harness.js';
import { UserFacingError, toErrorBody } from '../../../protocol/errors.js';
import type { Clock, CudaBenchRunner, Logger, WebGpuRunner } from '../ports.js';
import { runCudaBenchmark } from './cuda-measure.js';
import { summarizeRun, type BenchJudge } from './summary.js';

export interface BenchHistoryEntry {
  summary: BenchRunSummary;
  /** The signed report (BenchReport), kept verbatim. */
  report: unknown;
}

/** Where past runs are kept (JSON lines in the data dir in production). */
export interface BenchHistoryStore {
  append(entry: BenchHistoryEntry): void;
  list(limit?: number): BenchRunSummary[];
}

export interface BenchServicePorts {
  webgpu: WebGpuRunner;
  /** Null where the CUDA benchmark is not installed. */
  cuda: CudaBenchRunner | null;
  signer: ReportSigner;
  history: BenchHistoryStore;
  judge: BenchJudge;
  clock: Clock;
  logger: Logger;
}

export interface BenchServiceOptions {
  appVersion: string;
  /**
   * Test-only: called with C after readback and before the Merkle tree is built, so tests can corrupt one
   * element and check that verification catches it. Never set in production wiring.
   */
  testHooks?: { afterReadback?(c: Float32Array, n: number): void };
}

export interface BenchRunInput extends BenchRunRequest {
  /** A coordinator's challenge; without one, a local challenge bound to the device key is made. */
  challenge?: Challenge;
}

export interface BenchRunOutcome {
  report: BenchReport;
  summary: BenchRunSummary;
}

type ProgressListener = (progress: BenchProgress) => void;

/** Share of the bar the GPU work takes; the rest is the proof, signing and the self-check. */
const GPU_SHARE = 900;

/**
 * Runs the benchmark on the chosen backend, commits to C with a Merkle root, answers the probe, signs the
 * report with the device key, checks it the way the coordinator will, and keeps it in the history.
 * One run at a time.
 */
export class BenchService {
  private readonly listeners = new Set<ProgressListener>();
  private running: Promise<BenchRunOutcome> | null = null;

  constructor(
    private readonly ports: BenchServicePorts,
    private readonly options: BenchServiceOptions,
  ) {}

  onProgress(listener: ProgressListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** For ProviderApi: the summary the UI shows. */
  async run(request: BenchRunInput): Promise<BenchRunSummary> {
    return (await this.runWithReport(request)).summary;
  }

  async history(limit = 50): Promise<BenchRunSummary[]> {
    return this.ports.history.list(limit);
  }

  isRunning(): boolean {
    return this.running !== null;
  }

  runWithReport(request: BenchRunInput): Promise<BenchRunOutcome> {
    if (this.running) {
      return Promise.reject(new UserFacingError('bench-busy', 'A benchmark is already running.', 'Wait for it to finish; its progress is shown on the GPUs & Benchmark page.'));
    }
    this.running = this.execute(request).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async execute(request: BenchRunInput): Promise<BenchRunOutcome> {
    const startedAtMs = this.ports.clock.now();
    const startedAt = new Date(startedAtMs).toISOString();
    let runId = `run-${startedAtMs}`;
    const emit = (stage: BenchProgress['stage'], perMille: number, message: string, kernel: BenchProgress['kernel'] = null) => {
      const progress: BenchProgress = { runId, running: stage !== 'done' && stage !== 'failed', stage, kernel, perMille: Math.max(0, Math.min(1000, Math.round(perMille))), message, startedAt, error: null };
      for (const listener of this.listeners) listener(progress);
    };
    try {
      emit('preparing', 0, 'Getting ready');
      const publicKey = await this.ports.signer.publicKeyHex();
      const backend = request.backend ?? 'webgpu';
      const challenge = await this.challengeFor(request, publicKey);
      runId = challenge.nonce;
      const nowMs = this.ports.clock.now();
      const expiresAtMs = challengeExpiresAtMs(challenge);
      if (expiresAtMs <= nowMs) {
        throw new UserFacingError('bench-challenge-expired', `This challenge expired at ${new Date(expiresAtMs).toISOString()}.`, 'Ask the network for a new challenge, or run without --challenge for a local benchmark.');
      }
      const onGpuProgress = (p: HarnessProgress) => emit(p.stage, p.fraction * GPU_SHARE, p.message, p.kernel);
      const measured = backend === 'webgpu' ? await this.runWebGpu(challenge, onGpuProgress) : await this.runCuda(challenge, onGpuProgress);
      this.options.testHooks?.afterReadback?.(measured.c, challenge.n);

      emit('proof', GPU_SHARE + 20, 'Building the proof and signing the report with this PC’s device key');
      const report = await proveAndSign(
        {
          challenge,
          app: { version: this.options.appVersion, kernelHash: measured.kernelHash },
          backend,
          adapter: measured.adapter,
          cuda: measured.cuda,
          ...(measured.webgpuKernels ? { webgpuKernels: measured.webgpuKernels } : {}),
          kernels: measured.kernels,
          sustainedSeconds: measured.sustainedSeconds,
          c: measured.c,
          createdAt: new Date(this.ports.clock.now()),
        },
        this.ports.signer,
      );
      emit('signing', GPU_SHARE + 60, 'Checking the signed report the way the network will');
      const verification = await this.ports.judge.verify(report, challenge, this.ports.clock.now());
      const summary = summarizeRun({
        report,
        verification,
        deviceName: measured.deviceName,
        software: measured.software,
        notes: measured.notes,
        specPeaks: this.ports.judge.specPeaks(report.detectedModel, backend),
        referenceValues: this.ports.judge.referenceValues(backend),
        wallMs: this.ports.clock.now() - startedAtMs,
      });
      this.ports.history.append({ summary, report });
      this.ports.logger.info('benchmark finished', { backend, n: challenge.n, composite: summary.composite, correctlyComputed: summary.correctlyComputed });
      emit('done', 1000, summary.correctlyComputed ? 'Benchmark finished' : 'Benchmark finished, but the result did not check out');
      return { report, summary };
    } catch (error) {
      const body = toErrorBody(error);
      const progress: BenchProgress = { runId, running: false, stage: 'failed', kernel: null, perMille: 0, message: body.message, startedAt, error: body };
      for (const listener of this.listeners) listener(progress);
      this.ports.logger.warn('benchmark failed', { code: body.code, message: body.message });
      throw error;
    }
  }

  private async challengeFor(request: BenchRunInput, publicKey: string): Promise<Challenge> {
    if (request.challenge) {
      if (request.challenge.quick !== request.quick) {
        // The challenge decides; a coordinator asking for a full run gets one.
        this.ports.logger.info('the challenge sets the mode', { quick: request.challenge.quick });
      }
      return request.challenge;
    }
    let n: number | undefined;
    if ((request.backend ?? 'webgpu') === 'webgpu') n = defaultMatrixSize(await this.ports.webgpu.describe(), request.quick ? 'quick' : 'full');
    return createLocalChallenge(new Date(this.ports.clock.now()), { devicePublicKey: publicKey, quick: request.quick, ...(n ? { n } : {}) });
  }

  private async runWebGpu(challenge: Challenge, onProgress: (p: HarnessProgress) => void): Promise<Measured> {
    const result = await this.ports.webgpu.run({ seed: challenge.seed, n: challenge.n, mode: challenge.quick ? 'quick' : 'full', onProgress });
    const a = result.adapter;
    return {
      c: result.c,
      kernels: result.kernels,
      sustainedSeconds: result.sustained?.seconds ?? null,
      kernelHash: result.kernelHash,
      adapter: { vendor: a.vendor, architecture: a.architecture, device: a.device, description: a.description, isFallbackAdapter: a.isFallbackAdapter },
      webgpuKernels: { sgemmVariant: result.gemmVariant, hgemmPath: result.hgemmPath },
      cuda: null,
      deviceName: [a.description, a.device, a.architecture, a.vendor].find((s) => s.trim().length > 0) ?? 'Unknown graphics adapter',
      software: a.software,
      notes: result.notes,
    };
  }

  private async runCuda(challenge: Challenge, onProgress: (p: HarnessProgress) => void): Promise<Measured> {
    if (!this.ports.cuda) {
      throw new UserFacingError('bench-no-cuda', 'The CUDA benchmark is not installed in this copy of Offhours.', 'Use the WebGPU benchmark, or install the Offhours build for NVIDIA cards.');
    }
    const measured = await runCudaBenchmark(this.ports.cuda, challenge, onProgress);
    return { ...measured, adapter: null, software: false, notes: [] };
  }
}

interface Measured {
  c: Float32Array;
  kernels: KernelResult[];
  sustainedSeconds: number | null;
  kernelHash: string;
  adapter: BenchReportBody['adapter'];
  /** WebGPU runs: which kernel variants ran, for the report. */
  webgpuKernels?: BenchReportBody['webgpuKernels'];
  cuda: BenchReportBody['cuda'];
  deviceName: string;
  software: boolean;
  notes: string[];
}
