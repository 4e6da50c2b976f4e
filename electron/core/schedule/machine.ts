import type { AvailabilityKind, AvailabilityReason } from '../../../protocol/availability.js';
import type { Settings } from '../../../protocol/settings.js';
import { cellIndex, isInsideGrid, nextGridChange, type LocalCalendar } from './calendar.js';

export type ScheduleRules = Settings['schedule'];

/** One reading of the world, taken by the sampling loop (or written by hand in tests). */
export interface ScheduleSample {
  /** Wall-clock time of the sample, epoch ms. */
  at: number;
  /** Seconds since the owner's last keyboard/mouse/controller input, as the idle source reports it. */
  idleSeconds: number;
  /** The session is locked: the owner walked away on purpose. */
  locked: boolean;
  onBattery: boolean;
  /** A process we did not start is using the GPU (its description), or null. */
  foreignGpu: string | null;
  /** A known game or launcher game is running (its name), or null. */
  game: string | null;
  /** Hottest GPU temperature, or null when unknown. */
  gpuTempC: number | null;
  /** The container engine answers (needed to start work; with a job we still try to freeze it). */
  engineHealthy: boolean;
  /** The coordinator link is up (needed to accept new work, not to keep running the current job). */
  networkHealthy: boolean;
  job: { jobId: string; state: 'running' | 'frozen' } | null;
  /** No idle source can see the owner (they are assumed present); shown so the owner knows why. */
  presenceUnknown?: boolean;
}

export interface Decision {
  state: AvailabilityKind;
  reason: AvailabilityReason;
  detail: string | null;
  since: number;
  until: number | null;
  jobId: string | null;
}

export interface Transition {
  at: number;
  from: AvailabilityKind;
  to: AvailabilityKind;
  reason: AvailabilityReason;
  cause: string;
}

export type JobAction = { kind: 'freeze' | 'thaw' | 'stop'; jobId: string; reason: string };

export interface StepResult {
  decision: Decision;
  /** Set when the state, reason or job changed with this sample. */
  transition: Transition | null;
  /** What the preemption controller should do to the job now. Empty most of the time. */
  actions: JobAction[];
}

/** The GPU must cool this far below the ceiling before work resumes. */
export const HOT_RESUME_HYSTERESIS_C = 5;
/** A game or foreign GPU process must be gone this long before we count it gone (launchers restart helpers). */
export const GUARD_CLEAR_MS = 15_000;
/** Mains power must be back this long before a battery pause ends (a loose plug cannot thrash a job). */
export const BATTERY_CLEAR_MS = 30_000;
/** A gap between samples longer than this (or time going backwards) is a sleep/resume or a clock change. */
export const CLOCK_JUMP_MS = 15_000;
/** Decision detail when no idle source can see the owner. */
export const PRESENCE_UNKNOWN = 'presence-unknown';
/** Input must come this long after the yield to count as "the owner stayed" (not the same touch). */
export const STAYS_MARGIN_MS = 1000;
/** Grace period before a frozen job is stopped when the owner stays; the setting overrides it. */
export const DEFAULT_GRACE_MS = 60_000;

interface Seen {
  what: string;
  at: number;
}

/** The owner is using the PC right now, by the rules' definition (the property the fast-check test guards). */
export function ownerActive(sample: Pick<ScheduleSample, 'idleSeconds' | 'locked'>, rules: Pick<ScheduleRules, 'idleMinutes' | 'dedicatedRig'>): boolean {
  return !rules.dedicatedRig && !sample.locked && sample.idleSeconds < rules.idleMinutes * 60;
}

export function pausedUntil(rules: Pick<ScheduleRules, 'pausedUntil'>, at: number): { paused: boolean; until: number | null } {
  if (rules.pausedUntil === null) return { paused: false, until: null };
  if (rules.pausedUntil === 'forever') return { paused: true, until: null };
  const until = Date.parse(rules.pausedUntil);
  if (Number.isNaN(until) || until <= at) return { paused: false, until: null };
  return { paused: true, until };
}

/**
 * The availability state machine. Pure: no I/O, no timers; time comes in with each sample and local time
 * through the injected calendar. Feed it samples in order; it answers with one state, the transition (if any)
 * and the job actions that state needs.
 */
