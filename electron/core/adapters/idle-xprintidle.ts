import { execFile } from 'node:child_process';
import type { Clock, IdleReading, IdleSource } from '../ports.js';

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

/**
 * X11 idle time through `xprintidle` (the XScreenSaver extension: keyboard and mouse; controllers only
 * when the X server has an input driver for them, which is rare). Spawning a tool costs a few ms, so it
 * runs once per refresh (default 1 s) in the background and read() extrapolates between runs:
 * exact while nobody touches the PC, and a return is seen within one refresh.
 */
export class XprintidleIdleSource implements IdleSource {
  readonly name = 'x11 (xprintidle)';
  private idleMs = 0;
  private readAt: number;
  private timer: NodeJS.Timeout | null = null;

  private constructor(
    private readonly clock: Clock,
    private readonly env: NodeJS.ProcessEnv,
  ) {
    this.readAt = clock.now();
  }

  /** Null when there is no X display or xprintidle is missing. */
  static async open(clock: Clock, env: NodeJS.ProcessEnv = process.env, refreshMs = 1000): Promise<XprintidleIdleSource | null> {
    if (!env.DISPLAY) return null;
    const source = new XprintidleIdleSource(clock, env);
    if (!(await source.refresh())) return null;
    source.timer = setInterval(() => void source.refresh(), refreshMs);
    source.timer.unref();
    return source;
  }

  private async refresh(): Promise<boolean> {
    try {
      const ms = parseXprintidle(await run('xprintidle', [], this.env));
      if (ms === null) return false;
      this.idleMs = ms;
      this.readAt = this.clock.now();
      return true;
    } catch {
      return false;
    }
  }

  async read(): Promise<IdleReading> {
    return { idleSeconds: (this.idleMs + Math.max(0, this.clock.now() - this.readAt)) / 1000, locked: false, onBattery: false };
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
