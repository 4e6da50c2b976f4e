import { testReceiptIssuer } from '../test-support/receipts.js';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SESSION_TIMEOUT_MS } from '../../protocol/network.js';
import { testEngines, type EngineTarget } from '../test-support/postgres-engines.js';
import type { CoordinatorDatabase } from './database.js';
import { KyselyStore, SESSION_RESUME_WINDOW_MS } from './kysely-store.js';
import { StoreInputError, type CoordinatorStore, type JobStatusInput } from './store.js';
import { at, deviceKey, jobRequest, readyProvider, RTX_4090, T0 } from './test-support/fixtures.js';

const MATCH = { limit: 100, offerTtlMs: 30_000 };

function status(jobId: string, providerId: string, kind: JobStatusInput['status'], extra: Partial<JobStatusInput> = {}): JobStatusInput {
  return { jobId, providerId, status: kind, reportedAt: T0, exitCode: null, workedSeconds: null, outputDigest: null, message: null, ...extra };
}

/** Every row of every table, to prove that refused input changed nothing. */
async function dump(database: CoordinatorDatabase): Promise<string> {
  const tables = ['providers', 'sessions', 'timed_benchmarks', 'jobs', 'job_attempts', 'job_events', 'offers'];
  const parts: unknown[] = [];
  for (const table of tables) parts.push((await sql`select * from ${sql.table(table)} order by 1`.execute(database.db)).rows);
  return JSON.stringify(parts);
}

