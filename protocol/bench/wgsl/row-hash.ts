/**
 * The Merkle commitment to a GEMM's output, computed on the GPU, bit-identical to protocol/bench/merkle.ts:
 *   leaf_i = sha256(0x00 ‖ u32le(i) ‖ row_i as little-endian f32),  node = sha256(0x01 ‖ left ‖ right),
 * an unpaired last node promoted unchanged. Only the leaves (32 B per row) and the root leave the GPU: the
 * timed challenge's provider would otherwise read back and hash 4n² bytes per GEMM on the CPU, which costs
 * more than the GEMM itself on a fast card.
 *
 * Both messages are "one tag byte, then a run of little-endian u32 words" (row index and f32 bits for a leaf,
 * the stored words of two digests for a node), so one message-word formula serves both. A digest is stored
 * as 8 u32 whose little-endian bytes are the digest's bytes: a read-back buffer is the digests back to back.
 */

/** Invocations per workgroup of the leaf kernel (one row each): small, so n = 4096 rows still fill every SM. */
export const LEAF_WORKGROUP = 32;
/** The tree kernel is one workgroup per matrix: the levels need a barrier between them. */
export const TREE_WORKGROUP = 256;
/** u32 words in one stored digest. */
export const DIGEST_WORDS = 8;
export const DIGEST_BYTES = 32;

const K256 = [
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74,
  0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d,
  0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e,
  0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5,
  0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];
const H0 = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

const hex = (word: number) => `0x${word.toString(16).padStart(8, '0')}u`;

/**
 * One SHA-256 compression over a rolling 16-word schedule, written as plain loops: GPU drivers unroll loops
 * of constant trip count themselves, while SwiftShader (the demo path) took over 10 s to compile a version
 * unrolled in the source, and ~0.3 s this one.
 */
function compressSource(): string {
  return `const K256 = array<u32, 64>(${K256.map(hex).join(', ')});

fn compress(state: array<u32, 8>, block: array<u32, 16>) -> array<u32, 8> {
  var w = block;
  var a = state[0]; var b = state[1]; var c = state[2]; var d = state[3];
  var e = state[4]; var f = state[5]; var g = state[6]; var h = state[7];
  for (var t = 0u; t < 64u; t = t + 1u) {
    let i = t & 15u;
    if (t >= 16u) {
      let w15 = w[(t + 1u) & 15u];
      let w2 = w[(t + 14u) & 15u];
      w[i] = w[i] + (rotr(w15, 7u) ^ rotr(w15, 18u) ^ (w15 >> 3u)) + w[(t + 9u) & 15u] + (rotr(w2, 17u) ^ rotr(w2, 19u) ^ (w2 >> 10u));
    }
    let t1 = h + (rotr(e, 6u) ^ rotr(e, 11u) ^ rotr(e, 25u)) + ((e & f) ^ (~e & g)) + K256[t] + w[i];
    let t2 = (rotr(a, 2u) ^ rotr(a, 13u) ^ rotr(a, 22u)) + ((a & b) ^ (a & c) ^ (b & c));
    h = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
  }
  return array<u32, 8>(state[0] + a, state[1] + b, state[2] + c, state[3] + d, state[4] + e, state[5] + f, state[6] + g, state[7] + h);
}`;
}

/** Shared by both kernels: rotations, byte swap, the initial state, and the message-word formula. */
function sha256Prelude(): string {
  return /* wgsl */ `
struct RowHashParams { rows: u32, cols: u32, leaf_base: u32, root_base: u32 }

fn rotr(x: u32, n: u32) -> u32 { return (x >> n) | (x << (32u - n)); }
fn bswap(x: u32) -> u32 { return (x >> 24u) | ((x >> 8u) & 0xff00u) | ((x << 8u) & 0xff0000u) | (x << 24u); }
fn sha256_init() -> array<u32, 8> { return array<u32, 8>(${H0.map(hex).join(', ')}); }

// Big-endian message word g of "tag ‖ LE bytes of s_0 ‖ s_1 …": the last byte of the word before (its top
// byte in LE order; the tag for g = 0) followed by the first three bytes of s_g.
fn joined(before_top: u32, word: u32) -> u32 { return (before_top & 0xff000000u) | (bswap(word) >> 8u); }
// The word after the last value: its last byte, then the 0x80 that starts the padding.
fn closing(last: u32) -> u32 { return (last & 0xff000000u) | 0x00800000u; }

${compressSource()}
`;
}

