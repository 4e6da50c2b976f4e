/**
 * Kysely over embedded PGlite, the one adapter for @electric-sql/pglite's query API. Written here rather than
 * taken from kysely-pglite-dialect because that driver opens transactions with a plain `begin` through
 * `pglite.query`: another Kysely instance, or the bus, on the same PGlite could then run its statements inside
 * someone else's open transaction. Here every Kysely transaction runs inside `pglite.transaction()`, which holds
 * PGlite's transaction lock until commit or rollback, so whoever shares the instance waits its turn.
 */
import type { PGlite, Transaction } from '@electric-sql/pglite';
import {
  type CompiledQuery,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';

export class PgliteDialect implements Dialect {
  constructor(private readonly pglite: PGlite) {}
  createAdapter(): DialectAdapter {
    return new PostgresAdapter();
  }
  createDriver(): Driver {
    return new PgliteDriver(this.pglite);
  }
  createQueryCompiler(): QueryCompiler {
    return new PostgresQueryCompiler();
  }
  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new PostgresIntrospector(db);
  }
}

class PgliteDriver implements Driver {
  constructor(private readonly pglite: PGlite) {}
  async init(): Promise<void> {
    await this.pglite.waitReady;
  }
  async acquireConnection(): Promise<DatabaseConnection> {
    return new PgliteConnection(this.pglite);
  }
  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    await asPglite(connection).begin(settings);
  }
  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await asPglite(connection).end('commit');
  }
  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await asPglite(connection).end('rollback');
  }
  async releaseConnection(): Promise<void> {}
  async destroy(): Promise<void> {
    // The owner of the PGlite instance closes it (several Kysely instances may share one).
  }
}

function asPglite(connection: DatabaseConnection): PgliteConnection {
  if (!(connection instanceof PgliteConnection)) throw new Error('not a PGlite connection');
  return connection;
}

interface OpenTransaction {
  tx: Transaction;
  finish: (how: 'commit' | 'rollback') => void;
  done: Promise<void>;
}

class PgliteConnection implements DatabaseConnection {
  private open: OpenTransaction | null = null;

  constructor(private readonly pglite: PGlite) {}

  async begin(settings: TransactionSettings): Promise<void> {
    if (this.open) throw new Error('a transaction is already open on this connection');
    let finish: (how: 'commit' | 'rollback') => void = () => {};
    const finished = new Promise<'commit' | 'rollback'>((resolve) => (finish = resolve));
    let markStarted: (tx: Transaction) => void = () => {};
    const started = new Promise<Transaction>((resolve) => (markStarted = resolve));
    // Holds PGlite's transaction lock from BEGIN until end() says how to finish.
    const done = this.pglite.transaction(async (tx) => {
      markStarted(tx);
      if ((await finished) === 'rollback') await tx.rollback();
    });
    const endedBeforeStart = done.then(() => {
      throw new Error('PGlite ended the transaction before it began');
    });
    endedBeforeStart.catch(() => {});
    const tx = await Promise.race([started, endedBeforeStart]);
    this.open = { tx, finish, done };
    // Both values come from Kysely's own validated lists (TransactionSettings), never from input.
    if (settings.isolationLevel) await tx.query(`set transaction isolation level ${settings.isolationLevel}`);
    if (settings.accessMode) await tx.query(`set transaction ${settings.accessMode}`);
  }

  async end(how: 'commit' | 'rollback'): Promise<void> {
    const open = this.open;
    if (!open) throw new Error('no transaction is open on this connection');
    this.open = null;
    open.finish(how);
    await open.done;
  }

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const runner = this.open ? this.open.tx : this.pglite;
    const result = await runner.query<R>(compiled.sql, [...compiled.parameters]);
    return result.affectedRows !== undefined && result.affectedRows > 0
      ? { rows: result.rows, numAffectedRows: BigInt(result.affectedRows) }
      : { rows: result.rows };
  }

  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming queries are not supported on PGlite');
  }
}
