import { explorerTxUrlFor } from '../../../protocol/network-format.js';
import { checkSolanaAddress } from '../../../protocol/solana/address.js';
import type { EarningsSlice } from '../../../protocol/state.js';
import { explorerAddressUrlFor, type WalletBalances, type WalletChain, type WalletSlice } from '../../../protocol/wallet.js';
import type { CreatedWallet } from './ports.js';

export interface WalletViewInputs {
  /** settings.wallet.payoutAddress */
  address: string | null;
  created: CreatedWallet | null;
  chain: WalletChain | null;
  token: WalletSlice['token'];
  balances: WalletBalances;
}

/** Why a saved payout address cannot be paid to, in plain words; null when it can (or none is set). */
function addressProblemOf(address: string | null): string | null {
  if (address === null) return null;
  const check = checkSolanaAddress(address);
  if (check.ok && check.address === address) return null;
  return check.ok ? 'The saved address has spaces around it.' : `The saved payout address cannot be paid to. ${check.message} ${check.nextStep}`;
}

/** The wallet slice from its parts. Pure. */
export function walletSlice(inputs: WalletViewInputs): WalletSlice {
  const { address, created } = inputs;
  return {
    address,
    addressProblem: addressProblemOf(address),
    createdHere: created !== null && created.address === address,
    createdAddress: created?.address ?? null,
    backedUp: created === null || created.exportedAt !== null,
    exportedAt: created?.exportedAt ?? null,
    chain: inputs.chain,
    token: inputs.token,
    balances: inputs.balances,
  };
}

/** Balances are read on the chain the network pays on, which the earnings book remembers across restarts. */
export function walletChainOf(earnings: Pick<EarningsSlice, 'chain'>): WalletChain | null {
  const chain = earnings.chain;
  if (!chain) return null;
  return { cluster: chain.cluster, rpcUrl: chain.rpcUrl, mint: chain.mint, explorerAddressUrl: explorerAddressUrlFor(chain.cluster), explorerTxUrl: explorerTxUrlFor(chain.cluster) };
}
