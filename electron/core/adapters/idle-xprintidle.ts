import { execFile } from 'node:child_process';
import type { Clock, IdleReading, IdleSource } from '../ports.js';
import { CadencedPoller, XPRINTIDLE_CADENCE, type PollCadence } from '../schedule/poll-cadence.js';

/** xprintidle prints the X11 idle time in milliseconds (XScreenSaver extension); null when it does not parse. */
export function parseXprintidle(stdout: string): number | null {
  const ms = Number(stdout.trim());
  return stdout.trim() !== '' && Number.isFinite(ms) && ms >= 0 ? ms : null;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(command, args, { timeout: 2000, env }, (error, stdout) => (error ? reject(error) : resolve(stdout))),
  );
}

/** Time between xprintidle runs and its own measurement: a last-input time that moved more than this is new input. */
const INPUT_JITTER_MS = 100;

/**
 * Whether the owner gave input between two xprintidle readings (idle ms, and the clock when each came back):
 * the last-input time they imply moved forward. Pure.
 */
export function inputBetween(previous: { idleMs: number; readAt: number }, next: { idleMs: number; readAt: number }): boolean {
  return next.readAt - next.idleMs > previous.readAt - previous.idleMs + INPUT_JITTER_MS;
}

/**
 * X11 idle time through `xprintidle` (the XScreenSaver extension: keyboard and mouse; controllers only
 * when the X server has an input driver for them, which is rare). Spawning a tool costs a few ms, so it
 * runs in the background (every 1 s, every 150 ms while a job waits on the owner) and read() extrapolates
 * between runs. A run that sees new input tells onActivity listeners, so the job freezes without waiting
 * for the scheduler's next sample.
 */
export class XprintidleIdleSource implements IdleSource {
  readonly name = 'x11 (xprintidle)';
  private idleMs = 0;
  private readAt: number;
  private poller: CadencedPoller | null = null;
  private readonly listeners = new Set<() => void>();

  private constructor(
    private readonly clock: Clock,
    private readonly env: NodeJS.ProcessEnv,
  ) {
    this.readAt = clock.now();
  }

  /** Null when there is no X display or xprintidle is missing. */
  static async open(clock: Clock, env: NodeJS.ProcessEnv = process.env, cadence: PollCadence = XPRINTIDLE_CADENCE): Promise<XprintidleIdleSource | null> {
    if (!env.DISPLAY) return null;
    const source = new XprintidleIdleSource(clock, env);
    if (!(await source.refresh())) return null;
    source.poller = new CadencedPoller(() => source.refresh(), cadence);
    source.poller.start();
    return source;
  }

  private async refresh(): Promise<boolean> {
    try {
      const ms = parseXprintidle(await run('xprintidle', [], this.env));
      if (ms === null) return false;
      const next = { idleMs: ms, readAt: this.clock.now() };
      const input = inputBetween({ idleMs: this.idleMs, readAt: this.readAt }, next);
      this.idleMs = next.idleMs;
      this.readAt = next.readAt;
      if (input) for (const listener of this.listeners) listener();
      return true;
    } catch {
      return false;
    }
  }

  async read(): Promise<IdleReading> {
    return { idleSeconds: (this.idleMs + Math.max(0, this.clock.now() - this.readAt)) / 1000, locked: false, onBattery: false };
  }

  onActivity(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  watchClosely(on: boolean): void {
    this.poller?.watch(on);
  }

  close(): void {
    this.poller?.stop();
  }
}
