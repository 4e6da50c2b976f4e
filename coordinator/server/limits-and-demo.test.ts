/**
 * Rate limits against a live server (per client address for HTTP, per connection for frames, closing an
 * abusive connection), and the embedded network's demo feed reaching an available provider. Neither depends
 * on the database engine, so they run on embedded PGlite only; the engine-specific suites cover both.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpErrorBodySchema } from '../../protocol/network.js';
import { startTestCoordinator, testAdmin, type TestCoordinator } from '../test-support/coordinators.js';
import { testEngines, type EngineTarget } from '../test-support/postgres-engines.js';
import { TestProvider } from '../test-support/provider-client.js';

const pglite = testEngines()[0]!;
const IMAGE = `127.0.0.1:5000/offhours-test@sha256:${'c'.repeat(64)}`;

describe('rate limits on a live coordinator', () => {
  let database: EngineTarget;
  let coordinator: TestCoordinator;

  beforeAll(async () => {
    database = await pglite.start();
    coordinator = await startTestCoordinator(database, { limits: { frames: { capacity: 5, refillPerSecond: 0.001 }, http: { capacity: 10, refillPerSecond: 0.001 }, maxStrikes: 12 } });
  });
  afterAll(async () => {
    await coordinator?.close();
    await database?.stop();
  });

  it('answers a burst of frames with rate-limited errors, then closes the connection that keeps abusing', async () => {
    const provider = await TestProvider.connect(coordinator.url, { bench: 'ignore' });
    await provider.enrol(); // the hello took one of five tokens
    for (let i = 0; i < 6; i++) provider.send({ type: 'job-logs', requestId: 'r', jobId: 'j', lines: [], droppedLines: 0 });
    const answers = await Promise.all(Array.from({ length: 6 }, () => provider.next('error')));
    expect(answers.filter((e) => e.code === 'rate-limited')).toHaveLength(2);
    expect(answers.filter((e) => e.code === 'refused')).toHaveLength(4);
    // Six refusals so far (the unknown log requests count too); six more reach the limit of twelve.
    for (let i = 0; i < 6; i++) provider.sendRaw('{');
    const last = await Promise.all(Array.from({ length: 6 }, () => provider.next('error')));
    expect(last.slice(0, 5).every((e) => !e.fatal)).toBe(true);
    expect(last.at(-1)).toMatchObject({ code: 'rate-limited', fatal: true });
    expect((await provider.closed).code).toBe(1008);
  });

  it('answers HTTP requests over the per-address rate with 429 and the error body', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const response = await fetch(`${coordinator.url}/v1/health`);
      statuses.push(response.status);
      if (response.status === 429) expect(HttpErrorBodySchema.parse(await response.json()).error.code).toBe('rate-limited');
      else await response.arrayBuffer();
    }
    // The WebSocket upgrade above counted too: nine of these got through.
    expect(statuses).toEqual([...Array(9).fill(200), 429, 429, 429]);
  });
});

describe('the demo feed of the embedded network', () => {
  let database: EngineTarget;
  let coordinator: TestCoordinator;

  beforeAll(async () => {
    database = await pglite.start();
    coordinator = await startTestCoordinator(database, { demoFeed: true, config: { demoImage: IMAGE } });
  });
  afterAll(async () => {
    await coordinator?.close();
    await database?.stop();
  });

  it('offers a small CPU-only job of the configured image to a provider that becomes available, one at a time', async () => {
    const provider = await TestProvider.connect(coordinator.url);
    await provider.enrol();
    expect(await provider.next('bench-result')).toMatchObject({ passed: true });
    expect((await testAdmin(coordinator).listJobs()).length).toBe(0);
    provider.heartbeat('available');
    const offer = await provider.next('offer');
    expect(offer.spec).toMatchObject({ image: IMAGE, resources: { gpus: 0, memoryMiB: 256 }, network: 'none' });
    expect(BigInt(offer.spec.price.perSecond)).toBeGreaterThan(0n);
    // While that job is offered, no second one is queued.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect((await testAdmin(coordinator).listJobs()).length).toBe(1);
    await provider.close();
  });
});

describe('sweeps: unanswered offers and providers that do not come back', () => {
  let database: EngineTarget;
  let coordinator: TestCoordinator;

  beforeAll(async () => {
    database = await pglite.start();
    coordinator = await startTestCoordinator(database, { reconnectGraceMs: 500, maintenance: { offerTtlMs: 700 } });
  });
  afterAll(async () => {
    await coordinator?.close();
    await database?.stop();
  });

  const request = {
    spec: { id: 'sweep', image: IMAGE, command: ['true'], env: {}, resources: { gpus: 0, minVramMiB: 0, cpuMillis: 500, memoryMiB: 64, scratchMiB: 8 }, maxDurationSeconds: 60, network: 'none' as const, price: { perSecond: '1000' } },
    requirements: { minThroughputMilliGflops: 0 },
    budget: '60000',
  };

  it('withdraws an offer that was not answered in time and puts the job back in the queue', async () => {
    const provider = await TestProvider.connect(coordinator.url);
    await provider.enrol();
    await provider.next('bench-result');
    provider.heartbeat('available');
    const job = await testAdmin(coordinator).submitJob(request);
    const offer = await provider.next('offer', (o) => o.jobId === job.jobId);
    expect(await provider.next('offer-withdrawn', (w) => w.offerId === offer.offerId)).toMatchObject({ reason: expect.stringMatching(/in time/) });
    expect((await coordinator.store.getJob(job.jobId))?.history.some((h) => h.state === 'expired')).toBe(true);
    await testAdmin(coordinator).cancelJob(job.jobId, 'test over');
    await provider.close();
  });

  it('requeues the running job of a provider that disconnects and does not come back within the grace', async () => {
    const provider = await TestProvider.connect(coordinator.url);
    await provider.enrol();
    await provider.next('bench-result');
    provider.heartbeat('available');
    const job = await testAdmin(coordinator).submitJob(request);
    const offer = await provider.next('offer', (o) => o.jobId === job.jobId);
    provider.send({ type: 'offer-reply', offerId: offer.offerId, accept: true, reason: null, message: null });
    await expect.poll(async () => (await coordinator.store.getJob(job.jobId))?.state).toBe('running');
    await provider.close();
    await expect.poll(async () => (await coordinator.store.getJob(job.jobId))?.state, { timeout: 10_000 }).toBe('queued');
    expect(await coordinator.store.runningJobsOf(provider.enrolled!.standing.providerId)).toEqual([]);
  });
});

describe('unannounced re-challenges', () => {
  let database: EngineTarget;
  let coordinator: TestCoordinator;
  let offsetMs = 0;

  beforeAll(async () => {
    database = await pglite.start();
    // The clock jumps an hour: sweeps must not close the session meanwhile (this test is about re-challenges).
    coordinator = await startTestCoordinator(database, { clock: () => new Date(Date.now() + offsetMs), maintenance: { providerGoneMs: 24 * 3600_000 } });
  });
  afterAll(async () => {
    await coordinator?.close();
    await database?.stop();
  });

  it('come at most once an hour, only while the provider is available and its owner away', async () => {
    const provider = await TestProvider.connect(coordinator.url);
    await provider.enrol();
    expect(await provider.next('bench-challenge')).toMatchObject({ recheck: false });
    expect(await provider.next('bench-result')).toMatchObject({ passed: true });
    provider.heartbeat('available');
    // A barrier: frames are handled in order, so once this one is refused the heartbeat was handled at hour 0.
    provider.send({ type: 'job-logs', requestId: 'barrier', jobId: 'none', lines: [], droppedLines: 0 });
    await provider.next('error');
    offsetMs = 61 * 60_000;
    provider.send({ type: 'availability', state: 'available', reason: 'owner-active', ownerPresent: true });
    provider.heartbeat('available');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(provider.pending().filter((m) => m.type === 'bench-challenge')).toEqual([]);
    provider.send({ type: 'availability', state: 'available', reason: 'owner-away', ownerPresent: false });
    expect(await provider.next('bench-challenge')).toMatchObject({ recheck: true });
    expect(await provider.next('bench-result')).toMatchObject({ passed: true });
    provider.heartbeat('available');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(provider.pending().filter((m) => m.type === 'bench-challenge')).toEqual([]);
    await provider.close();
  });
});
