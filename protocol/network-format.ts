/**
 * Plain words and numbers for the network and earnings slices, shared by `offhours network`, `offhours earnings`,
 * the Dashboard's Network card and the Earnings page so all say the same thing. Pure.
 */
import type { NetworkInfo, PayoutChainInfo, ProviderPayout, ProviderStanding } from './network.js';
import type { NetworkSlice, PayoutChainState, ReceiptCheckState } from './state.js';

/** Base units as a decimal amount: "1234500", 6 decimals → "1.2345". Integers only, never a float. */
export function formatBaseUnits(baseUnits: string, decimals: number): string {
  if (!/^\d+$/.test(baseUnits)) return baseUnits;
  const padded = baseUnits.padStart(decimals + 1, '0');
  const whole = padded.slice(0, padded.length - decimals).replace(/^0+(?=\d)/, '');
  const fraction = decimals > 0 ? padded.slice(padded.length - decimals).replace(/0+$/, '') : '';
  return fraction ? `${whole}.${fraction}` : whole;
}

export function formatRate(ratePerHour: string | null, network: NetworkInfo | null): string {
  if (ratePerHour === null) return 'not set yet — it follows the benchmark the network times';
  if (!network) return `${ratePerHour} base units per hour of work`;
  return `${formatBaseUnits(ratePerHour, network.tokenDecimals)} ${network.tokenSymbol} per hour of work`;
}

/** Milli-GFLOPS → "12.3 GFLOPS" (or TFLOPS above 1000 GFLOPS). */
export function formatThroughput(milliGflops: number | null): string {
  if (milliGflops === null) return 'not measured yet';
  const gflops = milliGflops / 1000;
  return gflops >= 1000 ? `${(gflops / 1000).toFixed(1)} TFLOPS` : `${gflops.toFixed(gflops >= 100 ? 0 : 1)} GFLOPS`;
}

/** "Local test network — its tokens have no value", or the network's name, or the URL before we know it. */
export function networkLabel(slice: Pick<NetworkSlice, 'mode' | 'url' | 'network'>): string {
  if (slice.network) return slice.network.tokenHasValue ? slice.network.name : `${slice.network.name} — its tokens have no value`;
  if (slice.mode === 'embedded') return 'Local test network — its tokens have no value';
  if (slice.mode === 'off') return 'none';
  return slice.url ?? 'unknown';
}

/** Where this network pays out: "devnet, RPC https://api.devnet.solana.com, token mint Mint…", so the owner can check it too. */
export function describePayoutChain(network: NetworkInfo): string {
  const payouts = network.payouts;
  if (!payouts) return 'this network does not pay out (yet)';
  return `${payouts.cluster}, RPC ${payouts.rpcUrl}, token mint ${payouts.mint}`;
}

export function describeBenchmark(standing: ProviderStanding | null): string {
  const bench = standing?.benchmark;
  if (!bench || bench.state === 'none') return 'not run yet — the network times one right after it enrols this PC';
  if (bench.state === 'running') return 'running now (the network times it)';
  if (bench.state === 'failed') return `failed${bench.failureReason ? ` (${bench.failureReason})` : ''}${bench.message ? `: ${bench.message}` : ''} — the network tries again later`;
  return `passed${bench.demo ? ' at the demo rate (software graphics, no real GPU)' : ''}`;
}

/** What the owner can do about the link's state; null when nothing is needed. */
export function networkNextStep(slice: NetworkSlice): string | null {
  switch (slice.connection) {
    case 'off':
      return 'Set network.coordinator to "embedded" (the local test network) or a coordinator URL, then restart Offhours.';
    case 'unreachable':
      return slice.mode === 'embedded'
        ? 'Nothing to do: Offhours restarts the local test network and reconnects by itself. Your schedule and any running job carry on.'
        : 'Nothing to do unless this lasts: Offhours reconnects by itself and your schedule and any running job carry on. If it persists, check your internet connection or the coordinator address in Settings.';
    case 'refused':
      return 'Update Offhours, or check the coordinator address in Settings; if it persists, ask the network operator.';
    case 'starting':
    case 'connecting':
      return null;
    case 'connected':
      return slice.standing?.benchmark.state === 'failed' ? 'Close games and heavy programs; the network re-runs the timed benchmark when this PC is idle.' : null;
  }
}

// ---------------------------------------------------------------------------------------------------
// Earnings: amounts, receipts and payouts in plain words (`offhours earnings`, the Earnings page, the notices).

export interface TokenUnits {
  symbol: string;
  decimals: number;
}

/** "1.5 OFFT", or base units when the token is not known yet. Integers only. */
export function formatTokenAmount(baseUnits: string, token: TokenUnits | null): string {
  if (!token) return `${baseUnits} base units`;
  return `${formatBaseUnits(baseUnits, token.decimals)} ${token.symbol}`;
}

