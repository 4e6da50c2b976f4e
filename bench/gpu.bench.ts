import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { SystemGpuProbe } from '../electron/core/adapters/system-gpu-probe.js';
import { toGraphicsController } from '../electron/core/adapters/si-graphics.js';
import { buildInventory } from '../electron/core/gpu/inventory.js';
import { parseNvidiaSmi } from '../electron/core/gpu/nvidia-smi-parse.js';
import { NVIDIA_QUERY_FIELDS } from '../electron/core/gpu/ports.js';
import { createHeadlessDoctor } from '../electron/compose/node-wiring.js';
import { packageRoot } from '../electron/headless/paths.js';
import { median, type BenchFigure, type BenchSuite } from './figure.js';

function runCli(args: string[]): Promise<{ ms: number; stdout: string }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(packageRoot(), 'bin', 'offhours.js'), ...args], { stdio: ['ignore', 'pipe', 'ignore'] });
    let stdout = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.once('error', reject);
    child.once('exit', () => resolve({ ms: performance.now() - started, stdout }));
  });
}

/** GPU detection and `offhours doctor`: how long the owner waits for them on this machine. */
export const gpuSuite: BenchSuite = {
  name: 'gpu',
  async run(): Promise<BenchFigure[]> {
    const figures: BenchFigure[] = [];

    // Pure parse + merge of the five-card rig fixture.
    const fixture = join(packageRoot(), 'electron', 'core', 'gpu', 'fixtures', 'multi-gpu-rig-linux');
    const stdout = readFileSync(join(fixture, 'query.csv'), 'utf8');
    const header = readFileSync(join(fixture, 'header.txt'), 'utf8');
    const controllers = (JSON.parse(readFileSync(join(fixture, 'si.json'), 'utf8')) as { controllers: object[] }).controllers.map(toGraphicsController);
    const rounds = 2000;
    const started = performance.now();
    for (let i = 0; i < rounds; i++) {
      buildInventory({ smi: parseNvidiaSmi({ kind: 'exited', exitCode: 0, fields: NVIDIA_QUERY_FIELDS, stdout, stderr: '', header }), controllers, now: new Date(0) });
    }
    const perRoundUs = ((performance.now() - started) * 1000) / rounds;
    figures.push({ name: 'gpu.parse_merge_5_cards', value: Math.round(perRoundUs), unit: 'µs', goal: '< 1000 µs', note: `nvidia-smi parse + merge of the 5-GPU rig fixture, mean of ${rounds}` });

    // Real detection on this machine (nvidia-smi + systeminformation), in process.
    const probe = new SystemGpuProbe();
    const detections: number[] = [];
    let status = '';
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      status = (await probe.detect()).status;
      detections.push(performance.now() - t);
    }
    figures.push({ name: 'gpu.detect', value: Math.round(median(detections)), unit: 'ms', goal: '< 2000 ms', note: `SystemGpuProbe.detect(), median of 5 on this machine (status: ${status})` });

    // The CLI verb from a cold process.
    const cold: number[] = [];
    for (let i = 0; i < 3; i++) {
      const run = await runCli(['gpus', '--json']);
      JSON.parse(run.stdout);
      cold.push(run.ms);
    }
    figures.push({ name: 'gpu.cli_gpus_json_cold', value: Math.round(median(cold)), unit: 'ms', goal: '< 1500 ms', note: '`offhours gpus --json` in a fresh process, median of 3' });

    // The whole doctor (GPU, driver, Node, data dir, WebGPU adapter, CUDA bench, container engine checks).
    const dataDir = mkdtempSync(join(tmpdir(), 'offhours-bench-doctor-'));
    try {
      const doctorRuns: number[] = [];
      let worst = '';
      for (let i = 0; i < 3; i++) {
        const t = performance.now();
        const report = await createHeadlessDoctor(dataDir).run();
        doctorRuns.push(performance.now() - t);
        worst = `${report.findings.length} checks, worst ${report.worst}`;
      }
      figures.push({ name: 'doctor.run', value: Math.round(median(doctorRuns)), unit: 'ms', goal: '< 10000 ms', note: `createHeadlessDoctor().run() in process, median of 3 (${worst})` });
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
    return figures;
  },
};
