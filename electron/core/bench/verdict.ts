import type { BenchReport } from '../../../protocol/bench/report.js';
import { verifyReport } from '../../../protocol/bench/verify.js';
import type { BenchVerdict } from './summary.js';

/** Checks a report the way the coordinator will, in this process (large n needs tens of MB for a moment). */
export function verdictHere(report: BenchReport, challenge: BenchReport['challenge'], nowMs: number): BenchVerdict {
  const result = verifyReport(report, { challenge, seenNonces: new Set<string>(), now: new Date(nowMs) });
  return { kind: result.kind, reasons: result.reasons.map((r) => ({ code: r.code, message: r.message, scope: r.scope })) };
}

export type VerdictFn = (report: BenchReport, challenge: BenchReport['challenge'], nowMs: number) => Promise<BenchVerdict>;
