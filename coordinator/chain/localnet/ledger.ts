/**
 * The local chain: LiteSVM executes, this decides what a cluster would decide around it. A transaction is
 * admitted only with a blockhash from the last 150 blocks and a signature not seen before; with preflight it
 * is simulated first and refused when it would fail; a failed transaction that paid its fee lands (with its
 * error), one that could not pay is dropped. Whatever lands is written to the journal (durably) before the
 * caller hears of it. LiteSVM's own blockhash check is off: blockhashes are the SlotClock's.
 */
import {
  appendTransactionMessageInstructions,
  createTransactionMessage,
  getAddressDecoder,
  getBase58Decoder,
  getBase64Decoder,
  getBase64EncodedWireTransaction,
  getBase64Encoder,
  pipe,
  setTransactionMessageFeePayerSigner,
  setTransactionMessageLifetimeUsingBlockhash,
  signTransactionMessageWithSigners,
  type Address,
  type Blockhash,
  type KeyPairSigner,
} from '@solana/kit';
import { getAddMemoInstruction, LEGACY_MEMO_PROGRAM_ADDRESS_V3 } from '@solana-program/memo';
import { getTransferSolInstruction } from '@solana-program/system';
import { Clock, FailedTransactionMetadata, type InnerInstruction, type LiteSVM, type TransactionMetadata } from 'litesvm';
import type { History, InnerInstructionsJson, TxRecord } from './history.js';
import { SLOTS_PER_EPOCH, type SlotClock } from './slot-clock.js';
import { readMint, readTokenAccount, TOKEN_2022_PROGRAM, TOKEN_PROGRAM, uiTokenAmount, type TokenBalance } from './token-accounts.js';
import { describeFailure, fieldlessFailure, type TransactionFailure } from './tx-errors.js';
import { decodeTransaction, invokedPrograms, lookups, memoOf, transactionFee, type DecodedTransaction } from './wire.js';

export interface AccountView {
  address: string;
  lamports: bigint;
  owner: string;
  executable: boolean;
  data: Uint8Array;
}

export type SendOutcome =
  | { status: 'landed'; record: TxRecord }
  /** Preflight refused it: nothing changed on chain. */
  | { status: 'rejected'; failure: TransactionFailure; logs: string[]; unitsConsumed: bigint; fee: bigint | null }
  /** Sent without preflight and could never land (old blockhash, duplicate, fee unpaid): a cluster drops it. */
  | { status: 'dropped'; failure: TransactionFailure };

export interface Simulation {
  failure: TransactionFailure | null;
  logs: string[];
  unitsConsumed: bigint;
  fee: bigint | null;
  innerInstructions: InnerInstructionsJson[];
  returnData: TxRecord['returnData'];
  loadedAddresses: TxRecord['loadedAddresses'] | null;
  pre: BalanceSnapshot | null;
  post: BalanceSnapshot | null;
  /** The accounts as the simulation left them (only those it changed or loaded). */
  after: Map<string, AccountView>;
}

export interface BalanceSnapshot {
  lamports: bigint[];
  tokens: TokenBalance[];
}

/** The journal could not be written: the chain stops taking transactions rather than lose one. */
export class JournalBrokenError extends Error {}

/** Replaying the journal on start gave another result than the one recorded. */
export class ReplayError extends Error {}

/** Accounts that are never token accounts: not worth copying their (large) data to look. */
const NOT_TOKEN_ACCOUNTS = new Set([
  '11111111111111111111111111111111',
  TOKEN_PROGRAM,
  TOKEN_2022_PROGRAM,
  'ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL',
  'ComputeBudget111111111111111111111111111111',
  'MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr',
  'Memo1UhkJRfHyvLMcVucJwxXeuD728EqVDDwQDxFMNo',
]);

const addressDecoder = getAddressDecoder();
const base58 = getBase58Decoder();
const base64 = getBase64Decoder();
const base64Bytes = getBase64Encoder();

type ExecutionResult = { ok: true; meta: TransactionMetadata } | { ok: false; meta: TransactionMetadata | null; failure: TransactionFailure };

export class Ledger {
  /** Set when the journal could not be written: nothing more is taken (or snapshotted) until a restart. */
  broken: Error | null = null;
  private airdrops = 0;

  constructor(
    private readonly svm: LiteSVM,
    readonly clock: SlotClock,
    readonly history: History,
    /** Appends a record durably (fsync) before returning; throws when it cannot. */
    private readonly journal: (record: TxRecord) => void,
    readonly faucet: KeyPairSigner,
  ) {}

