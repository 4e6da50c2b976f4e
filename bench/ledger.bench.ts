/**
 * The ledger's write path: metering postings (escrow → provider pending, two entries, a fresh idempotency key
 * each) through postToLedger, each in its own transaction, as the coordinator writes money.
 *  - sequentially (one writer), on embedded PGlite (on disk, as the coordinator runs it) and on PostgreSQL;
 *  - with 4 concurrent writers, on PostgreSQL only (PGlite is one connection);
 *  - the same postings again (idempotent no-ops: the key is found, nothing changes), on both.
 * Postings spread over RUNS running jobs on RUNS providers (2 × RUNS accounts). After each engine the ledger
 * is checked: every posting on record once, balances equal the sum of their entries and sum to zero.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { openDatabase, type CoordinatorDatabase } from '../coordinator/db/database.js';
import { postToLedger } from '../coordinator/db/ledger-queries.js';
import { holdPosting, meterPosting, type Posting } from '../coordinator/domain/ledger.js';
import { postgresAvailability, startTestPostgres } from '../coordinator/test-support/postgres.js';
import type { BenchFigure, BenchSuite } from './figure.js';

/** Postings per measured phase (a phase also stops after PHASE_SECONDS). */
const POSTINGS = Number(process.env.OFFHOURS_BENCH_LEDGER_POSTINGS ?? 5_000);
const PHASE_SECONDS = Number(process.env.OFFHOURS_BENCH_LEDGER_PHASE_SECONDS ?? 5);
/** Running jobs (one escrow account each) on as many providers (one pending account each). */
const RUNS = 500;
const WARMUP = 100;
const WRITERS = 4;
/** Base units per metered step (5 s at 10 a second). */
const STEP_AMOUNT = 50n;
const BUDGET = 1_000_000_000n;

export const ledgerSuite: BenchSuite = {
  name: 'ledger',
  async run() {
    const figures = await pgliteFigures();
    const postgres = postgresAvailability();
    if (!postgres.available) {
      const note = `skipped: ${postgres.why}`;
      figures.push(
        { name: 'ledger.postings_per_second_postgres', value: 0, unit: 'postings/s', goal: null, note },
        { name: `ledger.postings_per_second_postgres_${WRITERS}_writers`, value: 0, unit: 'postings/s', goal: null, note },
        { name: 'ledger.repeat_postings_per_second_postgres', value: 0, unit: 'postings/s', goal: null, note },
      );
      return figures;
    }
    const server = await startTestPostgres();
    try {
      figures.push(...(await postgresFigures(server.url)));
    } finally {
      await server.release();
    }
    return figures;
  },
};

