/**
 * Which payout paid which receipt, and the providers that share a wallet:
 *
 * - `receipts.payout_batch_id`: the batch whose intent reserved this receipt's amount (null while payable).
 *   Stamped in the intent's transaction, cleared again when that batch is reversed (payout-store.ts).
 * - `receipts_by_provider_batch`: a provider's receipts by batch (stamping the unstamped ones, the statement).
 * - `providers_by_payout_address`: every provider of one wallet, for the shared-wallet view in `earnings`.
 *
 * Receipts issued before this migration are stamped by the rule the app uses (protocol/payout-receipts.ts): the
 * earliest batch of their provider that did not fail and whose reserve posting came after their settle posting.
 */
import { sql, type Kysely, type Migration } from 'kysely';

// Migrations see the database as it was when they were written, not as schema.ts says today.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

/** Exported for its test: it must agree with the stamps the payout store writes. */
export async function stampEarlierReceipts(db: AnyDb): Promise<void> {
  await sql`
    UPDATE receipts AS r SET payout_batch_id = (
      SELECT reserve.batch_id
      FROM ledger_postings AS reserve JOIN payout_batches AS batch ON batch.batch_id = reserve.batch_id
      WHERE reserve.kind = 'payout-reserve' AND reserve.provider_id = r.provider_id AND batch.state <> 'failed'
        AND reserve.posting_id > (
          SELECT settle.posting_id FROM ledger_postings AS settle
          WHERE settle.kind = 'settle' AND settle.job_id = r.job_id AND settle.attempt_no = r.attempt_no
        )
      ORDER BY reserve.posting_id
      LIMIT 1
    )`.execute(db);
}

export const receiptPayouts: Migration = {
  async up(db: AnyDb): Promise<void> {
    await db.schema.alterTable('receipts').addColumn('payout_batch_id', 'text', (c) => c.references('payout_batches.batch_id')).execute();
    await db.schema.createIndex('receipts_by_provider_batch').on('receipts').columns(['provider_id', 'payout_batch_id']).execute();
    await db.schema.createIndex('providers_by_payout_address').on('providers').column('payout_address').execute();
    await stampEarlierReceipts(db);
  },
  async down(db: AnyDb): Promise<void> {
    await db.schema.dropIndex('providers_by_payout_address').execute();
    await db.schema.dropIndex('receipts_by_provider_batch').execute();
    await db.schema.alterTable('receipts').dropColumn('payout_batch_id').execute();
  },
};
