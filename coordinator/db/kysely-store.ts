/**
 * CoordinatorStore over Kysely: the same code on embedded PGlite and on a PostgreSQL server. Every method is
 * one transaction. Locks are always taken in the same order (jobs → offers → attempts → providers, and
 * sessions → providers) so two instances never deadlock each other; queue claims use FOR UPDATE SKIP LOCKED.
 */
import { randomBytes } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import { z } from 'zod';
import type { AvailabilityKind, AvailabilityReason } from '../../protocol/availability.js';
import {
  HelloBodySchema,
  IdSchema,
  JobStatusKindSchema,
  SESSION_TIMEOUT_MS,
  SubmitJobRequestSchema,
  MAX_EARNINGS_ITEMS,
  MAX_STATEMENT_PAGE,
  type AdminJob,
  type AdminProvider,
  type CoordinatorStatus,
  type ProviderPayout,
  type ProviderStanding,
  type ProviderStatement,
  type SubmitJobRequest,
} from '../../protocol/network.js';
import { assignJobs, type MatchCandidate, type MatchJob } from '../domain/matching.js';
import { REFERENCE_PRICE_PER_TFLOP_HOUR } from '../domain/pricing.js';
import { computeReputation } from '../domain/reputation.js';
import type { CoordinatorDatabase } from './database.js';
import { balancesOf } from './ledger-queries.js';
import { accounts, payoutReserveKey } from '../domain/ledger.js';
import { holdBudget, issueReceipt, meterRun, refundRemainder, type ReceiptIssuer } from './run-money.js';
import { sharedWalletOf } from './shared-wallet.js';
import { providerStatement } from './statement.js';
import {
  buildStanding,
  offlineSecondsOfDrop,
  reputationInput,
  toAdminJob,
  toOfferRecord,
  toProviderRecord,
  toSessionRecord,
  toTimedBenchmarkRecord,
  type EventRow,
} from './rows.js';
import type { AttemptOutcome, JobRow, JobState, NewJobEvent, ProviderRow, Schema } from './schema.js';
import {
  StoreInputError,
  type CoordinatorStore,
  type DatabaseEngine,
  type EnrolInput,
  type JobStatusInput,
  type JobStatusOutcome,
  type MatchOptions,
  type MeterPassResult,
  type ProviderEarnings,
  type OfferRecord,
  type ProviderRecord,
  type SessionRecord,
  type StoreRefusal,
  type TimedBenchmarkRecord,
} from './store.js';

/** How long after a session ended (or was last seen) the provider may still resume it. */
export const SESSION_RESUME_WINDOW_MS = 10 * 60_000;
export const MAX_MATCH_LIMIT = 10_000;
export const MAX_OFFER_TTL_MS = 3600_000;

export interface KyselyStoreOptions {
  /** Signs each ended run's receipt (the coordinator's key). */
  receiptIssuer: ReceiptIssuer;
  /** Base units per TFLOP-hour (domain/pricing.ts); the network's default when absent. */
  referencePricePerTflopHour?: bigint;
  /** A session silent this long is not connected (protocol's SESSION_TIMEOUT_MS by default). */
  sessionTimeoutMs?: number;
}

type Trx = Transaction<Schema>;
type AttemptRow = Awaited<ReturnType<typeof selectAttempt>>;

const HELD_STATES: JobState[] = ['offered', 'running'];
const ACTIVE_STATES: JobState[] = ['queued', 'offered', 'running'];
const JOB_STATES: JobState[] = ['queued', 'offered', 'running', 'finished', 'failed', 'interrupted', 'cancelled'];
/** Scheduler states in which the owner said the machine may work: uptime is counted in these. */
const AVAILABLE_FOR_WORK: (AvailabilityKind | null)[] = ['available', 'working'];
const FINAL_STATUSES = new Set(['finished', 'failed', 'interrupted']);

const EnrolInputSchema = HelloBodySchema.pick({ devicePublicKey: true, payoutAddress: true, gpus: true, minPricePerGpuHour: true, appVersion: true, backends: true }).strict();
const ReasonSchema = z.string().max(500);
const OfferReasonSchema = z.string().max(100).nullable();
const SubmitterSchema = z.string().min(1).max(100);

function refuse(code: StoreRefusal, message: string): StoreInputError {
  return new StoreInputError(code, message);
}

function parseOrRefuse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw refuse('invalid-input', `The ${what} is not valid: ${issue?.path.join('.') || what} ${issue?.message ?? 'is invalid'}.`);
}

