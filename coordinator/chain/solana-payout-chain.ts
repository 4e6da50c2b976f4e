/**
 * PayoutChain on Solana with @solana/kit, over any RPC URL (the local chain, devnet, mainnet). One payout
 * batch is one v0 transaction from the treasury: compute-unit limit and price, an idempotent associated-token-
 * account creation for each recipient that lacks one, a transferChecked from the treasury's token account per
 * transfer, and the memo "offhours payout <batchId>" (so the batch can be found from the chain). Signed here
 * with the treasury key; sent with preflight and no retries by the RPC (the payout engine re-broadcasts).
 */
import {
  appendTransactionMessageInstructions,
  compileTransaction,
  createSolanaRpc,
  createTransactionMessage,
  getBase64EncodedWireTransaction,
  getSignatureFromTransaction,
  getTransactionSize,
  isSolanaError,
  pipe,
  setTransactionMessageFeePayerSigner,
  setTransactionMessageLifetimeUsingBlockhash,
  signature as toSignature,
  signTransactionMessageWithSigners,
  address as toAddress,
  SOLANA_ERROR__JSON_RPC__SERVER_ERROR_SEND_TRANSACTION_PREFLIGHT_FAILURE,
  SOLANA_ERROR__TRANSACTION_ERROR__ALREADY_PROCESSED,
  SOLANA_ERROR__TRANSACTION__TOO_MANY_ACCOUNT_ADDRESSES,
  type Address,
  type Base64EncodedWireTransaction,
  type Blockhash,
  type Instruction,
  type Rpc,
  type SolanaRpcApi,
  type TransactionSigner,
} from '@solana/kit';
import { getSetComputeUnitLimitInstruction, getSetComputeUnitPriceInstruction } from '@solana-program/compute-budget';
import { getAddMemoInstruction, LEGACY_MEMO_PROGRAM_ADDRESS_V3 } from '@solana-program/memo';
import {
  findAssociatedTokenPda,
  getCreateAssociatedTokenIdempotentInstruction,
  getMintDecoder,
  getTokenDecoder,
  getTransferCheckedInstruction,
  TOKEN_PROGRAM_ADDRESS,
} from '@solana-program/token';
import type { PayoutChain, PayoutStatus, PayoutTransfer, SignedPayout, SolanaCluster } from './payout-chain.js';

/** The most a transaction may weigh on the wire (a cluster refuses anything larger). */
export const TRANSACTION_SIZE_LIMIT = 1232;
/** Micro-lamports per compute unit when none is configured: nothing locally, a modest bid on real clusters. */
export const DEFAULT_PRIORITY_FEE_MICRO_LAMPORTS: Readonly<Record<SolanaCluster, bigint>> = {
  localnet: 0n,
  devnet: 10_000n,
  testnet: 10_000n,
  'mainnet-beta': 100_000n,
  custom: 10_000n,
};

const TOKEN_2022_PROGRAM_ADDRESS = 'TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb' as Address;
/**
 * Compute units reserved per part of the transaction: the SPL Token program's transferChecked (before its
 * p-token rewrite, ~6.2 k), an idempotent ATA creation through the ATA program (~25–30 k with its CPIs), the
 * memo, and the compute-budget instructions. Generous, because a transaction over its limit fails; the
 * priority fee is paid on the limit, so not wildly so.
 */
const UNITS_PER_TRANSFER = 8_000;
const UNITS_PER_ACCOUNT_CREATION = 35_000;
const UNITS_BASE = 6_000;
const MAX_COMPUTE_UNITS = 1_400_000;
/**
 * fit() cannot know the batch id, which the memo carries: it counts with one this long (the payout engine's
 * ids are 27 characters), and sign() refuses a batch that does not fit after all.
 */
