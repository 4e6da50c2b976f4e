/**
 * The hello's proof of possession: the provider signs canonical JSON of its hello body, which names the
 * coordinator's one-time nonce, with its ed25519 device key. Pure; the coordinator verifies with the same code.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { canonicalBytes } from './bench/canonical-json.js';
import type { ReportSigner } from './bench/signing.js';
import { HelloBodySchema, type HelloBody, type ProviderMessageOf } from './network.js';

const HELLO_PURPOSE = 'offhours/hello/v1';

/** The exact bytes the hello signature covers (a purpose tag keeps it from ever matching a report signature). */
export function helloSigningBytes(body: HelloBody): Uint8Array {
  return canonicalBytes({ purpose: HELLO_PURPOSE, body });
}

export async function signHello(body: HelloBody, signer: ReportSigner): Promise<ProviderMessageOf<'hello'>> {
  const parsed = HelloBodySchema.parse(body);
  if ((await signer.publicKeyHex()) !== parsed.devicePublicKey) throw new Error('the hello names a different device key than the signer holds');
  return { type: 'hello', body: parsed, signature: bytesToHex(await signer.sign(helloSigningBytes(parsed))) };
}

/** True when the signature is the body's device key's, over helloSigningBytes(body). Never throws. */
export function verifyHelloSignature(hello: ProviderMessageOf<'hello'>): boolean {
  try {
    return ed25519.verify(hexToBytes(hello.signature), helloSigningBytes(hello.body), hexToBytes(hello.body.devicePublicKey), { zip215: false });
  } catch {
    return false;
  }
}
