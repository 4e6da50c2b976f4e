import type { BenchReport, KernelName } from '../../../protocol/bench/report.js';
import type { VerdictKind } from '../../../protocol/bench/verify.js';
import { KERNEL_LABELS, type BenchFlag, type BenchRunSummary } from '../../../protocol/bench/wgsl/api-schemas.js';

/** The verifier's verdict on a run (protocol/bench/verify.ts): only 'score-valid' is counted as a score. */
export interface BenchVerdict {
  kind: VerdictKind;
  reasons: { code: string; message: string; scope: 'computation' | 'freshness' | 'scoring' | 'flag' }[];
}

/**
 * The protocol's judgement of a run (spec table, score formula, verification), behind one small interface so
 * the service is tested with the real protocol functions and nothing else.
 */
export interface BenchJudge {
  verify(report: BenchReport, challenge: BenchReport['challenge'], nowMs: number): Promise<BenchVerdict>;
  /** Spec peak ×1000 per kernel (GFLOPS or GB/s) for a model, where the table has the figure. */
  specPeaks(model: string | null, backend: 'webgpu' | 'cuda'): Partial<Record<KernelName, number>>;
  /** The score formula's reference value ×1000 per kernel for a track. */
  referenceValues(backend: 'webgpu' | 'cuda'): Partial<Record<KernelName, number>>;
}

/** Sustained/peak below this (per mille) reads as "slowed down under heat". */
export const THROTTLED_BELOW_PER_MILLE = 900;

export interface SummaryInput {
  report: BenchReport;
  verification: BenchVerdict;
  deviceName: string;
  software: boolean;
  notes: string[];
  specPeaks: Partial<Record<KernelName, number>>;
  referenceValues: Partial<Record<KernelName, number>>;
  wallMs: number;
}

/** What the UI shows of a run, with every flag in plain words. Pure. */
export function summarizeRun(input: SummaryInput): BenchRunSummary {
  const { report, verification } = input;
  const flags: BenchFlag[] = [];
  const software = input.software || verification.reasons.some((r) => r.code === 'software-adapter');
  if (software) {
    flags.push({ code: 'software', message: 'Software graphics — not a real GPU, can’t earn. This run used a CPU stand-in for a graphics card, so it proves the benchmark works but is not scored.' });
  }
  for (const kernel of report.kernels) {
    if (kernel.noisy) {
      flags.push({ code: 'noisy', message: `${KERNEL_LABELS[kernel.name]}: noisy — the timings varied by more than 5 % between tries. Close games and other busy apps, then run again for a steadier figure.` });
    }
  }
  if (report.sustained && report.sustained.ratio1000 < THROTTLED_BELOW_PER_MILLE) {
    const pct = Math.round(report.sustained.ratio1000 / 10);
    flags.push({ code: 'throttled', message: `Slowed down under heat — after ${report.sustained.seconds} s at full load it ran at ${pct} % of its peak speed. Check the fans and airflow; a cooler card earns more.` });
  }
  const blocking = verification.reasons.filter((r) => r.scope !== 'flag' && r.code !== 'software-adapter');
  if (blocking.length) flags.push({ code: 'not-scored', message: `Not counted: ${blocking.map((r) => r.message).join(' ')}` });
  for (const reason of verification.reasons) {
    if (reason.code === 'efficiency-band') flags.push({ code: 'note', message: reason.message });
  }
  const correctlyComputed = verification.kind !== 'invalid';
  for (const note of input.notes) flags.push({ code: 'note', message: note });
  return {
    id: report.challenge.nonce,
    createdAt: report.createdAt,
    backend: report.backend,
    quick: report.challenge.quick,
    n: report.n,
    deviceName: input.deviceName,
    software,
    detectedModel: report.detectedModel,
    composite: correctlyComputed ? report.score.composite : null,
    kernels: report.kernels.map((k) => ({
      name: k.name,
      label: KERNEL_LABELS[k.name],
      unit: k.unit,
      value: k.value,
      noisy: k.noisy,
      specPeak: input.specPeaks[k.name] ?? null,
      referenceValue: input.referenceValues[k.name] ?? null,
    })),
    sustained: report.sustained,
    merkleRoot: report.merkleRoot,
    correctlyComputed,
    scoreEligible: verification.kind === 'score-valid',
    flags,
    wallMs: Math.max(0, Math.round(input.wallMs)),
  };
}
