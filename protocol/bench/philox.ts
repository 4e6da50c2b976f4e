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
