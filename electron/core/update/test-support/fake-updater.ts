import type { Updater, UpdaterEvent } from '../../ports.js';

/** An updater the test speaks for: counts checks, records what install-on-quit was set to. */
export class FakeUpdater implements Updater {
  checks = 0;
  installOnQuit: boolean[] = [];
  private listener: ((event: UpdaterEvent) => void) | null = null;
  async check(): Promise<void> {
    this.checks++;
  }
  setInstallOnQuit(allowed: boolean): void {
    this.installOnQuit.push(allowed);
  }
  onEvent(listener: (event: UpdaterEvent) => void): () => void {
    this.listener = listener;
    return () => (this.listener = null);
  }
  say(event: UpdaterEvent): void {
    this.listener?.(event);
  }
}
