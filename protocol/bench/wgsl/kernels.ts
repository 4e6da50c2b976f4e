/**
 * The WGSL benchmark kernels, as source text generated from a few parameters. Pure strings: the harness
 * compiles them on whatever `GPU` object it is given (navigator.gpu in a window, Dawn in Node).
 *
 * Every kernel that a grid may make larger than 65535 workgroups takes a 2-D dispatch and linearises it
 * with num_workgroups, so the same source serves SwiftShader-sized and 4096²-sized problems.
 */

export const WORKGROUP_SIZE = 256;

/** Philox4x32-10 in WGSL, bit-identical to protocol/bench/philox.ts (Random123). */
export const PHILOX_WGSL = /* wgsl */ `
const PHILOX_M0: u32 = 0xD2511F53u;
const PHILOX_M1: u32 = 0xCD9E8D57u;
const PHILOX_W0: u32 = 0x9E3779B9u;
const PHILOX_W1: u32 = 0xBB67AE85u;

// High 32 bits of the 64-bit product a*b, from 16-bit halves (WGSL has no 64-bit integers).
fn mulhi32(a: u32, b: u32) -> u32 {
  let al = a & 0xFFFFu;
  let ah = a >> 16u;
  let bl = b & 0xFFFFu;
  let bh = b >> 16u;
  let ll = al * bl;
  let hl = ah * bl;
  let lh = al * bh;
  let mid = (ll >> 16u) + (hl & 0xFFFFu) + (lh & 0xFFFFu);
  return ah * bh + (hl >> 16u) + (lh >> 16u) + (mid >> 16u);
}

fn philox4x32_10(ctr_in: vec4<u32>, key_in: vec2<u32>) -> vec4<u32> {
  var c = ctr_in;
  var k = key_in;
  for (var round = 0u; round < 10u; round = round + 1u) {
    if (round > 0u) {
      k = vec2<u32>(k.x + PHILOX_W0, k.y + PHILOX_W1);
    }
    let hi0 = mulhi32(PHILOX_M0, c.x);
    let lo0 = PHILOX_M0 * c.x;
    let hi1 = mulhi32(PHILOX_M1, c.z);
    let lo1 = PHILOX_M1 * c.z;
    c = vec4<u32>(hi1 ^ c.y ^ k.x, lo1, hi0 ^ c.w ^ k.y, lo0);
  }
  return c;
}
`;

/**
 * Fills a buffer with elements 0..count of one stream: value = (word mod 17) - 8, as f32 or f16.
 * One invocation per Philox block (4 elements). Params: count, stream, key low, key high.
 */
export function fillSource(elementType: 'f32' | 'f16'): string {
  return /* wgsl */ `${elementType === 'f16' ? 'enable f16;' : ''}
${PHILOX_WGSL}
struct FillParams { count: u32, stream: u32, key_lo: u32, key_hi: u32 }
@group(0) @binding(0) var<storage, read_write> out: array<${elementType}>;
@group(0) @binding(1) var<uniform> params: FillParams;

@compute @workgroup_size(${WORKGROUP_SIZE})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let block = gid.x + gid.y * groups.x * ${WORKGROUP_SIZE}u;
  let first = block * 4u;
  if (first >= params.count) { return; }
  let words = philox4x32_10(vec4<u32>(block, params.stream, 0u, 0u), vec2<u32>(params.key_lo, params.key_hi));
  for (var lane = 0u; lane < 4u; lane = lane + 1u) {
    let e = first + lane;
    if (e < params.count) {
      out[e] = ${elementType}(i32(words[lane] % 17u) - 8);
    }
  }
}
`;
}

/** Independent FMA chains per invocation; FLOPs per invocation = iterations · FMA_FLOPS_PER_ITERATION. */
export const FMA_CHAINS = 8;
export const FMA_UNROLL = 4;
/** 8 vec4 chains × 4 unrolled steps × 4 lanes × 2 FLOPs. */
export const FMA_FLOPS_PER_ITERATION = FMA_CHAINS * FMA_UNROLL * 4 * 2;