describe.each(testEngines())('KyselyStore on $name', ({ start }) => {
  let target: EngineTarget;
  let database: CoordinatorDatabase;
  let store: CoordinatorStore;

  beforeAll(async () => {
    target = await start();
    database = await target.open();
    store = new KyselyStore(database, { receiptIssuer: await testReceiptIssuer() });
  });
  afterAll(async () => {
    await store?.close();
    await target?.stop();
  });
  beforeEach(async () => {
    await target.reset();
  });

  describe('enrolment', () => {
    it('creates a provider for a new device key and updates it on the next enrolment', async () => {
      const first = await store.enrolProvider({ devicePublicKey: deviceKey(1), payoutAddress: '', gpus: [RTX_4090], minPricePerGpuHour: '100', appVersion: '0.1.0', backends: ['webgpu'] }, T0);
      expect(first.created).toBe(true);
      const wallet = '4Nd1mBQtrMJVYVfKf2PJy9NZUZdTAsp7D4xWLs4gDB4T';
      const again = await store.enrolProvider({ devicePublicKey: deviceKey(1), payoutAddress: wallet, gpus: [], minPricePerGpuHour: '250', appVersion: '0.2.0', backends: ['cuda'] }, at(10));
      expect(again.created).toBe(false);
      expect(again.provider).toMatchObject({ providerId: first.provider.providerId, payoutAddress: wallet, gpus: [], minPricePerGpuHour: '250', backends: ['cuda'] });
      expect(await store.listProviders(at(10))).toHaveLength(1);
    });

    it('refuses a malformed enrolment and writes nothing', async () => {
      const before = await dump(database);
      await expect(store.enrolProvider({ devicePublicKey: 'not-hex', payoutAddress: '', gpus: [], minPricePerGpuHour: '1', appVersion: '1', backends: ['webgpu'] }, T0)).rejects.toBeInstanceOf(StoreInputError);
      await expect(store.enrolProvider({ devicePublicKey: deviceKey(2), payoutAddress: '', gpus: [], minPricePerGpuHour: '1.5', appVersion: '1', backends: ['webgpu'] }, T0)).rejects.toThrow(/minPricePerGpuHour/);
      expect(await dump(database)).toBe(before);
    });
  });

  describe('sessions', () => {
    it('resumes a recent session, and opens a new one when the old one ended too long ago', async () => {
      const { provider, session } = await readyProvider(store, { key: 1 });
      await store.closeSession(session.sessionId, at(5));
      const resumed = await store.openSession({ providerId: provider.providerId, instanceId: 'other', resumeSessionId: session.sessionId }, at(60));
      expect(resumed).toMatchObject({ resumed: true, session: { sessionId: session.sessionId, instanceId: 'other', closedAt: null } });
      await store.closeSession(session.sessionId, at(70));
      const late = at(70 + SESSION_RESUME_WINDOW_MS / 1000 + 1);
      const fresh = await store.openSession({ providerId: provider.providerId, instanceId: 'other', resumeSessionId: session.sessionId }, late);
      expect(fresh.resumed).toBe(false);
      expect(fresh.session.sessionId).not.toBe(session.sessionId);
    });

    it("never resumes another provider's session", async () => {
      const a = await readyProvider(store, { key: 1 });
      const b = await readyProvider(store, { key: 2 });
      const opened = await store.openSession({ providerId: b.provider.providerId, instanceId: 'x', resumeSessionId: a.session.sessionId }, at(1));
      expect(opened.resumed).toBe(false);
      expect(opened.session.sessionId).not.toBe(a.session.sessionId);
    });

    it('a new session replaces the open one of the same provider', async () => {
      const { provider, session } = await readyProvider(store, { key: 1 });
      await store.openSession({ providerId: provider.providerId, instanceId: 'x', resumeSessionId: null }, at(1));
      await expect(store.touchSession(session.sessionId, at(2))).rejects.toMatchObject({ code: 'session-closed' });
    });

    it('expires silent sessions, after which the provider is no longer connected nor offered work', async () => {
      const { provider, session } = await readyProvider(store, { key: 1 });
      expect(await store.expireStaleSessions(at(10), SESSION_TIMEOUT_MS)).toEqual([]);
      expect(await store.expireStaleSessions(at(60), SESSION_TIMEOUT_MS)).toEqual([provider.providerId]);
      await expect(store.touchSession(session.sessionId, at(61))).rejects.toMatchObject({ code: 'session-closed' });
      await store.submitJob(jobRequest(), 'admin', at(61));
      expect(await store.matchQueuedJobs(at(61), MATCH)).toEqual([]);
      expect((await store.status(at(61))).providers).toEqual({ enrolled: 1, connected: 0, available: 0 });
    });

    it('counts uptime while available, and time gone after a drop when the provider comes back', async () => {
      const { provider, session } = await readyProvider(store, { key: 1 });
      for (let s = 5; s <= 100; s += 5) await store.touchSession(session.sessionId, at(s));
      await store.closeSession(session.sessionId, at(100));
      await store.openSession({ providerId: provider.providerId, instanceId: 'x', resumeSessionId: null }, at(200));
      const uptime = (await store.standing(provider.providerId, at(200))).reputation.rules.find((rule) => rule.rule === 'uptime');
      expect(uptime?.value1000).toBe(500); // 100 s online, 100 s gone
    });

    it('batched heartbeats count uptime and last seen as single ones do, and skip closed sessions', async () => {
      const { provider, session } = await readyProvider(store, { key: 1 });
      const other = await readyProvider(store, { key: 2 });
      await store.closeSession(other.session.sessionId, at(1));
      const closedBefore = await sql`select last_seen_at from sessions where session_id = ${other.session.sessionId}`.execute(database.db);
      // Out of order and with a stale entry: the latest time wins, nothing goes backwards.
      for (let s = 5; s <= 100; s += 5) await store.touchSessions([{ sessionId: session.sessionId, at: at(s) }, { sessionId: other.session.sessionId, at: at(s) }, { sessionId: session.sessionId, at: at(s - 3) }]);
      await store.touchSessions([]);
      await store.closeSession(session.sessionId, at(100));
      await store.openSession({ providerId: provider.providerId, instanceId: 'x', resumeSessionId: null }, at(200));
      const uptime = (await store.standing(provider.providerId, at(200))).reputation.rules.find((rule) => rule.rule === 'uptime');
      expect(uptime?.value1000).toBe(500); // 100 s online, 100 s gone: the same as per-heartbeat writes
      const closedAfter = await sql`select last_seen_at from sessions where session_id = ${other.session.sessionId}`.execute(database.db);
      expect(closedAfter.rows).toEqual(closedBefore.rows);
    });

    it('refuses heartbeats of unknown sessions', async () => {
      await expect(store.touchSession('ses_nope', T0)).rejects.toMatchObject({ code: 'unknown-session' });
      await expect(store.openSession({ providerId: 'prv_nope', instanceId: 'x', resumeSessionId: null }, T0)).rejects.toMatchObject({ code: 'unknown-provider' });
    });
  });

  describe('timed benchmark and standing', () => {
    it('shows the benchmark state, the rate from measured throughput and the reputation rules', async () => {
      const { provider, session } = await readyProvider(store, { key: 1, throughputMilliGflops: null });
      expect((await store.standing(provider.providerId, T0)).benchmark.state).toBe('none');
      await store.createTimedBenchmark({ challengeId: 'c1', providerId: provider.providerId, sessionId: session.sessionId, backend: 'webgpu', n: 256, seeds: ['0011223344556677'], recheck: false, sentAt: at(1), rttMs: 3, deadline: at(30) });
      expect((await store.standing(provider.providerId, at(1))).benchmark.state).toBe('running');
      expect(await store.commitTimedBenchmark('c1', { rootsAt: at(8), roots: ['ab'.repeat(32)], probes: [{ gemm: 0, rBits: 'ff', rows: [1] }], software: false })).toBe(true);
      expect(await store.commitTimedBenchmark('c1', { rootsAt: at(9), roots: ['cd'.repeat(32)], probes: [], software: false })).toBe(false);
      await store.finishTimedBenchmark('c1', { passed: true, failureReason: null, throughputMilliGflops: 80_000_000, demo: false }, at(10));
      const standing = await store.standing(provider.providerId, at(10));
      expect(standing.benchmark).toMatchObject({ state: 'passed', throughputMilliGflops: 80_000_000, demo: false, at: at(10).toISOString() });
      expect(standing.ratePerHour).toBe('320000000');
      expect(standing.reputation.rules.map((rule) => rule.rule)).toEqual(['uptime', 'jobs-finished', 'yields', 'benchmark-age']);
      expect(standing.reputation.score).toBe(standing.reputation.rules.reduce((sum, rule) => sum + rule.points, 0));
      expect((await store.getTimedBenchmark('c1'))?.roots).toEqual(['ab'.repeat(32)]);
    });

    it('a failed re-challenge withdraws the measured throughput, and a verdict is final', async () => {
      const { provider, session } = await readyProvider(store, { key: 1 });
      await store.createTimedBenchmark({ challengeId: 'again', providerId: provider.providerId, sessionId: session.sessionId, backend: 'webgpu', n: 256, seeds: ['00'], recheck: true, sentAt: at(1), rttMs: 3, deadline: at(30) });
      await store.finishTimedBenchmark('again', { passed: false, failureReason: 'too-slow', throughputMilliGflops: null, demo: false }, at(5));
      await store.finishTimedBenchmark('again', { passed: true, failureReason: null, throughputMilliGflops: 1, demo: false }, at(6));
      const standing = await store.standing(provider.providerId, at(6));
      expect(standing.benchmark).toMatchObject({ state: 'failed', failureReason: 'too-slow', throughputMilliGflops: null });
      expect(standing.ratePerHour).toBeNull();
    });

    it('refuses unknown challenges and sessions', async () => {
      const { provider } = await readyProvider(store, { key: 1 });
      await expect(store.finishTimedBenchmark('nope', { passed: false, failureReason: 'x', throughputMilliGflops: null, demo: false }, T0)).rejects.toMatchObject({ code: 'unknown-challenge' });
      await expect(store.createTimedBenchmark({ challengeId: 'c2', providerId: provider.providerId, sessionId: 'ses_nope', backend: 'webgpu', n: 64, seeds: ['00'], recheck: false, sentAt: T0, rttMs: 1, deadline: at(1) })).rejects.toMatchObject({ code: 'unknown-session' });
      await expect(store.standing('prv_nope', T0)).rejects.toMatchObject({ code: 'unknown-provider' });
    });
  });

  describe('matching', () => {
    it('offers a job to a provider that meets GPU count, VRAM, throughput and price', async () => {
      const { provider } = await readyProvider(store, { key: 1, minPricePerGpuHour: '36000' });
      const job = await store.submitJob(jobRequest({ gpus: 1, minVramMiB: 16_000, minThroughputMilliGflops: 1_000, perSecond: '10' }), 'admin', T0);
      const offers = await store.matchQueuedJobs(at(1), MATCH);
      expect(offers).toEqual([{ offerId: expect.any(String), jobId: job.jobId, providerId: provider.providerId, spec: expect.objectContaining({ id: job.jobId }), deadline: at(31) }]);
      expect(await store.getOpenOffer(offers[0]!.offerId)).toEqual(offers[0]);
      expect(await store.getJob(job.jobId)).toMatchObject({ state: 'offered', providerId: provider.providerId });
    });

    it.each([
      ['too many GPUs', { gpus: 2 }],
      ['too much VRAM', { minVramMiB: 30_000 }],
      ['too much throughput', { minThroughputMilliGflops: 90_000_000 }],
      ['a price one base unit short', { perSecond: '9' }],
    ])('leaves a job queued when no provider fits: %s', async (_why, options) => {
      await readyProvider(store, { key: 1, minPricePerGpuHour: '36000' });
      const job = await store.submitJob(jobRequest(options), 'admin', T0);
      expect(await store.matchQueuedJobs(at(1), MATCH)).toEqual([]);
      expect((await store.getJob(job.jobId))?.state).toBe('queued');
    });

    it('prices multi-GPU jobs per GPU-hour', async () => {
      const { provider } = await readyProvider(store, { key: 1, gpus: [RTX_4090, RTX_4090], minPricePerGpuHour: '36000' });
      await store.submitJob(jobRequest({ gpus: 2, perSecond: '19' }), 'admin', T0);
      expect(await store.matchQueuedJobs(at(1), MATCH)).toEqual([]);
      await store.submitJob(jobRequest({ gpus: 2, perSecond: '20' }), 'admin', at(1));
      expect((await store.matchQueuedJobs(at(2), MATCH)).map((offer) => offer.providerId)).toEqual([provider.providerId]);
    });

    it('skips providers that are waiting, unbenchmarked or silent', async () => {
      await readyProvider(store, { key: 1, availability: 'waiting' });
      await readyProvider(store, { key: 2, throughputMilliGflops: null });
      await readyProvider(store, { key: 3, now: at(-60) });
      await store.submitJob(jobRequest(), 'admin', T0);
      expect(await store.matchQueuedJobs(at(1), MATCH)).toEqual([]);
    });

    it('ranks by throughput per price, a free provider first', async () => {
      const cheapSlow = await readyProvider(store, { key: 1, minPricePerGpuHour: '1000', throughputMilliGflops: 10_000_000 });
      const dearFast = await readyProvider(store, { key: 2, minPricePerGpuHour: '3000', throughputMilliGflops: 60_000_000 });
      const free = await readyProvider(store, { key: 3, minPricePerGpuHour: '0', throughputMilliGflops: 1_000 });
      for (let i = 0; i < 3; i++) await store.submitJob(jobRequest(), 'admin', at(i));
      const offers = await store.matchQueuedJobs(at(10), MATCH);
      expect(offers.map((offer) => offer.providerId)).toEqual([free.provider.providerId, dearFast.provider.providerId, cheapSlow.provider.providerId]);
    });

    it('never offers two jobs to one provider, and a job nobody fits does not block the queue', async () => {
      const { provider } = await readyProvider(store, { key: 1 });
      await store.submitJob(jobRequest({ gpus: 8 }), 'admin', T0);
      const fits = await store.submitJob(jobRequest(), 'admin', at(1));
      await store.submitJob(jobRequest(), 'admin', at(2));
      const offers = await store.matchQueuedJobs(at(3), { limit: 1, offerTtlMs: 30_000 });
      expect(offers.map((offer) => [offer.jobId, offer.providerId])).toEqual([[fits.jobId, provider.providerId]]);
      expect(await store.matchQueuedJobs(at(4), MATCH)).toEqual([]);
    });

    it('two instances matching at once never double-offer', async () => {
      const second = new KyselyStore(await target.open(), { receiptIssuer: await testReceiptIssuer() });
      try {
        for (let key = 1; key <= 12; key++) await readyProvider(store, { key });
        for (let i = 0; i < 20; i++) await store.submitJob(jobRequest(), 'admin', T0);
        const passes = await Promise.all([1, 2, 3].flatMap((n) => [store.matchQueuedJobs(at(10), { limit: 4 + n, offerTtlMs: 30_000 }), second.matchQueuedJobs(at(10), { limit: 5, offerTtlMs: 30_000 })]));
        const offers = passes.flat();
        expect(new Set(offers.map((offer) => offer.providerId)).size).toBe(offers.length);
        expect(new Set(offers.map((offer) => offer.jobId)).size).toBe(offers.length);
        const more = await second.matchQueuedJobs(at(11), MATCH);
        expect(offers.length + more.length).toBe(12);
        expect((await store.status(at(11))).jobs).toMatchObject({ offered: 12, queued: 8 });
      } finally {
        await second.close();
      }
    });

    it('refuses a nonsensical pass', async () => {
      await expect(store.matchQueuedJobs(T0, { limit: 0, offerTtlMs: 1 })).rejects.toMatchObject({ code: 'invalid-input' });
    });
  });

  describe('offers', () => {
    async function offered() {
      const ready = await readyProvider(store, { key: 1 });
      const job = await store.submitJob(jobRequest(), 'admin', T0);
      const [offer] = await store.matchQueuedJobs(at(1), MATCH);
      return { ...ready, job, offer: offer! };
    }

    it('an accepted offer starts a run; the job counts the attempt', async () => {
      const { provider, job, offer } = await offered();
      expect(await store.answerOffer(offer.offerId, provider.providerId, true, null, at(2))).toEqual({ jobId: job.jobId, accepted: true });
      expect(await store.getJob(job.jobId)).toMatchObject({ state: 'running', attempts: 1, providerId: provider.providerId });
      expect(await store.runningJobsOf(provider.providerId)).toEqual([job.jobId]);
      expect(await store.getOpenOffer(offer.offerId)).toBeNull();
      expect(await store.answerOffer(offer.offerId, provider.providerId, true, null, at(3))).toBeNull();
    });

    it('a declined offer returns the job to the queue with its history', async () => {
      const { provider, job, offer } = await offered();
      expect(await store.answerOffer(offer.offerId, provider.providerId, false, 'owner-back', at(2))).toEqual({ jobId: job.jobId, accepted: false });
      const back = await store.getJob(job.jobId);
      expect(back).toMatchObject({ state: 'queued', providerId: null, attempts: 0 });
      expect(back?.history.map((entry) => entry.state)).toEqual(['queued', 'offered', 'declined']);
      expect(back?.history[2]).toMatchObject({ providerId: provider.providerId, detail: 'owner-back' });
    });

    it('expired offers go back to the queue, and a late answer is refused', async () => {
      const { provider, job, offer } = await offered();
      expect(await store.expireOffers(at(20))).toEqual([]);
      expect((await store.expireOffers(at(40))).map((expired) => expired.offerId)).toEqual([offer.offerId]);
      expect(await store.answerOffer(offer.offerId, provider.providerId, true, null, at(41))).toBeNull();
      expect((await store.getJob(job.jobId))?.history.map((entry) => entry.state)).toEqual(['queued', 'offered', 'expired']);
    });

    it('an answer after the deadline, before any sweep, is refused and requeues the job', async () => {
      const { provider, job, offer } = await offered();
      expect(await store.answerOffer(offer.offerId, provider.providerId, true, null, at(60))).toBeNull();
      expect((await store.getJob(job.jobId))?.state).toBe('queued');
    });

    it("ignores answers to someone else's or unknown offers", async () => {
      const { offer } = await offered();
      const other = await readyProvider(store, { key: 2 });
      const before = await dump(database);
      expect(await store.answerOffer(offer.offerId, other.provider.providerId, true, null, at(2))).toBeNull();
      expect(await store.answerOffer('ofr_nope', other.provider.providerId, true, null, at(2))).toBeNull();
      expect(await dump(database)).toBe(before);
    });
  });

  describe('job status', () => {
    async function running() {
      const ready = await readyProvider(store, { key: 1 });
      const job = await store.submitJob(jobRequest(), 'admin', T0);
      const [offer] = await store.matchQueuedJobs(at(1), MATCH);
      await store.answerOffer(offer!.offerId, ready.provider.providerId, true, null, at(2));
      return { ...ready, job };
    }

    it('records the run once: pulling, started, frozen, thawed, finished; a re-sent final status is a duplicate', async () => {
      const { provider, job } = await running();
      const p = provider.providerId;
      expect(await store.recordJobStatus(status(job.jobId, p, 'pulling'), at(3))).toEqual({ duplicate: false, state: 'running', accepted: true });
      await store.recordJobStatus(status(job.jobId, p, 'pulling'), at(4));
      await store.recordJobStatus(status(job.jobId, p, 'started'), at(10));
      await store.recordJobStatus(status(job.jobId, p, 'frozen'), at(20));
      await store.recordJobStatus(status(job.jobId, p, 'thawed'), at(50));
      expect(await store.recordJobStatus(status(job.jobId, p, 'finished', { exitCode: 0, workedSeconds: 40 }), at(60))).toEqual({ duplicate: false, state: 'finished', accepted: true });
      const before = await dump(database);
      expect(await store.recordJobStatus(status(job.jobId, p, 'finished', { exitCode: 0, workedSeconds: 40 }), at(90))).toEqual({ duplicate: true, state: 'finished', accepted: true });
      expect(await dump(database)).toBe(before);
      const done = await store.getJob(job.jobId);
      expect(done?.history.map((entry) => entry.state)).toEqual(['queued', 'offered', 'accepted', 'pulling', 'started', 'frozen', 'thawed', 'finished']);
      const attempt = await sql<{ observed_worked_seconds: number; reported_worked_seconds: number; frozen_seconds: number }>`select observed_worked_seconds, reported_worked_seconds, frozen_seconds from job_attempts`.execute(database.db);
      expect(attempt.rows).toEqual([{ observed_worked_seconds: 20, reported_worked_seconds: 40, frozen_seconds: 30 }]);
      const rules = (await store.standing(p, at(90))).reputation.rules;
      expect(rules.find((rule) => rule.rule === 'jobs-finished')?.value1000).toBe(1000);
      expect(rules.find((rule) => rule.rule === 'yields')?.value1000).toBe(0);
    });

    it('an interrupted run returns the job to the queue with its history and attempt count', async () => {
      const { provider, job } = await running();
      expect(await store.recordJobStatus(status(job.jobId, provider.providerId, 'interrupted'), at(5))).toEqual({ duplicate: false, state: 'queued', accepted: true });
      expect(await store.recordJobStatus(status(job.jobId, provider.providerId, 'interrupted'), at(6))).toEqual({ duplicate: true, state: 'queued', accepted: true });
      expect(await store.getJob(job.jobId)).toMatchObject({ state: 'queued', attempts: 1, providerId: null });
      const [again] = await store.matchQueuedJobs(at(7), MATCH);
      await store.answerOffer(again!.offerId, provider.providerId, true, null, at(8));
      expect(await store.getJob(job.jobId)).toMatchObject({ state: 'running', attempts: 2 });
      expect(await store.recordJobStatus(status(job.jobId, provider.providerId, 'failed', { exitCode: 3 }), at(9))).toMatchObject({ state: 'failed', accepted: true });
    });

    it('refuses statuses from a provider that does not hold the job, and for unknown jobs', async () => {
      const { job } = await running();
      const other = await readyProvider(store, { key: 2 });
      const before = await dump(database);
      expect(await store.recordJobStatus(status(job.jobId, other.provider.providerId, 'finished'), at(5))).toEqual({ duplicate: false, state: 'running', accepted: false });
      await expect(store.recordJobStatus(status('job_nope', other.provider.providerId, 'finished'), at(5))).rejects.toMatchObject({ code: 'unknown-job' });
      expect(await dump(database)).toBe(before);
    });

    it('requeues the jobs of a provider that went away, counting the interruption', async () => {
      const { provider, job } = await running();
      expect(await store.requeueJobsOfProvider(provider.providerId, 'gone', at(5))).toEqual([job.jobId]);
      expect(await store.getJob(job.jobId)).toMatchObject({ state: 'queued', attempts: 1 });
      const rule = (await store.standing(provider.providerId, at(5))).reputation.rules.find((r) => r.rule === 'jobs-finished');
      expect(rule?.value1000).toBe(0);
      expect(await store.recordJobStatus(status(job.jobId, provider.providerId, 'finished'), at(6))).toMatchObject({ accepted: false });
    });
  });

  describe('cancel', () => {
    it('cancels a queued job, and an offered one with the provider to tell', async () => {
      const { provider } = await readyProvider(store, { key: 1 });
      const queued = await store.submitJob(jobRequest({ gpus: 4 }), 'admin', T0);
      expect(await store.cancelJob(queued.jobId, 'not needed', at(1))).toMatchObject({ job: { state: 'cancelled' }, providerId: null });
      const offeredJob = await store.submitJob(jobRequest(), 'admin', at(2));
      const [offer] = await store.matchQueuedJobs(at(3), MATCH);
      expect(await store.cancelJob(offeredJob.jobId, 'changed my mind', at(4))).toMatchObject({ job: { state: 'cancelled', providerId: null }, providerId: provider.providerId });
      expect(await store.getOpenOffer(offer!.offerId)).toBeNull();
      const before = await dump(database);
      expect(await store.cancelJob(offeredJob.jobId, 'again', at(5))).toMatchObject({ job: { state: 'cancelled' }, providerId: null });
      expect(await store.cancelJob('job_nope', 'x', at(5))).toBeNull();
      expect(await dump(database)).toBe(before);
    });
  });

  it('reports counts for the status page', async () => {
    await readyProvider(store, { key: 1 });
    await readyProvider(store, { key: 2, availability: 'waiting' });
    await store.submitJob(jobRequest(), 'admin', T0);
    const counts = await store.status(at(1));
    expect(counts).toEqual({ database: target.engine, providers: { enrolled: 2, connected: 2, available: 1 }, jobs: { queued: 1, offered: 0, running: 0, finished: 0, failed: 0, interrupted: 0, cancelled: 0 } });
    const listed = await store.listProviders(at(1));
    expect(listed.map((provider) => `${provider.connected} ${provider.availability}`).sort()).toEqual(['true available', 'true waiting']);
    expect((await store.listJobs(10))[0]?.history[0]).toMatchObject({ state: 'queued', detail: 'submitted by admin' });
  });
});
