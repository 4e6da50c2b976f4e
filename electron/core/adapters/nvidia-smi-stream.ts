import { spawn, type ChildProcess } from 'node:child_process';
import type { LineStreamHandlers, LineStreamLauncher } from '../ports.js';
import { LineSplitter } from '../schedule/gpu-streams.js';
import { nvidiaSmiCandidates } from './nvidia-smi.js';

/**
 * Starts nvidia-smi in a loop mode and hands its stdout over line by line; the only file that spawns the long-lived
 * streams. Tries each candidate path until one exists and then keeps to it. Should we die without stopping it, its
 * next write hits a closed pipe and ends it.
 */
export class NvidiaSmiStreamLauncher implements LineStreamLauncher {
  private found: string | null = null;

  constructor(private readonly candidates: string[] = nvidiaSmiCandidates()) {}

  start(args: readonly string[], handlers: LineStreamHandlers): { stop(): void } {
    let child: ChildProcess | null = null;
    let stopped = false;
    let ended = false;
    const end = (missing: boolean) => {
      if (ended || stopped) return;
      ended = true;
      handlers.onEnd({ missing });
    };
    const attempt = (files: string[]) => {
      const [file, ...rest] = files;
      if (file === undefined || stopped) return end(true);
      const splitter = new LineSplitter();
      const proc = spawn(file, args, { stdio: ['ignore', 'pipe', 'ignore'], windowsHide: true });
      child = proc;
      proc.stdout!.setEncoding('utf8');
      proc.stdout!.on('data', (chunk: string) => {
        if (stopped) return;
        for (const line of splitter.push(chunk)) handlers.onLine(line);
      });
      proc.once('error', (error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') {
          if (this.found === file) this.found = null;
          attempt(rest);
        } else end(false);
      });
      proc.once('spawn', () => (this.found = file));
      proc.once('close', (_code, _signal) => {
        // A failed spawn closes too; the 'error' handler has decided what follows then.
        if (proc.pid !== undefined) end(false);
      });
    };
    attempt(this.found ? [this.found] : this.candidates);
    return {
      stop: () => {
        stopped = true;
        child?.kill();
      },
    };
  }
}
