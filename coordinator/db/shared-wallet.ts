/**
 * Every provider paid to the same payout address as one provider, with each one's balances, in one query: the
 * `wallet` of an `earnings` frame. Providers of a wallet are found through providers_by_payout_address; each
 * balance is a primary-key lookup. The whole wallet is summed (and counted) before the list is cut to
 * MAX_WALLET_MACHINES, so the total covers machines left out too.
 *
 * Anyone may enrol with any address, so whoever knows an address sees its machines through this: acceptable
 * because what a wallet is paid is public on chain anyway; only the split per PC and their presence are new
 * (coordinator/README.md, Money). Nothing secret is selected: ids, balances and session times only.
 */
import { sql, type Transaction } from 'kysely';
import { MAX_WALLET_MACHINES, type SharedWallet, type WalletMachine } from '../../protocol/network.js';
import { machineLabel } from '../domain/shared-wallet.js';
import type { Schema } from './schema.js';

type Trx = Transaction<Schema>;

interface WalletRow {
  provider_id: string;
  payout_address: string;
  last_seen_at: Date | null;
  online: boolean;
  pending: string;
  payable: string;
  in_flight: string;
  paid: string;
  total_pending: string;
  total_payable: string;
  total_in_flight: string;
  total_paid: string;
  machine_count: number;
}

/** The provider's balance in one of its accounts (coordinator/domain/ledger.ts names them), 0 when never posted to. */
function balance(kind: 'pending' | 'payable' | 'in-flight' | 'paid') {
  return sql`coalesce((select b.balance from ledger_balances as b where b.account = 'provider:' || p.provider_id || ${`:${kind}`}), 0)`;
}

/**
 * The wallet of `providerId` (null when it has no payout address, or is unknown): this provider first, then
 * online before offline, most recently seen first. `onlineSince`: a session heard from since then is online.
 */
export async function sharedWalletOf(trx: Trx, providerId: string, onlineSince: Date): Promise<SharedWallet | null> {
  const { rows } = await sql<WalletRow>`
    WITH machine AS (
      SELECT p.provider_id, p.payout_address,
        (SELECT max(s.last_seen_at) FROM sessions AS s WHERE s.provider_id = p.provider_id) AS last_seen_at,
        EXISTS (SELECT 1 FROM sessions AS s WHERE s.provider_id = p.provider_id AND s.closed_at IS NULL AND s.last_seen_at >= ${onlineSince}) AS online,
        ${balance('pending')} AS pending, ${balance('payable')} AS payable, ${balance('in-flight')} AS in_flight, ${balance('paid')} AS paid
      FROM providers AS p
      WHERE p.payout_address <> '' AND p.payout_address = (SELECT own.payout_address FROM providers AS own WHERE own.provider_id = ${providerId})
    )
    SELECT provider_id, payout_address, last_seen_at, online,
      cast(pending AS text) AS pending, cast(payable AS text) AS payable, cast(in_flight AS text) AS in_flight, cast(paid AS text) AS paid,
      cast(sum(pending) OVER () AS text) AS total_pending, cast(sum(payable) OVER () AS text) AS total_payable,
      cast(sum(in_flight) OVER () AS text) AS total_in_flight, cast(sum(paid) OVER () AS text) AS total_paid,
      cast(count(*) OVER () AS integer) AS machine_count
    FROM machine
    ORDER BY provider_id = ${providerId} DESC, online DESC, last_seen_at DESC NULLS LAST, provider_id
    LIMIT ${MAX_WALLET_MACHINES}`.execute(trx);
  const first = rows[0];
  if (!first) return null;
  return {
    address: first.payout_address,
    machines: rows.map((row) => toMachine(row, providerId)),
    more: first.machine_count - rows.length,
    total: { pending: first.total_pending, payable: first.total_payable, inFlight: first.total_in_flight, paid: first.total_paid },
  };
}

function toMachine(row: WalletRow, selfId: string): WalletMachine {
  return {
    providerId: row.provider_id,
    label: machineLabel(row.provider_id),
    self: row.provider_id === selfId,
    online: row.online,
    lastSeenAt: row.last_seen_at ? new Date(row.last_seen_at).toISOString() : null,
    pending: row.pending,
    payable: row.payable,
    inFlight: row.in_flight,
    paid: row.paid,
  };
}
