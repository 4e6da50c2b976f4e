import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HEALTH_PATH } from '../../../protocol/network.js';
import type { EmbeddedNetwork, EmbeddedNetworkLauncher } from '../network/ports.js';

export interface EmbeddedNetworkProcessOptions {
  /** How to run `offhours`: node and bin/offhours.js (the daemon passes its own). */
  execPath: string;
  cliPath: string;
  /** The coordinator may take this long to print its ready line (first start runs the database migrations). */
  readyTimeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

const OUTPUT_TAIL = 4000;

/**
 * The EmbeddedNetworkLauncher port on child_process: `offhours coordinator --embedded` in its own process (and
 * process group, so a Ctrl+C meant for the daemon does not kill it behind the supervisor's back; the daemon
 * stops it itself). Its stdin stays open as a lifeline: when the daemon dies, the pipe closes.
 */
export class EmbeddedNetworkProcess implements EmbeddedNetworkLauncher {
  constructor(private readonly options: EmbeddedNetworkProcessOptions) {}

  async start({ dataDir, port }: { dataDir: string; port: number }): Promise<EmbeddedNetwork> {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    // A daemon that crashed may have left its coordinator running on this data folder: use it rather than fight over the database.
    const leftover = await adoptLeftover(dataDir);
    if (leftover) return leftover;
    const child = spawn(this.options.execPath, [this.options.cliPath, 'coordinator', '--embedded', '--exit-with-stdin', '--data-dir', dataDir, '--port', String(port)], {
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: process.platform !== 'win32',
      env: { ...process.env, ...this.options.env },
      windowsHide: true,
    });
    const output = { text: '' };
    const keep = (chunk: Buffer) => (output.text = (output.text + chunk.toString('utf8')).slice(-OUTPUT_TAIL));
    child.stderr!.on('data', keep);
    const url = await waitForReady(child, output, this.options.readyTimeoutMs ?? 60_000);
    return childNetwork(child, url, output);
  }
}

function waitForReady(child: ChildProcess, output: { text: string }, timeoutMs: number): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let buffered = '';
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${why}${output.text.trim() ? `: ${output.text.trim().split('\n').slice(-3).join(' | ')}` : ''}`));
    };
    const timer = setTimeout(() => fail(`it did not say it was ready within ${Math.round(timeoutMs / 1000)} s`), timeoutMs);
    const onData = (chunk: Buffer) => {
      output.text = (output.text + chunk.toString('utf8')).slice(-OUTPUT_TAIL);
      buffered += chunk.toString('utf8');
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const url = readyUrl(buffered.slice(0, newline));
        buffered = buffered.slice(newline + 1);
        if (url) {
          clearTimeout(timer);
          child.stdout!.off('data', onData);
          child.off('exit', onEarlyExit);
          // Keep draining stdout so a chatty coordinator never blocks on a full pipe.
          child.stdout!.on('data', (more: Buffer) => (output.text = (output.text + more.toString('utf8')).slice(-OUTPUT_TAIL)));
          return resolve(url);
        }
      }
    };
    const onEarlyExit = (code: number | null, signal: string | null) => fail(`it exited before it was ready (${signal ?? `code ${code}`})`);
    child.stdout!.on('data', onData);
    child.once('exit', onEarlyExit);
    child.once('error', (error) => fail(`it could not be started (${error.message})`));
  });
}

/** The one JSON line the coordinator prints when it listens: {"ready":true,"url":"http://127.0.0.1:PORT",…}. */
export function readyUrl(line: string): string | null {
  try {
    const parsed = JSON.parse(line.trim()) as { ready?: unknown; url?: unknown };
    return parsed.ready === true && typeof parsed.url === 'string' && /^https?:\/\//.test(parsed.url) ? parsed.url : null;
  } catch {
    return null;
  }
}

function childNetwork(child: ChildProcess, url: string, output: { text: string }): EmbeddedNetwork {
  let stopping = false;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url,
    onExit: (listener) => {
      child.once('exit', (code, signal) => {
        if (!stopping) listener(`${signal ?? `exit code ${code}`}${output.text.trim() ? ` — ${output.text.trim().split('\n').slice(-2).join(' | ')}` : ''}`);
      });
    },
    stop: async () => {
      stopping = true;
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

async function adoptLeftover(dataDir: string): Promise<EmbeddedNetwork | null> {
  const file = join(dataDir, 'coordinator.json');
  if (!existsSync(file)) return null;
  let info: { url?: unknown; pid?: unknown };
  try {
    info = JSON.parse(readFileSync(file, 'utf8')) as typeof info;
  } catch {
    return null;
  }
  if (typeof info.url !== 'string' || typeof info.pid !== 'number' || !alive(info.pid)) return null;
  const healthy = await fetch(`${info.url.replace(/\/+$/, '')}${HEALTH_PATH}`, { signal: AbortSignal.timeout(2000) }).then((r) => r.ok, () => false);
  return healthy ? pidNetwork(info.pid, info.url) : null;
}

/** A coordinator we did not spawn (left from a crashed daemon): watched and stopped by pid. */
function pidNetwork(pid: number, url: string): EmbeddedNetwork {
  let stopping = false;
  let watch: ReturnType<typeof setInterval> | null = null;
  return {
    url,
    onExit: (listener) => {
      watch = setInterval(() => {
        if (alive(pid)) return;
        clearInterval(watch!);
        if (!stopping) listener('the coordinator process is gone');
      }, 2000);
      watch.unref();
    },
    stop: async () => {
      stopping = true;
      if (watch) clearInterval(watch);
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        return;
      }
      for (let i = 0; i < 100 && alive(pid); i++) await new Promise((resolve) => setTimeout(resolve, 100));
      if (alive(pid)) process.kill(pid, 'SIGKILL');
    },
  };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
