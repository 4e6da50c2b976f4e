/**
 * `offhours coordinator audit`: the money invariants, checked from the database and the chain.
 *
 *   ledger-balanced     every posting's entries sum to zero, and so does the whole ledger
 *   balances-match      each account's stored balance equals the sum of its entries
 *   no-overdraft        no escrow or provider account is below zero
 *   receipts-match      each receipt verifies under the coordinator's key, its seconds are the run's metered
 *                       seconds, and its amount is what the run's meter postings released and its settle moved
 *   runs-receipted      every ended run that started has exactly one receipt
 *   payouts-booked      a paid batch's items were posted as paid once; a failed one's were reversed
 *   payouts-on-chain    a paid batch's transaction is confirmed on chain, moving exactly each recipient's amount
 *                       of the mint to that recipient; no batch has more than one transaction on chain
 *
 * Read-only. Each violation names the row it concerns.
 */
import { sql, type Kysely } from 'kysely';
import type { AuditReport, AuditViolation } from '../protocol/network.js';
import { verifyReceipt } from '../protocol/receipts.js';
import { accounts } from './domain/ledger.js';
import { batchTransfers } from './domain/payout-plan.js';
import type { Schema } from './db/schema.js';

/** What the audit asks of the chain (coordinator/chain/audit-chain.ts implements it over RPC). */
export interface AuditChain {
  /** The transfer to `recipientOwner` of `mint` in that transaction is exactly `amount`, and it succeeded. */
  checkTransfer(expected: { signature: string; recipientOwner: string; mint: string; amount: bigint }): Promise<{ ok: true } | { ok: false; message: string }>;
  /** How many of these signatures are confirmed on chain (successful or not). */
  countLanded(signatures: readonly string[]): Promise<number>;
}

export interface AuditInput {
  db: Kysely<Schema>;
  /** The key receipts must verify under. */
  coordinatorPublicKey: string;
  /** Null: the on-chain rule is reported as not checked (no RPC given). */
  chain: AuditChain | null;
}

export async function auditCoordinator(input: AuditInput): Promise<AuditReport> {
  const violations: AuditViolation[] = [];
  const add = (rule: AuditViolation['rule'], message: string) => violations.push({ rule, message });
  await checkLedger(input.db, add);
  const receipts = await checkReceipts(input, add);
  const payouts = await checkPayouts(input, add);
  const postings = await input.db.selectFrom('ledger_postings').select(sql<number>`cast(count(*) as integer)`.as('n')).executeTakeFirstOrThrow();
  return { ok: violations.length === 0, checked: { postings: postings.n, receipts, payouts, onChain: input.chain !== null }, violations: violations.slice(0, 1000) };
}

type Add = (rule: AuditViolation['rule'], message: string) => void;

async function checkLedger(db: Kysely<Schema>, add: Add): Promise<void> {
  const unbalanced = await db
    .selectFrom('ledger_entries')
    .select(['posting_id', sql<string>`cast(sum(amount) as text)`.as('total')])
    .groupBy('posting_id')
    .having(sql`sum(amount)`, '<>', 0)
    .limit(100)
    .execute();
  for (const row of unbalanced) add('ledger-balanced', `posting ${String(row.posting_id)} sums to ${row.total}, not 0`);
  const whole = await db.selectFrom('ledger_entries').select(sql<string>`cast(coalesce(sum(amount), 0) as text)`.as('total')).executeTakeFirstOrThrow();
  if (whole.total !== '0') add('ledger-balanced', `the whole ledger sums to ${whole.total}, not 0`);
  const mismatched = await db
    .selectFrom('ledger_balances as b')
    .leftJoin(db.selectFrom('ledger_entries').select(['account', sql<string>`sum(amount)`.as('total')]).groupBy('account').as('e'), 'e.account', 'b.account')
    .select(['b.account', 'b.balance', sql<string>`cast(coalesce(e.total, 0) as text)`.as('total')])
    .where(sql`b.balance`, '<>', sql`coalesce(e.total, 0)`)
    .limit(100)
    .execute();
  for (const row of mismatched) add('balances-match', `account ${row.account} stores ${row.balance} but its entries sum to ${row.total}`);
  const overdrawn = await db
    .selectFrom('ledger_balances')
    .select(['account', 'balance'])
    .where((eb) => eb.or([eb('account', 'like', 'escrow:%'), eb('account', 'like', 'provider:%')]))
    .where('balance', '<', '0')
    .limit(100)
    .execute();
  for (const row of overdrawn) add('no-overdraft', `account ${row.account} is below zero (${row.balance})`);
}