export const FMA_SOURCE = /* wgsl */ `
struct FmaParams { iterations: u32, pad: u32, mul: f32, add: f32 }
@group(0) @binding(0) var<storage, read_write> out: array<vec4<f32>>;
@group(0) @binding(1) var<uniform> params: FmaParams;

@compute @workgroup_size(${WORKGROUP_SIZE})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let id = gid.x + gid.y * groups.x * ${WORKGROUP_SIZE}u;
  let m = vec4<f32>(params.mul);
  let a = vec4<f32>(params.add);
  let base = f32(id & 1023u) * 0.0009765625;
${Array.from({ length: FMA_CHAINS }, (_, i) => `  var x${i} = vec4<f32>(base + ${i}.0, base - ${i}.0, base * ${i + 1}.0, -base);`).join('\n')}
  for (var i = 0u; i < params.iterations; i = i + 1u) {
${Array.from({ length: FMA_UNROLL }, () => Array.from({ length: FMA_CHAINS }, (_, c) => `    x${c} = fma(x${c}, m, a);`).join('\n')).join('\n')}
  }
  out[id] = ${Array.from({ length: FMA_CHAINS }, (_, i) => `x${i}`).join(' + ')};
}
`;

/** vec4 elements per invocation per pass of the triad's grid-stride loop (gemm-variants.ts sizes the grid). */
export const TRIAD_UNROLL = 4;

/**
 * a = b + s·c over vec4 arrays. Bytes moved per element: 3 × 16. A grid-stride loop: the grid is sized to the
 * device (triadWorkgroups), and each pass an invocation moves TRIAD_UNROLL vec4s, one grid apart, so a warp's
 * loads stay contiguous and several are in flight before the first store.
 */
export const TRIAD_SOURCE = /* wgsl */ `
struct TriadParams { count4: u32, pad0: u32, pad1: u32, scalar: f32 }
@group(0) @binding(0) var<storage, read_write> a: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read> b: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> c: array<vec4<f32>>;
@group(0) @binding(3) var<uniform> params: TriadParams;

@compute @workgroup_size(${WORKGROUP_SIZE})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let stride = groups.x * groups.y * ${WORKGROUP_SIZE}u;
  let s = params.scalar;
  for (var i = gid.x + gid.y * groups.x * ${WORKGROUP_SIZE}u; i < params.count4; i = i + ${TRIAD_UNROLL}u * stride) {
${Array.from({ length: TRIAD_UNROLL }, (_, u) => `    let i${u} = i + ${u}u * stride;`).join('\n')}
${Array.from({ length: TRIAD_UNROLL }, (_, u) => `    var b${u} = vec4<f32>(0.0);\n    var c${u} = vec4<f32>(0.0);\n    if (i${u} < params.count4) { b${u} = b[i${u}]; c${u} = c[i${u}]; }`).join('\n')}
${Array.from({ length: TRIAD_UNROLL }, (_, u) => `    if (i${u} < params.count4) { a[i${u}] = b${u} + s * c${u}; }`).join('\n')}
  }
}
`;

/** The naive GEMM: one invocation per output element, every operand straight from global memory. Any n. */
export const NAIVE_GEMM_SOURCE = /* wgsl */ `
struct GemmParams { n: u32, pad0: u32, pad1: u32, pad2: u32 }
@group(0) @binding(0) var<storage, read> A: array<f32>;
@group(0) @binding(1) var<storage, read> B: array<f32>;
@group(0) @binding(2) var<storage, read_write> C: array<f32>;
@group(0) @binding(3) var<uniform> params: GemmParams;

@compute @workgroup_size(16, 16)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let n = params.n;
  let col = gid.x;
  let row = gid.y;
  if (row >= n || col >= n) { return; }
  var acc = 0.0;
  for (var k = 0u; k < n; k = k + 1u) {
    acc = acc + A[row * n + k] * B[k * n + col];
  }
  C[row * n + col] = acc;
}
`;

/** Workgroup size of the naive GEMM along each axis. */
export const NAIVE_GEMM_BLOCK = 16;

/** Shape of the register-tiled GEMM: 16×16 invocations, each computing tile×tile outputs. */
export interface GemmTiling {
  /** Outputs per invocation along each axis: 4 (64×64 workgroup tile) or 8 (128×128, two halves of 4). */
  tile: 4 | 8;
  /** K depth of one step of the FP32 kernel; the FP16 kernel steps min(32, 2 × depth): the same bytes. */
  depth: 8 | 16 | 32;
}

export function gemmBlock(tiling: GemmTiling): number {
  return 16 * tiling.tile;
}

/**
 * K depth of one step. FP16: at most 32, because each step's partial sums are kept in f16 and 32 products of
 * magnitude ≤ 64 sum to at most 2048, the largest range in which f16 holds every integer.
 */
