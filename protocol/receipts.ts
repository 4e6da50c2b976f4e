/**
 * Job receipts: for each run of a job that ended (finished, failed, interrupted, cancelled) the coordinator
 * signs what it paid for — whole seconds of work it observed itself, the rate, the amount and the ledger
 * postings that moved the money — with its ed25519 key. The provider stores them and checks each one here:
 * a receipt verifies only when the signature is the expected coordinator's over these exact fields and the
 * amount is rate × seconds. Pure; the coordinator signs with the same code.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { z } from 'zod';
import { Hex64Schema } from './bench/challenge.js';
import { canonicalBytes } from './bench/canonical-json.js';
import type { ReportSigner } from './bench/signing.js';
import { earningsFor } from './job-spec.js';

const RECEIPT_PURPOSE = 'offhours/receipt/v1';
const BaseUnits = z.string().regex(/^(0|[1-9][0-9]{0,29})$/, 'must be a whole number of base units');
const Id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'must be 1–64 letters, digits, - or _');
const Iso = z.iso.datetime({ offset: true });

export const ReceiptOutcomeSchema = z.enum(['finished', 'failed', 'interrupted', 'cancelled']);
export type ReceiptOutcome = z.infer<typeof ReceiptOutcomeSchema>;

/** The fields the coordinator signs (canonical JSON with a purpose tag). */
export const ReceiptBodySchema = z
  .object({
    receiptId: Id,
    coordinatorId: z.string().min(1).max(100),
    /** The key that signed: the provider compares it with the key its network announced. */
    coordinatorPublicKey: Hex64Schema,
    jobId: Id,
    /** Which run of the job (a job interrupted and run again has several receipts). */
    attempt: z.number().int().min(1).max(1_000_000),
    providerId: Id,
    outcome: ReceiptOutcomeSchema,
    startedAt: Iso.nullable(),
    endedAt: Iso,
    /** Whole seconds of work the coordinator observed (frozen time excluded). */
    seconds: z.number().int().min(0).max(10 * 365 * 86_400),
    /** Base units per second. */
    ratePerSecond: BaseUnits,
    /** rate × seconds, base units. */
    amount: BaseUnits,
    /** The ledger postings that credited this run (each an idempotent, balanced posting). */
    ledgerEntryIds: z.array(z.string().regex(/^[0-9]{1,20}$/)).max(100_000),
    issuedAt: Iso,
  })
  .strict();
export type ReceiptBody = z.infer<typeof ReceiptBodySchema>;

export const JobReceiptSchema = z.object({ body: ReceiptBodySchema, signature: z.string().regex(/^[0-9a-f]{128}$/) }).strict();
export type JobReceipt = z.infer<typeof JobReceiptSchema>;

export type ReceiptCheck = { ok: true } | { ok: false; reason: 'malformed' | 'wrong-key' | 'bad-signature' | 'wrong-amount'; message: string };

export function receiptSigningBytes(body: ReceiptBody): Uint8Array {
  return canonicalBytes({ purpose: RECEIPT_PURPOSE, body });
}

function signatureValid(signature: string, body: ReceiptBody): boolean {
  try {
    return ed25519.verify(hexToBytes(signature), receiptSigningBytes(body), hexToBytes(body.coordinatorPublicKey), { zip215: false });
  } catch {
    return false;
  }
}

export async function signReceipt(body: ReceiptBody, signer: ReportSigner): Promise<JobReceipt> {
  const parsed = ReceiptBodySchema.parse(body);
  if ((await signer.publicKeyHex()) !== parsed.coordinatorPublicKey) throw new Error('the receipt names a different coordinator key than the signer holds');
  if (earningsFor(parsed.ratePerSecond, parsed.seconds) !== parsed.amount) throw new Error('the receipt amount is not rate × seconds');
  return { body: parsed, signature: bytesToHex(await signer.sign(receiptSigningBytes(parsed))) };
}

/**
 * Checks a receipt as received (unknown input): shape, the signer is `expectedPublicKey` (the key the network
 * announced), the signature covers every field, and amount = rate × seconds. Never throws.
 */
export function verifyReceipt(receipt: unknown, expectedPublicKey: string): ReceiptCheck {
  const parsed = JobReceiptSchema.safeParse(receipt);
  if (!parsed.success) return { ok: false, reason: 'malformed', message: 'This receipt is damaged or incomplete.' };
  const { body, signature } = parsed.data;
  if (body.coordinatorPublicKey !== expectedPublicKey.toLowerCase()) return { ok: false, reason: 'wrong-key', message: 'This receipt was signed by a different network than the one you are connected to.' };
  if (!signatureValid(signature, body)) return { ok: false, reason: 'bad-signature', message: 'This receipt’s signature does not match its contents: it was changed after the network signed it.' };
  if (earningsFor(body.ratePerSecond, body.seconds) !== body.amount) return { ok: false, reason: 'wrong-amount', message: 'This receipt’s amount is not its rate times its seconds.' };
  return { ok: true };
}
