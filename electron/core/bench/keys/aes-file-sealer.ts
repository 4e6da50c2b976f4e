/**
 * SecretSealer for headless installs: AES-256-GCM under a random 32-byte key kept in a 0600 file in the data
 * dir (its folder 0700). Sealed layout: version byte 1 ‖ 12-byte IV ‖ ciphertext ‖ 16-byte tag. The only file
 * that touches node:crypto for secrets.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { UserFacingError } from '../../../../protocol/errors.js';
import type { SecretSealer } from '../../ports.js';

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;

export class AesFileSealer implements SecretSealer {
  readonly kind = 'aes-256-gcm-file';

  /** @param keyFile where the 32-byte sealing key lives (created 0600 on first use). */
  constructor(private readonly keyFile: string) {}

  async seal(plain: Uint8Array): Promise<Uint8Array> {
    const key = this.loadOrCreateKey();
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    key.fill(0);
    return new Uint8Array(Buffer.concat([Buffer.from([VERSION]), iv, body, cipher.getAuthTag()]));
  }

  async open(sealed: Uint8Array): Promise<Uint8Array> {
    if (sealed.length < 1 + IV_BYTES + TAG_BYTES || sealed[0] !== VERSION) throw this.unreadable('the sealed data has an unknown layout');
    const key = this.loadKey();
    if (!key) throw this.unreadable(`the sealing key ${this.keyFile} is missing`);
    try {
      const iv = sealed.subarray(1, 1 + IV_BYTES);
      const tag = sealed.subarray(sealed.length - TAG_BYTES);
      const decipher = createDecipheriv('aes-256-gcm', key, iv);
      decipher.setAuthTag(tag);
      const plain = Buffer.concat([decipher.update(sealed.subarray(1 + IV_BYTES, sealed.length - TAG_BYTES)), decipher.final()]);
      return new Uint8Array(plain);
    } catch {
      throw this.unreadable('it does not decrypt with the sealing key (the key file was replaced or the data changed)');
    } finally {
      key.fill(0);
    }
  }

  private loadKey(): Buffer | null {
    let key: Buffer;
    try {
      key = readFileSync(this.keyFile);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    if (key.length !== KEY_BYTES) throw this.unreadable(`the sealing key ${this.keyFile} has the wrong length`);
    // Tighten permissions if someone loosened them.
    if (process.platform !== 'win32' && (statSync(this.keyFile).mode & 0o077) !== 0) chmodSync(this.keyFile, 0o600);
    return key;
  }

  private loadOrCreateKey(): Buffer {
    const existing = this.loadKey();
    if (existing) return existing;
    mkdirSync(dirname(this.keyFile), { recursive: true, mode: 0o700 });
    const key = randomBytes(KEY_BYTES);
    try {
      writeFileSync(this.keyFile, key, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return this.loadKey()!; // another process won the race
      throw error;
    }
    return key;
  }

  private unreadable(why: string): UserFacingError {
    return new UserFacingError(
      'device-key-unreadable',
      `Offhours cannot unlock this device's signing key: ${why}.`,
      'If you moved or restored the data folder, put back its "keys" folder as it was. Otherwise move the "keys" folder aside; a new device key will be created (past scores stay tied to the old one).',
    );
  }
}
