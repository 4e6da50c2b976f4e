/**
 * Checking a payout on chain, the same way in the app and in the coordinator's audit: the transaction must
 * exist, have succeeded, and have grown the recipient's token account(s) for the payout mint by exactly the
 * amount (several transfers to one wallet in one transaction count together). The answer comes from the
 * transaction's own pre/post token balances, so it holds whatever instructions moved the tokens.
 *
 * Plain TypeScript over @solana/kit's RPC client (fetch): it runs in Node, Electron and the browser.
 */
import { createSolanaRpc, isAddress, isSignature, signature as toSignature } from '@solana/kit';

export type PayoutCheck =
  | { ok: true; slot: bigint; blockTime: number | null }
  | { ok: false; reason: 'not-found' | 'failed' | 'wrong-amount' | 'wrong-recipient' | 'wrong-mint' | 'unreachable'; message: string };

export interface ExpectedPayout {
  signature: string;
  /** The wallet paid (the owner of the receiving token account). */
  recipientOwner: string;
  mint: string;
  /** Base units, all transfers to this wallet in the transaction together. */
  amount: bigint;
}

const DEFAULT_TIMEOUT_MS = 10_000;

interface TokenBalanceView {
  accountIndex: number;
  mint: string;
  owner?: string;
  uiTokenAmount: { amount: string; decimals: number };
}

// protocol/ is compiled without DOM or Node typings; every runtime it ships to has AbortSignal.timeout.
const timeoutSignal = (ms: number): unknown => (globalThis as unknown as { AbortSignal: { timeout(ms: number): unknown } }).AbortSignal.timeout(ms);

function failure(reason: Exclude<PayoutCheck, { ok: true }>['reason'], message: string): PayoutCheck {
  return { ok: false, reason, message };
}

/** Base units as tokens, exactly ("1.5", "0.000000001"): amounts are never turned into floats. */
export function formatTokenAmount(amount: bigint, decimals: number): string {
  const negative = amount < 0n;
  const digits = (negative ? -amount : amount).toString().padStart(decimals + 1, '0');
  const whole = decimals === 0 ? digits : digits.slice(0, -decimals);
  const fraction = decimals === 0 ? '' : digits.slice(-decimals).replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}

function shortAddress(address: string): string {
  return address.length > 12 ? `${address.slice(0, 4)}…${address.slice(-4)}` : address;
}

/** How much each mint's balance moved in the accounts this wallet owns. */
function changesForOwner(owner: string, pre: readonly TokenBalanceView[], post: readonly TokenBalanceView[]): Map<string, { delta: bigint; decimals: number }> {
  const changes = new Map<string, { delta: bigint; decimals: number }>();
  const add = (balance: TokenBalanceView, sign: bigint) => {
    if (balance.owner !== owner) return;
    const entry = changes.get(balance.mint) ?? { delta: 0n, decimals: balance.uiTokenAmount.decimals };
    entry.delta += sign * BigInt(balance.uiTokenAmount.amount);
    changes.set(balance.mint, entry);
  };
  for (const balance of pre) add(balance, -1n);
  for (const balance of post) add(balance, 1n);
  return changes;
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export async function checkPayoutOnChain(rpcUrl: string, expected: ExpectedPayout, options: { timeoutMs?: number } = {}): Promise<PayoutCheck> {
  if (!isSignature(expected.signature)) return failure('not-found', `"${expected.signature}" is not a Solana transaction id, so there is no payout to look up.`);
  if (!isAddress(expected.recipientOwner)) return failure('wrong-recipient', `"${expected.recipientOwner}" is not a Solana wallet address.`);
  let transaction;
  try {
    transaction = await createSolanaRpc(rpcUrl)
      .getTransaction(toSignature(expected.signature), { encoding: 'json', maxSupportedTransactionVersion: 0, commitment: 'confirmed' })
      .send({ abortSignal: timeoutSignal(options.timeoutMs ?? DEFAULT_TIMEOUT_MS) as never });
  } catch (error) {
    return failure('unreachable', `Could not reach the Solana network at ${rpcUrl} to check this payout (${describeError(error)}). It will be checked again later.`);
  }
  if (!transaction || !transaction.meta) {
    return failure('not-found', 'The payout transaction is not on the chain. If it was sent a moment ago, it may still arrive; otherwise it never went through and the network owes this payout still.');
  }
  const { meta } = transaction;
  if (meta.err !== null) return failure('failed', 'The payout transaction reached the chain but failed, so no tokens moved. The network owes this payout still.');
  const changes = changesForOwner(expected.recipientOwner, meta.preTokenBalances ?? [], meta.postTokenBalances ?? []);
  const received = changes.get(expected.mint);
  if (!received || received.delta === 0n) {
    const otherToken = [...changes.entries()].find(([, change]) => change.delta > 0n);
    if (otherToken) return failure('wrong-mint', `The payout transaction paid your wallet in another token (${shortAddress(otherToken[0])}), not the network's payout token (${shortAddress(expected.mint)}).`);
    if (!received) return failure('wrong-recipient', `The payout transaction did not pay your wallet ${shortAddress(expected.recipientOwner)}.`);
  }
  const got = received?.delta ?? 0n;
  if (got !== expected.amount) {
    const decimals = received?.decimals ?? 0;
    return failure('wrong-amount', `The payout transaction moved ${formatTokenAmount(got, decimals)} to your wallet, but the payout says ${formatTokenAmount(expected.amount, decimals)}.`);
  }
  return { ok: true, slot: transaction.slot, blockTime: transaction.blockTime === null ? null : Number(transaction.blockTime) };
}