export class AvailabilityMachine {
  private decision: Decision | null = null;
  private lastAt: number | null = null;
  private game: Seen | null = null;
  private foreign: Seen | null = null;
  private battery: number | null = null;
  private hot = false;
  private yieldingSince: number | null = null;
  private stopSentFor: string | null = null;
  private gridCache: { key: string; value: number | null } | null = null;

  constructor(private readonly calendar: LocalCalendar) {}

  current(): Decision | null {
    return this.decision;
  }

  step(sample: ScheduleSample, rules: ScheduleRules, graceMs: number = DEFAULT_GRACE_MS): StepResult {
    const at = sample.at;
    let jumped = false;
    if (this.lastAt !== null && (at < this.lastAt || at - this.lastAt > CLOCK_JUMP_MS)) {
      // Sleep/resume or a clock change: durations measured across the jump mean nothing. Restart every
      // debounce and the grace period from now, so waking after 8 hours neither clears a game early
      // nor kills a frozen job on the spot.
      jumped = true;
      if (this.game) this.game.at = at;
      if (this.foreign) this.foreign.at = at;
      if (this.battery !== null) this.battery = at;
      if (this.yieldingSince !== null) this.yieldingSince = at;
    }
    this.lastAt = at;

    if (sample.game) this.game = { what: sample.game, at };
    else if (this.game && at - this.game.at >= GUARD_CLEAR_MS) this.game = null;
    if (sample.foreignGpu) this.foreign = { what: sample.foreignGpu, at };
    else if (this.foreign && at - this.foreign.at >= GUARD_CLEAR_MS) this.foreign = null;
    if (sample.onBattery) this.battery = at;
    else if (this.battery !== null && at - this.battery >= BATTERY_CLEAR_MS) this.battery = null;
    if (sample.gpuTempC !== null) {
      if (sample.gpuTempC >= rules.maxGpuTempC) this.hot = true;
      else if (sample.gpuTempC <= rules.maxGpuTempC - HOT_RESUME_HYSTERESIS_C) this.hot = false;
    }

    const job = sample.job;
    const blocker = this.blocker(sample, rules, job !== null);
    let state: AvailabilityKind;
    if (blocker) {
      if (blocker.reason === 'gpu-hot') state = 'cooling';
      else if (blocker.reason === 'engine-down') state = 'waiting';
      else if (job) state = 'yielding';
      else state = blocker.reason === 'paused' ? 'off' : 'waiting';
    } else {
      state = job ? 'working' : 'available';
    }
    const reason: AvailabilityReason = blocker?.reason ?? (rules.dedicatedRig ? 'dedicated-rig' : 'owner-away');
    const detail = blocker?.detail ?? null;
    const until = blocker ? blocker.until : this.gridChange(rules.weeklyGrid, at, false);

    const previous = this.decision;
    const jobId = job?.jobId ?? null;
    const changed = !previous || previous.state !== state || previous.reason !== reason || previous.jobId !== jobId;
    const decision: Decision = { state, reason, detail, since: changed ? at : previous.since, until, jobId };
    this.decision = decision;
    const transition: Transition | null = changed
      ? { at, from: previous?.state ?? 'off', to: state, reason, cause: (jumped ? 'clock jumped (sleep/resume or time change); ' : '') + (blocker?.cause ?? this.clearCause(rules, sample)) }
      : null;

    if (state === 'yielding') this.yieldingSince ??= at;
    else this.yieldingSince = null;
    if (!job || state !== 'yielding') this.stopSentFor = null;

    const actions: JobAction[] = [];
    if (job) {
      if ((state === 'yielding' || state === 'cooling') && job.state === 'running') {
        actions.push({ kind: 'freeze', jobId: job.jobId, reason: blocker?.cause ?? reason });
      } else if (state === 'working' && job.state === 'frozen') {
        actions.push({ kind: 'thaw', jobId: job.jobId, reason: 'available again' });
      }
      const yieldedFor = this.yieldingSince === null ? 0 : at - this.yieldingSince;
      // "The owner stays": for owner-active, they must have touched the PC again after the moment we yielded
      // (one nudge of the mouse, then nothing, is not staying; the job thaws once they are idle again).
      const stays = reason !== 'owner-active' || sample.idleSeconds * 1000 < yieldedFor - STAYS_MARGIN_MS;
      if (state === 'yielding' && yieldedFor >= graceMs && stays && this.stopSentFor !== job.jobId) {
        this.stopSentFor = job.jobId;
        actions.push({ kind: 'stop', jobId: job.jobId, reason: `${blocker?.cause ?? reason} for longer than ${Math.round(graceMs / 1000)} s` });
      }
    }
    return { decision, transition, actions };
  }