  account(address: string): AccountView | null {
    const account = this.svm.getAccount(address as Address);
    if (!account.exists) return null;
    return { address, lamports: account.lamports, owner: account.programAddress, executable: account.executable, data: account.data as Uint8Array };
  }

  balance(address: string): bigint {
    return this.svm.getBalance(address as Address) ?? 0n;
  }

  programAccounts(program: string): AccountView[] {
    return this.svm.getProgramAccounts(program as Address).map((account) => ({
      address: account.address,
      lamports: account.lamports,
      owner: account.programAddress,
      executable: account.executable,
      data: account.data as Uint8Array,
    }));
  }

  decimalsOf(mint: string): number | null {
    const account = this.account(mint);
    return account ? (readMint(account.owner, account.data)?.decimals ?? null) : null;
  }

  rentExemptMinimum(size: bigint): bigint {
    return this.svm.minimumBalanceForRentExemption(size);
  }

  /** Why a cluster would refuse this transaction before running it, or null. */
  admissionFailure(decoded: DecodedTransaction): TransactionFailure | null {
    if (this.clock.heightOfRecentBlockhash(decoded.recentBlockhash) === null) return fieldlessFailure('BlockhashNotFound');
    if (this.history.get(decoded.signature)) return fieldlessFailure('AlreadyProcessed');
    return null;
  }

  /** sendTransaction: admission, preflight (unless skipped), execution, durable record. */
  submit(decoded: DecodedTransaction, preflight: boolean): SendOutcome {
    if (this.broken) throw new JournalBrokenError(`The local chain stopped taking transactions: ${this.broken.message}. Restart it.`);
    const refused = this.admissionFailure(decoded);
    if (refused) return preflight ? { status: 'rejected', failure: refused, logs: [], unitsConsumed: 0n, fee: null } : { status: 'dropped', failure: refused };
    this.syncClock();
    if (preflight) {
      const simulation = this.simulate(decoded, { sigVerify: true, replaceRecentBlockhash: false, balances: false });
      if (simulation.failure) return { status: 'rejected', failure: simulation.failure, logs: simulation.logs, unitsConsumed: simulation.unitsConsumed, fee: simulation.fee };
    }
    const slot = this.clock.slot();
    const executed = this.execute(decoded, slot);
    if ('dropped' in executed) return { status: 'dropped', failure: executed.dropped };
    const landed = executed.record;
    try {
      this.journal(landed);
    } catch (error) {
      this.broken = error instanceof Error ? error : new Error(String(error));
      throw new JournalBrokenError(`The local chain could not write its journal (${this.broken.message}). Restart it.`);
    }
    this.history.add(landed);
    return { status: 'landed', record: landed };
  }

  /** Runs a journal record again on start (after the last snapshot); it must land as it did the first time. */
  replay(record: TxRecord): void {
    const decoded = decodeTransaction(new Uint8Array(base64Bytes.encode(record.wire)));
    this.syncClock(BigInt(record.slot));
    const again = this.execute(decoded, BigInt(record.slot), record.seq);
    if ('dropped' in again || JSON.stringify(again.record.err) !== JSON.stringify(record.err)) {
      throw new ReplayError(`Transaction ${record.signature} (journal entry ${record.seq}) did not replay as recorded.`);
    }
    this.history.add(record);
  }

  /** `balances: false` skips the pre/post balances (preflight only needs the verdict). */
  simulate(decoded: DecodedTransaction, options: { sigVerify: boolean; replaceRecentBlockhash: boolean; balances?: boolean }): Simulation {
    const empty = { logs: [], unitsConsumed: 0n, fee: null, innerInstructions: [], returnData: null, loadedAddresses: null, pre: null, post: null, after: new Map() };
    if (!options.replaceRecentBlockhash) {
      const refused = this.admissionFailure(decoded);
      if (refused) return { failure: refused, ...empty };
    }
    this.syncClock();
    const keys = options.balances === false ? null : this.accountKeys(decoded);
    const fee = transactionFee(decoded.message);
    const pre = keys ? this.snapshot(decoded, keys.all, (address) => this.account(address)) : null;
    this.svm.withSigverify(options.sigVerify);
    try {
      const result = this.runSimulation(decoded);
      if (!result.ok) return { ...empty, failure: result.failure, logs: result.meta?.logs() ?? [], unitsConsumed: result.meta?.computeUnitsConsumed() ?? 0n, fee, pre };
      const after = new Map(result.after.map((account) => [account.address, account]));
      const post = keys ? this.snapshot(decoded, keys.all, (address) => after.get(address) ?? this.account(address)) : null;
      return {
        failure: null,
        logs: result.meta.logs(),
        unitsConsumed: result.meta.computeUnitsConsumed(),
        fee,
        innerInstructions: innerInstructionsJson(result.meta.innerInstructions()),
        returnData: returnDataJson(result.meta),
        loadedAddresses: keys?.loaded ?? null,
        pre,
        post,
        after,
      };
    } finally {
      // Execution always verifies signatures; only a simulation may be asked not to.
      this.svm.withSigverify(true);
    }
  }