export const FIT_BATCH_ID_LENGTH = 40;
/** fit() looks at most this many transfers: more never fit in 1,232 bytes. */
const MAX_FIT_CANDIDATES = 32;
const MAX_MULTIPLE_ACCOUNTS = 100;
const MAX_SIGNATURE_STATUSES = 256;
/** Any 32-byte value: fit() measures sizes, and a blockhash is always 32 bytes. */
const PLACEHOLDER_BLOCKHASH = '11111111111111111111111111111111' as Blockhash;

export interface SolanaPayoutChainOptions {
  rpcUrl: string;
  /** The treasury: fee payer, owner of the source token account, the only signer. */
  treasurySigner: TransactionSigner;
  mint: string;
  cluster: SolanaCluster;
  /** Priority fee in micro-lamports per compute unit; default DEFAULT_PRIORITY_FEE_MICRO_LAMPORTS[cluster]. */
  priorityFeeMicroLamports?: bigint | number;
  /** A fixed compute-unit limit instead of the estimate from the transaction's contents. */
  computeUnitLimit?: number;
}

/** The payout mint is missing or is not a token mint; the message names it and the cluster. */
export class PayoutMintError extends Error {}

/** A batch too large for one transaction was handed to sign(); fit() says how many fit. */
export class PayoutTooLargeError extends Error {}

export function payoutMemo(batchId: string): string {
  return `offhours payout ${batchId}`;
}

/** A transaction error as one line of text (kit gives its numbers as bigint). */
export function transactionErrorText(error: unknown): string {
  if (typeof error === 'string') return error;
  return JSON.stringify(error, (_key, value: unknown) => (typeof value === 'bigint' ? Number(value) : value));
}

/** Bytes on the wire; Infinity when it names more accounts than a transaction may (kit will not compile it). */
function wireSize(message: Parameters<typeof compileTransaction>[0]): number {
  try {
    return getTransactionSize(compileTransaction(message));
  } catch (error) {
    if (isSolanaError(error, SOLANA_ERROR__TRANSACTION__TOO_MANY_ACCOUNT_ADDRESSES)) return Infinity;
    throw error;
  }
}

function isAlreadyProcessed(error: unknown): boolean {
  return (
    isSolanaError(error, SOLANA_ERROR__JSON_RPC__SERVER_ERROR_SEND_TRANSACTION_PREFLIGHT_FAILURE) &&
    isSolanaError(error.cause, SOLANA_ERROR__TRANSACTION_ERROR__ALREADY_PROCESSED)
  );
}

async function readMint(rpc: Rpc<SolanaRpcApi>, mint: Address, where: string): Promise<{ decimals: number; tokenProgram: Address }> {
  const { value } = await rpc.getAccountInfo(mint, { encoding: 'base64' }).send();
  if (!value) throw new PayoutMintError(`The payout mint ${mint} does not exist on ${where}.\n  Next: check the mint address and the RPC URL.`);
  const owner = value.owner;
  const data = Buffer.from(value.data[0], 'base64');
  if ((owner !== TOKEN_PROGRAM_ADDRESS && owner !== TOKEN_2022_PROGRAM_ADDRESS) || data.length < 82) {
    throw new PayoutMintError(`${mint} on ${where} is not a token mint (its owner is ${owner}).\n  Next: pass the address of the payout token's mint.`);
  }
  return { decimals: getMintDecoder().decode(data.subarray(0, 82)).decimals, tokenProgram: owner };
}

/** Connects to the RPC, reads the mint's decimals, and returns the chain. */
export async function createSolanaPayoutChain(options: SolanaPayoutChainOptions): Promise<PayoutChain> {
  const rpc = createSolanaRpc(options.rpcUrl);
  const mint = toAddress(options.mint);
  const { decimals, tokenProgram } = await readMint(rpc, mint, `${options.cluster} (${options.rpcUrl})`);
  const [treasuryAta] = await findAssociatedTokenPda({ owner: options.treasurySigner.address, mint, tokenProgram });
  return new SolanaPayoutChain(rpc, options, mint, decimals, tokenProgram, treasuryAta);
}

