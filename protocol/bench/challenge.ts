/**
 * A benchmark challenge: the seed that fixes every input, a nonce that makes each run unique, and a validity
 * window. A coordinator issues it; without one, createLocalChallenge makes one bound to the device key
 * (issuer "local:<public key hex>"), which proves the computation but not freshness to a third party.
 */
import { randomBytes as nobleRandomBytes, bytesToHex } from '@noble/hashes/utils.js';
import { z } from 'zod';
import { MAX_EXACT_N } from './inputs.js';

export const CHALLENGE_VERSION = 1;
/** Sizes used when nobody else picks: the full run and the quick (CI, first-run) run. */
export const FULL_N = 4096;
export const QUICK_N = 256;
/**
 * How long a local challenge stays valid, at most. The device picks a local challenge's window itself, so the
 * verifier ends it here whatever expiresAt says (challengeExpiresAtMs); a report of it is fresh for this long.
 */
export const LOCAL_CHALLENGE_TTL_MS = 10 * 60 * 1000;

export const Hex16Schema = z.string().regex(/^[0-9a-f]{16}$/, 'expected 16 lowercase hex digits');
export const Hex32Schema = z.string().regex(/^[0-9a-f]{32}$/, 'expected 32 lowercase hex digits');
export const Hex64Schema = z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 lowercase hex digits');
export const IsoTimeSchema = z.iso.datetime({ offset: false });

export const ChallengeSchema = z
  .object({
    version: z.literal(CHALLENGE_VERSION),
    nonce: Hex32Schema,
    seed: Hex16Schema,
    issuer: z.string().min(1).max(200),
    issuedAt: IsoTimeSchema,
    expiresAt: IsoTimeSchema,
    n: z.number().int().min(1).max(MAX_EXACT_N),
    quick: z.boolean(),
  })
  .strict()
  .refine((c) => Date.parse(c.expiresAt) > Date.parse(c.issuedAt), { message: 'expiresAt must be after issuedAt', path: ['expiresAt'] });
export type Challenge = z.infer<typeof ChallengeSchema>;

export const LOCAL_ISSUER_PREFIX = 'local:';

export function localIssuer(devicePublicKeyHex: string): string {
  return `${LOCAL_ISSUER_PREFIX}${devicePublicKeyHex}`;
}

export interface LocalChallengeOptions {
  devicePublicKey: string;
  quick: boolean;
  /** Matrix size; defaults to QUICK_N or FULL_N. Lower it to what the adapter's limits allow. */
  n?: number;
  ttlMs?: number;
  /** Source of randomness (tests pass a fixed one); defaults to the platform CSPRNG. */
  randomBytes?: (length: number) => Uint8Array;
}

export function createLocalChallenge(now: Date, opts: LocalChallengeOptions): Challenge {
  if ((opts.ttlMs ?? 0) > LOCAL_CHALLENGE_TTL_MS) throw new Error(`A local challenge lasts at most ${LOCAL_CHALLENGE_TTL_MS} ms (asked for ${opts.ttlMs} ms)`);
  const random = opts.randomBytes ?? nobleRandomBytes;
  const issuedAt = new Date(Math.floor(now.getTime() / 1000) * 1000);
  return ChallengeSchema.parse({
    version: CHALLENGE_VERSION,
    nonce: bytesToHex(random(16)),
    seed: bytesToHex(random(8)),
    issuer: localIssuer(opts.devicePublicKey),
    issuedAt: issuedAt.toISOString(),
    expiresAt: new Date(issuedAt.getTime() + (opts.ttlMs ?? LOCAL_CHALLENGE_TTL_MS)).toISOString(),
    n: opts.n ?? (opts.quick ? QUICK_N : FULL_N),
    quick: opts.quick,
  });
}

export function isLocalChallenge(challenge: Pick<Challenge, 'issuer'>): boolean {
  return challenge.issuer.startsWith(LOCAL_ISSUER_PREFIX);
}

/**
 * When a challenge stops being answerable, in ms since the epoch: its issuer's expiresAt, but for a local
 * challenge (the device is its own issuer) never later than LOCAL_CHALLENGE_TTL_MS after issuedAt. Pure.
 */
export function challengeExpiresAtMs(challenge: Pick<Challenge, 'issuer' | 'issuedAt' | 'expiresAt'>): number {
  const claimed = Date.parse(challenge.expiresAt);
  return isLocalChallenge(challenge) ? Math.min(claimed, Date.parse(challenge.issuedAt) + LOCAL_CHALLENGE_TTL_MS) : claimed;
}
