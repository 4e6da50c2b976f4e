import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserFacingError } from '../../../protocol/errors.js';
import { earningsFor, initialJobSlice, validateJobSpec, type CurrentJob, type EngineStatus, type JobRecord, type JobSlice } from '../../../protocol/job-spec.js';
import type { Clock, GpuProbe, JobControl, Logger } from '../ports.js';
import type { ContainerEngine, EngineConnector, EngineInfo } from './ports.js';
import { engineHostOf, engineStatusOf, type EngineHostProbe } from './engine-status.js';
import { JobJournal } from './journal.js';
import { DEFAULT_RUNNER_OPTIONS, JobRunner, type InterruptedJob, type JobResult, type JobRunnerOptions } from './runner.js';

export interface JobServiceDeps {
  connector: EngineConnector;
  /** What this PC has installed: with the connector's finding, it decides the words the Jobs page shows (as the doctor's). */
  host: EngineHostProbe;
  clock: Clock;
  logger: Logger;
  dataDir: string;
  /** For GPU jobs: checks the GPU count and minimum VRAM against the cards in this PC before anything runs. */
  gpus?: GpuProbe;
  options?: Partial<JobRunnerOptions>;
}

const RECENT_LIMIT = 20;

/**
 * The job capability as core sees it: finds the engine, owns the journal and the runner, reconciles after a
 * crash, and keeps the `job` slice of ProviderState. One per data folder (a lock file makes sure).
 */
export class JobService {
  private runner: JobRunner | null = null;
  private journal: JobJournal | null = null;
  private engineStatus: EngineStatus = initialJobSlice().engine;
  private readonly listeners = new Set<() => void>();
  private readonly lockPath: string;
  private locked = false;
  private starting: Promise<InterruptedJob[]> | null = null;
  private ticker: ReturnType<typeof setInterval> | null = null;
  engine: ContainerEngine | null = null;
  engineInfo: EngineInfo | null = null;

  /**
   * What the scheduler drives; a no-op until an engine is up. Jobs the owner started by hand ("Test your
   * setup", `offhours job run`) are not the scheduler's: the owner is at the PC on purpose, so they are
   * neither frozen for the owner's presence nor counted as network work.
   */
  readonly control: JobControl = {
    current: () => (this.schedulable() ? this.runner!.current() : null),
    freeze: async (reason) => {
      if (this.schedulable()) await this.runner!.freeze(reason);
    },
    thaw: async () => {
      if (this.schedulable()) await this.runner!.thaw();
    },
    stop: async (reason) => {
      if (this.schedulable()) await this.runner!.stop(reason);
    },
  };

