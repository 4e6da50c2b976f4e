/**
 * A provider's statement for support and tax records: every receipt, oldest first, with the payout batch that
 * reserved it and, once that batch is confirmed on chain, its transaction. Paged by a cursor (the last receipt
 * id of the previous page), so pages stay exact while new receipts are issued. Read-only.
 */
import { sql, type Kysely } from 'kysely';
import type { ProviderStatement, StatementReceipt } from '../../protocol/network.js';
import type { JobReceipt } from '../../protocol/receipts.js';
import type { PayoutBatchState, Schema } from './schema.js';
import { StoreInputError } from './store.js';

export interface StatementPage {
  /** A receipt id of this provider (the previous page's nextCursor); null for the first page. */
  after: string | null;
  limit: number;
}

/** Batch states in which its transaction is on chain: only then is its signature part of the statement. */
const ON_CHAIN: readonly PayoutBatchState[] = ['confirmed', 'paid'];

/** Null when no such provider is enrolled. */
export async function providerStatement(db: Kysely<Schema>, providerId: string, page: StatementPage): Promise<ProviderStatement | null> {
  const provider = await db.selectFrom('providers').select('payout_address').where('provider_id', '=', providerId).executeTakeFirst();
  if (!provider) return null;
  let query = db
    .selectFrom('receipts as r')
    .leftJoin('payout_batches as b', 'b.batch_id', 'r.payout_batch_id')
    .select(['r.receipt_id', 'r.receipt', 'r.payout_batch_id', 'b.state', 'b.signature'])
    .where('r.provider_id', '=', providerId)
    .orderBy('r.issued_at')
    .orderBy('r.receipt_id')
    .limit(page.limit + 1);
  if (page.after !== null) {
    const cursor = await cursorOf(db, providerId, page.after);
    query = query.where(sql`(r.issued_at, r.receipt_id)`, '>', sql`(${cursor.issuedAt}::timestamptz, ${cursor.receiptId}::text)`);
  }
  const rows = await query.execute();
  const shown = rows.slice(0, page.limit);
  return {
    providerId,
    payoutAddress: provider.payout_address,
    receipts: shown.map((row) => toStatementReceipt(row)),
    nextCursor: rows.length > page.limit ? shown[shown.length - 1]!.receipt_id : null,
  };
}

async function cursorOf(db: Kysely<Schema>, providerId: string, receiptId: string): Promise<{ issuedAt: Date; receiptId: string }> {
  const row = await db.selectFrom('receipts').select(['issued_at', 'receipt_id']).where('receipt_id', '=', receiptId).where('provider_id', '=', providerId).executeTakeFirst();
  if (!row) throw new StoreInputError('invalid-input', `The cursor "${receiptId}" is not a receipt of provider ${providerId}: pass the nextCursor of the previous page.`);
  return { issuedAt: row.issued_at, receiptId: row.receipt_id };
}

type StatementRow = {
  receipt: JobReceipt;
  payout_batch_id: string | null;
  state: PayoutBatchState | null;
  signature: string | null;
};

function toStatementReceipt(row: StatementRow): StatementReceipt {
  const body = row.receipt.body;
  return {
    receiptId: body.receiptId,
    jobId: body.jobId,
    attempt: body.attempt,
    startedAt: body.startedAt,
    endedAt: body.endedAt,
    seconds: body.seconds,
    ratePerSecond: body.ratePerSecond,
    amount: body.amount,
    payoutBatchId: row.payout_batch_id,
    payoutState: row.state,
    payoutSignature: row.state !== null && ON_CHAIN.includes(row.state) ? row.signature : null,
  };
}
