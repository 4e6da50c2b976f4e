import { LABEL_JOB_ID, type ContainerSummary } from './ports.js';
import type { JournaledJob } from './journal.js';

export type ReconcileAction =
  | { kind: 'adopt'; jobId: string; containerId: string }
  | { kind: 'interrupted'; jobId: string; workedMs: number; reason: string; containerId: string | null }
  | { kind: 'remove'; containerId: string; why: string };

/**
 * On start: what to do with each unfinished job in the journal and each container carrying our label.
 * A job parked at a clean quit whose container is still there is adopted; any other unfinished job was cut
 * short (crash, SIGKILL, power loss) and is reported interrupted, with the work on record up to then; every
 * labelled container not adopted is stopped and removed. Containers without our label never get here. Pure.
 */
export function planReconcile(jobs: JournaledJob[], containers: ContainerSummary[]): ReconcileAction[] {
  const actions: ReconcileAction[] = [];
  const claimed = new Set<string>();
  const byId = new Map(containers.map((c) => [c.id, c]));
  for (const job of jobs) {
    if (job.finished) continue;
    const container =
      (job.containerId ? byId.get(job.containerId) : undefined) ?? containers.find((c) => c.labels[LABEL_JOB_ID] === job.jobId && c.labels['io.offhours.spec-hash'] === job.specHash);
    const alive = container && (container.state === 'running' || container.state === 'paused');
    if (job.parked && container && alive) {
      actions.push({ kind: 'adopt', jobId: job.jobId, containerId: container.id });
      claimed.add(container.id);
      continue;
    }
    const reason = job.parked
      ? 'The job was left paused when Offhours quit, but its container was gone when Offhours started again.'
      : 'Offhours stopped unexpectedly while this job ran.';
    if (container) claimed.add(container.id);
    actions.push({ kind: 'interrupted', jobId: job.jobId, workedMs: job.workedMs, reason, containerId: container?.id ?? null });
  }
  for (const container of containers) {
    if (claimed.has(container.id)) continue;
    actions.push({ kind: 'remove', containerId: container.id, why: 'no job in the journal is waiting for it' });
  }
  return actions;
}
