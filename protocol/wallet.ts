/**
 * The payout wallet as the UI and `offhours wallet` see it (electron/core/wallet): which address is paid, whether
 * this PC created it (and holds its secret key, sealed), whether that key was backed up, and its balances read
 * over the network's Solana RPC. The secret key itself is never part of this: it leaves core only through
 * exportWalletSecret, behind an explicit confirmation. Pure.
 */
import { z } from 'zod';
import { formatBaseUnits } from './network-format.js';
import { SolanaClusterSchema, type PayoutChainInfo } from './network.js';

const BaseUnitsSchema = z.string().regex(/^(0|[1-9][0-9]{0,29})$/, 'must be a whole number of base units');
export const LAMPORTS_PER_SOL_DECIMALS = 9;

export const WalletBalancesSchema = z.object({
  /** SOL, in lamports (10⁻⁹ SOL); null until read. */
  lamports: BaseUnitsSchema.nullable(),
  /** The payout token, in base units, over all this wallet's accounts for the network's mint; null until read. */
  tokenBaseUnits: BaseUnitsSchema.nullable(),
  /** When the figures above were read (ISO); null when never. */
  fetchedAt: z.string().nullable(),
  refreshing: z.boolean(),
  /** Why the last read failed, with what to do; null after a good read. The figures above are then the last good ones. */
  error: z.string().nullable(),
});
export type WalletBalances = z.infer<typeof WalletBalancesSchema>;

export const WalletSliceSchema = z.object({
  /** The payout address (settings.wallet.payoutAddress), or null while none is set. */
  address: z.string().nullable(),
  /** Why the saved address cannot be paid to (a hand-edited settings file), with what to do; null when fine or unset. */
  addressProblem: z.string().nullable(),
  /** The payout address is the wallet created on this PC (its secret key is sealed in the data folder). */
  createdHere: z.boolean(),
  /** The wallet created on this PC, when there is one (it may no longer be the payout address). */
  createdAddress: z.string().nullable(),
  /** False while a wallet created on this PC was never exported: then a backup reminder shows. True when there is nothing to back up. */
  backedUp: z.boolean(),
  /** When its secret key was last exported (ISO); null when never, or none was created here. */
  exportedAt: z.string().nullable(),
  /** Where balances are read and payouts checked (the network's payout chain); null until a network said. */
  chain: z
    .object({
      cluster: SolanaClusterSchema,
      rpcUrl: z.string(),
      mint: z.string(),
      /** A public explorer's page for an address, "{address}" in place of it; null where none can show it (localnet, custom). */
      explorerAddressUrl: z.string().nullable(),
      /** The same for a transaction, "{signature}" in place of it. */
      explorerTxUrl: z.string().nullable(),
    })
    .nullable(),
  /** The payout token, to show its balance; null until a network said. */
  token: z.object({ symbol: z.string(), decimals: z.number().int().min(0).max(18) }).nullable(),
  balances: WalletBalancesSchema,
});
export type WalletSlice = z.infer<typeof WalletSliceSchema>;
export type WalletChain = NonNullable<WalletSlice['chain']>;

export function initialWalletSlice(address: string | null = null): WalletSlice {
  return {
    address,
    addressProblem: null,
    createdHere: false,
    createdAddress: null,
    backedUp: true,
    exportedAt: null,
    chain: null,
    token: null,
    balances: { lamports: null, tokenBaseUnits: null, fetchedAt: null, refreshing: false, error: null },
  };
}

/** exportWalletSecret's input: nothing is exported without this explicit confirmation. */
export const WalletExportRequestSchema = z.object({ confirm: z.literal(true) }).strict();

/** A wallet secret key as the Solana CLI keeps it (`solana-keygen`): a JSON array of 64 bytes, the seed then the public key. */
export const WalletSecretExportSchema = z.object({
  address: z.string(),
  format: z.literal('solana-cli-keypair'),
  secretKey: z.array(z.number().int().min(0).max(255)).length(64),
});
export type WalletSecretExport = z.infer<typeof WalletSecretExportSchema>;

/** Shown (and printed by the CLI) with every export. */
export const EXPORT_WARNING =
  'This is your wallet’s secret key: anyone who sees it can spend everything in the wallet. Save it somewhere safe and private (a password manager, or a file only you can read), import it into a wallet app such as Phantom or Solflare, or keep it for `solana-keygen`. Offhours never asks for it and never shows it again unless you export it again.';

/** The one-line reminder while a wallet created here was never exported; null when nothing needs backing up. */
export function backupReminder(slice: WalletSlice): string | null {
  if (slice.backedUp || !slice.createdAddress) return null;
  return `Back up this wallet now: its secret key exists only on this PC (sealed in the data folder). If the PC or its data folder is lost, the wallet ${slice.createdAddress} and everything paid to it are lost too. Export the key and keep it somewhere safe.`;
}

/** A public explorer page for an address on this cluster, "{address}" standing for it; null where no public explorer can see it. */
export function explorerAddressUrlFor(cluster: PayoutChainInfo['cluster']): string | null {
  switch (cluster) {
    case 'mainnet-beta':
      return 'https://explorer.solana.com/address/{address}';
    case 'devnet':
    case 'testnet':
      return `https://explorer.solana.com/address/{address}?cluster=${cluster}`;
    case 'localnet':
    case 'custom':
      return null;
  }
}

export function explorerAddressLink(slice: WalletSlice): string | null {
  const template = slice.chain?.explorerAddressUrl;
  return template && slice.address ? template.replace('{address}', encodeURIComponent(slice.address)) : null;
}

/** "1.5 SOL", or "not read yet". Integers only. */
export function formatSol(lamports: string | null): string {
  return lamports === null ? 'not read yet' : `${formatBaseUnits(lamports, LAMPORTS_PER_SOL_DECIMALS)} SOL`;
}

/** "12.5 OFFT" (or base units when the token is not known), or "not read yet". */
export function formatTokenBalance(slice: WalletSlice): string {
  const units = slice.balances.tokenBaseUnits;
  if (units === null) return 'not read yet';
  return slice.token ? `${formatBaseUnits(units, slice.token.decimals)} ${slice.token.symbol}` : `${units} base units`;
}
