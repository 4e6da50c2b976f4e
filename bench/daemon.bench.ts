import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../electron/headless/paths.js';
import { fakeNvidiaSmiOnPath } from '../electron/core/adapters/test-support/fake-nvidia-smi.js';
import { median, type BenchFigure, type BenchSuite } from './figure.js';
import { CLK_TCK, processTreeCpuTicks } from './process-cpu.js';

interface StartedDaemon {
  pid: number;
  readyMs: number;
  url: string;
  stop(): Promise<void>;
}

async function startDaemon(env: NodeJS.ProcessEnv = {}): Promise<StartedDaemon> {
  const dataDir = mkdtempSync(join(tmpdir(), 'offhours-bench-'));
  const started = performance.now();
  const child = spawn(process.execPath, [join(packageRoot(), 'bin', 'offhours.js'), 'headless', '--port', '0', '--data-dir', dataDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
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
      // The embedded network stops with the daemon (even one still starting); the next cold start must not share the CPU with it.
      if (!(await noProcessUses(dataDir, 30_000))) throw new Error(`a process of the stopped daemon (data folder ${dataDir}) was still running 30 s later`);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Waits until no process names `dataDir` on its command line (the daemon's embedded coordinator and its helpers). */
async function noProcessUses(dataDir: string, withinMs: number): Promise<boolean> {
  const until = performance.now() + withinMs;
  const uses = () =>
    readdirSync('/proc')
      .filter((name) => /^\d+$/.test(name))
      .some((pid) => {
        try {
          return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dataDir);
        } catch {
          return false;
        }
      });
  while (performance.now() < until) {
    if (!uses()) return true;
    await sleep(100);
  }
  return false;
}

/** Calls a ProviderApi method and returns its value. */
async function rpcValue(daemon: StartedDaemon, method: string): Promise<unknown> {
  const url = new URL(daemon.url);
  const response = await fetch(new URL(`/api/rpc/${method}`, url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${url.searchParams.get('token')}` },
    body: JSON.stringify({}),
  });
  return ((await response.json()) as { value: unknown }).value;
}

/**
 * Waits until the network link is settled (enrolled and its first timed benchmark judged, or no network), up to
 * `withinMs`: that is start-up work, like the first GPU detection, and stays out of the idle window.
 */
async function networkSettled(daemon: StartedDaemon, withinMs: number): Promise<boolean> {
  const until = performance.now() + withinMs;
  while (performance.now() < until) {
    const state = (await rpcValue(daemon, 'getState')) as { network: { connection: string; standing: { benchmark: { state: string } } | null } };
    const bench = state.network.standing?.benchmark.state;
    if (state.network.connection === 'off' || bench === 'passed' || bench === 'failed') return true;
    await sleep(500);
  }
  return false;
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
    figures.push(figure('after_pc_check', 'right after runDoctor returned (its WebGPU adapter probe runs in a child process)'));
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

/** The idle daemon on an NVIDIA gamer's PC: the fake nvidia-smi on its PATH, streaming (there is no NVIDIA GPU on CI). */
export async function idleFigures(readyTimes: number[]): Promise<BenchFigure[]> {
  const smi = fakeNvidiaSmiOnPath({ temps: [45], processes: [{ pid: 2345, type: 'G', smPercent: 1, fbMiB: 300, name: 'Xorg' }] });
  const daemon = await startDaemon(smi.env);
  try {
    // Idle means after start-up work: first GPU detection, engine reconcile, the scheduler's first probes, and
    // the network's enrolment with its timed benchmark (its cost in the daemon is a figure of its own).
    const startTicks = cpuTicks(daemon.pid);
    const settledAfter = performance.now();
    const settled = await networkSettled(daemon, 120_000);
    const enrolmentSeconds = (performance.now() - settledAfter) / 1000;
    const enrolmentCpu = (cpuTicks(daemon.pid) - startTicks) / CLK_TCK;
    await sleep(10_000);
    const idleSeconds = Number(process.env.OFFHOURS_BENCH_IDLE_SECONDS ?? 60);
    // Two windows back to back: the first minute still holds start-up's one-off tail (V8's memory reducer runs a
    // full, multi-threaded collection about 30 s after start-up stops allocating: ~18 ticks in one 5 s slice, RSS
    // down ~5 MiB); the second is the daemon as it idles for hours.
    const firstMinute = await idleWindow(daemon.pid, smi, idleSeconds);
    const steady = await idleWindow(daemon.pid, smi, idleSeconds);
    const sampling = 'scheduler sampling once a second at rest, every 240 ms while a job runs; the fake nvidia-smi streaming on its PATH';
    return [
      { name: 'daemon.cold_start_to_ready_url', value: Math.round(median(readyTimes)), unit: 'ms', goal: '< 1500 ms', note: `median of ${readyTimes.length} cold starts of offhours headless (process spawn to URL printed)` },
      { name: 'daemon.idle_cpu', value: steady.daemonPercent, unit: '% of one core', goal: '< 0.5 %', note: `CPU time of the idle daemon over ${idleSeconds} s, from ${10 + idleSeconds} s after the network link settled (embedded network connected, heartbeats every 5 s), from /proc/<pid>/stat, all threads (${sampling})` },
      { name: 'daemon.idle_cpu_with_nvidia_smi', value: steady.withSmiPercent, unit: '% of one core', goal: '< 0.5 %', note: `the same window, plus the daemon's children that ended in it (one-shot tools) and its live nvidia-smi streams (the fake, a Node script: its own CPU, not the real tool's); ${steady.smiStarts} nvidia-smi started in the window; the embedded coordinator's CPU is not counted` },
      { name: 'daemon.idle_cpu_first_minute', value: firstMinute.daemonPercent, unit: '% of one core', goal: null, note: `the ${idleSeconds} s before that window, from 10 s after the link settled (what daemon.idle_cpu measured until session 6): it includes start-up's tail, V8's one full collection of the enrolment benchmark's garbage (memory reducer)` },
      { name: 'daemon.network_enrolment_cpu', value: Number(enrolmentCpu.toFixed(2)), unit: 's', goal: null, note: settled ? `daemon CPU from the ready URL until enrolled and the first timed benchmark judged (${enrolmentSeconds.toFixed(1)} s; GEMMs in a Dawn child, openings in the daemon); the coordinator's own CPU is its process's` : 'the network link did not settle within 120 s' },
    ];
  } finally {
    await daemon.stop();
    smi.cleanup();
  }
}

interface IdleWindow {
  daemonPercent: number;
  withSmiPercent: number;
  smiStarts: number;
}

/** The daemon's CPU over `seconds` of doing nothing: alone, and with its nvidia-smi streams and reaped children. */
async function idleWindow(pid: number, smi: { starts(): unknown[] }, seconds: number): Promise<IdleWindow> {
  const before = cpuTicks(pid);
  const withSmiBefore = daemonAndNvidiaSmiTicks(pid);
  const startsBefore = smi.starts().length;
  await sleep(seconds * 1000);
  const percent = (ticks: number) => Number(((ticks / CLK_TCK / seconds) * 100).toFixed(3));
  return { daemonPercent: percent(cpuTicks(pid) - before), withSmiPercent: percent(daemonAndNvidiaSmiTicks(pid) - withSmiBefore), smiStarts: smi.starts().length - startsBefore };
}

/** The daemon, its children already waited for, and its live nvidia-smi children (not the embedded coordinator). */
function daemonAndNvidiaSmiTicks(pid: number): number {
  return processTreeCpuTicks(pid, (child) => readFileSync(`/proc/${child}/cmdline`, 'utf8').includes('nvidia-smi'));
}
