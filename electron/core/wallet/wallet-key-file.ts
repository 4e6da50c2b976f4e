/**
 * The wallet created on this PC, as one JSON file beside the device key (<data dir>/keys/wallet-key.json): the
 * address in clear, the 32-byte seed sealed by the device key's sealer (safeStorage in the desktop app, the
 * AES-256-GCM file key headless), and when it was last exported. The seed is opened only to be exported and is
 * never logged or serialised. A replaced key is renamed aside, never deleted: it may still hold funds.
 */
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { UserFacingError } from '../../../protocol/errors.js';
import type { SecretSealer } from '../ports.js';
import { addressOfSeed } from './keypair.js';
import type { CreatedWallet, WalletKeyStore } from './ports.js';

const WalletKeyFileSchema = z
  .object({
    version: z.literal(1),
    algorithm: z.literal('ed25519'),
    address: z.string(),
    sealedBy: z.string(),
    sealedSecretKey: z.string().regex(/^[0-9a-f]+$/),
    createdAt: z.string(),
    exportedAt: z.string().nullable(),
  })
  .strict();
type WalletKeyFileBody = z.infer<typeof WalletKeyFileSchema>;

export interface WalletKeyFileOptions {
  /** e.g. <data dir>/keys/wallet-key.json */
  file: string;
  /** The first seals new keys; a key is opened by the one whose kind sealed it (the CLI seals with the file key even in a desktop data folder). */
  sealers: [SecretSealer, ...SecretSealer[]];
}

export class WalletKeyFile implements WalletKeyStore {
  constructor(private readonly options: WalletKeyFileOptions) {}

  current(): CreatedWallet | null {
    const body = this.read();
    return body && { address: body.address, createdAt: body.createdAt, exportedAt: body.exportedAt };
  }

  async save(seed: Uint8Array, address: string, at: Date): Promise<CreatedWallet> {
    const sealer = this.options.sealers[0];
    const body: WalletKeyFileBody = {
      version: 1,
      algorithm: 'ed25519',
      address,
      sealedBy: sealer.kind,
      sealedSecretKey: bytesToHex(await sealer.seal(seed)),
      createdAt: at.toISOString(),
      exportedAt: null,
    };
    this.setPreviousAside();
    this.write(body);
    return { address, createdAt: body.createdAt, exportedAt: null };
  }

  async openSeed(): Promise<Uint8Array> {
    const body = this.read();
    if (!body) throw new UserFacingError('no-wallet-key', 'No wallet was created on this PC, so there is no secret key to export.', 'A pasted address belongs to a wallet you already hold: back it up in that wallet app. Or create a wallet here first.');
    const sealer = this.options.sealers.find((candidate) => candidate.kind === body.sealedBy);
    if (!sealer) throw this.unreadable(`it was sealed by ${body.sealedBy}, which this copy of Offhours cannot open`, 'Export it from where it was created (the desktop app, or "offhours wallet export --yes" on the same data folder).');
    let seed: Uint8Array;
    try {
      seed = await sealer.open(hexToBytes(body.sealedSecretKey));
    } catch {
      throw this.unreadable('it does not unseal with the sealing key of this data folder (the "keys" folder was replaced, or another user runs Offhours)', 'Put back the data folder\'s "keys" folder as it was, or run Offhours as the user who created the wallet.');
    }
    if (seed.length !== 32 || addressOfSeed(seed) !== body.address) {
      seed.fill(0);
      throw this.unreadable('the sealed key does not match its address', 'Restore the "keys" folder from a backup of the data folder, or use the secret key you exported.');
    }
    return seed;
  }

  markExported(at: Date): CreatedWallet {
    const body = this.read();
    if (!body) throw new UserFacingError('no-wallet-key', 'No wallet was created on this PC.', 'Create one first, or paste the address of a wallet you hold.');
    const next = { ...body, exportedAt: at.toISOString() };
    this.write(next);
    return { address: next.address, createdAt: next.createdAt, exportedAt: next.exportedAt };
  }

  /** Never print key material, even by accident. */
  toJSON(): string {
    return '[WalletKeyFile]';
  }

  private read(): WalletKeyFileBody | null {
    let text: string;
    try {
      text = readFileSync(this.options.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    const parsed = WalletKeyFileSchema.safeParse(safeJson(text));
    if (!parsed.success) throw this.unreadable('the file is damaged', 'Restore the "keys" folder from a backup of the data folder, or use the secret key you exported; then move this file aside to create a new wallet.');
    return parsed.data;
  }

  /** Write to a temporary file, then rename: a crash leaves the old file or the new one, never half of one. */
  private write(body: WalletKeyFileBody): void {
    mkdirSync(dirname(this.options.file), { recursive: true, mode: 0o700 });
    const temp = `${this.options.file}.${process.pid}.tmp`;
    writeFileSync(temp, `${JSON.stringify(body, null, 2)}\n`, { mode: 0o600 });
    renameSync(temp, this.options.file);
  }

  private setPreviousAside(): void {
    const previous = this.read();
    if (!previous) return;
    const base = join(dirname(this.options.file), `wallet-key-${previous.address}`);
    let aside = `${base}.json`;
    for (let n = 2; existsSync(aside); n++) aside = `${base}-${n}.json`;
    renameSync(this.options.file, aside);
  }

  private unreadable(why: string, nextStep: string): UserFacingError {
    return new UserFacingError('wallet-key-unreadable', `Offhours cannot use the wallet key in ${this.options.file}: ${why}. The wallet's funds are safe on chain.`, nextStep);
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
