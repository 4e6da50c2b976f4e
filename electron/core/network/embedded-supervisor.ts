import type { Logger } from '../ports.js';
import { backoffDelay, RESTART_BACKOFF } from './backoff.js';
import type { EmbeddedNetwork, EmbeddedNetworkLauncher, Timers } from './ports.js';

export interface EmbeddedSupervisorEvents {
  /** The coordinator is up at this URL (first start and every restart). */
  onReady(url: string): void;
  /** It died or could not start; it is tried again after `delayMs`. */
  onDown(detail: string, delayMs: number): void;
}

/**
 * Keeps the embedded coordinator (a child process in <data dir>/network, so its CPU and memory are its own)
 * running: starts it, restarts it with back-off when it dies, stops it at quit. A restart asks for the port it
 * had, so the URL the link reconnects to stays the same; if that port is taken it takes any free one.
 */
export class EmbeddedSupervisor {
  private running: EmbeddedNetwork | null = null;
  private port = 0;
  private failures = 0;
  private timer: unknown = null;
  private stopped = false;
  private launching: Promise<void> | null = null;

  constructor(
    private readonly deps: { launcher: EmbeddedNetworkLauncher; dataDir: string; logger: Logger; timers: Timers; random: () => number },
    private readonly events: EmbeddedSupervisorEvents,
  ) {}

  start(): void {
    this.stopped = false;
    this.relaunch();
  }

  private relaunch(): void {
    this.launching = this.launch().finally(() => {
      this.launching = null;
    });
  }

  private async launch(): Promise<void> {
    this.timer = null;
    if (this.stopped) return;
    let network: EmbeddedNetwork;
    try {
      network = await this.deps.launcher.start({ dataDir: this.deps.dataDir, port: this.port });
    } catch (error) {
      // The old port may be held by something else now: the next try takes any free port.
      if (this.port !== 0 && this.failures >= 1) this.port = 0;
      return this.down(`the local test network could not start: ${(error as Error).message}`);
    }
    if (this.stopped) return network.stop();
    this.running = network;
    this.failures = 0;
    this.port = portOf(network.url) ?? 0;
    network.onExit((detail) => {
      if (this.running !== network) return;
      this.running = null;
      if (!this.stopped) this.down(`the local test network stopped: ${detail}`);
    });
    this.events.onReady(network.url);
  }

  private down(detail: string): void {
    if (this.stopped) return;
    const delayMs = backoffDelay(this.failures++, this.deps.random(), RESTART_BACKOFF);
    this.deps.logger.warn(detail, { retryInMs: delayMs });
    this.events.onDown(detail, delayMs);
    this.timer = this.deps.timers.setTimeout(() => this.relaunch(), delayMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) this.deps.timers.clearTimeout(this.timer);
    this.timer = null;
    // A launch in flight stops what it started as soon as it sees `stopped`; wait for that.
    await this.launching;
    const running = this.running;
    this.running = null;
    await running?.stop();
  }
}

function portOf(url: string): number | null {
  const match = /:(\d+)(?:\/|$)/.exec(url.replace(/^[a-z]+:\/\//i, ''));
  return match ? Number(match[1]) : null;
}