class SolanaPayoutChain implements PayoutChain {
  readonly cluster: SolanaCluster;
  readonly rpcUrl: string;
  readonly treasury: string;
  private readonly priorityFee: bigint;
  private readonly atas = new Map<string, Address>();

  constructor(
    private readonly rpc: Rpc<SolanaRpcApi>,
    private readonly options: SolanaPayoutChainOptions,
    readonly mint: Address,
    readonly decimals: number,
    private readonly tokenProgram: Address,
    private readonly treasuryAta: Address,
  ) {
    this.cluster = options.cluster;
    this.rpcUrl = options.rpcUrl;
    this.treasury = options.treasurySigner.address;
    this.priorityFee = BigInt(options.priorityFeeMicroLamports ?? DEFAULT_PRIORITY_FEE_MICRO_LAMPORTS[options.cluster]);
  }

  async fit(transfers: readonly PayoutTransfer[]): Promise<number> {
    const candidates = transfers.slice(0, MAX_FIT_CANDIDATES);
    if (candidates.length === 0) return 1;
    const missing = await this.missingAccounts(candidates);
    let fits = 1;
    for (let count = 2; count <= candidates.length; count++) {
      const message = this.message('x'.repeat(FIT_BATCH_ID_LENGTH), candidates.slice(0, count), missing, PLACEHOLDER_BLOCKHASH, 0n);
      if (wireSize(message) > TRANSACTION_SIZE_LIMIT) break;
      fits = count;
    }
    return fits;
  }

  async sign(batchId: string, transfers: readonly PayoutTransfer[]): Promise<SignedPayout> {
    if (transfers.length === 0) throw new PayoutTooLargeError('A payout transaction needs at least one transfer.');
    for (const transfer of transfers) {
      if (transfer.amount <= 0n) throw new RangeError(`A payout transfer must be more than 0 base units (got ${transfer.amount} to ${transfer.recipientOwner}).`);
    }
    const missing = await this.missingAccounts(transfers);
    const { value: lifetime } = await this.rpc.getLatestBlockhash({ commitment: 'confirmed' }).send();
    const message = this.message(batchId, transfers, missing, lifetime.blockhash, lifetime.lastValidBlockHeight);
    const size = wireSize(message);
    if (size > TRANSACTION_SIZE_LIMIT) {
      const what = Number.isFinite(size) ? `a ${size}-byte transaction` : 'a transaction naming more accounts than one may';
      throw new PayoutTooLargeError(`Payout ${batchId} would be ${what} (a cluster takes at most ${TRANSACTION_SIZE_LIMIT} bytes); split it as fit() says.`);
    }
    const signed = await signTransactionMessageWithSigners(message);
    return { signature: getSignatureFromTransaction(signed), wireBase64: getBase64EncodedWireTransaction(signed), lastValidBlockHeight: lifetime.lastValidBlockHeight };
  }

  async broadcast(wireBase64: string): Promise<void> {
    try {
      await this.rpc
        .sendTransaction(wireBase64 as Base64EncodedWireTransaction, { encoding: 'base64', skipPreflight: false, preflightCommitment: 'confirmed', maxRetries: 0n })
        .send();
    } catch (error) {
      // The cluster has this signature already: it landed (its status says how), nothing to send.
      if (isAlreadyProcessed(error)) return;
      throw error;
    }
  }

  async statuses(signatures: readonly string[]): Promise<PayoutStatus[]> {
    const out: PayoutStatus[] = [];
    for (let i = 0; i < signatures.length; i += MAX_SIGNATURE_STATUSES) {
      const chunk = signatures.slice(i, i + MAX_SIGNATURE_STATUSES).map((value) => toSignature(value));
      const { value } = await this.rpc.getSignatureStatuses(chunk, { searchTransactionHistory: true }).send();
      for (const status of value) {
        if (!status) out.push({ state: 'unknown' });
        else if (status.confirmationStatus === 'confirmed' || status.confirmationStatus === 'finalized') {
          out.push({ state: status.confirmationStatus, slot: status.slot, error: status.err === null ? null : transactionErrorText(status.err) });
        } else out.push({ state: 'processed' });
      }
    }
    return out;
  }