  constructor(private readonly deps: JobServiceDeps) {
    this.lockPath = join(deps.dataDir, 'jobs.lock');
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Connects to the engine and reconciles; resolves with the jobs a crash cut short (each reported once, ever). */
  start(): Promise<InterruptedJob[]> {
    this.starting ??= this.doStart().finally(() => {
      this.starting = null;
    });
    return this.starting;
  }

  private async doStart(): Promise<InterruptedJob[]> {
    if (this.runner) return [];
    this.setEngine({ state: 'checking', name: null, endpoint: null, gpuRuntime: null, message: null, nextStep: null });
    const connection = await this.deps.connector.connect();
    const host = engineHostOf(this.deps.host);
    if (!connection.ok) {
      this.setEngine(engineStatusOf(connection, host));
      return [];
    }
    const { engine, info } = connection;
    this.acquireLock();
    this.engine = engine;
    this.engineInfo = info;
    this.journal = new JobJournal(join(this.deps.dataDir, 'jobs.journal'));
    this.runner = new JobRunner(engine, info, this.journal, this.deps.clock, this.deps.logger, {
      ...DEFAULT_RUNNER_OPTIONS,
      instanceId: this.instanceId(),
      ...this.deps.options,
    });
    this.runner.onChange(() => this.emit());
    this.setEngine(engineStatusOf({ ok: true, endpoint: engine.endpoint, info }, host));
    const { interrupted, adopted, removed } = await this.runner.reconcile();
    if (interrupted.length || adopted.length || removed.length) this.deps.logger.info('jobs reconciled', { interrupted: interrupted.map((j) => j.jobId), adopted, removed: removed.length });
    this.emit();
    return interrupted;
  }

  /** Validates an untrusted spec and starts it through the same path network jobs take. */
  async runSpec(raw: unknown, source: 'local' | 'network'): Promise<{ accepted: true; jobId: string; done: Promise<JobResult> } | { accepted: false; reason: string; message: string }> {
    const validation = validateJobSpec(raw);
    if (!validation.ok) return { accepted: false, reason: validation.reason, message: validation.message };
    const gpuProblem = await this.gpuShortfall(validation.spec.resources.gpus, validation.spec.resources.minVramMiB);
    if (gpuProblem) return { accepted: false, reason: 'not-enough-gpu', message: gpuProblem };
    if (this.starting) await this.starting;
    if (!this.runner) {
      throw new UserFacingError('no-engine', this.engineStatus.message ?? 'No container engine is ready.', this.engineStatus.nextStep ?? 'Run "offhours doctor" to see what is missing.');
    }
    const { done } = this.runner.start(validation.spec, validation.specHash, source);
    return { accepted: true, jobId: validation.spec.id, done };
  }

  /** The owner's "test my setup" path (UI and API): JSON text in, accepted or the named reason out. */
  async runLocalText(text: string): Promise<{ accepted: true; jobId: string } | { accepted: false; reason: string; message: string }> {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (error) {
      return { accepted: false, reason: 'invalid', message: `The job spec is not valid JSON: ${(error as Error).message}.` };
    }
    const result = await this.runSpec(raw, 'local');
    if (!result.accepted) return result;
    result.done.catch(() => undefined);
    return { accepted: true, jobId: result.jobId };
  }

  /** The owner's stop button (Jobs page, Ctrl+C in `offhours job run`): any job, local or not. */
  async stopCurrent(reason: string): Promise<void> {
    await this.runner?.stop(reason);
  }

  /** Null when this PC has enough GPUs with enough memory for the job (or the job needs none). */
  private async gpuShortfall(count: number, minVramMiB: number): Promise<string | null> {
    if (count === 0 || !this.deps.gpus) return null;
    const inventory = await this.deps.gpus.detect();
    const fit = inventory.gpus.filter((gpu) => gpu.supported && gpu.vramTotalMiB !== null && gpu.vramTotalMiB >= minVramMiB);
    if (fit.length >= count) return null;
    const gb = (minVramMiB / 1024).toFixed(minVramMiB % 1024 === 0 ? 0 : 1);
    return `The job needs ${count} GPU${count === 1 ? '' : 's'} with at least ${gb} GB of memory each; this PC has ${fit.length} that ${fit.length === 1 ? 'qualifies' : 'qualify'}.`;
  }

  private schedulable(): boolean {
    const source = this.runner?.currentSource();
    return source === 'network' || source === 'adopted';
  }

  /** Looks for the engine again when none is connected yet; returns the engine status either way. */
  async recheckEngine(): Promise<EngineStatus> {
    if (!this.runner) await this.start().catch((error: unknown) => this.deps.logger.warn('engine check failed', { error: String(error) }));
    return this.engineStatus;
  }

  getLogs(jobId: string): { jobId: string; lines: string[]; droppedLines: number } {
    const live = this.runner?.logsOf(jobId);
    if (live) return { jobId, lines: live.lines, droppedLines: live.dropped };
    throw new UserFacingError('no-logs', `Job ${jobId} is not running, so there are no live logs.`, 'Logs are kept only while a job runs; its outcome stays in Recent jobs.');
  }

  /** The job on this machine now, its worked seconds read live (no log lines: for the earnings ticker). */
  current(): CurrentJob | null {
    return this.runner?.view(0) ?? null;
  }

  state(): JobSlice {
    return { engine: this.engineStatus, current: this.runner?.view() ?? null, recent: this.recent() };
  }

  /** At quit: stop our job, or leave it frozen for the next start when stopJobsOnQuit is off. */
  async shutdown(stopJobs: boolean): Promise<void> {
    if (this.starting) await this.starting.catch(() => undefined);
    await this.runner?.shutdown(stopJobs);
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = null;
    this.journal?.close();
    this.releaseLock();
  }

  private recent(): JobRecord[] {
    if (!this.journal) return [];
    const finished = [...this.journal.fold().jobs.values()].filter((j) => j.finished);
    finished.sort((a, b) => b.finished!.at - a.finished!.at);
    return finished.slice(0, RECENT_LIMIT).map((job) => {
      const f = job.finished!;
      const seconds = Math.floor(f.workedMs / 1000);
      return {
        jobId: job.jobId,
        image: job.spec.image,
        outcome: f.outcome,
        exitCode: f.exitCode,
        workedSeconds: seconds,
        outputDigest: f.outputDigest,
        pricePerSecond: job.spec.price.perSecond,
        estimatedEarnings: earningsFor(job.spec.price.perSecond, seconds),
        creditedEarnings: null,
        finishedAt: new Date(f.at).toISOString(),
        reason: f.reason,
      };
    });
  }

  /** A random id per data folder, made once and kept in instance-id. */
  private instanceId(): string {
    const path = join(this.deps.dataDir, 'instance-id');
    if (existsSync(path)) {
      const id = readFileSync(path, 'utf8').trim();
      if (/^[0-9a-f]{16,64}$/.test(id)) return id;
    }
    const id = randomBytes(12).toString('hex');
    writeFileSync(path, id, { mode: 0o600 });
    return id;
  }

  private acquireLock(): void {
    if (existsSync(this.lockPath)) {
      const pid = Number(readFileSync(this.lockPath, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && processAlive(pid)) {
        throw new UserFacingError(
          'jobs-locked',
          `Another Offhours (process ${pid}) is running jobs from this data folder.`,
          'Use that one (its Jobs page), stop it first, or pass a different --data-dir.',
        );
      }
    }
    writeFileSync(this.lockPath, String(process.pid), { mode: 0o600 });
    this.locked = true;
  }

  private releaseLock(): void {
    if (this.locked) rmSync(this.lockPath, { force: true });
    this.locked = false;
  }

  private setEngine(status: EngineStatus): void {
    this.engineStatus = status;
    this.emit();
  }

  private emit(): void {
    // While a job runs, the elapsed time moves even when nothing else does: tick once a second.
    const running = this.runner?.current()?.state === 'running';
    if (running && !this.ticker) {
      this.ticker = setInterval(() => this.emit(), 1000);
      this.ticker.unref?.();
    } else if (!running && this.ticker) {
      clearInterval(this.ticker);
      this.ticker = null;
    }
    for (const listener of this.listeners) listener();
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