function newId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString('hex')}`;
}

function secondsBetween(from: Date, to: Date): number {
  return Math.max(0, Math.floor((to.getTime() - from.getTime()) / 1000));
}

export class KyselyStore implements CoordinatorStore {
  readonly engine: DatabaseEngine;
  private readonly db: Kysely<Schema>;
  private readonly referencePrice: bigint;
  private readonly sessionTimeoutMs: number;
  private readonly receiptIssuer: ReceiptIssuer;

  constructor(
    private readonly database: CoordinatorDatabase,
    options: KyselyStoreOptions,
  ) {
    this.receiptIssuer = options.receiptIssuer;
    this.engine = database.engine;
    this.db = database.db;
    this.referencePrice = options.referencePricePerTflopHour ?? REFERENCE_PRICE_PER_TFLOP_HOUR;
    this.sessionTimeoutMs = options.sessionTimeoutMs ?? SESSION_TIMEOUT_MS;
  }

  private tx<T>(work: (trx: Trx) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(work);
  }

  private connectedSince(now: Date): Date {
    return new Date(now.getTime() - this.sessionTimeoutMs);
  }

  // Providers and sessions ---------------------------------------------------------------------------

  async enrolProvider(input: EnrolInput, now: Date): Promise<{ provider: ProviderRecord; created: boolean }> {
    const enrol = parseOrRefuse(EnrolInputSchema, input, 'enrolment');
    const profile = {
      payout_address: enrol.payoutAddress,
      gpus: JSON.stringify(enrol.gpus),
      gpu_count: enrol.gpus.length,
      max_gpu_vram_mib: Math.max(0, ...enrol.gpus.map((gpu) => gpu.vramMiB ?? 0)),
      min_price_per_gpu_hour: enrol.minPricePerGpuHour,
      backends: JSON.stringify(enrol.backends),
      app_version: enrol.appVersion,
      updated_at: now,
    };
    return this.tx(async (trx) => {
      const inserted = await trx
        .insertInto('providers')
        .values({ provider_id: newId('prv'), device_public_key: enrol.devicePublicKey, ...profile, throughput_milli_gflops: null, demo: false, last_timed_benchmark_at: null, dropped_while_available_at: null, created_at: now })
        .onConflict((conflict) => conflict.column('device_public_key').doNothing())
        .returningAll()
        .executeTakeFirst();
      if (inserted) return { provider: toProviderRecord(inserted), created: true };
      const updated = await trx.updateTable('providers').set(profile).where('device_public_key', '=', enrol.devicePublicKey).returningAll().executeTakeFirstOrThrow();
      return { provider: toProviderRecord(updated), created: false };
    });
  }

  async getProvider(providerId: string): Promise<ProviderRecord | null> {
    const row = await this.db.selectFrom('providers').selectAll().where('provider_id', '=', providerId).executeTakeFirst();
    return row ? toProviderRecord(row) : null;
  }

  async openSession(input: { providerId: string; instanceId: string; resumeSessionId: string | null }, now: Date): Promise<{ session: SessionRecord; resumed: boolean }> {
    return this.tx(async (trx) => {
      const provider = await trx.selectFrom('providers').select(['provider_id', 'dropped_while_available_at']).where('provider_id', '=', input.providerId).executeTakeFirst();
      if (!provider) throw refuse('unknown-provider', `No provider ${input.providerId} is enrolled.`);
      const resumable = input.resumeSessionId ? await this.findResumable(trx, input.providerId, input.resumeSessionId, now) : undefined;
      const session = resumable
        ? await trx.updateTable('sessions').set({ instance_id: input.instanceId, last_seen_at: now, closed_at: null }).where('session_id', '=', resumable).returningAll().executeTakeFirstOrThrow()
        : await trx
            .insertInto('sessions')
            .values({ session_id: newId('ses'), provider_id: input.providerId, instance_id: input.instanceId, opened_at: now, last_seen_at: now, closed_at: null, availability: null, availability_reason: null, owner_present: false })
            .returningAll()
            .executeTakeFirstOrThrow();
      // One live session per provider: a new connection replaces whatever an instance still holds open.
      await trx.updateTable('sessions').set({ closed_at: now }).where('provider_id', '=', input.providerId).where('closed_at', 'is', null).where('session_id', '!=', session.session_id).execute();
      if (provider.dropped_while_available_at) {
        const offline = offlineSecondsOfDrop(provider.dropped_while_available_at, now);
        await trx
          .updateTable('providers')
          .set((eb) => ({ offline_available_seconds: eb('offline_available_seconds', '+', offline), dropped_while_available_at: null }))
          .where('provider_id', '=', input.providerId)
          .execute();
      }
      return { session: toSessionRecord(session), resumed: resumable !== undefined };
    });
  }

  private async findResumable(trx: Trx, providerId: string, sessionId: string, now: Date): Promise<string | undefined> {
    const row = await trx
      .selectFrom('sessions')
      .select('session_id')
      .where('session_id', '=', sessionId)
      .where('provider_id', '=', providerId)
      .where((eb) => eb(eb.fn.coalesce('closed_at', 'last_seen_at'), '>=', new Date(now.getTime() - SESSION_RESUME_WINDOW_MS)))
      .forUpdate()
      .executeTakeFirst();
    return row?.session_id;
  }

  async touchSession(sessionId: string, now: Date, availability?: { state: AvailabilityKind; reason: AvailabilityReason; ownerPresent: boolean }): Promise<void> {
    await this.tx(async (trx) => {
      const session = await trx.selectFrom('sessions').select(['provider_id', 'last_seen_at', 'closed_at', 'availability']).where('session_id', '=', sessionId).forUpdate().executeTakeFirst();
      if (!session) throw refuse('unknown-session', `No session ${sessionId}.`);
      if (session.closed_at) throw refuse('session-closed', `Session ${sessionId} was closed; the provider must say hello again to resume it.`);
      const online = Math.round(Math.min(Math.max(0, now.getTime() - session.last_seen_at.getTime()), this.sessionTimeoutMs) / 1000);
      const changes = availability ? { availability: availability.state, availability_reason: availability.reason, owner_present: availability.ownerPresent } : {};
      await trx
        .updateTable('sessions')
        .set((eb) => ({ last_seen_at: eb.fn('greatest', [eb.ref('last_seen_at'), eb.val(now)]), ...changes }))
        .where('session_id', '=', sessionId)
        .execute();
      if (online > 0 && AVAILABLE_FOR_WORK.includes(session.availability)) {
        await trx.updateTable('providers').set((eb) => ({ online_available_seconds: eb('online_available_seconds', '+', online) })).where('provider_id', '=', session.provider_id).execute();
      }
    });
  }

  async touchSessions(batch: readonly { sessionId: string; at: Date }[]): Promise<void> {
    if (batch.length === 0) return;
    const timeoutSeconds = Math.round(this.sessionTimeoutMs / 1000);
    const values = sql.join(batch.map((entry) => sql`(${entry.sessionId}::text, ${entry.at}::timestamptz)`));
    // One row per session, its latest time (a batch may name a session twice).
    const seen = sql`SELECT session_id, MAX(at) AS at FROM (VALUES ${values}) AS b(session_id, at) GROUP BY session_id`;
    await this.tx(async (trx) => {
      // Online time first (it reads the previous last_seen_at), then the new last_seen_at; both set-based.
      await sql`
        UPDATE providers AS p SET online_available_seconds = p.online_available_seconds + x.seconds
        FROM (
          SELECT s.provider_id, SUM(ROUND(LEAST(GREATEST(EXTRACT(EPOCH FROM (v.at - s.last_seen_at)), 0), ${timeoutSeconds}::numeric)))::integer AS seconds
          FROM sessions AS s JOIN (${seen}) AS v ON s.session_id = v.session_id
          WHERE s.closed_at IS NULL AND s.availability IN ('available', 'working')
          GROUP BY s.provider_id
        ) AS x
        WHERE p.provider_id = x.provider_id AND x.seconds > 0`.execute(trx);
      await sql`
        UPDATE sessions AS s SET last_seen_at = GREATEST(s.last_seen_at, v.at)
        FROM (${seen}) AS v
        WHERE s.session_id = v.session_id AND s.closed_at IS NULL`.execute(trx);
    });
  }

  async closeSession(sessionId: string, now: Date, heldBy?: string): Promise<boolean> {
    return this.tx(async (trx) => {
      let update = trx.updateTable('sessions').set({ closed_at: now }).where('session_id', '=', sessionId).where('closed_at', 'is', null);
      if (heldBy !== undefined) update = update.where('instance_id', '=', heldBy);
      const closed = await update.returning(['provider_id', 'availability', 'last_seen_at']).executeTakeFirst();
      if (closed && AVAILABLE_FOR_WORK.includes(closed.availability)) await this.markDropped(trx, closed.provider_id, now);
      return closed !== undefined;
    });
  }

  async expireStaleSessions(now: Date, timeoutMs: number): Promise<string[]> {
    return this.tx(async (trx) => {
      const expired = await trx
        .updateTable('sessions')
        .set({ closed_at: now })
        .where('closed_at', 'is', null)
        .where('last_seen_at', '<', new Date(now.getTime() - timeoutMs))
        .returning(['provider_id', 'availability', 'last_seen_at'])
        .execute();
      for (const session of expired) {
        if (AVAILABLE_FOR_WORK.includes(session.availability)) await this.markDropped(trx, session.provider_id, session.last_seen_at);
      }
      return [...new Set(expired.map((session) => session.provider_id))];
    });
  }

  /** Gone while it said it was available: the offline clock of the uptime rule starts (if not running). */
  private async markDropped(trx: Trx, providerId: string, at: Date): Promise<void> {
    await trx.updateTable('providers').set({ dropped_while_available_at: at }).where('provider_id', '=', providerId).where('dropped_while_available_at', 'is', null).execute();
  }

  async standing(providerId: string, now: Date): Promise<ProviderStanding> {
    return this.tx(async (trx) => {
      const provider = await trx.selectFrom('providers').selectAll().where('provider_id', '=', providerId).executeTakeFirst();
      if (!provider) throw refuse('unknown-provider', `No provider ${providerId} is enrolled.`);
      const latest = await trx.selectFrom('timed_benchmarks').selectAll().where('provider_id', '=', providerId).orderBy('sent_at', 'desc').orderBy('challenge_id', 'desc').limit(1).executeTakeFirst();
      return buildStanding(provider, latest, now, this.referencePrice);
    });
  }

  async listProviders(now: Date): Promise<AdminProvider[]> {
    return this.tx(async (trx) => {
      const providers = await trx.selectFrom('providers').selectAll().orderBy('created_at').orderBy('provider_id').execute();
      const benchmarks = await trx.selectFrom('timed_benchmarks').selectAll().distinctOn('provider_id').orderBy('provider_id').orderBy('sent_at', 'desc').orderBy('challenge_id', 'desc').execute();
      const sessions = await trx
        .selectFrom('sessions')
        .select(['provider_id', 'closed_at', 'last_seen_at', 'availability'])
        .distinctOn('provider_id')
        .orderBy('provider_id')
        .orderBy('last_seen_at', 'desc')
        .execute();
      const latestBenchmark = new Map(benchmarks.map((row) => [row.provider_id, row]));
      const latestSession = new Map(sessions.map((row) => [row.provider_id, row]));
      const since = this.connectedSince(now);
      return providers.map((provider) => {
        const session = latestSession.get(provider.provider_id);
        const connected = !!session && session.closed_at === null && session.last_seen_at >= since;
        return {
          providerId: provider.provider_id,
          devicePublicKey: provider.device_public_key,
          payoutAddress: provider.payout_address,
          connected,
          availability: connected ? (session?.availability ?? null) : null,
          gpus: provider.gpus,
          minPricePerGpuHour: provider.min_price_per_gpu_hour,
          standing: buildStanding(provider, latestBenchmark.get(provider.provider_id), now, this.referencePrice),
          lastSeenAt: session ? session.last_seen_at.toISOString() : null,
        };
      });
    });
  }

  // Timed benchmark --------------------------------------------------------------------------------

  async createTimedBenchmark(record: Omit<TimedBenchmarkRecord, 'rootsAt' | 'roots' | 'probes' | 'state' | 'failureReason' | 'throughputMilliGflops' | 'software'>): Promise<void> {
    parseOrRefuse(IdSchema, record.challengeId, 'challenge id');
    await this.tx(async (trx) => {
      const session = await trx.selectFrom('sessions').select('session_id').where('session_id', '=', record.sessionId).where('provider_id', '=', record.providerId).executeTakeFirst();
      if (!session) throw refuse('unknown-session', `No session ${record.sessionId} of provider ${record.providerId}.`);
      const inserted = await trx
        .insertInto('timed_benchmarks')
        .values({
          challenge_id: record.challengeId,
          provider_id: record.providerId,
          session_id: record.sessionId,
          backend: record.backend,
          n: record.n,
          seeds: JSON.stringify(record.seeds),
          recheck: record.recheck,
          sent_at: record.sentAt,
          rtt_ms: Math.max(0, Math.round(record.rttMs)),
          deadline: record.deadline,
          roots_at: null,
          roots: null,
          probes: null,
          state: 'sent',
          failure_reason: null,
          throughput_milli_gflops: null,
          software: false,
          finished_at: null,
        })
        .onConflict((conflict) => conflict.column('challenge_id').doNothing())
        .executeTakeFirst();
      if (!inserted.numInsertedOrUpdatedRows) throw refuse('invalid-input', `Challenge id ${record.challengeId} is already used.`);
    });
  }

  async getTimedBenchmark(challengeId: string): Promise<TimedBenchmarkRecord | null> {
    const row = await this.db.selectFrom('timed_benchmarks').selectAll().where('challenge_id', '=', challengeId).executeTakeFirst();
    return row ? toTimedBenchmarkRecord(row) : null;
  }

  async commitTimedBenchmark(challengeId: string, update: { rootsAt: Date; roots: string[]; probes: NonNullable<TimedBenchmarkRecord['probes']>; software: boolean }): Promise<boolean> {
    const result = await this.tx((trx) =>
      trx
        .updateTable('timed_benchmarks')
        .set({ roots_at: update.rootsAt, roots: JSON.stringify(update.roots), probes: JSON.stringify(update.probes), software: update.software, state: 'committed' })
        .where('challenge_id', '=', challengeId)
        .where('state', '=', 'sent')
        .executeTakeFirst(),
    );
    return result.numUpdatedRows > 0n;
  }

  async finishTimedBenchmark(challengeId: string, verdict: { passed: boolean; failureReason: string | null; throughputMilliGflops: number | null; demo: boolean }, now: Date): Promise<void> {
    if (verdict.passed && (verdict.throughputMilliGflops === null || !Number.isSafeInteger(verdict.throughputMilliGflops) || verdict.throughputMilliGflops < 0)) {
      throw refuse('invalid-input', 'A passed timed benchmark needs a whole, non-negative throughput.');
    }
    await this.tx(async (trx) => {
      const bench = await trx.selectFrom('timed_benchmarks').select(['provider_id', 'state']).where('challenge_id', '=', challengeId).forUpdate().executeTakeFirst();
      if (!bench) throw refuse('unknown-challenge', `No timed benchmark ${challengeId}.`);
      if (bench.state === 'passed' || bench.state === 'failed') return; // already judged: a verdict is final
      await trx
        .updateTable('timed_benchmarks')
        .set({ state: verdict.passed ? 'passed' : 'failed', failure_reason: verdict.passed ? null : (verdict.failureReason ?? 'failed'), throughput_milli_gflops: verdict.passed ? verdict.throughputMilliGflops : null, finished_at: now })
        .where('challenge_id', '=', challengeId)
        .execute();
      // A score must be earned by the latest timed run: a failed one (a recheck included) withdraws it.
      const provider = verdict.passed
        ? { throughput_milli_gflops: verdict.throughputMilliGflops, demo: verdict.demo, last_timed_benchmark_at: now, updated_at: now }
        : { throughput_milli_gflops: null, demo: false, updated_at: now };
      await trx.updateTable('providers').set(provider).where('provider_id', '=', bench.provider_id).execute();
    });
  }

  // Jobs and offers -----------------------------------------------------------------------------------

  async submitJob(request: SubmitJobRequest, submittedBy: string, now: Date): Promise<AdminJob> {
    const job = parseOrRefuse(SubmitJobRequestSchema, request, 'job request');
    parseOrRefuse(SubmitterSchema, submittedBy, 'submitter');
    const jobId = newId('job');
    // The spec's id becomes the coordinator's job id, so provider and coordinator name the job alike.
    const spec = { ...job.spec, id: jobId };
    return this.tx(async (trx) => {
      const row = await trx
        .insertInto('jobs')
        .values({
          job_id: jobId,
          state: 'queued',
          spec: JSON.stringify(spec),
          image: spec.image,
          gpus: spec.resources.gpus,
          min_vram_mib: spec.resources.minVramMiB,
          min_throughput_milli_gflops: job.requirements.minThroughputMilliGflops,
          price_per_second: spec.price.perSecond,
          budget: job.budget,
          provider_id: null,
          attempts: 0,
          submitted_by: submittedBy,
          submitted_at: now,
          updated_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await holdBudget(trx, row, now);
      await this.addEvents(trx, [{ job_id: jobId, at: now, state: 'queued', provider_id: null, detail: `submitted by ${submittedBy}`, dedupe_key: null }]);
      return toAdminJob(row, await this.eventsOf(trx, [jobId]));
    });
  }

  async getJob(jobId: string): Promise<AdminJob | null> {
    return this.tx(async (trx) => {
      const row = await trx.selectFrom('jobs').selectAll().where('job_id', '=', jobId).executeTakeFirst();
      return row ? toAdminJob(row, await this.eventsOf(trx, [jobId])) : null;
    });
  }

  async listJobs(limit: number): Promise<AdminJob[]> {
    const count = parseOrRefuse(z.number().int().min(1).max(1000), limit, 'job list limit');
    return this.tx(async (trx) => {
      const rows = await trx.selectFrom('jobs').selectAll().orderBy('submitted_at', 'desc').orderBy('job_id', 'desc').limit(count).execute();
      const events = await this.eventsOf(trx, rows.map((row) => row.job_id));
      return rows.map((row) => toAdminJob(row, events.filter((event) => event.job_id === row.job_id)));
    });
  }

  async cancelJob(jobId: string, reason: string, now: Date): Promise<{ job: AdminJob; providerId: string | null } | null> {
    const why = parseOrRefuse(ReasonSchema, reason, 'cancel reason');
    return this.tx(async (trx) => {
      const job = await this.lockJob(trx, jobId);
      if (!job) return null;
      if (!ACTIVE_STATES.includes(job.state)) return { job: toAdminJob(job, await this.eventsOf(trx, [jobId])), providerId: null };
      const heldBy = HELD_STATES.includes(job.state) ? job.provider_id : null;
      await this.withdrawOpenOffer(trx, jobId, why, now);
      if (job.state === 'running') {
        const attempt = await selectAttempt(trx, jobId, job.attempts);
        if (attempt && attempt.outcome === null) await this.endAttempt(trx, job, attempt, 'cancelled', now, { detail: why }, await this.lastSeenOf(trx, attempt.provider_id));
      }
      const row = await this.setJob(trx, jobId, { state: 'cancelled', provider_id: null }, now);
      await refundRemainder(trx, job, now);
      await this.addEvents(trx, [{ job_id: jobId, at: now, state: 'cancelled', provider_id: heldBy, detail: why, dedupe_key: null }]);
      return { job: toAdminJob(row, await this.eventsOf(trx, [jobId])), providerId: heldBy };
    });
  }

  async matchQueuedJobs(now: Date, options: MatchOptions): Promise<OfferRecord[]> {
    const limit = parseOrRefuse(z.number().int().min(1).max(MAX_MATCH_LIMIT), options.limit, 'match limit');
    const ttl = parseOrRefuse(z.number().int().min(1).max(MAX_OFFER_TTL_MS), options.offerTtlMs, 'offer time to live');
    // Most passes find an empty queue (a pass is kicked on every enrolment and availability change): answer
    // those from the queue's partial index instead of the join over every provider.
    const anyQueued = await this.db.selectFrom('jobs').select('job_id').where('state', '=', 'queued').limit(1).executeTakeFirst();
    if (!anyQueued) return [];
    return this.tx(async (trx) => {
      const jobs = await this.claimMatchableJobs(trx, now, limit);
      if (jobs.length === 0) return [];
      const candidates = await this.idleCandidates(trx, now).execute();
      const assignments = assignJobs(jobs.map(toMatchJob), candidates.map((row) => toMatchCandidate(row, now)));
      const free = await this.lockStillFree(trx, assignments.map((assignment) => assignment.providerId));
      const confirmed = assignments.filter((assignment) => free.has(assignment.providerId));
      if (confirmed.length === 0) return [];
      const deadline = new Date(now.getTime() + ttl);
      const offers = confirmed.map((assignment) => ({ offer_id: newId('ofr'), job_id: assignment.jobId, provider_id: assignment.providerId, state: 'open' as const, created_at: now, deadline, answered_at: null, reason: null }));
      await trx.insertInto('offers').values(offers).execute();
      await trx
        .updateTable('jobs')
        .set((eb) => ({
          state: 'offered',
          provider_id: eb.selectFrom('offers').select('offers.provider_id').whereRef('offers.job_id', '=', 'jobs.job_id').where('offers.state', '=', 'open'),
          updated_at: now,
        }))
        .where('job_id', 'in', offers.map((offer) => offer.job_id))
        .execute();
      await this.addEvents(trx, offers.map((offer) => ({ job_id: offer.job_id, at: now, state: 'offered', provider_id: offer.provider_id, detail: `offer ${offer.offer_id}`, dedupe_key: null })));
      const specs = new Map(jobs.map((job) => [job.job_id, job]));
      return offers.map((offer) => toOfferRecord(offer, specs.get(offer.job_id) as JobRow));
    });
  }

  /** Connected, available, benchmarked providers holding no job: who could take one right now. */
  private idleCandidates(trx: Trx, now: Date) {
    const since = this.connectedSince(now);
    return trx
      .selectFrom('providers as p')
      .select([
        'p.provider_id',
        'p.gpus',
        'p.gpu_count',
        'p.max_gpu_vram_mib',
        'p.throughput_milli_gflops',
        'p.min_price_per_gpu_hour',
        'p.online_available_seconds',
        'p.offline_available_seconds',
        'p.dropped_while_available_at',
        'p.runs_ended',
        'p.runs_finished',
        'p.runs_interrupted',
        'p.runs_yielded',
        'p.last_timed_benchmark_at',
      ])
      .where('p.throughput_milli_gflops', 'is not', null)
      .where(({ exists, selectFrom }) =>
        exists(
          selectFrom('sessions as s')
            .select('s.session_id')
            .whereRef('s.provider_id', '=', 'p.provider_id')
            .where('s.closed_at', 'is', null)
            .where('s.last_seen_at', '>=', since)
            .where('s.availability', '=', 'available'),
        ),
      )
      .where(({ not, exists, selectFrom }) => not(exists(selectFrom('jobs as h').select('h.job_id').whereRef('h.provider_id', '=', 'p.provider_id').where('h.state', 'in', HELD_STATES))));
  }

  /**
   * The oldest queued jobs that at least one idle provider could take (so jobs nobody fits do not block the
   * queue), claimed FOR UPDATE SKIP LOCKED: another instance's pass takes the next ones instead of waiting.
   */
  private async claimMatchableJobs(trx: Trx, now: Date, limit: number): Promise<JobRow[]> {
    return trx
      .with((cte) => cte('candidates').materialized(), () => this.idleCandidates(trx, now))
      .selectFrom('jobs as j')
      .selectAll('j')
      .where('j.state', '=', 'queued')
      .where(({ exists, selectFrom }) =>
        exists(
          selectFrom('candidates as c')
            .select('c.provider_id')
            .whereRef('c.gpu_count', '>=', 'j.gpus')
            .whereRef('c.max_gpu_vram_mib', '>=', 'j.min_vram_mib')
            .whereRef('c.throughput_milli_gflops', '>=', 'j.min_throughput_milli_gflops')
            .where(sql<boolean>`${sql.ref('j.price_per_second')} * 3600 >= ${sql.ref('c.min_price_per_gpu_hour')} * greatest(1, ${sql.ref('j.gpus')})`),
        ),
      )
      .orderBy('j.submitted_at')
      .orderBy('j.job_id')
      .limit(limit)
      .forUpdate('j')
      .skipLocked()
      .execute();
  }

  /**
   * Locks the chosen providers (skipping any another pass holds) and keeps those that still hold no job. The
   * re-check is a fresh statement, so it sees offers another instance committed after our candidate list.
   */
  private async lockStillFree(trx: Trx, providerIds: string[]): Promise<Set<string>> {
    if (providerIds.length === 0) return new Set();
    const locked = await trx.selectFrom('providers').select('provider_id').where('provider_id', 'in', providerIds).forNoKeyUpdate().skipLocked().execute();
    if (locked.length === 0) return new Set();
    const lockedIds = locked.map((row) => row.provider_id);
    const busy = await trx.selectFrom('jobs').select('provider_id').where('provider_id', 'in', lockedIds).where('state', 'in', HELD_STATES).execute();
    const busyIds = new Set(busy.map((row) => row.provider_id));
    return new Set(lockedIds.filter((id) => !busyIds.has(id)));
  }

  async getOpenOffer(offerId: string): Promise<OfferRecord | null> {
    const row = await this.db
      .selectFrom('offers')
      .innerJoin('jobs', 'jobs.job_id', 'offers.job_id')
      .select(['offers.offer_id', 'offers.job_id', 'offers.provider_id', 'offers.deadline', 'jobs.spec'])
      .where('offers.offer_id', '=', offerId)
      .where('offers.state', '=', 'open')
      .executeTakeFirst();
    return row ? toOfferRecord(row, row) : null;
  }

  async answerOffer(offerId: string, providerId: string, accepted: boolean, reason: string | null, now: Date): Promise<{ jobId: string; accepted: boolean } | null> {
    const why = parseOrRefuse(OfferReasonSchema, reason, 'decline reason');
    return this.tx(async (trx) => {
      const found = await trx.selectFrom('offers').select('job_id').where('offer_id', '=', offerId).where('provider_id', '=', providerId).executeTakeFirst();
      if (!found) return null;
      const job = await this.lockJob(trx, found.job_id);
      const offer = await trx.selectFrom('offers').selectAll().where('offer_id', '=', offerId).forUpdate().executeTakeFirstOrThrow();
      if (!job || offer.state !== 'open') return null;
      if (offer.deadline.getTime() < now.getTime()) {
        await this.returnOfferedJob(trx, offer.offer_id, offer.job_id, offer.provider_id, 'expired', 'the answer came after the deadline', now);
        return null;
      }
      if (!accepted) {
        await this.returnOfferedJob(trx, offer.offer_id, offer.job_id, offer.provider_id, 'declined', why ?? 'declined', now);
        return { jobId: offer.job_id, accepted: false };
      }
      await trx.updateTable('offers').set({ state: 'accepted', answered_at: now }).where('offer_id', '=', offerId).execute();
      const attemptNo = job.attempts + 1;
      await trx
        .insertInto('job_attempts')
        .values({ job_id: job.job_id, attempt_no: attemptNo, provider_id: providerId, offer_id: offerId, accepted_at: now, started_at: null, frozen_since: null, frozen_seconds: 0, yielded: false, finished_at: null, outcome: null, exit_code: null, reported_worked_seconds: null, observed_worked_seconds: null, output_digest: null, detail: null })
        .execute();
      await this.setJob(trx, job.job_id, { state: 'running', attempts: attemptNo }, now);
      await this.addEvents(trx, [{ job_id: job.job_id, at: now, state: 'accepted', provider_id: providerId, detail: `attempt ${attemptNo}`, dedupe_key: null }]);
      return { jobId: job.job_id, accepted: true };
    });
  }

  async expireOffers(now: Date): Promise<OfferRecord[]> {
    return this.tx(async (trx) => {
      const due = await trx.selectFrom('offers').select('job_id').where('state', '=', 'open').where('deadline', '<', now).execute();
      if (due.length === 0) return [];
      // Jobs first (the lock order everywhere); a job another pass holds is expired by that pass or the next.
      const jobs = await trx.selectFrom('jobs').selectAll().where('job_id', 'in', due.map((row) => row.job_id)).where('state', '=', 'offered').forUpdate().skipLocked().execute();
      if (jobs.length === 0) return [];
      const offers = await trx
        .selectFrom('offers')
        .selectAll()
        .where('job_id', 'in', jobs.map((job) => job.job_id))
        .where('state', '=', 'open')
        .where('deadline', '<', now)
        .forUpdate()
        .execute();
      const byJob = new Map(jobs.map((job) => [job.job_id, job]));
      for (const offer of offers) await this.returnOfferedJob(trx, offer.offer_id, offer.job_id, offer.provider_id, 'expired', 'no answer before the deadline', now);
      return offers.map((offer) => toOfferRecord(offer, byJob.get(offer.job_id) as JobRow));
    });
  }

  /** A declined, expired or withdrawn offer: the job goes back to the queue, its history and attempts kept. */
  private async returnOfferedJob(trx: Trx, offerId: string, jobId: string, providerId: string, outcome: 'declined' | 'expired' | 'withdrawn', detail: string, now: Date): Promise<void> {
    await trx.updateTable('offers').set({ state: outcome, answered_at: now, reason: detail }).where('offer_id', '=', offerId).execute();
    await this.setJob(trx, jobId, { state: 'queued', provider_id: null }, now);
    await this.addEvents(trx, [{ job_id: jobId, at: now, state: outcome, provider_id: providerId, detail, dedupe_key: null }]);
  }

  async recordJobStatus(input: JobStatusInput, now: Date): Promise<JobStatusOutcome> {
    const status = parseOrRefuse(JobStatusKindSchema, input.status, 'job status');
    return this.tx(async (trx) => {
      const job = await this.lockJob(trx, input.jobId);
      if (!job) throw refuse('unknown-job', `No job ${input.jobId}.`);
      const attempt = await latestAttemptBy(trx, input.jobId, input.providerId);
      if (attempt && FINAL_STATUSES.has(status) && attempt.outcome === status) return { duplicate: true, state: job.state, accepted: true };
      const holds = job.state === 'running' && job.provider_id === input.providerId && attempt !== undefined && attempt.outcome === null && attempt.attempt_no === job.attempts;
      if (!holds || !attempt) return { duplicate: false, state: job.state, accepted: false };
      const state = await this.applyStatus(trx, job, attempt, { ...input, status }, now);
      return { duplicate: false, state, accepted: true };
    });
  }

  private async applyStatus(trx: Trx, job: JobRow, attempt: NonNullable<AttemptRow>, input: JobStatusInput, now: Date): Promise<JobState> {
    const event = (state: string, detail: string | null, dedupeKey: string | null): NewJobEvent => ({ job_id: job.job_id, at: now, state, provider_id: input.providerId, detail, dedupe_key: dedupeKey });
    const key = (suffix: string): string => `attempt-${attempt.attempt_no}-${suffix}`;
    switch (input.status) {
      case 'pulling':
        await this.addEvents(trx, [event('pulling', input.message, key('pulling'))]);
        return 'running';
      case 'started':
        await trx.updateTable('job_attempts').set({ started_at: now }).where('job_id', '=', job.job_id).where('attempt_no', '=', attempt.attempt_no).where('started_at', 'is', null).execute();
        await this.addEvents(trx, [event('started', input.message, key('started'))]);
        return 'running';
      case 'frozen':
        if (attempt.frozen_since) return 'running';
        await trx.updateTable('job_attempts').set({ frozen_since: now, yielded: true }).where('job_id', '=', job.job_id).where('attempt_no', '=', attempt.attempt_no).execute();
        await this.addEvents(trx, [event('frozen', input.message ?? 'the owner came back', null)]);
        return 'running';
      case 'thawed':
        if (!attempt.frozen_since) return 'running';
        await trx
          .updateTable('job_attempts')
          .set((eb) => ({ frozen_since: null, frozen_seconds: eb('frozen_seconds', '+', secondsBetween(attempt.frozen_since as Date, now)) }))
          .where('job_id', '=', job.job_id)
          .where('attempt_no', '=', attempt.attempt_no)
          .execute();
        await this.addEvents(trx, [event('thawed', input.message, null)]);
        return 'running';
      case 'finished':
      case 'failed':
      case 'interrupted':
        return this.finishAttempt(trx, job, attempt, input, now, event(input.status, input.message, key('final')));
    }
  }

  private async finishAttempt(trx: Trx, job: JobRow, attempt: NonNullable<AttemptRow>, input: JobStatusInput, now: Date, finalEvent: NewJobEvent): Promise<JobState> {
    const outcome = input.status as AttemptOutcome;
    // The provider's own final status is its latest sign of life: every second up to now is confirmed.
    await this.endAttempt(trx, job, attempt, outcome, now, { exitCode: input.exitCode, workedSeconds: input.workedSeconds, outputDigest: input.outputDigest, detail: input.message }, null);
    // Interrupted work goes back to the queue (history kept); finished and failed jobs stay with who ran them.
    const state: JobState = outcome === 'interrupted' ? 'queued' : outcome === 'finished' ? 'finished' : 'failed';
    await this.setJob(trx, job.job_id, { state, provider_id: state === 'queued' ? null : job.provider_id }, now);
    if (state !== 'queued') await refundRemainder(trx, job, now);
    await this.addEvents(trx, [finalEvent]);
    return state;
  }

  /**
   * Closes a run: its last confirmed seconds metered, the provider's figures, its signed receipt (what it
   * earned moves to payable), and its reputation counters. `lastSeenAt`: the provider's last sign of life when
   * the run ends without a word from it (gone, cancelled); null when its own status ended it.
   */
  private async endAttempt(
    trx: Trx,
    job: JobRow,
    attempt: NonNullable<AttemptRow>,
    outcome: AttemptOutcome,
    now: Date,
    reported: { exitCode?: number | null; workedSeconds?: number | null; outputDigest?: string | null; detail: string | null },
    lastSeenAt: Date | null,
  ): Promise<void> {
    const run = { ...attempt };
    await meterRun(trx, job, run, now, lastSeenAt);
    const frozen = attempt.frozen_seconds + (attempt.frozen_since ? secondsBetween(attempt.frozen_since, now) : 0);
    // What is paid is what was observed: whole seconds started → last confirmed moment, frozen time excluded.
    const observed = run.metered_seconds;
    await issueReceipt(trx, this.receiptIssuer, job, run, outcome, now);
    await trx
      .updateTable('job_attempts')
      .set({
        finished_at: now,
        outcome,
        frozen_since: null,
        frozen_seconds: frozen,
        exit_code: reported.exitCode ?? null,
        reported_worked_seconds: reported.workedSeconds ?? null,
        observed_worked_seconds: observed,
        output_digest: reported.outputDigest ?? null,
        detail: reported.detail,
      })
      .where('job_id', '=', attempt.job_id)
      .where('attempt_no', '=', attempt.attempt_no)
      .execute();
    await trx
      .updateTable('providers')
      .set((eb) => ({
        runs_ended: eb('runs_ended', '+', 1),
        runs_finished: eb('runs_finished', '+', outcome === 'finished' ? 1 : 0),
        runs_interrupted: eb('runs_interrupted', '+', outcome === 'interrupted' ? 1 : 0),
        runs_yielded: eb('runs_yielded', '+', attempt.yielded ? 1 : 0),
      }))
      .where('provider_id', '=', attempt.provider_id)
      .execute();
  }

  async requeueJobsOfProvider(providerId: string, reason: string, now: Date): Promise<string[]> {
    const why = parseOrRefuse(ReasonSchema, reason, 'requeue reason');
    return this.tx(async (trx) => {
      const jobs = await trx.selectFrom('jobs').selectAll().where('provider_id', '=', providerId).where('state', 'in', HELD_STATES).orderBy('job_id').forUpdate().execute();
      for (const job of jobs) {
        if (job.state === 'offered') {
          const offer = await trx.selectFrom('offers').select('offer_id').where('job_id', '=', job.job_id).where('state', '=', 'open').forUpdate().executeTakeFirst();
          if (offer) await this.returnOfferedJob(trx, offer.offer_id, job.job_id, providerId, 'withdrawn', why, now);
          continue;
        }
        const attempt = await selectAttempt(trx, job.job_id, job.attempts);
        if (attempt && attempt.outcome === null) await this.endAttempt(trx, job, attempt, 'interrupted', now, { detail: why }, await this.lastSeenOf(trx, providerId));
        await this.setJob(trx, job.job_id, { state: 'queued', provider_id: null }, now);
        await this.addEvents(trx, [{ job_id: job.job_id, at: now, state: 'interrupted', provider_id: providerId, detail: why, dedupe_key: attempt ? `attempt-${attempt.attempt_no}-final` : null }]);
      }
      return jobs.map((job) => job.job_id);
    });
  }

  async runningJobsOf(providerId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('jobs').select('job_id').where('provider_id', '=', providerId).where('state', '=', 'running').orderBy('job_id').execute();
    return rows.map((row) => row.job_id);
  }

  // Money ------------------------------------------------------------------------------------------------

  async meterRunningJobs(now: Date, limit: number): Promise<MeterPassResult> {
    const count = parseOrRefuse(z.number().int().min(1).max(MAX_MATCH_LIMIT), limit, 'metering limit');
    return this.tx(async (trx) => {
      // Jobs first (the lock order everywhere); a job another instance holds is metered by it or the next pass.
      const jobs = await trx.selectFrom('jobs').selectAll().where('state', '=', 'running').orderBy('job_id').limit(count).forUpdate().skipLocked().execute();
      const result: MeterPassResult = { credited: 0, budgetSpent: [] };
      for (const job of jobs) {
        const attempt = await selectAttempt(trx, job.job_id, job.attempts);
        if (!attempt || attempt.outcome !== null || !attempt.started_at) continue;
        const metered = await meterRun(trx, job, { ...attempt }, now, await this.lastSeenOf(trx, attempt.provider_id));
        if (metered.seconds > 0) result.credited += 1;
        if (metered.budgetSpent) result.budgetSpent.push({ jobId: job.job_id, providerId: attempt.provider_id });
      }
      return result;
    });
  }

  async earningsOf(providerId: string, limit: number, now: Date): Promise<ProviderEarnings> {
    const count = parseOrRefuse(z.number().int().min(1).max(MAX_EARNINGS_ITEMS), limit, 'earnings limit');
    return this.tx(async (trx) => {
      const names = [accounts.pending(providerId), accounts.payable(providerId), accounts.inFlight(providerId), accounts.paid(providerId)];
      const balances = await balancesOf(trx, names);
      const receipts = await trx.selectFrom('receipts').select('receipt').where('provider_id', '=', providerId).orderBy('issued_at', 'desc').orderBy('receipt_id', 'desc').limit(count).execute();
      const payouts = await providerPayouts(trx, providerId, count);
      const wallet = await sharedWalletOf(trx, providerId, this.connectedSince(now));
      const [pending, payable, inFlight, paid] = names.map((name) => (balances.get(name) ?? 0n).toString()) as [string, string, string, string];
      return { summary: { pending, payable, inFlight, paid }, receipts: receipts.map((row) => row.receipt), payouts, wallet };
    });
  }

  async statementOf(providerId: string, page: { after: string | null; limit: number }): Promise<ProviderStatement | null> {
    const limit = parseOrRefuse(z.number().int().min(1).max(MAX_STATEMENT_PAGE), page.limit, 'statement page size');
    const after = parseOrRefuse(IdSchema.nullable(), page.after, 'statement cursor');
    return providerStatement(this.db, providerId, { after, limit });
  }

  async status(now: Date): Promise<Omit<CoordinatorStatus, 'network' | 'instanceId' | 'version' | 'uptimeSeconds'>> {
    return this.tx(async (trx) => {
      const count = sql<number>`cast(count(*) as integer)`;
      const enrolled = await trx.selectFrom('providers').select(count.as('n')).executeTakeFirstOrThrow();
      const live = trx.selectFrom('sessions').where('closed_at', 'is', null).where('last_seen_at', '>=', this.connectedSince(now));
      const connected = await live.select(sql<number>`cast(count(distinct provider_id) as integer)`.as('n')).executeTakeFirstOrThrow();
      const available = await live.where('availability', '=', 'available').select(sql<number>`cast(count(distinct provider_id) as integer)`.as('n')).executeTakeFirstOrThrow();
      const byState = await trx.selectFrom('jobs').select(['state', count.as('n')]).groupBy('state').execute();
      const jobs = Object.fromEntries(JOB_STATES.map((state) => [state, byState.find((row) => row.state === state)?.n ?? 0])) as Record<JobState, number>;
      return { database: this.engine, providers: { enrolled: enrolled.n, connected: connected.n, available: available.n }, jobs };
    });
  }

  async close(): Promise<void> {
    await this.database.close();
  }

  // Helpers ------------------------------------------------------------------------------------------

  /** The provider's last sign of life: its most recent session's last-seen time. */
  private async lastSeenOf(trx: Trx, providerId: string): Promise<Date | null> {
    const row = await trx.selectFrom('sessions').select('last_seen_at').where('provider_id', '=', providerId).orderBy('last_seen_at', 'desc').limit(1).executeTakeFirst();
    return row?.last_seen_at ?? null;
  }

  private async lockJob(trx: Trx, jobId: string): Promise<JobRow | undefined> {
    return trx.selectFrom('jobs').selectAll().where('job_id', '=', jobId).forUpdate().executeTakeFirst();
  }

  private async setJob(trx: Trx, jobId: string, changes: { state: JobState; provider_id?: string | null; attempts?: number }, now: Date): Promise<JobRow> {
    return trx.updateTable('jobs').set({ ...changes, updated_at: now }).where('job_id', '=', jobId).returningAll().executeTakeFirstOrThrow();
  }

  private async withdrawOpenOffer(trx: Trx, jobId: string, reason: string, now: Date): Promise<void> {
    await trx.updateTable('offers').set({ state: 'withdrawn', answered_at: now, reason }).where('job_id', '=', jobId).where('state', '=', 'open').execute();
  }

  /** History rows; one with a dedupe key already on record for its job is skipped (recorded once). */
  private async addEvents(trx: Trx, events: NewJobEvent[]): Promise<void> {
    if (events.length === 0) return;
    await trx
      .insertInto('job_events')
      .values(events)
      .onConflict((conflict) => conflict.columns(['job_id', 'dedupe_key']).doNothing())
      .execute();
  }

  private async eventsOf(trx: Trx, jobIds: string[]): Promise<EventRow[]> {
    if (jobIds.length === 0) return [];
    return trx.selectFrom('job_events').selectAll().where('job_id', 'in', jobIds).orderBy('event_id').execute();
  }
}

/**
 * The provider's payouts, newest first, each with the whole transfer to its wallet in that transaction and the
 * id of the posting that reserved its share (found by that posting's idempotency key, which is unique).
 */
async function providerPayouts(trx: Trx, providerId: string, limit: number): Promise<ProviderPayout[]> {
  const rows = await trx
    .selectFrom('payout_items as mine')
    .innerJoin('payout_batches as batch', 'batch.batch_id', 'mine.batch_id')
    .select((eb) => [
      'mine.batch_id',
      'mine.amount',
      'mine.recipient',
      'batch.state',
      'batch.mint',
      'batch.signature',
      'batch.created_at',
      'batch.paid_at',
      eb
        .selectFrom('payout_items as shared')
        .select(sql<string>`cast(sum(shared.amount) as text)`.as('total'))
        .whereRef('shared.batch_id', '=', 'mine.batch_id')
        .whereRef('shared.recipient', '=', 'mine.recipient')
        .as('transfer_amount'),
    ])
    .where('mine.provider_id', '=', providerId)
    .orderBy('batch.created_at', 'desc')
    .orderBy('mine.batch_id', 'desc')
    .limit(limit)
    .execute();
  const reserves = await postingIdsByKey(trx, rows.map((row) => payoutReserveKey(row.batch_id, providerId)));
  return rows.map((row) => ({
    batchId: row.batch_id,
    state: row.state === 'paid' ? 'paid' : row.state === 'failed' ? 'failed' : 'pending',
    amount: row.amount,
    recipient: row.recipient,
    transferAmount: row.transfer_amount ?? row.amount,
    mint: row.mint,
    signature: row.signature,
    createdAt: row.created_at.toISOString(),
    paidAt: row.paid_at ? row.paid_at.toISOString() : null,
    reservePostingId: reserves.get(payoutReserveKey(row.batch_id, providerId)),
  }));
}

/** Posting ids by idempotency key (keys never posted are missing from the map). */
async function postingIdsByKey(trx: Trx, keys: readonly string[]): Promise<Map<string, string>> {
  if (keys.length === 0) return new Map();
  const rows = await trx.selectFrom('ledger_postings').select(['idempotency_key', sql<string>`cast(posting_id as text)`.as('id')]).where('idempotency_key', 'in', [...keys]).execute();
  return new Map(rows.map((row) => [row.idempotency_key, row.id]));
}

function selectAttempt(trx: Trx, jobId: string, attemptNo: number) {
  return trx.selectFrom('job_attempts').selectAll().where('job_id', '=', jobId).where('attempt_no', '=', attemptNo).forUpdate().executeTakeFirst();
}

function latestAttemptBy(trx: Trx, jobId: string, providerId: string) {
  return trx.selectFrom('job_attempts').selectAll().where('job_id', '=', jobId).where('provider_id', '=', providerId).orderBy('attempt_no', 'desc').limit(1).forUpdate().executeTakeFirst();
}

function toMatchJob(row: JobRow): MatchJob {
  return { jobId: row.job_id, gpus: row.gpus, minVramMiB: row.min_vram_mib, minThroughputMilliGflops: row.min_throughput_milli_gflops, pricePerSecond: BigInt(row.price_per_second) };
}

type CandidateRow = Pick<
  ProviderRow,
  | 'provider_id'
  | 'gpus'
  | 'throughput_milli_gflops'
  | 'min_price_per_gpu_hour'
  | 'online_available_seconds'
  | 'offline_available_seconds'
  | 'dropped_while_available_at'
  | 'runs_ended'
  | 'runs_finished'
  | 'runs_interrupted'
  | 'runs_yielded'
  | 'last_timed_benchmark_at'
>;

function toMatchCandidate(row: CandidateRow, now: Date): MatchCandidate {
  return {
    providerId: row.provider_id,
    gpus: row.gpus,
    throughputMilliGflops: row.throughput_milli_gflops ?? 0,
    minPricePerGpuHour: BigInt(row.min_price_per_gpu_hour),
    reputationScore: computeReputation(reputationInput(row, now)).score,
  };
}
