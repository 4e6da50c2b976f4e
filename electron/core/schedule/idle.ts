import type { IdleReading, IdleSource } from '../ports.js';

/** "Dedicated rig: always idle" — nobody games on this machine; the scheduler's rule makes it idle too. */
export class AlwaysIdleSource implements IdleSource {
  readonly name = 'dedicated rig (always idle)';
  async read(): Promise<IdleReading> {
    return { idleSeconds: Number.MAX_SAFE_INTEGER / 1000, locked: false, onBattery: false };
  }
}

/**
 * Nothing can tell whether the owner is here (no input devices we may read, no X11, no logind session):
 * we assume they are, so work only runs on a dedicated rig or with "also while I use the PC".
 */
export class UnknownIdleSource implements IdleSource {
  readonly name = 'none (assumes you are present)';
  async read(): Promise<IdleReading> {
    return { idleSeconds: 0, locked: false, onBattery: false, presenceUnknown: true };
  }
}

/**
 * An input source (evdev, X11) plus a lock source (logind: only its LockedHint is used, since its idle
 * hint lags the desktop's own delay) plus a battery reading.
 */
export class CombinedIdleSource implements IdleSource {
  readonly name: string;
  constructor(
    private readonly input: IdleSource,
    private readonly lock: IdleSource | null,
    private readonly onBattery: () => boolean = () => false,
  ) {
    this.name = lock ? `${input.name} + ${lock.name} lock state` : input.name;
  }

  async read(): Promise<IdleReading> {
    const [input, lock] = await Promise.all([this.input.read(), this.lock?.read()]);
    return {
      idleSeconds: input.idleSeconds,
      locked: input.locked || (lock?.locked ?? false),
      onBattery: input.onBattery || this.onBattery(),
      presenceUnknown: input.presenceUnknown === true && !lock,
    };
  }

  onActivity(listener: () => void): () => void {
    return this.input.onActivity?.(listener) ?? (() => undefined);
  }

  close(): void {
    this.input.close?.();
    this.lock?.close?.();
  }
}

/** An idle source that is found asynchronously (probing devices and tools) on first use. */
export class DeferredIdleSource implements IdleSource {
  private source: IdleSource | null = null;
  private opening: Promise<IdleSource> | null = null;
  private readonly pendingListeners: Array<() => void> = [];

  constructor(private readonly open: () => Promise<IdleSource>) {}

  get name(): string {
    return this.source?.name ?? 'detecting';
  }

  private ready(): Promise<IdleSource> {
    this.opening ??= this.open().then((source) => {
      this.source = source;
      for (const listener of this.pendingListeners) source.onActivity?.(listener);
      return source;
    });
    return this.opening;
  }

  async read(): Promise<IdleReading> {
    return (this.source ?? (await this.ready())).read();
  }

  onActivity(listener: () => void): () => void {
    if (this.source) return this.source.onActivity?.(listener) ?? (() => undefined);
    this.pendingListeners.push(listener);
    return () => undefined;
  }

  close(): void {
    this.source?.close?.();
  }
}