export function gemmStepDepth(tiling: GemmTiling, precision: 'f32' | 'f16'): number {
  return precision === 'f16' ? Math.min(32, 2 * tiling.depth) : tiling.depth;
}

/** Workgroup memory of the tiled GEMM: two buffers (double buffering), each an A and a B tile. */
export function tiledGemmStorageBytes(tiling: GemmTiling, precision: 'f32' | 'f16'): number {
  return 2 * 2 * gemmStepDepth(tiling, precision) * gemmBlock(tiling) * (precision === 'f16' ? 2 : 4);
}

/** Whether the kernel may read and write whole vec4s: every row starts 16-byte aligned when n % 4 = 0. */
export function gemmVectorised(n: number): boolean {
  return n % 4 === 0;
}

/**
 * Register-tiled GEMM with double-buffered workgroup tiles, for any n (loads outside the matrix read zero,
 * stores outside are skipped; vec4 loads and stores when n % 4 = 0, scalar ones otherwise).
 *
 * Layout (as native/src/gemm_tiles.h): invocation (tRow, tCol) of the 16×16 grid owns rows
 * {4·tRow..+3, 64+4·tRow..+3} and columns {4·tCol..+3, 64+4·tCol..+3} of a 128×128 tile (rows and columns
 * 4·t..+3 of a 64×64 one), so the 16 invocations of a half-warp read 16 consecutive vec4s of B and one
 * broadcast vec4 of A per k: no bank conflicts. A is stored transposed (As[k][m]); its transposing stores
 * would hit one bank from two invocations, so column m of row k is stored at m XOR 16·((k / 4) mod 2), a
 * swizzle that spreads them over all 32 banks and, unlike padding, costs no workgroup memory (128×128 tiles
 * with K depth 16 fit 32 KiB exactly).
 *
 * Pipeline: each step's global loads for the next K slice are issued into registers before the FMAs on the
 * current slice, then stored into the other buffer; one barrier per step. The k loop is unrolled 8 times
 * with constant offsets (computeLines).
 *
 * f16 variant: inputs and the inner products are f16; each step's partial sum (an integer of magnitude
 * ≤ 2048, gemmStepDepth) is exact in f16 and is added into an f32 accumulator, so C is bit-identical to the
 * f32 kernel's.
 */
export function tiledGemmSource(tiling: GemmTiling, precision: 'f32' | 'f16', vectorised: boolean): string {
  const g = gemmGeometry(tiling, precision);
  const S = precision;
  const lines: string[] = [];
  if (precision === 'f16') lines.push('enable f16;');
  const elem = vectorised ? `vec4<${S}>` : S;
  lines.push(`struct GemmParams { n: u32, pad0: u32, pad1: u32, pad2: u32 }
@group(0) @binding(0) var<storage, read> A: array<${elem}>;
@group(0) @binding(1) var<storage, read> B: array<${elem}>;
@group(0) @binding(2) var<storage, read_write> C: array<${vectorised ? 'vec4<f32>' : 'f32'}>;
@group(0) @binding(3) var<uniform> params: GemmParams;
// Two buffers of As[k][m] (A transposed, swizzled) and Bs[k][n], as vec4 rows of ${g.BM} elements.
var<workgroup> As: array<vec4<${S}>, ${2 * g.bufferVec4}>;
var<workgroup> Bs: array<vec4<${S}>, ${2 * g.bufferVec4}>;
${loadFunctions(g, S, vectorised)}
@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let n = params.n;
  let tid = lid.y * 16u + lid.x;
  let row0 = wg.y * ${g.BM}u;
  let col0 = wg.x * ${g.BM}u;
  // A's vec4 column for this invocation's rows in an unswizzled and a swizzled k row.
  let aq0 = lid.y;
  let aq1 = lid.y ^ 4u;`);
  for (let r = 0; r < g.T; r++) for (let v = 0; v < g.V; v++) lines.push(`  var acc_${r}_${v} = vec4<f32>(0.0);`);
  for (let l = 0; l < g.aLoads; l++) lines.push(`  var pa${l} = vec4<${S}>(0.0);`);
  for (let l = 0; l < g.bLoads; l++) lines.push(`  var pb${l} = vec4<${S}>(0.0);`);
  lines.push(...fetchLines(g, '0u'), ...stageLines(g, '0u'));
  lines.push('  workgroupBarrier();');
  lines.push('  var buf = 0u;');
  lines.push(`  for (var k0 = 0u; k0 < n; k0 = k0 + ${g.BK}u) {`);
  lines.push(`    // The next slice's loads go out first (zeros past the end of K); the FMAs hide their latency.`);
  lines.push(...fetchLines(g, `k0 + ${g.BK}u`).map((line) => `  ${line}`));
  lines.push(`    let base = buf * ${g.bufferVec4}u;`);
  lines.push(...computeLines(g, precision));
  lines.push(...stageLines(g, '(buf ^ 1u)').map((line) => `  ${line}`));
  lines.push('    workgroupBarrier();');
  lines.push('    buf = buf ^ 1u;');
  lines.push('  }');
  lines.push(...storeLines(g, vectorised));
  lines.push('}');
  return lines.join('\n');
}

