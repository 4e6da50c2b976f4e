/**
 * The Solana RPC methods the app and the coordinator call, answered from the local chain in the shapes (and
 * with the errors) the real RPC uses, so @solana/kit's createSolanaRpc works against it unchanged. Every
 * other method is "Method not found" (-32601). Handlers are synchronous except requestAirdrop (signing).
 */
import { createHash } from 'node:crypto';
import { getBase58Decoder, getBase58Encoder, getBase64Decoder, getCompiledTransactionMessageDecoder, isAddress, isSignature, type Address } from '@solana/kit';
import { FeatureSet } from 'litesvm';
import {
  invalidParams,
  INTERNAL_ERROR,
  MIN_CONTEXT_SLOT_NOT_REACHED,
  RpcError,
  SEND_TRANSACTION_PREFLIGHT_FAILURE,
  UNSUPPORTED_TRANSACTION_VERSION,
} from './json-rpc.js';
import type { TxRecord } from './history.js';
import type { AccountView, Ledger, SendOutcome, Simulation } from './ledger.js';
import { SLOTS_PER_EPOCH } from './slot-clock.js';
import { isTokenProgram, parsedTokenData, readMint, readTokenAccount, uiTokenAmount } from './token-accounts.js';
import { decodeTransaction, MAX_BASE58_SIZE, MAX_BASE64_SIZE, PACKET_DATA_SIZE, transactionFee, VERSIONED_TRANSACTION_TYPE, WireError, type DecodedTransaction, type WireMessage } from './wire.js';

/** The agave release LiteSVM 1.5 embeds (solana-program-runtime 4.3.0). */
export const SOLANA_CORE_VERSION = '4.3.0';
const U64_MAX = 18_446_744_073_709_551_615n;
const MAX_MULTIPLE_ACCOUNTS = 100;
const MAX_SIGNATURE_STATUSES = 256;
const MAX_SIGNATURES_FOR_ADDRESS = 1000;
/** Without searchTransactionHistory, statuses come from the status cache: about the last 300 slots. */
const STATUS_CACHE_SLOTS = 300n;
const MAX_BASE58_ACCOUNT_BYTES = 128;

const base58 = getBase58Decoder();
const base58Bytes = getBase58Encoder();
const base64 = getBase64Decoder();

export interface MethodContext {
  ledger: Ledger;
  genesisHash: string;
  /** Called after a transaction landed (the store takes a snapshot now and then). */
  landed(): void;
}

type Params = readonly unknown[];
type Handler = (context: MethodContext, params: Params) => unknown;

// ---- parameters -------------------------------------------------------------------------------------------

function configAt(params: Params, index: number): Record<string, unknown> {
  const value = params[index];
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw invalidParams(`Invalid params: parameter ${index + 1} must be a configuration object.`);
  return value as Record<string, unknown>;
}

function addressAt(params: Params, index: number): string {
  const value = params[index];
  if (typeof value !== 'string' || !isAddress(value)) throw invalidParams('Invalid param: Invalid');
  return value;
}

function signatureOf(value: unknown): string {
  if (typeof value !== 'string' || !isSignature(value)) throw invalidParams('Invalid param: Invalid');
  return value;
}

function u64At(params: Params, index: number, name: string): bigint {
  const value = params[index];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw invalidParams(`Invalid params: ${name} must be a whole number.`);
  return BigInt(value);
}

function checkCommitment(config: Record<string, unknown>, atLeastConfirmed = false): void {
  const commitment = config.commitment;
  if (commitment === undefined) return;
  if (commitment !== 'processed' && commitment !== 'confirmed' && commitment !== 'finalized') throw invalidParams(`Invalid params: unknown commitment "${String(commitment)}".`);
  if (atLeastConfirmed && commitment === 'processed') throw invalidParams('Method does not support commitment below `confirmed`');
}

