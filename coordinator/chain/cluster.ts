/**
 * Which Solana cluster an RPC URL serves, and where a transaction can be looked at in the explorer. The
 * genesis hash decides when the RPC answers (a proxy URL says nothing); the URL is the fallback.
 */
import { createSolanaRpc } from '@solana/kit';
import type { SolanaCluster } from './payout-chain.js';

/** The public clusters' genesis hashes. */
export const GENESIS_HASHES: Readonly<Record<'mainnet-beta' | 'devnet' | 'testnet', string>> = {
  'mainnet-beta': '5eykt4UsFv8P8NJdTREpY1vzqKqZKvdpKuc147dw2N9d',
  devnet: 'EtWTRABZaYq6iMfeYKouRu166VU2xqa1wcaWoxPkrZBG',
  testnet: '4uhcVJyU9pJkvQyS88uRDiswHXSCkY3zQawwpjk2NsNY',
};

const LOOKUP_TIMEOUT_MS = 5_000;

export function clusterFromGenesisHash(genesisHash: string): SolanaCluster | null {
  for (const [cluster, hash] of Object.entries(GENESIS_HASHES)) if (hash === genesisHash) return cluster as SolanaCluster;
  return null;
}

/** From the URL alone: the public endpoints by name, this machine as the local chain, anything else custom. */
export function clusterFromUrl(rpcUrl: string): SolanaCluster {
  let host: string;
  try {
    host = new URL(rpcUrl).hostname.toLowerCase();
  } catch {
    return 'custom';
  }
  if (host === 'localhost' || host === '127.0.0.1' || host === '[::1]' || host === '::1' || host.endsWith('.localhost')) return 'localnet';
  if (host.includes('mainnet')) return 'mainnet-beta';
  if (host.includes('devnet')) return 'devnet';
  if (host.includes('testnet')) return 'testnet';
  return 'custom';
}

/**
 * Asks the RPC for its genesis hash: a public cluster's is recognised wherever it is served from; otherwise
 * (or when the RPC does not answer in time) the URL decides.
 */
export async function guessCluster(rpcUrl: string, options: { timeoutMs?: number } = {}): Promise<SolanaCluster> {
  try {
    const genesisHash = await createSolanaRpc(rpcUrl)
      .getGenesisHash()
      .send({ abortSignal: AbortSignal.timeout(options.timeoutMs ?? LOOKUP_TIMEOUT_MS) });
    return clusterFromGenesisHash(genesisHash) ?? clusterFromUrl(rpcUrl);
  } catch {
    return clusterFromUrl(rpcUrl);
  }
}

/** The Solana Explorer page of a transaction; null on the local chain, which no explorer can see. */
export function explorerTxUrl(signature: string, cluster: SolanaCluster, rpcUrl?: string): string | null {
  const base = `https://explorer.solana.com/tx/${encodeURIComponent(signature)}`;
  switch (cluster) {
    case 'mainnet-beta':
      return base;
    case 'devnet':
    case 'testnet':
      return `${base}?cluster=${cluster}`;
    case 'custom':
      return rpcUrl ? `${base}?cluster=custom&customUrl=${encodeURIComponent(rpcUrl)}` : null;
    case 'localnet':
      return null;
  }
}
