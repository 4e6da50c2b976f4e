import { describe, expect, it } from 'vitest';
import type { CoordinatorMessage, CoordinatorMessageOf, NetworkInfo, ProviderStanding } from '../../../protocol/network.js';
import { verifyHelloSignature } from '../../../protocol/network-signing.js';
import { NetworkLink } from './network-link.js';
import type { BenchResponder, EarningsSink, OfferProfit } from './ports.js';
import { availability, FakeAvailability, FakeJobs, FakeSocket, fixedSettings, ManualTimers, MemoryLinkStore, MemorySigner, silentLogger } from './test-support/link-world.js';

const NETWORK: NetworkInfo = { coordinatorId: 'c1', name: 'Local test network', kind: 'local-test', tokenHasValue: false, tokenSymbol: 'OFFT', tokenDecimals: 6, acceptsSoftwareAdapters: true };
const STANDING: ProviderStanding = {
  providerId: 'prov-1',
  benchmark: { state: 'none', throughputMilliGflops: null, demo: false, failureReason: null, message: null, at: null },
  ratePerHour: null,
  reputation: { score: 0, rules: [] },
};
const SPEC = {
  id: 'job-1',
  image: `localhost/test@sha256:${'a'.repeat(64)}`,
  command: ['true'],
  env: {},
  resources: { gpus: 0, minVramMiB: 0, cpuMillis: 500, memoryMiB: 64, scratchMiB: 16 },
  maxDurationSeconds: 60,
  network: 'none' as const,
  price: { perSecond: '10' },
};

function world(options: { store?: MemoryLinkStore; jobs?: FakeJobs; responder?: BenchResponder; earnings?: EarningsSink; profit?: OfferProfit } = {}) {
  const timers = new ManualTimers();
  const socket = new FakeSocket();
  const store = options.store ?? new MemoryLinkStore();
  const jobs = options.jobs ?? new FakeJobs();
  const feed = new FakeAvailability();
  const link = new NetworkLink({
    target: { kind: 'remote', url: 'http://127.0.0.1:9' },
    embeddedDataDir: '/nonexistent',
    appVersion: '0.1.0',
    socket,
    jobs,
    availability: feed,
    responder: options.responder,
    earnings: options.earnings,
    profit: options.profit,
    signer: new MemorySigner(),
    inventory: async () => null,
    settings: fixedSettings({ minPricePerGpuHour: '123' }),
    store,
    clock: { now: () => Date.parse('2026-01-01T00:00:00Z') + timers.now },
    logger: silentLogger,
    timers,
    random: () => 0.5,
  });
  return { link, timers, socket, store, jobs, feed };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));
const welcome = (): CoordinatorMessage => ({ type: 'welcome', protocolVersion: 1, coordinatorNonce: 'f'.repeat(32), serverTime: '2026-01-01T00:00:00Z', network: NETWORK });
const enrolled = (keepJobIds: string[] = [], sessionId = 'sess-1'): CoordinatorMessage => ({ type: 'enrolled', sessionId, resumed: false, standing: STANDING, keepJobIds });
const offer = (deadline = '2026-01-01T01:00:00Z'): CoordinatorMessageOf<'offer'> => ({ type: 'offer', offerId: 'offer-1', jobId: 'job-1', spec: SPEC, deadline });

async function enrol(w: ReturnType<typeof world>, keep: string[] = []) {
  w.socket.last.deliver(welcome());
  await flush();
  await flush();
  w.socket.last.deliver(enrolled(keep));
  await flush();
}

