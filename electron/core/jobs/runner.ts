import { createHash } from 'node:crypto';
import { UserFacingError } from '../../../protocol/errors.js';
import type { CurrentJob, JobOutcomeKind, JobPhase, JobSpec, PullProgress } from '../../../protocol/job-spec.js';
import type { Clock, JobControl, Logger } from '../ports.js';
import { LABEL_INSTANCE, type ContainerEngine, type EngineInfo, type LogStream } from './engine-port.js';
import { guestConfigFor } from './hardening.js';
import { planEviction } from './image-cache.js';
import type { JobJournal, JobResult, JournaledJob } from './journal.js';
import { DEFAULT_LOG_RING, LogRing, type LogRingOptions } from './log-ring.js';
import { PullTracker } from './pull-progress.js';
import { planReconcile } from './reconcile.js';

export interface JobRunnerOptions {
  /** Seconds between SIGTERM and SIGKILL when a job is stopped. */
  graceSeconds: number;
  /** How often the work done so far is written to the journal. */
  heartbeatMs: number;
  /** Our image cache may hold this many bytes of images we pulled; older ones are evicted. */
  imageCacheBudgetBytes: number;
  /** Refuse to pull when the engine's disk would drop below this. */
  minFreeDiskBytes: number;
  logRing: LogRingOptions;
  /** At most one state change notice per this many ms while logs stream. */
  notifyEveryMs: number;
  /** This data folder's id (label io.offhours.instance): reconcile touches only containers carrying it. */
  instanceId: string;
}

export const DEFAULT_RUNNER_OPTIONS: JobRunnerOptions = {
  graceSeconds: 10,
  heartbeatMs: 5000,
  imageCacheBudgetBytes: 30 * 1024 ** 3,
  minFreeDiskBytes: 5 * 1024 ** 3,
  logRing: DEFAULT_LOG_RING,
  notifyEveryMs: 250,
  instanceId: 'default',
};

export type { JobResult } from './journal.js';

export interface InterruptedJob {
  jobId: string;
  image: string;
  workedMs: number;
  reason: string;
}

interface Active {
  spec: JobSpec;
  specHash: string;
  source: CurrentJob['source'];
  phase: JobPhase;
  pull: PullProgress | null;
  containerId: string | null;
  imageId: string | null;
  usesGpu: boolean;
  logs: LogRing;
  logStream: LogStream | null;
  stdoutHash: ReturnType<typeof createHash>;
  /** Work before the current running stretch began. */
  workedBeforeMs: number;
  runningSince: number | null;
  stopReason: string | null;
  timedOut: boolean;
  maxTimer: ReturnType<typeof setTimeout> | null;
  heartbeat: ReturnType<typeof setInterval> | null;
  done: Promise<JobResult>;
  /** Set by a clean quit that leaves the job frozen for the next start. */
  detached: boolean;
  /** Cancels an image download in progress. */
  pullAbort: AbortController;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs one job at a time as a hardened guest, journaling every step; implements JobControl for the scheduler.
 * Lifecycle: pull → create → start → running ⇄ frozen → stopping → removing → finished.
 */
export class JobRunner implements JobControl {
  private active: Active | null = null;
  private readonly listeners = new Set<() => void>();
  private lastNotify = 0;
  private notifyTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly engine: ContainerEngine,
    private readonly engineInfo: EngineInfo,
    private readonly journal: JobJournal,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly options: JobRunnerOptions = DEFAULT_RUNNER_OPTIONS,
  ) {}

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ---- JobControl -------------------------------------------------------------------------------------

  current(): { jobId: string; state: 'running' | 'frozen' } | null {
    const a = this.active;
    if (!a || (a.phase !== 'running' && a.phase !== 'frozen')) return null;
    return { jobId: a.spec.id, state: a.phase };
  }

  async freeze(reason: string): Promise<void> {
    const a = this.active;
    if (!a || a.phase !== 'running' || !a.containerId) return;
    await this.engine.pauseContainer(a.containerId);
    this.closeRunningStretch(a);
    this.clearMaxTimer(a);
    a.phase = 'frozen';
    this.journal.append({ type: 'phase', at: this.clock.now(), jobId: a.spec.id, phase: 'frozen' });
    this.journal.append({ type: 'work', at: this.clock.now(), jobId: a.spec.id, workedMs: a.workedBeforeMs });
    this.logger.info('job frozen', { jobId: a.spec.id, reason });
    this.notify(true);
  }

