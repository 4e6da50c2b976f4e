import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../electron/headless/paths.js';
import type { BenchFigure, BenchSuite } from './figure.js';

/** Every benchmark suite, in the order they run. Add a suite here and it lands in bench-report.json. */
async function suites(): Promise<BenchSuite[]> {
  return [
    (await import('./daemon.bench.js')).daemonSuite,
    (await import('./gpu.bench.js')).gpuSuite,
    (await import('./verify.bench.js')).verifySuite,
    (await import('./webgpu.bench.js')).webgpuSuite,
    (await import('./cuda.bench.js')).cudaSuite,
    (await import('./schedule.bench.js')).scheduleSuite,
    (await import('./owner-back.bench.js')).ownerBackSuite,
    (await import('./jobs.bench.js')).jobsSuite,
    (await import('./coordinator.bench.js')).coordinatorSuite,
    (await import('./ledger.bench.js')).ledgerSuite,
    (await import('./solana.bench.js')).solanaSuite,
  ];
}

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const report: BenchFigure[] = [];
  for (const suite of await suites()) {
    if (only.length && !only.includes(suite.name)) continue;
    process.stdout.write(`▶ ${suite.name}\n`);
    try {
      const figures = await suite.run();
      for (const figure of figures) process.stdout.write(`  ${figure.name}: ${figure.value} ${figure.unit} (goal ${figure.goal ?? '—'}) ${figure.note}\n`);
      report.push(...figures);
    } catch (error) {
      process.stdout.write(`  FAILED: ${(error as Error).stack ?? error}\n`);
      report.push({ name: `${suite.name}.failed`, value: 1, unit: 'error', goal: null, note: String((error as Error).message ?? error) });
    }
  }
  const path = join(packageRoot(), 'bench-report.json');
  writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`Wrote ${report.length} figures to ${path}\n`);
}

await main();
