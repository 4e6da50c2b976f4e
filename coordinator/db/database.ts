/**
 * Opens the coordinator's database and brings its schema to the newest migration: embedded PGlite (persisted
 * in `<dataDir>/pgdata`, or in memory without a dataDir) by default, a PostgreSQL server through a `pg` pool
 * when a URL is given. Both engines get the same migrations and are used through the same Kysely<Schema>.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, Migrator, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { DatabaseEngine } from './store.js';
import { coordinatorMigrations } from './migrations/index.js';
import { PgliteDialect } from './pglite-dialect.js';
import type { Schema } from './schema.js';

/** What the bus needs underneath: the PGlite instance, or a way to open a dedicated server connection. */
export type DatabaseConnection =
  | { engine: 'pglite'; pglite: PGlite }
  | { engine: 'postgres'; pool: pg.Pool; newDedicatedClient: () => pg.Client };

export interface CoordinatorDatabase {
  db: Kysely<Schema>;
  engine: DatabaseEngine;
  connection: DatabaseConnection;
  /** Migrations applied by this open (empty when the schema was already current). */
  appliedMigrations: string[];
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** postgres://… or postgresql://…; without it the embedded PGlite is used. */
  databaseUrl?: string;
  /** Where the embedded PGlite keeps its files (`<dataDir>/pgdata`); in memory when absent. */
  dataDir?: string;
  /** Connections in the pool (PostgreSQL only). */
  poolSize?: number;
}

export async function openDatabase(options: OpenDatabaseOptions): Promise<CoordinatorDatabase> {
  return options.databaseUrl ? openPostgres(options.databaseUrl, options.poolSize ?? 10) : openPglite(options.dataDir);
}

/**
 * A second Kysely over a PGlite instance someone else opened (tests and several stores in one process share
 * one embedded database this way). close() leaves the PGlite open for its owner.
 */
export async function openDatabaseOnPglite(pglite: PGlite): Promise<CoordinatorDatabase> {
  const db = new Kysely<Schema>({ dialect: new PgliteDialect(pglite) });
  const appliedMigrations = await migrateToLatest(db);
  return { db, engine: 'pglite', connection: { engine: 'pglite', pglite }, appliedMigrations, close: () => db.destroy() };
}

/**
 * Postgres settings of the embedded engine. It runs beside games on the owner's PC, with a few tables of small
 * rows: PGlite's default 128 MB of shared buffers would sit in its memory for nothing (16 MB: ~160 MiB RSS
 * instead of ~280 MiB).
 */
const EMBEDDED_POSTGRES_CONF = 'shared_buffers = 16MB';

async function openPglite(dataDir: string | undefined): Promise<CoordinatorDatabase> {
  let pglite: PGlite;
  if (dataDir) {
    const folder = join(dataDir, 'pgdata');
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    if (!existsSync(join(folder, 'PG_VERSION'))) await initialiseInChild(folder);
    pglite = await PGlite.create({ dataDir: folder, postgresqlconf: EMBEDDED_POSTGRES_CONF });
  } else {
    pglite = await PGlite.create({ postgresqlconf: EMBEDDED_POSTGRES_CONF });
  }
  try {
    const opened = await openDatabaseOnPglite(pglite);
    return { ...opened, close: async () => (await opened.close(), await pglite.close()) };
  } catch (error) {
    await pglite.close();
    throw error;
  }
}

/**
 * Creates a new PGlite cluster in `folder` in a short-lived child process. PGlite's initdb leaves ~600 MiB
 * behind in the process that ran it (a worker thread still left ~200 MiB), so the coordinator that opens the
 * cluster afterwards starts small. (The desktop app runs this module with ELECTRON_RUN_AS_NODE, so
 * process.execPath is a Node either way.)
 */
async function initialiseInChild(folder: string): Promise<void> {
  const pgliteUrl = pathToFileURL(createRequire(import.meta.url).resolve('@electric-sql/pglite')).href;
  const code = `const { PGlite } = await import(${JSON.stringify(pgliteUrl)}); const db = await PGlite.create({ dataDir: ${JSON.stringify(folder)} }); await db.close();`;
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['ignore', 'ignore', 'pipe'], windowsHide: true });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-2000)));
    child.once('error', (error) => reject(new Error(`Creating the embedded database in ${folder} failed: ${error.message}`)));
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`Creating the embedded database in ${folder} failed (exit ${code}): ${stderr.trim()}`))));
  });
}

async function openPostgres(databaseUrl: string, poolSize: number): Promise<CoordinatorDatabase> {
  const where = describeUrl(databaseUrl);
  const config: pg.PoolConfig = { connectionString: databaseUrl, max: poolSize };
  const pool = new pg.Pool(config);
  // An idle pooled connection that drops must not crash the process; the next query reports the failure.
  pool.on('error', () => {});
  const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  try {
    const appliedMigrations = await migrateToLatest(db);
    const newDedicatedClient = (): pg.Client => new pg.Client({ connectionString: databaseUrl });
    return { db, engine: 'postgres', connection: { engine: 'postgres', pool, newDedicatedClient }, appliedMigrations, close: () => db.destroy() };
  } catch (error) {
    await db.destroy();
    throw new Error(`Could not open the coordinator database at ${where}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

/** Runs every pending migration in one go (Kysely takes an advisory lock, so concurrent starts are safe). */
export async function migrateToLatest(db: Kysely<Schema>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: coordinatorMigrations });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((result) => result.status === 'Error');
  if (error || failed) {
    const reason = error instanceof Error ? error.message : String(error ?? 'unknown error');
    throw new Error(`Database migration ${failed?.migrationName ?? ''} failed: ${reason}`.replace('  ', ' '), { cause: error });
  }
  return (results ?? []).filter((result) => result.status === 'Success').map((result) => result.migrationName);
}

/** host:port/database without credentials, for messages (a URL's password never reaches a log). */
function describeUrl(databaseUrl: string): string {
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    throw new Error('The database URL is not a valid URL (expected postgres://user@host:port/database).');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new Error(`The database URL must start with postgres:// or postgresql:// (got ${url.protocol}//).`);
  }
  return `${url.hostname}:${url.port || '5432'}${url.pathname}`;
}
