import { testReceiptIssuer } from '../test-support/receipts.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines, type EngineTarget } from '../test-support/postgres-engines.js';
import { migrateToLatest, openDatabase } from './database.js';
import { KyselyStore } from './kysely-store.js';
import { deviceKey, T0 } from './test-support/fixtures.js';

describe.each(testEngines())('database on $name', ({ start }) => {
  let target: EngineTarget;
  beforeAll(async () => {
    target = await start();
  });
  afterAll(async () => {
    await target?.stop();
  });

  it('applies migrations once: a second open and a second migrate change nothing', async () => {
    const second = await target.open();
    try {
      expect(second.appliedMigrations).toEqual([]);
      expect(await migrateToLatest(second.db)).toEqual([]);
      const applied = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(second.db);
      expect(applied.rows.map((row) => row.name)).toEqual(['001-initial', '002-ledger-payouts', '003-receipt-payouts']);
    } finally {
      await second.close();
    }
  });

  it('has the same tables and indexes on both engines', async () => {
    const database = await target.open();
    try {
      const tables = await sql<{ table_name: string }>`select table_name from information_schema.tables where table_schema = 'public' and table_name not like 'kysely%' order by table_name`.execute(database.db);
      expect(tables.rows.map((row) => row.table_name)).toEqual(['job_attempts', 'job_events', 'jobs', 'leases', 'ledger_balances', 'ledger_entries', 'ledger_postings', 'offers', 'payout_batches', 'payout_items', 'payout_signatures', 'providers', 'receipts', 'sessions', 'timed_benchmarks']);
      const unique = await sql<{ indexname: string }>`select indexname from pg_indexes where schemaname = 'public' and indexdef like 'CREATE UNIQUE INDEX%WHERE%' order by indexname`.execute(database.db);
      expect(unique.rows.map((row) => row.indexname)).toEqual(['jobs_one_held_per_provider', 'offers_one_open_per_job', 'offers_one_open_per_provider']);
    } finally {
      await database.close();
    }
  });
});

describe('embedded PGlite persistence', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'offhours-pglite-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('keeps its data in <dataDir>/pgdata across reopen, migrating only the first time', async () => {
    const first = await openDatabase({ dataDir });
    expect(first.engine).toBe('pglite');
    expect(first.appliedMigrations).toEqual(['001-initial', '002-ledger-payouts', '003-receipt-payouts']);
    const store = new KyselyStore(first, { receiptIssuer: await testReceiptIssuer() });
    const { provider } = await store.enrolProvider({ devicePublicKey: deviceKey(1), payoutAddress: '', gpus: [], minPricePerGpuHour: '0', appVersion: '1', backends: ['webgpu'] }, T0);
    await store.close();

    const reopened = await openDatabase({ dataDir });
    try {
      expect(reopened.appliedMigrations).toEqual([]);
      expect(await new KyselyStore(reopened, { receiptIssuer: await testReceiptIssuer() }).getProvider(provider.providerId)).toMatchObject({ devicePublicKey: deviceKey(1) });
    } finally {
      await reopened.close();
    }
  });
});

describe('openDatabase with a bad URL', () => {
  it('says what is wrong instead of connecting', async () => {
    await expect(openDatabase({ databaseUrl: 'mysql://localhost/x' })).rejects.toThrow(/postgres:\/\/ or postgresql:\/\//);
    await expect(openDatabase({ databaseUrl: 'not a url' })).rejects.toThrow(/not a valid URL/);
  });
});
