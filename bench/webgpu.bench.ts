import { performance } from 'node:perf_hooks';
import { generateSecretKey, memorySigner } from '../protocol/bench/signing.js';
import { DawnWebGpuRunner } from '../electron/core/adapters/dawn-webgpu.js';
import { BenchService, type BenchHistoryEntry } from '../electron/core/bench/bench-service.js';
import { verifyInChild } from '../electron/core/adapters/verify-child.js';
import { protocolJudge } from '../electron/core/bench/judge.js';
import type { BenchRunSummary } from '../protocol/bench/wgsl/api-schemas.js';
import { efficiencyFigure, type BenchFigure, type BenchSuite } from './figure.js';

const SEED = '243f6a8885a308d3';

/**
 * The WebGPU benchmark on this machine's adapter (Dawn; SwiftShader where there is no GPU):
 * tiled SGEMM against the naive one-thread-per-output GEMM in the same run, and the wall time of a quick and a
 * full signed run through BenchService (GPU work, proof, signature and self-verification).
 */
export const webgpuSuite: BenchSuite = {
  name: 'webgpu',
  async run(): Promise<BenchFigure[]> {
    const runner = new DawnWebGpuRunner();
    const adapter = await runner.describe();
    const where = adapter.software ? `${adapter.description || adapter.architecture} (software)` : adapter.description || adapter.device;
    const figures: BenchFigure[] = [];

    const n = adapter.software ? 256 : 2048;
    const pair = await runner.run({ seed: SEED, n, mode: 'quick', kernels: ['sgemm'], includeNaive: true });
    const tiled = pair.kernels.find((k) => k.name === 'sgemm')!;
    const naive = pair.naive!;
    figures.push(
      { name: 'webgpu.sgemm_tiled_gflops', value: round(tiled.value / 1000, 3), unit: 'GFLOPS', goal: null, note: `${n}×${n}, ${where}, median of 7` },
      { name: 'webgpu.gemm_naive_gflops', value: round(naive.value / 1000, 3), unit: 'GFLOPS', goal: null, note: `${n}×${n}, one thread per output, same adapter and run` },
      { name: 'webgpu.sgemm_tiled_vs_naive', value: round(tiled.value / naive.value, 2), unit: '×', goal: '≥ 2× (well above 1)', note: `tiled SGEMM (${pair.gemmVariant}) ÷ naive GEMM, same run, ${where}` },
    );

    for (const quick of [true, false]) {
      const entries: BenchHistoryEntry[] = [];
      const service = new BenchService(
        {
          webgpu: runner,
          cuda: null,
          signer: memorySigner(generateSecretKey()),
          history: { append: (entry) => entries.push(entry), list: () => entries.map((e) => e.summary) },
          judge: protocolJudge(verifyInChild),
          clock: { now: () => Date.now() },
          logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
        },
        { appVersion: 'bench' },
      );
      const started = performance.now();
      const { summary } = await service.runWithReport({ quick, backend: 'webgpu' });
      const seconds = (performance.now() - started) / 1000;
      const mode = quick ? 'quick' : 'full';
      figures.push({
        name: `webgpu.${mode}_suite_wall`,
        value: round(seconds, 1),
        unit: 's',
        goal: quick ? (adapter.software ? '< 30 s on SwiftShader (2 cores)' : '< 15 s') : adapter.software ? null : '≤ 60 s on a real GPU',
        note: `n = ${summary.n}, ${where}, computed correctly: ${summary.correctlyComputed}`,
      });
      for (const kernel of summary.kernels) {
        figures.push({ name: `webgpu.${mode}.${kernel.name}`, value: round(kernel.value / 1000, 3), unit: kernel.unit, goal: null, note: `${where}${kernel.noisy ? ', noisy' : ''}` });
      }
      if (!quick) figures.push(wgslSgemmEfficiency(summary));
      if (summary.sustained) {
        figures.push({ name: `webgpu.${mode}.sustained_ratio`, value: summary.sustained.ratio1000 / 1000, unit: 'sustained/peak', goal: null, note: `over ${summary.sustained.seconds} s` });
      }
    }
    return figures;
  },
};

/** Goal of issue 13 for the WGSL SGEMM, in % of the spec-table FP32 peak. */
export const WGSL_SGEMM_GOAL_PERCENT = 50;

/** The full run's WGSL SGEMM as a percentage of the spec peak; "unmeasured: no GPU" on a software adapter. */
export function wgslSgemmEfficiency(summary: BenchRunSummary): BenchFigure {
  const name = 'webgpu.efficiency.sgemm';
  if (summary.software) return efficiencyFigure(name, null, WGSL_SGEMM_GOAL_PERCENT, `no GPU (software adapter ${summary.deviceName})`);
  const sgemm = summary.kernels.find((k) => k.name === 'sgemm');
  if (!sgemm?.specPeak) return efficiencyFigure(name, null, WGSL_SGEMM_GOAL_PERCENT, `${summary.deviceName}: ${sgemm ? 'not in the spec table' : 'no sgemm result'}`);
  return efficiencyFigure(name, (sgemm.value / sgemm.specPeak) * 100, WGSL_SGEMM_GOAL_PERCENT, `${summary.deviceName}, n = ${summary.n}, spec peak ${sgemm.specPeak / 1000} GFLOPS`);
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
