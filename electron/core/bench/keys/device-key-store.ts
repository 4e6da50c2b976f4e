/**
 * The device's ed25519 identity, kept as one JSON file: the public key in clear and the secret key sealed by
 * a SecretSealer (AES-256-GCM file key in headless, safeStorage in the desktop app). The secret key is opened
 * only for the duration of one signature and never returned, logged or serialised.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { UserFacingError } from '../../../../protocol/errors.js';
import type { DeviceKeyStore, SecretSealer } from '../../ports.js';

const KeyFileSchema = z
  .object({
    version: z.literal(1),
    algorithm: z.literal('ed25519'),
    publicKey: z.string().regex(/^[0-9a-f]{64}$/),
    sealedBy: z.string(),
    sealedSecretKey: z.string().regex(/^[0-9a-f]+$/),
    createdAt: z.string(),
  })
  .strict();
type KeyFile = z.infer<typeof KeyFileSchema>;

export interface DeviceKeyFileStoreOptions {
  /** The key file, e.g. <data dir>/keys/device-key.json. */
  file: string;
  sealer: SecretSealer;
  now: () => Date;
  /** Key generation (tests pass a fixed one). */
  randomSecretKey?: () => Uint8Array;
}

export class DeviceKeyFileStore implements DeviceKeyStore {
  private cached: KeyFile | null = null;
  private creating: Promise<KeyFile> | null = null;

  constructor(private readonly options: DeviceKeyFileStoreOptions) {}

  async publicKeyHex(): Promise<string> {
    return (await this.keyFile()).publicKey;
  }

  async sign(message: Uint8Array): Promise<Uint8Array> {
    const file = await this.keyFile();
    const secret = await this.options.sealer.open(hexToBytes(file.sealedSecretKey));
    try {
      if (bytesToHex(ed25519.getPublicKey(secret)) !== file.publicKey) throw this.corrupt('the sealed key does not match its public key');
      return ed25519.sign(message, secret);
    } finally {
      secret.fill(0);
    }
  }

  /** Never print key material, even by accident. */
  toJSON(): string {
    return '[DeviceKeyFileStore]';
  }

  private async keyFile(): Promise<KeyFile> {
    if (this.cached) return this.cached;
    this.creating ??= this.loadOrCreate().finally(() => (this.creating = null));
    this.cached = await this.creating;
    return this.cached;
  }

  private async loadOrCreate(): Promise<KeyFile> {
    const existing = this.load();
    if (existing) return existing;
    const secret = (this.options.randomSecretKey ?? ed25519.utils.randomSecretKey)();
    const file: KeyFile = {
      version: 1,
      algorithm: 'ed25519',
      publicKey: bytesToHex(ed25519.getPublicKey(secret)),
      sealedBy: this.options.sealer.kind,
      sealedSecretKey: bytesToHex(await this.options.sealer.seal(secret)),
      createdAt: this.options.now().toISOString(),
    };
    secret.fill(0);
    mkdirSync(dirname(this.options.file), { recursive: true, mode: 0o700 });
    const temp = `${this.options.file}.${process.pid}.tmp`;
    writeFileSync(temp, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
    try {
      // Atomic create-if-absent: link fails with EEXIST when another process created the key first; keep theirs.
      linkSync(temp, this.options.file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      return this.load()!;
    } finally {
      rmSync(temp, { force: true });
    }
    return file;
  }

  private load(): KeyFile | null {
    let text: string;
    try {
      text = readFileSync(this.options.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    let parsed: KeyFile;
    try {
      parsed = KeyFileSchema.parse(JSON.parse(text));
    } catch {
      throw this.corrupt('the key file is damaged');
    }
    if (parsed.sealedBy !== this.options.sealer.kind) {
      throw this.corrupt(`it was sealed by ${parsed.sealedBy}, and this install seals with ${this.options.sealer.kind}`);
    }
    return parsed;
  }

  private corrupt(why: string): UserFacingError {
    return new UserFacingError(
      'device-key-unreadable',
      `Offhours cannot use this device's signing key (${this.options.file}): ${why}.`,
      'Move the "keys" folder in the data folder aside and run again; a new device key will be created (past scores stay tied to the old one).',
    );
  }
}
