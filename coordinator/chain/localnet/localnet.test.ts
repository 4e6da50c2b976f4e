import {
  appendTransactionMessageInstructions,
  createTransactionMessage,
  generateKeyPairSigner,
  getBase58Decoder,
  getBase64EncodedWireTransaction,
  getSignatureFromTransaction,
  isSolanaError,
  lamports,
  pipe,
  setTransactionMessageFeePayerSigner,
  setTransactionMessageLifetimeUsingBlockhash,
  signature,
  signTransactionMessageWithSigners,
  SOLANA_ERROR__JSON_RPC__METHOD_NOT_FOUND,
  SOLANA_ERROR__JSON_RPC__SERVER_ERROR_SEND_TRANSACTION_PREFLIGHT_FAILURE,
  SOLANA_ERROR__JSON_RPC__SERVER_ERROR_UNSUPPORTED_TRANSACTION_VERSION,
  SOLANA_ERROR__TRANSACTION_ERROR__ALREADY_PROCESSED,
  SOLANA_ERROR__TRANSACTION_ERROR__BLOCKHASH_NOT_FOUND,
  type Address,
  type Instruction,
  type KeyPairSigner,
} from '@solana/kit';
import { getSetComputeUnitPriceInstruction } from '@solana-program/compute-budget';
import { getAddMemoInstruction, LEGACY_MEMO_PROGRAM_ADDRESS_V3 } from '@solana-program/memo';
import { getTransferSolInstruction } from '@solana-program/system';
import { getCreateAssociatedTokenIdempotentInstruction, getTransferCheckedInstruction, TOKEN_PROGRAM_ADDRESS } from '@solana-program/token';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ataOf, startTestChain, type TestChain } from '../test-support/local-chain.js';

let chain: TestChain;
let payer: KeyPairSigner;

beforeAll(async () => {
  chain = await startTestChain();
  payer = await chain.wallet(100);
});
afterAll(() => chain.cleanUp());

