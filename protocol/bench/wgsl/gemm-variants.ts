/**
 * Which WGSL GEMM kernels an adapter gets: the SGEMM tile shape per vendor, the FP16 GEMM's path, and the
 * size of the FMA and triad grids. Pure functions of what WebGPU says about the adapter (vendor strings,
 * limits, features), so the choice is tested without a GPU and recorded in the report.
 *
 * WebGPU does not say how many compute units an adapter has, so the grids below use per-vendor guesses;
 * each guess is written next to the number it gives.
 */
import { WORKGROUP_SIZE, gemmBlock, tiledGemmStorageBytes, type GemmTiling } from './kernels.js';

export type GpuVendorClass = 'nvidia' | 'amd' | 'intel' | 'apple' | 'software' | 'other';

/** What the choices read from the adapter (a subset of AdapterDescription). */
export interface AdapterTraits {
  vendor: string;
  architecture: string;
  description: string;
  software: boolean;
  /** The adapter's maxComputeWorkgroupStorageSize (WebGPU's default, 16 KiB, when unknown). */
  maxComputeWorkgroupStorageSize?: number;
}

/** WebGPU's default maxComputeWorkgroupStorageSize: every adapter offers at least this much. */
export const DEFAULT_WORKGROUP_STORAGE = 16384;

export function vendorClass(adapter: Pick<AdapterTraits, 'vendor' | 'architecture' | 'description' | 'software'>): GpuVendorClass {
  if (adapter.software) return 'software';
  const text = `${adapter.vendor} ${adapter.architecture} ${adapter.description}`.toLowerCase();
  if (/nvidia|geforce|quadro|tesla/.test(text)) return 'nvidia';
  if (/\bamd\b|\bati\b|radeon|advanced micro/.test(text)) return 'amd';
  if (/intel/.test(text)) return 'intel';
  if (/apple/.test(text)) return 'apple';
  return 'other';
}

/**
 * SGEMM tilings to try per vendor, best first; the first whose double-buffered workgroup tiles fit the
 * adapter's workgroup storage wins (the last of each list fits WebGPU's default 16 KiB).
 *
 * - nvidia, amd: 128×128 tiles (8×8 outputs per invocation, 64 accumulators): both have 64 K 32-bit registers
 *   per SM/CU and 32 banks of 4 B, the layout the kernel's conflict-free indexing is built for. K depth 16
 *   (32 KiB) where the adapter allows it, 8 otherwise.
 * - intel: 64×64 tiles (4×4 per invocation): Xe runs 256-invocation workgroups in SIMD16/32 with a smaller
 *   register file per lane, and 64 accumulators spill there. Depth 32 (one barrier per 32 K) where 32 KiB fit.
 * - apple: 64×64 with depth 32: Apple GPUs offer 32 KiB of threadgroup memory and keep more threadgroups
 *   resident per core with fewer registers each.
 * - software (SwiftShader, llvmpipe…): 64×64 with depth 8. Measured on SwiftShader (2 busy cores, n = 128):
 *   compiling took 2 / 5 / 10 s and one GEMM 30 / 62 / 93 ms at depth 8 / 16 / 32; the timed challenge's
 *   clock includes the compile, and a software adapter only ever runs small n.
 * - other (Qualcomm, ARM, unknown): 64×64, depth 16 at most: mobile GPUs often stop at 16–32 KiB.
 */
const TILINGS: Record<GpuVendorClass, GemmTiling[]> = {
  nvidia: [
    { tile: 8, depth: 16 },
    { tile: 8, depth: 8 },
  ],
  amd: [
    { tile: 8, depth: 16 },
    { tile: 8, depth: 8 },
  ],
  intel: [
    { tile: 4, depth: 32 },
    { tile: 4, depth: 16 },
  ],
  apple: [
    { tile: 4, depth: 32 },
    { tile: 4, depth: 16 },
  ],
  software: [{ tile: 4, depth: 8 }],
  other: [
    { tile: 4, depth: 16 },
    { tile: 4, depth: 8 },
  ],
};

export interface GemmVariant {
  /** Recorded in the report: vendor class, workgroup tile and K depth, e.g. "nvidia-128x128-k16". */
  id: string;
  vendor: GpuVendorClass;
  tiling: GemmTiling;
}

export function gemmVariantId(vendor: GpuVendorClass, tiling: GemmTiling): string {
  const block = gemmBlock(tiling);
  return `${vendor}-${block}x${block}-k${tiling.depth}`;
}

