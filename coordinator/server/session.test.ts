import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { AdminClient } from '../../protocol/network-admin-client.js';
import { NetworkInfoSchema, type SubmitJobRequest } from '../../protocol/network.js';
import { DEFAULT_DEMO_IMAGE } from '../config.js';
import { startTestCoordinator, testAdmin, type TestCoordinator } from '../test-support/coordinators.js';
import { TestProvider } from '../test-support/provider-client.js';
import { testEngines, type EngineTarget } from '../test-support/postgres-engines.js';

function jobRequest(overrides: Partial<SubmitJobRequest['spec']> = {}): SubmitJobRequest {
  return {
    spec: {
      id: 'client-chosen',
      image: DEFAULT_DEMO_IMAGE,
      command: ['sh', '-c', 'echo hi'],
      env: {},
      resources: { gpus: 0, minVramMiB: 0, cpuMillis: 500, memoryMiB: 64, scratchMiB: 8 },
      maxDurationSeconds: 60,
      network: 'none',
      price: { perSecond: '1000' },
      ...overrides,
    },
    requirements: { minThroughputMilliGflops: 0 },
    budget: '60000',
  };
}

/** Enrolled, timed benchmark passed (honestly, on the CPU), available. */
async function readyProvider(url: string): Promise<TestProvider> {
  const provider = await TestProvider.connect(url);
  const enrolled = await provider.enrol();
  expect(enrolled.standing.benchmark.state).not.toBe('passed');
  const result = await provider.next('bench-result');
  expect(result).toMatchObject({ passed: true, reason: null });
  expect(result.standing.benchmark).toMatchObject({ state: 'passed', demo: true });
  provider.heartbeat('available');
  return provider;
}

