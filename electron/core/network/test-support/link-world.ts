import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { Availability, AvailabilityTransition, PreemptionEvent } from '../../../../protocol/availability.js';
import type { CurrentJob, JobRecord } from '../../../../protocol/job-spec.js';
import { ProviderMessageSchema, type CoordinatorMessage, type ProviderMessage } from '../../../../protocol/network.js';
import { defaultSettings, type Settings } from '../../../../protocol/settings.js';
import type { DeviceKeyStore, Logger } from '../../ports.js';
import type { AvailabilityFeed, CoordinatorConnection, CoordinatorConnectionEvents, CoordinatorSocket, LinkStateStore, NetworkJobs, PersistedLinkState, RunSpecOutcome, Timers } from '../ports.js';
import { emptyLinkState } from '../link-state-file.js';

/** Timers that fire only when the test advances them. */
export class ManualTimers implements Timers {
  now = 0;
  private next = 1;
  private readonly pending = new Map<number, { at: number; every: number | null; run: () => void }>();

  setTimeout(run: () => void, ms: number): unknown {
    const id = this.next++;
    this.pending.set(id, { at: this.now + ms, every: null, run });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }
  setInterval(run: () => void, ms: number): unknown {
    const id = this.next++;
    this.pending.set(id, { at: this.now + ms, every: ms, run });
    return id;
  }
  clearInterval(handle: unknown): void {
    this.pending.delete(handle as number);
  }
  advance(ms: number): void {
    const until = this.now + ms;
    for (;;) {
      const due = [...this.pending.entries()].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      const [id, timer] = due;
      this.now = timer.at;
      if (timer.every === null) this.pending.delete(id);
      else timer.at += timer.every;
      timer.run();
    }
    this.now = until;
  }
}

/** One fake WebSocket: records what the link sends (parsed with the real schema) and lets the test speak for the coordinator. */
export class FakeConnection implements CoordinatorConnection {
  readonly sent: ProviderMessage[] = [];
  open = true;
  constructor(
    readonly url: string,
    private readonly events: CoordinatorConnectionEvents,
  ) {}
  send(text: string): boolean {
    if (!this.open) return false;
    this.sent.push(ProviderMessageSchema.parse(JSON.parse(text)));
    return true;
  }
  close(): void {
    this.drop('closed by the provider');
  }
  deliver(message: CoordinatorMessage | string): void {
    this.events.onMessage(typeof message === 'string' ? message : JSON.stringify(message));
  }
  drop(reason = 'connection reset'): void {
    if (!this.open) return;
    this.open = false;
    this.events.onClose(reason);
  }
  of<T extends ProviderMessage['type']>(type: T): Extract<ProviderMessage, { type: T }>[] {
    return this.sent.filter((m): m is Extract<ProviderMessage, { type: T }> => m.type === type);
  }
}

export class FakeSocket implements CoordinatorSocket {
  readonly connections: FakeConnection[] = [];
  connect(url: string, events: CoordinatorConnectionEvents): CoordinatorConnection {
    const connection = new FakeConnection(url, events);
    this.connections.push(connection);
    return connection;
  }
  get last(): FakeConnection {
    return this.connections.at(-1)!;
  }
}

export class MemoryLinkStore implements LinkStateStore {
  state: PersistedLinkState = emptyLinkState();
  saves = 0;
  load(): PersistedLinkState {
    return structuredClone(this.state);
  }
  save(state: PersistedLinkState): void {
    this.saves++;
    this.state = structuredClone(state);
  }
}

export class MemorySigner implements DeviceKeyStore {
  private readonly secret = ed25519.utils.randomSecretKey();
  async publicKeyHex(): Promise<string> {
    return bytesToHex(ed25519.getPublicKey(this.secret));
  }
  async sign(message: Uint8Array): Promise<Uint8Array> {
    return ed25519.sign(message, this.secret);
  }
}

type Done = Parameters<NetworkJobs['onChange']>[0];

/** A job runner that runs nothing: the test moves the job through its phases and ends it. */
export class FakeJobs implements NetworkJobs {
  job: CurrentJob | null = null;
  records: JobRecord[] = [];
  refuse: { reason: string; message: string } | null = null;
  stopped: string[] = [];
  private finishJob: ((result: { outcome: JobRecord['outcome']; exitCode: number | null; workedMs: number; outputDigest: string | null; reason: string | null }) => void) | null = null;
  private readonly listeners = new Set<Done>();

  async runSpec(raw: unknown): Promise<RunSpecOutcome> {
    if (this.refuse) return { accepted: false, ...this.refuse };
    const spec = raw as { id: string; image: string };
    const done = new Promise<Parameters<NonNullable<typeof this.finishJob>>[0]>((resolve) => (this.finishJob = resolve));
    this.set({ jobId: spec.id, image: spec.image, phase: 'queued', source: 'network', pull: null, elapsedSeconds: 0, maxDurationSeconds: 60, pricePerSecond: '1', logTail: [], logLinesTotal: 0, droppedLogLines: 0, usesGpu: false });
    return { accepted: true, jobId: spec.id, done };
  }
  set(job: CurrentJob | null): void {
    this.job = job;
    for (const listener of this.listeners) listener();
  }
  phase(phase: CurrentJob['phase'], extra: Partial<CurrentJob> = {}): void {
    this.set({ ...this.job!, phase, ...extra });
  }
  finish(outcome: JobRecord['outcome'], exitCode: number | null, workedMs: number): void {
    this.set(null);
    this.finishJob?.({ outcome, exitCode, workedMs, outputDigest: 'b'.repeat(64), reason: null });
  }
  current(): CurrentJob | null {
    return this.job;
  }
  recent(): JobRecord[] {
    return this.records;
  }
  async stop(jobId: string): Promise<void> {
    this.stopped.push(jobId);
  }
  logs(jobId: string): { lines: string[]; droppedLines: number } | null {
    return this.job?.jobId === jobId ? { lines: ['one', 'two', 'three'], droppedLines: 0 } : null;
  }
  onChange(listener: Done): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

export class FakeAvailability implements AvailabilityFeed {
  value: Availability | null = availability('available', 'owner-away');
  private readonly transitions = new Set<(t: AvailabilityTransition) => void>();
  private readonly preemptions = new Set<(e: PreemptionEvent) => void>();
  current(): Availability | null {
    return this.value;
  }
  onTransition(listener: (t: AvailabilityTransition) => void): () => void {
    this.transitions.add(listener);
    return () => this.transitions.delete(listener);
  }
  onPreemption(listener: (e: PreemptionEvent) => void): () => void {
    this.preemptions.add(listener);
    return () => this.preemptions.delete(listener);
  }
  move(to: Availability['state'], reason: Availability['reason']): void {
    const from = this.value?.state ?? 'off';
    this.value = availability(to, reason);
    for (const listener of this.transitions) listener({ at: new Date(0).toISOString(), from, to, reason, cause: 'test' });
  }
  preempt(event: PreemptionEvent): void {
    for (const listener of this.preemptions) listener(event);
  }
}

export function availability(state: Availability['state'], reason: Availability['reason']): Availability {
  return { state, reason, detail: null, since: new Date(0).toISOString(), until: null, jobId: null, now: state, next: null };
}

export const silentLogger: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

export function fixedSettings(patch: Partial<Settings['network']> = {}): { get(): Settings } {
  const settings = defaultSettings();
  return { get: () => ({ ...settings, network: { ...settings.network, ...patch } }) };
}