  private blocker(
    sample: ScheduleSample,
    rules: ScheduleRules,
    hasJob: boolean,
  ): { reason: AvailabilityReason; detail: string | null; until: number | null; cause: string } | null {
    const at = sample.at;
    const pause = pausedUntil(rules, at);
    if (pause.paused) {
      return { reason: 'paused', detail: null, until: pause.until, cause: pause.until === null ? 'paused until you resume' : `paused until ${new Date(pause.until).toISOString()}` };
    }
    // Outside the owner's hours nothing else matters, so it is the reason we show.
    if (!isInsideGrid(rules.weeklyGrid, this.calendar(at))) {
      return { reason: 'outside-hours', detail: null, until: this.gridChange(rules.weeklyGrid, at, true), cause: 'outside the hours you chose' };
    }
    if (this.game) return { reason: 'game-running', detail: this.game.what, until: null, cause: `game running: ${this.game.what}` };
    if (this.foreign) return { reason: 'foreign-gpu', detail: this.foreign.what, until: null, cause: `another program uses the GPU: ${this.foreign.what}` };
    if (!rules.allowWhileActive && ownerActive(sample, rules)) {
      const threshold = rules.idleMinutes * 60;
      return {
        reason: 'owner-active',
        detail: sample.presenceUnknown ? PRESENCE_UNKNOWN : null,
        until: at + Math.max(0, threshold - sample.idleSeconds) * 1000,
        cause: `input ${Math.floor(sample.idleSeconds)} s ago (needs ${threshold} s)`,
      };
    }
    if (rules.pauseOnBattery && this.battery !== null) {
      return { reason: 'on-battery', detail: null, until: null, cause: sample.onBattery ? 'running on battery' : 'mains power only just came back' };
    }
    // Engine and network only matter once the owner's own rules allow work.
    // With a job on the machine, engine trouble must not stop us from trying to give the GPU back.
    if (!sample.engineHealthy && !hasJob) return { reason: 'engine-down', detail: null, until: null, cause: 'the container engine does not answer' };
    if (!sample.networkHealthy && !hasJob) return { reason: 'network-down', detail: null, until: null, cause: 'the Offhours network is not reachable' };
    if (this.hot) {
      const temp = sample.gpuTempC;
      return {
        reason: 'gpu-hot',
        detail: temp === null ? null : `${temp} °C`,
        until: null,
        cause: `GPU ${temp ?? '?'} °C, ceiling ${rules.maxGpuTempC} °C (resumes at ${rules.maxGpuTempC - HOT_RESUME_HYSTERESIS_C} °C)`,
      };
    }
    return null;
  }

  private clearCause(rules: ScheduleRules, sample: ScheduleSample): string {
    if (rules.dedicatedRig) return 'dedicated rig, inside your hours';
    if (rules.allowWhileActive && ownerActive(sample, rules)) return 'you allowed work while you use the PC, and no game is running';
    return sample.locked ? 'session locked, inside your hours' : `no input for ${Math.floor(sample.idleSeconds)} s, inside your hours`;
  }

  /** Cached per grid and half-hour cell: the walk runs once per cell, not on every 250 ms sample. */
  private gridChange(grid: string, at: number, wanted: boolean): number | null {
    const key = `${wanted ? 1 : 0}|${cellIndex(this.calendar(at))}|${Math.floor(at / 1_800_000)}|${grid}`;
    if (this.gridCache?.key === key) return this.gridCache.value;
    const value = nextGridChange(grid, this.calendar, at, wanted);
    this.gridCache = { key, value };
    return value;
  }
}
