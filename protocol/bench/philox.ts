/**
 * Philox4x32-10, exactly as Random123 (Salmon et al., "Parallel Random Numbers: As Easy as 1, 2, 3", SC'11).
 * Counter-based: word k of block c is a pure function of (counter, key), so WGSL, CUDA and TypeScript
 * produce the same stream with no shared state. Pure; no Node or DOM APIs.
 */

export const PHILOX_M0 = 0xd2511f53;
export const PHILOX_M1 = 0xcd9e8d57;
export const PHILOX_W0 = 0x9e3779b9;
export const PHILOX_W1 = 0xbb67ae85;
export const PHILOX_ROUNDS = 10;

export type Philox4 = [number, number, number, number];
export type PhiloxKey = [number, number];

/** High 32 bits of the 64-bit product of two unsigned 32-bit integers (exact, via 16-bit halves). */
export function mulhi32(a: number, b: number): number {
  const al = a & 0xffff;
  const ah = a >>> 16;
  const bl = b & 0xffff;
  const bh = b >>> 16;
  const lowLow = al * bl;
  const highLow = ah * bl;
  const lowHigh = al * bh;
  const mid = (lowLow >>> 16) + (highLow & 0xffff) + (lowHigh & 0xffff);
  return (ah * bh + (highLow >>> 16) + (lowHigh >>> 16) + (mid >>> 16)) >>> 0;
}

/**
 * Writes philox4x32-10(ctr, key) into out[0..3]. The allocation-free core used by the input generators;
 * every argument is an unsigned 32-bit integer.
 */
export function philox4x32Into(c0: number, c1: number, c2: number, c3: number, k0: number, k1: number, out: Uint32Array): void {
  for (let round = 0; round < PHILOX_ROUNDS; round++) {
    if (round > 0) {
      k0 = (k0 + PHILOX_W0) >>> 0;
      k1 = (k1 + PHILOX_W1) >>> 0;
    }
    const hi0 = mulhi32(PHILOX_M0, c0);
    const lo0 = Math.imul(PHILOX_M0, c0) >>> 0;
    const hi1 = mulhi32(PHILOX_M1, c2);
    const lo1 = Math.imul(PHILOX_M1, c2) >>> 0;
    c0 = (hi1 ^ c1 ^ k0) >>> 0;
    c1 = lo1;
    c2 = (hi0 ^ c3 ^ k1) >>> 0;
    c3 = lo0;
  }
  out[0] = c0;
  out[1] = c1;
  out[2] = c2;
  out[3] = c3;
}

/** philox4x32-10 of one 128-bit counter under a 64-bit key. */
export function philox4x32(ctr: Philox4, key: PhiloxKey): Philox4 {
  const out = new Uint32Array(4);
  philox4x32Into(ctr[0] >>> 0, ctr[1] >>> 0, ctr[2] >>> 0, ctr[3] >>> 0, key[0] >>> 0, key[1] >>> 0, out);
  return [out[0]!, out[1]!, out[2]!, out[3]!];
}

const M0_SIGNED = PHILOX_M0 | 0;
const M1_SIGNED = PHILOX_M1 | 0;
const W0_SIGNED = PHILOX_W0 | 0;
const W1_SIGNED = PHILOX_W1 | 0;
const TWO_POW_MINUS_32 = 1 / 4294967296;

/*
 * High word of M·c for the fast path: the double product M·c is within 2^12 of the exact 64-bit product and
 * lo = M·c mod 2^32 is exact (Math.imul), so (M·c − lo) / 2^32 is within 2^-20 of the integer hi: rounding
 * recovers it exactly. Checked against BigInt in philox.test.ts.
 */

/**
 * Writes philox4x32-10((firstBlock + b, stream, 0, 0), key) for b in [0, blockCount) into out[4b..4b+3]
 * (as int32 bit patterns; read them with `>>> 0`). Four blocks are interleaved so the multiply latency
 * overlaps: this is the verifier's hot loop (2·n² words at n = 4096).
 */