describe('NetworkLink', () => {
  it('enrols with a signed hello, then sends availability and heartbeats with strictly increasing seq', async () => {
    const w = world();
    w.link.start();
    expect(w.socket.last.url).toBe('ws://127.0.0.1:9/v1/provider');
    expect(w.link.state().connection).toBe('connecting');
    expect(w.link.healthy()).toBe(false);
    await enrol(w);
    const [hello] = w.socket.last.of('hello');
    expect(verifyHelloSignature(hello!)).toBe(true);
    expect(hello!.body).toMatchObject({ minPricePerGpuHour: '123', resumeSessionId: null, runningJobIds: [], payoutAddress: '', backends: ['webgpu'] });
    expect(w.link.state()).toMatchObject({ connection: 'connected', enrolled: true, providerId: 'prov-1', sessionId: 'sess-1', network: NETWORK, message: 'Connected to Local test network' });
    expect(w.link.healthy()).toBe(true);
    w.timers.advance(10_000);
    w.feed.move('waiting', 'game-running');
    const seqs = w.socket.last.sent.flatMap((m) => ('seq' in m ? [m.seq] : []));
    expect(w.socket.last.sent.map((m) => m.type)).toEqual(['hello', 'availability', 'heartbeat', 'heartbeat', 'availability']);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(w.socket.last.of('availability').at(-1)).toMatchObject({ state: 'waiting', reason: 'game-running', ownerPresent: true });
    await w.link.stop();
  });

  it('hands the earnings book the enrolling network and its earnings frames, never one before enrolment', async () => {
    const seen: string[] = [];
    const w = world({ earnings: { networkInfo: (network) => seen.push(`network ${network.coordinatorId}`), earnings: (frame) => seen.push(`earnings ${frame.summary.paid}`) } });
    w.link.start();
    const frame: CoordinatorMessage = { type: 'earnings', summary: { pending: '0', payable: '0', inFlight: '0', paid: '7', nextPayoutAt: null }, receipts: [], payouts: [] };
    w.socket.last.deliver(welcome());
    w.socket.last.deliver(frame);
    await flush();
    expect(seen).toEqual([]);
    await enrol(w);
    w.socket.last.deliver(frame);
    await flush();
    expect(seen).toEqual(['network c1', 'earnings 7']);
    await w.link.stop();
  });

  it('answers pings, ignores garbage and keeps the session', async () => {
    const w = world();
    w.link.start();
    await enrol(w);
    w.socket.last.deliver('{not json');
    w.socket.last.deliver(JSON.stringify({ type: 'offer', offerId: 'x' }));
    w.socket.last.deliver('x'.repeat(600 * 1024));
    w.socket.last.deliver({ type: 'ping', pingId: 'p-7' });
    await flush();
    expect(w.socket.last.of('pong')).toEqual([expect.objectContaining({ pingId: 'p-7' })]);
    expect(w.link.state().connection).toBe('connected');
    await w.link.stop();
  });

  it('takes an offer when available and reports the job through to an acknowledged finish', async () => {
    const w = world();
    w.link.start();
    await enrol(w);
    w.socket.last.deliver(offer());
    await flush();
    expect(w.socket.last.of('offer-reply')).toEqual([expect.objectContaining({ offerId: 'offer-1', accept: true, reason: null })]);
    w.jobs.phase('pulling', { pull: { bytesDone: 1, bytesTotal: 2, layersDone: 0, layersTotal: 1, cached: false } });
    w.jobs.phase('running', { elapsedSeconds: 0 });
    w.feed.preempt({ at: '', jobId: 'job-1', action: 'frozen', reason: 'You came back', latencyMs: 3 });
    w.feed.preempt({ at: '', jobId: 'job-1', action: 'thawed', reason: 'You left', latencyMs: 3 });
    w.jobs.finish('succeeded', 0, 4_200);
    await flush();
    const statuses = w.socket.last.of('job-status');
    expect(statuses.map((s) => s.status)).toEqual(['pulling', 'started', 'frozen', 'thawed', 'finished']);
    expect(statuses.at(-1)).toMatchObject({ exitCode: 0, workedSeconds: 4, outputDigest: 'b'.repeat(64), replayed: false });
    expect(w.store.state.pending).toHaveLength(5);
    for (const s of statuses) w.socket.last.deliver({ type: 'job-status-ack', jobId: s.jobId, status: s.status, seq: s.seq });
    expect(w.store.state.pending).toEqual([]);
    expect(w.store.state.activeJobIds).toEqual([]);
    await w.link.stop();
  });

  it('declines offers the schedule or the runner refuses, with the reason', async () => {
    const w = world();
    w.link.start();
    await enrol(w);
    w.feed.value = availability('waiting', 'owner-active');
    w.socket.last.deliver(offer());
    await flush();
    w.feed.value = availability('available', 'owner-away');
    w.jobs.refuse = { reason: 'privileged', message: 'The job asks for a privileged container.' };
    w.socket.last.deliver(offer());
    await flush();
    w.jobs.refuse = null;
    w.socket.last.deliver(offer('2025-12-31T00:00:00Z'));
    await flush();
    expect(w.socket.last.of('offer-reply').map((r) => [r.accept, r.reason])).toEqual([
      [false, 'not-available'],
      [false, 'privileged'],
      [false, 'deadline-passed'],
    ]);
    await w.link.stop();
  });

  it('declines an offer that pays less than its electricity when the owner opted in', async () => {
    const asked: string[] = [];
    const losing = { grossPerHour: '36000', costPerHour: '90000', netPerHour: '-54000', negative: true, powerSource: 'measured' as const, powerW: 300, powerBasis: 'measured', pricePerKwh: '0.3', cheapRate: false, token: { symbol: 'OFFT', decimals: 6 } };
    const w = world({ profit: { forOffer: (pricePerSecond) => (asked.push(pricePerSecond), { estimate: losing, stopWhenUnprofitable: true }) } });
    w.link.start();
    await enrol(w);
    w.socket.last.deliver(offer());
    await flush();
    expect(asked).toEqual(['10']);
    expect(w.socket.last.of('offer-reply')).toEqual([expect.objectContaining({ accept: false, reason: 'unprofitable' })]);
    expect(w.jobs.current()).toBeNull();
    await w.link.stop();
  });

  it('keeps going through an outage, says when it retries, then resumes and replays what happened', async () => {
    const w = world();
    w.link.start();
    await enrol(w);
    w.socket.last.deliver(offer());
    await flush();
    w.jobs.phase('running');
    const first = w.socket.last;
    first.drop();
    expect(w.link.state()).toMatchObject({ connection: 'unreachable', enrolled: false, message: 'Network unreachable, retrying in 1 s', nextRetryAt: '2026-01-01T00:00:00.750Z' });
    expect(w.link.healthy()).toBe(false);
    w.jobs.finish('succeeded', 0, 9_000);
    await flush();
    expect(w.store.state.pending.map((p) => p.status)).toEqual(['started', 'finished']);
    w.timers.advance(750);
    expect(w.socket.connections).toHaveLength(2);
    w.socket.last.deliver(welcome());
    await flush();
    await flush();
    expect(w.socket.last.of('hello')[0]!.body.resumeSessionId).toBe('sess-1');
    w.socket.last.deliver(enrolled([], 'sess-1'));
    await flush();
    const replayed = w.socket.last.of('job-status');
    expect(replayed.map((s) => [s.status, s.replayed])).toEqual([
      ['started', true],
      ['finished', true],
    ]);
    const lastSeqBefore = Math.max(...first.sent.flatMap((m) => ('seq' in m ? [m.seq] : [])));
    expect(replayed[0]!.seq).toBeGreaterThan(lastSeqBefore);
    await w.link.stop();
  });

  it('after a daemon restart re-sends unacknowledged statuses and reports a lost network job as interrupted, once', async () => {
    const store = new MemoryLinkStore();
    const before = world({ store });
    before.link.start();
    await enrol(before);
    before.socket.last.deliver(offer());
    await flush();
    await before.link.stop();
    expect(store.state.activeJobIds).toEqual(['job-1']);

    const after = world({ store });
    after.link.start();
    expect(store.state.pending.map((p) => p.status)).toEqual(['interrupted']);
    await enrol(after);
    const sent = after.socket.last.of('job-status');
    // It happened while no coordinator was listening: a replay.
    expect(sent).toEqual([expect.objectContaining({ jobId: 'job-1', status: 'interrupted', replayed: true })]);
    after.socket.last.deliver({ type: 'job-status-ack', jobId: 'job-1', status: 'interrupted', seq: sent[0]!.seq });
    await after.link.stop();
    const again = world({ store });
    again.link.start();
    await enrol(again);
    expect(again.socket.last.of('job-status')).toEqual([]);
    await again.link.stop();
  });

  it('cancels, serves logs and stops a job the coordinator no longer expects after a reconnect', async () => {
    const w = world();
    w.link.start();
    await enrol(w);
    w.socket.last.deliver(offer());
    await flush();
    w.jobs.phase('running');
    w.socket.last.deliver({ type: 'log-request', requestId: 'r1', jobId: 'job-1', maxLines: 2 });
    w.socket.last.deliver({ type: 'cancel-job', jobId: 'job-1', reason: 'the customer cancelled' });
    await flush();
    expect(w.socket.last.of('job-logs')).toEqual([expect.objectContaining({ requestId: 'r1', lines: ['two', 'three'] })]);
    expect(w.jobs.stopped).toEqual(['job-1']);
    w.socket.last.drop();
    w.timers.advance(1_000);
    w.socket.last.deliver(welcome());
    await flush();
    await flush();
    expect(w.socket.last.of('hello')[0]!.body.runningJobIds).toEqual(['job-1']);
    w.socket.last.deliver(enrolled([]));
    await flush();
    expect(w.jobs.stopped).toEqual(['job-1', 'job-1']);
    await w.link.stop();
  });

  it('answers the timed benchmark through the responder, and says when it cannot', async () => {
    const responder: BenchResponder = {
      commit: async () => ({ roots: ['c'.repeat(64)], device: 'Dawn on SwiftShader', backend: 'webgpu', software: true }),
      open: async () => {
        throw Object.assign(new Error('lost the outputs'), { code: 'no-outputs' });
      },
    };
    const w = world({ responder });
    w.link.start();
    await enrol(w);
    w.socket.last.deliver({ type: 'bench-challenge', challengeId: 'ch1', n: 64, seeds: ['0123456789abcdef'], backend: 'webgpu', deadline: '2026-01-01T00:01:00Z', recheck: false });
    await flush();
    w.socket.last.deliver({ type: 'bench-probe', challengeId: 'ch1', probes: [{ gemm: 0, rBits: 'ff', rows: [1] }] });
    await flush();
    expect(w.socket.last.of('bench-roots')).toEqual([expect.objectContaining({ challengeId: 'ch1', roots: ['c'.repeat(64)], software: true })]);
    expect(w.socket.last.of('bench-failed')).toEqual([expect.objectContaining({ challengeId: 'ch1', code: 'no-outputs', message: 'lost the outputs' })]);
    w.socket.last.deliver({ type: 'standing', standing: { ...STANDING, ratePerHour: '5000' } });
    expect(w.link.state().standing?.ratePerHour).toBe('5000');
    await w.link.stop();
  });

  it('enrols again on a fresh connection when the owner changes what the hello says', async () => {
    const w = world();
    w.link.start();
    await enrol(w);
    w.link.rehello();
    expect(w.socket.connections).toHaveLength(2);
    expect(w.socket.connections[0]!.open).toBe(false);
    expect(w.link.state().connection).toBe('connecting');
    await enrol(w);
    expect(w.socket.last.of('hello')[0]!.body.resumeSessionId).toBe('sess-1');
    await w.link.stop();
  });

  it('gives up on a connection that never enrols and retries with growing back-off', async () => {
    const w = world();
    w.link.start();
    w.timers.advance(15_000);
    expect(w.link.state().connection).toBe('unreachable');
    expect(w.socket.connections).toHaveLength(1);
    w.timers.advance(750);
    expect(w.socket.connections).toHaveLength(2);
    w.socket.last.drop('nothing is listening');
    expect(w.link.state().message).toBe('Network unreachable, retrying in 2 s');
    await w.link.stop();
    expect(w.socket.connections.every((c) => !c.open)).toBe(true);
  });
});
