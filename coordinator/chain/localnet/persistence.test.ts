import type { ChildProcess } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSolanaRpc, generateKeyPairSigner, lamports, signature } from '@solana/kit';
import { getTransferSolInstruction } from '@solana-program/system';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnReadyCli } from '../../test-support/cli-process.js';
import { startTestChain, type TestChain } from '../test-support/local-chain.js';
import { FolderLockedError } from './folder-lock.js';
import { startLocalnet } from './server.js';
import { LocalnetDataError, SNAPSHOT_EVERY } from './store.js';

const root = join(import.meta.dirname, '..', '..', '..');
const built = existsSync(join(root, 'dist', 'coordinator', 'chain', 'localnet', 'process.js'));

let chain: TestChain | null = null;
const folders: string[] = [];

afterEach(async () => {
  await chain?.cleanUp();
  chain = null;
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'offhours-localnet-'));
  folders.push(dir);
  return dir;
}

describe('the local Solana on disk', () => {
  it('keeps balances, history and its genesis across a restart, and its slots never go back', async () => {
    chain = await startTestChain();
    const payer = await chain.wallet(5);
    const to = (await generateKeyPairSigner()).address;
    const sent = await chain.send(payer, [getTransferSolInstruction({ source: payer, destination: to, amount: lamports(123_456_789n) })]);
    const genesis = await chain.rpc.getGenesisHash().send();
    const slot = await chain.rpc.getSlot().send();
    await chain.stop();
    await chain.restart();
    expect(await chain.rpc.getGenesisHash().send()).toBe(genesis);
    expect((await chain.rpc.getBalance(to).send()).value).toBe(123_456_789n);
    expect(await chain.rpc.getSlot().send()).toBeGreaterThanOrEqual(slot);
    const tx = await chain.rpc.getTransaction(signature(sent), { encoding: 'json', maxSupportedTransactionVersion: 0 }).send();
    expect(tx!.meta!.postBalances).toContain(123_456_789n);
    expect((await chain.rpc.getSignaturesForAddress(to).send()).map((entry) => entry.signature)).toEqual([sent]);
    // The same transaction cannot land twice, even after a restart.
    expect((await chain.rpc.getSignatureStatuses([signature(sent)]).send()).value[0]).not.toBeNull();
  });

  it('after a crash, replays the journal past the last snapshot and cuts off a line left half-written', async () => {
    chain = await startTestChain();
    const payer = await chain.wallet(50);
    const to = (await generateKeyPairSigner()).address;
    const count = SNAPSHOT_EVERY + 3;
    for (let i = 0; i < count; i++) await chain.send(payer, [getTransferSolInstruction({ source: payer, destination: to, amount: lamports(1_000_000n + BigInt(i)) })]);
    await new Promise((resolve) => setImmediate(resolve)); // the snapshot is taken after the answer
    const expected = (await chain.rpc.getBalance(to).send()).value;
    // What a crash right now leaves on disk: the running node's folder as it is (its lock included).
    const crashed = folder();
    cpSync(chain.dir, crashed, { recursive: true });
    const snapshot = JSON.parse(readFileSync(join(crashed, 'snapshot.json'), 'utf8')) as { seq: number };
    const journal = readFileSync(join(crashed, 'journal.jsonl'), 'utf8').trim().split('\n');
    expect(snapshot.seq).toBeGreaterThanOrEqual(SNAPSHOT_EVERY);
    expect(journal.length - snapshot.seq).toBeGreaterThan(0); // entries only the journal has
    appendFileSync(join(crashed, 'journal.jsonl'), '{"seq":9999,"signature":"half'); // never answered
    const restarted = await startLocalnet({ port: 0, dataDir: crashed, log: () => {} });
    try {
      const rpc = createSolanaRpc(restarted.url);
      expect((await rpc.getBalance(to).send()).value).toBe(expected);
      expect((await rpc.getSignaturesForAddress(to, { limit: 1000 }).send()).length).toBe(count);
      expect(readFileSync(join(crashed, 'journal.jsonl'), 'utf8').endsWith('}\n')).toBe(true);
    } finally {
      await restarted.close();
    }
  }, 30_000);

  it('refuses a damaged folder with what to do, and lets go of it', async () => {
    const dir = folder();
    const node = await startLocalnet({ port: 0, dataDir: dir, log: () => {} });
    await node.close();
    writeFileSync(join(dir, 'journal.jsonl'), 'not json\n');
    await expect(startLocalnet({ port: 0, dataDir: dir, log: () => {} })).rejects.toThrow(/line 1 of journal.jsonl is damaged[\s\S]*Next: delete/);
    rmSync(join(dir, 'snapshot.json'));
    await expect(startLocalnet({ port: 0, dataDir: dir, log: () => {} })).rejects.toBeInstanceOf(LocalnetDataError);
    expect(existsSync(join(dir, 'localnet.lock'))).toBe(false);
  });

  it('lets one node use a folder: a second waits, then says who holds it', async () => {
    const dir = folder();
    const first = await startLocalnet({ port: 0, dataDir: dir, log: () => {} });
    try {
      const second = startLocalnet({ port: 0, dataDir: dir, lockWaitMs: 300, log: () => {} });
      await expect(second).rejects.toBeInstanceOf(FolderLockedError);
      await expect(second).rejects.toThrow(`Another local Solana node (process ${process.pid}) is using ${dir}`);
    } finally {
      await first.close();
    }
    const third = await startLocalnet({ port: 0, dataDir: dir, log: () => {} });
    await third.close();
  });

  it.skipIf(!built && process.env.CI !== 'true')('keeps a transaction answered just before the process was SIGKILLed', async () => {
    const dir = folder();
    const start = () => spawnLocalnet(dir);
    const first = await start();
    const rpc = createSolanaRpc(first.url);
    const payer = await generateKeyPairSigner();
    const airdrop = await rpc.requestAirdrop(payer.address, lamports(2_000_000_000n)).send();
    first.child.kill('SIGKILL'); // right after the answer: no close, no snapshot, the lock left behind
    await new Promise((resolve) => first.child.once('exit', resolve));
    const second = await start(); // takes over the stale lock and replays the journal
    try {
      const again = createSolanaRpc(second.url);
      expect((await again.getBalance(payer.address).send()).value).toBe(2_000_000_000n);
      expect((await again.getSignatureStatuses([airdrop]).send()).value[0]).toMatchObject({ err: null, confirmationStatus: 'finalized' });
    } finally {
      second.child.kill('SIGTERM');
      await new Promise((resolve) => second.child.once('exit', resolve));
    }
    expect(existsSync(join(dir, 'localnet.lock'))).toBe(false); // a clean stop releases the folder
  }, 30_000);
});

if (!built && process.env.CI !== 'true') console.warn('SKIPPED: the SIGKILL test spawns "offhours localnet" and needs "npm run build:node" first');

async function spawnLocalnet(dir: string): Promise<{ child: ChildProcess; url: string }> {
  const node = await spawnReadyCli(['localnet', '--port', '0', '--data-dir', dir], { timeoutMs: 20_000 });
  return { child: node.child, url: node.ready.url };
}