/** A receipt's rate (base units per second) per hour of work, as the Network card shows rates: "0.036 OFFT per hour". */
export function formatRatePerSecond(ratePerSecond: string, token: TokenUnits | null): string {
  if (!/^\d+$/.test(ratePerSecond)) return ratePerSecond;
  return `${formatTokenAmount((BigInt(ratePerSecond) * 3600n).toString(), token)} per hour`;
}

/** A public explorer page for a transaction on this cluster, "{signature}" standing for it; null where no public explorer can see it. */
export function explorerTxUrlFor(cluster: PayoutChainInfo['cluster']): string | null {
  switch (cluster) {
    case 'mainnet-beta':
      return 'https://explorer.solana.com/tx/{signature}';
    case 'devnet':
    case 'testnet':
      return `https://explorer.solana.com/tx/{signature}?cluster=${cluster}`;
    case 'localnet':
    case 'custom':
      return null;
  }
}

export function explorerLink(explorerTxUrl: string | null, signature: string | null): string | null {
  return explorerTxUrl && signature ? explorerTxUrl.replace('{signature}', encodeURIComponent(signature)) : null;
}

/** "5VERv8NM…4GBqXyTk": enough to recognise a transaction. */
export function shortSignature(signature: string): string {
  return signature.length > 20 ? `${signature.slice(0, 8)}…${signature.slice(-8)}` : signature;
}

export type CheckTone = 'ok' | 'info' | 'bad';

export interface CheckWords {
  tone: CheckTone;
  /** A few words for a table cell. */
  label: string;
  /** One sentence for a tooltip, the CLI and the notices. */
  explain: string;
}

const RECEIPT_CHECK_WORDS: Record<ReceiptCheckState, CheckWords> = {
  verified: { tone: 'ok', label: 'Verified', explain: 'Signed by the network you are connected to, and the amount is the rate times the seconds.' },
  malformed: { tone: 'bad', label: 'Damaged', explain: 'This receipt is damaged or incomplete.' },
  'wrong-key': { tone: 'bad', label: 'Signed by another network', explain: 'This receipt was signed by a different network than the one you are connected to.' },
  'bad-signature': { tone: 'bad', label: 'Changed after signing', explain: 'This receipt’s signature does not match its contents: it was changed after the network signed it.' },
  'wrong-amount': { tone: 'bad', label: 'Amount does not add up', explain: 'This receipt’s amount is not its rate times its seconds.' },
  'no-key': { tone: 'bad', label: 'Cannot be checked', explain: 'The network did not say which key signs its receipts, so Offhours cannot check this one.' },
};

export function receiptCheckWords(check: ReceiptCheckState): CheckWords {
  return RECEIPT_CHECK_WORDS[check];
}

const CHAIN_WORDS: Record<Exclude<PayoutChainState, 'not-paid'>, CheckWords> = {
  verified: { tone: 'ok', label: 'Confirmed on chain', explain: 'Offhours found this transfer on the blockchain: the right amount of the right token to your wallet.' },
  checking: { tone: 'info', label: 'Checking…', explain: 'Offhours is looking this transaction up on the blockchain.' },
  unreachable: { tone: 'info', label: 'Not checked yet', explain: 'The blockchain’s server did not answer; Offhours tries again by itself.' },
  'not-found': { tone: 'bad', label: 'Not on chain', explain: 'The blockchain has no such transaction.' },
  failed: { tone: 'bad', label: 'Failed on chain', explain: 'The blockchain shows this transaction failed, so nothing was paid by it.' },
  'wrong-amount': { tone: 'bad', label: 'Wrong amount on chain', explain: 'The blockchain shows a different amount in this transaction.' },
  'wrong-recipient': { tone: 'bad', label: 'Went to another wallet', explain: 'The blockchain shows this transaction did not pay your wallet.' },
  'wrong-mint': { tone: 'bad', label: 'Wrong token on chain', explain: 'The blockchain shows a different token in this transaction.' },
};

/** What the app found on chain, worded for the payout's own state (a payout not paid yet has nothing on chain). */
export function payoutChainWords(chain: PayoutChainState, payoutState: ProviderPayout['state']): CheckWords {
  if (chain !== 'not-paid') return CHAIN_WORDS[chain];
  if (payoutState === 'failed') return { tone: 'info', label: 'Did not go through', explain: 'This payout did not go through; its amount is payable again and goes out with the next payout.' };
  return { tone: 'info', label: 'Being sent', explain: 'The network is sending this payout; Offhours checks it on the blockchain once the network says it arrived.' };
}
