/** Human figures for the benchmark page. Pure. */

/** A ×1000 throughput as text: "12.7 TFLOPS", "845 GFLOPS", "3.2 GFLOPS", "360 GB/s". */
export function formatThroughput(milli: number, unit: 'GFLOPS' | 'GB/s'): string {
  const value = milli / 1000;
  if (unit === 'GFLOPS' && value >= 1000) return `${trim(value / 1000)} TFLOPS`;
  if (unit === 'GB/s' && value >= 1000) return `${trim(value / 1000)} TB/s`;
  return `${trim(value)} ${unit}`;
}

function trim(value: number): string {
  if (value >= 100) return String(Math.round(value));
  if (value >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

/** value ÷ peak in percent (unrounded); null without a peak. */
export function percentOfPeak(milli: number, peakMilli: number | null): number | null {
  if (!peakMilli) return null;
  return (milli / peakMilli) * 100;
}

/** "73 %", or "under 1 %" for a tiny non-zero share. */
export function formatPercent(pct: number): string {
  if (pct > 0 && pct < 1) return 'under 1 %';
  return `${Math.round(pct)} %`;
}

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}
