/**
 * Measurement discipline, shared by every backend: 7 trials, the 2 farthest from the median dropped,
 * the median of the rest reported, "noisy" when MAD/median of the rest exceeds 5 %. Pure.
 */

export const TRIALS_PER_KERNEL = 7;
export const OUTLIERS_DROPPED = 2;
/** MAD / median above this (per mille) marks a kernel noisy: 5 %. */
export const NOISY_MAD_PER_MILLE = 50;

export interface TrialSummary {
  /** Every trial, in the order run (integer nanoseconds). */
  trialsNs: number[];
  /** The trials kept after dropping the outliers, ascending. */
  keptNs: number[];
  medianNs: number;
  madNs: number;
  noisy: boolean;
}

export function medianOf(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : Math.round((sorted[mid - 1]! + sorted[mid]!) / 2);
}

/**
 * Drops the `dropped` trials farthest from the median (ties: the later trial goes first), then takes the
 * median and median absolute deviation of the rest. All results are integers.
 */
export function summarizeTrials(trialsNs: readonly number[], dropped = OUTLIERS_DROPPED): TrialSummary {
  if (trialsNs.length === 0) throw new Error('no trials to summarize');
  for (const t of trialsNs) if (!Number.isInteger(t) || t < 0) throw new Error(`trial times must be non-negative integers, got ${t}`);
  const drop = Math.min(dropped, Math.max(0, trialsNs.length - 1));
  const center = medianOf(trialsNs);
  const byDistance = trialsNs
    .map((value, index) => ({ value, index, distance: Math.abs(value - center) }))
    .sort((a, b) => b.distance - a.distance || b.index - a.index);
  const droppedIndexes = new Set(byDistance.slice(0, drop).map((entry) => entry.index));
  const keptNs = trialsNs.filter((_, index) => !droppedIndexes.has(index)).sort((a, b) => a - b);
  const medianNs = medianOf(keptNs);
  const madNs = medianOf(keptNs.map((t) => Math.abs(t - medianNs)));
  const noisy = medianNs > 0 && madNs * 1000 > medianNs * NOISY_MAD_PER_MILLE;
  return { trialsNs: [...trialsNs], keptNs, medianNs, madNs, noisy };
}

/**
 * Throughput ×1000 as an integer: work units per nanosecond are G-units per second, so GFLOPS·1000
 * (milli-GFLOPS) or GB/s·1000.
 */
export function milliRate(workPerTrial: number, medianNs: number): number {
  if (medianNs <= 0) return 0;
  return Math.round((workPerTrial * 1000) / medianNs);
}
