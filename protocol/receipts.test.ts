import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import { generateSecretKey, memorySigner } from './bench/signing.js';
import { ReceiptBodySchema, receiptSigningBytes, signReceipt, verifyReceipt, type JobReceipt, type ReceiptBody } from './receipts.js';

const secretKey = generateSecretKey();
const signer = memorySigner(secretKey);
const publicKey = await signer.publicKeyHex();
const otherSecretKey = generateSecretKey();
const otherSigner = memorySigner(otherSecretKey);
const otherPublicKey = await otherSigner.publicKeyHex();

function body(overrides: Partial<ReceiptBody> = {}): ReceiptBody {
  return {
    receiptId: 'rcpt_0001',
    coordinatorId: 'test-network',
    coordinatorPublicKey: publicKey,
    jobId: 'job-42',
    attempt: 1,
    providerId: 'prov_7',
    outcome: 'finished',
    startedAt: '2025-01-02T03:04:05.000Z',
    endedAt: '2025-01-02T03:05:05.000Z',
    seconds: 40,
    ratePerSecond: '10',
    amount: '400',
    ledgerEntryIds: ['1', '2', '3'],
    issuedAt: '2025-01-02T03:05:06.000Z',
    ...overrides,
  };
}

/** Signs exactly these bytes with ed25519, bypassing signReceipt's checks (as a forger with the key could). */
function signRaw(receiptBody: ReceiptBody, key: Uint8Array): JobReceipt {
  return { body: receiptBody, signature: bytesToHex(ed25519.sign(receiptSigningBytes(receiptBody), key)) };
}

/**
 * For every field of the body, other values of the same type that are still valid on their own. Typed as a
 * Record over every key, so a field added to ReceiptBody without a tamper case fails to compile.
 */
const tampered: { [K in keyof ReceiptBody]: ReceiptBody[K][] } = {
  receiptId: ['rcpt_0002'],
  coordinatorId: ['another-network'],
  coordinatorPublicKey: [otherPublicKey],
  jobId: ['job-43'],
  attempt: [2],
  providerId: ['prov_8'],
  outcome: ['failed', 'interrupted', 'cancelled'],
  startedAt: ['2025-01-02T03:04:06.000Z', null],
  endedAt: ['2025-01-02T03:05:06.000Z'],
  seconds: [41],
  ratePerSecond: ['11'],
  amount: ['401'],
  ledgerEntryIds: [['1', '2', '3', '4'], ['1', '2'], ['1', '2', '4'], []],
  issuedAt: ['2025-01-02T03:05:07.000Z'],
};

