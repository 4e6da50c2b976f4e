/**
 * The CLI's way to the running Offhours: the same typed `ProviderApi` client the dashboard uses (protocol/rpc.ts),
 * over the daemon's HTTP (methods) and WebSocket (events) with the token from <data-dir>/daemon.json. Every answer
 * is parsed against the contract, so a verb never works on a cast.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { z } from 'zod';
import type { ProviderApi, ProviderEventName, ProviderMethodName } from '../../protocol/api.js';
import { createApiClient, eventNameOrNull, type ClientTransport } from '../../protocol/rpc.js';

const DaemonInfoSchema = z.object({ url: z.string(), port: z.number().int(), host: z.string(), token: z.string(), pid: z.number().int() });
export type DaemonInfo = z.infer<typeof DaemonInfoSchema>;

/** No running Offhours could be found or reached; verbs that need one print the message and exit 3. */
export class NoDaemonError extends Error {}

/** Most answers are immediate; these do real work first. */
const CALL_TIMEOUT_MS: Partial<Record<ProviderMethodName, number>> = {
  // SwiftShader's quick benchmark takes minutes on a slow CPU.
  runBenchmark: 15 * 60_000,
  // A first GPU scan runs nvidia-smi and reads the PCI bus: seconds, not milliseconds.
  detectGpus: 60_000,
};
const DEFAULT_CALL_TIMEOUT_MS = 5000;

/** Reads <data-dir>/daemon.json, written by `offhours headless` while it runs. */
export function readDaemonInfo(dataDir: string): DaemonInfo {
  const file = join(dataDir, 'daemon.json');
  if (!existsSync(file)) throw new NoDaemonError(`Offhours is not running (no ${file}).\n  Next: start it with "offhours headless --data-dir ${dataDir}" (or open the desktop app).`);
  const info = parseInfoFile(file);
  try {
    process.kill(info.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') {
      throw new NoDaemonError(`Offhours is not running (process ${info.pid} from ${file} is gone).\n  Next: start it with "offhours headless".`);
    }
  }
  return info;
}

function parseInfoFile(file: string): DaemonInfo {
  let text: unknown;
  try {
    text = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    text = null;
  }
  const parsed = DaemonInfoSchema.safeParse(text);
  if (!parsed.success) throw new NoDaemonError(`${file} is damaged, so the running Offhours cannot be found.\n  Next: restart it with "offhours headless" (it writes the file again).`);
  return parsed.data;
}

/** host:port to reach the daemon at from this machine (a wildcard listen address is reached over loopback). */
function daemonAddress(info: DaemonInfo): string {
  const host = info.host === '0.0.0.0' || info.host === '::' ? '127.0.0.1' : info.host.includes(':') ? `[${info.host}]` : info.host;
  return `${host}:${info.port}`;
}

function unreachable(info: DaemonInfo, error: Error): NoDaemonError {
  return new NoDaemonError(`Offhours did not answer at port ${info.port} (${error.message}).\n  Next: restart it with "offhours headless".`);
}

export interface DaemonClient {
  /** The running Offhours: refusals arrive as ApiCallError (message + next step), answers checked against the contract. */
  api: ProviderApi;
  /** Resolves once the event socket is open: events sent from then on reach the api's onX listeners. */
  eventsOpen(): Promise<void>;
  /** Closes the event socket, if one was opened. */
  close(): void;
}

export function connectDaemon(info: DaemonInfo): DaemonClient {
  const listeners = new Map<ProviderEventName, Set<(payload: unknown) => void>>();
  let socket: Promise<WebSocket> | null = null;
  const openSocket = () => (socket ??= openEventSocket(info, (event, payload) => listeners.get(event)?.forEach((listener) => listener(payload))));
  const transport: ClientTransport = {
    invoke: (method, input) => invokeOverHttp(info, method, input),
    subscribe(event, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener);
      // Opening is reported through eventsOpen(); a listener alone must not leave a rejection unhandled.
      openSocket().catch(() => undefined);
      return () => set.delete(listener);
    },
  };
  return {
    api: createApiClient(transport),
    eventsOpen: async () => void (await openSocket()),
    close: () => void socket?.then((open) => open.close(), () => undefined),
  };
}

/** One method call over HTTP; what comes back is left to the typed client to check. */
async function invokeOverHttp(info: DaemonInfo, method: ProviderMethodName, input: unknown): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(`http://${daemonAddress(info)}/api/rpc/${method}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${info.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(input === undefined ? {} : { input }),
      signal: AbortSignal.timeout(CALL_TIMEOUT_MS[method] ?? DEFAULT_CALL_TIMEOUT_MS),
    });
  } catch (error) {
    throw unreachable(info, error as Error);
  }
  // Not JSON is an answer the client does not understand, and says so; null carries that to it.
  return response.json().catch(() => null);
}

async function openEventSocket(info: DaemonInfo, deliver: (event: ProviderEventName, payload: unknown) => void): Promise<WebSocket> {
  const socket = new WebSocket(`ws://${daemonAddress(info)}/api/events`, { headers: { authorization: `Bearer ${info.token}` }, handshakeTimeout: 5000 });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', (error) => reject(unreachable(info, error)));
  });
  socket.on('message', (data) => {
    const frame = parseFrame(String(data));
    const event = eventNameOrNull(String(frame?.event));
    if (event) deliver(event, frame?.payload);
  });
  // A socket error after the start only ends the listening; each call reports its own outcome.
  socket.on('error', () => undefined);
  return socket;
}

function parseFrame(text: string): { event?: unknown; payload?: unknown } | null {
  try {
    return JSON.parse(text) as { event?: unknown; payload?: unknown };
  } catch {
    return null;
  }
}
