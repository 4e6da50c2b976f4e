import type { Availability, AvailabilityTransition, PauseRequest, PreemptionEvent } from '../../../protocol/availability.js';
import type { Settings, SettingsPatch } from '../../../protocol/settings.js';
import type { Clock, GpuActivitySource, IdleSource, JobControl, Logger, ProcessScanner } from '../ports.js';
import type { LocalCalendar } from './calendar.js';
import { detectForeignGpu, detectGame } from './guard.js';
import { AvailabilityMachine, DEFAULT_GRACE_MS, type Decision, type ScheduleSample, type StepResult } from './machine.js';
import { PreemptionController } from './preemption.js';
import { describeAvailability } from './sentence.js';

export interface SchedulerDeps {
  clock: Clock;
  calendar: LocalCalendar;
  logger: Logger;
  idle: IdleSource;
  /** Every few seconds; absent means no game detection on this platform. */
  processes?: ProcessScanner;
  gpu?: GpuActivitySource;
  /** The job runner's port; absent until a job runner is wired (then there is never a job). */
  jobs?: JobControl;
  engineHealthy?: () => boolean;
  networkHealthy?: () => boolean;
  settings: { get(): Settings; update(patch: SettingsPatch): Settings; onChange(listener: (s: Settings) => void): () => void };
}

export interface SchedulerOptions {
  /** Cheap signals (idle, lock, battery, job state) while a job runs: at most 240 ms (so gaps stay ≤ 250 ms). */
  tickMs?: number;
  /** The same signals while no job runs: nothing has to be frozen then, and pushed input samples at once anyway. */
  restTickMs?: number;
  /** Process scan and GPU process/temperature query. */
  scanMs?: number;
  graceMs?: number;
}

type Listener<T> = (value: T) => void;

/**
 * Drives the availability machine: samples the world on a timer (and at once when an input source sees
 * activity), publishes the availability with its plain-words sentence, emits transitions, and hands job
 * actions to the preemption controller.
 */
export class SchedulerService {
  private readonly machine: AvailabilityMachine;
  readonly preemption: PreemptionController | null;
  private availability: Availability | null = null;
  private game: string | null = null;
  private foreign: string | null = null;
  private temperatureC: number | null = null;
  private tickTimer: NodeJS.Timeout | null = null;
  private scanTimer: NodeJS.Timeout | null = null;
  private ticking: Promise<StepResult> | null = null;
  private offActivity: (() => void) | null = null;
  private offSettings: (() => void) | null = null;
  private watchingOwner = false;
  /** Input was seen while a sample was in flight: that sample may predate it, so take one more. */
  private resample = false;
  private readonly availabilityListeners = new Set<Listener<Availability>>();
  private readonly transitionListeners = new Set<Listener<AvailabilityTransition>>();
  private readonly tickMs: number;
  private readonly restTickMs: number;
  private running = false;
  private readonly scanMs: number;

  constructor(
    private readonly deps: SchedulerDeps,
    private readonly options: SchedulerOptions = {},
  ) {
    this.machine = new AvailabilityMachine(deps.calendar);
    this.preemption = deps.jobs ? new PreemptionController(deps.jobs, deps.clock, deps.logger) : null;
    // 240 ms so timer drift still keeps every gap at or under 250 ms.
    this.tickMs = Math.min(240, options.tickMs ?? 240);
    this.restTickMs = Math.max(this.tickMs, options.restTickMs ?? 1000);
    this.scanMs = options.scanMs ?? 5000;
  }

  get idleSourceName(): string {
    return this.deps.idle.name;
  }

  current(): Availability | null {
    return this.availability;
  }

  onAvailability(listener: Listener<Availability>): () => void {
    this.availabilityListeners.add(listener);
    return () => this.availabilityListeners.delete(listener);
  }

  onTransition(listener: Listener<AvailabilityTransition>): () => void {
    this.transitionListeners.add(listener);
    return () => this.transitionListeners.delete(listener);
  }

  onPreemption(listener: Listener<PreemptionEvent>): () => void {
    return this.preemption?.onEvent(listener) ?? (() => undefined);
  }

  /** Starts the loops; the first sample is taken at once. */
  async start(): Promise<void> {
    await this.scan();
    await this.tick();
    this.running = true;
    this.scheduleTick();
    this.scanTimer = setInterval(() => void this.scan(), this.scanMs);
    this.scanTimer.unref();
    this.offActivity = this.deps.idle.onActivity?.(() => this.sampleForActivity()) ?? null;
    this.offSettings = this.deps.settings.onChange(() => void this.tick());
  }

