import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import type { Availability } from '../../../protocol/availability.js';
import { dataDirOption, jsonOption, parseCli, printJson, resolveDataDir, UsageError, type CliCommand } from '../cli-kit.js';

interface DaemonInfo {
  url: string;
  port: number;
  host: string;
  token: string;
  pid: number;
}

export class NoDaemonError extends Error {}

/** The daemon answered, and refused the request (bad input, a rule): the message says why and what to do. */
export class DaemonRefusedError extends NoDaemonError {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

/** Reads <data-dir>/daemon.json, written by `offhours headless` while it runs. */
export function readDaemonInfo(dataDir: string): DaemonInfo {
  const file = join(dataDir, 'daemon.json');
  if (!existsSync(file)) throw new NoDaemonError(`Offhours is not running (no ${file}).\n  Next: start it with "offhours headless --data-dir ${dataDir}" (or open the desktop app).`);
  const info = JSON.parse(readFileSync(file, 'utf8')) as DaemonInfo;
  try {
    process.kill(info.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') {
      throw new NoDaemonError(`Offhours is not running (process ${info.pid} from ${file} is gone).\n  Next: start it with "offhours headless".`);
    }
  }
  return info;
}

/** host:port to reach the daemon at from this machine (a wildcard listen address is reached over loopback). */
function daemonAddress(info: DaemonInfo): string {
  const host = info.host === '0.0.0.0' || info.host === '::' ? '127.0.0.1' : info.host.includes(':') ? `[${info.host}]` : info.host;
  return `${host}:${info.port}`;
}

/** Calls one ProviderApi method on the running daemon with its token. Long calls (a benchmark) pass their own timeout. */
export async function callDaemon(info: DaemonInfo, method: string, input?: unknown, timeoutMs = 5000): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(`http://${daemonAddress(info)}/api/rpc/${method}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${info.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(input === undefined ? {} : { input }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    throw new NoDaemonError(`Offhours did not answer at port ${info.port} (${(error as Error).message}).\n  Next: restart it with "offhours headless".`);
  }
  const body = (await response.json()) as { ok: boolean; value?: unknown; error?: { code?: string; message: string; nextStep: string | null } };
  if (!body.ok) throw new DaemonRefusedError(`${body.error?.message ?? 'The request failed.'}${body.error?.nextStep ? `\n  Next: ${body.error.nextStep}` : ''}`, body.error?.code ?? 'unknown');
  return body.value;
}

/**
 * Listens to the daemon's ProviderApi events (the dashboard's WebSocket) while a long call runs, e.g. benchProgress
 * during runBenchmark. Resolves once connected; close() stops listening.
 */
export async function listenToDaemon(info: DaemonInfo, listener: (event: string, payload: unknown) => void): Promise<{ close(): void }> {
  const socket = new WebSocket(`ws://${daemonAddress(info)}/api/events`, { headers: { authorization: `Bearer ${info.token}` }, handshakeTimeout: 5000 });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', (error) => reject(new NoDaemonError(`Offhours did not answer at port ${info.port} (${error.message}).\n  Next: restart it with "offhours headless".`)));
  });
  socket.on('message', (data) => {
    const frame = JSON.parse(String(data)) as { event?: unknown; payload?: unknown };
    if (typeof frame.event === 'string') listener(frame.event, frame.payload);
  });
  // A socket error after the start only ends the listening; the call itself reports its own outcome.
  socket.on('error', () => undefined);
  return { close: () => socket.close() };
}

export function formatAvailability(availability: Availability | null): string {
  if (!availability) return 'Offhours is starting; the scheduler has not taken its first sample yet.\n';
  const lines = [`${availability.now}`];
  if (availability.next) lines.push(`  Next: ${availability.next}`);
  lines.push(`  State: ${availability.state} (${availability.reason}${availability.detail ? `: ${availability.detail}` : ''}) since ${availability.since}`);
  return `${lines.join('\n')}\n`;
}

async function withDaemon(argv: string[], extra: Record<string, { type: 'string' | 'boolean' }>, run: (info: DaemonInfo, values: Record<string, unknown>) => Promise<number>): Promise<number> {
  const { values } = parseCli(argv, { ...dataDirOption, ...jsonOption, ...extra });
  try {
    return await run(readDaemonInfo(resolveDataDir(values['data-dir'])), values);
  } catch (error) {
    if (error instanceof NoDaemonError) {
      process.stderr.write(`${error.message}\n`);
      return 3;
    }
    throw error;
  }
}

export const statusCommand: CliCommand = {
  name: 'status',
  usage: 'offhours status [--data-dir DIR] [--json]',
  run: (argv) =>
    withDaemon(argv, {}, async (info, values) => {
      const state = (await callDaemon(info, 'getState')) as { availability: Availability | null };
      if (values.json) printJson(state.availability);
      else process.stdout.write(formatAvailability(state.availability));
      return 0;
    }),
};

/** "1h", "90m", "2h30m" → minutes. */
export function parseDuration(text: string): number {
  const match = /^(?:(\d+)h)?(?:(\d+)m)?$/.exec(text.trim());
  const minutes = match && (match[1] || match[2]) ? Number(match[1] ?? 0) * 60 + Number(match[2] ?? 0) : NaN;
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > 7 * 24 * 60) throw new UsageError(`--for takes a duration like 1h, 30m or 2h30m (up to a week), not "${text}"`);
  return minutes;
}

export const pauseCommand: CliCommand = {
  name: 'pause',
  usage: 'offhours pause [--for 1h | --until-tomorrow | --until-resume] [--data-dir DIR] [--json]',
  run: (argv) =>
    withDaemon(argv, { for: { type: 'string' }, 'until-tomorrow': { type: 'boolean' }, 'until-resume': { type: 'boolean' } }, async (info, values) => {
      const chosen = [values.for !== undefined, values['until-tomorrow'] === true, values['until-resume'] === true].filter(Boolean).length;
      if (chosen > 1) throw new UsageError('choose one of --for, --until-tomorrow, --until-resume');
      const request =
        values['until-tomorrow'] === true
          ? { kind: 'until-tomorrow' }
          : values['until-resume'] === true
            ? { kind: 'until-resume' }
            : { kind: 'for', minutes: parseDuration(typeof values.for === 'string' ? values.for : '1h') };
      const settings = (await callDaemon(info, 'pauseEarning', request)) as { schedule: { pausedUntil: string | null } };
      const until = settings.schedule.pausedUntil;
      if (values.json) printJson({ pausedUntil: until });
      else process.stdout.write(until === 'forever' ? 'Paused until you run "offhours resume".\n' : `Paused until ${new Date(until!).toLocaleString()}.\n`);
      return 0;
    }),
};

export const resumeCommand: CliCommand = {
  name: 'resume',
  usage: 'offhours resume [--data-dir DIR] [--json]',
  run: (argv) =>
    withDaemon(argv, {}, async (info, values) => {
      await callDaemon(info, 'resumeEarning');
      const state = (await callDaemon(info, 'getState')) as { availability: Availability | null };
      if (values.json) printJson({ pausedUntil: null });
      else process.stdout.write(`Resumed.\n${formatAvailability(state.availability)}`);
      return 0;
    }),
};
