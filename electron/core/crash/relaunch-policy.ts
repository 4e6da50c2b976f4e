/**
 * What to do after the desktop app's main process crashed, pure (crash times and now come in): relaunch after a
 * back-off that doubles with each recent crash, or give up once it keeps crashing, so a broken install does not
 * restart forever and the owner is told why instead.
 */

export interface RelaunchPolicy {
  /** Crashes older than this are forgotten. */
  windowMs: number;
  /** This many crashes inside the window (this one included) and we stop relaunching. */
  maxCrashes: number;
  /** The wait before the first relaunch; doubled for each further crash in the window. */
  firstDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RELAUNCH_POLICY: RelaunchPolicy = { windowMs: 10 * 60 * 1000, maxCrashes: 4, firstDelayMs: 2_000, maxDelayMs: 60_000 };

export type RelaunchDecision =
  | { kind: 'relaunch'; delayMs: number; history: number[] }
  | { kind: 'give-up'; reason: string; nextStep: string; history: number[] };

/** Adds this crash to the recent ones and decides; `history` is what to keep on disk for the next crash. */
export function decideRelaunch(previous: readonly number[], now: number, policy: RelaunchPolicy = DEFAULT_RELAUNCH_POLICY): RelaunchDecision {
  const history = [...previous.filter((at) => Number.isFinite(at) && at <= now && now - at < policy.windowMs), now].sort((a, b) => a - b);
  if (history.length >= policy.maxCrashes) {
    const minutes = Math.round(policy.windowMs / 60_000);
    return {
      kind: 'give-up',
      reason: `Offhours stopped unexpectedly ${history.length} times in ${minutes} minutes, so it was not restarted again.`,
      nextStep: 'Start Offhours yourself once; if it stops again, use Settings → Reveal logs (or "offhours logs") and send the log file with a bug report.',
      // Forget them: the owner's own start afterwards begins a fresh count.
      history: [],
    };
  }
  const delayMs = Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** (history.length - 1));
  return { kind: 'relaunch', delayMs, history };
}
