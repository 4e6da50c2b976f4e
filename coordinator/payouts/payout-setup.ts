/**
 * The chain payouts settle on, from the config: a real cluster (the operator's RPC URL, mint and treasury
 * key file), or the embedded network's local Solana, started in this process over <dataDir>/localnet with
 * its mint and treasury created on first start. Null when payouts are off.
 */
import { join } from 'node:path';
import type { CoordinatorConfig } from '../config.js';
import type { PayoutChain } from '../chain/payout-chain.js';

export interface OpenChain {
  chain: PayoutChain;
  close(): Promise<void>;
}

export async function openPayoutChain(config: CoordinatorConfig, log: (message: string) => void): Promise<OpenChain | null> {
  const payouts = config.payouts;
  if (payouts.mode === 'off') return null;
  const { createSolanaPayoutChain } = await import('../chain/solana-payout-chain.js');
  const { guessCluster } = await import('../chain/cluster.js');
  if (payouts.mode === 'cluster') {
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
  let startLocalnet: typeof import('../chain/localnet/server.js').startLocalnet;
  try {
    ({ startLocalnet } = await import('../chain/localnet/server.js'));
  } catch (error) {
    // LiteSVM ships prebuilt for Linux and macOS only: elsewhere the embedded network records earnings, unpaid.
    log(`the local Solana cannot run on this computer (${error instanceof Error ? error.message.split('\n')[0] : String(error)}); earnings are recorded but not paid out`);
    return null;
  }
  const { ensureLocalTreasury } = await import('../chain/local-treasury.js');
  const localnet = await startLocalnet({ host: '127.0.0.1', port: 0, dataDir: join(config.dataDir, 'localnet') });
  try {
    const treasury = await ensureLocalTreasury({ rpcUrl: localnet.url, dataDir: config.dataDir });
    const chain = await createSolanaPayoutChain({ rpcUrl: localnet.url, treasurySigner: treasury.treasurySigner, mint: treasury.mint, cluster: 'localnet' });
    log(`payouts settle on the local Solana at ${localnet.url}, mint ${chain.mint}`);
    return { chain, close: () => localnet.close() };
  } catch (error) {
    await localnet.close();
    throw error;
  }
}
