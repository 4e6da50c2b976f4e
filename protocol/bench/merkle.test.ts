import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, concatBytes } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import { referenceGemm } from './inputs.js';
import { buildMerkleTree, levelSizes, merkleRoot, openRow, rootFromOpenedRow } from './merkle.js';

/** Spec-literal leaf: explicit byte layout, written independently of merkle.ts. */
function specLeaf(i: number, row: number[]): Uint8Array {
  const bytes = new Uint8Array(5 + row.length * 4);
  const view = new DataView(bytes.buffer);
  bytes[0] = 0;
  view.setUint32(1, i, true);
  row.forEach((v, j) => view.setFloat32(5 + j * 4, v, true));
  return sha256(bytes);
}
const specNode = (l: Uint8Array, r: Uint8Array) => sha256(concatBytes(new Uint8Array([1]), l, r));

describe('Merkle commitment', () => {
  it('matches a hand-built tree for 3 rows (unpaired node promoted)', () => {
    const n = 3;
    const c = Float32Array.from([1, 2, 3, -4, 5, 6, 7, 8, -9]);
    const l0 = specLeaf(0, [1, 2, 3]);
    const l1 = specLeaf(1, [-4, 5, 6]);
    const l2 = specLeaf(2, [7, 8, -9]);
    const root = specNode(specNode(l0, l1), l2);
    const tree = buildMerkleTree(c, n);
    expect(merkleRoot(tree)).toBe(bytesToHex(root));
    expect(levelSizes(3)).toEqual([3, 2, 1]);
    const opened = openRow(tree, c, n, 2);
    expect(opened.path).toEqual([bytesToHex(specNode(l0, l1))]);
    expect(rootFromOpenedRow(opened, n)).toBe(merkleRoot(tree));
  });

  it('a one-row tree has the leaf as its root and an empty path', () => {
    const tree = buildMerkleTree(Float32Array.from([42]), 1);
    expect(merkleRoot(tree)).toBe(bytesToHex(specLeaf(0, [42])));
    expect(openRow(tree, Float32Array.from([42]), 1, 0).path).toEqual([]);
  });

  it('opens and verifies every row for several sizes, and rejects any change', () => {
    for (const n of [2, 5, 8, 13]) {
      const c = referenceGemm('00000000deadbeef', n);
      const tree = buildMerkleTree(c, n);
      const root = merkleRoot(tree);
      for (let i = 0; i < n; i++) {
        const opened = openRow(tree, c, n, i);
        expect(rootFromOpenedRow(opened, n)).toBe(root);
        const tampered = { ...opened, values: opened.values.map((v, j) => (j === 0 ? v + 1 : v)) };
        expect(rootFromOpenedRow(tampered, n)).not.toBe(root);
        expect(rootFromOpenedRow({ ...opened, index: (i + 1) % n }, n)).not.toBe(root);
        if (opened.path.length) {
          expect(rootFromOpenedRow({ ...opened, path: opened.path.slice(1) }, n)).toBeNull();
          expect(rootFromOpenedRow({ ...opened, path: [...opened.path, opened.path[0]!] }, n)).toBeNull();
          expect(rootFromOpenedRow({ ...opened, path: ['zz', ...opened.path.slice(1)] }, n)).toBeNull();
        }
      }
    }
  });

  it('binds the row index into the leaf (swapped identical rows give a different root)', () => {
    const a = buildMerkleTree(Float32Array.from([1, 2, 3, 4]), 2);
    const b = buildMerkleTree(Float32Array.from([3, 4, 1, 2]), 2);
    expect(merkleRoot(a)).not.toBe(merkleRoot(b));
  });
});

describe('golden vectors (cross-checked against an independent Python Philox/sha256 implementation)', () => {
  it('pins the Merkle root of C for seed 0123456789abcdef at n = 8 and n = 64', () => {
    const c8 = referenceGemm('0123456789abcdef', 8);
    expect([c8[0], c8[63]]).toEqual([-83, 114]);
    expect(merkleRoot(buildMerkleTree(c8, 8))).toBe('e56f644190d77e34f8cb5eb80209f3866b907bfe931644dbc08cac7359b20592');
    expect(merkleRoot(buildMerkleTree(referenceGemm('0123456789abcdef', 64), 64))).toBe('0b267c067edae02c5f4507b130b8969f421f6e7843caa35ebf91888aeca294b9');
  });
});