  async thaw(): Promise<void> {
    const a = this.active;
    if (!a || a.phase !== 'frozen' || !a.containerId) return;
    await this.engine.unpauseContainer(a.containerId);
    a.phase = 'running';
    a.runningSince = this.clock.now();
    this.armMaxTimer(a);
    this.journal.append({ type: 'phase', at: this.clock.now(), jobId: a.spec.id, phase: 'running' });
    this.notify(true);
  }

  async stop(reason: string): Promise<void> {
    const a = this.active;
    if (!a) return;
    a.stopReason ??= reason;
    if (a.phase === 'pulling' || a.phase === 'queued') a.pullAbort.abort();
    if (a.containerId && (a.phase === 'running' || a.phase === 'frozen' || a.phase === 'starting')) {
      if (a.phase === 'frozen') {
        await this.engine.unpauseContainer(a.containerId).catch(() => undefined);
        a.runningSince = this.clock.now();
      }
      a.phase = 'stopping';
      this.notify(true);
      await this.engine.stopContainer(a.containerId, this.options.graceSeconds);
    }
    await a.done.catch(() => undefined);
  }

  /** Where the job on this machine came from, or null when there is none. */
  currentSource(): CurrentJob['source'] | null {
    return this.active?.source ?? null;
  }

  // ---- views ------------------------------------------------------------------------------------------

  view(tailLines = 30): CurrentJob | null {
    const a = this.active;
    if (!a) return null;
    return {
      jobId: a.spec.id,
      image: a.spec.image,
      phase: a.phase,
      source: a.source,
      pull: a.pull,
      elapsedSeconds: Math.floor(this.workedMs(a) / 1000),
      maxDurationSeconds: a.spec.maxDurationSeconds,
      pricePerSecond: a.spec.price.perSecond,
      logTail: a.logs.tail(tailLines),
      logLinesTotal: a.logs.accepted,
      droppedLogLines: a.logs.dropped,
      usesGpu: a.usesGpu,
    };
  }

  logsOf(jobId: string): { lines: string[]; dropped: number } | null {
    const a = this.active;
    if (!a || a.spec.id !== jobId) return null;
    return { lines: a.logs.tail(), dropped: a.logs.dropped };
  }

  // ---- running ----------------------------------------------------------------------------------------

  /**
   * Starts a validated job and returns once it is accepted (journaled); `done` settles with its result.
   * Only one job runs at a time.
   */
  start(spec: JobSpec, specHash: string, source: 'local' | 'network'): { done: Promise<JobResult> } {
    if (this.active) {
      throw new UserFacingError('job-busy', `Job ${this.active.spec.id} is still on this machine, so another cannot start.`, 'Wait for it to finish or stop it first.');
    }
    if (this.journal.fold().jobs.has(spec.id)) {
      throw new UserFacingError('job-exists', `A job called "${spec.id}" already ran on this machine.`, 'Give the job a new id.');
    }
    this.journal.append({ type: 'accepted', at: this.clock.now(), jobId: spec.id, spec, specHash, source });
    const a = this.newActive(spec, specHash, source, 'queued', 0);
    this.active = a;
    a.done = this.runFromScratch(a).finally(() => this.release(a));
    this.notify(true);
    return { done: a.done };
  }

  /** Crash recovery. Call once at start, before any new job. Returns the jobs that were cut short (reported exactly once). */
  async reconcile(): Promise<{ interrupted: InterruptedJob[]; adopted: string[]; removed: string[] }> {
    const fold = this.journal.fold();
    const containers = (await this.engine.listManagedContainers()).filter((c) => c.labels[LABEL_INSTANCE] === this.options.instanceId);
    const actions = planReconcile([...fold.jobs.values()], containers);
    const interrupted: InterruptedJob[] = [];
    const adopted: string[] = [];
    const removed: string[] = [];
    for (const action of actions) {
      if (action.kind === 'interrupted') {
        const job = fold.jobs.get(action.jobId)!;
        // Journal first: once this line is on disk, the job is never reported again.
        this.journal.append({
          type: 'finished',
          at: this.clock.now(),
          jobId: action.jobId,
          outcome: 'interrupted',
          exitCode: null,
          workedMs: action.workedMs,
          outputDigest: null,
          reason: action.reason,
        });
        interrupted.push({ jobId: action.jobId, image: job.spec.image, workedMs: action.workedMs, reason: action.reason });
        if (action.containerId) await this.removeQuietly(action.containerId);
        if (job.pullingRef) await this.claimPulledImage(job.jobId, job.pullingRef);
      } else if (action.kind === 'remove') {
        await this.removeQuietly(action.containerId);
        removed.push(action.containerId);
      } else if (action.kind === 'adopt' && !this.active) {
        this.adopt(fold.jobs.get(action.jobId)!, action.containerId);
        adopted.push(action.jobId);
      }
    }
    this.notify(true);
    return { interrupted, adopted, removed };
  }

