/** One line of bench-report.json. Comparisons are ratios measured side by side in the same run. */
export interface BenchFigure {
  name: string;
  value: number;
  unit: string;
  /** The target in words, e.g. "< 1.5 s" or "≥ 4×"; null when the figure is informational. */
  goal: string | null;
  note: string;
}

/** A group of figures; skipped with a reason when this machine lacks what it needs (then it says so). */
export interface BenchSuite {
  name: string;
  run(): Promise<BenchFigure[]>;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}
