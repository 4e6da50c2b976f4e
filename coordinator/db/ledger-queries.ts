/**
 * The ledger's writes and reads inside a caller's transaction. A posting is written once per idempotency key
 * (a repeat returns the first one's id and changes nothing), its entries sum to zero (checked before writing),
 * and each touched account's balance is updated in the same transaction, so balances always equal the sum of
 * their entries (the audit checks that too).
 */
import { sql, type Transaction } from 'kysely';
import { LedgerError, postingSum, type Posting } from '../domain/ledger.js';
import type { Schema } from './schema.js';

type Trx = Transaction<Schema>;

export interface Posted {
  postingId: string;
  /** False when a posting with this key was already on record (nothing changed). */
  created: boolean;
}

export async function postToLedger(trx: Trx, posting: Posting, now: Date): Promise<Posted> {
  if (postingSum(posting.entries) !== 0n) throw new LedgerError(`posting ${posting.idempotencyKey} does not balance`);
  const inserted = await trx
    .insertInto('ledger_postings')
    .values({ idempotency_key: posting.idempotencyKey, kind: posting.kind, job_id: posting.jobId, attempt_no: posting.attemptNo, provider_id: posting.providerId, batch_id: posting.batchId, at: now })
    .onConflict((conflict) => conflict.column('idempotency_key').doNothing())
    .returning(sql<string>`cast(posting_id as text)`.as('id'))
    .executeTakeFirst();
  if (!inserted) {
    const existing = await trx.selectFrom('ledger_postings').select(sql<string>`cast(posting_id as text)`.as('id')).where('idempotency_key', '=', posting.idempotencyKey).executeTakeFirstOrThrow();
    return { postingId: existing.id, created: false };
  }
  await trx
    .insertInto('ledger_entries')
    .values(posting.entries.map((entry) => ({ posting_id: inserted.id, account: entry.account, amount: entry.amount.toString() })))
    .execute();
  await addToBalances(trx, posting);
  return { postingId: inserted.id, created: true };
}

/** One upsert per posting; accounts in sorted order so concurrent postings lock balance rows alike. */
async function addToBalances(trx: Trx, posting: Posting): Promise<void> {
  const byAccount = new Map<string, bigint>();
  for (const entry of posting.entries) byAccount.set(entry.account, (byAccount.get(entry.account) ?? 0n) + entry.amount);
  const rows = [...byAccount.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([account, amount]) => ({ account, balance: amount.toString() }));
  await trx
    .insertInto('ledger_balances')
    .values(rows)
    .onConflict((conflict) => conflict.column('account').doUpdateSet({ balance: sql`ledger_balances.balance + excluded.balance` }))
    .execute();
}

/** Balances of the named accounts (0 for an account never posted to). */
export async function balancesOf(trx: Trx, names: readonly string[]): Promise<Map<string, bigint>> {
  const result = new Map<string, bigint>(names.map((name) => [name, 0n]));
  if (names.length === 0) return result;
  const rows = await trx.selectFrom('ledger_balances').select(['account', 'balance']).where('account', 'in', [...names]).execute();
  for (const row of rows) result.set(row.account, BigInt(row.balance));
  return result;
}

export async function balanceOf(trx: Trx, name: string): Promise<bigint> {
  return (await balancesOf(trx, [name])).get(name) ?? 0n;
}

/** Ids of a run's postings of the given kinds, oldest first (a receipt names them). */
export async function runPostingIds(trx: Trx, jobId: string, attemptNo: number, kinds: Posting['kind'][]): Promise<string[]> {
  const rows = await trx
    .selectFrom('ledger_postings')
    .select(sql<string>`cast(posting_id as text)`.as('id'))
    .where('job_id', '=', jobId)
    .where('attempt_no', '=', attemptNo)
    .where('kind', 'in', kinds)
    .orderBy('posting_id')
    .execute();
  return rows.map((row) => row.id);
}