function checkMinContextSlot(context: MethodContext, config: Record<string, unknown>): void {
  const min = config.minContextSlot;
  if (min === undefined || min === null) return;
  if (typeof min !== 'number' || !Number.isSafeInteger(min)) throw invalidParams('Invalid params: minContextSlot must be a whole number.');
  const slot = context.ledger.clock.slot();
  if (BigInt(min) > slot) throw new RpcError(MIN_CONTEXT_SLOT_NOT_REACHED, 'Minimum context slot has not been reached', { contextSlot: slot });
}

/** Commitment and minContextSlot checked, the config returned. */
function readConfig(context: MethodContext, params: Params, index: number, atLeastConfirmed = false): Record<string, unknown> {
  const config = configAt(params, index);
  checkCommitment(config, atLeastConfirmed);
  checkMinContextSlot(context, config);
  return config;
}

function withContext(context: MethodContext, value: unknown): unknown {
  return { context: { apiVersion: SOLANA_CORE_VERSION, slot: context.ledger.clock.slot() }, value };
}

// ---- transactions on the wire -----------------------------------------------------------------------------

/** The RPC's size rules, in its words: the encoded text first, then the decoded bytes (1,232 at most). */
function wireBytes(data: unknown, encoding: unknown): Uint8Array {
  if (typeof data !== 'string') throw invalidParams('Invalid params: the transaction must be a string.');
  let bytes: Uint8Array;
  if (encoding === undefined || encoding === 'base58') {
    if (data.length > MAX_BASE58_SIZE) throw invalidParams(`base58 encoded ${VERSIONED_TRANSACTION_TYPE} too large: ${data.length} bytes (max: encoded/raw ${MAX_BASE58_SIZE}/${PACKET_DATA_SIZE})`);
    try {
      bytes = new Uint8Array(base58Bytes.encode(data));
    } catch {
      throw invalidParams('invalid base58 encoding: InvalidCharacter');
    }
  } else if (encoding === 'base64') {
    if (data.length > MAX_BASE64_SIZE) throw invalidParams(`base64 encoded ${VERSIONED_TRANSACTION_TYPE} too large: ${data.length} bytes (max: encoded/raw ${MAX_BASE64_SIZE}/${PACKET_DATA_SIZE})`);
    if (data.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(data)) throw invalidParams('invalid base64 encoding: InvalidByte');
    bytes = new Uint8Array(Buffer.from(data, 'base64'));
  } else {
    throw invalidParams(`unsupported encoding: ${String(encoding)}. Supported encodings: base58, base64`);
  }
  if (bytes.length > PACKET_DATA_SIZE) throw invalidParams(`decoded ${VERSIONED_TRANSACTION_TYPE} too large: ${bytes.length} bytes (max: ${PACKET_DATA_SIZE} bytes)`);
  return bytes;
}

function decodedFrom(data: unknown, encoding: unknown) {
  const bytes = wireBytes(data, encoding);
  try {
    return decodeTransaction(bytes);
  } catch (error) {
    if (error instanceof WireError) throw invalidParams(error.message);
    throw error;
  }
}

function preflightError(outcome: Extract<SendOutcome, { status: 'rejected' }>): RpcError {
  return new RpcError(SEND_TRANSACTION_PREFLIGHT_FAILURE, `Transaction simulation failed: ${outcome.failure.text}`, {
    accounts: null,
    err: outcome.failure.json,
    fee: outcome.fee,
    innerInstructions: null,
    loadedAddresses: null,
    logs: outcome.logs,
    postBalances: null,
    postTokenBalances: null,
    preBalances: null,
    preTokenBalances: null,
    replacementBlockhash: null,
    returnData: null,
    unitsConsumed: outcome.unitsConsumed,
  });
}

// ---- accounts ---------------------------------------------------------------------------------------------

function sliced(data: Uint8Array, config: Record<string, unknown>): Uint8Array {
  const slice = config.dataSlice as { offset?: unknown; length?: unknown } | undefined;
  if (!slice) return data;
  if (typeof slice.offset !== 'number' || typeof slice.length !== 'number' || slice.offset < 0 || slice.length < 0) throw invalidParams('Invalid params: dataSlice needs a whole offset and length.');
  return data.subarray(slice.offset, slice.offset + slice.length);
}

