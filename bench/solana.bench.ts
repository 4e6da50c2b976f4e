/**
 * Payouts on Solana (issue: on-chain payouts), against a real `offhours localnet` process:
 *  - transfers per transaction: how many payouts PayoutChain.fit() packs into one ≤ 1,232-byte v0 transaction
 *    when the recipients' token accounts exist, and when each must be created first;
 *  - settled transfers per second: fit → sign → broadcast → confirmed, batch after batch, through PayoutChain;
 *  - the localnet's sendTransaction latency (preflight, execution, journal fsync) and what durability costs:
 *    one journal append + fdatasync against one LiteSVM snapshot + fsync.
 */
import { closeSync, fdatasyncSync, fsyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  appendTransactionMessageInstructions,
  createSolanaRpc,
  createTransactionMessage,
  generateKeyPairSigner,
  getBase64EncodedWireTransaction,
  lamports,
  pipe,
  setTransactionMessageFeePayerSigner,
  setTransactionMessageLifetimeUsingBlockhash,
  signTransactionMessageWithSigners,
  type Address,
  type Base64EncodedWireTransaction,
} from '@solana/kit';
import { getAddMemoInstruction, LEGACY_MEMO_PROGRAM_ADDRESS_V3 } from '@solana-program/memo';
import { LiteSVM } from 'litesvm';
import { ensureLocalTreasury } from '../coordinator/chain/local-treasury.js';
import type { PayoutChain, PayoutTransfer } from '../coordinator/chain/payout-chain.js';
import { createSolanaPayoutChain } from '../coordinator/chain/solana-payout-chain.js';
import { spawnReadyCli } from '../coordinator/test-support/cli-process.js';
import { median, percentile, type BenchSuite } from './figure.js';

const RECIPIENTS = 40;
const SETTLE_BATCHES = Number(process.env.OFFHOURS_BENCH_SOLANA_BATCHES ?? 40);
const SENDS = Number(process.env.OFFHOURS_BENCH_SOLANA_SENDS ?? 300);
const DURABILITY_TRIALS = 100;

