/**
 * An `offhours <verb>` child process for tests and benchmarks, started from the built CLI and awaited until it
 * prints its one JSON ready line on stdout (the coordinator and the localnet both do). Its stderr is kept for
 * the error message when it fails to start.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The repository root: the nearest folder above this file (source or its build in dist/) with a package.json. */
function repositoryRoot(from = import.meta.dirname): string {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) if (existsSync(join(dir, 'package.json'))) return dir;
  throw new Error(`no package.json above ${from}`);
}

export interface ReadyProcess<T> {
  child: ChildProcess;
  /** The parsed ready line. */
  ready: T;
  /** Everything it wrote to stderr so far. */
  output(): string;
  /** SIGTERM, resolved once it exited. */
  stop(): Promise<void>;
}

export async function spawnReadyCli<T = { url: string }>(args: string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<ReadyProcess<T>> {
  const child = spawn(process.execPath, [join(repositoryRoot(), 'bin', 'offhours.js'), ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...options.env } });
  let output = '';
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const name = `offhours ${args[0] ?? ''}`;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const ready = await new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start within ${timeoutMs / 1000} s: ${output}`)), timeoutMs);
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const line = buffered.split('\n').find((text) => text.startsWith('{'));
      if (!line) return;
      clearTimeout(timer);
      resolve(JSON.parse(line) as T);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code ?? signal}) before it was ready: ${output}`));
    });
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return { child, ready, output: () => output, stop };
}
