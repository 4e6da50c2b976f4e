/**
 * Solana wallet keys: ed25519, as the device key (@noble/curves, already used for it: synchronous, and the raw
 * 32-byte seed is ours to seal and export; @solana/kit's WebCrypto keys would have to be exported through PKCS#8).
 * Pure apart from the randomness passed in.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { encodeBase58 } from '../../../protocol/solana/address.js';

/** A Solana address is the base58 of the ed25519 public key. */
export function addressOfSeed(seed: Uint8Array): string {
  return encodeBase58(ed25519.getPublicKey(seed));
}

export function newWalletSeed(): Uint8Array {
  return ed25519.utils.randomSecretKey();
}

/** The Solana CLI's keypair file (`solana-keygen`, Phantom's "import private key" as JSON): seed ‖ public key, 64 numbers. */
export function solanaCliKeypair(seed: Uint8Array): number[] {
  return [...seed, ...ed25519.getPublicKey(seed)];
}