export const solanaSuite: BenchSuite = {
  name: 'solana',
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'offhours-bench-solana-'));
    const node = await startLocalnetProcess(join(dir, 'localnet'));
    try {
      const treasury = await ensureLocalTreasury({ rpcUrl: node.url, dataDir: dir });
      const chain = await createSolanaPayoutChain({ rpcUrl: node.url, treasurySigner: treasury.treasurySigner, mint: treasury.mint, cluster: 'localnet' });
      const recipients = await Promise.all(Array.from({ length: RECIPIENTS }, async () => (await generateKeyPairSigner()).address));
      const fitNew = await chain.fit(transfersTo(recipients));
      await settleAll(chain, transfersTo(recipients)); // every recipient has a token account from here on
      const fitExisting = await chain.fit(transfersTo(recipients));
      const settled = await settleRate(chain, recipients);
      const latency = await sendLatency(node.url);
      const durability = measureDurability(dir);
      const r = (v: number) => Number(v.toFixed(2));
      return [
        { name: 'solana.transfers_per_tx_existing_accounts', value: fitExisting, unit: 'transfers', goal: '≥ 15', note: 'PayoutChain.fit(): v0 tx with compute limit, memo "offhours payout <40-char id>", transferChecked per recipient; ≤ 1,232 bytes' },
        { name: 'solana.transfers_per_tx_new_accounts', value: fitNew, unit: 'transfers', goal: null, note: 'same, each recipient needing an idempotent associated-token-account creation first' },
        { name: 'solana.settled_transfers_per_second', value: r(settled.perSecond), unit: 'transfers/s', goal: null, note: `${settled.transfers} transfers in ${settled.batches} batches of ${fitExisting}, one batch at a time: fit → sign → broadcast (preflight) → getSignatureStatuses until confirmed, against an offhours localnet child process` },
        { name: 'solana.localnet_send_p50', value: r(median(latency)), unit: 'ms', goal: null, note: `${latency.length} presigned memo transactions, sendTransaction round trip over loopback: preflight simulation, execution, journal append + fdatasync before the answer` },
        { name: 'solana.localnet_send_p99', value: r(percentile(latency, 99)), unit: 'ms', goal: null, note: 'same, 99th percentile (a snapshot every 256 transactions is taken after an answer, not before)' },
        { name: 'solana.localnet_journal_fsync_p50', value: r(median(durability.journal)), unit: 'ms', goal: null, note: `what each landed transaction pays for durability: one ~2 KB journal line + fdatasync (${DURABILITY_TRIALS} trials, this disk)` },
        { name: 'solana.localnet_snapshot_p50', value: r(median(durability.snapshot)), unit: 'ms', goal: null, note: `the alternative not taken per transaction: LiteSVM saveToFile (${(durability.snapshotBytes / 1e6).toFixed(1)} MB) + fsync (${DURABILITY_TRIALS} trials)` },
      ];
    } finally {
      await node.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

function transfersTo(recipients: readonly Address[], amount = 1_000n): PayoutTransfer[] {
  return recipients.map((recipientOwner) => ({ recipientOwner, amount }));
}

async function settle(chain: PayoutChain, batchId: string, transfers: readonly PayoutTransfer[]): Promise<void> {
  const signed = await chain.sign(batchId, transfers);
  await chain.broadcast(signed.wireBase64);
  for (;;) {
    const [status] = await chain.statuses([signed.signature]);
    if (status && (status.state === 'confirmed' || status.state === 'finalized')) {
      if (status.error) throw new Error(`payout ${batchId} failed on chain: ${status.error}`);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Pays every transfer, as many per transaction as fit, one transaction after another. */
async function settleAll(chain: PayoutChain, transfers: PayoutTransfer[]): Promise<number> {
  let batches = 0;
  for (let done = 0; done < transfers.length; batches++) {
    const count = await chain.fit(transfers.slice(done));
    await settle(chain, `po-bench-fill-${String(batches).padStart(20, '0')}`, transfers.slice(done, done + count));
    done += count;
  }
  return batches;
}

async function settleRate(chain: PayoutChain, recipients: Address[]): Promise<{ perSecond: number; transfers: number; batches: number }> {
  const transfers = Array.from({ length: SETTLE_BATCHES }, () => transfersTo(recipients, 7n)).flat();
  const started = performance.now();
  let done = 0;
  let batches = 0;
  while (batches < SETTLE_BATCHES) {
    const count = await chain.fit(transfers.slice(done));
    await settle(chain, `po-bench-${String(batches).padStart(24, '0')}`, transfers.slice(done, done + count));
    done += count;
    batches++;
  }
  return { perSecond: done / ((performance.now() - started) / 1000), transfers: done, batches };
}

async function sendLatency(url: string): Promise<number[]> {
  const rpc = createSolanaRpc(url);
  const payer = await generateKeyPairSigner();
  await rpc.requestAirdrop(payer.address, lamports(10_000_000_000n)).send(); // landed when answered, on the localnet
  const { value: lifetime } = await rpc.getLatestBlockhash().send();
  const wires: Base64EncodedWireTransaction[] = [];
  for (let i = 0; i < SENDS; i++) {
    const signed = await signTransactionMessageWithSigners(
      pipe(
        createTransactionMessage({ version: 0 }),
        (m) => setTransactionMessageFeePayerSigner(payer, m),
        (m) => setTransactionMessageLifetimeUsingBlockhash(lifetime, m),
        (m) => appendTransactionMessageInstructions([getAddMemoInstruction({ memo: `bench ${i}` }, { programAddress: LEGACY_MEMO_PROGRAM_ADDRESS_V3 })], m),
      ),
    );
    wires.push(getBase64EncodedWireTransaction(signed));
  }
  const times: number[] = [];
  for (const wire of wires) {
    const t0 = performance.now();
    await rpc.sendTransaction(wire, { encoding: 'base64' }).send();
    times.push(performance.now() - t0);
  }
  return times;
}

function measureDurability(dir: string): { journal: number[]; snapshot: number[]; snapshotBytes: number } {
  const journal: number[] = [];
  const path = join(dir, 'durability.jsonl');
  const fd = openSync(path, 'a');
  const line = `${JSON.stringify({ record: 'x'.repeat(2000) })}\n`;
  for (let i = 0; i < DURABILITY_TRIALS; i++) {
    const t0 = performance.now();
    writeSync(fd, line);
    fdatasyncSync(fd);
    journal.push(performance.now() - t0);
  }
  closeSync(fd);
  const svm = new LiteSVM();
  const snapshot: number[] = [];
  const file = join(dir, 'durability.bin');
  for (let i = 0; i < DURABILITY_TRIALS; i++) {
    const t0 = performance.now();
    svm.saveToFile(file);
    const handle = openSync(file, 'r+');
    fsyncSync(handle);
    closeSync(handle);
    snapshot.push(performance.now() - t0);
  }
  return { journal, snapshot, snapshotBytes: svm.toBytes().length };
}

async function startLocalnetProcess(dataDir: string): Promise<{ url: string; stop(): Promise<void> }> {
  const node = await spawnReadyCli(['localnet', '--port', '0', '--data-dir', dataDir]);
  return { url: node.ready.url, stop: node.stop };
}