describe.each(testEngines())('a provider session against a real coordinator ($name)', ({ start }) => {
  let database: EngineTarget;
  let coordinator: TestCoordinator;
  let admin: AdminClient;

  beforeAll(async () => {
    database = await start();
    coordinator = await startTestCoordinator(database);
    admin = testAdmin(coordinator);
  });
  afterAll(async () => {
    await coordinator?.close();
    await database?.stop();
  });

  it('serves health and the network info without a token, and the admin API only with one', async () => {
    expect((await fetch(`${coordinator.url}/v1/health`)).status).toBe(200);
    const info = NetworkInfoSchema.parse(await (await fetch(`${coordinator.url}/v1/info`)).json());
    expect(info).toMatchObject({ kind: 'local-test', tokenHasValue: false, acceptsSoftwareAdapters: true });
    const refused = await fetch(`${coordinator.url}/v1/admin/status`, { headers: { authorization: 'Bearer wrong' } });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ error: { code: 'unauthorized' } });
    const escaped = await fetch(`${coordinator.url}/v1/%61dmin/jobs`);
    expect([401, 404]).toContain(escaped.status);
    expect((await admin.status()).database).toBe(database.engine);
  });

  it('refuses WebSocket upgrades on any other path', async () => {
    const socket = new WebSocket(`${coordinator.url.replace('http', 'ws')}/v1/health`);
    const outcome = await new Promise<string>((resolve) => {
      socket.once('unexpected-response', (_req, res) => resolve(`http ${res.statusCode}`));
      socket.once('open', () => resolve('open'));
      socket.once('error', (error) => resolve(`error ${error.message}`));
    });
    expect(outcome).toBe('http 404');
  });

  it('welcome → hello → enrolled, timed benchmark, heartbeat, offer, status recorded once, cancel', async () => {
    const provider = await readyProvider(coordinator.url);
    const [listed] = (await admin.listProviders()).filter((p) => p.devicePublicKey === provider.device.publicKey);
    expect(listed?.standing.benchmark.throughputMilliGflops).toBeGreaterThan(0);

    const job = await admin.submitJob(jobRequest());
    const offer = await provider.next('offer', (o) => o.jobId === job.jobId);
    expect(offer.spec.id).toBe(job.jobId);
    provider.send({ type: 'offer-reply', offerId: offer.offerId, accept: true, reason: null, message: null });
    provider.send({ type: 'offer-reply', offerId: offer.offerId, accept: true, reason: null, message: null });
    expect(await provider.next('error')).toMatchObject({ code: 'unknown-offer', fatal: false });

    const status = (seq: number | undefined, replayed: boolean) => ({
      type: 'job-status', ...(seq ? { seq } : {}), jobId: job.jobId, status: 'finished', at: new Date().toISOString(), pull: null, exitCode: 0, workedSeconds: 3, outputDigest: null, message: null, replayed,
    });
    provider.send({ ...status(undefined, false), status: 'started' });
    expect(await provider.next('job-status-ack')).toMatchObject({ jobId: job.jobId, status: 'started' });
    const first = provider.send(status(undefined, false));
    const second = provider.send(status(undefined, true));
    expect(await provider.next('job-status-ack', (a) => a.seq === first)).toMatchObject({ status: 'finished' });
    expect(await provider.next('job-status-ack', (a) => a.seq === second)).toMatchObject({ status: 'finished' });
    const finished = await coordinator.store.getJob(job.jobId);
    expect(finished?.state).toBe('finished');
    expect(finished?.history.filter((h) => h.state === 'finished')).toHaveLength(1);

    // A replayed seq changes nothing and says so.
    provider.send(status(second, true));
    expect(await provider.next('error')).toMatchObject({ code: 'replayed', seq: second });

    provider.heartbeat('available');
    const second_job = await admin.submitJob(jobRequest());
    const offer2 = await provider.next('offer', (o) => o.jobId === second_job.jobId);
    provider.send({ type: 'offer-reply', offerId: offer2.offerId, accept: true, reason: null, message: null });
    await expect.poll(async () => (await coordinator.store.getJob(second_job.jobId))?.state).toBe('running');
    const cancelled = await admin.cancelJob(second_job.jobId, 'no longer needed');
    expect(cancelled.state).toBe('cancelled');
    expect(await provider.next('cancel-job')).toMatchObject({ jobId: second_job.jobId, reason: 'no longer needed' });
    await provider.close();
  });

  it('a declined offer goes back to the queue with its history', async () => {
    const provider = await readyProvider(coordinator.url);
    const job = await admin.submitJob(jobRequest());
    const offer = await provider.next('offer', (o) => o.jobId === job.jobId);
    provider.send({ type: 'offer-reply', offerId: offer.offerId, accept: false, reason: 'busy', message: null });
    await expect.poll(async () => (await coordinator.store.getJob(job.jobId))?.history.some((h) => h.state === 'declined')).toBe(true);
    await admin.cancelJob(job.jobId, 'test over');
    await provider.close();
  });

  it('a reconnect resumes the session and keeps the job the coordinator expects', async () => {
    const provider = await readyProvider(coordinator.url);
    const job = await admin.submitJob(jobRequest());
    const offer = await provider.next('offer', (o) => o.jobId === job.jobId);
    provider.send({ type: 'offer-reply', offerId: offer.offerId, accept: true, reason: null, message: null });
    await expect.poll(async () => (await coordinator.store.getJob(job.jobId))?.state).toBe('running');
    const { sessionId } = provider.enrolled!;
    await provider.close();

    const again = await TestProvider.connect(coordinator.url, { device: provider.device, bench: 'ignore' });
    const enrolled = await again.enrol({ resumeSessionId: sessionId, runningJobIds: [job.jobId, 'gone-job'] });
    expect(enrolled).toMatchObject({ sessionId, resumed: true, keepJobIds: [job.jobId] });
    await admin.cancelJob(job.jobId, 'test over');
    await again.close();
  });

  it('a provider that cannot run the benchmark is told why and gets no offers', async () => {
    const provider = await TestProvider.connect(coordinator.url, { bench: 'fail' });
    await provider.enrol();
    expect(await provider.next('bench-result')).toMatchObject({ passed: false, reason: 'provider-failed' });
    await provider.close();
  });
});
