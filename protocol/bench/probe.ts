/**
 * The probe: after committing to C (the Merkle root), the client must reveal C·r for a random ±1 vector r and
 * open a few rows. r and the rows are derived from sha256(challenge nonce, seed, root), so the client learns
 * them only after committing and cannot choose them. The verifier checks C·r = A(B·r) from the seed
 * (Freivalds), each opened row against A[i]·B, against (C·r)[i] and against the root.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { z } from 'zod';
import type { Challenge } from './challenge.js';
import { Hex64Schema } from './challenge.js';
import { MAX_EXACT_N, streamFiller, STREAM_A, STREAM_B, type StreamFillerOptions } from './inputs.js';
import { openRow, type MerkleTree, type OpenedRow } from './merkle.js';

/** Rows opened per probe (fewer when n is smaller). */
export const PROBE_ROW_COUNT = 4;

export interface Probe {
  /** ±1 entries, length n. */
  r: Int8Array;
  /** Distinct row indices to open, in derivation order. */
  rows: number[];
}

export const OpenedRowSchema = z
  .object({
    index: z.number().int().min(0),
    values: z.array(z.number().int()).max(MAX_EXACT_N),
    path: z.array(Hex64Schema).max(64),
  })
  .strict();

export const ProbeResponseSchema = z
  .object({
    /** C·r as exact integers, length n. */
    cr: z.array(z.number().int()).max(MAX_EXACT_N),
    rows: z.array(OpenedRowSchema).max(64),
  })
  .strict();
export type ProbeResponse = z.infer<typeof ProbeResponseSchema>;
export type { OpenedRow };

function u32le(value: number): Uint8Array {
  return new Uint8Array([value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff]);
}

/** Deterministic byte stream: sha256(tag ‖ nonce ‖ seed ‖ root ‖ u32le(n) ‖ u32le(counter)) for counter = 0, 1, … */
function expander(tag: string, challenge: Challenge, root: string, n: number) {
  const prefix = concatBytes(utf8ToBytes(tag), hexToBytes(challenge.nonce), hexToBytes(challenge.seed), hexToBytes(root), u32le(n));
  let counter = 0;
  return () => sha256(concatBytes(prefix, u32le(counter++)));
}

export function deriveProbe(challenge: Challenge, merkleRoot: string, n: number, rowCount = PROBE_ROW_COUNT): Probe {
  if (!/^[0-9a-f]{64}$/.test(merkleRoot)) throw new Error('merkle root must be 64 lowercase hex digits');
  if (!Number.isInteger(n) || n < 1) throw new Error('n must be a positive integer');
  const r = new Int8Array(n);
  const nextR = expander('offhours/probe/r/v1', challenge, merkleRoot, n);
  for (let base = 0; base < n; base += 256) {
    const block = nextR();
    for (let bit = 0; bit < 256 && base + bit < n; bit++) r[base + bit] = (block[bit >>> 3]! >>> (bit & 7)) & 1 ? 1 : -1;
  }
  const wanted = Math.min(rowCount, n);
  const rows: number[] = [];
  const nextRows = expander('offhours/probe/rows/v1', challenge, merkleRoot, n);
  const limit = Math.floor(0x100000000 / n) * n; // rejection sampling: unbiased mod n
  while (rows.length < wanted) {
    const block = nextRows();
    for (let k = 0; k < 32 && rows.length < wanted; k += 4) {
      const word = (block[k]! | (block[k + 1]! << 8) | (block[k + 2]! << 16) | (block[k + 3]! << 24)) >>> 0;
      if (word >= limit) continue;
      const row = word % n;
      if (!rows.includes(row)) rows.push(row);
    }
  }
  return { r, rows };
}

/** The client's side: C·r (exact, f64 accumulation of integers) and the opened rows with their paths. */
export function answerProbe(c: Float32Array, n: number, tree: MerkleTree, probe: Probe): ProbeResponse {
  const cr: number[] = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    const base = i * n;
    for (let j = 0; j < n; j++) sum += c[base + j]! * probe.r[j]!;
    cr[i] = sum;
  }
  return { cr, rows: probe.rows.map((index) => openRow(tree, c, n, index)) };
}

export interface FreivaldsResult {
  /** C·r matches A(B·r) at every index. */
  crMatches: boolean;
  /** Indices i where cr[i] ≠ (A(B·r))[i] (at most 8 listed). */
  crMismatches: number[];
  /** For each requested row: does it equal A[i]·B exactly? */
  rowsMatch: boolean[];
}

/**
 * The verifier's recomputation from the seed, O(n²) time and O(k·n) memory: one streaming pass over B
 * (B·r, and A[i]·B for the k requested rows), then one over A (A·(B·r)). Integer arithmetic in typed arrays.
 */
export function freivaldsCheck(
  seedHex: string,
  n: number,
  r: Int8Array,
  cr: readonly number[],
  rows: readonly { index: number; values: readonly number[] }[],
  options: StreamFillerOptions = {},
): FreivaldsResult {
  const k = rows.length;
  const readA = streamFiller(seedHex, STREAM_A, options);
  const readB = streamFiller(seedHex, STREAM_B, options);
  const aRows = rows.map((row) => {
    const a = new Float64Array(n);
    readA(a, row.index * n, n);
    return a;
  });
  const products = rows.map(() => new Float64Array(n));
  const br = new Float64Array(n);
  const bRow = new Float64Array(n);
  const rf = Float64Array.from(r);
  // Rows are accumulated four at a time in one fused pass over each row of B (padding with a zero row).
  const zero = new Float64Array(n);
  const groups: { a: Float64Array[]; p: Float64Array[] }[] = [];
  for (let t = 0; t < k; t += 4) {
    const a = aRows.slice(t, t + 4);
    const p = products.slice(t, t + 4);
    while (a.length < 4) {
      a.push(zero);
      p.push(new Float64Array(n));
    }
    groups.push({ a, p });
  }
  for (let kk = 0; kk < n; kk++) {
    readB(bRow, kk * n, n);
    let dot = 0;
    for (let j = 0; j < n; j++) dot += bRow[j]! * rf[j]!;
    br[kk] = dot;
    for (const group of groups) {
      const [a0, a1, a2, a3] = group.a as [Float64Array, Float64Array, Float64Array, Float64Array];
      const [p0, p1, p2, p3] = group.p as [Float64Array, Float64Array, Float64Array, Float64Array];
      const c0 = a0[kk]!, c1 = a1[kk]!, c2 = a2[kk]!, c3 = a3[kk]!;
      for (let j = 0; j < n; j++) {
        const b = bRow[j]!;
        p0[j]! += c0 * b;
        p1[j]! += c1 * b;
        p2[j]! += c2 * b;
        p3[j]! += c3 * b;
      }
    }
  }
  const crMismatches: number[] = [];
  const aRow = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    readA(aRow, i * n, n);
    let dot = 0;
    for (let kk = 0; kk < n; kk++) dot += aRow[kk]! * br[kk]!;
    if (dot !== cr[i] && crMismatches.length < 8) crMismatches.push(i);
  }
  const rowsMatch = rows.map((row, t) => {
    const product = products[t]!;
    if (row.values.length !== n) return false;
    for (let j = 0; j < n; j++) if (row.values[j] !== product[j]) return false;
    return true;
  });
  return { crMatches: crMismatches.length === 0 && cr.length === n, crMismatches, rowsMatch };
}
