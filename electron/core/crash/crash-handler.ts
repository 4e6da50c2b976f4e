import type { CrashHistoryStore, Logger } from '../ports.js';
import { decideRelaunch, DEFAULT_RELAUNCH_POLICY, type RelaunchPolicy } from './relaunch-policy.js';

export interface CrashHandlerDeps {
  history: CrashHistoryStore;
  logger: Logger;
  now(): number;
  /** Starts this app again after `delayMs` and exits this process (Electron: app.relaunch() + app.exit()). */
  relaunchAfter(delayMs: number): void;
  /** Tells the owner why it stopped and what to do (a dialog), then exits without relaunching. */
  giveUp(reason: string, nextStep: string): void;
  policy?: RelaunchPolicy;
}

/**
 * What the desktop shell does with an uncaught main-process error: logs it, records it in the crash history (on
 * disk, so the back-off survives the relaunch) and relaunches or gives up as relaunch-policy.ts decides. Further
 * errors while a relaunch is pending belong to the same crash and are only logged.
 */
export class CrashHandler {
  private pending = false;

  constructor(private readonly deps: CrashHandlerDeps) {}

  onCrash(error: unknown): void {
    this.deps.logger.error('the main process crashed', { error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    if (this.pending) return;
    this.pending = true;
    const decision = decideRelaunch(this.deps.history.load(), this.deps.now(), this.deps.policy ?? DEFAULT_RELAUNCH_POLICY);
    try {
      this.deps.history.save(decision.history);
    } catch (saveError) {
      // A full disk must not turn one crash into a crash loop without back-off: say so and go on.
      this.deps.logger.warn('could not record the crash', { error: String(saveError) });
    }
    if (decision.kind === 'give-up') {
      this.deps.logger.error('not relaunching', { reason: decision.reason });
      this.deps.giveUp(decision.reason, decision.nextStep);
      return;
    }
    this.deps.logger.warn('relaunching after a crash', { delayMs: decision.delayMs });
    this.deps.relaunchAfter(decision.delayMs);
  }
}
