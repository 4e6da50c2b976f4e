import { UserFacingError } from '../../../protocol/errors.js';
import type { CurrentJob, JobSpec } from '../../../protocol/job-spec.js';
import type { Clock, JobControl, Logger } from '../ports.js';
import { newActiveJob, type ActiveJob, type NewActiveJob } from './active-job.js';
import { haltContainer, realSleep, removeContainerSurely, type HaltPlan, type Sleep } from './container-halt.js';
import { LABEL_INSTANCE, type ContainerEngine, type ContainerStatus, type EngineInfo } from './ports.js';
import { guestConfigFor } from './hardening.js';
import { ImageSupply } from './image-supply.js';
import { judgeEnding, LEFT_BEHIND_NOTE, type JobEnding, type JobVerdict } from './job-ending.js';
import type { JobJournal, JobResult, JournaledJob } from './journal.js';
import { planReconcile } from './reconcile.js';
import { DEFAULT_RUNNER_OPTIONS, type JobRunnerOptions } from './runner-options.js';

export { DEFAULT_RUNNER_OPTIONS, type JobRunnerOptions } from './runner-options.js';
export type { JobResult } from './journal.js';

export interface InterruptedJob {
  jobId: string;
  image: string;
  workedMs: number;
  reason: string;
}

/**
 * Runs one job at a time as a hardened guest, journaling every step; implements JobControl for the scheduler.
 * Lifecycle: pull → create → start → running ⇄ frozen → stopping → removing → finished.
 */
export class JobRunner implements JobControl {
  private active: ActiveJob | null = null;
  private readonly listeners = new Set<() => void>();
  private lastNotify = 0;
  private notifyTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly images: ImageSupply;

