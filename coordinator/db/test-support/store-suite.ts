/** What every store suite sets up the same way: one database per engine and file, the stores on it, a clean slate per test. */
import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { EngineTarget, TestEngine } from '../../test-support/postgres-engines.js';
import { testReceiptIssuer } from '../../test-support/receipts.js';
import type { CoordinatorDatabase } from '../database.js';
import { KyselyStore } from '../kysely-store.js';
import { KyselyPayoutStore } from '../payout-store.js';
import type { ReceiptIssuer } from '../run-money.js';
import type { CoordinatorStore, JobStatusInput } from '../store.js';
import { at } from './fixtures.js';

export const MATCH = { limit: 100, offerTtlMs: 30_000 };
export const WALLET = '4Nd1mBQtrMJVYVfKf2PJy9NZUZdTAsp7D4xWLs4gDB4T';
export const OTHER_WALLET = 'So11111111111111111111111111111111111111112';
export const MINT = 'So11111111111111111111111111111111111111112';

/** A provider's job status as it arrives; a finished run exits 0 unless `extra` says otherwise. */
export function jobStatus(jobId: string, providerId: string, kind: JobStatusInput['status'], extra: Partial<JobStatusInput> = {}): JobStatusInput {
  return { jobId, providerId, status: kind, reportedAt: at(0), exitCode: kind === 'finished' ? 0 : null, workedSeconds: null, outputDigest: null, message: null, ...extra };
}

export interface StoreSuite {
  target: EngineTarget;
  database: CoordinatorDatabase;
  store: CoordinatorStore;
  payouts: KyselyPayoutStore;
  issuer: ReceiptIssuer;
}

/**
 * Registers the suite's hooks inside a `describe.each(testEngines())` body and returns the object they fill: read
 * its fields inside tests (they are set once `beforeAll` ran). Tables are emptied before each test.
 */
export function useStoreSuite(engine: Pick<TestEngine, 'start'>): StoreSuite {
  const suite = {} as StoreSuite;
  beforeAll(async () => {
    suite.target = await engine.start();
    suite.database = await suite.target.open();
    suite.issuer = await testReceiptIssuer();
    suite.store = new KyselyStore(suite.database, { receiptIssuer: suite.issuer });
    suite.payouts = new KyselyPayoutStore(suite.database);
  });
  afterAll(async () => {
    await suite.store?.close();
    await suite.target?.stop();
  });
  beforeEach(async () => {
    await suite.target.reset();
  });
  return suite;
}
