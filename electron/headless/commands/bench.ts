import { readFileSync, writeFileSync } from 'node:fs';
import { ChallengeSchema, type Challenge } from '../../../protocol/bench/challenge.js';
import type { BenchProgress, BenchRunSummary } from '../../../protocol/bench/wgsl/api-schemas.js';
import { UserFacingError, summarizeZodError } from '../../../protocol/errors.js';
import { UsageError, dataDirOption, jsonOption, parseCli, printJson, progressLine, resolveDataDir, type CliCommand, type ProgressLine } from '../cli-kit.js';
import { createHeadlessBench } from '../../compose/node-wiring.js';

export function formatBenchSummary(summary: BenchRunSummary, outPath: string | null): string {
  const width = Math.max(...summary.kernels.map((k) => k.label.length), 16);
  const lines = [
    `Benchmark — ${summary.backend === 'cuda' ? 'CUDA' : 'WebGPU'}, ${summary.quick ? 'quick' : 'full'} (${summary.n}×${summary.n}) on ${summary.deviceName}`,
    ...summary.kernels.map((k) => {
      const value = k.value / 1000;
      const pct = k.specPeak ? `  ${Math.round((k.value / k.specPeak) * 100)} % of spec peak` : '';
      return `  ${k.label.padEnd(width)}  ${value.toFixed(value >= 100 ? 0 : 2).padStart(9)} ${k.unit}${k.noisy ? '  (noisy)' : ''}${pct}`;
    }),
  ];
  if (summary.sustained) lines.push(`  ${'Sustained ÷ peak'.padEnd(width)}  ${String(Math.round(summary.sustained.ratio1000 / 10)).padStart(9)} %  over ${summary.sustained.seconds} s`);
  const scored = summary.correctlyComputed && summary.scoreEligible && summary.composite !== null;
  lines.push(`Score: ${scored ? summary.composite : 'not scored'}${summary.detectedModel ? `  (model: ${summary.detectedModel})` : ''}`);
  lines.push(`Result check: ${summary.correctlyComputed ? 'computed correctly' : 'WRONG RESULT'} (Merkle root ${summary.merkleRoot.slice(0, 16)}…)`);
  for (const flag of summary.flags) lines.push(`  ! ${flag.message}`);
  if (outPath) lines.push(`Signed report written to ${outPath}`);
  return `${lines.join('\n')}\n`;
}

function readChallenge(path: string): Challenge {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`Could not read the challenge file ${path}: ${(error as Error).message}`);
  }
  const parsed = ChallengeSchema.safeParse(raw);
  if (!parsed.success) throw new UsageError(`The challenge file ${path} is not a valid challenge: ${summarizeZodError(parsed.error)}`);
  return parsed.data;
}

/** "[ 42%] Measuring FP32 matrix multiply": `offhours bench` and `offhours setup` print progress alike. */
export function benchProgressText(progress: BenchProgress): string {
  return `[${String(Math.round(progress.perMille / 10)).padStart(3)}%] ${progress.message}`;
}

/** Progress on stderr: one updating line in a terminal, a line per step otherwise; a failure is told by the caller. */
export function benchProgressPrinter(line: ProgressLine): (progress: BenchProgress) => void {
  return (progress) => {
    if (progress.stage !== 'failed') line.update(benchProgressText(progress), progress.message);
  };
}

export const benchCommand: CliCommand = {
  name: 'bench',
  usage: 'offhours bench [--quick] [--backend webgpu|cuda] [--challenge FILE] [--json] [--out FILE] [--data-dir DIR]',
  async run(argv) {
    const { values } = parseCli(argv, {
      ...jsonOption,
      ...dataDirOption,
      quick: { type: 'boolean', default: false },
      backend: { type: 'string', default: 'webgpu' },
      challenge: { type: 'string' },
      out: { type: 'string' },
    });
    const backend = values.backend;
    if (backend !== 'webgpu' && backend !== 'cuda') throw new UsageError(`--backend must be webgpu or cuda, got "${backend}"`);
    const challenge = values.challenge ? readChallenge(values.challenge) : undefined;
    // Progress and the outcome go to the terminal below; log lines would only repeat them.
    const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
    const service = createHeadlessBench(resolveDataDir(values['data-dir']), quiet);
    const line = progressLine(process.stderr);
    const off = service.onProgress(benchProgressPrinter(line));
    try {
      const { report, summary } = await service.runWithReport({ quick: challenge ? challenge.quick : values.quick, backend, ...(challenge ? { challenge } : {}) });
      if (values.out) writeFileSync(values.out, `${JSON.stringify(report, null, 2)}\n`);
      line.end();
      if (values.json) printJson(report);
      else process.stdout.write(formatBenchSummary(summary, values.out ?? null));
      return summary.correctlyComputed ? 0 : 1;
    } catch (error) {
      line.end();
      if (error instanceof UserFacingError) {
        process.stderr.write(`Benchmark failed: ${error.message}\n${error.nextStep ? `Next: ${error.nextStep}\n` : ''}`);
        return 1;
      }
      throw error;
    } finally {
      off();
      line.end();
    }
  },
};
