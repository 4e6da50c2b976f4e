/**
 * A wire transaction taken apart the way the RPC needs it: its signature, version, account keys, blockhash,
 * memos and fee. Decoding is strict like the validator's (bincode rejecting trailing bytes): a transaction
 * that does not decode exactly is refused before it reaches the VM.
 */
import {
  getBase58Decoder,
  getCompiledTransactionMessageDecoder,
  getTransactionDecoder,
  type Address,
  type CompiledTransactionMessageWithLifetime,
  type LegacyCompiledTransactionMessage,
  type ReadonlyUint8Array,
  type Transaction,
  type V0CompiledTransactionMessage,
} from '@solana/kit';

/** The largest transaction a cluster accepts: an IPv6 UDP packet's payload (PACKET_DATA_SIZE). */
export const PACKET_DATA_SIZE = 1232;
/** The RPC's "golden" limits on the encoded text, before decoding (agave rpc.rs). */
export const MAX_BASE58_SIZE = 1683;
export const MAX_BASE64_SIZE = 1644;
export const VERSIONED_TRANSACTION_TYPE = 'solana_transaction::versioned::VersionedTransaction';

export const LAMPORTS_PER_SIGNATURE = 5000n;
const MAX_COMPUTE_UNIT_LIMIT = 1_400_000n;
const DEFAULT_INSTRUCTION_COMPUTE_UNIT_LIMIT = 200_000n;
const MAX_BUILTIN_ALLOCATION_COMPUTE_UNIT_LIMIT = 3_000n;
const COMPUTE_BUDGET_PROGRAM = 'ComputeBudget111111111111111111111111111111';
const BUILTIN_PROGRAMS = new Set([
  '11111111111111111111111111111111',
  COMPUTE_BUDGET_PROGRAM,
  'Vote111111111111111111111111111111111111111',
  'BPFLoader1111111111111111111111111111111111',
  'BPFLoader2111111111111111111111111111111111',
  'BPFLoaderUpgradeab1e11111111111111111111111',
  'LoaderV411111111111111111111111111111111111',
  'Ed25519SigVerify111111111111111111111111111',
  'KeccakSecp256k11111111111111111111111111111',
  'Secp256r1SigVerify1111111111111111111111111',
]);
/** Precompiles whose signatures are paid like the transaction's own (their first data byte counts them). */
const SIGNATURE_PRECOMPILES = new Set(['Ed25519SigVerify111111111111111111111111111', 'KeccakSecp256k11111111111111111111111111111', 'Secp256r1SigVerify1111111111111111111111111']);
const MEMO_PROGRAMS = new Set(['Memo1UhkJRfHyvLMcVucJwxXeuD728EqVDDwQDxFMNo', 'MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr']);

const base58 = getBase58Decoder();
const transactionDecoder = getTransactionDecoder();
const messageDecoder = getCompiledTransactionMessageDecoder();

/** Legacy and v0 messages: what a cluster takes today (v1 is refused, as agave refuses it). */
export type WireMessage = (LegacyCompiledTransactionMessage | V0CompiledTransactionMessage) & CompiledTransactionMessageWithLifetime;

export interface DecodedTransaction {
  wire: Uint8Array;
  transaction: Transaction;
  message: WireMessage;
  /** The fee payer's signature, base58: the transaction's id. All ones when it is unsigned. */
  signature: string;
  version: 'legacy' | 0;
  recentBlockhash: string;
}

/** Why a transaction could not be taken apart; the RPC answers it -32602. */
export class WireError extends Error {}

export function decodeTransaction(wire: Uint8Array): DecodedTransaction {
  let transaction: Transaction;
  let message: WireMessage;
  try {
    const [decoded, end] = transactionDecoder.read(wire, 0);
    if (end !== wire.length) throw new Error(`${wire.length - end} bytes left over`);
    transaction = decoded;
    const compiled = messageDecoder.decode(transaction.messageBytes);
    if (compiled.version !== 'legacy' && compiled.version !== 0) throw new Error(`transaction version ${compiled.version} is not supported`);
    message = compiled;
  } catch (error) {
    throw new WireError(`failed to deserialize ${VERSIONED_TRANSACTION_TYPE}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const signatures = Object.values(transaction.signatures);
  if (signatures.length === 0) throw new WireError('invalid transaction: Transaction failed to sanitize accounts offsets correctly');
  const first = signatures[0];
  return {
    wire,
    transaction,
    message,
    signature: base58.decode(first ?? new Uint8Array(64)),
    version: message.version,
    recentBlockhash: message.lifetimeToken,
  };
}

export function lookups(message: WireMessage): readonly { lookupTableAddress: Address; writableIndexes: readonly number[]; readonlyIndexes: readonly number[] }[] {
  return message.version === 0 ? (message.addressTableLookups ?? []) : [];
}

/** Program ids the message's own instructions invoke (these keys are programs, not data accounts). */
export function invokedPrograms(message: WireMessage, accountKeys: readonly string[]): Set<string> {
  return new Set(message.instructions.map((instruction) => accountKeys[instruction.programAddressIndex]).filter((key): key is string => key !== undefined));
}

function dataView(data: ReadonlyUint8Array | undefined): DataView | null {
  return data ? new DataView(data.buffer, data.byteOffset, data.byteLength) : null;
}

/**
 * The fee the runtime charges: 5,000 lamports per signature (precompile signatures included) plus the
 * priority fee, compute-unit price × compute-unit limit (the requested limit, or the default the runtime
 * reserves: 3,000 per builtin instruction, 200,000 per other, at most 1.4 M), in micro-lamports, rounded up.
 */
export function transactionFee(message: WireMessage): bigint {
  const keys = message.staticAccounts;
  let signatures = BigInt(message.header.numSignerAccounts);
  let price = 0n;
  let requestedLimit: bigint | null = null;
  let defaultLimit = 0n;
  for (const instruction of message.instructions) {
    const program = keys[instruction.programAddressIndex] ?? '';
    const data = instruction.data;
    if (SIGNATURE_PRECOMPILES.has(program) && data && data.length > 0) signatures += BigInt(data[0]!);
    defaultLimit += BUILTIN_PROGRAMS.has(program) ? MAX_BUILTIN_ALLOCATION_COMPUTE_UNIT_LIMIT : DEFAULT_INSTRUCTION_COMPUTE_UNIT_LIMIT;
    if (program !== COMPUTE_BUDGET_PROGRAM) continue;
    const view = dataView(data);
    if (view?.byteLength === 5 && view.getUint8(0) === 2) requestedLimit = BigInt(view.getUint32(1, true));
    if (view?.byteLength === 9 && view.getUint8(0) === 3) price = view.getBigUint64(1, true);
  }
  const limit = requestedLimit ?? defaultLimit;
  const units = limit < MAX_COMPUTE_UNIT_LIMIT ? limit : MAX_COMPUTE_UNIT_LIMIT;
  const priority = (price * units + 999_999n) / 1_000_000n;
  return signatures * LAMPORTS_PER_SIGNATURE + priority;
}

/** Memos as getSignaturesForAddress shows them: "[length] text", joined by "; ". */
export function memoOf(message: WireMessage): string | null {
  const memos = message.instructions
    .filter((instruction) => MEMO_PROGRAMS.has(message.staticAccounts[instruction.programAddressIndex] ?? ''))
    .map((instruction) => {
      const bytes = instruction.data ?? new Uint8Array();
      // Rust's String::len: the length in bytes.
      return `[${bytes.length}] ${new TextDecoder().decode(bytes as Uint8Array)}`;
    });
  return memos.length ? memos.join('; ') : null;
}