interface GemmGeometry {
  T: number;
  /** vec4s per thread row segment (1 or 2: the two halves of a 128-wide tile). */
  V: number;
  BM: number;
  BK: number;
  /** vec4s in one buffer of As (= one of Bs). */
  bufferVec4: number;
  /** vec4s of A (and of B) per K slice, and how many each invocation carries. */
  sliceVec4: number;
  aLoads: number;
  bLoads: number;
}

function gemmGeometry(tiling: GemmTiling, precision: 'f32' | 'f16'): GemmGeometry {
  const T = tiling.tile;
  const BM = gemmBlock(tiling);
  const BK = gemmStepDepth(tiling, precision);
  const sliceVec4 = (BM * BK) / 4;
  const loads = Math.ceil(sliceVec4 / 256);
  return { T, V: T / 4, BM, BK, bufferVec4: sliceVec4, sliceVec4, aLoads: loads, bLoads: loads };
}

/** loadA(r, k) / loadB(k, c): 4 consecutive elements of a row (k, c multiples of 4), zero outside the matrix. */
function loadFunctions(g: GemmGeometry, S: string, vectorised: boolean): string {
  const body = (matrix: 'A' | 'B') =>
    vectorised
      ? `  // n % 4 = 0: the 4 elements are in the matrix together or not at all.
  if (r < n && c < n) { return ${matrix}[(r * n + c) / 4u]; }
  return vec4<${S}>(0.0);`
      : `  var v = vec4<${S}>(0.0);
  if (r < n) {
    let row = r * n;
    if (c < n) { v.x = ${matrix}[row + c]; }
    if (c + 1u < n) { v.y = ${matrix}[row + c + 1u]; }
    if (c + 2u < n) { v.z = ${matrix}[row + c + 2u]; }
    if (c + 3u < n) { v.w = ${matrix}[row + c + 3u]; }
  }
  return v;`;
  return `fn loadA(r: u32, c: u32, n: u32) -> vec4<${S}> {\n${body('A')}\n}\nfn loadB(r: u32, c: u32, n: u32) -> vec4<${S}> {\n${body('B')}\n}`;
}

/**
 * Slice element indices of invocation `tid`'s load l. A: pairs of invocations share a row (two vec4s along
 * K), 16 rows per 32 invocations, so the transposing stores land on 32 distinct banks after the swizzle;
 * B: a row of the slice is read by consecutive invocations.
 */
function sliceIndex(g: GemmGeometry, l: number): string {
  return `tid + ${l * 256}u`;
}

function fetchLines(g: GemmGeometry, k0: string): string[] {
  const lines: string[] = [];
  const guard = g.sliceVec4 % 256 !== 0;
  for (let l = 0; l < g.aLoads; l++) {
    const idx = sliceIndex(g, l);
    const load = `pa${l} = loadA(row0 + (((${idx}) / 2u) % ${g.BM}u), ${k0} + ((((${idx}) / ${2 * g.BM}u) * 2u + ((${idx}) % 2u)) * 4u), n);`;
    lines.push(guard ? `  if (${idx} < ${g.sliceVec4}u) { ${load} }` : `  ${load}`);
  }
  for (let l = 0; l < g.bLoads; l++) {
    const idx = sliceIndex(g, l);
    const load = `pb${l} = loadB(${k0} + ((${idx}) / ${g.BM / 4}u), col0 + ((${idx}) % ${g.BM / 4}u) * 4u, n);`;
    lines.push(guard ? `  if (${idx} < ${g.sliceVec4}u) { ${load} }` : `  ${load}`);
  }
  return lines;
}

