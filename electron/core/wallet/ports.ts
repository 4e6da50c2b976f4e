/**
 * What the wallet service needs from the world, in our own types. Adapters: ./wallet-key-file.ts (the sealed key
 * on disk) and electron/core/adapters/solana-balances.ts (the chain).
 */

/** Public facts about the wallet created on this PC. Never the secret key. */
export interface CreatedWallet {
  address: string;
  createdAt: string;
  /** When its secret key was last exported (the owner's backup); null when never. */
  exportedAt: string | null;
}

/** The wallet key created on this PC, sealed at rest with the device key's sealer. */
export interface WalletKeyStore {
  /** The wallet created here, or null when none was (reads the file each time: the CLI may have changed it). */
  current(): CreatedWallet | null;
  /**
   * Seals and saves a new key (the 32-byte ed25519 seed). A previous key is kept under another name, never
   * overwritten: it may still hold funds.
   */
  save(seed: Uint8Array, address: string, at: Date): Promise<CreatedWallet>;
  /** Opens the sealed seed; the caller zeroes it when done. Throws UserFacingError when it cannot. */
  openSeed(): Promise<Uint8Array>;
  /** Records an export (the backup). */
  markExported(at: Date): CreatedWallet;
}

export interface BalanceRequest {
  rpcUrl: string;
  owner: string;
  /** The payout token's mint; null reads SOL only. */
  mint: string | null;
}

export interface BalanceAnswer {
  lamports: bigint;
  /** Summed over the owner's token accounts for the mint; null when no mint was asked for. */
  tokenBaseUnits: bigint | null;
}

/** Reads a wallet's balances from a Solana RPC. Throws (with the RPC's words) when it cannot. */
export interface WalletBalanceReader {
  read(request: BalanceRequest): Promise<BalanceAnswer>;
}
