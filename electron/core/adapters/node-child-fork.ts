import { fork, type ChildProcess } from 'node:child_process';
import type { NodeChild, NodeChildEnd, NodeChildLauncher, NodeChildOptions } from '../ports.js';
import { ChildEnd } from './node-child-end.js';

/**
 * Node children under plain Node (the daemon, the CLI, tests): child_process.fork with an IPC channel using the
 * structured-clone ("advanced") serialization, so typed arrays cross as they are. The desktop app uses Electron's
 * utilityProcess instead (electron/main/node-child-utility.ts).
 */
export class NodeForkLauncher implements NodeChildLauncher {
  fork(modulePath: string, args: readonly string[], options: NodeChildOptions): NodeChild {
    const child = fork(modulePath, [...args], {
      env: options.env,
      serialization: 'advanced',
      stdio: ['ignore', options.output, options.output, 'ipc'],
      detached: Boolean(options.detached) && process.platform !== 'win32',
    });
    return new ForkedChild(child);
  }
}

/** The launcher both shells use unless they pass another. */
export const nodeForkLauncher = new NodeForkLauncher();

class ForkedChild implements NodeChild {
  private readonly end = new ChildEnd();

  constructor(private readonly child: ChildProcess) {
    // 'close' comes after the IPC channel drained, so a message sent just before exit is never lost.
    child.once('close', (code, signal) => this.end.settle({ code, signal, error: null }));
    child.once('error', (error) => {
      // A child that never started gets no 'close'.
      if (child.pid === undefined) this.end.settle({ code: null, signal: null, error });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get ended(): boolean {
    return this.end.ended;
  }

  send(message: unknown): void {
    if (this.child.connected) this.child.send(message as never);
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
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
  }
}