/**
 * Leaf kernel: one invocation per row of C (rows × cols f32, row-major, bound as u32 bits). Writes the leaf
 * digests to leaves[leaf_base + 8·row …]. Message: 0x00 ‖ u32le(row) ‖ the row, 5 + 4·cols bytes.
 */
export function leafHashSource(): string {
  return /* wgsl */ `${sha256Prelude()}
@group(0) @binding(0) var<storage, read> C: array<u32>;
@group(0) @binding(1) var<storage, read_write> leaves: array<u32>;
@group(0) @binding(2) var<uniform> params: RowHashParams;

// Big-endian word g of the padded message of this row (base = row · cols): s_0 is the index, s_k = C[base + k - 1].
fn leaf_word(row: u32, base: u32, cols: u32, total: u32, g: u32) -> u32 {
  if (g == 0u) { return bswap(row) >> 8u; }
  if (g == cols + 1u) { return closing(select(row, C[base + cols - 1u], cols > 0u)); }
  if (g == 1u) { return joined(row, C[base]); }
  if (g <= cols) { return joined(C[base + g - 2u], C[base + g - 1u]); }
  if (g == total - 1u) { return (5u + 4u * cols) * 8u; }
  return 0u;
}

@compute @workgroup_size(${LEAF_WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let row = gid.x + gid.y * groups.x * ${LEAF_WORKGROUP}u;
  if (row >= params.rows) { return; }
  let cols = params.cols;
  let base = row * cols;
  // Padded length: message + 0x80 + 8 length bytes, rounded up to whole 64-byte blocks, in words.
  let total = ((5u + 4u * cols + 9u + 63u) / 64u) * 16u;
  var state = sha256_init();
  for (var g0 = 0u; g0 < total; g0 = g0 + 16u) {
    var block: array<u32, 16>;
    for (var t = 0u; t < 16u; t = t + 1u) { block[t] = leaf_word(row, base, cols, total, g0 + t); }
    state = compress(state, block);
  }
  let out = params.leaf_base + row * 8u;
${Array.from({ length: 8 }, (_, k) => `  leaves[out + ${k}u] = bswap(state[${k}]);`).join('\n')}
}
`;
}

/**
 * Tree kernel: one workgroup of TREE_WORKGROUP per matrix. Level by level (a barrier between levels) from the
 * `rows` leaves at leaf_base to the root, written to roots[root_base …]. The levels ping-pong between the two
 * halves of `scratch` (each ⌈rows/2⌉ digests).
 */
export function merkleTreeSource(): string {
  return /* wgsl */ `${sha256Prelude()}
@group(0) @binding(0) var<storage, read> leaves: array<u32>;
@group(0) @binding(1) var<storage, read_write> scratch: array<u32>;
@group(0) @binding(2) var<storage, read_write> roots: array<u32>;
@group(0) @binding(3) var<uniform> params: RowHashParams;

fn load(from_leaves: bool, offset: u32, index: u32) -> array<u32, 8> {
  var d: array<u32, 8>;
  let at = offset + index * 8u;
  if (from_leaves) {
${Array.from({ length: 8 }, (_, k) => `    d[${k}] = leaves[at + ${k}u];`).join('\n')}
  } else {
${Array.from({ length: 8 }, (_, k) => `    d[${k}] = scratch[at + ${k}u];`).join('\n')}
  }
  return d;
}

// sha256(0x01 ‖ left ‖ right): 65 bytes, two blocks; returned in stored form like the leaves.
fn node_hash(l: array<u32, 8>, r: array<u32, 8>) -> array<u32, 8> {
  var first: array<u32, 16>;
  first[0] = joined(0x01000000u, l[0]);
${Array.from({ length: 7 }, (_, k) => `  first[${k + 1}] = joined(l[${k}], l[${k + 1}]);`).join('\n')}
  first[8] = joined(l[7], r[0]);
${Array.from({ length: 7 }, (_, k) => `  first[${k + 9}] = joined(r[${k}], r[${k + 1}]);`).join('\n')}
  var second: array<u32, 16>;
  second[0] = closing(r[7]);
  second[15] = 65u * 8u;
  var h = sha256_init();
  for (var k = 0u; k < 2u; k = k + 1u) {
    var block = first;
    if (k == 1u) { block = second; }
    h = compress(h, block);
  }
  return array<u32, 8>(${Array.from({ length: 8 }, (_, k) => `bswap(h[${k}])`).join(', ')});
}

@compute @workgroup_size(${TREE_WORKGROUP})
fn main(@builtin(local_invocation_index) lid: u32) {
  let half = ((params.rows + 1u) / 2u) * 8u;
  var count = params.rows;
  var from_leaves = true;
  var src = params.leaf_base;
  var dst = 0u;
  while (count > 1u) {
    let next = (count + 1u) / 2u;
    for (var j = lid; j < next; j = j + ${TREE_WORKGROUP}u) {
      var node = load(from_leaves, src, 2u * j);
      if (2u * j + 1u < count) { node = node_hash(node, load(from_leaves, src, 2u * j + 1u)); }
${Array.from({ length: 8 }, (_, k) => `      scratch[dst + j * 8u + ${k}u] = node[${k}];`).join('\n')}
    }
    storageBarrier();
    from_leaves = false;
    src = dst;
    dst = select(0u, half, dst == 0u);
    count = next;
  }
  if (lid == 0u) {
    let root = load(from_leaves, src, 0u);
${Array.from({ length: 8 }, (_, k) => `    roots[params.root_base + ${k}u] = root[${k}];`).join('\n')}
  }
}
`;
}