async function checkReceipts(input: AuditInput, add: Add): Promise<number> {
  const { db } = input;
  const runs = await db
    .selectFrom('job_attempts')
    .innerJoin('jobs', 'jobs.job_id', 'job_attempts.job_id')
    .leftJoin('receipts', (join) => join.onRef('receipts.job_id', '=', 'job_attempts.job_id').onRef('receipts.attempt_no', '=', 'job_attempts.attempt_no'))
    .select(['job_attempts.job_id', 'job_attempts.attempt_no', 'job_attempts.provider_id', 'job_attempts.metered_seconds', 'job_attempts.started_at', 'job_attempts.outcome', 'jobs.price_per_second', 'receipts.receipt'])
    .where((eb) => eb.or([eb('job_attempts.outcome', 'is not', null), eb('receipts.receipt_id', 'is not', null)]))
    .execute();
  const released = await db
    .selectFrom('ledger_postings as p')
    .innerJoin('ledger_entries as e', 'e.posting_id', 'p.posting_id')
    .select(['p.job_id', 'p.attempt_no', 'p.kind', sql<string>`cast(sum(e.amount) as text)`.as('total')])
    .where('p.kind', 'in', ['meter', 'settle'])
    .where('e.amount', '>', '0')
    .groupBy(['p.job_id', 'p.attempt_no', 'p.kind'])
    .execute();
  const moved = new Map(released.map((row) => [`${row.job_id}/${row.attempt_no}/${row.kind}`, BigInt(row.total)]));
  let count = 0;
  for (const run of runs) {
    const name = `run ${run.job_id}#${run.attempt_no}`;
    if (!run.receipt) {
      if (run.started_at) add('runs-receipted', `${name} ended (${run.outcome}) without a receipt`);
      continue;
    }
    count += 1;
    const check = verifyReceipt(run.receipt, input.coordinatorPublicKey);
    if (!check.ok) add('receipts-match', `${name}: ${check.message}`);
    const body = run.receipt.body;
    if (body.seconds !== run.metered_seconds) add('receipts-match', `${name}: the receipt pays ${body.seconds} s but ${run.metered_seconds} s were metered`);
    if (body.ratePerSecond !== run.price_per_second) add('receipts-match', `${name}: the receipt's rate ${body.ratePerSecond} is not the job's ${run.price_per_second}`);
    const meter = moved.get(`${run.job_id}/${run.attempt_no}/meter`) ?? 0n;
    const settle = moved.get(`${run.job_id}/${run.attempt_no}/settle`) ?? 0n;
    if (meter !== BigInt(body.amount)) add('receipts-match', `${name}: the receipt says ${body.amount} but the meter postings released ${meter}`);
    if (settle !== BigInt(body.amount)) add('receipts-match', `${name}: the receipt says ${body.amount} but its settle posting moved ${settle}`);
  }
  return count;
}

async function checkPayouts(input: AuditInput, add: Add): Promise<number> {
  const { db, chain } = input;
  const batches = await db.selectFrom('payout_batches').selectAll().where('state', 'in', ['paid', 'failed', 'confirmed']).orderBy('created_at').execute();
  for (const batch of batches) {
    const items = (await db.selectFrom('payout_items').selectAll().where('batch_id', '=', batch.batch_id).execute()).map((row) => ({ providerId: row.provider_id, recipient: row.recipient, amount: BigInt(row.amount) }));
    await checkBooked(db, batch.batch_id, batch.state, items, add);
    if (!chain) continue;
    const signatures = (await db.selectFrom('payout_signatures').select('signature').where('batch_id', '=', batch.batch_id).execute()).map((row) => row.signature);
    const landed = await chain.countLanded(signatures);
    if (landed > 1) add('payouts-on-chain', `payout ${batch.batch_id} has ${landed} transactions on chain: it was sent more than once`);
    if (batch.state === 'failed' && landed > 0) {
      for (const signature of signatures) {
        const anyTransfer = await chain.checkTransfer({ signature, recipientOwner: items[0]?.recipient ?? '', mint: batch.mint, amount: items[0]?.amount ?? 0n });
        if (anyTransfer.ok) add('payouts-on-chain', `payout ${batch.batch_id} is booked as failed but its transaction ${signature} moved tokens`);
      }
    }
    if (batch.state !== 'paid') continue;
    if (!batch.signature) {
      add('payouts-on-chain', `payout ${batch.batch_id} is booked as paid without a transaction`);
      continue;
    }
    for (const transfer of batchTransfers(items)) {
      const result = await chain.checkTransfer({ signature: batch.signature, recipientOwner: transfer.recipientOwner, mint: batch.mint, amount: transfer.amount });
      if (!result.ok) add('payouts-on-chain', `payout ${batch.batch_id} to ${transfer.recipientOwner}: ${result.message}`);
    }
  }
  return batches.length;
}

/** Each item's ledger postings: reserved once, then paid (state paid) or reversed (state failed), never both. */
async function checkBooked(db: Kysely<Schema>, batchId: string, state: string, items: { providerId: string; amount: bigint }[], add: Add): Promise<void> {
  const rows = await db
    .selectFrom('ledger_postings as p')
    .innerJoin('ledger_entries as e', 'e.posting_id', 'p.posting_id')
    .select(['p.kind', 'p.provider_id', 'e.account', 'e.amount'])
    .where('p.batch_id', '=', batchId)
    .where('e.amount', '>', '0')
    .execute();
  for (const item of items) {
    const credited = (kind: string, account: string) => rows.filter((row) => row.kind === kind && row.provider_id === item.providerId && row.account === account).reduce((sum, row) => sum + BigInt(row.amount), 0n);
    const reserved = credited('payout-reserve', accounts.inFlight(item.providerId));
    const paid = credited('payout-paid', accounts.paid(item.providerId));
    const reversed = credited('payout-reverse', accounts.payable(item.providerId));
    const name = `payout ${batchId} for ${item.providerId}`;
    if (reserved !== item.amount) add('payouts-booked', `${name}: reserved ${reserved}, item says ${item.amount}`);
    if (state === 'paid' && (paid !== item.amount || reversed !== 0n)) add('payouts-booked', `${name}: booked paid ${paid} and reversed ${reversed} for an item of ${item.amount}`);
    if (state === 'failed' && (reversed !== item.amount || paid !== 0n)) add('payouts-booked', `${name}: failed, but reversed ${reversed} and paid ${paid}`);
  }
}
