/**
 * Money: the double-entry ledger (postings with idempotency keys, their entries, and each account's balance
 * kept in the same transaction), metered seconds and signed receipts per run, payout batches with every
 * signature they were ever signed under, and the leases that keep one instance settling payouts at a time.
 */
import { sql, type Kysely, type Migration } from 'kysely';

const MONEY = sql`numeric(30, 0)`;
const POSTING_KINDS = sql`('hold', 'meter', 'settle', 'refund', 'payout-reserve', 'payout-paid', 'payout-reverse')`;
const BATCH_STATES = sql`('intent', 'signed', 'sent', 'confirmed', 'paid', 'failed')`;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

async function createLedger(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('ledger_postings')
    .addColumn('posting_id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ${POSTING_KINDS}`))
    .addColumn('job_id', 'text')
    .addColumn('attempt_no', 'integer')
    .addColumn('provider_id', 'text')
    .addColumn('batch_id', 'text')
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('ledger_postings_by_run').on('ledger_postings').columns(['job_id', 'attempt_no']).execute();
  await db.schema
    .createTable('ledger_entries')
    .addColumn('entry_id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('posting_id', 'bigint', (c) => c.notNull().references('ledger_postings.posting_id'))
    .addColumn('account', 'text', (c) => c.notNull())
    .addColumn('amount', MONEY, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('ledger_entries_by_posting').on('ledger_entries').column('posting_id').execute();
  await db.schema.createIndex('ledger_entries_by_account').on('ledger_entries').column('account').execute();
  await db.schema
    .createTable('ledger_balances')
    .addColumn('account', 'text', (c) => c.primaryKey())
    .addColumn('balance', MONEY, (c) => c.notNull())
    .execute();
}

async function createReceipts(db: AnyDb): Promise<void> {
  await db.schema.alterTable('job_attempts').addColumn('metered_seconds', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('job_attempts').addColumn('receipt_id', 'text').execute();
  await db.schema
    .createTable('receipts')
    .addColumn('receipt_id', 'text', (c) => c.primaryKey())
    .addColumn('job_id', 'text', (c) => c.notNull().references('jobs.job_id'))
    .addColumn('attempt_no', 'integer', (c) => c.notNull())
    .addColumn('provider_id', 'text', (c) => c.notNull().references('providers.provider_id'))
    .addColumn('seconds', 'integer', (c) => c.notNull().check(sql`seconds >= 0`))
    .addColumn('amount', MONEY, (c) => c.notNull().check(sql`amount >= 0`))
    .addColumn('receipt', 'jsonb', (c) => c.notNull())
    .addColumn('issued_at', 'timestamptz', (c) => c.notNull())
    .addUniqueConstraint('receipts_one_per_run', ['job_id', 'attempt_no'])
    .execute();
  await db.schema.createIndex('receipts_by_provider').on('receipts').columns(['provider_id', 'issued_at']).execute();
}

async function createPayouts(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('payout_batches')
    .addColumn('batch_id', 'text', (c) => c.primaryKey())
    .addColumn('state', 'text', (c) => c.notNull().check(sql`state in ${BATCH_STATES}`))
    .addColumn('mint', 'text', (c) => c.notNull())
    .addColumn('signature', 'text')
    .addColumn('confirmed_slot', MONEY)
    .addColumn('error', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addColumn('paid_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('payout_batches_unsettled').on('payout_batches').column('created_at').where(sql.ref('state'), 'not in', sql`('paid', 'failed')`).execute();
  // Every transaction a batch was ever signed as: on restart each is looked up on chain before anything is re-signed.
  await db.schema
    .createTable('payout_signatures')
    .addColumn('signature', 'text', (c) => c.primaryKey())
    .addColumn('batch_id', 'text', (c) => c.notNull().references('payout_batches.batch_id'))
    .addColumn('wire_base64', 'text', (c) => c.notNull())
    .addColumn('last_valid_block_height', MONEY, (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('payout_signatures_by_batch').on('payout_signatures').column('batch_id').execute();
  await db.schema
    .createTable('payout_items')
    .addColumn('batch_id', 'text', (c) => c.notNull().references('payout_batches.batch_id'))
    .addColumn('provider_id', 'text', (c) => c.notNull().references('providers.provider_id'))
    .addColumn('recipient', 'text', (c) => c.notNull())
    .addColumn('amount', MONEY, (c) => c.notNull().check(sql`amount > 0`))
    .addPrimaryKeyConstraint('payout_items_pk', ['batch_id', 'provider_id'])
    .execute();
  await db.schema.createIndex('payout_items_by_provider').on('payout_items').column('provider_id').execute();
  await db.schema
    .createTable('leases')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('holder', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .execute();
}

export const ledgerAndPayouts: Migration = {
  async up(db: AnyDb): Promise<void> {
    await createLedger(db);
    await createReceipts(db);
    await createPayouts(db);
  },
  async down(db: AnyDb): Promise<void> {
    for (const table of ['leases', 'payout_items', 'payout_signatures', 'payout_batches', 'receipts', 'ledger_balances', 'ledger_entries', 'ledger_postings']) {
      await db.schema.dropTable(table).execute();
    }
    await db.schema.alterTable('job_attempts').dropColumn('receipt_id').execute();
    await db.schema.alterTable('job_attempts').dropColumn('metered_seconds').execute();
  },
};
