/**
 * The seeded benchmark inputs. Element e (row-major) of stream s is
 *   word = philox4x32-10(ctr = (floor(e / 4), s, 0, 0), key = seed)[e % 4],  value = (word mod 17) - 8,
 * an integer in [-8, 8]. With such inputs every product and partial sum of an n ≤ 4096 GEMM is an integer
 * below 2^24, so FP32 accumulation is exact in any order and C is bit-identical everywhere.
 */
import { philoxStreamBlocks, type PhiloxKey } from './philox.js';
import { createWasmPhilox, WASM_MAX_BLOCKS } from './philox-wasm.js';

/** Stream ids: which matrix or vector a value belongs to. */
export const STREAM_A = 1;
export const STREAM_B = 2;
export const STREAM_TRIAD_B = 3;
export const STREAM_TRIAD_C = 4;

/** Largest n for which |C| and every partial sum stay below 2^24 (64·n ≤ 2^24 ⇒ n ≤ 262144; we cap far lower). */
export const MAX_EXACT_N = 16384;

const SEED_PATTERN = /^[0-9a-f]{16}$/;

/** A challenge seed (16 lowercase hex digits = 64 bits) → Philox key (low 32 bits, high 32 bits). */
export function seedToKey(seedHex: string): PhiloxKey {
  if (!SEED_PATTERN.test(seedHex)) throw new Error(`seed must be 16 lowercase hex digits, got "${seedHex}"`);
  const high = Number.parseInt(seedHex.slice(0, 8), 16) >>> 0;
  const low = Number.parseInt(seedHex.slice(8), 16) >>> 0;
  return [low, high];
}

/** A reusable reader of one stream: keeps its own scratch buffer, so row-by-row reads allocate nothing. */
export type StreamFiller = (out: Int8Array | Float32Array | Int32Array | Float64Array, offset?: number, count?: number) => void;

export interface StreamFillerOptions {
  /** Use the WebAssembly Philox when the host allows it (default true); the JS path gives identical values. */
  wasm?: boolean;
}

export function streamFiller(seedHex: string, stream: number, options: StreamFillerOptions = {}): StreamFiller {
  const [k0, k1] = seedToKey(seedHex);
  const wasm = options.wasm === false ? null : createWasmPhilox();
  let scratch = new Int32Array(0);
  return (out, offset = 0, count = out.length) => {
    if (count <= 0) return;
    const end = offset + count;
    if (wasm) {
      let e = offset;
      let written = 0;
      while (e < end) {
        const firstBlock = Math.floor(e / 4);
        const lastBlock = Math.min(Math.floor((end - 1) / 4), firstBlock + WASM_MAX_BLOCKS - 1);
        const values = wasm.fill(k0, k1, stream, firstBlock, lastBlock - firstBlock + 1);
        const skip = e - firstBlock * 4;
        const take = Math.min(end - e, values.length - skip);
        out.set(values.subarray(skip, skip + take), written);
        written += take;
        e += take;
      }
      return;
    }
    const firstBlock = Math.floor(offset / 4);
    const blockCount = Math.floor((end - 1) / 4) - firstBlock + 1;
    if (scratch.length < blockCount * 4) scratch = new Int32Array(blockCount * 4);
    philoxStreamBlocks(k0, k1, stream, firstBlock, blockCount, scratch);
    const skip = offset - firstBlock * 4;
    for (let i = 0; i < count; i++) out[i] = ((scratch[i + skip]! >>> 0) % 17) - 8;
  };
}

/**
 * Fills out[0..count) with elements offset..offset+count of a stream as integers in [-8, 8].
 * The generic writer behind matrixValues and the verifier's compact copies.
 */
export function fillStream(seedHex: string, stream: number, out: Int8Array | Float32Array | Int32Array, offset = 0, count = out.length): void {
  streamFiller(seedHex, stream)(out, offset, count);
}

/** The first `count` values of a stream as f32 (exact small integers). */
export function matrixValues(seedHex: string, stream: number, count: number): Float32Array {
  const out = new Float32Array(count);
  fillStream(seedHex, stream, out);
  return out;
}

/** The same values packed as Int8 (1 byte per element): what the verifier keeps in memory. */
export function matrixInt8(seedHex: string, stream: number, count: number): Int8Array {
  const out = new Int8Array(count);
  fillStream(seedHex, stream, out);
  return out;
}

/**
 * CPU reference C = A·B (n×n, row-major, f32) for tests and small n. Integer arithmetic on Int32 rows,
 * i-k-j order so the inner loop streams through B; the result equals any exact FP32 GEMM bit for bit.
 */
export function referenceGemm(seedHex: string, n: number): Float32Array {
  if (!Number.isInteger(n) || n < 1 || n > MAX_EXACT_N) throw new Error(`n must be an integer in [1, ${MAX_EXACT_N}]`);
  const a = matrixInt8(seedHex, STREAM_A, n * n);
  const b = matrixInt8(seedHex, STREAM_B, n * n);
  const c = new Float32Array(n * n);
  const row = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    row.fill(0);
    const aBase = i * n;
    for (let k = 0; k < n; k++) {
      const aik = a[aBase + k]!;
      if (aik === 0) continue;
      const bBase = k * n;
      for (let j = 0; j < n; j++) row[j]! += aik * b[bBase + j]!;
    }
    c.set(row, aBase);
  }
  return c;
}
