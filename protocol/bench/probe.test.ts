import { describe, expect, it } from 'vitest';
import { createLocalChallenge } from './challenge.js';
import { referenceGemm } from './inputs.js';
import { buildMerkleTree, merkleRoot } from './merkle.js';
import { answerProbe, deriveProbe, freivaldsCheck, PROBE_ROW_COUNT } from './probe.js';

const challenge = createLocalChallenge(new Date('2026-11-26T12:00:00Z'), {
  devicePublicKey: 'cd'.repeat(32),
  quick: true,
  n: 48,
  randomBytes: (length) => Uint8Array.from({ length }, (_, i) => (i * 37 + 11) & 0xff),
});

describe('probe', () => {
  it('is deterministic from (challenge, root) and changes with either', () => {
    const root = 'aa'.repeat(32);
    const a = deriveProbe(challenge, root, 48);
    expect(deriveProbe(challenge, root, 48)).toEqual(a);
    expect(a.rows).toHaveLength(PROBE_ROW_COUNT);
    expect(new Set(a.rows).size).toBe(PROBE_ROW_COUNT);
    expect(a.rows.every((row) => row >= 0 && row < 48)).toBe(true);
    expect(Array.from(a.r).every((v) => v === 1 || v === -1)).toBe(true);
    expect(deriveProbe(challenge, 'ab'.repeat(32), 48).r).not.toEqual(a.r);
    expect(deriveProbe({ ...challenge, nonce: 'ff'.repeat(16) }, root, 48).r).not.toEqual(a.r);
    expect(deriveProbe({ ...challenge, seed: 'ff'.repeat(8) }, root, 48).r).not.toEqual(a.r);
  });

  it('opens every row when n is small and r is roughly balanced for large n', () => {
    expect(deriveProbe(challenge, 'aa'.repeat(32), 3).rows.sort()).toEqual([0, 1, 2]);
    const big = deriveProbe(challenge, 'aa'.repeat(32), 4096);
    const plus = Array.from(big.r).filter((v) => v === 1).length;
    expect(plus).toBeGreaterThan(1900);
    expect(plus).toBeLessThan(2200);
  });

  it('an honest answer passes Freivalds and the row checks', () => {
    const n = 48;
    const c = referenceGemm(challenge.seed, n);
    const tree = buildMerkleTree(c, n);
    const probe = deriveProbe(challenge, merkleRoot(tree), n);
    const answer = answerProbe(c, n, tree, probe);
    const result = freivaldsCheck(challenge.seed, n, probe.r, answer.cr, answer.rows);
    expect(result).toEqual({ crMatches: true, crMismatches: [], rowsMatch: [true, true, true, true] });
  });

  it('catches a C with one wrong element, wherever it is', () => {
    const n = 16;
    const good = referenceGemm(challenge.seed, n);
    for (let e = 0; e < n * n; e += 7) {
      const c = good.slice();
      c[e] = c[e]! + 1;
      const tree = buildMerkleTree(c, n);
      const probe = deriveProbe(challenge, merkleRoot(tree), n);
      const answer = answerProbe(c, n, tree, probe);
      const result = freivaldsCheck(challenge.seed, n, probe.r, answer.cr, answer.rows);
      expect(result.crMatches).toBe(false);
      expect(result.crMismatches).toEqual([Math.floor(e / n)]);
    }
  });

  it('flags an opened row that differs from A[i]·B even when C·r was copied from an honest run', () => {
    const n = 16;
    const c = referenceGemm(challenge.seed, n);
    const tree = buildMerkleTree(c, n);
    const probe = deriveProbe(challenge, merkleRoot(tree), n);
    const answer = answerProbe(c, n, tree, probe);
    answer.rows[2]!.values[5]! += 3;
    const result = freivaldsCheck(challenge.seed, n, probe.r, answer.cr, answer.rows);
    expect(result.crMatches).toBe(true);
    expect(result.rowsMatch).toEqual([true, true, false, true]);
  });

  it('pins a derivation (golden: coordinators in other languages must match it)', () => {
    const fixed = { version: 1 as const, nonce: '00112233445566778899aabbccddeeff', seed: '0123456789abcdef', issuer: 'x', issuedAt: '2026-01-01T00:00:00.000Z', expiresAt: '2026-01-01T01:00:00.000Z', n: 64, quick: true };
    const probe = deriveProbe(fixed, 'ab'.repeat(32), 64);
    expect(probe.rows).toEqual([53, 56, 27, 33]);
    expect(Array.from(probe.r.slice(0, 16))).toEqual([1, 1, -1, 1, 1, -1, 1, -1, 1, 1, -1, -1, 1, -1, 1, -1]);
  });
});