  /** A download cut short by a crash may still have finished in the engine: the image is ours to evict. */
  private async claimPulledImage(jobId: string, ref: string): Promise<void> {
    const image = await this.engine.inspectImage(ref).catch(() => null);
    if (!image || this.journal.fold().images.get(image.id)?.removed === false) return;
    this.journal.append({ type: 'image', at: this.clock.now(), jobId, ref, imageId: image.id, sizeBytes: image.sizeBytes, pulledByUs: true });
  }

  /** At quit: stop our job (default), or leave it frozen for the next start to adopt. */
  async shutdown(stopJobs: boolean): Promise<void> {
    const a = this.active;
    if (!a) return;
    if (stopJobs || a.phase === 'pulling' || a.phase === 'queued' || a.phase === 'creating') {
      await this.stop('Offhours is quitting');
      return;
    }
    if (a.phase === 'running') await this.freeze('Offhours is quitting');
    if (a.phase === 'frozen') {
      a.detached = true;
      this.journal.append({ type: 'parked', at: this.clock.now(), jobId: a.spec.id, workedMs: this.workedMs(a) });
      this.clearTimers(a);
      a.logStream?.close();
    }
  }

  private newActive(spec: JobSpec, specHash: string, source: CurrentJob['source'], phase: JobPhase, workedBeforeMs: number): Active {
    return {
      spec,
      specHash,
      source,
      phase,
      pull: null,
      containerId: null,
      imageId: null,
      usesGpu: spec.resources.gpus > 0,
      logs: new LogRing(this.options.logRing),
      logStream: null,
      stdoutHash: createHash('sha256'),
      workedBeforeMs,
      runningSince: null,
      stopReason: null,
      timedOut: false,
      maxTimer: null,
      heartbeat: null,
      done: Promise.resolve(null as unknown as JobResult),
      detached: false,
      pullAbort: new AbortController(),
    };
  }

  private adopt(job: JournaledJob, containerId: string): void {
    const a = this.newActive(job.spec, job.specHash, 'adopted', 'frozen', job.workedMs);
    a.containerId = containerId;
    this.active = a;
    this.journal.append({ type: 'adopted', at: this.clock.now(), jobId: job.jobId });
    a.done = (async () => {
      const status = await this.engine.inspectContainer(containerId);
      if (status?.state === 'running') {
        // It was not frozen after all (an older quit): count from now.
        a.phase = 'running';
        a.runningSince = this.clock.now();
        this.armMaxTimer(a);
      }
      this.journal.append({ type: 'phase', at: this.clock.now(), jobId: a.spec.id, phase: a.phase });
      return this.superviseRunning(a);
    })()
      .catch((error: unknown) => this.finishWithError(a, error))
      .finally(() => this.release(a));
  }

  private async runFromScratch(a: Active): Promise<JobResult> {
    try {
      a.phase = 'pulling';
      this.journal.append({ type: 'phase', at: this.clock.now(), jobId: a.spec.id, phase: 'pulling' });
      this.notify(true);
      const image = await this.ensureImage(a);
      if (a.stopReason) return this.finish(a, 'stopped', null, a.stopReason);

      a.phase = 'creating';
      this.notify(true);
      const config = guestConfigFor(a.spec, a.specHash, image.user, this.engineInfo, this.options.instanceId);
      a.containerId = await this.engine.createContainer(config);
      this.journal.append({ type: 'container', at: this.clock.now(), jobId: a.spec.id, containerId: a.containerId });

      a.phase = 'starting';
      this.notify(true);
      await this.engine.startContainer(a.containerId);
      a.phase = 'running';
      a.runningSince = this.clock.now();
      this.journal.append({ type: 'phase', at: this.clock.now(), jobId: a.spec.id, phase: 'running' });
      this.armMaxTimer(a);
      this.notify(true);
      if (a.stopReason) await this.engine.stopContainer(a.containerId, this.options.graceSeconds);
      return await this.superviseRunning(a);
    } catch (error) {
      return this.finishWithError(a, error);
    }
  }

