import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { packageRoot } from '../../../compose/package-root.js';

export interface FakeNvidiaSmiOptions {
  /** One GPU per value (°C). */
  temps?: number[];
  /** Processes on GPU 0, as pmon and compute-apps report them. */
  processes?: { pid: number; type: 'C' | 'G'; smPercent: number; fbMiB: number; name: string }[];
  /** Every loop period, in ms (the real default of 5 s is too slow for tests). */
  periodMs?: number;
  /** Exit with 1 after this many samples, as a crashing driver would. */
  dieAfterSamples?: number;
}

/**
 * A folder holding `nvidia-smi` (test-support/fake-nvidia-smi.mjs) and the environment that finds it first on PATH,
 * so the real adapters run unchanged against it. Shared by the adapter tests and the benchmarks. Linux and macOS.
 */
export function fakeNvidiaSmiOnPath(options: FakeNvidiaSmiOptions = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'offhours-fake-smi-'));
  const script = join(packageRoot(), 'electron', 'core', 'adapters', 'test-support', 'fake-nvidia-smi.mjs');
  symlinkSync(script, join(dir, 'nvidia-smi'));
  const log = join(dir, 'starts.log');
  const env: NodeJS.ProcessEnv = {
    PATH: `${dir}${delimiter}${process.env.PATH ?? ''}`,
    FAKE_NVIDIA_SMI_LOG: log,
    FAKE_NVIDIA_SMI_TEMPS: (options.temps ?? [45]).join(','),
    FAKE_NVIDIA_SMI_PROCS: (options.processes ?? []).map((p) => `${p.pid}:${p.type}:${p.smPercent}:${p.fbMiB}:${p.name}`).join(';'),
    ...(options.periodMs !== undefined ? { FAKE_NVIDIA_SMI_PERIOD_MS: String(options.periodMs) } : {}),
    ...(options.dieAfterSamples !== undefined ? { FAKE_NVIDIA_SMI_DIE_AFTER: String(options.dieAfterSamples) } : {}),
  };
  return {
    dir,
    /** Only the variables above: merge into process.env (or a child's env) to put the fake in place. */
    env,
    path: join(dir, 'nvidia-smi'),
    /** The arguments of every start so far, one entry per process spawned. */
    starts: (): string[] => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : []),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