  async blockHeight(): Promise<bigint> {
    return this.rpc.getBlockHeight({ commitment: 'confirmed' }).send();
  }

  async treasuryBalance(): Promise<bigint> {
    const { value } = await this.rpc.getAccountInfo(this.treasuryAta, { encoding: 'base64', commitment: 'confirmed' }).send();
    if (!value) return 0n;
    return getTokenDecoder().decode(Buffer.from(value.data[0], 'base64').subarray(0, 165)).amount;
  }

  private async ataOf(owner: string): Promise<Address> {
    let ata = this.atas.get(owner);
    if (!ata) {
      [ata] = await findAssociatedTokenPda({ owner: toAddress(owner), mint: this.mint, tokenProgram: this.tokenProgram });
      this.atas.set(owner, ata);
    }
    return ata;
  }

  /** Recipients (wallets) whose associated token account does not exist yet. */
  private async missingAccounts(transfers: readonly PayoutTransfer[]): Promise<Set<string>> {
    const owners = [...new Set(transfers.map((transfer) => transfer.recipientOwner))];
    const atas = await Promise.all(owners.map((owner) => this.ataOf(owner)));
    const missing = new Set<string>();
    for (let i = 0; i < atas.length; i += MAX_MULTIPLE_ACCOUNTS) {
      const { value } = await this.rpc
        .getMultipleAccounts(atas.slice(i, i + MAX_MULTIPLE_ACCOUNTS), { encoding: 'base64', commitment: 'confirmed', dataSlice: { offset: 0, length: 0 } })
        .send();
      value.forEach((account, j) => {
        if (account === null) missing.add(owners[i + j]!);
      });
    }
    return missing;
  }

  private computeUnits(transfers: number, creations: number): number {
    if (this.options.computeUnitLimit !== undefined) return this.options.computeUnitLimit;
    return Math.min(MAX_COMPUTE_UNITS, UNITS_BASE + transfers * UNITS_PER_TRANSFER + creations * UNITS_PER_ACCOUNT_CREATION);
  }

  private message(batchId: string, transfers: readonly PayoutTransfer[], missing: ReadonlySet<string>, blockhash: Blockhash, lastValidBlockHeight: bigint) {
    const payer = this.options.treasurySigner;
    const creations = [...new Set(transfers.map((transfer) => transfer.recipientOwner))].filter((owner) => missing.has(owner));
    const instructions: Instruction[] = [getSetComputeUnitLimitInstruction({ units: this.computeUnits(transfers.length, creations.length) })];
    if (this.priorityFee > 0n) instructions.push(getSetComputeUnitPriceInstruction({ microLamports: this.priorityFee }));
    for (const owner of creations) {
      instructions.push(getCreateAssociatedTokenIdempotentInstruction({ payer, ata: this.atas.get(owner)!, owner: toAddress(owner), mint: this.mint, tokenProgram: this.tokenProgram }));
    }
    for (const transfer of transfers) {
      instructions.push(
        getTransferCheckedInstruction(
          { source: this.treasuryAta, mint: this.mint, destination: this.atas.get(transfer.recipientOwner)!, authority: payer, amount: transfer.amount, decimals: this.decimals },
          { programAddress: this.tokenProgram },
        ),
      );
    }
    instructions.push(getAddMemoInstruction({ memo: payoutMemo(batchId) }, { programAddress: LEGACY_MEMO_PROGRAM_ADDRESS_V3 }));
    return pipe(
      createTransactionMessage({ version: 0 }),
      (m) => setTransactionMessageFeePayerSigner(payer, m),
      (m) => setTransactionMessageLifetimeUsingBlockhash({ blockhash, lastValidBlockHeight }, m),
      (m) => appendTransactionMessageInstructions(instructions, m),
    );
  }
}
