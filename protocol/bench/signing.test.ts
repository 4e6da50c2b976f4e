import { describe, expect, it } from 'vitest';
import { generateSecretKey, memorySigner } from './signing.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { canonicalBytes } from './canonical-json.js';

describe('memorySigner', () => {
  it('signs with the key whose public half it reports (RFC 8032 test 1)', async () => {
    // RFC 8032 §7.1 TEST 1: empty message.
    const secret = hexToBytes('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60');
    const signer = memorySigner(secret);
    expect(await signer.publicKeyHex()).toBe('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a');
    expect(bytesToHex(await signer.sign(new Uint8Array(0)))).toBe(
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
    );
  });

  it('generates distinct keys whose signatures verify over canonical bytes', async () => {
    const a = generateSecretKey();
    expect(bytesToHex(a)).not.toBe(bytesToHex(generateSecretKey()));
    const signer = memorySigner(a);
    const message = canonicalBytes({ b: 2, a: 1 });
    const signature = await signer.sign(message);
    expect(ed25519.verify(signature, message, hexToBytes(await signer.publicKeyHex()))).toBe(true);
  });
});