function stageLines(g: GemmGeometry, buffer: string): string[] {
  const lines: string[] = [];
  const guard = g.sliceVec4 % 256 !== 0;
  const q = g.BM / 4;
  for (let l = 0; l < g.aLoads; l++) {
    const idx = sliceIndex(g, l);
    lines.push(`  ${guard ? `if (${idx} < ${g.sliceVec4}u) ` : ''}{
    let m = ((${idx}) / 2u) % ${g.BM}u;
    let kq = ((${idx}) / ${2 * g.BM}u) * 2u + ((${idx}) % 2u);
    // Column m of rows 4kq..4kq+3, swizzled: vec4 column (m / 4) XOR 4 in odd groups of 4 rows.
    let at = ${buffer} * ${g.bufferVec4}u + kq * ${4 * q}u + ((m / 4u) ^ ((kq % 2u) * 4u));
    let lane = m % 4u;
    As[at][lane] = pa${l}.x;
    As[at + ${q}u][lane] = pa${l}.y;
    As[at + ${2 * q}u][lane] = pa${l}.z;
    As[at + ${3 * q}u][lane] = pa${l}.w;
  }`);
  }
  for (let l = 0; l < g.bLoads; l++) {
    const idx = sliceIndex(g, l);
    lines.push(`  ${guard ? `if (${idx} < ${g.sliceVec4}u) ` : ''}{ Bs[${buffer} * ${g.bufferVec4}u + ${idx}] = pb${l}; }`);
  }
  return lines;
}

const LANES = ['x', 'y', 'z', 'w'];

/** k steps unrolled per pass of the k loop: two groups of 4 rows, one unswizzled and one swizzled. */
export const GEMM_K_UNROLL = 8;

/**
 * The k loop over one buffer, unrolled GEMM_K_UNROLL times with constant offsets from the pass's first row:
 * per k, the A vec4(s) of this invocation's rows and the B vec4(s) of its columns. (Unrolling all 32 steps
 * gave SwiftShader's JIT 20 s of compiling per kernel for no gain there; GPU compilers unroll the remaining
 * 2–4 passes of a constant-trip loop themselves.)
 */
function computeLines(g: GemmGeometry, precision: 'f32' | 'f16'): string[] {
  const lines: string[] = [];
  const q = g.BM / 4;
  const f16 = precision === 'f16';
  if (f16) for (let r = 0; r < g.T; r++) for (let v = 0; v < g.V; v++) lines.push(`    var part_${r}_${v} = vec4<f16>(0.0h);`);
  lines.push(`    for (var kk = 0u; kk < ${g.BK}u; kk = kk + ${GEMM_K_UNROLL}u) {`);
  lines.push(`      let row = base + kk * ${q}u;`);
  for (let k = 0; k < GEMM_K_UNROLL; k++) {
    const aq = Math.floor(k / 4) % 2 === 0 ? 'aq0' : 'aq1';
    lines.push(`      {`);
    for (let v = 0; v < g.V; v++) lines.push(`        let a${v} = As[row + ${k * q + v * 16}u + ${aq}];`);
    for (let v = 0; v < g.V; v++) lines.push(`        let b${v} = Bs[row + ${k * q + v * 16}u + lid.x];`);
    for (let r = 0; r < g.T; r++) {
      const a = `a${Math.floor(r / 4)}.${LANES[r % 4]}`;
      for (let v = 0; v < g.V; v++) {
        if (f16) lines.push(`        part_${r}_${v} = fma(vec4<f16>(${a}), b${v}, part_${r}_${v});`);
        else lines.push(`        acc_${r}_${v} = fma(vec4<f32>(${a}), b${v}, acc_${r}_${v});`);
      }
    }
    lines.push(`      }`);
  }
  lines.push(`    }`);
  if (f16) for (let r = 0; r < g.T; r++) for (let v = 0; v < g.V; v++) lines.push(`    acc_${r}_${v} = acc_${r}_${v} + vec4<f32>(part_${r}_${v});`);
  return lines;
}

function storeLines(g: GemmGeometry, vectorised: boolean): string[] {
  const lines: string[] = [];
  for (let r = 0; r < g.T; r++) {
    const rowOffset = (r < 4 ? 0 : 64) + (r % 4);
    lines.push(`  {
    let r = row0 + lid.y * 4u + ${rowOffset}u;`);
    for (let v = 0; v < g.V; v++) {
      const acc = `acc_${r}_${v}`;
      lines.push(`    let c${v} = col0 + ${v * 64}u + lid.x * 4u;`);
      if (vectorised) {
        lines.push(`    if (r < n && c${v} < n) { C[(r * n + c${v}) / 4u] = ${acc}; }`);
      } else {
        lines.push(`    if (r < n) {`);
        for (let j = 0; j < 4; j++) lines.push(`      if (c${v} + ${j}u < n) { C[r * n + c${v} + ${j}u] = ${acc}.${LANES[j]}; }`);
        lines.push(`    }`);
      }
    }
    lines.push('  }');
  }
  return lines;
}

