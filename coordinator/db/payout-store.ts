/**
 * Payout batches in the database: the exactly-once record the payout engine (coordinator/payouts) walks.
 * A batch is written as an intent (its items reserved out of the providers' payable balances) before any
 * transaction exists; each signature is stored with its signed bytes before that transaction is broadcast;
 * confirmation and the final ledger posting are separate steps. Every step is one transaction and safe to
 * repeat (ledger postings are keyed), so a coordinator killed between any two of them resumes cleanly.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import { accounts, payoutPaidPosting, payoutReservePosting, payoutReversePosting } from '../domain/ledger.js';
import type { CoordinatorDatabase } from './database.js';
import { balancesOf, postToLedger } from './ledger-queries.js';
import type { PayoutBatchState, Schema } from './schema.js';

type Trx = Transaction<Schema>;

export interface PayableBalance {
  providerId: string;
  recipient: string;
  amount: bigint;
}

export interface PayoutItem {
  providerId: string;
  recipient: string;
  amount: bigint;
}

export interface StoredSignature {
  signature: string;
  wireBase64: string;
  lastValidBlockHeight: bigint;
}

export interface PayoutBatchRecord {
  batchId: string;
  state: PayoutBatchState;
  mint: string;
  /** The latest signature (null while only an intent). */
  signature: string | null;
  items: PayoutItem[];
  /** Every signature this batch was signed under, oldest first. */
  signatures: StoredSignature[];
  createdAt: Date;
}

export class KyselyPayoutStore {
  private readonly db: Kysely<Schema>;

  constructor(database: CoordinatorDatabase) {
    this.db = database.db;
  }

  private tx<T>(work: (trx: Trx) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(work);
  }

  /**
   * Takes (or renews) the named lease for `holder` until now + ttl; false while another holder's lease is
   * current. One instance settles payouts at a time. `takeOver`: the caller knows no other instance can be
   * running (embedded PGlite is opened by one process only), so a lease left by a killed process is taken at
   * once instead of after it expires.
   */
  async acquireLease(name: string, holder: string, now: Date, ttlMs: number, takeOver = false): Promise<boolean> {
    const expiresAt = new Date(now.getTime() + ttlMs);
    const row = await this.db
      .insertInto('leases')
      .values({ name, holder, expires_at: expiresAt })
      .onConflict((conflict) =>
        conflict
          .column('name')
          .doUpdateSet({ holder, expires_at: expiresAt })
          .where((eb) => (takeOver ? eb.lit(true) : eb.or([eb('leases.holder', '=', holder), eb('leases.expires_at', '<', now)]))),
      )
      .returning('holder')
      .executeTakeFirst();
    return row?.holder === holder;
  }

  async releaseLease(name: string, holder: string): Promise<void> {
    await this.db.deleteFrom('leases').where('name', '=', name).where('holder', '=', holder).execute();
  }

  /** Providers with a wallet whose payable balance is at least `threshold` (and above zero), largest first. */
  async payableBalances(threshold: bigint, limit: number): Promise<PayableBalance[]> {
    const minimum = threshold > 0n ? threshold : 1n;
    const rows = await this.db
      .selectFrom('ledger_balances')
      .innerJoin('providers', (join) => join.on(sql`ledger_balances.account`, '=', sql`'provider:' || providers.provider_id || ':payable'`))
      .select(['providers.provider_id', 'providers.payout_address', 'ledger_balances.balance'])
      .where('ledger_balances.account', 'like', 'provider:%:payable')
      .where('ledger_balances.balance', '>=', minimum.toString())
      .where('providers.payout_address', '<>', '')
      .orderBy('ledger_balances.balance', 'desc')
      .orderBy('providers.provider_id')
      .limit(limit)
      .execute();
    return rows.map((row) => ({ providerId: row.provider_id, recipient: row.payout_address, amount: BigInt(row.balance) }));
  }

  /**
   * Writes the intent: locks the named providers' payable balances, reserves each (as it is now, when still
   * at least `threshold`) into flight, and records the batch with its items. Null when nothing was left.
   */
  async createIntent(batchId: string, mint: string, wanted: readonly { providerId: string; recipient: string }[], threshold: bigint, now: Date): Promise<PayoutBatchRecord | null> {
    const minimum = threshold > 0n ? threshold : 1n;
    return this.tx(async (trx) => {
      const names = [...new Set(wanted.map((w) => accounts.payable(w.providerId)))].sort();
      await trx.selectFrom('ledger_balances').select('account').where('account', 'in', names).orderBy('account').forUpdate().execute();
      const balances = await balancesOf(trx, names);
      const items = wanted.map((w) => ({ ...w, amount: balances.get(accounts.payable(w.providerId)) ?? 0n })).filter((item) => item.amount >= minimum);
      if (items.length === 0) return null;
      await trx.insertInto('payout_batches').values({ batch_id: batchId, state: 'intent', mint, signature: null, confirmed_slot: null, error: null, created_at: now, updated_at: now, paid_at: null }).execute();
      await trx
        .insertInto('payout_items')
        .values(items.map((item) => ({ batch_id: batchId, provider_id: item.providerId, recipient: item.recipient, amount: item.amount.toString() })))
        .execute();
      for (const item of items) {
        await postToLedger(trx, payoutReservePosting(batchId, item.providerId, item.amount), now);
        await stampReceipts(trx, batchId, item.providerId);
      }
      return { batchId, state: 'intent', mint, signature: null, items, signatures: [], createdAt: now };
    });
  }