  /** requestAirdrop: a real transfer from the faucet, admitted and recorded like any other transaction. */
  async airdrop(recipient: Address, lamports: bigint): Promise<SendOutcome> {
    for (;;) {
      const { blockhash, lastValidBlockHeight } = this.clock.latestBlockhash();
      const transfer = getTransferSolInstruction({ source: this.faucet, destination: recipient, amount: lamports });
      // Two equal airdrops in one block would be the same transaction; a memo tells them apart.
      const instructions = this.airdrops++ === 0 ? [transfer] : [transfer, getAddMemoInstruction({ memo: `localnet airdrop ${this.airdrops}` }, { programAddress: LEGACY_MEMO_PROGRAM_ADDRESS_V3 })];
      const message = pipe(
        createTransactionMessage({ version: 0 }),
        (m) => setTransactionMessageFeePayerSigner(this.faucet, m),
        (m) => setTransactionMessageLifetimeUsingBlockhash({ blockhash: blockhash as Blockhash, lastValidBlockHeight }, m),
        (m) => appendTransactionMessageInstructions(instructions, m),
      );
      const signed = await signTransactionMessageWithSigners(message);
      const decoded = decodeTransaction(new Uint8Array(base64Bytes.encode(getBase64EncodedWireTransaction(signed))));
      const outcome = this.submit(decoded, true);
      if (outcome.status !== 'rejected' || outcome.failure.json !== 'AlreadyProcessed') return outcome;
    }
  }

  /** LiteSVM's Clock sysvar follows the wall-clock slot, so programs see the time a cluster would show. */
  private syncClock(slot = this.clock.slot()): void {
    if (this.svm.getClock().slot === slot) return;
    const epoch = slot / SLOTS_PER_EPOCH;
    const epochStart = BigInt(this.clock.blockTime(epoch * SLOTS_PER_EPOCH));
    this.svm.setClock(new Clock(slot, epochStart, epoch, epoch + 1n, BigInt(this.clock.blockTime(slot))));
  }

  /** Executes for real. A transaction lands when it succeeds, or fails having paid its fee; otherwise it is dropped. */
  private execute(decoded: DecodedTransaction, slot: bigint, seq = this.history.lastSeq + 1): { record: TxRecord } | { dropped: TransactionFailure } {
    const keys = this.accountKeys(decoded);
    if (!keys) return { dropped: fieldlessFailure('AddressLookupTableNotFound') };
    const pre = this.snapshot(decoded, keys.all, (address) => this.account(address));
    const result = this.run(decoded);
    const post = this.snapshot(decoded, keys.all, (address) => this.account(address));
    const feePaid = (pre.lamports[0] ?? 0n) - (post.lamports[0] ?? 0n);
    if (!result.ok && feePaid <= 0n) return { dropped: result.failure };
    const meta = result.meta;
    const record: TxRecord = {
      seq,
      signature: decoded.signature,
      wire: base64.decode(decoded.wire),
      slot: Number(slot),
      blockTime: this.clock.blockTime(slot),
      version: decoded.version,
      accountKeys: keys.all,
      loadedAddresses: keys.loaded,
      err: result.ok ? null : result.failure.json,
      fee: (result.ok ? transactionFee(decoded.message) : feePaid).toString(),
      preBalances: pre.lamports.map(String),
      postBalances: post.lamports.map(String),
      preTokenBalances: pre.tokens,
      postTokenBalances: post.tokens,
      logMessages: meta?.logs() ?? [],
      innerInstructions: meta ? innerInstructionsJson(meta.innerInstructions()) : [],
      computeUnitsConsumed: (meta?.computeUnitsConsumed() ?? 0n).toString(),
      returnData: meta ? returnDataJson(meta) : null,
      memo: memoOf(decoded.message),
    };
    return { record };
  }