function encodeAccount(context: MethodContext, account: AccountView | null, config: Record<string, unknown>): unknown {
  if (!account) return null;
  const encoding = config.encoding ?? 'binary';
  let data: unknown;
  if (encoding === 'jsonParsed') {
    data = parsedTokenData(account.owner, account.data, (mint) => context.ledger.decimalsOf(mint)) ?? [base64.decode(account.data), 'base64'];
  } else if (encoding === 'base64') {
    data = [base64.decode(sliced(account.data, config)), 'base64'];
  } else if (encoding === 'base58' || encoding === 'binary') {
    const bytes = sliced(account.data, config);
    if (bytes.length > MAX_BASE58_ACCOUNT_BYTES) throw invalidParams('Encoded binary (base 58) data should be less than 128 bytes, please use Base64 encoding.');
    data = encoding === 'binary' ? base58.decode(bytes) : [base58.decode(bytes), 'base58'];
  } else if (encoding === 'base64+zstd') {
    throw invalidParams('base64+zstd is not available on this local node; ask for base64.');
  } else {
    throw invalidParams(`Invalid params: unknown encoding "${String(encoding)}".`);
  }
  return { data, executable: account.executable, lamports: account.lamports, owner: account.owner, rentEpoch: U64_MAX, space: BigInt(account.data.length) };
}

// ---- transaction history ----------------------------------------------------------------------------------

function status(record: TxRecord) {
  return { slot: BigInt(record.slot), confirmations: null, err: record.err, status: record.err === null ? { Ok: null } : { Err: record.err }, confirmationStatus: 'finalized' };
}

function returnDataJson(returnData: TxRecord['returnData']) {
  return returnData ? { programId: returnData.programId, data: [returnData.data, 'base64'] } : undefined;
}

function transactionJson(decoded: DecodedTransaction, withVersion: boolean) {
  const { message } = decoded;
  const signatures = Object.values(decoded.transaction.signatures).map((bytes) => base58.decode(bytes ?? new Uint8Array(64)));
  const json = {
    signatures,
    message: {
      accountKeys: message.staticAccounts,
      header: {
        numReadonlySignedAccounts: message.header.numReadonlySignerAccounts,
        numReadonlyUnsignedAccounts: message.header.numReadonlyNonSignerAccounts,
        numRequiredSignatures: message.header.numSignerAccounts,
      },
      instructions: message.instructions.map((instruction) => ({
        accounts: instruction.accountIndices ?? [],
        data: base58.decode(instruction.data ?? new Uint8Array()),
        programIdIndex: instruction.programAddressIndex,
        stackHeight: null,
      })),
      recentBlockhash: message.lifetimeToken,
    },
  };
  if (withVersion && message.version === 0) {
    Object.assign(json.message, {
      addressTableLookups: (message.addressTableLookups ?? []).map((lookup) => ({ accountKey: lookup.lookupTableAddress, readonlyIndexes: lookup.readonlyIndexes, writableIndexes: lookup.writableIndexes })),
    });
  }
  return json;
}

