/**
 * How long this instance takes to handle heartbeats, from the frame's arrival to its store write: the figure
 * an operator watches as the network grows (`offhours coordinator status`, and the heartbeat benchmark).
 * A bounded ring of the latest samples, so memory stays flat however long the instance runs.
 */
export interface LatencySummary {
  count: number;
  p50Ms: number;
  p99Ms: number;
}

export class LatencyRecorder {
  private readonly samples: Float64Array;
  private next = 0;
  private total = 0;

  constructor(capacity = 20_000) {
    this.samples = new Float64Array(capacity);
  }

  record(ms: number): void {
    this.samples[this.next] = ms;
    this.next = (this.next + 1) % this.samples.length;
    this.total += 1;
  }

  /** Percentiles over the retained samples (the latest `capacity`); null before the first. */
  summary(): LatencySummary | null {
    const kept = Math.min(this.total, this.samples.length);
    if (kept === 0) return null;
    const sorted = this.samples.slice(0, kept).sort();
    const at = (p: number) => Math.round(sorted[Math.min(kept - 1, Math.ceil((p / 100) * kept) - 1)]! * 100) / 100;
    return { count: this.total, p50Ms: at(50), p99Ms: at(99) };
  }
}
