/**
 * SPL Token accounts and mints read from their bytes, and shaped as the RPC shapes them: uiTokenAmount,
 * the token balances of a transaction's meta, and `jsonParsed` account data. Only the base layouts (165-byte
 * accounts, 82-byte mints) are parsed; a Token-2022 account with extensions is left to base64, as an RPC
 * without that parser would.
 */
import { getAddressDecoder } from '@solana/kit';

export const TOKEN_PROGRAM = 'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA';
export const TOKEN_2022_PROGRAM = 'TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb';
export const TOKEN_ACCOUNT_SIZE = 165;
export const MINT_SIZE = 82;

const addressDecoder = getAddressDecoder();

export function isTokenProgram(owner: string): boolean {
  return owner === TOKEN_PROGRAM || owner === TOKEN_2022_PROGRAM;
}

export interface TokenAccountState {
  mint: string;
  owner: string;
  amount: bigint;
  delegate: string | null;
  state: 'uninitialized' | 'initialized' | 'frozen';
  /** Rent-exempt reserve of a wrapped-SOL account; null for every other mint. */
  isNative: bigint | null;
  delegatedAmount: bigint;
  closeAuthority: string | null;
}

export interface MintState {
  mintAuthority: string | null;
  supply: bigint;
  decimals: number;
  isInitialized: boolean;
  freezeAuthority: string | null;
}

function optionalAddress(data: Uint8Array, offset: number): string | null {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  return view.getUint32(offset, true) === 1 ? addressDecoder.decode(data.subarray(offset + 4, offset + 36)) : null;
}

function u64(data: Uint8Array, offset: number): bigint {
  return new DataView(data.buffer, data.byteOffset, data.byteLength).getBigUint64(offset, true);
}

/** Token-2022 marks an account with extensions by a type byte after the 165-byte base. */
function baseKind(owner: string, data: Uint8Array): 'account' | 'mint' | null {
  if (!isTokenProgram(owner)) return null;
  if (data.length === TOKEN_ACCOUNT_SIZE) return 'account';
  if (data.length === MINT_SIZE) return 'mint';
  if (owner === TOKEN_2022_PROGRAM && data.length > TOKEN_ACCOUNT_SIZE) return data[TOKEN_ACCOUNT_SIZE] === 2 ? 'account' : data[TOKEN_ACCOUNT_SIZE] === 1 ? 'mint' : null;
  return null;
}

/** The token account held in these bytes, or null when they are not an initialized token account. */
export function readTokenAccount(owner: string, data: Uint8Array): TokenAccountState | null {
  if (baseKind(owner, data) !== 'account') return null;
  const stateByte = data[108];
  if (stateByte !== 1 && stateByte !== 2) return null;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  return {
    mint: addressDecoder.decode(data.subarray(0, 32)),
    owner: addressDecoder.decode(data.subarray(32, 64)),
    amount: u64(data, 64),
    delegate: optionalAddress(data, 72),
    state: stateByte === 1 ? 'initialized' : 'frozen',
    isNative: view.getUint32(109, true) === 1 ? u64(data, 113) : null,
    delegatedAmount: u64(data, 121),
    closeAuthority: optionalAddress(data, 129),
  };
}

export function readMint(owner: string, data: Uint8Array): MintState | null {
  if (baseKind(owner, data) !== 'mint') return null;
  return {
    mintAuthority: optionalAddress(data, 0),
    supply: u64(data, 36),
    decimals: data[44]!,
    isInitialized: data[45] === 1,
    freezeAuthority: optionalAddress(data, 46),
  };
}

/** `amount` as a decimal with `decimals` places, trailing zeros trimmed ("1.5", "0", "100"). */
export function uiAmountString(amount: bigint, decimals: number): string {
  if (decimals === 0) return amount.toString();
  const digits = amount.toString().padStart(decimals + 1, '0');
  const whole = digits.slice(0, -decimals);
  const fraction = digits.slice(-decimals).replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : whole;
}

export interface UiTokenAmount {
  amount: string;
  decimals: number;
  /** A float for display only, as the RPC gives it; money is read from `amount`. */
  uiAmount: number;
  uiAmountString: string;
}

export function uiTokenAmount(amount: bigint, decimals: number): UiTokenAmount {
  const text = uiAmountString(amount, decimals);
  return { amount: amount.toString(), decimals, uiAmount: Number(text), uiAmountString: text };
}

export interface TokenBalance {
  accountIndex: number;
  mint: string;
  owner: string;
  programId: string;
  uiTokenAmount: UiTokenAmount;
}

function programName(owner: string): string {
  return owner === TOKEN_2022_PROGRAM ? 'spl-token-2022' : 'spl-token';
}

/** `jsonParsed` data of a token account or mint, or null for anything else (then the RPC answers base64). */
export function parsedTokenData(owner: string, data: Uint8Array, decimalsOf: (mint: string) => number | null): object | null {
  const account = readTokenAccount(owner, data);
  if (account && data.length === TOKEN_ACCOUNT_SIZE) {
    const decimals = decimalsOf(account.mint);
    if (decimals === null) return null;
    const info: Record<string, unknown> = {
      isNative: account.isNative !== null,
      mint: account.mint,
      owner: account.owner,
      state: account.state,
      tokenAmount: uiTokenAmount(account.amount, decimals),
    };
    if (account.delegate) {
      info.delegate = account.delegate;
      info.delegatedAmount = uiTokenAmount(account.delegatedAmount, decimals);
    }
    if (account.closeAuthority) info.closeAuthority = account.closeAuthority;
    if (account.isNative !== null) info.rentExemptReserve = uiTokenAmount(account.isNative, 9);
    return { program: programName(owner), parsed: { type: 'account', info }, space: BigInt(data.length) };
  }
  const mint = readMint(owner, data);
  if (mint && data.length === MINT_SIZE) {
    const info = {
      decimals: mint.decimals,
      freezeAuthority: mint.freezeAuthority,
      isInitialized: mint.isInitialized,
      mintAuthority: mint.mintAuthority,
      supply: mint.supply.toString(),
    };
    return { program: programName(owner), parsed: { type: 'mint', info }, space: BigInt(data.length) };
  }
  return null;
}
