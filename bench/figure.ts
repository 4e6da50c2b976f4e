/** One line of bench-report.json. Comparisons are ratios measured side by side in the same run. */
export interface BenchFigure {
  name: string;
  /** null: not measurable on this machine (e.g. a GPU efficiency without a GPU); the note says why. */
  value: number | null;
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

/**
 * A GPU kernel's measured rate as a percentage of its spec-table peak, against a goal such as 85 (%). With no
 * percentage (no GPU, or a GPU missing from the spec table) the value is null and the note starts with
 * "unmeasured: " and the reason.
 */
export function efficiencyFigure(name: string, percent: number | null, goalPercent: number, note: string): BenchFigure {
  const goal = `≥ ${goalPercent} % of spec peak`;
  if (percent === null) return { name, value: null, unit: '%', goal, note: `unmeasured: ${note}` };
  return { name, value: Math.round(percent * 10) / 10, unit: '%', goal, note };
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
