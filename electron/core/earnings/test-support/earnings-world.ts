import { generateSecretKey, memorySigner, type ReportSigner } from '../../../../protocol/bench/signing.js';
import { earningsFor } from '../../../../protocol/job-spec.js';
import type { CoordinatorMessageOf, NetworkInfo, ProviderPayout } from '../../../../protocol/network.js';
import { signReceipt, type JobReceipt, type ReceiptBody } from '../../../../protocol/receipts.js';
import type { Notice } from '../../../../protocol/state.js';
import type { Logger } from '../../ports.js';
import { ManualTimers } from '../../network/test-support/link-world.js';
import { EarningsBook } from '../earnings-book.js';
import type { EarningsRecord, EarningsStore, PayoutChainAnswer, PayoutChainChecker, PayoutCheckRequest } from '../ports.js';
import { emptyEarningsRecord } from '../record.js';

export const MINT = 'So11111111111111111111111111111111111111112';
export const WALLET = 'Gh9ZwEmdLJ8DscKNTkTqPbNwLNNBjuSzaG9Vp2KGtKJr';
export const TREASURY = '9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin';
export const START_MS = Date.parse('2026-01-01T00:00:00Z');

/** A base58 transaction signature, distinct per n. */
export function signatureFor(n: number): string {
  return `5${String(n).replace(/0/g, 'z')}`.padEnd(88, 'x');
}

export const silentLogger: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** The network's receipt key: a genuine ed25519 signer, as the coordinator holds one. */
export async function coordinatorKey(): Promise<{ signer: ReportSigner; publicKey: string }> {
  const signer = memorySigner(generateSecretKey());
  return { signer, publicKey: await signer.publicKeyHex() };
}

export function networkInfo(publicKey: string | undefined, cluster: 'devnet' | 'localnet' = 'devnet'): NetworkInfo {
  return {
    coordinatorId: 'coord-1',
    name: 'Test network',
    kind: 'local-test',
    tokenHasValue: false,
    tokenSymbol: 'OFFT',
    tokenDecimals: 6,
    acceptsSoftwareAdapters: true,
    ...(publicKey ? { coordinatorPublicKey: publicKey } : {}),
    payouts: { cluster, rpcUrl: cluster === 'devnet' ? 'https://api.devnet.solana.com' : 'http://127.0.0.1:8899', mint: MINT, treasury: TREASURY, thresholdBaseUnits: '0', intervalSeconds: 3600 },
  };
}

export function receiptBody(publicKey: string, n: number, patch: Partial<ReceiptBody> = {}): ReceiptBody {
  const seconds = 60 * n;
  return {
    receiptId: `rcpt-${n}`,
    coordinatorId: 'coord-1',
    coordinatorPublicKey: publicKey,
    jobId: `job-${n}`,
    attempt: 1,
    providerId: 'prov-1',
    outcome: 'finished',
    startedAt: '2026-01-01T00:00:00.000Z',
    endedAt: '2026-01-01T00:10:00.000Z',
    seconds,
    ratePerSecond: '25',
    amount: earningsFor('25', seconds),
    ledgerEntryIds: [String(n)],
    issuedAt: new Date(START_MS + n * 1000).toISOString(),
    ...patch,
  };
}

export async function receipt(signer: ReportSigner, n: number, patch: Partial<ReceiptBody> = {}): Promise<JobReceipt> {
  return signReceipt(receiptBody(await signer.publicKeyHex(), n, patch), signer);
}

export function payout(n: number, patch: Partial<ProviderPayout> = {}): ProviderPayout {
  return {
    batchId: `batch-${n}`,
    state: 'paid',
    amount: '1500000',
    recipient: WALLET,
    transferAmount: '3000000',
    mint: MINT,
    signature: signatureFor(n),
    createdAt: new Date(START_MS + n * 60_000).toISOString(),
    paidAt: new Date(START_MS + n * 60_000 + 5_000).toISOString(),
    ...patch,
  };
}

export function earningsFrame(receipts: JobReceipt[], payouts: ProviderPayout[]): CoordinatorMessageOf<'earnings'> {
  return { type: 'earnings', summary: { pending: '100', payable: '1500000', inFlight: '0', paid: '3000000', nextPayoutAt: '2026-01-01T01:00:00.000Z' }, receipts, payouts };
}

/**
 * The chain seen through the port with recorded answers: each lookup takes the next answer queued for its
 * signature (verified when none is queued). The real adapter (electron/core/adapters/solana-payout-checker.ts over
 * protocol/solana/payout-check.ts) is exercised end to end against a real local Solana validator elsewhere.
 */
export class RecordedChain implements PayoutChainChecker {
  readonly lookups: Array<{ rpcUrl: string } & PayoutCheckRequest> = [];
  private readonly answers = new Map<string, PayoutChainAnswer[]>();

  answer(signature: string, ...answers: PayoutChainAnswer[]): void {
    this.answers.set(signature, [...(this.answers.get(signature) ?? []), ...answers]);
  }

  async check(rpcUrl: string, request: PayoutCheckRequest): Promise<PayoutChainAnswer> {
    this.lookups.push({ rpcUrl, ...request });
    return this.answers.get(request.signature)?.shift() ?? { ok: true, slot: 42n, blockTime: 1_767_225_600 };
  }
}

export class MemoryEarningsStore implements EarningsStore {
  record: EarningsRecord = emptyEarningsRecord();
  saves = 0;
  load() {
    return { record: structuredClone(this.record), damaged: null };
  }
  save(record: EarningsRecord): void {
    this.saves++;
    this.record = structuredClone(record);
  }
}

export function bookWorld(options: { store?: EarningsStore; chain?: RecordedChain } = {}) {
  const timers = new ManualTimers();
  const chain = options.chain ?? new RecordedChain();
  const notices: Notice[] = [];
  const book = new EarningsBook({
    store: options.store ?? new MemoryEarningsStore(),
    checker: chain,
    clock: { now: () => START_MS + timers.now },
    timers,
    random: () => 0.5,
    logger: silentLogger,
    notify: (notice) => notices.push(notice),
  });
  return { book, timers, chain, notices };
}

/** Lets pending promise callbacks (a lookup's answer) run. */
export const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

/** Advances the manual clock in steps, letting each lookup finish before the next timer fires. */
export async function run(timers: ManualTimers, ms: number, stepMs = 100): Promise<void> {
  for (let t = 0; t < ms; t += stepMs) {
    timers.advance(stepMs);
    await settle();
  }
}
