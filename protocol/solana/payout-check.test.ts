import { generateKeyPairSigner, getBase58Decoder, type Address, type KeyPairSigner } from '@solana/kit';
import { getTransferCheckedInstruction } from '@solana-program/token';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ataOf, startTestChain, type TestChain } from '../../coordinator/chain/test-support/local-chain.js';
import { checkPayoutOnChain, formatTokenAmount } from './payout-check.js';

let chain: TestChain;
let treasury: KeyPairSigner;
let mint: Address;
let otherMint: Address;
let source: Address;
let otherSource: Address;
let gamer: Address;

beforeAll(async () => {
  chain = await startTestChain();
  treasury = await chain.wallet(20);
  mint = await chain.createMint(treasury, 9);
  otherMint = await chain.createMint(treasury, 9);
  source = await chain.mintTo(treasury, mint, treasury.address, 10n ** 15n, 9);
  otherSource = await chain.mintTo(treasury, otherMint, treasury.address, 10n ** 15n, 9);
  gamer = (await generateKeyPairSigner()).address;
  await chain.mintTo(treasury, mint, gamer, 0n, 9); // the gamer's token accounts exist
  await chain.mintTo(treasury, otherMint, gamer, 0n, 9);
}, 30_000);
afterAll(() => chain.cleanUp());

async function pay(to: Address, amounts: bigint[], from = source, token = mint, options: { skipPreflight?: boolean } = {}): Promise<string> {
  const destination = await ataOf(to, token);
  const transfers = amounts.map((amount) => getTransferCheckedInstruction({ source: from, mint: token, destination, authority: treasury, amount, decimals: 9 }));
  return chain.send(treasury, transfers, options);
}

describe('checking a payout on chain', () => {
  it('accepts a transfer of exactly the amount, counting several transfers to one wallet together', async () => {
    const signature = await pay(gamer, [1_250_000_000n, 750_000_000n]);
    const check = await checkPayoutOnChain(chain.url, { signature, recipientOwner: gamer, mint, amount: 2_000_000_000n });
    expect(check).toMatchObject({ ok: true });
    if (!check.ok) return;
    expect(check.slot).toBeGreaterThanOrEqual(0n);
    expect(check.blockTime).toBeGreaterThan(1_600_000_000);
  });

  it('catches a payout whose amount was tampered with', async () => {
    const signature = await pay(gamer, [1_000_000_000n]);
    const check = await checkPayoutOnChain(chain.url, { signature, recipientOwner: gamer, mint, amount: 1_500_000_000n });
    expect(check).toEqual({ ok: false, reason: 'wrong-amount', message: 'The payout transaction moved 1 to your wallet, but the payout says 1.5.' });
  });

  it('catches a payout that went to another wallet', async () => {
    const someoneElse = (await generateKeyPairSigner()).address;
    await chain.mintTo(treasury, mint, someoneElse, 0n, 9);
    const signature = await pay(someoneElse, [5n]);
    const check = await checkPayoutOnChain(chain.url, { signature, recipientOwner: gamer, mint, amount: 5n });
    expect(check).toMatchObject({ ok: false, reason: 'wrong-recipient' });
  });

  it('catches a payout in another token', async () => {
    const signature = await pay(gamer, [5n], otherSource, otherMint);
    const check = await checkPayoutOnChain(chain.url, { signature, recipientOwner: gamer, mint, amount: 5n });
    expect(check).toMatchObject({ ok: false, reason: 'wrong-mint' });
    expect(!check.ok && check.message).toMatch(/another token/);
  });

  it('says when the transaction is not on the chain, or is not a transaction id at all', async () => {
    const unknown = getBase58Decoder().decode(new Uint8Array(64).fill(7));
    expect(await checkPayoutOnChain(chain.url, { signature: unknown, recipientOwner: gamer, mint, amount: 1n })).toMatchObject({ ok: false, reason: 'not-found' });
    expect(await checkPayoutOnChain(chain.url, { signature: 'nope', recipientOwner: gamer, mint, amount: 1n })).toMatchObject({ ok: false, reason: 'not-found' });
  });

  it('says when the transaction failed on chain (its fee paid, no tokens moved)', async () => {
    const signature = await pay(gamer, [10n ** 18n], source, mint, { skipPreflight: true });
    const check = await checkPayoutOnChain(chain.url, { signature, recipientOwner: gamer, mint, amount: 10n ** 18n });
    expect(check).toMatchObject({ ok: false, reason: 'failed' });
  });

  it('says when the network cannot be reached', async () => {
    const signature = await pay(gamer, [1n]);
    const check = await checkPayoutOnChain('http://127.0.0.1:9/', { signature, recipientOwner: gamer, mint, amount: 1n }, { timeoutMs: 1_000 });
    expect(check).toMatchObject({ ok: false, reason: 'unreachable' });
  });

  it('writes amounts exactly', () => {
    expect(formatTokenAmount(1_500_000_000n, 9)).toBe('1.5');
    expect(formatTokenAmount(1n, 9)).toBe('0.000000001');
    expect(formatTokenAmount(12n, 0)).toBe('12');
    expect(formatTokenAmount(-2_000_000_000n, 9)).toBe('-2');
  });
});
