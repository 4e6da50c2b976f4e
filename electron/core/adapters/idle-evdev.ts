import { createReadStream, readdirSync, type ReadStream } from 'node:fs';
import { join } from 'node:path';
import type { Clock, IdleReading, IdleSource } from '../ports.js';

/**
 * Owner input straight from the Linux kernel's input devices (/dev/input/event*): keyboards, mice,
 * touchpads AND game controllers (evdev exposes gamepads as event devices), without X11 or Wayland, and
 * push-based: input is seen the instant it happens, at no polling cost. Needs read access to /dev/input
 * (root, or the "input" group). Lock state is not visible here; combine with logind for that.
 */
export class EvdevIdleSource implements IdleSource {
  readonly name = 'evdev';
  private lastInput: number;
  private readonly streams: ReadStream[] = [];
  private readonly listeners = new Set<() => void>();

  private constructor(private readonly clock: Clock) {
    // Until the first event we assume the owner was just here: work never starts the moment we launch.
    this.lastInput = clock.now();
  }

  /** Opens every readable event device; null when none can be opened (no permission, no devices). */
  static async open(clock: Clock, dir = '/dev/input'): Promise<EvdevIdleSource | null> {
    let names: string[];
    try {
      names = readdirSync(dir).filter((n) => /^(event\d+|js\d+)$/.test(n));
    } catch {
      return null;
    }
    const source = new EvdevIdleSource(clock);
    const opened = await Promise.all(names.map((n) => source.watch(join(dir, n))));
    if (!opened.some(Boolean)) {
      source.close();
      return null;
    }
    return source;
  }

  private watch(path: string): Promise<boolean> {
    return new Promise((resolve) => {
      const stream = createReadStream(path, { highWaterMark: 64 * 24 });
      stream.once('open', () => {
        this.streams.push(stream);
        resolve(true);
      });
      stream.on('error', () => resolve(false));
      stream.on('data', () => {
        this.lastInput = this.clock.now();
        for (const listener of this.listeners) listener();
      });
    });
  }

  async read(): Promise<IdleReading> {
    return { idleSeconds: Math.max(0, (this.clock.now() - this.lastInput) / 1000), locked: false, onBattery: false };
  }

  onActivity(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    for (const stream of this.streams) stream.destroy();
    this.streams.length = 0;
  }
}
