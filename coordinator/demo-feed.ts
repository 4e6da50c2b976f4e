/**
 * The local test network's demand: whenever a provider is available and no demo job is waiting, submit one
 * small real container job (CPU only, ~256 MiB, about 30 s of progress lines), so a new user sees work arrive
 * within a minute of becoming available. The image is pinned by digest and configurable (--demo-image).
 */
import type { JobSpec } from '../protocol/job-spec.js';
import type { AdminJob, SubmitJobRequest } from '../protocol/network.js';
import type { CoordinatorBus, CoordinatorStore } from './db/store.js';

export const DEMO_STEPS = 30;
/** Base units per second of work: small, but not zero (the owner sees it earn). */
export const DEMO_PRICE_PER_SECOND = '1000';
const DEMO_MAX_SECONDS = 120;

/** busybox sh: one progress line a second, then a summary line. */
export function demoScript(steps = DEMO_STEPS): string {
  return `i=1; while [ $i -le ${steps} ]; do echo "Offhours demo job: step $i of ${steps}"; i=$((i+1)); sleep 1; done; echo "Offhours demo job: done"`;
}

export function demoJobRequest(jobId: string, image: string): SubmitJobRequest {
  const spec: JobSpec = {
    id: jobId,
    image,
    command: ['sh', '-c', demoScript()],
    env: {},
    resources: { gpus: 0, minVramMiB: 0, cpuMillis: 500, memoryMiB: 256, scratchMiB: 16 },
    maxDurationSeconds: DEMO_MAX_SECONDS,
    network: 'none',
    price: { perSecond: DEMO_PRICE_PER_SECOND },
  };
  return { spec, requirements: { minThroughputMilliGflops: 0 }, budget: (BigInt(DEMO_PRICE_PER_SECOND) * BigInt(DEMO_MAX_SECONDS)).toString() };
}

/** A new demo job is due when someone could take it and the last one is no longer waiting for a taker. */
export function demoJobDue(availableProviders: number, lastDemoJobState: AdminJob['state'] | null): boolean {
  if (availableProviders < 1) return false;
  return lastDemoJobState !== 'queued' && lastDemoJobState !== 'offered';
}

export interface DemoFeedDeps {
  store: CoordinatorStore;
  bus: CoordinatorBus;
  clock: () => Date;
  newId: (prefix: string) => string;
  image: string;
}

export class DemoFeed {
  /** The feed's own last job (the store names jobs, so the feed remembers which one was its own). */
  private lastJobId: string | null = null;

  constructor(private readonly deps: DemoFeedDeps) {}

  /** One look: submits at most one job. Returns the job it submitted, if any. */
  async tick(): Promise<AdminJob | null> {
    const { store } = this.deps;
    const now = this.deps.clock();
    const status = await store.status(now);
    if (status.providers.available < 1) return null;
    const last = this.lastJobId ? await store.getJob(this.lastJobId) : null;
    if (!demoJobDue(status.providers.available, last?.state ?? null)) return null;
    const job = await store.submitJob(demoJobRequest(this.deps.newId('demo'), this.deps.image), 'demo-feed', now);
    this.lastJobId = job.jobId;
    await this.deps.bus.publish({ kind: 'job-queued', jobId: job.jobId });
    return job;
  }
}