export function philoxStreamBlocks(k0: number, k1: number, stream: number, firstBlock: number, blockCount: number, out: Int32Array): void {
  const s = stream | 0;
  let b = 0;
  for (; b + 3 < blockCount; b += 4) {
    let a0 = (firstBlock + b) | 0, a1 = s, a2 = 0, a3 = 0;
    let d0 = (firstBlock + b + 1) | 0, d1 = s, d2 = 0, d3 = 0;
    let e0 = (firstBlock + b + 2) | 0, e1 = s, e2 = 0, e3 = 0;
    let f0 = (firstBlock + b + 3) | 0, f1 = s, f2 = 0, f3 = 0;
    let ka = k0 | 0;
    let kb = k1 | 0;
    for (let round = 0; round < PHILOX_ROUNDS; round++) {
      const alo0 = Math.imul(M0_SIGNED, a0), dlo0 = Math.imul(M0_SIGNED, d0), elo0 = Math.imul(M0_SIGNED, e0), flo0 = Math.imul(M0_SIGNED, f0);
      const alo1 = Math.imul(M1_SIGNED, a2), dlo1 = Math.imul(M1_SIGNED, d2), elo1 = Math.imul(M1_SIGNED, e2), flo1 = Math.imul(M1_SIGNED, f2);
      const ahi0 = Math.round(((a0 >>> 0) * PHILOX_M0 - (alo0 >>> 0)) * TWO_POW_MINUS_32) | 0;
      const dhi0 = Math.round(((d0 >>> 0) * PHILOX_M0 - (dlo0 >>> 0)) * TWO_POW_MINUS_32) | 0;
      const ehi0 = Math.round(((e0 >>> 0) * PHILOX_M0 - (elo0 >>> 0)) * TWO_POW_MINUS_32) | 0;
      const fhi0 = Math.round(((f0 >>> 0) * PHILOX_M0 - (flo0 >>> 0)) * TWO_POW_MINUS_32) | 0;
      const ahi1 = Math.round(((a2 >>> 0) * PHILOX_M1 - (alo1 >>> 0)) * TWO_POW_MINUS_32) | 0;
      const dhi1 = Math.round(((d2 >>> 0) * PHILOX_M1 - (dlo1 >>> 0)) * TWO_POW_MINUS_32) | 0;
      const ehi1 = Math.round(((e2 >>> 0) * PHILOX_M1 - (elo1 >>> 0)) * TWO_POW_MINUS_32) | 0;
      const fhi1 = Math.round(((f2 >>> 0) * PHILOX_M1 - (flo1 >>> 0)) * TWO_POW_MINUS_32) | 0;
      a0 = ahi1 ^ a1 ^ ka; a1 = alo1; a2 = ahi0 ^ a3 ^ kb; a3 = alo0;
      d0 = dhi1 ^ d1 ^ ka; d1 = dlo1; d2 = dhi0 ^ d3 ^ kb; d3 = dlo0;
      e0 = ehi1 ^ e1 ^ ka; e1 = elo1; e2 = ehi0 ^ e3 ^ kb; e3 = elo0;
      f0 = fhi1 ^ f1 ^ ka; f1 = flo1; f2 = fhi0 ^ f3 ^ kb; f3 = flo0;
      ka = (ka + W0_SIGNED) | 0;
      kb = (kb + W1_SIGNED) | 0;
    }
    const o = b * 4;
    out[o] = a0; out[o + 1] = a1; out[o + 2] = a2; out[o + 3] = a3;
    out[o + 4] = d0; out[o + 5] = d1; out[o + 6] = d2; out[o + 7] = d3;
    out[o + 8] = e0; out[o + 9] = e1; out[o + 10] = e2; out[o + 11] = e3;
    out[o + 12] = f0; out[o + 13] = f1; out[o + 14] = f2; out[o + 15] = f3;
  }
  if (b < blockCount) {
    const words = new Uint32Array(4);
    for (; b < blockCount; b++) {
      philox4x32Into((firstBlock + b) >>> 0, s >>> 0, 0, 0, k0 >>> 0, k1 >>> 0, words);
      out[b * 4] = words[0]! | 0;
      out[b * 4 + 1] = words[1]! | 0;
      out[b * 4 + 2] = words[2]! | 0;
      out[b * 4 + 3] = words[3]! | 0;
    }
  }
}
