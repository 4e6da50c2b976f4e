import { ed25519 } from '@noble/curves/ed25519.js';
import { hexToBytes } from '@noble/hashes/utils.js';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UserFacingError } from '../../../../protocol/errors.js';
import { AesFileSealer } from './aes-file-sealer.js';
import { DeviceKeyFileStore } from './device-key-store.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'offhours-keys-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const SECRET = Uint8Array.from({ length: 32 }, (_, i) => i * 3 + 1);
const store = (secret?: Uint8Array) =>
  new DeviceKeyFileStore({
    file: join(dir, 'keys', 'device-key.json'),
    sealer: new AesFileSealer(join(dir, 'keys', 'sealing.key')),
    now: () => new Date('2026-11-26T12:00:00Z'),
    randomSecretKey: secret ? () => secret.slice() : undefined,
  });

describe('DeviceKeyFileStore with the AES file sealer', () => {
  it('creates the key on first use, keeps it across restarts, and signs verifiably', async () => {
    const first = store();
    const publicKey = await first.publicKeyHex();
    expect(publicKey).toMatch(/^[0-9a-f]{64}$/);
    const again = store();
    expect(await again.publicKeyHex()).toBe(publicKey);
    const message = new TextEncoder().encode('hello');
    const signature = await again.sign(message);
    expect(ed25519.verify(signature, message, hexToBytes(publicKey))).toBe(true);
  });

  it('stores the secret key only encrypted, in 0600 files inside a 0700 folder', async () => {
    const s = store(SECRET);
    await s.publicKeyHex();
    const keyFile = join(dir, 'keys', 'device-key.json');
    const sealingKey = join(dir, 'keys', 'sealing.key');
    const text = readFileSync(keyFile, 'utf8');
    const secretHex = Buffer.from(SECRET).toString('hex');
    expect(text).not.toContain(secretHex);
    expect(readFileSync(sealingKey).toString('hex')).not.toContain(secretHex);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(statSync(sealingKey).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'keys')).mode & 0o777).toBe(0o700);
    expect(JSON.stringify({ s })).not.toContain(secretHex);
    expect(await s.publicKeyHex()).toBe(Buffer.from(ed25519.getPublicKey(SECRET)).toString('hex'));
  });

  it('gives one key to concurrent first calls', async () => {
    const a = store();
    const b = store();
    const [x, y, z] = await Promise.all([a.publicKeyHex(), b.publicKeyHex(), a.publicKeyHex()]);
    expect(new Set([x, y, z]).size).toBe(1);
  });

  it('tightens a loosened sealing-key file', async () => {
    await store().sign(new Uint8Array([1]));
    const sealingKey = join(dir, 'keys', 'sealing.key');
    chmodSync(sealingKey, 0o644);
    await store().sign(new Uint8Array([2]));
    expect(statSync(sealingKey).mode & 0o777).toBe(0o600);
  });

  it('says what to do when the sealing key was replaced or the key file damaged', async () => {
    await store().publicKeyHex();
    writeFileSync(join(dir, 'keys', 'sealing.key'), Buffer.alloc(32, 7));
    const error = await store().sign(new Uint8Array([1])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserFacingError);
    expect((error as UserFacingError).code).toBe('device-key-unreadable');
    expect((error as UserFacingError).nextStep).toMatch(/keys/);

    writeFileSync(join(dir, 'keys', 'device-key.json'), '{"version":1');
    await expect(store().publicKeyHex()).rejects.toThrow(/damaged/);
  });

  it('refuses a key file sealed by another kind of sealer', async () => {
    await store().publicKeyHex();
    const file = join(dir, 'keys', 'device-key.json');
    writeFileSync(file, readFileSync(file, 'utf8').replace('aes-256-gcm-file', 'electron-safe-storage'));
    await expect(store().publicKeyHex()).rejects.toThrow(/sealed by electron-safe-storage/);
  });
});
