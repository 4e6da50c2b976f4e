/**
 * `offhours localnet`: a local Solana (LiteSVM behind JSON-RPC) in this process until it is asked to stop.
 * One ready line on stdout, `{"ready":true,"url":"http://127.0.0.1:PORT"}`; state in <data-dir> (default
 * <Offhours data folder>/localnet), kept across restarts, one node per folder.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { FolderLockedError } from './folder-lock.js';
import { DEFAULT_LOCALNET_PORT, startLocalnet, type RunningLocalnet } from './server.js';
import { LocalnetDataError } from './store.js';

export { startLocalnet, type LocalnetOptions, type RunningLocalnet } from './server.js';

export const LOCALNET_USAGE = 'offhours localnet [--port P] [--host H] [--data-dir D] [--exit-with-stdin]';

export interface LocalnetProcessIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Resolves when the process is asked to stop (SIGTERM/SIGINT, or stdin closing). */
  stopRequested: () => Promise<void>;
}

interface LocalnetArgs {
  host: string;
  port: number;
  dataDir: string;
}

class UsageError extends Error {}

function parseLocalnetArgs(argv: string[], defaultDataDir: string): LocalnetArgs {
  let values: { port?: string | undefined; host?: string | undefined; 'data-dir'?: string | undefined };
  try {
    ({ values } = parseArgs({ args: argv, options: { port: { type: 'string' }, host: { type: 'string' }, 'data-dir': { type: 'string' } }, strict: true, allowPositionals: false }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const port = values.port === undefined ? DEFAULT_LOCALNET_PORT : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new UsageError(`--port must be a whole number from 0 to 65535 (0 picks a free port), not "${values.port}".`);
  return { host: values.host || '127.0.0.1', port, dataDir: values['data-dir'] || join(defaultDataDir, 'localnet') };
}

function startFailure(error: unknown, args: LocalnetArgs): string {
  if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') return `Port ${args.port} is already in use (is a local Solana already running?). Pass --port with another number, or 0 for any free port.`;
  if (error instanceof FolderLockedError || error instanceof LocalnetDataError) return error.message;
  return `The local Solana could not start: ${error instanceof Error ? error.message : String(error)}`;
}

/** Parses, starts, prints the ready line, and closes cleanly (snapshot, unlock) when asked to stop. */
export async function runLocalnetProcess(argv: string[], _env: Record<string, string | undefined>, defaultDataDir: string, io: LocalnetProcessIo): Promise<number> {
  let args: LocalnetArgs;
  try {
    args = parseLocalnetArgs(argv, defaultDataDir);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr(`${error.message}\nUsage: ${LOCALNET_USAGE}\n`);
    return 2;
  }
  let running: RunningLocalnet;
  try {
    running = await startLocalnet({ host: args.host, port: args.port, dataDir: args.dataDir, log: (line) => io.stderr(`${line}\n`) });
  } catch (error) {
    io.stderr(`${startFailure(error, args)}\n`);
    return 1;
  }
  io.stdout(`${JSON.stringify({ ready: true, url: running.url })}\n`);
  await io.stopRequested();
  await running.close();
  return 0;
}
