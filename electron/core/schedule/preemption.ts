import type { PreemptionEvent } from '../../../protocol/availability.js';
import type { Clock, JobControl, Logger } from '../ports.js';
import type { JobAction } from './machine.js';

type Listener = (event: PreemptionEvent) => void;

/**
 * Carries the state machine's job actions out on the JobControl port, one at a time and in order:
 * freeze (engine pause: cgroup freezer, instant, the job keeps its GPU memory), thaw, and stop after the
 * grace period. Every outcome is an event; the coordinator link subscribes to them to tell the network
 * (a frozen job is not metered; a stopped one is handed back).
 */
export class PreemptionController {
  private chain: Promise<void> = Promise.resolve();
  private readonly pending = new Set<string>();
  private readonly listeners = new Set<Listener>();

  constructor(
    private readonly jobs: JobControl,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  onEvent(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Queues the actions decided by the sample taken at `decidedAt` (epoch ms from the same clock).
   * Resolves when they are done. An action already queued for the same job is not queued twice.
   */
  apply(actions: JobAction[], decidedAt: number): Promise<void> {
    const queued: Promise<void>[] = [];
    for (const action of actions) {
      const key = `${action.kind}:${action.jobId}`;
      if (this.pending.has(key)) continue;
      this.pending.add(key);
      this.chain = this.chain.then(() => this.run(action, decidedAt)).finally(() => this.pending.delete(key));
      queued.push(this.chain);
    }
    return Promise.all(queued).then(() => undefined);
  }

  /** Resolves once everything queued so far is done. */
  idle(): Promise<void> {
    return this.chain;
  }

  private async run(action: JobAction, decidedAt: number): Promise<void> {
    const current = this.jobs.current();
    // The job may have ended or changed while the action waited its turn.
    if (!current || current.jobId !== action.jobId) return;
    if (action.kind === 'freeze' && current.state === 'frozen') return;
    if (action.kind === 'thaw' && current.state === 'running') return;
    try {
      if (action.kind === 'freeze') await this.jobs.freeze(action.reason);
      else if (action.kind === 'thaw') await this.jobs.thaw();
      else await this.jobs.stop(action.reason);
      const done = { freeze: 'frozen', thaw: 'thawed', stop: 'stopped' } as const;
      this.emit({ jobId: action.jobId, action: done[action.kind], reason: action.reason, decidedAt });
      this.logger.info(`job ${done[action.kind]}`, { jobId: action.jobId, reason: action.reason });
    } catch (error) {
      this.logger.error(`could not ${action.kind} the job`, { jobId: action.jobId, error: error instanceof Error ? error.message : String(error) });
      this.emit({ jobId: action.jobId, action: 'failed', reason: `${action.kind}: ${error instanceof Error ? error.message : String(error)}`, decidedAt });
    }
  }

  private emit(event: { jobId: string; action: PreemptionEvent['action']; reason: string; decidedAt: number }): void {
    const now = this.clock.now();
    const payload: PreemptionEvent = {
      at: new Date(now).toISOString(),
      jobId: event.jobId,
      action: event.action,
      reason: event.reason,
      latencyMs: Math.max(0, now - event.decidedAt),
    };
    for (const listener of this.listeners) listener(payload);
  }
}
