/**
 * A provider for coordinator tests, over a real WebSocket (`ws`): enrols with a signed hello, answers pings at
 * once and, when asked, passes the timed benchmark honestly on the CPU (or reports that it cannot run it).
 * Frames are kept in order; `next()` waits for the next one of a type, failing after a timeout.
 */
import WebSocket from 'ws';
import { CpuTimedProvider } from '../../protocol/bench/test-support/timed-provider.js';
import { CoordinatorMessageSchema, type CoordinatorMessage, type CoordinatorMessageOf, type HelloBody } from '../../protocol/network.js';
import { signedHello, testDevice, type TestDevice } from './hello.js';

/** 'ignore': answers neither pings nor challenges (the coordinator's timers decide). */
export type BenchBehaviour = 'honest' | 'fail' | 'ignore';

type Waiter = { match: (m: CoordinatorMessage) => boolean; resolve: (m: CoordinatorMessage) => void };

export class TestProvider {
  private seq = 0;
  private readonly inbox: CoordinatorMessage[] = [];
  private readonly waiters: Waiter[] = [];
  private readonly cpu = new Map<string, CpuTimedProvider>();
  readonly closed: Promise<{ code: number; reason: string }>;
  nonce = '';
  /** The last `enrolled` frame. */
  enrolled: CoordinatorMessageOf<'enrolled'> | null = null;

  private constructor(
    readonly socket: WebSocket,
    readonly device: TestDevice,
    public bench: BenchBehaviour,
  ) {
    this.closed = new Promise((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    socket.on('message', (data, binary) => {
      if (binary) throw new Error('the coordinator sent a binary frame');
      const message = CoordinatorMessageSchema.parse(JSON.parse(String(data)));
      void this.autoAnswer(message);
      const waiter = this.waiters.findIndex((w) => w.match(message));
      if (waiter >= 0) this.waiters.splice(waiter, 1)[0]!.resolve(message);
      else this.inbox.push(message);
    });
  }

  /** Opens the socket and waits for `welcome`. */
  static async connect(baseUrl: string, options: { device?: TestDevice; bench?: BenchBehaviour } = {}): Promise<TestProvider> {
    const device = options.device ?? (await testDevice());
    const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/v1/provider`);
    // Listening from the start: the welcome may arrive in the same tick as 'open'.
    const provider = new TestProvider(socket, device, options.bench ?? 'honest');
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    provider.nonce = (await provider.next('welcome')).coordinatorNonce;
    return provider;
  }

  /** hello → enrolled. */
  async enrol(overrides: Partial<HelloBody> = {}): Promise<CoordinatorMessageOf<'enrolled'>> {
    this.sendRaw(JSON.stringify(await signedHello(this.device, this.nonce, overrides)));
    this.enrolled = await this.next('enrolled');
    return this.enrolled;
  }

  /** Sends a provider frame with the next seq (unless the frame carries its own). */
  send(frame: Record<string, unknown>): number {
    const seq = typeof frame.seq === 'number' ? frame.seq : ++this.seq;
    this.seq = Math.max(this.seq, seq);
    this.sendRaw(JSON.stringify({ ...frame, seq }));
    return seq;
  }

  get lastSeq(): number {
    return this.seq;
  }

  sendRaw(data: string | Buffer, binary = false): void {
    this.socket.send(data, { binary });
  }

  heartbeat(availability: 'available' | 'waiting' | 'working' = 'available'): number {
    return this.send({ type: 'heartbeat', availability, reason: availability === 'available' ? 'owner-away' : 'owner-active' });
  }

  next<T extends CoordinatorMessage['type']>(type: T, where: (m: CoordinatorMessageOf<T>) => boolean = () => true, timeoutMs = 15_000): Promise<CoordinatorMessageOf<T>> {
    const match = (m: CoordinatorMessage) => m.type === type && where(m as CoordinatorMessageOf<T>);
    const queued = this.inbox.findIndex(match);
    if (queued >= 0) return Promise.resolve(this.inbox.splice(queued, 1)[0] as CoordinatorMessageOf<T>);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { match, resolve: (m) => (clearTimeout(timer), resolve(m as CoordinatorMessageOf<T>)) };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`no "${type}" frame within ${timeoutMs} ms; unclaimed: ${this.inbox.map((m) => m.type).join(', ') || 'none'}`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** Frames received and not yet claimed by next(). */
  pending(): CoordinatorMessage[] {
    return [...this.inbox];
  }

  /** Forgets frames received so far (a test that then expects nothing but errors). */
  clearInbox(): void {
    this.inbox.length = 0;
  }

  async close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return;
    this.socket.close();
    await this.closed;
  }

  private async autoAnswer(message: CoordinatorMessage): Promise<void> {
    if (message.type === 'ping' && this.bench !== 'ignore') {
      this.send({ type: 'pong', pingId: message.pingId });
    } else if (message.type === 'bench-challenge' && this.bench === 'fail') {
      this.send({ type: 'bench-failed', challengeId: message.challengeId, code: 'no-adapter', message: 'No WebGPU adapter in this test.' });
    } else if (message.type === 'bench-challenge' && this.bench === 'honest') {
      const cpu = new CpuTimedProvider();
      this.cpu.set(message.challengeId, cpu);
      const roots = cpu.commit(message.n, message.seeds);
      this.send({ type: 'bench-roots', challengeId: message.challengeId, roots, device: 'SwiftShader Device (Subzero)', backend: message.backend, software: true });
    } else if (message.type === 'bench-probe' && this.bench === 'honest') {
      const cpu = this.cpu.get(message.challengeId);
      if (cpu) this.send({ type: 'bench-openings', challengeId: message.challengeId, answers: cpu.open(message.probes) });
    }
  }
}