async function post(body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }): Promise<{ status: number; json: unknown }> {
  const response = await fetch(chain.url, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await response.text();
  const isJson = (response.headers.get('content-type') ?? '').startsWith('application/json');
  return { status: response.status, json: isJson && text ? JSON.parse(text) : text };
}

async function signedWire(instructions: Instruction[], blockhash?: { blockhash: string; lastValidBlockHeight: bigint }) {
  const lifetime = blockhash ?? (await chain.rpc.getLatestBlockhash().send()).value;
  const signed = await signTransactionMessageWithSigners(
    pipe(
      createTransactionMessage({ version: 0 }),
      (m) => setTransactionMessageFeePayerSigner(payer, m),
      (m) => setTransactionMessageLifetimeUsingBlockhash(lifetime as never, m),
      (m) => appendTransactionMessageInstructions(instructions, m),
    ),
  );
  return { wire: getBase64EncodedWireTransaction(signed), signature: getSignatureFromTransaction(signed) };
}

function memo(text: string): Instruction {
  return getAddMemoInstruction({ memo: text }, { programAddress: LEGACY_MEMO_PROGRAM_ADDRESS_V3 });
}

describe('the local Solana through @solana/kit, unmodified', () => {
  it('mints, creates token accounts idempotently, transfers, and reports token balances as the RPC does', async () => {
    const mint = await chain.createMint(payer, 6);
    const alice = (await generateKeyPairSigner()).address;
    const treasuryAta = await chain.mintTo(payer, mint, payer.address, 5_000_000n);
    const aliceAta = await ataOf(alice, mint);
    const create = getCreateAssociatedTokenIdempotentInstruction({ payer, ata: aliceAta, owner: alice, mint });
    const transfer = (amount: bigint) => getTransferCheckedInstruction({ source: treasuryAta, mint, destination: aliceAta, authority: payer, amount, decimals: 6 });
    const first = await chain.send(payer, [create, transfer(1_500_000n), transfer(250_000n), memo('offhours payout b-1')]);
    await chain.send(payer, [create, transfer(1n)]); // the account exists: creating it again is a no-op

    const tx = await chain.rpc.getTransaction(signature(first), { encoding: 'json', maxSupportedTransactionVersion: 0 }).send();
    expect(tx).not.toBeNull();
    const { meta, transaction } = tx!;
    expect(meta!.err).toBeNull();
    expect(tx!.version).toBe(0);
    expect(typeof tx!.blockTime).toBe('bigint');
    const keys = transaction.message.accountKeys;
    const aliceIndex = keys.indexOf(aliceAta);
    expect(meta!.preTokenBalances!.find((b) => b.accountIndex === aliceIndex)).toBeUndefined(); // did not exist before
    expect(meta!.postTokenBalances!.find((b) => b.accountIndex === aliceIndex)).toEqual({
      accountIndex: aliceIndex,
      mint,
      owner: alice,
      programId: TOKEN_PROGRAM_ADDRESS,
      uiTokenAmount: { amount: '1750000', decimals: 6, uiAmount: 1.75, uiAmountString: '1.75' },
    });
    const treasuryIndex = keys.indexOf(treasuryAta);
    expect(meta!.preTokenBalances!.find((b) => b.accountIndex === treasuryIndex)!.uiTokenAmount.amount).toBe('5000000');
    expect(meta!.postTokenBalances!.find((b) => b.accountIndex === treasuryIndex)!.uiTokenAmount.uiAmountString).toBe('3.25');
    expect(meta!.logMessages!.some((line) => line.includes('Memo (len 19)'))).toBe(true);
    expect(meta!.innerInstructions!.length).toBeGreaterThan(0); // the ATA program's CPIs

    expect((await chain.rpc.getTokenAccountBalance(aliceAta).send()).value).toEqual({ amount: '1750001', decimals: 6, uiAmount: 1.750001, uiAmountString: '1.750001' });
    const byMint = await chain.rpc.getTokenAccountsByOwner(alice, { mint }, { encoding: 'base64' }).send();
    const byProgram = await chain.rpc.getTokenAccountsByOwner(alice, { programId: TOKEN_PROGRAM_ADDRESS }, { encoding: 'jsonParsed' }).send();
    expect(byMint.value.map((a) => a.pubkey)).toEqual([aliceAta]);
    expect(byProgram.value[0]!.account.data.parsed.info).toMatchObject({ mint, owner: alice, state: 'initialized', tokenAmount: { amount: '1750001' } });
    const info = await chain.rpc.getAccountInfo(mint, { encoding: 'base64' }).send();
    expect(info.value!.owner).toBe(TOKEN_PROGRAM_ADDRESS);
    expect(info.value!.space).toBe(82n);
    const [missing, found] = (await chain.rpc.getMultipleAccounts([(await generateKeyPairSigner()).address, aliceAta], { encoding: 'base64' }).send()).value;
    expect(missing).toBeNull();
    expect(found!.lamports).toBe(await chain.rpc.getMinimumBalanceForRentExemption(165n).send());

    const history = await chain.rpc.getSignaturesForAddress(aliceAta).send();
    expect(history.map((entry) => entry.signature)).toHaveLength(2);
    expect(history[1]).toMatchObject({ signature: first, err: null, memo: '[19] offhours payout b-1', confirmationStatus: 'finalized' });
  });

  it('charges the fee it reports (signatures and priority fee) and shows it in meta', async () => {
    const sent = await chain.send(payer, [getSetComputeUnitPriceInstruction({ microLamports: 1_000_000n }), memo('priority')]);
    const tx = await chain.rpc.getTransaction(signature(sent), { encoding: 'json', maxSupportedTransactionVersion: 0 }).send();
    const { fee, preBalances, postBalances } = tx!.meta!;
    // 5,000 for the signature + 1 lamport/CU × the default limit (3,000 for the builtin, 200,000 for the memo).
    expect(fee).toBe(5_000n + 203_000n);
    expect(preBalances[0]! - postBalances[0]!).toBe(fee);
  });

  it('refuses a failing transaction in preflight with -32002 and its logs, and records it when preflight is skipped', async () => {
    const poor = await chain.wallet(1);
    const overdraw = getTransferSolInstruction({ source: poor, destination: payer.address, amount: lamports(5_000_000_000n) });
    const { wire, signature: sig } = await signedWire([overdraw]);
    const refused = await post({ jsonrpc: '2.0', id: 1, method: 'sendTransaction', params: [wire, { encoding: 'base64' }] });
    expect(refused.json).toMatchObject({
      error: {
        code: -32002,
        message: 'Transaction simulation failed: Error processing Instruction 0: custom program error: 0x1',
        data: { err: { InstructionError: [0, { Custom: 1 }] }, accounts: null, replacementBlockhash: null },
      },
    });
    expect((refused.json as { error: { data: { logs: string[] } } }).error.data.logs.join('\n')).toMatch(/insufficient lamports/);
    expect((await chain.rpc.getSignatureStatuses([signature(sig)]).send()).value[0]).toBeNull();

    const balanceBefore = (await chain.rpc.getBalance(payer.address).send()).value;
    await chain.rpc.sendTransaction(wire, { encoding: 'base64', skipPreflight: true }).send();
    const [status] = (await chain.rpc.getSignatureStatuses([signature(sig)], { searchTransactionHistory: true }).send()).value;
    expect(status).toMatchObject({ err: { InstructionError: [0n, { Custom: 1n }] }, confirmationStatus: 'finalized', confirmations: null });
    const landed = await chain.rpc.getTransaction(signature(sig), { encoding: 'json', maxSupportedTransactionVersion: 0 }).send();
    expect(landed!.meta!.fee).toBe(10_000n); // two signers, the fee paid although it failed
    expect((await chain.rpc.getBalance(payer.address).send()).value).toBe(balanceBefore - 10_000n);
  });

  it('refuses a transaction over 1,232 bytes as a cluster does', async () => {
    const destinations = await Promise.all(Array.from({ length: 25 }, async () => (await generateKeyPairSigner()).address));
    const { wire } = await signedWire(destinations.map((destination) => getTransferSolInstruction({ source: payer, destination, amount: lamports(1_000_000n) })));
    const reply = await post({ jsonrpc: '2.0', id: 1, method: 'sendTransaction', params: [wire, { encoding: 'base64' }] });
    expect(reply.json).toMatchObject({
      error: { code: -32602, message: `base64 encoded solana_transaction::versioned::VersionedTransaction too large: ${wire.length} bytes (max: encoded/raw 1644/1232)` },
    });
    expect((await chain.rpc.getBalance(destinations[0]!).send()).value).toBe(0n);
  });

  it('refuses a blockhash older than 150 blocks (BlockhashNotFound) and a duplicate (AlreadyProcessed)', async () => {
    const old = (await chain.rpc.getLatestBlockhash().send()).value;
    const fresh = await signedWire([memo('once')]);
    await chain.rpc.sendTransaction(fresh.wire, { encoding: 'base64' }).send();
    const again = await chain.rpc
      .sendTransaction(fresh.wire, { encoding: 'base64' })
      .send()
      .catch((error: unknown) => error);
    expect(isSolanaError(again, SOLANA_ERROR__JSON_RPC__SERVER_ERROR_SEND_TRANSACTION_PREFLIGHT_FAILURE) && isSolanaError(again.cause, SOLANA_ERROR__TRANSACTION_ERROR__ALREADY_PROCESSED)).toBe(true);

    chain.advance(151 * 400);
    const height = await chain.rpc.getBlockHeight().send();
    expect(height).toBeGreaterThan(old.lastValidBlockHeight);
    const stale = await signedWire([memo('too late')], old);
    const refused = await chain.rpc
      .sendTransaction(stale.wire, { encoding: 'base64' })
      .send()
      .catch((error: unknown) => error);
    expect(isSolanaError(refused, SOLANA_ERROR__JSON_RPC__SERVER_ERROR_SEND_TRANSACTION_PREFLIGHT_FAILURE) && isSolanaError(refused.cause, SOLANA_ERROR__TRANSACTION_ERROR__BLOCKHASH_NOT_FOUND)).toBe(true);
    // Without preflight it is accepted on the wire and dropped, as a leader drops it.
    expect(await chain.rpc.sendTransaction(stale.wire, { encoding: 'base64', skipPreflight: true }).send()).toBe(stale.signature);
    expect((await chain.rpc.getSignatureStatuses([signature(stale.signature)], { searchTransactionHistory: true }).send()).value[0]).toBeNull();
  });

  it('asks for maxSupportedTransactionVersion before returning a v0 transaction (-32015), and answers base64 and base58', async () => {
    const sent = await chain.send(payer, [memo('v0')]);
    const refused = await chain.rpc
      .getTransaction(signature(sent))
      .send()
      .catch((error: unknown) => error);
    expect(isSolanaError(refused, SOLANA_ERROR__JSON_RPC__SERVER_ERROR_UNSUPPORTED_TRANSACTION_VERSION)).toBe(true);
    const base64 = await chain.rpc.getTransaction(signature(sent), { encoding: 'base64', maxSupportedTransactionVersion: 0 }).send();
    const { wire } = { wire: base64!.transaction[0] };
    const base58 = await chain.rpc.getTransaction(signature(sent), { encoding: 'base58', maxSupportedTransactionVersion: 0 }).send();
    expect(base58!.transaction[0]).toBe(getBase58Decoder().decode(Buffer.from(wire, 'base64')));
  });

  it('accepts a base58 transaction, the RPC default encoding', async () => {
    const { wire, signature: sig } = await signedWire([memo('base58')]);
    const reply = await post({ jsonrpc: '2.0', id: 7, method: 'sendTransaction', params: [getBase58Decoder().decode(Buffer.from(wire, 'base64'))] });
    expect(reply.json).toEqual({ jsonrpc: '2.0', id: 7, result: sig });
  });

  it('speaks JSON-RPC 2.0: unknown method, parse error, bad params, batches, notifications, body cap', async () => {
    const unknown = await chain.rpc.getBlockProduction().send().catch((error: unknown) => error);
    expect(isSolanaError(unknown, SOLANA_ERROR__JSON_RPC__METHOD_NOT_FOUND)).toBe(true);
    expect((await post({ jsonrpc: '2.0', id: 1, method: 'getBlockProduction' })).json).toEqual({ jsonrpc: '2.0', id: 1, error: { code: -32601, message: 'Method not found' } });
    expect((await post('{"jsonrpc":"2.0","id":1,"method":')).json).toEqual({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } });
    expect((await post({ jsonrpc: '2.0', id: 2, method: 'getBalance', params: ['not-an-address'] })).json).toMatchObject({ id: 2, error: { code: -32602 } });
    expect((await post({ jsonrpc: '2.0', id: 3, method: 'getSignatureStatuses', params: [Array(257).fill('x')] })).json).toMatchObject({ error: { code: -32602, message: 'Too many inputs provided; max 256' } });
    expect((await post({ id: 4, method: 'getSlot' })).json).toMatchObject({ error: { code: -32600 } });
    const batch = await post([
      { jsonrpc: '2.0', id: 'a', method: 'getHealth' },
      { jsonrpc: '2.0', method: 'getSlot' },
      { jsonrpc: '2.0', id: 'b', method: 'nope' },
    ]);
    expect(batch.json).toEqual([
      { jsonrpc: '2.0', id: 'a', result: 'ok' },
      { jsonrpc: '2.0', id: 'b', error: { code: -32601, message: 'Method not found' } },
    ]);
    expect((await post([])).json).toMatchObject({ error: { code: -32600 } });
    expect((await post({ jsonrpc: '2.0', id: 5, method: 'getHealth', params: ['x'.repeat(60_000)] })).status).toBe(413);
    expect((await post({ jsonrpc: '2.0', id: 6, method: 'getHealth' }, { 'content-type': 'text/plain' })).status).toBe(415);
    expect(await (await fetch(`${chain.url}/health`)).text()).toBe('ok');
  });

  it('answers the cluster-level methods a client asks first', async () => {
    const { value } = await chain.rpc.getLatestBlockhash().send();
    const height = await chain.rpc.getBlockHeight().send();
    expect(value.lastValidBlockHeight).toBeGreaterThanOrEqual(height + 149n);
    expect(await chain.rpc.getHealth().send()).toBe('ok');
    expect((await chain.rpc.getVersion().send())['solana-core']).toBe('4.3.0');
    expect(await chain.rpc.getGenesisHash().send()).toBe(chain.node.genesisHash);
    const epoch = await chain.rpc.getEpochInfo().send();
    expect(epoch.slotsInEpoch).toBe(432_000n);
    expect(epoch.absoluteSlot).toBeGreaterThanOrEqual(height);
    const { wire } = await signedWire([memo('fee?')]);
    const message = Buffer.from(wire, 'base64').subarray(65).toString('base64');
    expect((await chain.rpc.getFeeForMessage(message as never).send()).value).toBe(5_000n);
    const simulated = await chain.rpc.simulateTransaction(wire, { encoding: 'base64', innerInstructions: true }).send();
    expect(simulated.value).toMatchObject({ err: null, fee: 5_000n, accounts: null });
    expect(simulated.value.logs!.join('\n')).toMatch(/Memo \(len 4\)/);
    const min = await chain.rpc.getSlot({ minContextSlot: (await chain.rpc.getSlot().send()) + 1_000_000n }).send().catch((error: unknown) => error);
    expect(isSolanaError(min)).toBe(true);
  });

  it('keeps address lists per address, newest first, paged with before/until', async () => {
    const other = (await generateKeyPairSigner()).address as Address;
    const sigs: string[] = [];
    for (let i = 0; i < 3; i++) sigs.push(await chain.send(payer, [getTransferSolInstruction({ source: payer, destination: other, amount: lamports(1_000_000n + BigInt(i)) })]));
    const all = await chain.rpc.getSignaturesForAddress(other).send();
    expect(all.map((entry) => entry.signature)).toEqual([...sigs].reverse());
    const page = await chain.rpc.getSignaturesForAddress(other, { before: signature(sigs[2]!), limit: 1 }).send();
    expect(page.map((entry) => entry.signature)).toEqual([sigs[1]]);
    const until = await chain.rpc.getSignaturesForAddress(other, { until: signature(sigs[0]!) }).send();
    expect(until.map((entry) => entry.signature)).toEqual([sigs[2], sigs[1]]);
  });
});
