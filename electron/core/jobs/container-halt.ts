import type { ContainerEngine, ContainerStatus } from './ports.js';

/**
 * Stopping a guest for sure. A guest that misbehaves (a fork bomb filling its memory) can make the engine's
 * own stop request fail after minutes (Podman: HTTP 500 "timed out waiting for file …/exits/…"), so no single
 * request is trusted: each step is checked against what the engine reports, an engine call that does not
 * answer in time is given up on, and the harsher steps are retried with back-off until the container is gone.
 */
export interface HaltPlan {
  /** SIGTERM → SIGKILL window of a polite stop; 0 kills at once (a job past its limit gets no grace). */
  graceSeconds: number;
  /** An engine call that has not answered by then is given up on, and the next, harsher step is tried. */
  stepTimeoutMs: number;
  /** Waits between rounds of kill → forced remove: one more round per entry. */
  backoffMs: number[];
}

export const DEFAULT_HALT_PLAN: HaltPlan = { graceSeconds: 10, stepTimeoutMs: 15_000, backoffMs: [1000, 2000, 4000, 8000, 16_000] };

export interface HaltReport {
  /** The container as seen once it had stopped (exit code, OOM), or null when it had to be removed to stop it. */
  stopped: ContainerStatus | null;
  /** The engine no longer knows the container: nothing of it runs. */
  gone: boolean;
  /** Each step that failed, in order, for the log. */
  failures: string[];
}

export type Sleep = (ms: number) => Promise<void>;

export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Stop (with grace) → kill → forced remove, each checked by inspecting; kill and remove retried with back-off. */
export async function haltContainer(engine: ContainerEngine, id: string, plan: HaltPlan, sleep: Sleep = realSleep): Promise<HaltReport> {
  const steps = new Steps(engine, id, plan.stepTimeoutMs);
  let seen = await steps.look();
  if (seen === null) return steps.report(null, true);
  // Signals wait while a guest is frozen: thaw it first.
  if (seen?.state === 'paused') await steps.attempt('unpause', () => engine.unpauseContainer(id));
  if (plan.graceSeconds > 0) await steps.attempt('stop', () => engine.stopContainer(id, plan.graceSeconds), plan.graceSeconds * 1000);
  for (let round = 0; ; round++) {
    seen = await steps.look();
    if (seen === null) return steps.report(null, true);
    if (seen && hasStopped(seen)) return steps.report(seen, false);
    await steps.attempt('kill', () => engine.killContainer(id));
    seen = await steps.look();
    if (seen === null) return steps.report(null, true);
    if (seen && hasStopped(seen)) return steps.report(seen, false);
    await steps.attempt('forced remove', () => engine.removeContainer(id));
    if ((await steps.look()) === null) return steps.report(null, true);
    if (round >= plan.backoffMs.length) return steps.report(null, false);
    await sleep(plan.backoffMs[round]!);
  }
}

/** Forced remove, checked by inspecting, retried with back-off. True once the engine no longer knows the container. */
export async function removeContainerSurely(engine: ContainerEngine, id: string, plan: HaltPlan, sleep: Sleep = realSleep): Promise<HaltReport> {
  const steps = new Steps(engine, id, plan.stepTimeoutMs);
  for (let round = 0; ; round++) {
    await steps.attempt('forced remove', () => engine.removeContainer(id));
    if ((await steps.look()) === null) return steps.report(null, true);
    if (round >= plan.backoffMs.length) return steps.report(null, false);
    await sleep(plan.backoffMs[round]!);
  }
}

function hasStopped(status: ContainerStatus): boolean {
  return status.state === 'exited' || status.state === 'dead' || status.state === 'created';
}

/** Engine calls with a deadline, their failures collected. */
class Steps {
  readonly failures: string[] = [];
  constructor(
    private readonly engine: ContainerEngine,
    private readonly id: string,
    private readonly timeoutMs: number,
  ) {}

  async attempt(what: string, call: () => Promise<void>, extraMs = 0): Promise<boolean> {
    try {
      await withDeadline(call(), this.timeoutMs + extraMs, what);
      return true;
    } catch (error) {
      this.failures.push(`${what}: ${(error as Error)?.message ?? String(error)}`);
      return false;
    }
  }

  /** The container now; null when the engine no longer knows it; undefined when the engine did not answer. */
  async look(): Promise<ContainerStatus | null | undefined> {
    try {
      return await withDeadline(this.engine.inspectContainer(this.id), this.timeoutMs, 'inspect');
    } catch (error) {
      this.failures.push(`inspect: ${(error as Error)?.message ?? String(error)}`);
      return undefined;
    }
  }

  report(stopped: ContainerStatus | null, gone: boolean): HaltReport {
    return { stopped, gone, failures: this.failures };
  }
}

function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${Math.round(ms / 1000)} s`)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
