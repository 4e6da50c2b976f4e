import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { referenceGemm } from '../protocol/bench/inputs.js';
import { kernelResult } from '../protocol/bench/report.js';
import { matchSpec } from '../protocol/bench/spec-table.js';
import { CudaBenchProcessRunner } from '../electron/core/adapters/cuda-bench-runner.js';
import type { CudaBenchResult } from '../electron/core/ports.js';
import { efficiencyFigure, type BenchFigure, type BenchSuite } from './figure.js';

const SEED = '243f6a8885a308d3';

/**
 * The CUDA benchmark executable (native/): how fast the app learns there is no usable GPU, the C++ CPU
 * reference against protocol's TypeScript referenceGemm (same C, bit for bit), the host replay of the GEMM
 * kernels, and, on a machine with an NVIDIA GPU, a quick and a full run with each kernel's fraction of the
 * spec-table peak (goals from issue 3).
 */
export const cudaSuite: BenchSuite = {
  name: 'cuda',
  async run(): Promise<BenchFigure[]> {
    const runner = new CudaBenchProcessRunner();
    const binary = runner.binary();
    if (!binary) {
      return [
        { name: 'cuda.skipped', value: 0, unit: '', goal: null, note: 'native/build/offhours-cuda-bench is not built (no nvcc): nothing to measure' },
        ...cudaEfficiencyFigures(null, 'no GPU run (offhours-cuda-bench not built: no nvcc)'),
      ];
    }
    const figures: BenchFigure[] = [];
    const work = mkdtempSync(join(tmpdir(), 'offhours-cuda-bench-'));
    try {
      // 1. GPU mode: a real run where there is a GPU, else how long the "no GPU" answer takes.
      const started = performance.now();
      const quick = await runner.run({ seedHex: SEED, n: 2048, quick: true, kernels: [], outC: join(work, 'quick.bin') });
      const quickSeconds = (performance.now() - started) / 1000;
      if (!quick.ok) {
        figures.push({ name: 'cuda.unavailable_answer_ms', value: round(quickSeconds * 1000, 1), unit: 'ms', goal: '< 500 ms', note: `how long the app waits to learn: ${quick.code}` });
        figures.push(...cudaEfficiencyFigures(null, quick.code === 'no-cuda-device' ? `no GPU (${quick.code})` : `the quick run failed (${quick.code})`));
      } else {
        figures.push({ name: 'cuda.quick_suite_wall', value: round(quickSeconds, 1), unit: 's', goal: '< 15 s', note: `n = 2048 on ${quick.device?.name}` });
        figures.push(...kernelFigures('quick', quick));
        const fullStarted = performance.now();
        const full = await runner.run({ seedHex: SEED, n: 4096, quick: false, kernels: [], outC: join(work, 'full.bin') });
        const fullSeconds = (performance.now() - fullStarted) / 1000;
        if (full.ok) {
          figures.push({ name: 'cuda.full_suite_wall', value: round(fullSeconds, 1), unit: 's', goal: '≤ 60 s', note: `n = 4096, 20 s sustained phase, ${full.device?.name}` });
          figures.push(...kernelFigures('full', full));
        } else {
          figures.push({ name: 'cuda.full_failed', value: 1, unit: 'error', goal: null, note: `${full.code}: ${full.message}` });
        }
        figures.push(...cudaEfficiencyFigures(full.ok ? full : quick, full.ok ? 'full run' : 'quick run (the full run failed)'));
      }

      // 2. The C++ CPU reference against protocol's TypeScript reference GEMM, same machine, same run.
      for (const n of [256, 512, 1024]) {
        const outC = join(work, `cpu-${n}.bin`);
        const cppStarted = performance.now();
        const cpu = await runner.run({ seedHex: SEED, n, quick: true, kernels: ['sgemm'], cpu: true, outC });
        const cppMs = performance.now() - cppStarted;
        if (!cpu.ok) throw new Error(`--cpu n=${n}: ${cpu.code} ${cpu.message}`);
        const tsStarted = performance.now();
        const reference = referenceGemm(SEED, n);
        const tsMs = performance.now() - tsStarted;
        const bytes = readFileSync(outC);
        const identical = Buffer.from(reference.buffer).equals(bytes);
        figures.push(
          { name: `cuda.cpu_reference_n${n}`, value: round(cppMs, 1), unit: 'ms', goal: null, note: `offhours-cuda-bench --cpu incl. process start; C bit-identical to referenceGemm: ${identical}` },
          { name: `cuda.cpu_reference_vs_ts_n${n}`, value: round(tsMs / cppMs, 2), unit: '×', goal: null, note: `protocol referenceGemm ${round(tsMs, 1)} ms ÷ C++ --cpu` },
        );
        if (!identical) throw new Error(`--cpu n=${n} C differs from referenceGemm`);
      }

      // 3. The host replay of the SGEMM/HGEMM tile code (the check that stands in for a GPU in CI).
      const sim = join(dirname(binary), 'offhours-kernel-sim');
      const simStarted = performance.now();
      const replay = spawnSync(sim, [], { encoding: 'utf8', timeout: 600_000 });
      const simMs = performance.now() - simStarted;
      const simOk = replay.status === 0 && (JSON.parse(replay.stdout) as { ok: boolean }).ok;
      figures.push({ name: 'cuda.kernel_sim_wall', value: round(simMs / 1000, 2), unit: 's', goal: null, note: `12 sizes n = 1…260, every thread of SGEMM and HGEMM (sm_75 and sm_80+ paths) and the triad replayed on the CPU; all match: ${simOk}` });
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
    return figures;
  },
};

/** The issue's efficiency goals for the CUDA kernels, in % of the spec-table peak, in report order. */
export const CUDA_EFFICIENCY_GOALS = { fma: 85, triad: 80, sgemm: 60, hgemm: 70 } as const;

const GOALS: Record<string, { goal: number; peak: (s: NonNullable<ReturnType<typeof matchSpec>>) => number | null }> = {
  fma: { goal: CUDA_EFFICIENCY_GOALS.fma, peak: (s) => s.fp32Tflops * 1000 },
  sgemm: { goal: CUDA_EFFICIENCY_GOALS.sgemm, peak: (s) => s.fp32Tflops * 1000 },
  hgemm: { goal: CUDA_EFFICIENCY_GOALS.hgemm, peak: (s) => (s.fp16TensorTflops === null ? null : s.fp16TensorTflops * 1000) },
  triad: { goal: CUDA_EFFICIENCY_GOALS.triad, peak: (s) => s.memoryGBs },
};

function kernelFigures(mode: string, result: CudaBenchResult): BenchFigure[] {
  const device = result.device!;
  const spec = matchSpec({ name: device.name, memoryBytes: device.memoryBytes });
  const figures: BenchFigure[] = [];
  for (const timing of result.kernels) {
    const kernel = kernelResult(timing.name, timing.trialsNs, timing.workPerTrial);
    const value = kernel.value / 1000;
    figures.push({ name: `cuda.${mode}.${timing.name}`, value: round(value, 1), unit: kernel.unit, goal: null, note: `${device.name}, ${timing.params}${kernel.noisy ? ', noisy' : ''}` });
    const goal = GOALS[timing.name];
    const peak = spec && goal ? goal.peak(spec) : null;
    if (goal && peak) {
      figures.push({ name: `cuda.${mode}.${timing.name}_of_spec`, value: round((value / peak) * 100, 1), unit: '%', goal: `≥ ${goal.goal} %`, note: `${spec!.name} spec ${peak} ${kernel.unit}` });
    }
  }
  return figures;
}

/**
 * One `cuda.efficiency.<kernel>` figure per goal: the kernel's rate as a percentage of the spec-table peak of
 * the GPU that ran it, or null ("unmeasured: …") without a GPU run, a kernel result or a spec-table entry.
 */
export function cudaEfficiencyFigures(result: CudaBenchResult | null, context: string): BenchFigure[] {
  const device = result?.device;
  const spec = device ? matchSpec({ name: device.name, memoryBytes: device.memoryBytes }) : null;
  return (Object.keys(CUDA_EFFICIENCY_GOALS) as (keyof typeof CUDA_EFFICIENCY_GOALS)[]).map((name) => {
    const figureName = `cuda.efficiency.${name}`;
    const goal = CUDA_EFFICIENCY_GOALS[name];
    if (!result || !device) return efficiencyFigure(figureName, null, goal, context);
    if (!spec) return efficiencyFigure(figureName, null, goal, `${device.name} is not in the spec table`);
    const timing = result.kernels.find((k) => k.name === name);
    const peak = GOALS[name]!.peak(spec);
    if (!timing || !peak) return efficiencyFigure(figureName, null, goal, `${device.name}: ${timing ? 'no spec peak for this kernel' : `${context} has no ${name} result`}`);
    const kernel = kernelResult(timing.name, timing.trialsNs, timing.workPerTrial);
    return efficiencyFigure(figureName, (kernel.value / 1000 / peak) * 100, goal, `${device.name}, ${context}: ${round(kernel.value / 1000, 1)} of ${peak} ${kernel.unit} (${spec.name} spec), ${timing.params}`);
  });
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