  private async ensureImage(a: Active): Promise<{ user: string }> {
    const ref = a.spec.image;
    const present = await this.engine.inspectImage(ref);
    if (present) {
      a.imageId = present.id;
      a.pull = { bytesDone: 0, bytesTotal: 0, layersDone: 0, layersTotal: 0, cached: true };
      this.notify(true);
      const known = this.journal.fold().images.get(present.id);
      if (known && !known.removed) this.journal.append({ type: 'image-used', at: this.clock.now(), imageId: present.id });
      // An image already here that we did not pull is the owner's: we use it but never count it as ours.
      return { user: present.user };
    }
    const manifest = await this.engine.fetchManifest(ref).catch(() => null);
    const needed = manifest ? manifest.layers.reduce((sum, l) => sum + l.sizeBytes, 0) : 0;
    // Layers unpack to roughly 2–3× their compressed size.
    await this.makeRoom(needed * 3);
    const free = await this.engine.freeDiskBytes().catch(() => null);
    if (free !== null && free - needed * 3 < this.options.minFreeDiskBytes) {
      throw new UserFacingError(
        'disk-full',
        `There is not enough free disk space for this job's image (${gib(free)} free; the image needs about ${gib(needed * 3)} and Offhours keeps ${gib(this.options.minFreeDiskBytes)} free for you).`,
        'Free some disk space on the drive your container engine uses, then try again.',
      );
    }
    // Claimed before the download starts: if we crash mid-pull, reconcile still knows the image is ours.
    this.journal.append({ type: 'image-pulling', at: this.clock.now(), jobId: a.spec.id, ref });
    const tracker = new PullTracker(manifest);
    a.pull = tracker.snapshot();
    this.notify(true);
    await this.engine.pullImage(ref, (event) => {
      tracker.apply(event);
      a.pull = tracker.snapshot();
      this.notify(false);
    }, a.pullAbort.signal);
    const pulled = await this.engine.inspectImage(ref);
    if (!pulled) throw new Error(`the engine pulled ${ref} but does not show it`);
    const final = tracker.snapshot();
    a.pull = { ...final, bytesDone: final.bytesTotal ?? final.bytesDone, layersDone: final.layersTotal };
    a.imageId = pulled.id;
    this.journal.append({ type: 'image', at: this.clock.now(), jobId: a.spec.id, ref, imageId: pulled.id, sizeBytes: pulled.sizeBytes, pulledByUs: true });
    this.notify(true);
    await this.makeRoom(0);
    return { user: pulled.user };
  }

  /** Evicts least-recently-used images we pulled until the cache (plus `incoming`) fits its budget. */
  async makeRoom(incoming: number): Promise<string[]> {
    const images = [...this.journal.fold().images.values()];
    const inUse = new Set<string>(this.active?.imageId ? [this.active.imageId] : []);
    const plan = planEviction(images, Math.max(0, this.options.imageCacheBudgetBytes - incoming), inUse);
    const removed: string[] = [];
    for (const image of plan) {
      try {
        // force=false: the engine refuses while any container (the owner's included) uses the image.
        await this.engine.removeImage(image.imageId);
        this.journal.append({ type: 'image-removed', at: this.clock.now(), imageId: image.imageId });
        removed.push(image.imageId);
      } catch (error) {
        this.logger.warn('could not evict a cached job image', { imageId: image.imageId, error: String(error) });
      }
    }
    return removed;
  }

  private async superviseRunning(a: Active): Promise<JobResult> {
    const id = a.containerId!;
    a.logStream = await this.engine.followLogs(id, (stream, chunk) => {
      if (stream === 'stdout') a.stdoutHash.update(chunk);
      a.logs.pushChunk(stream, chunk, this.clock.now());
      this.notify(false);
    });
    a.heartbeat = setInterval(() => {
      this.journal.append({ type: 'work', at: this.clock.now(), jobId: a.spec.id, workedMs: this.workedMs(a) });
    }, this.options.heartbeatMs);
    a.heartbeat.unref?.();
    const exitCode = await this.engine.waitContainer(id);
    if (a.detached) return { jobId: a.spec.id, outcome: 'interrupted', exitCode: null, workedMs: this.workedMs(a), outputDigest: null, reason: 'parked' };
    this.closeRunningStretch(a);
    this.clearTimers(a);
    // Let the log stream drain what the container wrote last.
    await Promise.race([a.logStream.done, sleep(2000)]);
    a.logStream.close();
    a.logs.flush(this.clock.now());
    const digest = a.stdoutHash.digest('hex');
    if (a.timedOut) return this.finish(a, 'timed-out', exitCode, `The job ran past its limit of ${a.spec.maxDurationSeconds} s and was stopped.`, digest);
    if (a.stopReason) return this.finish(a, 'stopped', exitCode, a.stopReason, digest);
    if (exitCode === 0) return this.finish(a, 'succeeded', 0, null, digest);
    const status = await this.engine.inspectContainer(id).catch(() => null);
    const why = status?.oomKilled ? `The job ran out of its ${a.spec.resources.memoryMiB} MiB of memory.` : `The job exited with code ${exitCode}.`;
    return this.finish(a, 'failed', exitCode, why, digest);
  }

