import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jobSpecHash, type JobSpec } from '../protocol/job-spec.js';
import { DockerEngine } from '../electron/core/adapters/docker-engine.js';
import { JobJournal } from '../electron/core/jobs/journal.js';
import { LogRing } from '../electron/core/jobs/log-ring.js';
import { DEFAULT_RUNNER_OPTIONS, JobRunner, type JobRunnerOptions } from '../electron/core/jobs/runner.js';
import { median, type BenchFigure, type BenchSuite } from './figure.js';

/**
 * Job-runner latencies on the real engine at DOCKER_HOST (`source .ci/podman.sh`), as medians of repeated
 * runs: create-to-running, pause, unpause, stop, a fork bomb's end at its limit; and log throughput through the
 * bounded ring buffer.
 */
const TRIALS = 7;
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const clock = { now: () => Date.now() };

async function until(probe: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

function ringThroughput(): number {
  // In-process: how many lines per second the ring itself admits (rate limit set out of the way).
  const ring = new LogRing({ maxLines: 500, maxLineBytes: 2000, linesPerSecond: Number.MAX_SAFE_INTEGER, burst: Number.MAX_SAFE_INTEGER });
  const chunk = new TextEncoder().encode('step 123456: loss=0.0421 lr=3e-4 tokens/s=18234\n'.repeat(1000));
  const started = performance.now();
  for (let i = 0; i < 1000; i++) ring.pushChunk('stdout', chunk, i);
  const seconds = (performance.now() - started) / 1000;
  return ring.accepted / seconds;
}

export const jobsSuite: BenchSuite = {
  name: 'jobs',
  async run(): Promise<BenchFigure[]> {
    const host = process.env.DOCKER_HOST;
    const localImage = process.env.OFFHOURS_TEST_IMAGE ?? 'localhost/offhours-test:busybox';
    const figures: BenchFigure[] = [
      { name: 'jobs.log_ring_lines_per_s', value: Math.round(ringThroughput()), unit: 'lines/s', goal: '≥ 500,000', note: 'LogRing alone, 1M lines of 50 bytes, rate limit off' },
    ];
    if (!host) return [...figures, { name: 'jobs.skipped', value: 0, unit: '', goal: null, note: 'DOCKER_HOST is not set (source .ci/podman.sh): no engine latencies' }];
    const engine = await DockerEngine.open(host);
    const image = await engine.inspectImage(localImage);
    const pinned = image?.repoDigests.find((d) => /@sha256:[0-9a-f]{64}$/.test(d));
    if (!pinned) return [...figures, { name: 'jobs.skipped', value: 0, unit: '', goal: null, note: `test image ${localImage} missing (source .ci/podman.sh)` }];
    const info = await engine.info();
    const dir = mkdtempSync(join(tmpdir(), 'offhours-jobs-bench-'));
    const journal = new JobJournal(join(dir, 'jobs.journal'));
    const runner = (options: Partial<JobRunnerOptions> = {}) => new JobRunner(engine, info, journal, clock, quiet, { ...DEFAULT_RUNNER_OPTIONS, graceSeconds: 5, minFreeDiskBytes: 0, ...options });
    let serial = 0;
    const spec = (command: string): JobSpec => ({
      id: `bench-${process.pid}-${Date.now().toString(36)}-${serial++}`,
      image: pinned,
      command: ['/bin/sh', '-c', command],
      env: {},
      resources: { gpus: 0, minVramMiB: 0, cpuMillis: 1000, memoryMiB: 128, scratchMiB: 16 },
      maxDurationSeconds: 600,
      network: 'none',
      price: { perSecond: '1' },
    });
    try {
      const createToRunning: number[] = [];
      const pause: number[] = [];
      const unpause: number[] = [];
      const stop: number[] = [];
      for (let trial = 0; trial < TRIALS; trial++) {
        const r = runner();
        const job = spec("trap 'exit 0' TERM; while true; do sleep 0.05; done");
        const t0 = performance.now();
        const { done } = r.start(job, jobSpecHash(job), 'network');
        await until(() => r.current()?.state === 'running');
        createToRunning.push(performance.now() - t0);
        const t1 = performance.now();
        await r.freeze('bench');
        pause.push(performance.now() - t1);
        const t2 = performance.now();
        await r.thaw();
        unpause.push(performance.now() - t2);
        const t3 = performance.now();
        await r.stop('bench');
        await done;
        stop.push(performance.now() - t3);
      }

      // End to end: a container printing 200k lines as fast as it can, through the engine's log stream into
      // the ring (rate limit off to measure capacity; the default limit is 200 lines/s with a 1000-line burst).
      const lines = 200_000;
      const throughput: number[] = [];
      for (let trial = 0; trial < 3; trial++) {
        const r = runner({ logRing: { maxLines: 500, maxLineBytes: 2000, linesPerSecond: Number.MAX_SAFE_INTEGER, burst: Number.MAX_SAFE_INTEGER } });
        const job = spec(`seq 1 ${lines}`);
        let firstLineAt = 0;
        let lastLineAt = 0;
        r.onChange(() => {
          const seen = r.view()?.logLinesTotal ?? 0;
          if (seen > 0 && !firstLineAt) firstLineAt = performance.now();
          if (seen > 0) lastLineAt = performance.now();
        });
        const result = await r.start(job, jobSpecHash(job), 'network').done;
        if (result.outcome !== 'succeeded') throw new Error(`log job ${result.outcome}: ${result.reason}`);
        const seconds = Math.max(0.001, (lastLineAt - firstLineAt) / 1000);
        throughput.push(lines / seconds);
      }
      // The tester's fork bomb, bounded (64 MiB → 256 processes, 0.5 CPU, a 3 s limit): from the limit until the
      // container is gone and the result journaled. The unbounded original kept running ~10 minutes.
      const limitToEnd: number[] = [];
      for (let trial = 0; trial < 3; trial++) {
        const r = runner();
        const job = { ...spec('echo start; bomb() { bomb | bomb & }; bomb; sleep 100'), maxDurationSeconds: 3, resources: { gpus: 0, minVramMiB: 0, cpuMillis: 500, memoryMiB: 64, scratchMiB: 16 } };
        let runningAt = 0;
        r.onChange(() => {
          if (!runningAt && r.current()?.state === 'running') runningAt = performance.now();
        });
        const result = await r.start(job, jobSpecHash(job), 'network').done;
        if (result.outcome !== 'timed-out') throw new Error(`fork bomb ${result.outcome}: ${result.reason}`);
        limitToEnd.push(performance.now() - runningAt - 3000);
      }
      const ms = (values: number[]) => Math.round(median(values) * 10) / 10;
      figures.push(
        { name: 'jobs.create_to_running_ms', value: ms(createToRunning), unit: 'ms', goal: '< 1500', note: `median of ${TRIALS}, ${info.product} ${info.version}, image cached; start() → running (journal fsyncs included)` },
        { name: 'jobs.pause_ms', value: ms(pause), unit: 'ms', goal: '< 200', note: `median of ${TRIALS}: freeze() (cgroup freezer) until the engine confirmed` },
        { name: 'jobs.unpause_ms', value: ms(unpause), unit: 'ms', goal: '< 200', note: `median of ${TRIALS}: thaw()` },
        { name: 'jobs.stop_ms', value: ms(stop), unit: 'ms', goal: '< 2000', note: `median of ${TRIALS}: stop() with SIGTERM honoured, until removed and journaled` },
        { name: 'jobs.log_lines_per_s', value: Math.round(median(throughput)), unit: 'lines/s', goal: '≥ 20,000', note: `median of 3: ${lines} lines from a container through the engine's attach stream into the ring` },
        { name: 'jobs.fork_bomb_limit_to_end_ms', value: ms(limitToEnd), unit: 'ms', goal: '< 5000', note: 'median of 3: a fork bomb (64 MiB, 256 processes) from its time limit until its container is gone and the result journaled' },
      );
      return figures;
    } finally {
      journal.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
