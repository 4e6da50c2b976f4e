import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mulhi32, philox4x32, philoxStreamBlocks } from './philox.js';

describe('philox4x32-10', () => {
  // Random123 kat_vectors, philox4x32 with 10 rounds.
  it('matches the Random123 known-answer vectors', () => {
    expect(philox4x32([0, 0, 0, 0], [0, 0])).toEqual([0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]);
    expect(philox4x32([0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], [0xffffffff, 0xffffffff])).toEqual([
      0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd,
    ]);
    expect(philox4x32([0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0])).toEqual([
      0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1,
    ]);
  });

  it('computes the high word of a 32×32 product exactly (checked against BigInt)', () => {
    const u32 = fc.integer({ min: 0, max: 0xffffffff });
    fc.assert(
      fc.property(u32, u32, (a, b) => {
        expect(mulhi32(a, b)).toBe(Number((BigInt(a) * BigInt(b)) >> 32n));
      }),
      { numRuns: 2000 },
    );
    expect(mulhi32(0xffffffff, 0xffffffff)).toBe(0xfffffffe);
  });

  it('changes every output word when one counter bit flips', () => {
    const base = philox4x32([1, 2, 3, 4], [5, 6]);
    const flipped = philox4x32([1 ^ 0x80000000, 2, 3, 4], [5, 6]);
    for (let k = 0; k < 4; k++) expect(flipped[k]).not.toBe(base[k]);
  });

  it('the interleaved stream generator equals the scalar reference for any key, stream and block range', () => {
    const u32 = fc.integer({ min: 0, max: 0xffffffff });
    fc.assert(
      fc.property(u32, u32, fc.integer({ min: 0, max: 7 }), u32, fc.integer({ min: 0, max: 11 }), (k0, k1, stream, first, count) => {
        const out = new Int32Array(count * 4);
        philoxStreamBlocks(k0, k1, stream, first, count, out);
        for (let b = 0; b < count; b++) {
          const expected = philox4x32([(first + b) >>> 0, stream, 0, 0], [k0, k1]);
          for (let lane = 0; lane < 4; lane++) expect(out[b * 4 + lane]! >>> 0).toBe(expected[lane]);
        }
      }),
      { numRuns: 300 },
    );
  });
});
