import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPairSigner, signature, type Address } from '@solana/kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureLocalTreasury, MINT_FILE, TREASURY_KEY_FILE, type LocalTreasury } from './local-treasury.js';
import type { PayoutChain, PayoutTransfer } from './payout-chain.js';
import { createSolanaPayoutChain, PayoutMintError, PayoutTooLargeError } from './solana-payout-chain.js';
import { ataOf, startTestChain, type TestChain } from './test-support/local-chain.js';

let chain: TestChain;
let dataDir: string;
let treasury: LocalTreasury;
let payouts: PayoutChain;

beforeAll(async () => {
  chain = await startTestChain();
  dataDir = mkdtempSync(join(tmpdir(), 'offhours-treasury-'));
  treasury = await ensureLocalTreasury({ rpcUrl: chain.url, dataDir });
  payouts = await createSolanaPayoutChain({ rpcUrl: chain.url, treasurySigner: treasury.treasurySigner, mint: treasury.mint, cluster: 'localnet' });
}, 30_000);
afterAll(async () => {
  await chain.cleanUp();
  rmSync(dataDir, { recursive: true, force: true });
});

async function wallets(count: number): Promise<Address[]> {
  return Promise.all(Array.from({ length: count }, async () => (await generateKeyPairSigner()).address));
}

async function settle(batchId: string, transfers: PayoutTransfer[]): Promise<string> {
  const signed = await payouts.sign(batchId, transfers);
  await payouts.broadcast(signed.wireBase64);
  return signed.signature;
}

