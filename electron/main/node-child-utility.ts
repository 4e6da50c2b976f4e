import { utilityProcess, type UtilityProcess } from 'electron';
import type { NodeChild, NodeChildEnd, NodeChildLauncher, NodeChildOptions } from '../core/ports.js';
import { ChildEnd } from '../core/adapters/node-child-end.js';

/**
 * Node children of the desktop app through Electron's utilityProcess: the app's binary never runs as plain Node
 * (the RunAsNode fuse is off), so child_process.fork would start another copy of the app instead. A utility
 * process loads the module with Node's ESM loader, sees the same process.argv layout as a forked child
 * ([execPath, module, ...args]) and talks through process.parentPort (core/adapters/parent-channel.ts); Chromium
 * ends it when the app ends.
 */
export class UtilityProcessLauncher implements NodeChildLauncher {
  fork(modulePath: string, args: readonly string[], options: NodeChildOptions): NodeChild {
    try {
      return new UtilityChild(utilityProcess.fork(modulePath, [...args], { env: options.env, stdio: ['ignore', options.output, options.output], serviceName: options.name }));
    } catch (error) {
      return new NeverStarted(error instanceof Error ? error : new Error(String(error)));
    }
  }
}

class UtilityChild implements NodeChild {
  private readonly end = new ChildEnd();
  /** Messages sent before the process is up wait here. */
  private pending: unknown[] | null = [];

  constructor(private readonly child: UtilityProcess) {
    child.once('spawn', () => {
      const queued = this.pending ?? [];
      this.pending = null;
      for (const message of queued) child.postMessage(message);
    });
    child.once('exit', (code) => {
      this.pending = null;
      this.end.settle({ code, signal: null, error: null });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get ended(): boolean {
    return this.end.ended;
  }

  send(message: unknown): void {
    if (this.end.ended) return;
    if (this.pending) this.pending.push(message);
    else this.child.postMessage(message);
  }

  onMessage(listener: (message: unknown) => void): void {
    this.child.on('message', listener);
  }

  onStdout(listener: (text: string) => void): void {
    this.child.stdout?.on('data', (chunk: Buffer) => listener(chunk.toString('utf8')));
  }

  onStderr(listener: (text: string) => void): void {
    this.child.stderr?.on('data', (chunk: Buffer) => listener(chunk.toString('utf8')));
  }

  onEnd(listener: (end: NodeChildEnd) => void): void {
    this.end.listen(listener);
  }

  kill(signal: 'SIGTERM' | 'SIGKILL'): void {
    if (this.end.ended) return;
    const pid = this.child.pid;
    // kill() is SIGTERM; a child stuck in a driver call may ignore that, so SIGKILL goes to its pid.
    if (signal === 'SIGKILL' && pid !== undefined && process.platform !== 'win32') process.kill(pid, 'SIGKILL');
    else this.child.kill();
  }
}

/** utilityProcess.fork threw (called before the app was ready, or a bad path): ended from the start. */
class NeverStarted implements NodeChild {
  readonly pid = undefined;
  readonly ended = true;
  constructor(private readonly error: Error) {}
  send(): void {}
  onMessage(): void {}
  onStdout(): void {}
  onStderr(): void {}
  onEnd(listener: (end: NodeChildEnd) => void): void {
    // Later, as a real child's end would be: callers set up their timers after fork() returns.
    setImmediate(() => listener({ code: null, signal: null, error: this.error }));
  }
  kill(): void {}
}
