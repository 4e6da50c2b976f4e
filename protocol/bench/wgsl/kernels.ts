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

/** a = b + s·c over vec4 arrays. Bytes moved per element: 3 × 16. */
export const TRIAD_SOURCE = /* wgsl */ `
struct TriadParams { count4: u32, pad0: u32, pad1: u32, scalar: f32 }
@group(0) @binding(0) var<storage, read_write> a: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read> b: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> c: array<vec4<f32>>;
@group(0) @binding(3) var<uniform> params: TriadParams;

@compute @workgroup_size(${WORKGROUP_SIZE})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.x + gid.y * groups.x * ${WORKGROUP_SIZE}u;
  if (i >= params.count4) { return; }
  a[i] = b[i] + params.scalar * c[i];
}
`;

/** The naive GEMM: one invocation per output element, every operand straight from global memory. */
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

/**
 * Shape of the register-tiled GEMM: 16×16 invocations, each computing tile×tile outputs (tile 4: 64×64
 * workgroup tile, 8: 128×128), `depth` = one K step held in workgroup memory. The 256 invocations load the A and
 * B tiles (16·tile·depth/4 vec4 each) in whole rounds, so tile 4 with depth 8 (128 vec4: half a round) does
 * not exist: it would read and write past the tiles.
 */
export type GemmTiling = { tile: 4; depth: 16 } | { tile: 8; depth: 8 | 16 };

export function gemmBlock(tiling: GemmTiling): number {
  return 16 * tiling.tile;
}

/**
 * Register-tiled GEMM with workgroup (shared-memory) tiles. The A tile is stored transposed so each
 * invocation reads its `tile` rows of A and `tile` columns of B as vec4s per K step.
 *
 * f16 variant: inputs and the inner products are f16; each K step's partial sum (≤ depth·64 = 1024 in
 * magnitude, an integer) is exact in f16 and is added into an f32 accumulator, so C is bit-identical to
 * the f32 kernel's.
 */
export function tiledGemmSource(tiling: GemmTiling, precision: 'f32' | 'f16'): string {
  const T = tiling.tile;
  const BK = tiling.depth;
  const BM = 16 * T;
  const V = T / 4; // vec4s per invocation row segment
  const S = precision; // storage/compute scalar type
  const aLoads = (BM * BK) / 4 / 256; // vec4 loads of A per invocation per K step
  const bLoads = (BK * BM) / 4 / 256;
  if (!Number.isInteger(aLoads) || aLoads < 1) {
    throw new Error(`GEMM tiling tile ${T}, depth ${BK}: its ${(BM * BK) / 4}-vec4 tiles are not whole rounds of 256 loads (they would be written past their end)`);
  }
  const lines: string[] = [];
  lines.push(precision === 'f16' ? 'enable f16;' : '');
  lines.push(`struct GemmParams { n: u32, pad0: u32, pad1: u32, pad2: u32 }
@group(0) @binding(0) var<storage, read> A: array<vec4<${S}>>;
@group(0) @binding(1) var<storage, read> B: array<vec4<${S}>>;
@group(0) @binding(2) var<storage, read_write> C: array<vec4<f32>>;
@group(0) @binding(3) var<uniform> params: GemmParams;
// As[k][m] (transposed A tile) and Bs[k][n], as vec4 rows of ${BM} elements.
var<workgroup> As: array<vec4<${S}>, ${(BK * BM) / 4}>;
var<workgroup> Bs: array<vec4<${S}>, ${(BK * BM) / 4}>;

@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let n = params.n;
  let n4 = n / 4u;
  let tid = lid.y * 16u + lid.x;
  let row0 = wg.y * ${BM}u;
  let col0 = wg.x * ${BM}u;`);
  for (let r = 0; r < T; r++) for (let v = 0; v < V; v++) lines.push(`  var acc_${r}_${v} = vec4<f32>(0.0);`);
  lines.push(`  for (var k0 = 0u; k0 < n; k0 = k0 + ${BK}u) {`);
  // A tile: BM rows × BK columns = BM·BK/4 vec4 (along K). Store transposed, component by component.
  for (let l = 0; l < aLoads; l++) {
    lines.push(`    {
      let idx = tid + ${l * 256}u;
      let m = idx / ${BK / 4}u;
      let kq = idx % ${BK / 4}u;
      let v = A[(row0 + m) * n4 + k0 / 4u + kq];
      let base = kq * 4u * ${BM / 4}u + m / 4u;
      let lane = m % 4u;
      As[base][lane] = v.x;
      As[base + ${BM / 4}u][lane] = v.y;
      As[base + ${(2 * BM) / 4}u][lane] = v.z;
      As[base + ${(3 * BM) / 4}u][lane] = v.w;
    }`);
  }
  for (let l = 0; l < bLoads; l++) {
    lines.push(`    {
      let idx = tid + ${l * 256}u;
      let kb = idx / ${BM / 4}u;
      let nq = idx % ${BM / 4}u;
      Bs[kb * ${BM / 4}u + nq] = B[(k0 + kb) * n4 + col0 / 4u + nq];
    }`);
  }
  lines.push('    workgroupBarrier();');
  if (precision === 'f16') {
    for (let r = 0; r < T; r++) for (let v = 0; v < V; v++) lines.push(`    var part_${r}_${v} = vec4<f16>(0.0h);`);
  }
  lines.push(`    for (var k = 0u; k < ${BK}u; k = k + 1u) {`);
  for (let v = 0; v < V; v++) lines.push(`      let a${v} = As[k * ${BM / 4}u + lid.y * ${V}u + ${v}u];`);
  for (let v = 0; v < V; v++) lines.push(`      let b${v} = Bs[k * ${BM / 4}u + lid.x * ${V}u + ${v}u];`);
  const comps = ['x', 'y', 'z', 'w'];
  for (let r = 0; r < T; r++) {
    const a = `a${Math.floor(r / 4)}.${comps[r % 4]}`;
    for (let v = 0; v < V; v++) {
      if (precision === 'f16') lines.push(`      part_${r}_${v} = fma(vec4<f16>(${a}), b${v}, part_${r}_${v});`);
      else lines.push(`      acc_${r}_${v} = fma(vec4<f32>(${a}), b${v}, acc_${r}_${v});`);
    }
  }
  lines.push('    }');
  if (precision === 'f16') {
    for (let r = 0; r < T; r++) for (let v = 0; v < V; v++) lines.push(`    acc_${r}_${v} = acc_${r}_${v} + vec4<f32>(part_${r}_${v});`);
  }
  lines.push('    workgroupBarrier();');
  lines.push('  }');
  for (let r = 0; r < T; r++) {
    for (let v = 0; v < V; v++) {
      lines.push(`  C[(row0 + lid.y * ${T}u + ${r}u) * n4 + col0 / 4u + lid.x * ${V}u + ${v}u] = acc_${r}_${v};`);
    }
  }
  lines.push('}');
  return lines.join('\n');
}

/** FLOPs of one n×n×n GEMM (multiply and add counted separately). */
export function gemmFlops(n: number): number {
  return 2 * n * n * n;
}
