import type { EarningsSummary, PayoutChainInfo, ProviderPayout, SharedWallet } from '../../../protocol/network.js';
import type { JobReceipt } from '../../../protocol/receipts.js';
import type { PayoutChainState, ReceiptCheckState } from '../../../protocol/state.js';

/**
 * What the earnings book needs from the world, in our own types. Adapters: electron/core/adapters/
 * solana-payout-checker.ts (the chain) and ./earnings-file.ts (the disk).
 */

/** What the chain said of one payout transaction (mirrors protocol/solana/payout-check.ts, kept here so core depends on no Solana code). */
export type PayoutChainAnswer =
  | { ok: true; slot: bigint; blockTime: number | null }
  | { ok: false; reason: 'not-found' | 'failed' | 'wrong-amount' | 'wrong-recipient' | 'wrong-mint' | 'unreachable'; message: string };

export interface PayoutCheckRequest {
  signature: string;
  /** The wallet the transfer went to (its token account is derived from this and the mint). */
  recipientOwner: string;
  mint: string;
  /** The whole transfer to that wallet in this transaction (several PCs may share a wallet). */
  amount: bigint;
}

/** Looks one payout up on a Solana cluster. Never throws: an RPC that does not answer is reason 'unreachable'. */
export interface PayoutChainChecker {
  check(rpcUrl: string, request: PayoutCheckRequest): Promise<PayoutChainAnswer>;
}

export interface StoredReceipt {
  receipt: JobReceipt;
  check: ReceiptCheckState;
}

export interface StoredPayout {
  payout: ProviderPayout;
  chain: PayoutChainState;
  /** Lookups that found no transaction yet (an RPC may lag behind the coordinator's); reset when the payout changes. */
  notFoundTries: number;
}

/** Everything kept in <data dir>/earnings.json; receipts and payouts newest first. */
export interface EarningsRecord {
  summary: EarningsSummary | null;
  receipts: StoredReceipt[];
  payouts: StoredPayout[];
  /** The last network's payout chain, receipt key and token, so checks and amounts work before it is reached again. */
  chain: PayoutChainInfo | null;
  coordinatorPublicKey: string | null;
  token: { symbol: string; decimals: number } | null;
  updatedAt: string | null;
  /** Every PC paid to this one's wallet, as the network last said (null: no wallet, or a network that does not say). */
  sharedWallet: SharedWallet | null;
}

export interface EarningsStore {
  /** The saved record; for a damaged file an empty one, and where the damaged file was moved (null if it could not be). */
  load(): { record: EarningsRecord; damaged: { setAsideAs: string | null } | null };
  /** Throws when the disk refuses; the caller says so and keeps the record in memory. */
  save(record: EarningsRecord): void;
}

/** One GPU's power draw right now; the id is the NVIDIA UUID, as in the GPU inventory. */
export interface GpuPowerReading {
  gpuId: string;
  milliwatts: number;
}

/**
 * Reads the GPUs' power draw (adapter: electron/core/adapters/gpu-power-nvidia-smi.ts). Never throws: no tool, no
 * sensor or a GPU that reports "[N/A]" is simply left out, and the cost falls back to an estimate.
 */
export interface GpuPowerMeter {
  read(): Promise<GpuPowerReading[]>;
}