  /**
   * Stores a signature and its signed bytes; must happen before that transaction is broadcast. Compare and
   * set: only when the batch is still unsettled and its latest signature is still `previous` (what the caller
   * saw before signing). False means another instance signed it meanwhile: this transaction must never be sent.
   */
  async recordSignature(batchId: string, previous: string | null, signed: StoredSignature, now: Date): Promise<boolean> {
    return this.tx(async (trx) => {
      const batch = await trx.selectFrom('payout_batches').select(['state', 'signature']).where('batch_id', '=', batchId).forUpdate().executeTakeFirst();
      if (!batch || !['intent', 'signed', 'sent'].includes(batch.state) || batch.signature !== previous) return false;
      await trx.insertInto('payout_signatures').values({ signature: signed.signature, batch_id: batchId, wire_base64: signed.wireBase64, last_valid_block_height: signed.lastValidBlockHeight.toString(), created_at: now }).execute();
      await trx.updateTable('payout_batches').set({ state: 'signed', signature: signed.signature, updated_at: now }).where('batch_id', '=', batchId).execute();
      return true;
    });
  }

  async markSent(batchId: string, signature: string, now: Date): Promise<void> {
    await this.db.updateTable('payout_batches').set({ state: 'sent', updated_at: now }).where('batch_id', '=', batchId).where('signature', '=', signature).where('state', '=', 'signed').execute();
  }

  async markConfirmed(batchId: string, signature: string, slot: bigint, now: Date): Promise<void> {
    await this.db
      .updateTable('payout_batches')
      .set({ state: 'confirmed', signature, confirmed_slot: slot.toString(), updated_at: now })
      .where('batch_id', '=', batchId)
      .where('state', 'in', ['intent', 'signed', 'sent'])
      .execute();
  }

  /** The confirmed transaction is booked: each item moves from in flight to paid. */
  async markPaid(batchId: string, now: Date): Promise<PayoutItem[]> {
    return this.finish(batchId, 'paid', null, now);
  }

  /** The batch can never land (failed on chain): each item is payable again. */
  async markFailed(batchId: string, error: string, now: Date): Promise<PayoutItem[]> {
    return this.finish(batchId, 'failed', error, now);
  }

  private async finish(batchId: string, state: 'paid' | 'failed', error: string | null, now: Date): Promise<PayoutItem[]> {
    return this.tx(async (trx) => {
      const batch = await trx.selectFrom('payout_batches').selectAll().where('batch_id', '=', batchId).forUpdate().executeTakeFirst();
      if (!batch || batch.state === 'paid' || batch.state === 'failed') return [];
      if (state === 'paid' && batch.state !== 'confirmed') throw new Error(`payout ${batchId} is ${batch.state}, not confirmed: it cannot be booked as paid`);
      const items = await itemsOf(trx, batchId);
      for (const item of items) {
        const posting = state === 'paid' ? payoutPaidPosting(batchId, item.providerId, item.amount) : payoutReversePosting(batchId, item.providerId, item.amount);
        await postToLedger(trx, posting, now);
      }
      // Payable again: the next batch's intent stamps these receipts with its own id.
      if (state === 'failed') await trx.updateTable('receipts').set({ payout_batch_id: null }).where('payout_batch_id', '=', batchId).execute();
      await trx.updateTable('payout_batches').set({ state, error, updated_at: now, paid_at: state === 'paid' ? now : null }).where('batch_id', '=', batchId).execute();
      return items;
    });
  }

  /** Batches not yet paid or failed, oldest first: the engine resumes each before starting new ones. */
  async unsettledBatches(): Promise<PayoutBatchRecord[]> {
    return this.tx(async (trx) => {
      const batches = await trx.selectFrom('payout_batches').selectAll().where('state', 'not in', ['paid', 'failed']).orderBy('created_at').orderBy('batch_id').execute();
      const records: PayoutBatchRecord[] = [];
      for (const batch of batches) {
        const signatures = await trx.selectFrom('payout_signatures').selectAll().where('batch_id', '=', batch.batch_id).orderBy('created_at').orderBy('signature').execute();
        records.push({
          batchId: batch.batch_id,
          state: batch.state,
          mint: batch.mint,
          signature: batch.signature,
          items: await itemsOf(trx, batch.batch_id),
          signatures: signatures.map((row) => ({ signature: row.signature, wireBase64: row.wire_base64, lastValidBlockHeight: BigInt(row.last_valid_block_height) })),
          createdAt: batch.created_at,
        });
      }
      return records;
    });
  }
}

/**
 * Names the batch on every receipt of the provider that no batch holds yet: exactly the receipts whose amounts
 * make up the payable balance just reserved. The caller holds that balance's row lock, and a receipt is written
 * in the transaction of its settle posting, which takes the same lock (run-money.ts), so no receipt can be
 * committed between the balance being read and these rows being stamped.
 */
async function stampReceipts(trx: Trx, batchId: string, providerId: string): Promise<void> {
  await trx.updateTable('receipts').set({ payout_batch_id: batchId }).where('provider_id', '=', providerId).where('payout_batch_id', 'is', null).execute();
}

async function itemsOf(trx: Trx, batchId: string): Promise<PayoutItem[]> {
  const rows = await trx.selectFrom('payout_items').selectAll().where('batch_id', '=', batchId).orderBy('recipient').orderBy('provider_id').execute();
  return rows.map((row) => ({ providerId: row.provider_id, recipient: row.recipient, amount: BigInt(row.amount) }));
}
