/**
 * SecretSealer over the desktop OS keychain, as Electron's safeStorage exposes it (DPAPI on Windows, Keychain
 * on macOS, libsecret/kwallet on Linux). Core never imports 'electron': electron/main passes `safeStorage`,
 * which matches OsStringEncryptor structurally. On Linux without a keyring safeStorage falls back to a
 * hard-coded key ("basic_text"), which is no protection: then use AesFileSealer instead (chooseDesktopSealer).
 */
import { UserFacingError } from '../../../../protocol/errors.js';
import type { SecretSealer } from '../../ports.js';
import { AesFileSealer } from './aes-file-sealer.js';

/** The part of Electron's safeStorage we use, in our own types. */
export interface OsStringEncryptor {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Uint8Array;
  decryptString(encrypted: Uint8Array): string;
  /** Linux only in Electron; absent elsewhere. */
  getSelectedStorageBackend?(): string;
}

function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64');
}

export class SafeStorageSealer implements SecretSealer {
  readonly kind = 'electron-safe-storage';

  constructor(private readonly encryptor: OsStringEncryptor) {}

  async seal(plain: Uint8Array): Promise<Uint8Array> {
    if (!this.encryptor.isEncryptionAvailable()) {
      throw new UserFacingError(
        'keychain-unavailable',
        "Offhours cannot reach this computer's keychain to protect its signing key.",
        'Unlock your keychain (or log in to the desktop session) and try again.',
      );
    }
    return new Uint8Array(this.encryptor.encryptString(toBase64(plain)));
  }

  async open(sealed: Uint8Array): Promise<Uint8Array> {
    let text: string;
    try {
      text = this.encryptor.decryptString(Buffer.from(sealed)); // Electron insists on a Buffer
    } catch {
      throw new UserFacingError(
        'device-key-unreadable',
        "Offhours cannot unlock this device's signing key with the keychain of this user.",
        'Log in as the user who set up Offhours, or move the "keys" folder aside to create a new device key (past scores stay tied to the old one).',
      );
    }
    return new Uint8Array(Buffer.from(text, 'base64'));
  }
}

/** The keychain when it really protects the key; otherwise the AES file sealer in the user data folder. */
export function chooseDesktopSealer(encryptor: OsStringEncryptor, keyFile: string): SecretSealer {
  const backend = encryptor.getSelectedStorageBackend?.();
  if (!encryptor.isEncryptionAvailable() || backend === 'basic_text') return new AesFileSealer(keyFile);
  return new SafeStorageSealer(encryptor);
}