async function pgliteFigures(): Promise<BenchFigure[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'offhours-bench-ledger-'));
  try {
    const database = await openDatabase({ dataDir });
    try {
      const ledger = new LedgerBench(database);
      await ledger.seed();
      const sequential = await ledger.post(1);
      const repeat = await ledger.repeat(sequential.postings);
      await ledger.check();
      const where = `PGlite on disk (a fresh <dataDir>/pgdata, as the coordinator runs it), ${RUNS * 2} accounts`;
      return [
        { name: 'ledger.postings_per_second_pglite', value: sequential.perSecond, unit: 'postings/s', goal: null, note: `${describe(sequential)}, one writer; ${where}` },
        { name: 'ledger.repeat_postings_per_second_pglite', value: repeat.perSecond, unit: 'postings/s', goal: null, note: `${describe(repeat)} posted again (idempotent no-ops), one writer; ${where}` },
      ];
    } finally {
      await database.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function postgresFigures(url: string): Promise<BenchFigure[]> {
  const database = await openDatabase({ databaseUrl: url, poolSize: WRITERS });
  try {
    const ledger = new LedgerBench(database);
    await ledger.seed();
    const sequential = await ledger.post(1);
    const concurrent = await ledger.post(WRITERS);
    const repeat = await ledger.repeat(sequential.postings);
    await ledger.check();
    const where = `PostgreSQL ${await serverVersion(database)} throwaway cluster on loopback (fsync and synchronous_commit off: a durable server pays a WAL flush per commit), ${RUNS * 2} accounts`;
    return [
      { name: 'ledger.postings_per_second_postgres', value: sequential.perSecond, unit: 'postings/s', goal: null, note: `${describe(sequential)}, one writer; ${where}` },
      {
        name: `ledger.postings_per_second_postgres_${WRITERS}_writers`,
        value: concurrent.perSecond,
        unit: 'postings/s',
        goal: null,
        note: `${describe(concurrent)}, ${WRITERS} concurrent writers on ${WRITERS} pooled connections (${round(concurrent.perSecond / sequential.perSecond)}× one writer); ${where}`,
      },
      { name: 'ledger.repeat_postings_per_second_postgres', value: repeat.perSecond, unit: 'postings/s', goal: null, note: `${describe(repeat)} posted again (idempotent no-ops), one writer; ${where}` },
    ];
  } finally {
    await database.close();
  }
}

interface Phase {
  postings: Posting[];
  seconds: number;
  perSecond: number;
}

/** The postings one engine's ledger receives; metering keys never repeat across phases. */
class LedgerBench {
  /** Metering steps handed out so far (each step gives every run one posting, in run order). */
  private next = 0;
  private posted = 0;

  constructor(private readonly database: CoordinatorDatabase) {}

  /** Each job's budget held in its escrow, then WARMUP metering postings (neither timed). */
  async seed(): Promise<void> {
    const now = new Date();
    for (let run = 0; run < RUNS; run += 1) await this.write(holdPosting(jobId(run), `buyer-${run % 50}`, BUDGET), now, true);
    for (let i = 0; i < WARMUP; i += 1) await this.write(this.nextPosting(), now, true);
  }

  /** Fresh metering postings, each in its own transaction, by `writers` concurrent writers. */
  async post(writers: number): Promise<Phase> {
    const postings = Array.from({ length: POSTINGS }, () => this.nextPosting());
    const done: Posting[] = [];
    const deadline = performance.now() + PHASE_SECONDS * 1000;
    let taken = 0;
    const now = new Date();
    const started = performance.now();
    await Promise.all(
      Array.from({ length: writers }, async () => {
        while (taken < postings.length && performance.now() < deadline) {
          const posting = postings[taken]!;
          taken += 1;
          await this.write(posting, now, true);
          done.push(posting);
        }
      }),
    );
    return phase(done, performance.now() - started);
  }

  /** Postings already on record, posted again: each finds its key and changes nothing. */
  async repeat(postings: Posting[]): Promise<Phase> {
    const done: Posting[] = [];
    const deadline = performance.now() + PHASE_SECONDS * 1000;
    const now = new Date();
    const started = performance.now();
    for (const posting of postings) {
      if (performance.now() >= deadline) break;
      await this.write(posting, now, false);
      done.push(posting);
    }
    return phase(done, performance.now() - started);
  }

  /** Every posting on record once, its entries balanced, and each balance the sum of its account's entries. */
  async check(): Promise<void> {
    const db = this.database.db;
    const postings = await db.selectFrom('ledger_postings').select(sql<string>`cast(count(*) as text)`.as('n')).executeTakeFirstOrThrow();
    if (Number(postings.n) !== this.posted) throw new Error(`the ledger holds ${postings.n} postings, ${this.posted} were created`);
    const unbalanced = await sql<{ n: string }>`select cast(count(*) as text) as n from (select posting_id from ledger_entries group by posting_id having sum(amount) <> 0) as u`.execute(db);
    if (unbalanced.rows[0]?.n !== '0') throw new Error(`${unbalanced.rows[0]?.n} postings do not balance`);
    const drift = await sql<{ n: string }>`
      select cast(count(*) as text) as n from ledger_balances b
      full join (select account, sum(amount) as total from ledger_entries group by account) e on e.account = b.account
      where coalesce(b.balance, 0) <> coalesce(e.total, 0)`.execute(db);
    if (drift.rows[0]?.n !== '0') throw new Error(`${drift.rows[0]?.n} balances differ from the sum of their entries`);
    const total = await sql<{ total: string }>`select cast(coalesce(sum(balance), 0) as text) as total from ledger_balances`.execute(db);
    if (total.rows[0]?.total !== '0') throw new Error(`the balances sum to ${total.rows[0]?.total}, not 0`);
  }

  private nextPosting(): Posting {
    const step = this.next;
    this.next += 1;
    const run = step % RUNS;
    const toSeconds = (Math.floor(step / RUNS) + 1) * 5;
    return meterPosting({ jobId: jobId(run), attemptNo: 1, providerId: `provider-${run}` }, toSeconds, STEP_AMOUNT);
  }

  private async write(posting: Posting, now: Date, fresh: boolean): Promise<void> {
    const result = await this.database.db.transaction().execute((trx) => postToLedger(trx, posting, now));
    if (result.created !== fresh) throw new Error(`posting ${posting.idempotencyKey} was ${result.created ? 'created again' : 'already on record'}`);
    if (result.created) this.posted += 1;
  }
}

function jobId(run: number): string {
  return `job-${run}`;
}

function phase(postings: Posting[], ms: number): Phase {
  return { postings, seconds: ms / 1000, perSecond: Math.round(postings.length / (ms / 1000)) };
}

function describe(measured: Phase): string {
  return `${measured.postings.length} metering postings (2 entries each, own transaction each) in ${round(measured.seconds)} s`;
}

async function serverVersion(database: CoordinatorDatabase): Promise<string> {
  const result = await sql<{ v: string }>`select current_setting('server_version') as v`.execute(database.db);
  return result.rows[0]?.v.split(' ')[0] ?? '?';
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
