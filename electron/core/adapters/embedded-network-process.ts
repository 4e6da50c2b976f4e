import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HEALTH_PATH } from '../../../protocol/network.js';
import type { EmbeddedNetwork, EmbeddedNetworkLauncher } from '../network/ports.js';
import type { NodeChild, NodeChildLauncher } from '../ports.js';
import { nodeForkLauncher } from './node-child-fork.js';

export interface EmbeddedNetworkProcessOptions {
  /** bin/offhours.js, run as a Node child. */
  cliPath: string;
  /** Starts it (default: child_process.fork; the desktop app passes its utilityProcess launcher). */
  children?: NodeChildLauncher;
  /** The coordinator may take this long to print its ready line (first start runs the database migrations). */
  readyTimeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

const OUTPUT_TAIL = 4000;

/**
 * The EmbeddedNetworkLauncher port: `offhours coordinator --embedded` as a Node child (its own process group where
 * forked, so a Ctrl+C meant for the daemon does not kill it behind the supervisor's back; the daemon stops it
 * itself). `--exit-with-parent` is its lifeline: a forked child stops when the IPC channel to a dead daemon closes;
 * Chromium ends a utility process with the app.
 */
export class EmbeddedNetworkProcess implements EmbeddedNetworkLauncher {
  constructor(private readonly options: EmbeddedNetworkProcessOptions) {}

  async start({ dataDir, port }: { dataDir: string; port: number }): Promise<EmbeddedNetwork> {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    // A daemon that crashed may have left its coordinator running on this data folder: use it rather than fight over the database.
    const leftover = await adoptLeftover(dataDir);
    if (leftover) return leftover;
    const args = ['coordinator', '--embedded', '--exit-with-parent', '--data-dir', dataDir, '--port', String(port)];
    const child = (this.options.children ?? nodeForkLauncher).fork(this.options.cliPath, args, { env: { ...process.env, ...this.options.env }, name: 'Offhours network', output: 'pipe', detached: true });
    const output = { text: '' };
    child.onStderr((text) => (output.text = (output.text + text).slice(-OUTPUT_TAIL)));
    const url = await waitForReady(child, output, this.options.readyTimeoutMs ?? 60_000);
    return childNetwork(child, url, output);
  }
}

function waitForReady(child: NodeChild, output: { text: string }, timeoutMs: number): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let buffered = '';
    let ready = false;
    const fail = (why: string) => {
      if (ready) return;
      ready = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${why}${output.text.trim() ? `: ${output.text.trim().split('\n').slice(-3).join(' | ')}` : ''}`));
    };
    const timer = setTimeout(() => fail(`it did not say it was ready within ${Math.round(timeoutMs / 1000)} s`), timeoutMs);
    // Read for as long as it lives: the ready line first, then a tail of what it says (a full pipe would block it).
    child.onStdout((text) => {
      output.text = (output.text + text).slice(-OUTPUT_TAIL);
      if (ready) return;
      buffered += text;
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const url = readyUrl(buffered.slice(0, newline));
        buffered = buffered.slice(newline + 1);
        if (url) {
          ready = true;
          clearTimeout(timer);
          return resolve(url);
        }
      }
    });
    child.onEnd(({ code, signal, error }) => fail(error ? `it could not be started (${error.message})` : `it exited before it was ready (${signal ?? `code ${code}`})`));
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

function childNetwork(child: NodeChild, url: string, output: { text: string }): EmbeddedNetwork {
  let stopping = false;
  const exited = new Promise<void>((resolve) => child.onEnd(() => resolve()));
  return {
    url,
    onExit: (listener) => {
      child.onEnd(({ code, signal }) => {
        if (!stopping) listener(`${signal ?? `exit code ${code}`}${output.text.trim() ? ` — ${output.text.trim().split('\n').slice(-2).join(' | ')}` : ''}`);
      });
    },
    stop: async () => {
      stopping = true;
      if (child.ended) return;
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