  /**
   * The next timed sample: every 240 ms while a job runs (the owner's return must freeze it within 250 ms), once a
   * second otherwise. At rest the fast cadence bought nothing (no job to freeze; input sources push) and its
   * wake-ups were most of the idle daemon's CPU.
   */
  private scheduleTick(): void {
    if (!this.running) return;
    const delay = this.deps.jobs?.current() ? this.tickMs : this.restTickMs;
    this.tickTimer = setTimeout(() => {
      void this.tick()
        .catch((error: unknown) => this.deps.logger.warn('availability sample failed', { error: String(error) }))
        .finally(() => this.scheduleTick());
    }, delay);
    this.tickTimer.unref();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.tickTimer) clearTimeout(this.tickTimer);
    if (this.scanTimer) clearInterval(this.scanTimer);
    this.tickTimer = this.scanTimer = null;
    this.offActivity?.();
    this.offSettings?.();
    this.deps.idle.close?.();
    this.deps.gpu?.close?.();
    await this.ticking?.catch(() => undefined);
    await this.preemption?.idle();
  }

  /**
   * Takes one sample and acts on it; resolves when the job actions it decided are done (tests and the
   * bench await this instead of sleeping). Overlapping calls share one in-flight sample.
   */
  tick(): Promise<StepResult> {
    if (!this.ticking) {
      this.ticking = this.sampleAndStep().finally(() => {
        this.ticking = null;
        if (this.resample) {
          this.resample = false;
          void this.tick();
        }
      });
    }
    return this.ticking;
  }

  /** The owner's input, pushed by the idle source: sample now, or right after the sample in flight. */
  private sampleForActivity(): void {
    if (this.ticking) this.resample = true;
    else void this.tick();
  }

  /** The slow signals: processes (games) and GPU users and temperature. Never throws. */
  async scan(): Promise<void> {
    const settings = this.deps.settings.get().schedule;
    const [processes, gpu] = await Promise.all([
      this.deps.processes?.list().catch((error: unknown) => {
        this.deps.logger.warn('process scan failed', { error: String(error) });
        return null;
      }),
      this.deps.gpu?.read().catch(() => null),
    ]);
    this.game = processes ? detectGame(processes, settings.extraGameExecutables) : null;
    this.foreign = gpu ? detectForeignGpu(gpu.processes, (pid) => this.deps.gpu?.isOurs(pid) ?? false) : null;
    this.temperatureC = gpu?.temperatureC ?? null;
  }

  pause(request: PauseRequest): Settings {
    const now = this.deps.clock.now();
    let until: string;
    if (request.kind === 'until-resume') until = 'forever';
    else if (request.kind === 'for') until = new Date(now + request.minutes * 60_000).toISOString();
    else until = new Date(nextLocalMidnight(this.deps.calendar, now)).toISOString();
    return this.deps.settings.update({ schedule: { pausedUntil: until } });
  }

  resume(): Settings {
    return this.deps.settings.update({ schedule: { pausedUntil: null } });
  }

  private async sampleAndStep(): Promise<StepResult> {
    const reading = await this.deps.idle.read();
    const at = this.deps.clock.now();
    const settings = this.deps.settings.get();
    const sample: ScheduleSample = {
      at,
      idleSeconds: reading.idleSeconds,
      locked: reading.locked,
      onBattery: reading.onBattery,
      foreignGpu: this.foreign,
      game: this.game,
      gpuTempC: this.temperatureC,
      engineHealthy: this.deps.engineHealthy?.() ?? true,
      networkHealthy: this.deps.networkHealthy?.() ?? true,
      job: this.deps.jobs?.current() ?? null,
      presenceUnknown: reading.presenceUnknown === true,
    };
    const result = this.machine.step(sample, settings.schedule, graceMs(settings, this.options.graceMs));
    // Act first: the owner's GPU comes before any bookkeeping.
    const acting = result.actions.length && this.preemption ? this.preemption.apply(result.actions, at) : null;
    this.watchOwner(result.decision.state === 'working');
    if (result.transition) {
      const t = result.transition;
      this.deps.logger.info(`availability: ${t.from} → ${t.to}`, { reason: t.reason, cause: t.cause });
      const event: AvailabilityTransition = { ...t, at: new Date(t.at).toISOString() };
      for (const listener of this.transitionListeners) listener(event);
    }
    this.publish(result.decision, settings, at);
    if (acting) await acting;
    return result;
  }

  /** Polled idle sources refresh fast only while a job runs and the owner's return must freeze it. */
  private watchOwner(on: boolean): void {
    if (on === this.watchingOwner) return;
    this.watchingOwner = on;
    this.deps.idle.watchClosely?.(on);
  }

  private publish(decision: Decision, settings: Settings, now: number): void {
    const sentence = describeAvailability(decision, settings.schedule, this.deps.calendar, now);
    const next: Availability = {
      state: decision.state,
      reason: decision.reason,
      detail: decision.detail,
      since: new Date(decision.since).toISOString(),
      until: decision.until === null ? null : new Date(decision.until).toISOString(),
      jobId: decision.jobId,
      now: sentence.now,
      next: sentence.next,
    };
    const prev = this.availability;
    if (prev && prev.state === next.state && prev.reason === next.reason && prev.detail === next.detail && prev.jobId === next.jobId && prev.now === next.now && prev.next === next.next && prev.since === next.since) {
      return;
    }
    this.availability = next;
    for (const listener of this.availabilityListeners) listener(next);
  }
}

function graceMs(settings: Settings, override: number | undefined): number {
  if (override !== undefined) return override;
  return settings.schedule.yieldGraceSeconds * 1000 || DEFAULT_GRACE_MS;
}

/** The next local 00:00 after `now`, found by stepping local minutes (DST-safe). */
export function nextLocalMidnight(calendar: LocalCalendar, now: number): number {
  const local = calendar(now);
  let at = now + ((1440 - local.minuteOfDay) * 60 - local.second) * 1000 - (now % 1000);
  // DST days are 23 or 25 hours long: correct by the local minute we actually landed on.
  for (let i = 0; i < 3; i++) {
    const m = calendar(at).minuteOfDay;
    if (m === 0) break;
    at += (m >= 720 ? 1440 - m : -m) * 60_000;
  }
  return at;
}
