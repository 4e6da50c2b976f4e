/**
 * The coordinator's receipt key: an ed25519 secret key (32 bytes, hex) that signs every job receipt. Read
 * from the file the operator named (every instance sharing a database needs the same file), or generated
 * once and written 0600. A key file other users can read is refused, as the admin token is.
 */
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { generateSecretKey, memorySigner } from '../protocol/bench/signing.js';
import { signReceipt } from '../protocol/receipts.js';
import type { ReceiptIssuer } from './db/run-money.js';

export class ReceiptKeyError extends Error {}

export function loadOrCreateReceiptKey(file: string, platform: NodeJS.Platform = process.platform): Uint8Array {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    const key = generateSecretKey();
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    try {
      writeFileSync(file, `${bytesToHex(key)}\n`, { mode: 0o600, flag: 'wx' });
      return key;
    } catch (writeError) {
      // Another instance wrote it first: use theirs.
      if ((writeError as NodeJS.ErrnoException).code !== 'EEXIST') throw writeError;
      text = readFileSync(file, 'utf8');
    }
  }
  if (platform !== 'win32' && (statSync(file).mode & 0o077) !== 0) {
    throw new ReceiptKeyError(`The receipt key file ${file} can be read by other users; run "chmod 600 ${file}" and start again.`);
  }
  const hex = text.trim();
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new ReceiptKeyError(`The receipt key in ${file} must be 64 hex characters (an ed25519 secret key).`);
  return hexToBytes(hex);
}

/** Signs receipts as `coordinatorId` with the given secret key. */
export async function receiptIssuer(coordinatorId: string, secretKey: Uint8Array): Promise<ReceiptIssuer> {
  const signer = memorySigner(secretKey);
  const publicKey = await signer.publicKeyHex();
  return { coordinatorId, publicKey, sign: (body) => signReceipt(body, signer) };
}
