import { describe, expect, it } from 'vitest';
import { challengeExpiresAtMs, ChallengeSchema, createLocalChallenge, FULL_N, LOCAL_CHALLENGE_TTL_MS, QUICK_N } from './challenge.js';

const KEY = 'ab'.repeat(32);
const counting = (length: number) => Uint8Array.from({ length }, (_, i) => i + 1);

describe('challenges', () => {
  it('creates a local challenge bound to the device key, with a validity window', () => {
    const now = new Date('2026-11-26T12:00:00.250Z');
    const challenge = createLocalChallenge(now, { devicePublicKey: KEY, quick: true, randomBytes: counting });
    expect(challenge).toEqual({
      version: 1,
      nonce: '0102030405060708090a0b0c0d0e0f10',
      seed: '0102030405060708',
      issuer: `local:${KEY}`,
      issuedAt: '2026-11-26T12:00:00.000Z',
      expiresAt: '2026-11-26T12:10:00.000Z',
      n: QUICK_N,
      quick: true,
    });
    expect(createLocalChallenge(now, { devicePublicKey: KEY, quick: false }).n).toBe(FULL_N);
  });

  it('uses fresh randomness by default', () => {
    const now = new Date();
    const a = createLocalChallenge(now, { devicePublicKey: KEY, quick: true });
    const b = createLocalChallenge(now, { devicePublicKey: KEY, quick: true });
    expect(a.nonce).not.toBe(b.nonce);
    expect(a.seed).not.toBe(b.seed);
  });

  it('rejects malformed challenges', () => {
    const good = createLocalChallenge(new Date(), { devicePublicKey: KEY, quick: true });
    expect(ChallengeSchema.safeParse(good).success).toBe(true);
    for (const bad of [
      { ...good, nonce: 'xyz' },
      { ...good, seed: good.seed.toUpperCase() + 'A' },
      { ...good, expiresAt: good.issuedAt },
      { ...good, n: 0 },
      { ...good, n: 1.5 },
      { ...good, extra: 1 },
      { ...good, version: 2 },
    ])
      expect(ChallengeSchema.safeParse(bad).success).toBe(false);
  });

  it('a local challenge expires LOCAL_CHALLENGE_TTL_MS after it was issued, whatever window it claims', () => {
    const now = new Date('2026-11-26T12:00:00Z');
    const local = createLocalChallenge(now, { devicePublicKey: KEY, quick: true });
    expect(challengeExpiresAtMs(local)).toBe(now.getTime() + LOCAL_CHALLENGE_TTL_MS);
    expect(challengeExpiresAtMs({ ...local, expiresAt: '2030-01-01T00:00:00.000Z' })).toBe(now.getTime() + LOCAL_CHALLENGE_TTL_MS);
    expect(challengeExpiresAtMs({ ...local, issuer: 'coordinator.example', expiresAt: '2030-01-01T00:00:00.000Z' })).toBe(Date.parse('2030-01-01T00:00:00.000Z'));
    expect(() => createLocalChallenge(now, { devicePublicKey: KEY, quick: true, ttlMs: LOCAL_CHALLENGE_TTL_MS + 1 })).toThrow(/at most/);
  });
});
