import type { BenchReport } from '../../../../protocol/bench/report.js';
import type { BenchProgress, BenchRunSummary } from '../../../../protocol/bench/wgsl/api-schemas.js';
import { UserFacingError } from '../../../../protocol/errors.js';
import type { BenchService } from '../../../core/bench/bench-service.js';

export const SCRIPTED_SUMMARY: BenchRunSummary = {
  id: 'run-scripted',
  createdAt: '2026-05-01T20:00:00.000Z',
  backend: 'webgpu',
  quick: true,
  n: 256,
  deviceName: 'Scripted GPU',
  software: false,
  detectedModel: 'RTX 3060',
  composite: 1012,
  kernels: [],
  sustained: null,
  merkleRoot: 'ab'.repeat(32),
  correctlyComputed: true,
  scoreEligible: true,
  flags: [],
  wallMs: 1200,
};

/**
 * A benchmark that walks through three progress steps at once and fails its first `failures` runs with a plain
 * refusal, as the real one does when WebGPU is missing. Enough of BenchService for core and `offhours setup`.
 */
export function scriptedBench(failures = 0) {
  const listeners = new Set<(progress: BenchProgress) => void>();
  const runs: boolean[] = [];
  const emit = (stage: BenchProgress['stage'], perMille: number, message: string) => {
    for (const listener of listeners) listener({ runId: 'scripted', running: stage !== 'done' && stage !== 'failed', stage, kernel: null, perMille, message, startedAt: SCRIPTED_SUMMARY.createdAt, error: null });
  };
  const runWithReport = async () => {
    emit('preparing', 0, 'Getting ready');
    emit('kernel', 400, 'Measuring FP32 matrix multiply');
    emit('kernel', 450, 'Measuring FP32 matrix multiply');
    if (runs.length < failures) {
      runs.push(false);
      emit('failed', 450, 'Failed');
      throw new UserFacingError('webgpu-unavailable', 'WebGPU is not available on this PC.', 'Update your graphics driver, then run the benchmark again.');
    }
    runs.push(true);
    emit('done', 1000, 'Done');
    return { report: {} as BenchReport, summary: SCRIPTED_SUMMARY };
  };
  const service = {
    onProgress(listener: (progress: BenchProgress) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    runWithReport,
    run: async () => (await runWithReport()).summary,
    history: async () => (runs.at(-1) ? [SCRIPTED_SUMMARY] : []),
  };
  return { service, runs, asBenchService: () => service as unknown as BenchService };
}
