import type { Logger } from '../ports.js';
import type { Timers } from '../network/ports.js';
import type { GpuPowerMeter } from './ports.js';

/** How often power is read while a job runs; also how often net profit is looked at again (the tariff's hours). */
export const POWER_SAMPLE_MS = 30_000;

export interface PowerSamplerDeps {
  meter: GpuPowerMeter | null;
  timers: Pick<Timers, 'setInterval' | 'clearInterval'>;
  logger: Logger;
  /** True while a job works the GPU (the scheduler says "working"). */
  working(): boolean;
  /** After every tick, whether or not anything was read: the hour may have changed the price. */
  onTick(): void;
}

/**
 * Keeps the latest power reading of each GPU taken while a job ran. Readings at idle are never kept: a card
 * idling at 20 W says nothing about what an hour of work costs.
 */
export class PowerSampler {
  private readonly measured = new Map<string, number>();
  private timer: unknown = null;
  private reading = false;

  constructor(private readonly deps: PowerSamplerDeps) {}

  /** GPU id → milliwatts, from the last reading taken while working. */
  readings(): ReadonlyMap<string, number> {
    return this.measured;
  }

  start(): void {
    if (this.timer !== null) return;
    this.timer = this.deps.timers.setInterval(() => void this.tick(), POWER_SAMPLE_MS);
  }

  stop(): void {
    if (this.timer === null) return;
    this.deps.timers.clearInterval(this.timer);
    this.timer = null;
  }

  async tick(): Promise<void> {
    if (this.reading) return;
    this.reading = true;
    try {
      await this.sample();
    } catch (error) {
      // The meter's contract is to never throw; if it does, the cost stays an estimate and the tick goes on.
      this.deps.logger.warn('reading GPU power failed', { error: String(error) });
    } finally {
      this.reading = false;
    }
    this.deps.onTick();
  }

  private async sample(): Promise<void> {
    if (!this.deps.meter || !this.deps.working()) return;
    const readings = await this.deps.meter.read();
    // The job may have ended while nvidia-smi ran: then the reading may be an idle one.
    if (!this.deps.working()) return;
    for (const reading of readings) this.measured.set(reading.gpuId, reading.milliwatts);
  }
}
