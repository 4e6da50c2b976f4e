import type { JobSlice } from '../../../protocol/job-spec.js';
import type { JobService } from '../jobs/job-service.js';
import type { NetworkJobs } from './ports.js';

/**
 * The job runner as the link sees it. `view` is the job slice core already keeps (so the journal is not folded
 * again on every tick); listeners registered after core's own see it fresh.
 */
export function networkJobsOf(jobs: JobService, view: () => JobSlice): NetworkJobs {
  return {
    runSpec: (raw) => jobs.runSpec(raw, 'network'),
    current: () => view().current,
    recent: () => view().recent,
    stop: async (jobId, reason) => {
      if (view().current?.jobId === jobId) await jobs.stopCurrent(reason);
    },
    logs: (jobId) => {
      try {
        return jobs.getLogs(jobId);
      } catch {
        return null; // not running any more: the coordinator gets an empty answer
      }
    },
    onChange: (listener) => jobs.onChange(listener),
  };
}
