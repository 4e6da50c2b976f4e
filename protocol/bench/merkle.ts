/**
 * Merkle commitment to the GEMM output C, one leaf per row:
 *   leaf_i = sha256(0x00 ‖ u32le(i) ‖ row_i as n little-endian f32),  node = sha256(0x01 ‖ left ‖ right);
 * an unpaired last node is promoted unchanged to the next level; the root is lowercase hex.
 * Pure (sha256 from @noble/hashes); no Node or DOM APIs.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';

export interface MerkleTree {
  /** Number of leaves (= n rows). */
  leafCount: number;
  /** levels[0] are the leaf hashes, the last level holds the root alone. */
  levels: Uint8Array[][];
}

/** One opened row of C: its values and the sibling hashes from the leaf up to the root (promotions skipped). */
export interface OpenedRow {
  index: number;
  values: number[];
  path: string[];
}

const LEAF_TAG = new Uint8Array([0x00]);
const NODE_TAG = new Uint8Array([0x01]);

function littleEndianHost(): boolean {
  return new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
}

function u32le(value: number): Uint8Array {
  return new Uint8Array([value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff]);
}

/** The bytes of a row as little-endian f32, whatever the host's byte order. */
function rowBytes(row: Float32Array): Uint8Array {
  if (littleEndianHost()) return new Uint8Array(row.buffer, row.byteOffset, row.byteLength);
  const bytes = new Uint8Array(row.length * 4);
  const view = new DataView(bytes.buffer);
  for (let j = 0; j < row.length; j++) view.setFloat32(j * 4, row[j]!, true);
  return bytes;
}

export function leafHash(index: number, row: Float32Array): Uint8Array {
  return sha256.create().update(LEAF_TAG).update(u32le(index)).update(rowBytes(row)).digest();
}

export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  return sha256.create().update(NODE_TAG).update(left).update(right).digest();
}

/** Sizes of each level for a tree of `leafCount` leaves, bottom first. */
export function levelSizes(leafCount: number): number[] {
  const sizes = [leafCount];
  let size = leafCount;
  while (size > 1) {
    size = Math.ceil(size / 2);
    sizes.push(size);
  }
  return sizes;
}

export function buildMerkleTree(c: Float32Array, n: number): MerkleTree {
  if (!Number.isInteger(n) || n < 1 || c.length !== n * n) throw new Error(`C must hold n·n = ${n * n} values, got ${c.length}`);
  const leaves: Uint8Array[] = [];
  for (let i = 0; i < n; i++) leaves.push(leafHash(i, c.subarray(i * n, (i + 1) * n)));
  const levels: Uint8Array[][] = [leaves];
  let level = leaves;
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let k = 0; k < level.length; k += 2) next.push(k + 1 < level.length ? nodeHash(level[k]!, level[k + 1]!) : level[k]!);
    levels.push(next);
    level = next;
  }
  return { leafCount: n, levels };
}

export function merkleRoot(tree: MerkleTree): string {
  return bytesToHex(tree.levels[tree.levels.length - 1]![0]!);
}

/** Sibling hashes for leaf `index`, bottom up; a level where the node is promoted contributes nothing. */
export function merklePath(tree: MerkleTree, index: number): string[] {
  if (!Number.isInteger(index) || index < 0 || index >= tree.leafCount) throw new Error(`row ${index} is outside the tree`);
  const path: string[] = [];
  let position = index;
  for (let depth = 0; depth < tree.levels.length - 1; depth++) {
    const level = tree.levels[depth]!;
    const sibling = position ^ 1;
    if (sibling < level.length) path.push(bytesToHex(level[sibling]!));
    position >>>= 1;
  }
  return path;
}

export function openRow(tree: MerkleTree, c: Float32Array, n: number, index: number): OpenedRow {
  return { index, values: Array.from(c.subarray(index * n, (index + 1) * n)), path: merklePath(tree, index) };
}

const HASH_HEX = /^[0-9a-f]{64}$/;

/**
 * Recomputes the root from an opened row and its path. Returns null when the path has the wrong shape
 * (wrong length, bad hex) for a tree of `n` leaves; compare the result with the committed root.
 */
export function rootFromOpenedRow(row: OpenedRow, n: number): string | null {
  if (!Number.isInteger(row.index) || row.index < 0 || row.index >= n || row.values.length !== n) return null;
  const sizes = levelSizes(n);
  let hash = leafHash(row.index, Float32Array.from(row.values));
  let position = row.index;
  let used = 0;
  for (let depth = 0; depth < sizes.length - 1; depth++) {
    const sibling = position ^ 1;
    if (sibling < sizes[depth]!) {
      const hex = row.path[used++];
      if (hex === undefined || !HASH_HEX.test(hex)) return null;
      const siblingHash = hexToBytes(hex);
      hash = position & 1 ? nodeHash(siblingHash, hash) : nodeHash(hash, siblingHash);
    }
    position >>>= 1;
  }
  if (used !== row.path.length) return null;
  return bytesToHex(hash);
}
