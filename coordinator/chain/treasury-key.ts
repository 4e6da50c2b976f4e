/**
 * The treasury's key: a Solana CLI keypair file (a JSON array of 64 numbers: the 32-byte secret, then the
 * public key), readable by this user only. Whatever is wrong with the file is said in words, with the fix.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createKeyPairSignerFromBytes, createKeyPairSignerFromPrivateKeyBytes, getAddressEncoder, type KeyPairSigner } from '@solana/kit';

export class TreasuryKeyError extends Error {}

const KEYPAIR_LENGTH = 64;

function readKeyFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new TreasuryKeyError(`There is no treasury key file at ${file}.\n  Next: create one with "solana-keygen new --outfile ${file}", or pass the path of the one you have.`);
    if (code === 'EACCES' || code === 'EPERM') throw new TreasuryKeyError(`The treasury key file ${file} cannot be read by this user.\n  Next: check its owner and permissions.`);
    if (code === 'EISDIR') throw new TreasuryKeyError(`${file} is a folder, not a treasury key file.`);
    throw new TreasuryKeyError(`The treasury key file ${file} could not be read (${code ?? (error as Error).message}).`);
  }
}

function keypairBytes(file: string, text: string): Uint8Array {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = null;
  }
  const valid = Array.isArray(parsed) && parsed.length === KEYPAIR_LENGTH && parsed.every((n) => Number.isInteger(n) && n >= 0 && n <= 255);
  if (!valid) throw new TreasuryKeyError(`${file} is not a Solana keypair file (a JSON array of ${KEYPAIR_LENGTH} numbers from 0 to 255, as solana-keygen writes).`);
  return Uint8Array.from(parsed as number[]);
}

/** Loads the treasury's signer; refuses a file other users can read, and one whose halves do not match. */
export async function loadTreasuryKey(file: string, platform: NodeJS.Platform = process.platform): Promise<KeyPairSigner> {
  const text = readKeyFile(file);
  if (platform !== 'win32' && (statSync(file).mode & 0o077) !== 0) {
    throw new TreasuryKeyError(`The treasury key file ${file} can be read by other users.\n  Next: run "chmod 600 ${file}" and start again.`);
  }
  const bytes = keypairBytes(file, text);
  try {
    return await createKeyPairSignerFromBytes(bytes);
  } catch {
    throw new TreasuryKeyError(`${file} is damaged: its public key does not belong to its secret key.\n  Next: restore the file from your backup.`);
  }
}

/** Writes a new keypair file (0600; never over an existing file) and returns its signer. */
export async function createTreasuryKey(file: string): Promise<KeyPairSigner> {
  const secret = new Uint8Array(randomBytes(32));
  const signer = await createKeyPairSignerFromPrivateKeyBytes(secret);
  const keypair = [...secret, ...getAddressEncoder().encode(signer.address)];
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  try {
    writeFileSync(file, `${JSON.stringify(keypair)}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new TreasuryKeyError(`A treasury key file already exists at ${file}; it was left as it is.`);
    throw error;
  }
  return signer;
}

/** The key in `file`, created first if there is none yet. */
export async function loadOrCreateTreasuryKey(file: string, platform: NodeJS.Platform = process.platform): Promise<KeyPairSigner> {
  return existsSync(file) ? loadTreasuryKey(file, platform) : createTreasuryKey(file);
}