describe('job receipts', () => {
  it('a genuine receipt verifies', async () => {
    const receipt = await signReceipt(body(), signer);
    expect(verifyReceipt(receipt, publicKey)).toEqual({ ok: true });
    // Through JSON (how the provider stores and receives it) too.
    expect(verifyReceipt(JSON.parse(JSON.stringify(receipt)), publicKey)).toEqual({ ok: true });
  });

  it('the expected key matches whatever its case', async () => {
    const receipt = await signReceipt(body(), signer);
    expect(verifyReceipt(receipt, publicKey.toUpperCase())).toEqual({ ok: true });
  });

  it('has a tamper case for every field of the body', () => {
    expect(Object.keys(tampered).sort()).toEqual(Object.keys(body()).sort());
    expect(Object.keys(tampered).sort()).toEqual(Object.keys(ReceiptBodySchema.shape).sort());
  });

  const cases = (Object.keys(tampered) as (keyof ReceiptBody)[]).flatMap((key) => tampered[key].map((value) => ({ key, value })));
  it.each(cases)('changing $key to $value after signing fails verification', async ({ key, value }) => {
    const receipt = await signReceipt(body(), signer);
    const changed = { ...receipt, body: { ...receipt.body, [key]: value } };
    expect(changed.body[key]).not.toEqual(receipt.body[key]);
    // Still well-formed: the signature is what catches it.
    expect(ReceiptBodySchema.safeParse(changed.body).success).toBe(true);
    const result = verifyReceipt(changed, publicKey);
    expect(result).toMatchObject({ ok: false, reason: key === 'coordinatorPublicKey' ? 'wrong-key' : 'bad-signature' });
    if (key === 'coordinatorPublicKey') {
      // Checked against the key the body now names, the signature does not match either.
      expect(verifyReceipt(changed, otherPublicKey)).toMatchObject({ ok: false, reason: 'bad-signature' });
    }
  });

  it.each([0, 1, 31, 32, 63])('a flipped bit in signature byte %i fails as bad-signature', async (byte) => {
    const receipt = await signReceipt(body(), signer);
    const bytes = Buffer.from(receipt.signature, 'hex');
    bytes[byte] = bytes[byte]! ^ 0x01;
    expect(verifyReceipt({ ...receipt, signature: bytes.toString('hex') }, publicKey)).toMatchObject({ ok: false, reason: 'bad-signature' });
  });

  it('a signature by another key over a body naming that key fails as wrong-key against the expected key', async () => {
    const receipt = await signReceipt(body({ coordinatorPublicKey: otherPublicKey }), otherSigner);
    expect(verifyReceipt(receipt, otherPublicKey)).toEqual({ ok: true });
    expect(verifyReceipt(receipt, publicKey)).toMatchObject({ ok: false, reason: 'wrong-key' });
  });

  it('a signature by another key over a body naming the expected key fails as bad-signature', () => {
    expect(verifyReceipt(signRaw(body(), otherSecretKey), publicKey)).toMatchObject({ ok: false, reason: 'bad-signature' });
  });

  it.each([
    { seconds: 40, ratePerSecond: '10', amount: '401' },
    { seconds: 40, ratePerSecond: '10', amount: '0' },
    { seconds: 0, ratePerSecond: '10', amount: '10' },
    { seconds: 41, ratePerSecond: '10', amount: '400' },
  ])('amount ≠ rate × seconds fails as wrong-amount even when correctly signed ($amount for $ratePerSecond × $seconds)', (fields) => {
    const receipt = signRaw(body(fields), secretKey);
    expect(ed25519.verify(Buffer.from(receipt.signature, 'hex'), receiptSigningBytes(receipt.body), Buffer.from(publicKey, 'hex'))).toBe(true);
    expect(verifyReceipt(receipt, publicKey)).toMatchObject({ ok: false, reason: 'wrong-amount' });
  });

  it('a raw signature over a consistent body verifies (the bypass signs the same bytes as signReceipt)', async () => {
    expect(signRaw(body(), secretKey)).toEqual(await signReceipt(body(), signer));
  });

  describe('malformed input', () => {
    const malformed = async (): Promise<[string, unknown][]> => {
      const receipt = await signReceipt(body(), signer);
      const withBody = (changes: Record<string, unknown>) => ({ ...receipt, body: { ...receipt.body, ...changes } });
      const withoutField = (key: string) => {
        const copy: Record<string, unknown> = { ...receipt.body };
        delete copy[key];
        return { ...receipt, body: copy };
      };
      return [
        ['null', null],
        ['undefined', undefined],
        ['a string', JSON.stringify(receipt)],
        ['an array', [receipt]],
        ['an empty object', {}],
        ['no signature', { body: receipt.body }],
        ['no body', { signature: receipt.signature }],
        ['an extra top-level field', { ...receipt, note: 'x' }],
        ['an extra body field', withBody({ bonus: '1' })],
        ...Object.keys(receipt.body).map((key): [string, unknown] => [`no ${key}`, withoutField(key)]),
        ['seconds as a string', withBody({ seconds: '40' })],
        ['attempt as a string', withBody({ attempt: '1' })],
        ['amount as a number', withBody({ amount: 400 })],
        ['ratePerSecond as a number', withBody({ ratePerSecond: 10 })],
        ['ledger entry ids as numbers', withBody({ ledgerEntryIds: [1, 2, 3] })],
        ['fractional seconds', withBody({ seconds: 40.5 })],
        ['a negative amount', withBody({ amount: '-400' })],
        ['an unknown outcome', withBody({ outcome: 'paid' })],
        ['a time that is not ISO', withBody({ endedAt: 'yesterday' })],
        ['an uppercase public key in the body', withBody({ coordinatorPublicKey: publicKey.toUpperCase() })],
        ['an uppercase signature', { ...receipt, signature: receipt.signature.toUpperCase() }],
        ['a short signature', { ...receipt, signature: receipt.signature.slice(2) }],
        ['a signature that is not hex', { ...receipt, signature: `zz${receipt.signature.slice(2)}` }],
      ];
    };

    it('every malformed shape fails as malformed', async () => {
      const inputs = await malformed();
      expect(inputs.length).toBeGreaterThan(14 + 9);
      for (const [label, input] of inputs) expect({ label, result: verifyReceipt(input, publicKey) }).toMatchObject({ label, result: { ok: false, reason: 'malformed' } });
    });
  });

  describe('signReceipt', () => {
    it('refuses a body naming another key than the signer holds', async () => {
      await expect(signReceipt(body({ coordinatorPublicKey: otherPublicKey }), signer)).rejects.toThrow(/different coordinator key/);
    });

    it('refuses an amount that is not rate × seconds', async () => {
      await expect(signReceipt(body({ amount: '401' }), signer)).rejects.toThrow(/not rate × seconds/);
    });

    it('refuses a malformed body', async () => {
      await expect(signReceipt({ ...body(), seconds: -1 }, signer)).rejects.toThrow();
    });
  });
});
