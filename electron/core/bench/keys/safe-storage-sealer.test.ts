import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UserFacingError } from '../../../../protocol/errors.js';
import { DeviceKeyFileStore } from './device-key-store.js';
import { chooseDesktopSealer, SafeStorageSealer, type OsStringEncryptor } from './safe-storage-sealer.js';

/** An in-memory twin of safeStorage: "encrypts" by reversing and tagging, remembers nothing else. */
function fakeKeychain(available = true, backend?: string): OsStringEncryptor & { calls: number } {
  return {
    calls: 0,
    isEncryptionAvailable: () => available,
    encryptString(text) {
      this.calls++;
      return new TextEncoder().encode(`v10${[...text].reverse().join('')}`);
    },
    decryptString(bytes) {
      const text = new TextDecoder().decode(bytes);
      if (!text.startsWith('v10')) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
      return [...text.slice(3)].reverse().join('');
    },
    ...(backend ? { getSelectedStorageBackend: () => backend } : {}),
  };
}

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('SafeStorageSealer', () => {
  it('round-trips bytes through the keychain and backs a device key store', async () => {
    const keychain = fakeKeychain();
    const sealer = new SafeStorageSealer(keychain);
    const secret = Uint8Array.from({ length: 32 }, (_, i) => 255 - i);
    expect(Array.from(await sealer.open(await sealer.seal(secret)))).toEqual(Array.from(secret));

    const dir = mkdtempSync(join(tmpdir(), 'offhours-ss-'));
    dirs.push(dir);
    const store = new DeviceKeyFileStore({ file: join(dir, 'keys', 'device-key.json'), sealer, now: () => new Date(0) });
    const publicKey = await store.publicKeyHex();
    expect(publicKey).toMatch(/^[0-9a-f]{64}$/);
    expect((await store.sign(new Uint8Array([1, 2]))).length).toBe(64);
    expect(keychain.calls).toBe(2);
  });

  it('says what to do when the keychain is locked or belongs to someone else', async () => {
    await expect(new SafeStorageSealer(fakeKeychain(false)).seal(new Uint8Array([1]))).rejects.toMatchObject({ code: 'keychain-unavailable' });
    const error = await new SafeStorageSealer(fakeKeychain()).open(new Uint8Array([1, 2, 3])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserFacingError);
    expect((error as UserFacingError).nextStep).toMatch(/keys/);
  });

  it('falls back to the AES file sealer where safeStorage would use a hard-coded key', () => {
    expect(chooseDesktopSealer(fakeKeychain(true, 'gnome_libsecret'), '/x/sealing.key').kind).toBe('electron-safe-storage');
    expect(chooseDesktopSealer(fakeKeychain(true), '/x/sealing.key').kind).toBe('electron-safe-storage');
    expect(chooseDesktopSealer(fakeKeychain(true, 'basic_text'), '/x/sealing.key').kind).toBe('aes-256-gcm-file');
    expect(chooseDesktopSealer(fakeKeychain(false), '/x/sealing.key').kind).toBe('aes-256-gcm-file');
  });
});
