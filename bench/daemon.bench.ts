import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../electron/headless/paths.js';
import { median, type BenchFigure, type BenchSuite } from './figure.js';

const CLK_TCK = 100; // Linux USER_HZ; /proc/<pid>/stat counts CPU time in these ticks.

interface StartedDaemon {
  pid: number;
  readyMs: number;
  url: string;
  stop(): Promise<void>;
}

async function startDaemon(): Promise<StartedDaemon> {
  const dataDir = mkdtempSync(join(tmpdir(), 'offhours-bench-'));
  const started = performance.now();
  const child = spawn(process.execPath, [join(packageRoot(), 'bin', 'offhours.js'), 'headless', '--port', '0', '--data-dir', dataDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let url = '';
  const readyMs = await new Promise<number>((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const match = /Open: (http\S+)/.exec(output);
      if (match) {
        url = match[1]!;
        resolve(performance.now() - started);
      }
    });
    child.once('exit', (code) => reject(new Error(`daemon exited with ${code}: ${output}`)));
  });
  return {
    pid: child.pid!,
    readyMs,
    url,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function cpuTicks(pid: number): number {
  // Fields after the command name: state is field 3; utime and stime are fields 14 and 15.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

function rssMiB(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : NaN;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Calls a ProviderApi method on the daemon, as the dashboard does. */
async function rpc(daemon: StartedDaemon, method: string, input: unknown): Promise<void> {
  const url = new URL(daemon.url);
  const response = await fetch(new URL(`/api/rpc/${method}`, url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${url.searchParams.get('token')}` },
    body: JSON.stringify({ input }),
  });
  const body = (await response.json()) as { ok: boolean; error?: { message: string } };
  if (!body.ok) throw new Error(`${method}: ${body.error?.message}`);
}

const RSS_GOAL = '< 120 MiB';

/** VmRSS through a day's first steps: start, the PC check, a quick benchmark, and 10 s after it. */
async function rssFigures(): Promise<BenchFigure[]> {
  const daemon = await startDaemon();
  const figure = (name: string, note: string): BenchFigure => ({ name: `daemon.rss_${name}`, value: Number(rssMiB(daemon.pid).toFixed(1)), unit: 'MiB', goal: RSS_GOAL, note });
  try {
    await sleep(3000);
    const figures = [figure('after_start', 'VmRSS 3 s after the ready URL')];
    await rpc(daemon, 'runDoctor', undefined);
    figures.push(figure('after_pc_check', 'right after runDoctor returned (its WebGPU adapter probe still loads Dawn inside the daemon)'));
    await rpc(daemon, 'runBenchmark', { quick: true, backend: 'webgpu' });
    figures.push(figure('after_quick_bench', 'right after a quick WebGPU benchmark returned (kernels and the report check run in child processes)'));
    await sleep(10_000);
    figures.push(figure('after_quick_bench_10s', '10 s after the quick benchmark'));
    return figures;
  } finally {
    await daemon.stop();
  }
}

export const daemonSuite: BenchSuite = {
  name: 'daemon',
  async run(): Promise<BenchFigure[]> {
    const readyTimes: number[] = [];
    for (let trial = 0; trial < 5; trial++) {
      const daemon = await startDaemon();
      readyTimes.push(daemon.readyMs);
      await daemon.stop();
    }
    return [...(await idleFigures(readyTimes)), ...(await rssFigures())];
  },
};

async function idleFigures(readyTimes: number[]): Promise<BenchFigure[]> {
  const daemon = await startDaemon();
  try {
    // Idle means after start-up work: first GPU detection, engine reconcile, the scheduler's first probes.
    await sleep(10_000);
      const idleSeconds = Number(process.env.OFFHOURS_BENCH_IDLE_SECONDS ?? 60);
      const before = cpuTicks(daemon.pid);
      await sleep(idleSeconds * 1000);
      const cpuPercent = ((cpuTicks(daemon.pid) - before) / CLK_TCK / idleSeconds) * 100;
      return [
        { name: 'daemon.cold_start_to_ready_url', value: Math.round(median(readyTimes)), unit: 'ms', goal: '< 1500 ms', note: `median of ${readyTimes.length} cold starts of offhours headless (process spawn to URL printed)` },
        { name: 'daemon.idle_cpu', value: Number(cpuPercent.toFixed(3)), unit: '% of one core', goal: '< 0.5 %', note: `CPU time of the idle daemon over ${idleSeconds} s, from 10 s after the ready URL, from /proc/<pid>/stat (scheduler sampling every 240 ms included)` },
      ];
  } finally {
    await daemon.stop();
  }
}