  constructor(
    private readonly engine: ContainerEngine,
    private readonly engineInfo: EngineInfo,
    private readonly journal: JobJournal,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly options: JobRunnerOptions = DEFAULT_RUNNER_OPTIONS,
    private readonly sleep: Sleep = realSleep,
  ) {
    this.images = new ImageSupply(engine, journal, clock, logger, options);
  }

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
    // The time limit may have struck while the engine paused it: the stop in progress wins.
    if (a.phase !== 'running') return;
    a.work.pause(this.clock.now());
    this.clearMaxTimer(a);
    a.phase = 'frozen';
    this.journal.append({ type: 'phase', at: this.clock.now(), jobId: a.spec.id, phase: 'frozen' });
    this.journal.append({ type: 'work', at: this.clock.now(), jobId: a.spec.id, workedMs: a.work.workedMs(this.clock.now()) });
    this.logger.info('job frozen', { jobId: a.spec.id, reason });
    this.notify(true);
  }

  async thaw(): Promise<void> {
    const a = this.active;
    if (!a || a.phase !== 'frozen' || !a.containerId) return;
    await this.engine.unpauseContainer(a.containerId);
    a.phase = 'running';
    a.work.resume(this.clock.now());
    this.armMaxTimer(a);
    this.journal.append({ type: 'phase', at: this.clock.now(), jobId: a.spec.id, phase: 'running' });
    this.notify(true);
  }

  async stop(reason: string): Promise<void> {
    const a = this.active;
    if (!a) return;
    a.stopReason ??= reason;
    if (a.phase === 'pulling' || a.phase === 'queued') a.pullAbort.abort();
    if (a.containerId && (a.phase === 'running' || a.phase === 'frozen' || a.phase === 'starting')) this.halt(a, this.options.graceSeconds);
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
      elapsedSeconds: Math.floor(a.work.workedMs(this.clock.now()) / 1000),
      maxDurationSeconds: a.spec.maxDurationSeconds,
      pricePerSecond: a.spec.price.perSecond,
      logTail: a.output.logs.tail(tailLines),
      logLinesTotal: a.output.logs.accepted,
      droppedLogLines: a.output.logs.dropped,
      usesGpu: a.usesGpu,
    };
  }

  logsOf(jobId: string): { lines: string[]; dropped: number } | null {
    const a = this.active;
    if (!a || a.spec.id !== jobId) return null;
    return { lines: a.output.logs.tail(), dropped: a.output.logs.dropped };
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
    const a = this.newActive({ spec, specHash, source, phase: 'queued', workedBeforeMs: 0, partialOutputBecause: null });
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
        if (action.containerId) await this.removeContainer(action.containerId, 2);
        if (job.pullingRef) await this.images.claimPulled(job.jobId, job.pullingRef);
      } else if (action.kind === 'remove') {
        await this.removeContainer(action.containerId, 2);
        removed.push(action.containerId);
      } else if (action.kind === 'adopt' && !this.active) {
        this.adopt(fold.jobs.get(action.jobId)!, action.containerId);
        adopted.push(action.jobId);
      }
    }
    this.notify(true);
    return { interrupted, adopted, removed };
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
      this.journal.append({ type: 'parked', at: this.clock.now(), jobId: a.spec.id, workedMs: a.work.workedMs(this.clock.now()) });
      this.clearTimers(a);
      a.output.close();
    }
  }

  /** Evicts least-recently-used images we pulled until the cache (plus `incoming`) fits its budget. */
  makeRoom(incoming: number): Promise<string[]> {
    return this.images.makeRoom(incoming, new Set(this.active?.imageId ? [this.active.imageId] : []));
  }

  private newActive(job: Omit<NewActiveJob, 'logRing' | 'now' | 'onOutput'>): ActiveJob {
    return newActiveJob({ ...job, logRing: this.options.logRing, now: () => this.clock.now(), onOutput: () => this.notify(false) });
  }

  private adopt(job: JournaledJob, containerId: string): void {
    const a = this.newActive({
      spec: job.spec,
      specHash: job.specHash,
      source: 'adopted',
      phase: 'frozen',
      workedBeforeMs: job.workedMs,
      partialOutputBecause: 'Offhours restarted while the job ran, so it could not see all of its output.',
    });
    a.containerId = containerId;
    this.active = a;
    this.journal.append({ type: 'adopted', at: this.clock.now(), jobId: job.jobId });
    a.done = (async () => {
      const status = await this.engine.inspectContainer(containerId);
      if (status?.state === 'running') {
        // It was not frozen after all (an older quit): count from now.
        a.phase = 'running';
        a.work.resume(this.clock.now());
        this.armMaxTimer(a);
      }
      this.journal.append({ type: 'phase', at: this.clock.now(), jobId: a.spec.id, phase: a.phase });
      a.output.follow(await this.engine.followLogs(containerId, a.output.feed));
      return this.superviseRunning(a);
    })()
      .catch((error: unknown) => this.finishWithError(a, error))
      .finally(() => this.release(a));
  }

  private async runFromScratch(a: ActiveJob): Promise<JobResult> {
    try {
      a.phase = 'pulling';
      this.journal.append({ type: 'phase', at: this.clock.now(), jobId: a.spec.id, phase: 'pulling' });
      this.notify(true);
      const image = await this.images.ensure(a.spec.id, a.spec.image, a.pullAbort.signal, (pull, now) => {
        a.pull = pull;
        this.notify(now);
      });
      a.imageId = image.id;
      if (a.stopReason) return this.finish(a, { outcome: 'stopped', exitCode: null, reason: a.stopReason, outputDigest: null });

      a.phase = 'creating';
      this.notify(true);
      const config = guestConfigFor(a.spec, a.specHash, image.user, this.engineInfo, this.options.instanceId);
      a.containerId = await this.engine.createContainer(config);
      this.journal.append({ type: 'container', at: this.clock.now(), jobId: a.spec.id, containerId: a.containerId });
      // Attached before start: the stream sees every byte, however fast the guest writes and exits.
      a.output.follow(await this.engine.attachOutput(a.containerId, a.output.feed));

      a.phase = 'starting';
      this.notify(true);
      await this.engine.startContainer(a.containerId);
      a.phase = 'running';
      a.work.resume(this.clock.now());
      this.journal.append({ type: 'phase', at: this.clock.now(), jobId: a.spec.id, phase: 'running' });
      this.armMaxTimer(a);
      this.notify(true);
      if (a.stopReason) this.halt(a, this.options.graceSeconds);
      return await this.superviseRunning(a);
    } catch (error) {
      return this.finishWithError(a, error);
    }
  }

  /** Until the guest has stopped (by itself, or because a stop was asked for); then judges how it ended. */
  private async superviseRunning(a: ActiveJob): Promise<JobResult> {
    const id = a.containerId!;
    a.heartbeat = setInterval(() => {
      this.journal.append({ type: 'work', at: this.clock.now(), jobId: a.spec.id, workedMs: a.work.workedMs(this.clock.now()) });
    }, this.options.heartbeatMs);
    a.heartbeat.unref?.();
    // A stop does not wait on the engine's wait call: that call is what hangs when a guest will not die.
    const waited = await Promise.race([this.engine.waitContainer(id), a.haltAsked.then(() => undefined)]);
    if (a.detached) return this.parkedResult(a);
    a.work.stop(this.clock.now());
    this.clearTimers(a);
    const halt = a.halting ? await a.halting : null;
    const exit = halt ? exitOf(halt.stopped, null) : exitOf(await this.engine.inspectContainer(id).catch(() => null), waited ?? null);
    const output = await a.output.finish(this.options.outputDrainMs);
    a.phase = 'removing';
    this.notify(true);
    const gone = halt?.gone || (await this.removeContainer(id, 0));
    const ending: JobEnding = {
      timedOut: a.timedOut,
      stopReason: a.stopReason,
      exit,
      memoryMiB: a.spec.resources.memoryMiB,
      maxDurationSeconds: a.spec.maxDurationSeconds,
      output,
      leftBehind: !gone,
    };
    return this.record(a, judgeEnding(ending));
  }

  /**
   * Asks the guest to stop, once: the work clock stops now (what the engine takes to stop a guest is not work),
   * and the escalation runs until the guest has stopped or is gone.
   */
  private halt(a: ActiveJob, graceSeconds: number): void {
    if (a.halting || !a.containerId) return;
    a.work.stop(this.clock.now());
    this.clearTimers(a);
    a.phase = 'stopping';
    this.notify(true);
    a.halting = haltContainer(this.engine, a.containerId, this.haltPlan(graceSeconds), this.sleep);
    void a.halting.then((report) => {
      if (report.failures.length) this.logger.warn('the job did not stop at the first try', { jobId: a.spec.id, failures: report.failures, gone: report.gone });
      a.askHalt();
    });
  }

  private haltPlan(graceSeconds: number): HaltPlan {
    return { graceSeconds, stepTimeoutMs: this.options.stepTimeoutMs, backoffMs: this.options.haltBackoffMs };
  }

  /** Stops (with grace) and removes a container, checking that it is gone. False when the engine would not let go. */
  private async removeContainer(containerId: string, graceSeconds: number): Promise<boolean> {
    const halted = graceSeconds > 0 ? await haltContainer(this.engine, containerId, this.haltPlan(graceSeconds), this.sleep) : null;
    const removed = halted?.gone ? halted : await removeContainerSurely(this.engine, containerId, this.haltPlan(0), this.sleep);
    const failures = [...(halted?.failures ?? []), ...removed.failures];
    if (!removed.gone) this.logger.error('could not remove a job container', { containerId, failures });
    else if (failures.length) this.logger.warn('a job container took more than one try to remove', { containerId, failures });
    return removed.gone;
  }

  /** Writes the result, once the container is dealt with. */
  private async finish(a: ActiveJob, verdict: JobVerdict): Promise<JobResult> {
    a.work.stop(this.clock.now());
    this.clearTimers(a);
    if (a.containerId) {
      a.phase = 'removing';
      this.notify(true);
      const gone = a.halting ? (await a.halting).gone || (await this.removeContainer(a.containerId, 0)) : await this.removeContainer(a.containerId, 2);
      if (!gone) verdict = { ...verdict, reason: verdict.reason ? `${verdict.reason} ${LEFT_BEHIND_NOTE}` : LEFT_BEHIND_NOTE };
    }
    return this.record(a, verdict);
  }

  private record(a: ActiveJob, verdict: JobVerdict): JobResult {
    const result: JobResult = { jobId: a.spec.id, ...verdict, workedMs: a.work.workedMs(this.clock.now()) };
    this.journal.append({ type: 'finished', at: this.clock.now(), ...result });
    this.logger.info('job finished', { jobId: a.spec.id, outcome: result.outcome, exitCode: result.exitCode });
    return result;
  }

  private async finishWithError(a: ActiveJob, error: unknown): Promise<JobResult> {
    if (a.detached) return this.parkedResult(a);
    const message = error instanceof UserFacingError ? `${error.message}${error.nextStep ? ` ${error.nextStep}` : ''}` : `The container engine failed: ${(error as Error)?.message ?? String(error)}`;
    this.logger.error('job failed to run', { jobId: a.spec.id, error: String((error as Error)?.message ?? error) });
    a.output.close();
    if (a.stopReason && !(error instanceof UserFacingError)) return this.finish(a, { outcome: 'stopped', exitCode: null, reason: a.stopReason, outputDigest: null });
    return this.finish(a, { outcome: 'error', exitCode: null, reason: message, outputDigest: null });
  }

  private parkedResult(a: ActiveJob): JobResult {
    return { jobId: a.spec.id, outcome: 'interrupted', exitCode: null, workedMs: a.work.workedMs(this.clock.now()), outputDigest: null, reason: 'parked' };
  }

  private release(a: ActiveJob): void {
    if (this.active === a) this.active = null;
    this.clearTimers(a);
    this.notify(true);
  }

  /** The time limit counts running time only: frozen time is the owner's, not the job's. Past it, no grace. */
  private armMaxTimer(a: ActiveJob): void {
    this.clearMaxTimer(a);
    a.maxTimer = setTimeout(
      () => {
        if (this.active !== a || a.phase !== 'running' || !a.containerId) return;
        a.timedOut = true;
        this.halt(a, 0);
      },
      Math.max(0, a.work.remainingMs(this.clock.now())),
    );
    a.maxTimer.unref?.();
  }

  private clearMaxTimer(a: ActiveJob): void {
    if (a.maxTimer) clearTimeout(a.maxTimer);
    a.maxTimer = null;
  }

  private clearTimers(a: ActiveJob): void {
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

/** The exit as the engine reports it: the stopped container's own record first, the wait call's answer else. */
function exitOf(stopped: ContainerStatus | null, waited: number | null): JobEnding['exit'] {
  if (stopped && (stopped.state === 'exited' || stopped.state === 'dead')) return { code: stopped.exitCode ?? waited, oomKilled: stopped.oomKilled };
  return waited === null ? null : { code: waited, oomKilled: false };
}
