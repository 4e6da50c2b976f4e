/**
 * Two coordinator instances on one database (one embedded PGlite shared in-process; one PostgreSQL database,
 * on OFFHOURS_TEST_DATABASE_URL's server or a throwaway cluster): a job submitted to A reaches a provider
 * connected to B, and B's provider's answer and status land in the same rows A reads.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_DEMO_IMAGE } from '../config.js';
import { startTestCoordinator, testAdmin, type TestCoordinator } from '../test-support/coordinators.js';
import { TestProvider } from '../test-support/provider-client.js';
import { testEngines, type EngineTarget } from '../test-support/postgres-engines.js';

describe.each(testEngines())('two coordinator instances on one database ($name)', ({ start }) => {
  let database: EngineTarget;
  let a: TestCoordinator;
  let b: TestCoordinator;

  beforeAll(async () => {
    database = await start();
    // B never matches: the offer must be made by A and reach B's socket through the bus.
    a = await startTestCoordinator(database);
    b = await startTestCoordinator(database, { maintenance: { matching: false } });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await database?.stop();
  });

  it('a job submitted to A is offered to a provider connected to B, and its status is visible on A', async () => {
    expect(a.instanceId).not.toBe(b.instanceId);
    const provider = await TestProvider.connect(b.url);
    await provider.enrol();
    expect(await provider.next('bench-result')).toMatchObject({ passed: true });
    provider.heartbeat('available');

    const job = await testAdmin(a).submitJob({
      spec: { id: 'two-instances', image: DEFAULT_DEMO_IMAGE, command: ['true'], env: {}, resources: { gpus: 0, minVramMiB: 0, cpuMillis: 500, memoryMiB: 64, scratchMiB: 8 }, maxDurationSeconds: 60, network: 'none', price: { perSecond: '1000' } },
      requirements: { minThroughputMilliGflops: 0 },
      budget: '60000',
    });
    const offer = await provider.next('offer', (o) => o.jobId === job.jobId);
    provider.send({ type: 'offer-reply', offerId: offer.offerId, accept: true, reason: null, message: null });
    provider.send({ type: 'job-status', jobId: job.jobId, status: 'started', at: new Date().toISOString(), pull: null, exitCode: null, workedSeconds: null, outputDigest: null, message: null, replayed: false });
    await provider.next('job-status-ack');

    const seenByA = (await testAdmin(a).listJobs()).find((j) => j.jobId === job.jobId);
    expect(seenByA).toMatchObject({ state: 'running', attempts: 1 });
    expect((await testAdmin(a).listProviders()).find((p) => p.devicePublicKey === provider.device.publicKey)?.connected).toBe(true);

    // A cancel on A reaches the socket on B through the bus.
    await testAdmin(a).cancelJob(job.jobId, 'cancelled on A');
    expect(await provider.next('cancel-job')).toMatchObject({ jobId: job.jobId, reason: 'cancelled on A' });
    await provider.close();
  });
});
