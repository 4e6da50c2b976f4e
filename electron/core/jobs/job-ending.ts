import type { JobOutcomeKind } from '../../../protocol/job-spec.js';

/** What the runner knows once a guest has stopped. */
export interface JobEnding {
  /** The time limit stopped it. */
  timedOut: boolean;
  /** Someone asked it to stop (the owner, the scheduler, a quit), with their words. */
  stopReason: string | null;
  /** The exit as the engine reported it; null when unknown (the container had to be removed to stop it). */
  exit: { code: number | null; oomKilled: boolean } | null;
  memoryMiB: number;
  maxDurationSeconds: number;
  /** The sha256 of all of stdout, or why there is none. */
  output: { digest: string } | { digest: null; why: string };
  /** The engine would not let go of the container: it is left for the next start to remove. */
  leftBehind: boolean;
}

export interface JobVerdict {
  outcome: JobOutcomeKind;
  exitCode: number | null;
  reason: string | null;
  outputDigest: string | null;
}

/** Said when the engine would not let go of a job's container (reconcile removes leftovers at the next start). */
export const LEFT_BEHIND_NOTE = 'The container engine would not remove the job’s container; Offhours removes it at its next start.';

/** SIGKILL: what the kernel's OOM killer sends, and what a kill by the engine sends. */
const KILLED = 137;

/** How a job ended, in words a gamer can read. Pure. */
export function judgeEnding(ending: JobEnding): JobVerdict {
  const code = ending.exit?.code ?? null;
  const { outcome, reason } = outcomeOf(ending, code);
  const notes = [
    reason,
    ending.output.digest === null ? `No output digest: ${ending.output.why}` : null,
    ending.leftBehind ? LEFT_BEHIND_NOTE : null,
  ].filter((note): note is string => note !== null);
  return { outcome, exitCode: code, reason: notes.length ? notes.join(' ') : null, outputDigest: ending.output.digest };
}

function outcomeOf(ending: JobEnding, code: number | null): { outcome: JobOutcomeKind; reason: string | null } {
  if (ending.timedOut) return { outcome: 'timed-out', reason: `The job ran past its limit of ${ending.maxDurationSeconds} s and was stopped.` };
  if (ending.stopReason !== null) return { outcome: 'stopped', reason: ending.stopReason };
  if (ending.exit?.oomKilled) return { outcome: 'failed', reason: `The job ran out of its ${ending.memoryMiB} MiB memory limit and was killed.` };
  if (code === 0) return { outcome: 'succeeded', reason: null };
  if (code === null) return { outcome: 'failed', reason: 'The job stopped, but the container engine did not say how (no exit code).' };
  // Podman does not always flag an OOM kill (cgroup v1); a SIGKILL nobody here sent is almost always one.
  if (code === KILLED) return { outcome: 'failed', reason: `The job was killed (exit code 137, SIGKILL), most likely because it ran out of its ${ending.memoryMiB} MiB memory limit.` };
  return { outcome: 'failed', reason: `The job exited with code ${code}.` };
}
