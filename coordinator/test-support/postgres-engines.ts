/**
 * One suite, both engines: `describe.each(testEngines())` runs it on embedded PGlite and on a real PostgreSQL
 * (see postgres.ts for when that half is skipped or required). Each engine gives the suite one database for
 * the file, `open()` for further connections to it (a second coordinator instance), and `reset()` between
 * tests.
 */
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'kysely';
import { openDatabase, openDatabaseOnPglite, type CoordinatorDatabase } from '../db/database.js';
import type { DatabaseEngine } from '../db/store.js';
import { postgresAvailability, postgresRequired, startTestPostgres, REQUIRE_POSTGRES_ENV } from './postgres.js';

export interface EngineTarget {
  engine: DatabaseEngine;
  /** Another connection (PGlite: another Kysely on the same instance; Postgres: another pool). */
  open(): Promise<CoordinatorDatabase>;
  /** Empties every table (identity counters too). */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

export interface TestEngine {
  name: DatabaseEngine;
  start(): Promise<EngineTarget>;
}

const TABLES = sql`leases, payout_items, payout_signatures, payout_batches, receipts, ledger_entries, ledger_postings, ledger_balances, offers, job_events, job_attempts, jobs, timed_benchmarks, sessions, providers`;

async function resetTables(database: CoordinatorDatabase): Promise<void> {
  await sql`truncate ${TABLES} restart identity cascade`.execute(database.db);
}

const pgliteEngine: TestEngine = {
  name: 'pglite',
  async start() {
    const pglite = await PGlite.create();
    const admin = await openDatabaseOnPglite(pglite);
    return {
      engine: 'pglite',
      open: () => openDatabaseOnPglite(pglite),
      reset: () => resetTables(admin),
      stop: async () => {
        await admin.close();
        await pglite.close();
      },
    };
  },
};

const postgresEngine: TestEngine = {
  name: 'postgres',
  async start() {
    const availability = postgresAvailability();
    if (!availability.available) throw new Error(`${REQUIRE_POSTGRES_ENV}=1 but PostgreSQL cannot run here: ${availability.why}.`);
    const server = await startTestPostgres();
    const admin = await openDatabase({ databaseUrl: server.url, poolSize: 2 });
    return {
      engine: 'postgres',
      open: () => openDatabase({ databaseUrl: server.url, poolSize: 4 }),
      reset: () => resetTables(admin),
      stop: async () => {
        await admin.close();
        await server.release();
      },
    };
  },
};

/** PGlite always; PostgreSQL when it can run here (or when required, so that CI fails instead of skipping). */
export function testEngines(): TestEngine[] {
  const availability = postgresAvailability();
  if (availability.available || postgresRequired()) return [pgliteEngine, postgresEngine];
  console.warn(`\n!!! PostgreSQL half of the coordinator database suite SKIPPED: ${availability.why}. Set ${REQUIRE_POSTGRES_ENV}=1 to make this a failure.\n`);
  return [pgliteEngine];
}
