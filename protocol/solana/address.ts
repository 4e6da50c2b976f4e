/**
 * Solana addresses (ed25519 public keys: 32 bytes written in base58), checked strictly and explained in plain
 * words. Pure and dependency-free on purpose: the renderer checks what the owner pastes as they type, settings and
 * the CLI check it before saving, and the wire schema refines with it. @solana/kit's isAddress answers only
 * yes or no, and pulling kit's codecs into the renderer bundle for one check is not worth it; the tests compare
 * this decoder with kit's on many keys.
 */

import { UserFacingError } from '../errors.js';

const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const DIGIT_OF = new Map([...ALPHABET].map((character, index) => [character, index]));
export const SOLANA_ADDRESS_BYTES = 32;
/** 32 bytes never need more than 44 base58 characters; anything longer is refused before decoding. */
const MAX_ADDRESS_CHARACTERS = 44;

export type Base58Decoding = { ok: true; bytes: Uint8Array } | { ok: false; badCharacterAt: number };

/** Base58 (Bitcoin alphabet, as Solana uses it) to bytes; each leading "1" is a zero byte. */
export function decodeBase58(text: string): Base58Decoding {
  const bytes: number[] = []; // little-endian while building
  let leadingZeros = 0;
  while (leadingZeros < text.length && text[leadingZeros] === '1') leadingZeros++;
  for (let index = 0; index < text.length; index++) {
    let carry = DIGIT_OF.get(text[index]!);
    if (carry === undefined) return { ok: false, badCharacterAt: index };
    for (let i = 0; i < bytes.length; i++) {
      carry += bytes[i]! * 58;
      bytes[i] = carry & 0xff;
      carry >>= 8;
    }
    for (; carry > 0; carry >>= 8) bytes.push(carry & 0xff);
  }
  const out = new Uint8Array(leadingZeros + bytes.length);
  bytes.reverse().forEach((byte, i) => (out[leadingZeros + i] = byte));
  return { ok: true, bytes: out };
}

/** Bytes to base58; each leading zero byte is a "1". */
export function encodeBase58(bytes: Uint8Array): string {
  const digits: number[] = []; // little-endian base-58 digits
  let leadingZeros = 0;
  while (leadingZeros < bytes.length && bytes[leadingZeros] === 0) leadingZeros++;
  for (const byte of bytes) {
    let carry = byte;
    for (let i = 0; i < digits.length; i++) {
      carry += digits[i]! << 8;
      digits[i] = carry % 58;
      carry = Math.floor(carry / 58);
    }
    for (; carry > 0; carry = Math.floor(carry / 58)) digits.push(carry % 58);
  }
  return '1'.repeat(leadingZeros) + digits.reverse().map((digit) => ALPHABET[digit]).join('');
}

export type AddressCheck =
  | { ok: true; address: string }
  | { ok: false; reason: 'empty' | 'bad-character' | 'wrong-length' | 'not-solana'; message: string; nextStep: string };

const COPY_AGAIN = 'Copy the receiving address again from your Solana wallet (Phantom, Solflare, Backpack, the Solana CLI…) and paste it whole.';

function describeCharacter(character: string): string {
  if (character === ' ') return 'a space';
  if (character === '\t') return 'a tab';
  if (character === '\n' || character === '\r') return 'a line break';
  return `"${character}"`;
}

function refused(reason: Exclude<AddressCheck, { ok: true }>['reason'], message: string, nextStep = COPY_AGAIN): AddressCheck {
  return { ok: false, reason, message, nextStep };
}

/** Why a decoded value of this many bytes is not an address. The input is never echoed: it may be a pasted secret key. */
function wrongLengthMessage(byteCount: number): string {
  if (byteCount === 64) return 'This is not a Solana address: it is 64 bytes long, like a secret key or a transaction signature. Never paste a secret key anywhere; an address is the public half, 32 bytes.';
  return `This is not a Solana address: it decodes to ${byteCount} bytes, and a Solana address is exactly ${SOLANA_ADDRESS_BYTES}. Part of it may be missing, or something extra was copied with it.`;
}

/**
 * A Solana address the owner typed or pasted: surrounding spaces are dropped, the rest must be base58 that
 * decodes to exactly 32 bytes. Refusals say what is wrong and what to do, and never repeat the input.
 */
export function checkSolanaAddress(input: string): AddressCheck {
  const text = input.trim();
  if (text === '') return refused('empty', 'No address was given.', 'Paste the receiving address your Solana wallet shows (32 to 44 letters and digits).');
  if (/^0x[0-9a-f]{40}$/i.test(text)) return refused('not-solana', 'This is an Ethereum-style address; Offhours pays out on Solana.', 'Paste a Solana address instead (your wallet app shows it under Solana, 32 to 44 letters and digits, no "0x").');
  if (text.length > MAX_ADDRESS_CHARACTERS + 44) return refused('wrong-length', `This is not a Solana address: it is ${text.length} characters long, and an address is 32 to 44.`);
  const decoded = decodeBase58(text);
  if (!decoded.ok) {
    const position = decoded.badCharacterAt;
    return refused('bad-character', `This is not a Solana address: it contains ${describeCharacter(text[position]!)} (character ${position + 1}), which never appears in one. Solana addresses use letters and digits except 0, O, I and l.`);
  }
  if (decoded.bytes.length !== SOLANA_ADDRESS_BYTES || text.length > MAX_ADDRESS_CHARACTERS) return refused('wrong-length', wrongLengthMessage(decoded.bytes.length));
  return { ok: true, address: text };
}

/** True for exactly the addresses checkSolanaAddress accepts, with no spaces around them. */
export function isSolanaAddress(text: string): boolean {
  const check = checkSolanaAddress(text);
  return check.ok && check.address === text;
}

/** The address checkSolanaAddress accepts (trimmed), or a UserFacingError with its plain words: for settings, the API and the CLI. */
export function requireSolanaAddress(input: string): string {
  const check = checkSolanaAddress(input);
  if (!check.ok) throw new UserFacingError('invalid-address', check.message, check.nextStep);
  return check.address;
}
