/**
 * Two coordinator instances on one database (one embedded PGlite shared in-process; one PostgreSQL database,
 * on OFFHOURS_TEST_DATABASE_URL's server or a throwaway cluster): a job submitted to A reaches a provider
 * connected to B, and B's provider's answer and status land in the same rows A reads; and two PCs paid to one
 * wallet, one on each instance, hear over the bus when the other earns (its own final status, or an admin's cancel
 * on either instance).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CoordinatorMessageOf, SubmitJobRequest } from '../../protocol/network.js';
import { DEFAULT_DEMO_IMAGE } from '../config.js';
import { startTestCoordinator, testAdmin, type TestCoordinator } from '../test-support/coordinators.js';
import { TestProvider } from '../test-support/provider-client.js';
import { testEngines, type EngineTarget } from '../test-support/postgres-engines.js';

const WALLET = '4Nd1mBQtrMJVYVfKf2PJy9NZUZdTAsp7D4xWLs4gDB4T';

const JOB: SubmitJobRequest = {
  spec: { id: 'wallet', image: DEFAULT_DEMO_IMAGE, command: ['true'], env: {}, resources: { gpus: 0, minVramMiB: 0, cpuMillis: 500, memoryMiB: 64, scratchMiB: 8 }, maxDurationSeconds: 60, network: 'none', price: { perSecond: '1000' } },
  requirements: { minThroughputMilliGflops: 0 },
  budget: '60000',
};

type Earnings = CoordinatorMessageOf<'earnings'>;

function machine(frame: Earnings, providerId: string) {
  return frame.wallet?.machines.find((m) => m.providerId === providerId);
}

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

  /** Enrolled on `url` with the wallet, benchmarked; never says it is available unless told to. */
  async function machineOn(url: string): Promise<{ provider: TestProvider; providerId: string }> {
    const provider = await TestProvider.connect(url);
    const enrolled = await provider.enrol({ payoutAddress: WALLET });
    expect(await provider.next('bench-result')).toMatchObject({ passed: true });
    return { provider, providerId: enrolled.standing.providerId };
  }

  /** A job run on `worker` for a little over a second (so it earns), ended by `end`. */
  async function runJob(worker: TestProvider, end: (jobId: string) => Promise<void>): Promise<void> {
    worker.heartbeat('available');
    const job = await testAdmin(a).submitJob(JOB);
    const offer = await worker.next('offer', (o) => o.jobId === job.jobId);
    worker.send({ type: 'offer-reply', offerId: offer.offerId, accept: true, reason: null, message: null });
    worker.send({ type: 'job-status', jobId: job.jobId, status: 'started', at: new Date().toISOString(), pull: null, exitCode: null, workedSeconds: null, outputDigest: null, message: null, replayed: false });
    await worker.next('job-status-ack', (ack) => ack.jobId === job.jobId);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    // A sign of life written at once (a changed state is not batched), so a cancel pays up to now; frames are
    // handled in order, so the ack of a repeated status means it is stored.
    worker.heartbeat('working');
    const repeat = worker.send({ type: 'job-status', jobId: job.jobId, status: 'started', at: new Date().toISOString(), pull: null, exitCode: null, workedSeconds: null, outputDigest: null, message: null, replayed: true });
    await worker.next('job-status-ack', (ack) => ack.seq === repeat);
    await end(job.jobId);
  }

  it('the other machine gets a fresh frame showing it when one earns, on either instance', async () => {
    const first = await machineOn(a.url);
    const own = await first.provider.next('earnings');
    expect(own.wallet).toMatchObject({ address: WALLET, machines: [{ providerId: first.providerId, self: true, online: true }], more: 0 });

    const second = await machineOn(b.url);
    const initial = await second.provider.next('earnings');
    expect(initial.wallet?.machines.map((m) => [m.providerId, m.self])).toEqual([[second.providerId, true], [first.providerId, false]]);
    // The first hears (across instances) that a machine of its wallet came online.
    await first.provider.next('earnings', (frame) => machine(frame, second.providerId)?.online === true);

    await runJob(first.provider, async (jobId) => {
      first.provider.send({ type: 'job-status', jobId, status: 'finished', at: new Date().toISOString(), pull: null, exitCode: 0, workedSeconds: 1, outputDigest: null, message: null, replayed: false });
    });
    const afterFinish = await second.provider.next('earnings', (frame) => machine(frame, first.providerId)?.payable !== '0');
    const paid = BigInt(machine(afterFinish, first.providerId)!.payable);
    expect(paid).toBeGreaterThanOrEqual(1000n);
    expect(afterFinish.wallet?.total.payable).toBe(paid.toString());
    expect(afterFinish.receipts).toEqual([]);
    expect(machine(afterFinish, second.providerId)).toMatchObject({ self: true, payable: '0' });

    // An admin's cancel moves the first's money from instance A; B looks up its wallet and tells the second.
    await runJob(first.provider, async (jobId) => void (await testAdmin(a).cancelJob(jobId, 'enough')));
    const afterCancel = await second.provider.next('earnings', (frame) => BigInt(machine(frame, first.providerId)?.payable ?? '0') > paid);
    expect(BigInt(afterCancel.wallet!.total.payable)).toBeGreaterThan(paid);

    await first.provider.close();
    await second.provider.close();
  });
});
