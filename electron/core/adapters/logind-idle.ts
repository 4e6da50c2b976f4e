import { execFile } from 'node:child_process';
import type { Clock, IdleReading, IdleSource } from '../ports.js';
import { CadencedPoller, LOGIND_CADENCE, type PollCadence } from '../schedule/poll-cadence.js';

export interface LogindSession {
  idleHint: boolean;
  /** Epoch ms the session became idle (IdleSinceHint, µs realtime), or null. */
  idleSince: number | null;
  locked: boolean;
  active: boolean;
}

/** Parses `loginctl show-session <id> -p IdleHint -p IdleSinceHint -p LockedHint -p Active` output. */
export function parseLoginctlShow(stdout: string): LogindSession | null {
  const props = new Map<string, string>();
  for (const line of stdout.split(/\r?\n/)) {
    const eq = line.indexOf('=');
    if (eq > 0) props.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  }
  if (!props.has('IdleHint')) return null;
  const sinceUs = Number(props.get('IdleSinceHint'));
  return {
    idleHint: props.get('IdleHint') === 'yes',
    idleSince: Number.isFinite(sinceUs) && sinceUs > 0 ? Math.floor(sinceUs / 1000) : null,
    locked: props.get('LockedHint') === 'yes',
    active: props.get('Active') !== 'no',
  };
}

/** The seconds idle logind reports: 0 while the session is not idle (it only knows idle yes/no and since when). */
export function logindIdleSeconds(session: LogindSession, now: number): number {
  if (!session.idleHint) return 0;
  return session.idleSince === null ? 0 : Math.max(0, (now - session.idleSince) / 1000);
}

/** Parses `loginctl list-sessions --no-legend` into session ids of graphical or tty seats (first column). */
export function parseSessionIds(stdout: string): string[] {
  return stdout
    .split(/\r?\n/)
    .map((line) => line.trim().split(/\s+/)[0] ?? '')
    .filter((id) => /^[\w.-]+$/.test(id));
}

/** The owner came back between two readings: the session stopped being idle, or was unlocked. Pure. */
export function ownerReturned(previous: LogindSession | null, next: LogindSession | null): boolean {
  if (!previous || !next) return false;
  return (previous.idleHint && !next.idleHint) || (previous.locked && !next.locked);
}

function run(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => execFile('loginctl', args, { timeout: 2000, env }, (error, stdout) => (error ? reject(error) : resolve(stdout))));
}

export interface LogindOpenOptions {
  sessionId?: string;
  env?: NodeJS.ProcessEnv;
  cadence?: PollCadence;
}

/**
 * logind's IdleHint and LockedHint (D-Bus org.freedesktop.login1, read via loginctl). The desktop
 * environment sets IdleHint after its own idle delay (GNOME: "screen blank"), so this is coarse: use it for
 * lock state, or as the idle source where nothing better exists. Refreshed in the background (every 2 s,
 * every 150 ms while a job waits on the owner); a refresh that sees the owner return tells onActivity
 * listeners so the job freezes at once.
 */
export class LogindIdleSource implements IdleSource {
  readonly name = 'logind';
  private session: LogindSession | null = null;
  private poller: CadencedPoller | null = null;
  private readonly listeners = new Set<() => void>();

  private constructor(
    private readonly clock: Clock,
    private readonly sessionId: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  /** Null when loginctl is missing or there is no session to watch. */
  static async open(clock: Clock, options: LogindOpenOptions = {}): Promise<LogindIdleSource | null> {
    const env = options.env ?? process.env;
    try {
      const id = options.sessionId ?? env.XDG_SESSION_ID ?? parseSessionIds(await run(['list-sessions', '--no-legend'], env))[0];
      if (!id) return null;
      const source = new LogindIdleSource(clock, id, env);
      if (!(await source.refresh())) return null;
      source.poller = new CadencedPoller(() => source.refresh(), options.cadence ?? LOGIND_CADENCE);
      source.poller.start();
      return source;
    } catch {
      return null;
    }
  }

  private async refresh(): Promise<boolean> {
    try {
      const next = parseLoginctlShow(await run(['show-session', this.sessionId, '-p', 'IdleHint', '-p', 'IdleSinceHint', '-p', 'LockedHint', '-p', 'Active'], this.env));
      const returned = ownerReturned(this.session, next);
      this.session = next;
      if (returned) for (const listener of this.listeners) listener();
      return next !== null;
    } catch {
      return false;
    }
  }

  async read(): Promise<IdleReading> {
    const s = this.session;
    return { idleSeconds: s ? logindIdleSeconds(s, this.clock.now()) : 0, locked: s?.locked ?? false, onBattery: false };
  }

  onActivity(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  watchClosely(on: boolean): void {
    this.poller?.watch(on);
  }

  close(): void {
    this.poller?.stop();
  }
}
