import { checkSolanaAddress } from '../../../../protocol/solana/address.js';
import { backupReminder, explorerAddressLink, formatSol, formatTokenBalance, type WalletSlice } from '../../../../protocol/wallet.js';

/** What the owner typed, checked as they save: null when it is an address, else the plain words and what to do. */
export function addressInputError(text: string): string | null {
  const check = checkSolanaAddress(text);
  return check.ok ? null : `${check.message} ${check.nextStep}`;
}

export interface WalletView {
  address: string | null;
  /** "Created on this PC" or "Pasted". */
  origin: string | null;
  explorer: string | null;
  problem: string | null;
  reminder: string | null;
  sol: string;
  token: string;
  tokenLabel: string;
  /** "Read 12:03 on devnet", or why there are no figures. */
  balanceNote: string;
  balanceError: string | null;
  refreshing: boolean;
  /** Export is offered while a wallet created here exists. */
  canExport: boolean;
}

function balanceNote(slice: WalletSlice): string {
  if (!slice.address || slice.addressProblem) return 'Balances show once a valid payout address is set.';
  if (!slice.chain) return 'Balances show once a network says which Solana cluster it pays on.';
  if (!slice.balances.fetchedAt) return slice.balances.refreshing ? 'Reading…' : 'Not read yet.';
  return `Read ${new Date(slice.balances.fetchedAt).toLocaleString()} on ${slice.chain.cluster}.`;
}

/** The Wallet page's words and figures from the slice. Pure; amounts come from integer strings. */
export function walletView(slice: WalletSlice): WalletView {
  return {
    address: slice.address,
    origin: slice.address ? (slice.createdHere ? 'Created on this PC' : 'Pasted') : null,
    explorer: explorerAddressLink(slice),
    problem: slice.addressProblem,
    reminder: backupReminder(slice),
    sol: formatSol(slice.balances.lamports),
    token: formatTokenBalance(slice),
    tokenLabel: slice.token?.symbol ?? 'Payout token',
    balanceNote: balanceNote(slice),
    balanceError: slice.balances.error,
    refreshing: slice.balances.refreshing,
    canExport: slice.createdAddress !== null,
  };
}