function getTransaction(context: MethodContext, params: Params): unknown {
  const signature = signatureOf(params[0]);
  // The second parameter may still be a bare encoding string (the old form).
  const config = typeof params[1] === 'string' ? { encoding: params[1] } : readConfig(context, params, 1, true);
  const encoding = config.encoding ?? 'json';
  if (encoding === 'jsonParsed') throw invalidParams('jsonParsed is not available for transactions on this local node; ask for json or base64.');
  if (encoding !== 'json' && encoding !== 'base64' && encoding !== 'base58') throw invalidParams(`Invalid params: unknown encoding "${String(encoding)}".`);
  const maxVersion = config.maxSupportedTransactionVersion;
  if (maxVersion !== undefined && (typeof maxVersion !== 'number' || !Number.isInteger(maxVersion) || maxVersion < 0)) throw invalidParams('Invalid params: maxSupportedTransactionVersion must be a version number.');
  const record = context.ledger.history.get(signature);
  if (!record) return null;
  if (record.version === 0 && maxVersion === undefined) {
    throw new RpcError(
      UNSUPPORTED_TRANSACTION_VERSION,
      'Transaction version (0) is not supported by the requesting client. Please try the request again with the following configuration parameter: "maxSupportedTransactionVersion": 0',
    );
  }
  const withVersion = maxVersion !== undefined;
  const decoded = decodeTransaction(new Uint8Array(Buffer.from(record.wire, 'base64')));
  const transaction =
    encoding === 'json' ? transactionJson(decoded, withVersion) : encoding === 'base64' ? [record.wire, 'base64'] : [base58.decode(Buffer.from(record.wire, 'base64')), 'base58'];
  const meta = {
    computeUnitsConsumed: BigInt(record.computeUnitsConsumed),
    err: record.err,
    fee: BigInt(record.fee),
    innerInstructions: record.innerInstructions,
    logMessages: record.logMessages,
    postBalances: record.postBalances.map(BigInt),
    postTokenBalances: record.postTokenBalances,
    preBalances: record.preBalances.map(BigInt),
    preTokenBalances: record.preTokenBalances,
    rewards: [],
    status: record.err === null ? { Ok: null } : { Err: record.err },
    ...(withVersion ? { loadedAddresses: record.loadedAddresses } : {}),
    ...(record.returnData ? { returnData: returnDataJson(record.returnData) } : {}),
  };
  return { blockTime: record.blockTime, meta, slot: BigInt(record.slot), transaction, ...(withVersion ? { version: record.version } : {}) };
}

function getSignatureStatuses(context: MethodContext, params: Params): unknown {
  const signatures = params[0];
  if (!Array.isArray(signatures)) throw invalidParams('Invalid params: expected an array of signatures.');
  if (signatures.length > MAX_SIGNATURE_STATUSES) throw invalidParams(`Too many inputs provided; max ${MAX_SIGNATURE_STATUSES}`);
  const config = configAt(params, 1);
  const searchHistory = config.searchTransactionHistory === true;
  const oldest = context.ledger.clock.slot() - STATUS_CACHE_SLOTS;
  const value = signatures.map((raw) => {
    const record = context.ledger.history.get(signatureOf(raw));
    if (!record || (!searchHistory && BigInt(record.slot) < oldest)) return null;
    return status(record);
  });
  return withContext(context, value);
}

function getSignaturesForAddress(context: MethodContext, params: Params): unknown {
  const address = addressAt(params, 0);
  const config = readConfig(context, params, 1, true);
  const limit = config.limit ?? MAX_SIGNATURES_FOR_ADDRESS;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > MAX_SIGNATURES_FOR_ADDRESS) throw invalidParams(`Invalid limit; max ${MAX_SIGNATURES_FOR_ADDRESS}`);
  const before = config.before === undefined ? undefined : signatureOf(config.before);
  const until = config.until === undefined ? undefined : signatureOf(config.until);
  return context.ledger.history.forAddress(address, { before, until, limit }).map((record) => ({
    blockTime: record.blockTime,
    confirmationStatus: 'finalized',
    err: record.err,
    memo: record.memo,
    signature: record.signature,
    slot: BigInt(record.slot),
  }));
}

// ---- the methods ------------------------------------------------------------------------------------------

function sendTransaction(context: MethodContext, params: Params): unknown {
  const config = configAt(params, 1);
  checkMinContextSlot(context, config);
  const decoded = decodedFrom(params[0], config.encoding);
  const outcome = context.ledger.submit(decoded, config.skipPreflight !== true);
  if (outcome.status === 'rejected') throw preflightError(outcome);
  if (outcome.status === 'landed') context.landed();
  return decoded.signature;
}

