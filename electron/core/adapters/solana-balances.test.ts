import { address, generateKeyPairSigner, lamports, type Address, type KeyPairSigner } from '@solana/kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestChain, type TestChain } from '../../../coordinator/chain/test-support/local-chain.js';
import { defaultSettings } from '../../../protocol/settings.js';
import { initialEarningsSlice } from '../../../protocol/state.js';
import { SettingsService } from '../settings/settings-service.js';
import type { WalletKeyStore } from '../wallet/ports.js';
import { WalletService } from '../wallet/wallet-service.js';
import { SolanaBalanceReader } from './solana-balances.js';

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

let chain: TestChain;
let authority: KeyPairSigner;
let mint: Address;
beforeAll(async () => {
  chain = await startTestChain();
  authority = await chain.wallet(5);
  mint = await chain.createMint(authority, 6);
});
afterAll(() => chain?.cleanUp());

describe('SolanaBalanceReader on the local Solana', () => {
  const reader = new SolanaBalanceReader({ timeoutMs: 10_000 });

  it('reads SOL in lamports and the payout token summed over the wallet’s accounts for that mint', async () => {
    const owner = await chain.wallet(2);
    await chain.mintTo(authority, mint, owner.address, 1_500_000n);
    const otherMint = await chain.createMint(authority, 6);
    await chain.mintTo(authority, otherMint, owner.address, 9_000_000n); // another token: not counted
    const answer = await reader.read({ rpcUrl: chain.url, owner: owner.address, mint });
    expect(answer).toEqual({ lamports: 2_000_000_000n, tokenBaseUnits: 1_500_000n });
    await chain.mintTo(authority, mint, owner.address, 500_000n);
    expect((await reader.read({ rpcUrl: chain.url, owner: owner.address, mint })).tokenBaseUnits).toBe(2_000_000n);
  });

  it('reads zero for a wallet the chain has never seen, and SOL only without a mint', async () => {
    const fresh = (await generateKeyPairSigner()).address;
    expect(await reader.read({ rpcUrl: chain.url, owner: fresh, mint })).toEqual({ lamports: 0n, tokenBaseUnits: 0n });
    expect(await reader.read({ rpcUrl: chain.url, owner: fresh, mint: null })).toEqual({ lamports: 0n, tokenBaseUnits: null });
  });

  it('throws when the RPC does not answer (the service turns it into plain words)', async () => {
    await expect(reader.read({ rpcUrl: 'http://127.0.0.1:9', owner: authority.address, mint })).rejects.toThrow();
  });

  it('gives the wallet service the balances of the payout address, on the chain the earnings book names', async () => {
    const owner = await chain.wallet(1);
    await chain.rpc.requestAirdrop(address(owner.address), lamports(250_000_000n)).send();
    await chain.mintTo(authority, mint, owner.address, 42n);
    const noKeys: WalletKeyStore = { current: () => null, save: async () => Promise.reject(new Error('unused')), openSeed: async () => Promise.reject(new Error('unused')), markExported: () => ({ address: '', createdAt: '', exportedAt: null }) };
    const settings = new SettingsService({ load: () => ({ settings: defaultSettings(), quarantined: null, migratedFrom: null }), save: () => undefined });
    const wallet = new WalletService({ settings, keys: noKeys, balances: reader, clock: { now: () => Date.now() }, logger: silent });
    wallet.setAddress(owner.address);
    wallet.followEarnings({ ...initialEarningsSlice(), chain: { cluster: 'localnet', rpcUrl: chain.url, mint, explorerTxUrl: null }, token: { symbol: 'OFFT', decimals: 6 } });
    const slice = await wallet.refresh();
    expect(slice.balances).toMatchObject({ lamports: '1250000000', tokenBaseUnits: '42', error: null });
    expect(slice.chain).toMatchObject({ cluster: 'localnet', explorerAddressUrl: null });
  });
});
