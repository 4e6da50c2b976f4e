/**
 * The first schema: providers and their sessions, timed benchmarks, jobs with their runs (attempts), history
 * and offers. Written with Kysely's schema builder so both engines get the same DDL; the few `sql` fragments
 * are fixed text (CHECK lists, partial-index predicates), never input.
 */
import { sql, type Kysely, type Migration } from 'kysely';

const JOB_STATES = sql`('queued', 'offered', 'running', 'finished', 'failed', 'interrupted', 'cancelled')`;
const OFFER_STATES = sql`('open', 'accepted', 'declined', 'expired', 'withdrawn')`;
const MONEY = sql`numeric(30, 0)`;

// Migrations see the database as it was when they were written, not as schema.ts says today.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

async function createProviders(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('providers')
    .addColumn('provider_id', 'text', (c) => c.primaryKey())
    .addColumn('device_public_key', 'text', (c) => c.notNull().unique())
    .addColumn('payout_address', 'text', (c) => c.notNull())
    .addColumn('gpus', 'jsonb', (c) => c.notNull())
    .addColumn('gpu_count', 'integer', (c) => c.notNull().check(sql`gpu_count >= 0`))
    .addColumn('max_gpu_vram_mib', 'integer', (c) => c.notNull())
    .addColumn('min_price_per_gpu_hour', MONEY, (c) => c.notNull().check(sql`min_price_per_gpu_hour >= 0`))
    .addColumn('backends', 'jsonb', (c) => c.notNull())
    .addColumn('app_version', 'text', (c) => c.notNull())
    .addColumn('throughput_milli_gflops', 'integer')
    .addColumn('demo', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('last_timed_benchmark_at', 'timestamptz')
    .addColumn('online_available_seconds', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('offline_available_seconds', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('dropped_while_available_at', 'timestamptz')
    .addColumn('runs_ended', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('runs_finished', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('runs_interrupted', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('runs_yielded', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute();
}

async function createSessions(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('sessions')
    .addColumn('session_id', 'text', (c) => c.primaryKey())
    .addColumn('provider_id', 'text', (c) => c.notNull().references('providers.provider_id'))
    .addColumn('instance_id', 'text', (c) => c.notNull())
    .addColumn('opened_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_seen_at', 'timestamptz', (c) => c.notNull())
    .addColumn('closed_at', 'timestamptz')
    .addColumn('availability', 'text')
    .addColumn('availability_reason', 'text')
    .addColumn('owner_present', 'boolean', (c) => c.notNull().defaultTo(false))
    .execute();
  // Matching and "connected" look only at open sessions.
  await db.schema.createIndex('sessions_open_by_provider').on('sessions').columns(['provider_id', 'last_seen_at']).where(sql.ref('closed_at'), 'is', null).execute();
  await db.schema.createIndex('sessions_by_provider').on('sessions').column('provider_id').execute();
}

async function createTimedBenchmarks(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('timed_benchmarks')
    .addColumn('challenge_id', 'text', (c) => c.primaryKey())
    .addColumn('provider_id', 'text', (c) => c.notNull().references('providers.provider_id'))
    .addColumn('session_id', 'text', (c) => c.notNull().references('sessions.session_id'))
    .addColumn('backend', 'text', (c) => c.notNull().check(sql`backend in ('webgpu', 'cuda')`))
    .addColumn('n', 'integer', (c) => c.notNull())
    .addColumn('seeds', 'jsonb', (c) => c.notNull())
    .addColumn('recheck', 'boolean', (c) => c.notNull())
    .addColumn('sent_at', 'timestamptz', (c) => c.notNull())
    .addColumn('rtt_ms', 'integer', (c) => c.notNull())
    .addColumn('deadline', 'timestamptz', (c) => c.notNull())
    .addColumn('roots_at', 'timestamptz')
    .addColumn('roots', 'jsonb')
    .addColumn('probes', 'jsonb')
    .addColumn('state', 'text', (c) => c.notNull().check(sql`state in ('sent', 'committed', 'passed', 'failed')`))
    .addColumn('failure_reason', 'text')
    .addColumn('throughput_milli_gflops', 'integer')
    .addColumn('software', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('finished_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('timed_benchmarks_by_provider').on('timed_benchmarks').columns(['provider_id', 'sent_at']).execute();
}

async function createJobs(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('jobs')
    .addColumn('job_id', 'text', (c) => c.primaryKey())
    .addColumn('state', 'text', (c) => c.notNull().check(sql`state in ${JOB_STATES}`))
    .addColumn('spec', 'jsonb', (c) => c.notNull())
    .addColumn('image', 'text', (c) => c.notNull())
    .addColumn('gpus', 'integer', (c) => c.notNull())
    .addColumn('min_vram_mib', 'integer', (c) => c.notNull())
    .addColumn('min_throughput_milli_gflops', 'integer', (c) => c.notNull())
    .addColumn('price_per_second', MONEY, (c) => c.notNull().check(sql`price_per_second >= 0`))
    .addColumn('budget', MONEY, (c) => c.notNull().check(sql`budget >= 0`))
    .addColumn('provider_id', 'text', (c) => c.references('providers.provider_id'))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('submitted_by', 'text', (c) => c.notNull())
    .addColumn('submitted_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute();
  // The queue, oldest first, for the FOR UPDATE SKIP LOCKED claim.
  await db.schema.createIndex('jobs_queue').on('jobs').columns(['submitted_at', 'job_id']).where(sql.ref('state'), '=', 'queued').execute();
  // A provider holds at most one job at a time (offered or running): the database refuses a second one even
  // if two matching passes raced past every other check.
  await db.schema.createIndex('jobs_one_held_per_provider').unique().on('jobs').column('provider_id').where(sql.ref('state'), 'in', sql`('offered', 'running')`).execute();
  await db.schema.createIndex('jobs_by_provider').on('jobs').column('provider_id').execute();
}

async function createJobAttempts(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('job_attempts')
    .addColumn('job_id', 'text', (c) => c.notNull().references('jobs.job_id'))
    .addColumn('attempt_no', 'integer', (c) => c.notNull())
    .addColumn('provider_id', 'text', (c) => c.notNull().references('providers.provider_id'))
    .addColumn('offer_id', 'text', (c) => c.notNull())
    .addColumn('accepted_at', 'timestamptz', (c) => c.notNull())
    .addColumn('started_at', 'timestamptz')
    .addColumn('frozen_since', 'timestamptz')
    .addColumn('frozen_seconds', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('yielded', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('finished_at', 'timestamptz')
    .addColumn('outcome', 'text', (c) => c.check(sql`outcome in ('finished', 'failed', 'interrupted', 'cancelled')`))
    .addColumn('exit_code', 'integer')
    .addColumn('reported_worked_seconds', 'integer')
    .addColumn('observed_worked_seconds', 'integer')
    .addColumn('output_digest', 'text')
    .addColumn('detail', 'text')
    .addPrimaryKeyConstraint('job_attempts_pk', ['job_id', 'attempt_no'])
    .execute();
  await db.schema.createIndex('job_attempts_by_provider').on('job_attempts').column('provider_id').execute();
}

async function createJobEvents(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('job_events')
    .addColumn('event_id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('job_id', 'text', (c) => c.notNull().references('jobs.job_id'))
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('provider_id', 'text')
    .addColumn('detail', 'text')
    .addColumn('dedupe_key', 'text')
    .addUniqueConstraint('job_events_dedupe', ['job_id', 'dedupe_key'])
    .execute();
  await db.schema.createIndex('job_events_by_job').on('job_events').columns(['job_id', 'event_id']).execute();
}

async function createOffers(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('offers')
    .addColumn('offer_id', 'text', (c) => c.primaryKey())
    .addColumn('job_id', 'text', (c) => c.notNull().references('jobs.job_id'))
    .addColumn('provider_id', 'text', (c) => c.notNull().references('providers.provider_id'))
    .addColumn('state', 'text', (c) => c.notNull().check(sql`state in ${OFFER_STATES}`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('deadline', 'timestamptz', (c) => c.notNull())
    .addColumn('answered_at', 'timestamptz')
    .addColumn('reason', 'text')
    .execute();
  // One open offer per provider and per job, enforced by the database as well as by the matching pass.
  await db.schema.createIndex('offers_one_open_per_provider').unique().on('offers').column('provider_id').where(sql.ref('state'), '=', 'open').execute();
  await db.schema.createIndex('offers_one_open_per_job').unique().on('offers').column('job_id').where(sql.ref('state'), '=', 'open').execute();
  await db.schema.createIndex('offers_open_by_deadline').on('offers').column('deadline').where(sql.ref('state'), '=', 'open').execute();
}

export const initialSchema: Migration = {
  async up(db: AnyDb): Promise<void> {
    await createProviders(db);
    await createSessions(db);
    await createTimedBenchmarks(db);
    await createJobs(db);
    await createJobAttempts(db);
    await createJobEvents(db);
    await createOffers(db);
  },
  async down(db: AnyDb): Promise<void> {
    for (const table of ['offers', 'job_events', 'job_attempts', 'jobs', 'timed_benchmarks', 'sessions', 'providers']) {
      await db.schema.dropTable(table).execute();
    }
  },
};