describe('the local treasury', () => {
  it('is made once: key (0600), SOL, a 9-decimal mint it controls, and a large supply; a second start changes nothing', async () => {
    expect(treasury.decimals).toBe(9);
    expect(statSync(join(dataDir, TREASURY_KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(join(dataDir, MINT_FILE), 'utf8'))).toEqual({ mint: treasury.mint, decimals: 9, treasury: treasury.treasurySigner.address });
    const supply = await payouts.treasuryBalance();
    expect(supply).toBeGreaterThanOrEqual(10n ** 18n - 10n ** 15n);
    const again = await ensureLocalTreasury({ rpcUrl: chain.url, dataDir });
    expect(again.mint).toBe(treasury.mint);
    expect(again.treasurySigner.address).toBe(treasury.treasurySigner.address);
    expect(await payouts.treasuryBalance()).toBe(supply);
  });
});

describe('payouts on Solana', () => {
  it('fits at least 15 transfers to existing token accounts in one transaction, fewer when accounts must be created', async () => {
    const fresh = await wallets(30);
    const missingFit = await payouts.fit(fresh.map((recipientOwner) => ({ recipientOwner, amount: 1n })));
    expect(missingFit).toBeGreaterThanOrEqual(6);
    expect(missingFit).toBeLessThan(15);
    // Give the first 20 their accounts (through payouts, as the engine would), then measure again.
    let paid = 0;
    while (paid < 20) {
      const batch = fresh.slice(paid, 20).map((recipientOwner) => ({ recipientOwner, amount: 1_000n }));
      const count = await payouts.fit(batch);
      await settle(`po-fill-${paid}`, batch.slice(0, count));
      paid += count;
    }
    const existingFit = await payouts.fit(fresh.slice(0, 20).map((recipientOwner) => ({ recipientOwner, amount: 1n })));
    expect(existingFit).toBeGreaterThanOrEqual(15);
    // A mix counts in order: the creations it needs take the room they take.
    const mixed = await payouts.fit([...fresh.slice(0, 5), ...fresh.slice(20)].map((recipientOwner) => ({ recipientOwner, amount: 1n })));
    expect(mixed).toBeGreaterThan(missingFit);
    expect(mixed).toBeLessThan(existingFit);
  });

  it('signs one v0 transaction that creates missing accounts, transfers, carries the memo, and lands', async () => {
    const [alice, bob] = await wallets(2);
    const before = await payouts.treasuryBalance();
    const sent = await settle('po-0123456789abcdef01234567', [
      { recipientOwner: alice!, amount: 1_500_000_000n },
      { recipientOwner: bob!, amount: 7n },
      { recipientOwner: alice!, amount: 500_000_000n },
    ]);
    const [status] = await payouts.statuses([sent]);
    expect(status).toMatchObject({ state: 'finalized', error: null });
    expect(await payouts.treasuryBalance()).toBe(before - 2_000_000_007n);
    expect((await chain.rpc.getTokenAccountBalance(await ataOf(alice!, treasury.mint as Address)).send()).value.uiAmountString).toBe('2');
    const tx = await chain.rpc.getTransaction(signature(sent), { encoding: 'json', maxSupportedTransactionVersion: 0 }).send();
    expect(tx!.version).toBe(0);
    expect(tx!.meta!.logMessages!.join('\n')).toContain('offhours payout po-0123456789abcdef01234567');
    const [history] = await chain.rpc.getSignaturesForAddress(treasury.treasurySigner.address as Address, { limit: 1 }).send();
    expect(history!.memo).toBe('[43] offhours payout po-0123456789abcdef01234567');
  });

  it('re-broadcasts the same bytes harmlessly, and reports unknown signatures and the block height', async () => {
    const [carol] = await wallets(1);
    const signed = await payouts.sign('po-again', [{ recipientOwner: carol!, amount: 42n }]);
    const height = await payouts.blockHeight();
    expect(signed.lastValidBlockHeight).toBeGreaterThanOrEqual(height + 149n);
    await payouts.broadcast(signed.wireBase64);
    await payouts.broadcast(signed.wireBase64); // already processed: not an error, nothing moves twice
    expect((await chain.rpc.getTokenAccountBalance(await ataOf(carol!, treasury.mint as Address)).send()).value.amount).toBe('42');
    const never = await payouts.sign('po-never', [{ recipientOwner: carol!, amount: 1n }]);
    expect(await payouts.statuses([never.signature, signed.signature])).toEqual([
      { state: 'unknown' },
      expect.objectContaining({ state: 'finalized', error: null }),
    ]);
  });

  it('reports a payout that failed on chain with its error, and refuses a batch that does not fit or a zero amount', async () => {
    const [dave] = await wallets(1);
    const tooMuch = await payouts.sign('po-overdraw', [{ recipientOwner: dave!, amount: (await payouts.treasuryBalance()) + 1n }]);
    await expect(payouts.broadcast(tooMuch.wireBase64)).rejects.toThrow(/simulation failed/i);
    await chain.rpc.sendTransaction(tooMuch.wireBase64 as never, { encoding: 'base64', skipPreflight: true }).send();
    const [status] = await payouts.statuses([tooMuch.signature]);
    expect(status).toMatchObject({ state: 'finalized' });
    expect(status!.state !== 'unknown' && status!.state !== 'processed' && status!.error).toMatch(/InstructionError/);

    const many = await wallets(40);
    await expect(payouts.sign('po-huge', many.map((recipientOwner) => ({ recipientOwner, amount: 1n })))).rejects.toBeInstanceOf(PayoutTooLargeError);
    await expect(payouts.sign('po-zero', [{ recipientOwner: dave!, amount: 0n }])).rejects.toThrow(/more than 0/);
  });

  it('refuses a mint that does not exist, naming it and the cluster', async () => {
    const nowhere = (await generateKeyPairSigner()).address;
    await expect(createSolanaPayoutChain({ rpcUrl: chain.url, treasurySigner: treasury.treasurySigner, mint: nowhere, cluster: 'localnet' })).rejects.toBeInstanceOf(PayoutMintError);
    await expect(createSolanaPayoutChain({ rpcUrl: chain.url, treasurySigner: treasury.treasurySigner, mint: treasury.treasurySigner.address, cluster: 'localnet' })).rejects.toThrow(/not a token mint/);
  });
});
