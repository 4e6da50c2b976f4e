/**
 * Every transaction that landed on the local chain, kept as the RPC reports it (LiteSVM keeps only some of
 * this): by signature for getTransaction and getSignatureStatuses, and by address, newest first, for
 * getSignaturesForAddress. u64 values are decimal strings here, so a record survives JSON unchanged.
 */
import type { TokenBalance } from './token-accounts.js';
import type { TransactionErrorJson } from './tx-errors.js';

export interface InnerInstructionsJson {
  index: number;
  instructions: { programIdIndex: number; accounts: number[]; data: string; stackHeight: number }[];
}

export interface TxRecord {
  /** Order of processing, from 1: the journal replays in this order. */
  seq: number;
  signature: string;
  /** The transaction exactly as it was sent, base64. */
  wire: string;
  slot: number;
  blockTime: number;
  version: 'legacy' | 0;
  /** Static keys, then the lookup tables' writable keys, then their read-only ones (the balances' order). */
  accountKeys: string[];
  loadedAddresses: { writable: string[]; readonly: string[] };
  err: TransactionErrorJson | null;
  fee: string;
  preBalances: string[];
  postBalances: string[];
  preTokenBalances: TokenBalance[];
  postTokenBalances: TokenBalance[];
  logMessages: string[];
  innerInstructions: InnerInstructionsJson[];
  computeUnitsConsumed: string;
  returnData: { programId: string; data: string } | null;
  memo: string | null;
}

export interface AddressQuery {
  before?: string | undefined;
  until?: string | undefined;
  limit: number;
}

export class History {
  private readonly bySignature = new Map<string, TxRecord>();
  /** Per address, the seqs of the transactions that named it, oldest first. */
  private readonly byAddress = new Map<string, number[]>();
  private readonly bySeq = new Map<number, TxRecord>();
  private last = 0;

  add(record: TxRecord): void {
    this.bySignature.set(record.signature, record);
    this.bySeq.set(record.seq, record);
    this.last = Math.max(this.last, record.seq);
    for (const key of new Set(record.accountKeys)) {
      const list = this.byAddress.get(key);
      if (list) list.push(record.seq);
      else this.byAddress.set(key, [record.seq]);
    }
  }

  get(signature: string): TxRecord | undefined {
    return this.bySignature.get(signature);
  }

  get size(): number {
    return this.bySignature.size;
  }

  get lastSeq(): number {
    return this.last;
  }

  /**
   * Newest first, starting after `before` and stopping at `until` (both excluded), as getSignaturesForAddress
   * pages; a `before` this node never saw yields nothing.
   */
  forAddress(address: string, query: AddressQuery): TxRecord[] {
    const seqs = this.byAddress.get(address) ?? [];
    const before = query.before === undefined ? Infinity : this.bySignature.get(query.before)?.seq;
    if (before === undefined) return [];
    const until = query.until === undefined ? 0 : (this.bySignature.get(query.until)?.seq ?? 0);
    const out: TxRecord[] = [];
    for (let i = seqs.length - 1; i >= 0 && out.length < query.limit; i--) {
      const seq = seqs[i]!;
      if (seq >= before) continue;
      if (seq <= until) break;
      out.push(this.bySeq.get(seq)!);
    }
    return out;
  }
}
