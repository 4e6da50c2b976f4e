/**
 * Bench helpers: seed N matchable providers and M queued jobs with batched inserts (seconds, not the minutes
 * that N enrolments, sessions and timed benchmarks through the store would take), then time matching passes.
 * Works on either engine. Used for "jobs matched per second with 5,000 providers and 10,000 queued jobs".
 */
import type { CoordinatorDatabase } from '../db/database.js';
import type { CoordinatorStore } from '../db/store.js';

export interface MatchingSeed {
  providers: number;
  jobs: number;
  /** Sessions are last seen at this time, so providers count as connected just after it. */
  now: Date;
  /** Rows per INSERT statement. */
  batchSize?: number;
}

const GPU = { name: 'NVIDIA GeForce RTX 4090', vendor: 'nvidia', vramMiB: 24_564 };
const IMAGE = `registry.local/offhours/bench@sha256:${'b'.repeat(64)}`;

/** Providers that are connected, available and benchmarked, with varied throughput, price and history. */
export async function seedMatchingBench(database: CoordinatorDatabase, seed: MatchingSeed): Promise<void> {
  const batch = seed.batchSize ?? 1000;
  const { db } = database;
  await db.transaction().execute(async (trx) => {
    for (let from = 0; from < seed.providers; from += batch) {
      const indexes = range(from, Math.min(seed.providers, from + batch));
      await trx.insertInto('providers').values(indexes.map((i) => providerRow(i, seed.now))).execute();
      await trx
        .insertInto('sessions')
        .values(indexes.map((i) => ({ session_id: `bench-ses-${i}`, provider_id: `bench-prv-${i}`, instance_id: 'bench', opened_at: seed.now, last_seen_at: seed.now, closed_at: null, availability: 'available' as const, availability_reason: 'owner-away' as const, owner_present: false })))
        .execute();
    }
    for (let from = 0; from < seed.jobs; from += batch) {
      await trx.insertInto('jobs').values(range(from, Math.min(seed.jobs, from + batch)).map((i) => jobRow(i, seed.now))).execute();
    }
  });
}

function providerRow(i: number, now: Date) {
  return {
    provider_id: `bench-prv-${i}`,
    device_public_key: i.toString(16).padStart(64, '0'),
    payout_address: '',
    gpus: JSON.stringify([GPU]),
    gpu_count: 1,
    max_gpu_vram_mib: GPU.vramMiB,
    min_price_per_gpu_hour: String(1000 + (i % 97) * 10),
    backends: JSON.stringify(['cuda']),
    app_version: 'bench',
    throughput_milli_gflops: 10_000_000 + (i % 89) * 1_000_000,
    demo: false,
    last_timed_benchmark_at: now,
    online_available_seconds: 3600 + (i % 13) * 100,
    offline_available_seconds: i % 7,
    dropped_while_available_at: null,
    runs_ended: i % 11,
    runs_finished: i % 11,
    created_at: now,
    updated_at: now,
  };
}

function jobRow(i: number, now: Date) {
  const jobId = `bench-job-${i}`;
  const spec = { id: jobId, image: IMAGE, command: ['true'], env: {}, resources: { gpus: 1, minVramMiB: 0, cpuMillis: 1000, memoryMiB: 256, scratchMiB: 16 }, maxDurationSeconds: 600, network: 'none', price: { perSecond: '10' } };
  return {
    job_id: jobId,
    state: 'queued' as const,
    spec: JSON.stringify(spec),
    image: IMAGE,
    gpus: 1,
    min_vram_mib: 0,
    min_throughput_milli_gflops: 0,
    price_per_second: '10',
    budget: '1000000',
    provider_id: null,
    attempts: 0,
    submitted_by: 'bench',
    submitted_at: new Date(now.getTime() - 1000 + (i % 1000)),
    updated_at: now,
  };
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, k) => from + k);
}

export interface MatchingFigures {
  matched: number;
  passes: number;
  seconds: number;
  jobsPerSecond: number;
}

/** Runs matching passes at `now` until one matches nothing; how many offers were made, how fast. */
export async function measureMatching(store: CoordinatorStore, now: Date, limit: number, clock: () => number = () => performance.now()): Promise<MatchingFigures> {
  let matched = 0;
  let passes = 0;
  const started = clock();
  for (;;) {
    const offers = await store.matchQueuedJobs(now, { limit, offerTtlMs: 60_000 });
    passes += 1;
    matched += offers.length;
    if (offers.length === 0) break;
  }
  const seconds = (clock() - started) / 1000;
  return { matched, passes, seconds, jobsPerSecond: seconds > 0 ? Math.round(matched / seconds) : 0 };
}
