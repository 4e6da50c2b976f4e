/**
 * How often a polled idle source (one that must spawn a tool to read the owner's idle time) refreshes: slowly
 * at rest, fast while a job runs and waits on the owner's return. Fast means: refresh (≤ 150 ms) + the tool's
 * run time + the freeze still land within the 300 ms goal for polled sources.
 */
export interface PollCadence {
  restMs: number;
  watchMs: number;
}

/** xprintidle costs one short spawn per poll, so at rest (the owner at the PC, or no job) once a second. */
export const XPRINTIDLE_CADENCE: PollCadence = { restMs: 1000, watchMs: 150 };
/** loginctl is a D-Bus round trip through systemd-logind, dearer than xprintidle: 2 s at rest. */
export const LOGIND_CADENCE: PollCadence = { restMs: 2000, watchMs: 150 };

/** The wait before the next poll, counted from the start of the last one so slow tools do not stretch it. */
export function nextPollDelay(cadence: PollCadence, watching: boolean, lastPollTookMs: number): number {
  return Math.max(0, (watching ? cadence.watchMs : cadence.restMs) - lastPollTookMs);
}

/**
 * Runs `poll` on a timer, never two at once, at the cadence's rest or watch interval. Switching to watching
 * polls at once (a job just started waiting on the owner); switching back takes effect after the next poll.
 */
export class CadencedPoller {
  private timer: NodeJS.Timeout | null = null;
  private polling = false;
  private watching = false;
  private stopped = false;

  constructor(
    private readonly poll: () => Promise<unknown>,
    private readonly cadence: PollCadence,
  ) {}

  start(): void {
    this.schedule(nextPollDelay(this.cadence, this.watching, 0));
  }

  watch(on: boolean): void {
    if (on === this.watching) return;
    this.watching = on;
    if (on && !this.polling && !this.stopped) this.schedule(0);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(delayMs: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.run(), delayMs);
    // The poller alone must never keep a process alive (CLI verbs exit when their work is done).
    this.timer.unref();
  }

  private async run(): Promise<void> {
    this.timer = null;
    this.polling = true;
    const started = performance.now();
    try {
      await this.poll();
    } finally {
      this.polling = false;
      if (!this.stopped) this.schedule(nextPollDelay(this.cadence, this.watching, performance.now() - started));
    }
  }
}