/** The uniform both kernels read: leaves at slot·rows digests, the root at slot (in u32 words). */
export function rowHashParams(rows: number, cols: number, slot: number): Uint32Array<ArrayBuffer> {
  return new Uint32Array([rows, cols, slot * rows * DIGEST_WORDS, slot * DIGEST_WORDS]);
}

/** Bytes of the tree kernel's scratch buffer for `rows` leaves (two halves of ⌈rows/2⌉ digests; at least 32). */
export function treeScratchBytes(rows: number): number {
  return Math.max(1, 2 * Math.ceil(rows / 2)) * DIGEST_BYTES;
}

/** The two compiled kernels; compile once per device. */
export interface RowCommitPipelines {
  leaf: GPUComputePipeline;
  tree: GPUComputePipeline;
}

export interface RowCommitBuffers {
  /** The matrix, rows × cols f32. */
  c: GPUBuffer;
  /** Leaf digests, one slot of rows × 32 B per matrix in flight. */
  leaves: GPUBuffer;
  /** treeScratchBytes(rows). */
  scratch: GPUBuffer;
  /** Root digests, 32 B per slot. */
  roots: GPUBuffer;
  /** 16 B uniform, written with rowHashParams before each submit that encodes a commit. */
  params: GPUBuffer;
}

export interface RowCommitBindings {
  leaf: GPUBindGroup;
  tree: GPUBindGroup;
  leafGroups: [number, number, number];
}

export function bindRowCommit(device: GPUDevice, pipelines: RowCommitPipelines, buffers: RowCommitBuffers, leafGroups: [number, number, number]): RowCommitBindings {
  const bind = (pipeline: GPUComputePipeline, resources: GPUBuffer[]) =>
    device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: resources.map((buffer, binding) => ({ binding, resource: { buffer } })) });
  return {
    leaf: bind(pipelines.leaf, [buffers.c, buffers.leaves, buffers.params]),
    tree: bind(pipelines.tree, [buffers.leaves, buffers.scratch, buffers.roots, buffers.params]),
    leafGroups,
  };
}

/** Records the leaf pass then the tree pass (the second reads what the first wrote: separate passes). */
export function encodeRowCommit(encoder: GPUCommandEncoder, pipelines: RowCommitPipelines, bindings: RowCommitBindings): void {
  const leafPass = encoder.beginComputePass();
  leafPass.setPipeline(pipelines.leaf);
  leafPass.setBindGroup(0, bindings.leaf);
  leafPass.dispatchWorkgroups(...bindings.leafGroups);
  leafPass.end();
  const treePass = encoder.beginComputePass();
  treePass.setPipeline(pipelines.tree);
  treePass.setBindGroup(0, bindings.tree);
  treePass.dispatchWorkgroups(1, 1, 1);
  treePass.end();
}