/** The SGEMM (and tiled FP16 GEMM) variant for this adapter: its vendor's best tiling that fits. */
export function chooseGemmVariant(adapter: AdapterTraits): GemmVariant {
  const vendor = vendorClass(adapter);
  const storage = adapter.maxComputeWorkgroupStorageSize ?? DEFAULT_WORKGROUP_STORAGE;
  const candidates = TILINGS[vendor];
  const tiling = candidates.find((t) => tiledGemmStorageBytes(t, 'f32') <= storage) ?? candidates[candidates.length - 1]!;
  return { id: gemmVariantId(vendor, tiling), vendor, tiling };
}

/** One entry of Dawn's GPUAdapterInfo.subgroupMatrixConfigs (chromium-experimental-subgroup-matrix). */
export interface SubgroupMatrixConfig {
  componentType: string;
  resultComponentType: string;
  M: number;
  N: number;
  K: number;
}

export const SUBGROUP_MATRIX_FEATURE = 'chromium-experimental-subgroup-matrix';

export type HgemmPath = 'subgroup-matrix' | 'tiled';

export interface SubgroupMatrixPlan {
  /** M = N = K of the fragment (8 on Apple, 16 on NVIDIA/AMD/Intel cooperative matrices). */
  size: 8 | 16;
  /** One subgroup per workgroup: the adapter's largest subgroup size. */
  workgroupSize: number;
}

/**
 * The subgroup-matrix FP16 GEMM runs only where all of these hold: the adapter has the feature and
 * shader-f16; it lists a square 8×8×8 or 16×16×16 configuration with f16 inputs and an f32 result (f32
 * accumulation keeps C exact: every partial sum is an integer below 2^24); n is a multiple of the fragment
 * (the kernel loads whole fragments); and the adapter says how large its subgroups get. Otherwise null: the
 * tiled FP16 GEMM runs.
 */
export function subgroupMatrixPlan(
  adapter: { features: readonly string[]; subgroupMatrixConfigs: readonly SubgroupMatrixConfig[]; subgroupMaxSize: number },
  n: number,
): SubgroupMatrixPlan | null {
  if (!adapter.features.includes(SUBGROUP_MATRIX_FEATURE) || !adapter.features.includes('shader-f16')) return null;
  if (!Number.isInteger(adapter.subgroupMaxSize) || adapter.subgroupMaxSize < 4 || adapter.subgroupMaxSize > WORKGROUP_SIZE) return null;
  for (const size of [16, 8] as const) {
    const exact = adapter.subgroupMatrixConfigs.some((c) => c.componentType === 'f16' && c.resultComponentType === 'f32' && c.M === size && c.N === size && c.K === size);
    if (exact && n % size === 0) return { size, workgroupSize: adapter.subgroupMaxSize };
  }
  return null;
}

/**
 * Workgroups of 256 invocations one device keeps resident at once (one "wave" of a dispatch), by vendor.
 * WebGPU hides the compute-unit count, so this is units × workgroups per unit for a typical card of the class:
 *   nvidia   48 SMs × 6 (1536 resident threads per SM on Ampere/Ada; 48 SMs ≈ RTX 4070/3070 class)
 *   amd      40 CUs × 8 (2048 resident threads per CU; RX 6700/7700 class)
 *   intel    32 Xe-cores × 4 (Arc A7xx)
 *   apple    16 cores × 4 (M-series Pro class)
 *   other/software 8 × 2
 * Dispatching a multiple of this keeps a card of the guessed size from running a part-empty last wave; on a
 * card of another size the FMA grid is still 16 such waves, so the partial last wave costs at most 1/16.
 */
const RESIDENT_WORKGROUPS: Record<GpuVendorClass, number> = {
  nvidia: 48 * 6,
  amd: 40 * 8,
  intel: 32 * 4,
  apple: 16 * 4,
  software: 8 * 2,
  other: 8 * 2,
};

/** How many waves the FMA grid holds: enough that a wrong unit-count guess costs little (see above). */
export const FMA_WAVES = 16;

/** FMA workgroups: a whole number of (guessed) waves; 2 waves on a software adapter, which has no waves to fill. */
export function fmaWorkgroups(vendor: GpuVendorClass): number {
  return RESIDENT_WORKGROUPS[vendor] * (vendor === 'software' ? 2 : FMA_WAVES);
}

/** vec4 elements each triad invocation handles per pass of its grid-stride loop. */
export const TRIAD_VEC4_PER_PASS = 4;

/**
 * Triad workgroups: 4 resident waves' worth, so every unit has work and loads in flight while the
 * grid-stride loop walks the buffers, but never more than the buffers need.
 */
export function triadWorkgroups(vendor: GpuVendorClass, count4: number): number {
  const needed = Math.ceil(count4 / (WORKGROUP_SIZE * TRIAD_VEC4_PER_PASS));
  return Math.max(1, Math.min(needed, RESIDENT_WORKGROUPS[vendor] * 4));
}