  private async finish(a: Active, outcome: JobOutcomeKind, exitCode: number | null, reason: string | null, outputDigest: string | null = null): Promise<JobResult> {
    this.clearTimers(a);
    this.closeRunningStretch(a);
    if (a.containerId) {
      a.phase = 'removing';
      this.notify(true);
      await this.removeQuietly(a.containerId);
    }
    const result: JobResult = { jobId: a.spec.id, outcome, exitCode, workedMs: a.workedBeforeMs, outputDigest, reason };
    this.journal.append({ type: 'finished', at: this.clock.now(), ...result });
    this.logger.info('job finished', { jobId: a.spec.id, outcome, exitCode });
    return result;
  }

  private async finishWithError(a: Active, error: unknown): Promise<JobResult> {
    if (a.detached) return { jobId: a.spec.id, outcome: 'interrupted', exitCode: null, workedMs: this.workedMs(a), outputDigest: null, reason: 'parked' };
    const message = error instanceof UserFacingError ? `${error.message}${error.nextStep ? ` ${error.nextStep}` : ''}` : `The container engine failed: ${(error as Error)?.message ?? String(error)}`;
    this.logger.error('job failed to run', { jobId: a.spec.id, error: String((error as Error)?.message ?? error) });
    if (a.stopReason && !(error instanceof UserFacingError)) return this.finish(a, 'stopped', null, a.stopReason);
    return this.finish(a, 'error', null, message);
  }

  private release(a: Active): void {
    if (this.active === a) this.active = null;
    this.clearTimers(a);
    this.notify(true);
  }

  private async removeQuietly(containerId: string): Promise<void> {
    try {
      await this.engine.stopContainer(containerId, 2).catch(async () => {
        await this.engine.unpauseContainer(containerId).catch(() => undefined);
        await this.engine.killContainer(containerId);
      });
      await this.engine.removeContainer(containerId);
    } catch (error) {
      this.logger.warn('could not remove a job container', { containerId, error: String(error) });
    }
  }

  private workedMs(a: Active): number {
    return a.workedBeforeMs + (a.runningSince === null ? 0 : Math.max(0, this.clock.now() - a.runningSince));
  }

  private closeRunningStretch(a: Active): void {
    if (a.runningSince !== null) {
      a.workedBeforeMs += Math.max(0, this.clock.now() - a.runningSince);
      a.runningSince = null;
    }
  }

  /** The time limit counts running time only: frozen time is the owner's, not the job's. */
  private armMaxTimer(a: Active): void {
    this.clearMaxTimer(a);
    const left = a.spec.maxDurationSeconds * 1000 - this.workedMs(a);
    a.maxTimer = setTimeout(() => {
      if (this.active !== a || a.phase !== 'running' || !a.containerId) return;
      a.timedOut = true;
      a.phase = 'stopping';
      this.notify(true);
      void this.engine.killContainer(a.containerId).catch((error: unknown) => this.logger.warn('could not kill a job past its limit', { error: String(error) }));
    }, Math.max(0, left));
    a.maxTimer.unref?.();
  }

  private clearMaxTimer(a: Active): void {
    if (a.maxTimer) clearTimeout(a.maxTimer);
    a.maxTimer = null;
  }

  private clearTimers(a: Active): void {
    this.clearMaxTimer(a);
    if (a.heartbeat) clearInterval(a.heartbeat);
    a.heartbeat = null;
  }

  /** Phase changes notify at once; log lines and pull bytes at most every notifyEveryMs. */
  private notify(now: boolean): void {
    const emit = () => {
      this.notifyTimer = null;
      this.lastNotify = Date.now();
      for (const listener of this.listeners) listener();
    };
    if (now) {
      if (this.notifyTimer) clearTimeout(this.notifyTimer);
      emit();
      return;
    }
    if (this.notifyTimer) return;
    const wait = Math.max(0, this.options.notifyEveryMs - (Date.now() - this.lastNotify));
    this.notifyTimer = setTimeout(emit, wait);
    this.notifyTimer.unref?.();
  }
}

function gib(bytes: number): string {
  return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
}
