/**
 * The chain payouts settle on, from the config: a real cluster (the operator's RPC URL, mint and treasury
 * key file), or the embedded network's local Solana, started in this process over <dataDir>/localnet with
 * its mint and treasury created on first start. Null when payouts are off.
 */
import { join } from 'node:path';
import type { CoordinatorConfig } from '../config.js';
import type { PayoutChain } from '../chain/payout-chain.js';
import type { RunningLocalnet } from '../chain/localnet/server.js';
import { createSolanaPayoutChain } from '../chain/solana-payout-chain.js';

export interface OpenChain {
  chain: PayoutChain;
  close(): Promise<void>;
}

export async function openPayoutChain(config: CoordinatorConfig, log: (message: string) => void): Promise<OpenChain | null> {
  const payouts = config.payouts;
  if (payouts.mode === 'off') return null;
  if (payouts.mode === 'cluster') {
    const { guessCluster } = await import('../chain/cluster.js');
    const { loadTreasuryKey } = await import('../chain/treasury-key.js');
    const treasurySigner = await loadTreasuryKey(payouts.treasuryKeyFile);
    const chain = await createSolanaPayoutChain({
      rpcUrl: payouts.rpcUrl,
      treasurySigner,
      mint: payouts.mint,
      cluster: await guessCluster(payouts.rpcUrl),
      ...(payouts.priorityFeeMicroLamports !== null ? { priorityFeeMicroLamports: payouts.priorityFeeMicroLamports } : {}),
    });
    log(`payouts settle on ${chain.cluster} (${chain.rpcUrl}), mint ${chain.mint}, treasury ${chain.treasury}`);
    return { chain, close: async () => {} };
  }
  return openLocalChain(config, log);
}

/**
 * The embedded network's own chain. Anything that stops it (no LiteSVM build for this computer, a damaged
 * chain folder) leaves the local test network running unpaid, said once in the log with what to do: its
 * tokens have no value, and the rest of the network is still worth using.
 */
async function openLocalChain(config: CoordinatorConfig, log: (message: string) => void): Promise<OpenChain | null> {
  const folder = join(config.dataDir, 'localnet');
  let localnet: RunningLocalnet;
  try {
    const { startLocalnet } = await import('../chain/localnet/server.js');
    localnet = await startLocalnet({ host: '127.0.0.1', port: 0, dataDir: folder });
  } catch (error) {
    log(`the local Solana did not start (${firstLine(error)}); earnings are recorded but not paid out. Next: if ${folder} is damaged, move it aside and restart`);
    return null;
  }
  try {
    const { ensureLocalTreasury } = await import('../chain/local-treasury.js');
    const treasury = await ensureLocalTreasury({ rpcUrl: localnet.url, dataDir: config.dataDir });
    const chain = await createSolanaPayoutChain({ rpcUrl: localnet.url, treasurySigner: treasury.treasurySigner, mint: treasury.mint, cluster: 'localnet' });
    log(`payouts settle on the local Solana at ${localnet.url}, mint ${chain.mint}`);
    return { chain, close: () => localnet.close() };
  } catch (error) {
    await localnet.close();
    throw error;
  }
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}
