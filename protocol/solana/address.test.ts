import { ed25519 } from '@noble/curves/ed25519.js';
import { getAddressDecoder, isAddress } from '@solana/kit';
import { describe, expect, it } from 'vitest';
import { UserFacingError } from '../errors.js';
import { PayoutAddressSchema } from '../network.js';
import { checkSolanaAddress, decodeBase58, encodeBase58, isSolanaAddress, requireSolanaAddress } from './address.js';

const bytes = (length: number, fill = 7) => new Uint8Array(length).fill(fill);
/** A real-looking address: the base58 of a random public key, through @solana/kit's own codec. */
const kitAddress = () => getAddressDecoder().decode(ed25519.getPublicKey(ed25519.utils.randomSecretKey()));

describe('Solana address check', () => {
  it('accepts base58 of exactly 32 bytes, as @solana/kit does, and trims what was pasted around it', () => {
    for (let i = 0; i < 200; i++) {
      const address = kitAddress();
      expect(checkSolanaAddress(address)).toEqual({ ok: true, address });
      expect(isSolanaAddress(address)).toBe(isAddress(address));
      const decoded = decodeBase58(address);
      expect(decoded.ok && encodeBase58(decoded.bytes)).toBe(address);
    }
    expect(checkSolanaAddress('11111111111111111111111111111111')).toEqual({ ok: true, address: '11111111111111111111111111111111' }); // the system program: 32 zero bytes
    expect(checkSolanaAddress('  4Nd1mBQtrMJVYVfKf2PJy9NZUZdTAsp7D4xWLs4gDB4T\n')).toEqual({ ok: true, address: '4Nd1mBQtrMJVYVfKf2PJy9NZUZdTAsp7D4xWLs4gDB4T' });
    expect(isSolanaAddress(' 4Nd1mBQtrMJVYVfKf2PJy9NZUZdTAsp7D4xWLs4gDB4T')).toBe(false);
  });

  it('refuses base58 that decodes to 31 or 33 bytes, saying how many it decodes to', () => {
    // 33 bytes with a leading zero byte still fit in 44 characters: the old regex let both through.
    const samples = { 31: bytes(31, 200), 33: new Uint8Array([0, ...bytes(32, 1)]) };
    for (const length of [31, 33] as const) {
      const text = encodeBase58(samples[length]);
      expect(text).toMatch(/^[1-9A-HJ-NP-Za-km-z]{32,44}$/);
      const check = checkSolanaAddress(text);
      expect(check).toMatchObject({ ok: false, reason: 'wrong-length' });
      expect(!check.ok && check.message).toContain(`decodes to ${length} bytes, and a Solana address is exactly 32`);
      expect(isAddress(text)).toBe(false);
    }
    expect(checkSolanaAddress('1'.repeat(33))).toMatchObject({ ok: false, reason: 'wrong-length' });
    expect(checkSolanaAddress('abc')).toMatchObject({ ok: false, reason: 'wrong-length' });
    expect(checkSolanaAddress('x'.repeat(500))).toMatchObject({ ok: false, reason: 'wrong-length', message: expect.stringContaining('500 characters') });
  });

  it('names the character that can never be in an address, and where it is', () => {
    const good = kitAddress();
    for (const [bad, words] of [['0', '"0"'], ['O', '"O"'], ['I', '"I"'], ['l', '"l"'], ['+', '"+"'], [' ', 'a space']] as const) {
      const text = `${good.slice(0, 5)}${bad}${good.slice(6)}`;
      const check = checkSolanaAddress(text);
      expect(check).toMatchObject({ ok: false, reason: 'bad-character' });
      expect(!check.ok && check.message).toContain(`contains ${words} (character 6)`);
      expect(!check.ok && check.nextStep).toMatch(/Copy the receiving address again/);
    }
  });

  it('explains the empty, the Ethereum-style, and the pasted secret key, never repeating a secret', () => {
    expect(checkSolanaAddress('   ')).toMatchObject({ ok: false, reason: 'empty', nextStep: expect.stringContaining('Paste the receiving address') });
    expect(checkSolanaAddress('0x52908400098527886E0F7030069857D2E4169EE7')).toMatchObject({ ok: false, reason: 'not-solana', message: expect.stringContaining('Ethereum') });
    const secretKey = encodeBase58(new Uint8Array([...ed25519.utils.randomSecretKey(), ...bytes(32)]));
    const check = checkSolanaAddress(secretKey);
    expect(check).toMatchObject({ ok: false, reason: 'wrong-length', message: expect.stringContaining('like a secret key') });
    expect(JSON.stringify(check)).not.toContain(secretKey.slice(0, 12));
  });

  it('throws the plain words as a UserFacingError for settings, the API and the CLI', () => {
    const error = (() => {
      try {
        requireSolanaAddress('not an address');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(UserFacingError);
    expect(error).toMatchObject({ code: 'invalid-address', message: expect.stringContaining('a space (character 4)') });
  });

  it('tightens the wire schema: "" or base58 of 32 bytes, nothing else', () => {
    const good = kitAddress();
    expect(PayoutAddressSchema.safeParse('').success).toBe(true);
    expect(PayoutAddressSchema.safeParse(good).success).toBe(true);
    expect(PayoutAddressSchema.safeParse(encodeBase58(new Uint8Array([0, ...bytes(32, 1)]))).success).toBe(false);
    expect(PayoutAddressSchema.safeParse('not a wallet').success).toBe(false);
  });
});