function simulationJson(context: MethodContext, simulation: Simulation, config: Record<string, unknown>, replaced: boolean): unknown {
  const accounts = config.accounts as { addresses?: unknown; encoding?: unknown } | undefined;
  let accountsJson: unknown = null;
  if (accounts && !simulation.failure) {
    if (!Array.isArray(accounts.addresses)) throw invalidParams('Invalid params: accounts.addresses must be an array.');
    const addresses: unknown[] = accounts.addresses;
    const encoding = { encoding: accounts.encoding ?? 'base64' };
    accountsJson = addresses.map((_, index) => {
      const key = addressAt(addresses, index);
      return encodeAccount(context, simulation.after.get(key) ?? context.ledger.account(key), encoding);
    });
  }
  return {
    accounts: accountsJson,
    err: simulation.failure?.json ?? null,
    fee: simulation.fee,
    innerInstructions: config.innerInstructions === true && !simulation.failure ? simulation.innerInstructions : null,
    loadedAddresses: simulation.loadedAddresses,
    logs: simulation.logs,
    postBalances: simulation.post?.lamports ?? null,
    postTokenBalances: simulation.post?.tokens ?? null,
    preBalances: simulation.pre?.lamports ?? null,
    preTokenBalances: simulation.pre?.tokens ?? null,
    replacementBlockhash: replaced ? context.ledger.clock.latestBlockhash() : null,
    returnData: returnDataJson(simulation.returnData) ?? null,
    unitsConsumed: simulation.unitsConsumed,
  };
}

function simulateTransaction(context: MethodContext, params: Params): unknown {
  const config = readConfig(context, params, 1);
  const sigVerify = config.sigVerify === true;
  const replaceRecentBlockhash = config.replaceRecentBlockhash === true;
  if (sigVerify && replaceRecentBlockhash) throw invalidParams('sigVerify may not be used with replaceRecentBlockhash');
  const decoded = decodedFrom(params[0], config.encoding);
  const simulation = context.ledger.simulate(decoded, { sigVerify, replaceRecentBlockhash });
  return withContext(context, simulationJson(context, simulation, config, replaceRecentBlockhash));
}

async function requestAirdrop(context: MethodContext, params: Params): Promise<unknown> {
  const recipient = addressAt(params, 0) as Address;
  const lamports = u64At(params, 1, 'lamports');
  readConfig(context, params, 2);
  const outcome = await context.ledger.airdrop(recipient, lamports);
  if (outcome.status !== 'landed') throw new RpcError(INTERNAL_ERROR, `Airdrop failed: ${outcome.failure.text}`);
  context.landed();
  return outcome.record.signature;
}

function getFeeForMessage(context: MethodContext, params: Params): unknown {
  readConfig(context, params, 1);
  const text = params[0];
  if (typeof text !== 'string') throw invalidParams('Invalid params: the message must be base64.');
  let message: WireMessage;
  try {
    const compiled = getCompiledTransactionMessageDecoder().decode(Buffer.from(text, 'base64'));
    if (compiled.version !== 'legacy' && compiled.version !== 0) throw new Error('unsupported version');
    message = compiled;
  } catch {
    throw invalidParams('invalid message: it does not decode as a legacy or v0 transaction message.');
  }
  const recent = context.ledger.clock.heightOfRecentBlockhash(message.lifetimeToken) !== null;
  return withContext(context, recent ? transactionFee(message) : null);
}

function getTokenAccountBalance(context: MethodContext, params: Params): unknown {
  const address = addressAt(params, 0);
  readConfig(context, params, 1);
  const account = context.ledger.account(address);
  if (!account) throw invalidParams('Invalid param: could not find account');
  const token = readTokenAccount(account.owner, account.data);
  if (!token) throw invalidParams('Invalid param: not a Token account');
  const decimals = context.ledger.decimalsOf(token.mint);
  if (decimals === null) throw invalidParams('Invalid param: could not find mint');
  return withContext(context, uiTokenAmount(token.amount, decimals));
}

