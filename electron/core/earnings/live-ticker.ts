import { localDayKey, tickOf, type DailyEarning, type EarningsTick } from '../../../protocol/earnings-stats.js';
import type { CurrentJob } from '../../../protocol/job-spec.js';
import type { Clock } from '../ports.js';
import type { Timers } from '../network/ports.js';

/** The paid run on this machine, as the ticker counts it; null when none (no job, or a local test job). */
export interface PaidRun {
  jobId: string;
  seconds: number;
  ratePerSecond: string;
  earning: boolean;
}

/** Network jobs (and ones adopted after a restart) earn; a local test job does not. Frozen: on the clock, not earning. */
export function paidRunOf(current: CurrentJob | null): PaidRun | null {
  if (!current || current.source === 'local') return null;
  if (!/^(0|[1-9][0-9]*)$/.test(current.pricePerSecond)) return null;
  const started = current.phase === 'running' || current.phase === 'frozen' || current.phase === 'stopping';
  if (!started) return null;
  return { jobId: current.jobId, seconds: current.elapsedSeconds, ratePerSecond: current.pricePerSecond, earning: current.phase === 'running' };
}

export interface LiveTickerDeps {
  timers: Pick<Timers, 'setInterval' | 'clearInterval'>;
  clock: Clock;
  /** The job on this machine now (its worked seconds are read live). */
  currentJob(): CurrentJob | null;
  /** What each day earned so far, from the receipts. */
  daily(): readonly DailyEarning[];
  emit(tick: EarningsTick): void;
  dayOf?: (epochMs: number) => string;
}

/** Once a second: the money on the screen moves with the work, and no faster than a person can read it. */
export const TICK_MS = 1000;

/**
 * The live earnings ticker: while a paid job runs, core pushes what this run and today have earned every second
 * (an event, so no client polls); when the run ends, one last tick says so. No timer runs while nothing earns, so
 * an idle PC pays nothing for it.
 */
export class LiveTicker {
  private timer: unknown = null;
  private lastJobId: string | null = null;

  constructor(private readonly deps: LiveTickerDeps) {}

  /** Call on every job change: starts the second timer when a paid run appears, stops it (with a final tick) when it ends. */
  sync(): void {
    const run = paidRunOf(this.deps.currentJob());
    if (run && this.timer === null) {
      this.timer = this.deps.timers.setInterval(() => this.tick(), TICK_MS);
      this.tick();
    } else if (!run && this.timer !== null) {
      this.stop();
      this.tick();
    } else if (run && run.jobId !== this.lastJobId) this.tick();
  }

  /** The tick for now, whether or not a run is on (the renderer asks for none: it gets this pushed). */
  current(): EarningsTick {
    return tickOf(paidRunOf(this.deps.currentJob()), this.deps.daily(), this.deps.clock.now(), this.deps.dayOf ?? localDayKey);
  }

  stop(): void {
    if (this.timer !== null) this.deps.timers.clearInterval(this.timer);
    this.timer = null;
  }

  private tick(): void {
    const tick = this.current();
    this.lastJobId = tick.jobId;
    this.deps.emit(tick);
  }
}
