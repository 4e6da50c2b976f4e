/**
 * The port between the payout engine (coordinator/payouts: ledger, intents, exactly-once state machine) and a
 * Solana cluster. `solana-payout-chain.ts` implements it with @solana/kit over any RPC URL (the localnet,
 * devnet, mainnet); the engine never builds a transaction or calls RPC itself. All amounts are token base
 * units as bigint.
 */

export type SolanaCluster = 'localnet' | 'devnet' | 'testnet' | 'mainnet-beta' | 'custom';

export interface PayoutTransfer {
  /** The recipient's wallet (owner) address; the transfer goes to its associated token account. */
  recipientOwner: string;
  amount: bigint;
}

export interface SignedPayout {
  /** Base58 transaction signature: stored before the transaction is broadcast. */
  signature: string;
  /** The signed wire transaction, base64: re-broadcast unchanged while its blockhash is valid. */
  wireBase64: string;
  /** After this block height the transaction can never land (its blockhash expired). */
  lastValidBlockHeight: bigint;
}

/** What the cluster says of one signature (getSignatureStatuses with searchTransactionHistory). */
export type PayoutStatus =
  | { state: 'unknown' }
  | { state: 'processed' }
  | { state: 'confirmed' | 'finalized'; slot: bigint; error: string | null };

export interface PayoutChain {
  readonly cluster: SolanaCluster;
  readonly rpcUrl: string;
  /** The payout token's mint and decimals. */
  readonly mint: string;
  readonly decimals: number;
  /** The treasury wallet (fee payer and source owner). */
  readonly treasury: string;
  /**
   * How many of `transfers`, taken in order, fit in one transaction (≤ 1,232 bytes with compute budget,
   * priority fee, idempotent ATA creation for recipients that lack one, and the batch memo). At least 1.
   */
  fit(transfers: readonly PayoutTransfer[]): Promise<number>;
  /** Builds and signs one v0 transaction with a fresh blockhash; sends nothing. */
  sign(batchId: string, transfers: readonly PayoutTransfer[]): Promise<SignedPayout>;
  /** sendTransaction of the stored wire bytes (same signature every time). */
  broadcast(wireBase64: string): Promise<void>;
  statuses(signatures: readonly string[]): Promise<PayoutStatus[]>;
  /** The cluster's current block height (commitment confirmed). */
  blockHeight(): Promise<bigint>;
  /** The treasury's token balance (base units). */
  treasuryBalance(): Promise<bigint>;
}
