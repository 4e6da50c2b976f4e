import { describe, expect, it } from 'vitest';
import { clusterFromGenesisHash, clusterFromUrl, explorerTxUrl, GENESIS_HASHES, guessCluster } from './cluster.js';
import { startTestChain } from './test-support/local-chain.js';

describe('cluster naming', () => {
  it('knows the public clusters by genesis hash and by URL, this machine as the local chain', () => {
    expect(clusterFromGenesisHash(GENESIS_HASHES.devnet)).toBe('devnet');
    expect(clusterFromGenesisHash('11111111111111111111111111111111')).toBeNull();
    expect(clusterFromUrl('https://api.mainnet-beta.solana.com')).toBe('mainnet-beta');
    expect(clusterFromUrl('https://api.devnet.solana.com')).toBe('devnet');
    expect(clusterFromUrl('https://api.testnet.solana.com')).toBe('testnet');
    expect(clusterFromUrl('http://127.0.0.1:8899')).toBe('localnet');
    expect(clusterFromUrl('http://localhost:8899')).toBe('localnet');
    expect(clusterFromUrl('https://rpc.example.com/abc')).toBe('custom');
    expect(clusterFromUrl('not a url')).toBe('custom');
  });

  it('asks the RPC for its genesis hash, and falls back on the URL when it does not answer', async () => {
    const chain = await startTestChain();
    try {
      expect(await guessCluster(chain.url)).toBe('localnet');
    } finally {
      await chain.cleanUp();
    }
    expect(await guessCluster('http://127.0.0.1:9/', { timeoutMs: 500 })).toBe('localnet');
    expect(await guessCluster('https://api.devnet.solana.invalid/', { timeoutMs: 500 })).toBe('devnet');
  });

  it('links a transaction in the explorer, except on the local chain', () => {
    expect(explorerTxUrl('5sig', 'mainnet-beta')).toBe('https://explorer.solana.com/tx/5sig');
    expect(explorerTxUrl('5sig', 'devnet')).toBe('https://explorer.solana.com/tx/5sig?cluster=devnet');
    expect(explorerTxUrl('5sig', 'custom', 'https://rpc.example.com')).toBe('https://explorer.solana.com/tx/5sig?cluster=custom&customUrl=https%3A%2F%2Frpc.example.com');
    expect(explorerTxUrl('5sig', 'custom')).toBeNull();
    expect(explorerTxUrl('5sig', 'localnet')).toBeNull();
  });
});
