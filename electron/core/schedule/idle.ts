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

  /** Input from either: an unlock is the owner's return as much as a key press is. */
  onActivity(listener: () => void): () => void {
    const offs = [this.input.onActivity?.(listener), this.lock?.onActivity?.(listener)];
    return () => offs.forEach((off) => off?.());
  }

  watchClosely(on: boolean): void {
    this.input.watchClosely?.(on);
    this.lock?.watchClosely?.(on);
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
  /** Listeners given before the source was found (with their unsubscribe once handed over), and the watch flag. */
  private readonly early = new Map<() => void, (() => void) | undefined>();
  private watching = false;

  constructor(private readonly open: () => Promise<IdleSource>) {}

  get name(): string {
    return this.source?.name ?? 'detecting';
  }

  private ready(): Promise<IdleSource> {
    this.opening ??= this.open().then((source) => {
      this.source = source;
      for (const listener of this.early.keys()) this.early.set(listener, source.onActivity?.(listener));
      if (this.watching) source.watchClosely?.(true);
      return source;
    });
    return this.opening;
  }

  async read(): Promise<IdleReading> {
    return (this.source ?? (await this.ready())).read();
  }

  onActivity(listener: () => void): () => void {
    if (this.source) return this.source.onActivity?.(listener) ?? (() => undefined);
    this.early.set(listener, undefined);
    return () => {
      this.early.get(listener)?.();
      this.early.delete(listener);
    };
  }

  watchClosely(on: boolean): void {
    this.watching = on;
    this.source?.watchClosely?.(on);
  }

  close(): void {
    this.source?.close?.();
  }
}