/**
 * The FP16 GEMM on the adapter's matrix units (Dawn's chromium-experimental-subgroup-matrix: tensor cores,
 * AMD WMMA, Intel XMX, Apple simdgroup matrices). Only where subgroupMatrixPlan allows it: f16 inputs, f32
 * results (exact: every partial sum is an integer below 2^24), n a multiple of the fragment size `s`.
 *
 * A workgroup is one subgroup (workgroupSize = the adapter's largest subgroup size) and computes a 2s×2s
 * block of C as 2×2 fragments, loading A and B fragments straight from the storage buffers. Every branch
 * depends only on the workgroup id and n, so the subgroup-matrix builtins run in uniform control flow. Were a
 * driver to split the workgroup into several smaller subgroups, each would compute and store the same block:
 * slower, still exact.
 */
export function subgroupMatrixGemmSource(s: 8 | 16, workgroupSize: number): string {
  const left = `subgroup_matrix_left<f16, ${s}, ${s}>`;
  const right = `subgroup_matrix_right<f16, ${s}, ${s}>`;
  const result = `subgroup_matrix_result<f32, ${s}, ${s}>`;
  return /* wgsl */ `enable f16;
enable chromium_experimental_subgroup_matrix;
struct GemmParams { n: u32, pad0: u32, pad1: u32, pad2: u32 }
@group(0) @binding(0) var<storage, read> A: array<f16>;
@group(0) @binding(1) var<storage, read> B: array<f16>;
@group(0) @binding(2) var<storage, read_write> C: array<f32>;
@group(0) @binding(3) var<uniform> params: GemmParams;

@compute @workgroup_size(${workgroupSize})
fn main(@builtin(workgroup_id) wg: vec3<u32>) {
  let n = params.n;
  let row0 = wg.y * ${2 * s}u;
  let col0 = wg.x * ${2 * s}u;
  // n is a multiple of ${s}: the first fragment row and column are always inside, the second may not be.
  let row1 = row0 + ${s}u < n;
  let col1 = col0 + ${s}u < n;
  var c00 = ${result}();
  var c01 = ${result}();
  var c10 = ${result}();
  var c11 = ${result}();
  for (var k = 0u; k < n; k = k + ${s}u) {
    let a0 = subgroupMatrixLoad<${left}>(&A, row0 * n + k, false, n);
    let b0 = subgroupMatrixLoad<${right}>(&B, k * n + col0, false, n);
    var a1 = ${left}();
    var b1 = ${right}();
    if (row1) { a1 = subgroupMatrixLoad<${left}>(&A, (row0 + ${s}u) * n + k, false, n); }
    if (col1) { b1 = subgroupMatrixLoad<${right}>(&B, k * n + col0 + ${s}u, false, n); }
    c00 = subgroupMatrixMultiplyAccumulate(a0, b0, c00);
    c01 = subgroupMatrixMultiplyAccumulate(a0, b1, c01);
    c10 = subgroupMatrixMultiplyAccumulate(a1, b0, c10);
    c11 = subgroupMatrixMultiplyAccumulate(a1, b1, c11);
  }
  subgroupMatrixStore(&C, row0 * n + col0, c00, false, n);
  if (col1) { subgroupMatrixStore(&C, row0 * n + col0 + ${s}u, c01, false, n); }
  if (row1) { subgroupMatrixStore(&C, (row0 + ${s}u) * n + col0, c10, false, n); }
  if (row1 && col1) { subgroupMatrixStore(&C, (row0 + ${s}u) * n + col0 + ${s}u, c11, false, n); }
}
`;
}

/** Workgroups of the subgroup-matrix GEMM along each axis. */
export function subgroupMatrixGroups(n: number, s: 8 | 16): number {
  return Math.ceil(n / (2 * s));
}

/** FLOPs of one n×n×n GEMM (multiply and add counted separately). */
export function gemmFlops(n: number): number {
  return 2 * n * n * n;
}
