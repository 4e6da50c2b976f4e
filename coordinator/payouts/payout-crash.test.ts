/**
 * Exactly-once payouts under SIGKILL. For each step of a payout (intent written, signed, broadcast, confirmed,
 * booked as paid) a real `offhours coordinator` process pays on a local Solana and is SIGKILLed right after
 * that step; a second process then resumes. Each time: exactly one transaction on chain per payout batch,
 * each wallet received exactly what it was owed (two PCs share one wallet), the ledger sums to zero, the audit
 * passes. Needs `npm run build` (the real CLI); skipped out loud without it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { address, createSolanaRpc, generateKeyPairSigner } from '@solana/kit';
import { findAssociatedTokenPda, TOKEN_PROGRAM_ADDRESS } from '@solana-program/token';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditDataDir } from '../audit-offline.js';
import { ensureLocalTreasury, TREASURY_KEY_FILE, type LocalTreasury } from '../chain/local-treasury.js';
import { startLocalnet, type RunningLocalnet } from '../chain/localnet/server.js';
import { openDatabase } from '../db/database.js';
import { KyselyStore } from '../db/kysely-store.js';
import { KyselyPayoutStore } from '../db/payout-store.js';
import { at, deviceKey, jobRequest, readyProvider } from '../db/test-support/fixtures.js';
import { loadOrCreateReceiptKey, receiptIssuer } from '../receipt-key.js';
import { CRASH_AT_ENV, networkInfo } from '../service.js';
import { spawnReadyCli } from '../test-support/cli-process.js';

const ROOT = join(import.meta.dirname, '..', '..');
const CLI = join(ROOT, 'bin', 'offhours.js');
const built = existsSync(join(ROOT, 'dist', 'coordinator', 'service.js'));
if (!built && process.env.CI !== 'true') console.warn('\n!!! SKIPPED: the payout crash tests run the real CLI; run "npm run build" first.\n');

const STEPS = ['intent', 'signed', 'sent', 'confirmed', 'paid'] as const;

interface Owed {
  wallet: string;
  amount: bigint;
}

/** Three PCs that each finished a job (10 units/s); the first two pay into one wallet. */
async function seedCoordinator(dir: string): Promise<Owed[]> {
  const database = await openDatabase({ dataDir: dir });
  const store = new KyselyStore(database, { receiptIssuer: await receiptIssuer(networkInfo(false).coordinatorId, loadOrCreateReceiptKey(join(dir, 'receipt-key'))) });
  const shared = (await generateKeyPairSigner()).address;
  const own = (await generateKeyPairSigner()).address;
  const wallets = [shared, shared, own];
  try {
    for (const [i, wallet] of wallets.entries()) {
      const { provider } = await readyProvider(store, { key: i + 1 });
      await store.enrolProvider({ devicePublicKey: deviceKey(i + 1), payoutAddress: wallet, gpus: provider.gpus, minPricePerGpuHour: provider.minPricePerGpuHour, appVersion: '0.1.0', backends: ['webgpu'] }, at(1));
      const job = await store.submitJob(jobRequest({ perSecond: '10' }), 'buyer', at(1));
      const [offer] = await store.matchQueuedJobs(at(1), { limit: 1, offerTtlMs: 30_000 });
      await store.answerOffer(offer!.offerId, provider.providerId, true, null, at(1));
      const report = { jobId: job.jobId, providerId: provider.providerId, reportedAt: at(1), exitCode: 0, workedSeconds: null, outputDigest: null, message: null };
      await store.recordJobStatus({ ...report, status: 'started' }, at(2));
      await store.recordJobStatus({ ...report, status: 'finished' }, at(2 + 10 * (i + 1)));
      // Gone, so the next job goes to the next PC.
      await store.expireStaleSessions(at(10_000), 1_000);
    }
  } finally {
    await store.close();
  }
  // 100 + 200 to the shared wallet, 300 to the other.
  return [
    { wallet: shared, amount: 300n },
    { wallet: own, amount: 300n },
  ];
}

function startProcess(args: string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [CLI, 'coordinator', ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}


describe.skipIf(!built)('payouts survive SIGKILL at every step', () => {
  let localnet: RunningLocalnet;
  let treasury: LocalTreasury;
  let treasuryDir: string;

  beforeAll(async () => {
    localnet = await startLocalnet({ host: '127.0.0.1', port: 0, dataDir: mkdtempSync(join(tmpdir(), 'offhours-crash-chain-')) });
    treasuryDir = mkdtempSync(join(tmpdir(), 'offhours-crash-treasury-'));
    treasury = await ensureLocalTreasury({ rpcUrl: localnet.url, dataDir: treasuryDir });
  }, 60_000);
  afterAll(async () => {
    await localnet?.close();
  });

  async function tokenBalance(owner: string): Promise<bigint> {
    const rpc = createSolanaRpc(localnet.url);
    const [ata] = await findAssociatedTokenPda({ owner: address(owner), mint: address(treasury.mint), tokenProgram: TOKEN_PROGRAM_ADDRESS });
    const account = await rpc.getAccountInfo(ata, { encoding: 'base64' }).send();
    if (!account.value) return 0n;
    return BigInt((await rpc.getTokenAccountBalance(ata).send()).value.amount);
  }

  async function payoutsSettled(dir: string): Promise<boolean> {
    const database = await openDatabase({ dataDir: dir });
    try {
      const open = await new KyselyPayoutStore(database).unsettledBatches();
      const balances = await database.db.selectFrom('ledger_balances').select('balance').where('account', 'like', 'provider:%:payable').where('balance', '>', '0').execute();
      return open.length === 0 && balances.length === 0;
    } finally {
      await database.close();
    }
  }

  for (const step of STEPS) {
    it(`killed right after "${step}", resumed: one transfer per payout, nothing lost or doubled`, async () => {
      const dir = mkdtempSync(join(tmpdir(), `offhours-crash-${step}-`));
      const owed = await seedCoordinator(dir);
      const args = ['--port', '0', '--data-dir', dir, '--rpc-url', localnet.url, '--mint', treasury.mint, '--treasury-key', join(treasuryDir, TREASURY_KEY_FILE), '--payout-interval', '1'];

      const first = startProcess(args, { [CRASH_AT_ENV]: step });
      expect(await exited(first)).toMatchObject({ signal: 'SIGKILL' });

      const second = await spawnReadyCli(['coordinator', ...args], { timeoutMs: 60_000 });
      const deadline = Date.now() + 60_000;
      while (!(await owedPaid(owed)) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 300));
      await second.stop();
      expect(second.child.exitCode).toBe(0);

      for (const { wallet, amount } of owed) expect(await tokenBalance(wallet), second.output()).toBe(amount);
      expect(await payoutsSettled(dir)).toBe(true);
      const report = await auditDataDir(dir);
      expect(report.violations).toEqual([]);
      expect(report.checked).toMatchObject({ receipts: 3, onChain: true });
      expect(report.checked.payouts).toBeGreaterThanOrEqual(1);
    }, 120_000);
  }

  async function owedPaid(owed: Owed[]): Promise<boolean> {
    for (const { wallet, amount } of owed) if ((await tokenBalance(wallet)) < amount) return false;
    return true;
  }
});
