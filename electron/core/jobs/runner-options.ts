import { DEFAULT_LOG_RING, type LogRingOptions } from './log-ring.js';

export interface JobRunnerOptions {
  /** Seconds between SIGTERM and SIGKILL when a job is stopped. */
  graceSeconds: number;
  /** An engine call while stopping a guest that takes longer is given up on, and a harsher step tried. */
  stepTimeoutMs: number;
  /** Waits between rounds of kill → forced remove while a guest will not go. */
  haltBackoffMs: number[];
  /** How long, after a guest stopped, the engine may take to hand over the rest of its output. */
  outputDrainMs: number;
  /** How often the work done so far is written to the journal. */
  heartbeatMs: number;
  /** Our image cache may hold this many bytes of images we pulled; older ones are evicted. */
  imageCacheBudgetBytes: number;
  /** Refuse to pull when the engine's disk would drop below this. */
  minFreeDiskBytes: number;
  logRing: LogRingOptions;
  /** At most one state change notice per this many ms while logs stream. */
  notifyEveryMs: number;
  /** This data folder's id (label io.offhours.instance): reconcile touches only containers carrying it. */
  instanceId: string;
}

export const DEFAULT_RUNNER_OPTIONS: JobRunnerOptions = {
  graceSeconds: 10,
  stepTimeoutMs: 15_000,
  haltBackoffMs: [1000, 2000, 4000, 8000, 16_000],
  outputDrainMs: 10_000,
  heartbeatMs: 5000,
  imageCacheBudgetBytes: 30 * 1024 ** 3,
  minFreeDiskBytes: 5 * 1024 ** 3,
  logRing: DEFAULT_LOG_RING,
  notifyEveryMs: 250,
  instanceId: 'default',
};