function getTokenAccountsByOwner(context: MethodContext, params: Params): unknown {
  const owner = addressAt(params, 0);
  const filter = configAt(params, 1);
  const config = readConfig(context, params, 2);
  let program: string;
  let mint: string | null = null;
  if (typeof filter.mint === 'string') {
    mint = addressAt([filter.mint], 0);
    const account = context.ledger.account(mint);
    if (!account || !readMint(account.owner, account.data)) throw invalidParams('Invalid param: could not find mint');
    program = account.owner;
  } else if (typeof filter.programId === 'string') {
    program = addressAt([filter.programId], 0);
    if (!isTokenProgram(program)) throw invalidParams('Invalid param: unrecognized Token program id');
  } else {
    throw invalidParams('Invalid params: the filter must be {"mint": …} or {"programId": …}.');
  }
  const accounts = context.ledger.programAccounts(program).filter((account) => {
    const token = readTokenAccount(account.owner, account.data);
    return token !== null && token.owner === owner && (mint === null || token.mint === mint);
  });
  return withContext(
    context,
    accounts.map((account) => ({ pubkey: account.address, account: encodeAccount(context, account, config) })),
  );
}

let featureSetId: number | null = null;

/** Like agave: the first four bytes (little-endian) of a hash over the active features, sorted. */
function activeFeatureSetId(): number {
  if (featureSetId === null) {
    const hash = createHash('sha256');
    for (const id of FeatureSet.allEnabled()
      .getActiveFeatures()
      .map((feature) => Buffer.from(feature))
      .sort(Buffer.compare)) {
      hash.update(id);
    }
    featureSetId = hash.digest().readUInt32LE(0);
  }
  return featureSetId;
}

const METHODS: Record<string, Handler> = {
  getHealth: () => 'ok',
  getVersion: () => ({ 'feature-set': activeFeatureSetId(), 'solana-core': SOLANA_CORE_VERSION }),
  getGenesisHash: (context) => context.genesisHash,
  getSlot: (context, params) => (readConfig(context, params, 0), context.ledger.clock.slot()),
  getBlockHeight: (context, params) => (readConfig(context, params, 0), context.ledger.clock.blockHeight()),
  getLatestBlockhash: (context, params) => (readConfig(context, params, 0), withContext(context, context.ledger.clock.latestBlockhash())),
  getEpochInfo: (context, params) => {
    readConfig(context, params, 0);
    const slot = context.ledger.clock.slot();
    return { absoluteSlot: slot, blockHeight: slot, epoch: slot / SLOTS_PER_EPOCH, slotIndex: slot % SLOTS_PER_EPOCH, slotsInEpoch: SLOTS_PER_EPOCH, transactionCount: BigInt(context.ledger.history.size) };
  },
  getMinimumBalanceForRentExemption: (context, params) => (readConfig(context, params, 1), context.ledger.rentExemptMinimum(u64At(params, 0, 'the data length'))),
  getBalance: (context, params) => {
    const address = addressAt(params, 0);
    readConfig(context, params, 1);
    return withContext(context, context.ledger.balance(address));
  },
  getAccountInfo: (context, params) => {
    const address = addressAt(params, 0);
    const config = readConfig(context, params, 1);
    return withContext(context, encodeAccount(context, context.ledger.account(address), config));
  },
  getMultipleAccounts: (context, params) => {
    const addresses = params[0];
    if (!Array.isArray(addresses)) throw invalidParams('Invalid params: expected an array of addresses.');
    if (addresses.length > MAX_MULTIPLE_ACCOUNTS) throw invalidParams(`Too many inputs provided; max ${MAX_MULTIPLE_ACCOUNTS}`);
    const config = readConfig(context, params, 1);
    return withContext(
      context,
      addresses.map((_, index) => encodeAccount(context, context.ledger.account(addressAt(addresses, index)), config)),
    );
  },
  getTokenAccountBalance,
  getTokenAccountsByOwner,
  getTransaction,
  getSignatureStatuses,
  getSignaturesForAddress,
  getFeeForMessage,
  sendTransaction,
  simulateTransaction,
  requestAirdrop,
};

export function findMethod(name: string): Handler | undefined {
  return Object.hasOwn(METHODS, name) ? METHODS[name] : undefined;
}