  private run(decoded: DecodedTransaction): ExecutionResult {
    let result: TransactionMetadata | FailedTransactionMetadata;
    try {
      result = this.svm.sendTransaction(decoded.transaction);
    } catch {
      // LiteSVM's wrapper refuses a transaction with a missing signature before the VM sees it.
      return { ok: false, meta: null, failure: fieldlessFailure('SignatureFailure') };
    }
    return result instanceof FailedTransactionMetadata ? { ok: false, meta: result.meta(), failure: describeFailure(result) } : { ok: true, meta: result };
  }

  private runSimulation(decoded: DecodedTransaction): ({ ok: true; meta: TransactionMetadata; after: AccountView[] }) | ({ ok: false; meta: TransactionMetadata | null; failure: TransactionFailure }) {
    let result;
    try {
      result = this.svm.simulateTransaction(decoded.transaction);
    } catch {
      return { ok: false, meta: null, failure: fieldlessFailure('SignatureFailure') };
    }
    if (result instanceof FailedTransactionMetadata) return { ok: false, meta: result.meta(), failure: describeFailure(result) };
    const after = result.postAccounts().map((account) => ({
      address: account.address,
      lamports: account.lamports,
      owner: account.programAddress,
      executable: account.executable,
      data: account.data as Uint8Array,
    }));
    return { ok: true, meta: result.meta(), after };
  }

  /** Static keys, then lookup-table keys (writable, then read-only); null when a table cannot be read. */
  private accountKeys(decoded: DecodedTransaction): { all: string[]; loaded: TxRecord['loadedAddresses'] } | null {
    const loaded = { writable: [] as string[], readonly: [] as string[] };
    for (const lookup of lookups(decoded.message)) {
      const table = this.account(lookup.lookupTableAddress);
      if (!table || table.owner !== 'AddressLookupTab1e1111111111111111111111111') return null;
      const entry = (index: number): string | null => {
        const start = 56 + index * 32;
        return start + 32 <= table.data.length ? addressDecoder.decode(table.data.subarray(start, start + 32)) : null;
      };
      for (const [indexes, into] of [
        [lookup.writableIndexes, loaded.writable],
        [lookup.readonlyIndexes, loaded.readonly],
      ] as const) {
        for (const index of indexes) {
          const key = entry(index);
          if (key === null) return null;
          into.push(key);
        }
      }
    }
    return { all: [...decoded.message.staticAccounts, ...loaded.writable, ...loaded.readonly], loaded };
  }

  /** Lamports of every key, and the token balances of those that are token accounts (as meta reports them). */
  private snapshot(decoded: DecodedTransaction, keys: readonly string[], read: (address: string) => AccountView | null): BalanceSnapshot {
    const programs = invokedPrograms(decoded.message, keys);
    const lamports: bigint[] = [];
    const tokens: TokenBalance[] = [];
    const decimals = new Map<string, number | null>();
    keys.forEach((key, accountIndex) => {
      if (programs.has(key) || NOT_TOKEN_ACCOUNTS.has(key) || key.startsWith('Sysvar')) {
        lamports.push(this.balance(key));
        return;
      }
      const account = read(key);
      lamports.push(account?.lamports ?? 0n);
      const token = account ? readTokenAccount(account.owner, account.data) : null;
      if (!account || !token) return;
      if (!decimals.has(token.mint)) decimals.set(token.mint, this.decimalsOf(token.mint));
      const places = decimals.get(token.mint);
      if (places === null || places === undefined) return;
      tokens.push({ accountIndex, mint: token.mint, owner: token.owner, programId: account.owner, uiTokenAmount: uiTokenAmount(token.amount, places) });
    });
    return { lamports, tokens };
  }
}

function innerInstructionsJson(groups: InnerInstruction[][]): InnerInstructionsJson[] {
  const out: InnerInstructionsJson[] = [];
  groups.forEach((group, index) => {
    if (group.length === 0) return;
    out.push({
      index,
      instructions: group.map((inner) => {
        const instruction = inner.instruction();
        return { programIdIndex: instruction.programIdIndex(), accounts: [...instruction.accounts()], data: base58.decode(instruction.data()), stackHeight: inner.stackHeight() };
      }),
    });
  });
  return out;
}

function returnDataJson(meta: TransactionMetadata): TxRecord['returnData'] {
  const returned = meta.returnData();
  const data = returned.data();
  return data.length === 0 ? null : { programId: addressDecoder.decode(returned.programId()), data: base64.decode(data) };
}
