/**
 * Vendor peak figures per GPU model: the yardstick for "fraction of spec peak" and for plausibility checks.
 * Peaks are at the vendor's rated boost clock (Founders Edition where NVIDIA lists one); real cards run higher,
 * which the plausibility margins below absorb. Every row names its source.
 *
 *   fp32Tflops        — FP32 FMA peak (AMD RDNA3 figures count dual-issue, as AMD's spec pages do).
 *   fp16TensorTflops  — dense FP16 matrix-unit peak with FP32 accumulate (GeForce Turing/Ampere/Ada/Blackwell
 *                       run FP32-accumulate at half the FP16-accumulate rate); null where the GPU has no
 *                       matrix unit the benchmark can use (RDNA2, Apple).
 *   memoryGBs         — DRAM bandwidth in GB/s (10^9 bytes/s).
 *   l2MiB             — L2 cache (null where the vendor does not publish it).
 * Apple and laptop parts: one row per chip family at its largest GPU configuration, so the row is an upper
 * bound for every variant; laptop GPUs match their desktop name (also an upper bound in practice).
 *
 * Memory variants sold under one name (RTX 3060 8/12 GB, RTX 3060 Ti GDDR6/GDDR6X, …) have a row each and are
 * told apart by the reported memory size, or by a name that says which (MEMORY_VARIANTS). nvidia-smi cannot
 * report the memory bus width (no --query-gpu field) and WebGPU reports neither size nor width, so where the
 * variants cannot be told apart the match says so, uses the lower row, and bounds plausibility by the higher.
 */

export interface GpuSpec {
  id: string;
  vendor: 'nvidia' | 'amd' | 'apple';
  name: string;
  fp32Tflops: number;
  fp16TensorTflops: number | null;
  memoryGBs: number;
  l2MiB: number | null;
  source: string;
}

const TURING = 'NVIDIA Turing GPU Architecture whitepaper (WP-09183-001), Appendix A tables; nvidia.com GeForce RTX 20 series spec pages';
const AMPERE = 'NVIDIA Ampere GA102 GPU Architecture whitepaper (V2.1), Appendix A; nvidia.com GeForce RTX 30 series spec pages';
const ADA = 'NVIDIA Ada GPU Architecture whitepaper (V2.1), Appendix A; nvidia.com GeForce RTX 40 series spec pages';
const BLACKWELL = 'NVIDIA RTX Blackwell GPU Architecture whitepaper (V1.1), Appendix A; nvidia.com GeForce RTX 50 series spec pages';
const AMD_PAGE = 'amd.com product specifications page (Peak Single Precision, Peak Half Precision, Memory Bandwidth, L2 Cache)';
const APPLE_PR = 'Apple newsroom announcement and apple.com tech specs (GPU TFLOPS where stated, unified memory bandwidth)';
const APPLE_DERIVED = 'apple.com tech specs (memory bandwidth, GPU core count); FP32 derived as cores × 128 ALUs × 2 FLOPs × GPU clock (M3 family ≈ 1.40 GHz, M4 family ≈ 1.58 GHz as macOS powermetrics reports it; Apple does not publish TFLOPS)';

/** Rows, most specific names first within a family (the matcher relies on explicit patterns, not order). */
export const GPU_SPECS: readonly GpuSpec[] = [
  // NVIDIA GeForce GTX 16 (Turing TU117): no tensor cores; FP16 runs on the vector ALUs.
  { id: 'gtx-1650', vendor: 'nvidia', name: 'GeForce GTX 1650 GDDR5', fp32Tflops: 2.98, fp16TensorTflops: null, memoryGBs: 128, l2MiB: 1, source: 'nvidia.com GeForce GTX 1650 spec page (GDDR5: 896 cores, 1665 MHz boost, 128-bit 8 Gbps)' },
  { id: 'gtx-1650-gddr6', vendor: 'nvidia', name: 'GeForce GTX 1650 GDDR6', fp32Tflops: 2.85, fp16TensorTflops: null, memoryGBs: 192, l2MiB: 1, source: 'nvidia.com GeForce GTX 1650 spec page (GDDR6: 896 cores, 1590 MHz boost, 128-bit 12 Gbps)' },
  // NVIDIA GeForce RTX 20 (Turing). FP32-accumulate tensor rate = 4 × FP32 on GeForce; Titan RTX full rate.
  { id: 'rtx-2060', vendor: 'nvidia', name: 'GeForce RTX 2060', fp32Tflops: 6.45, fp16TensorTflops: 25.8, memoryGBs: 336, l2MiB: 3, source: TURING },
  { id: 'rtx-2060-super', vendor: 'nvidia', name: 'GeForce RTX 2060 SUPER', fp32Tflops: 7.18, fp16TensorTflops: 28.7, memoryGBs: 448, l2MiB: 4, source: TURING },
  { id: 'rtx-2070', vendor: 'nvidia', name: 'GeForce RTX 2070', fp32Tflops: 7.88, fp16TensorTflops: 31.5, memoryGBs: 448, l2MiB: 4, source: TURING },
  { id: 'rtx-2070-super', vendor: 'nvidia', name: 'GeForce RTX 2070 SUPER', fp32Tflops: 9.06, fp16TensorTflops: 36.3, memoryGBs: 448, l2MiB: 4, source: TURING },
  { id: 'rtx-2080', vendor: 'nvidia', name: 'GeForce RTX 2080', fp32Tflops: 10.6, fp16TensorTflops: 42.4, memoryGBs: 448, l2MiB: 4, source: TURING },
  { id: 'rtx-2080-super', vendor: 'nvidia', name: 'GeForce RTX 2080 SUPER', fp32Tflops: 11.15, fp16TensorTflops: 44.6, memoryGBs: 496, l2MiB: 4, source: TURING },
  { id: 'rtx-2080-ti', vendor: 'nvidia', name: 'GeForce RTX 2080 Ti', fp32Tflops: 14.2, fp16TensorTflops: 56.9, memoryGBs: 616, l2MiB: 5.5, source: TURING },
  { id: 'titan-rtx', vendor: 'nvidia', name: 'TITAN RTX', fp32Tflops: 16.3, fp16TensorTflops: 130.5, memoryGBs: 672, l2MiB: 6, source: TURING },
  // NVIDIA GeForce RTX 30 (Ampere GA10x). FP32-accumulate tensor rate = 2 × FP32 (dense).
  { id: 'rtx-3050-6gb', vendor: 'nvidia', name: 'GeForce RTX 3050 6 GB', fp32Tflops: 6.77, fp16TensorTflops: 13.5, memoryGBs: 168, l2MiB: 2, source: `${AMPERE} (RTX 3050 6 GB: 2304 cores, 1470 MHz boost, 96-bit 14 Gbps)` },
  { id: 'rtx-3050', vendor: 'nvidia', name: 'GeForce RTX 3050 8 GB', fp32Tflops: 9.1, fp16TensorTflops: 18.2, memoryGBs: 224, l2MiB: 2, source: AMPERE },
  { id: 'rtx-3060-8gb', vendor: 'nvidia', name: 'GeForce RTX 3060 8 GB', fp32Tflops: 12.74, fp16TensorTflops: 25.5, memoryGBs: 240, l2MiB: 2, source: `${AMPERE} (RTX 3060 8 GB: 128-bit 15 Gbps)` },
  { id: 'rtx-3060', vendor: 'nvidia', name: 'GeForce RTX 3060 12 GB', fp32Tflops: 12.74, fp16TensorTflops: 25.5, memoryGBs: 360, l2MiB: 3, source: AMPERE },
  { id: 'rtx-3060-ti', vendor: 'nvidia', name: 'GeForce RTX 3060 Ti', fp32Tflops: 16.2, fp16TensorTflops: 32.4, memoryGBs: 448, l2MiB: 4, source: AMPERE },
  { id: 'rtx-3060-ti-gddr6x', vendor: 'nvidia', name: 'GeForce RTX 3060 Ti GDDR6X', fp32Tflops: 16.2, fp16TensorTflops: 32.4, memoryGBs: 608, l2MiB: 4, source: `${AMPERE} (RTX 3060 Ti GDDR6X: 256-bit 19 Gbps)` },
  { id: 'rtx-3070', vendor: 'nvidia', name: 'GeForce RTX 3070', fp32Tflops: 20.3, fp16TensorTflops: 40.6, memoryGBs: 448, l2MiB: 4, source: AMPERE },
  { id: 'rtx-3070-ti', vendor: 'nvidia', name: 'GeForce RTX 3070 Ti', fp32Tflops: 21.75, fp16TensorTflops: 43.5, memoryGBs: 608, l2MiB: 4, source: AMPERE },
  { id: 'rtx-3080', vendor: 'nvidia', name: 'GeForce RTX 3080 10 GB', fp32Tflops: 29.8, fp16TensorTflops: 59.5, memoryGBs: 760, l2MiB: 5, source: AMPERE },
  { id: 'rtx-3080-12gb', vendor: 'nvidia', name: 'GeForce RTX 3080 12 GB', fp32Tflops: 30.6, fp16TensorTflops: 61.3, memoryGBs: 912, l2MiB: 6, source: AMPERE },
  { id: 'rtx-3080-ti', vendor: 'nvidia', name: 'GeForce RTX 3080 Ti', fp32Tflops: 34.1, fp16TensorTflops: 68.2, memoryGBs: 912, l2MiB: 6, source: AMPERE },
  { id: 'rtx-3090', vendor: 'nvidia', name: 'GeForce RTX 3090', fp32Tflops: 35.6, fp16TensorTflops: 71, memoryGBs: 936, l2MiB: 6, source: AMPERE },
  { id: 'rtx-3090-ti', vendor: 'nvidia', name: 'GeForce RTX 3090 Ti', fp32Tflops: 40, fp16TensorTflops: 80, memoryGBs: 1008, l2MiB: 6, source: AMPERE },
  // NVIDIA GeForce RTX 40 (Ada). FP32-accumulate tensor rate = 2 × FP32 (dense).
  { id: 'rtx-4060', vendor: 'nvidia', name: 'GeForce RTX 4060', fp32Tflops: 15.1, fp16TensorTflops: 30.2, memoryGBs: 272, l2MiB: 24, source: ADA },
  { id: 'rtx-4060-ti', vendor: 'nvidia', name: 'GeForce RTX 4060 Ti 8 GB', fp32Tflops: 22.1, fp16TensorTflops: 44.1, memoryGBs: 288, l2MiB: 32, source: ADA },
  { id: 'rtx-4060-ti-16gb', vendor: 'nvidia', name: 'GeForce RTX 4060 Ti 16 GB', fp32Tflops: 22.1, fp16TensorTflops: 44.1, memoryGBs: 288, l2MiB: 32, source: ADA },
  { id: 'rtx-4070', vendor: 'nvidia', name: 'GeForce RTX 4070', fp32Tflops: 29.1, fp16TensorTflops: 58.3, memoryGBs: 504, l2MiB: 36, source: ADA },
  { id: 'rtx-4070-super', vendor: 'nvidia', name: 'GeForce RTX 4070 SUPER', fp32Tflops: 35.5, fp16TensorTflops: 71, memoryGBs: 504, l2MiB: 48, source: ADA },
  { id: 'rtx-4070-ti', vendor: 'nvidia', name: 'GeForce RTX 4070 Ti', fp32Tflops: 40.1, fp16TensorTflops: 80.2, memoryGBs: 504, l2MiB: 48, source: ADA },
  { id: 'rtx-4070-ti-super', vendor: 'nvidia', name: 'GeForce RTX 4070 Ti SUPER', fp32Tflops: 44.1, fp16TensorTflops: 88.2, memoryGBs: 672, l2MiB: 48, source: ADA },
  { id: 'rtx-4080', vendor: 'nvidia', name: 'GeForce RTX 4080', fp32Tflops: 48.7, fp16TensorTflops: 97.5, memoryGBs: 717, l2MiB: 64, source: ADA },
  { id: 'rtx-4080-super', vendor: 'nvidia', name: 'GeForce RTX 4080 SUPER', fp32Tflops: 52.2, fp16TensorTflops: 104.4, memoryGBs: 736, l2MiB: 64, source: ADA },
  { id: 'rtx-4090', vendor: 'nvidia', name: 'GeForce RTX 4090', fp32Tflops: 82.6, fp16TensorTflops: 165.2, memoryGBs: 1008, l2MiB: 72, source: ADA },
  // NVIDIA GeForce RTX 50 (Blackwell). FP32-accumulate tensor rate = 2 × FP32 (dense).
  { id: 'rtx-5060', vendor: 'nvidia', name: 'GeForce RTX 5060', fp32Tflops: 19.2, fp16TensorTflops: 38.4, memoryGBs: 448, l2MiB: 32, source: BLACKWELL },
  { id: 'rtx-5060-ti', vendor: 'nvidia', name: 'GeForce RTX 5060 Ti', fp32Tflops: 23.7, fp16TensorTflops: 47.4, memoryGBs: 448, l2MiB: 32, source: BLACKWELL },
  { id: 'rtx-5070', vendor: 'nvidia', name: 'GeForce RTX 5070', fp32Tflops: 30.9, fp16TensorTflops: 61.7, memoryGBs: 672, l2MiB: 48, source: BLACKWELL },
  { id: 'rtx-5070-ti', vendor: 'nvidia', name: 'GeForce RTX 5070 Ti', fp32Tflops: 43.9, fp16TensorTflops: 87.9, memoryGBs: 896, l2MiB: 48, source: BLACKWELL },
  { id: 'rtx-5080', vendor: 'nvidia', name: 'GeForce RTX 5080', fp32Tflops: 56.3, fp16TensorTflops: 112.6, memoryGBs: 960, l2MiB: 64, source: BLACKWELL },
  { id: 'rtx-5090', vendor: 'nvidia', name: 'GeForce RTX 5090', fp32Tflops: 104.8, fp16TensorTflops: 209.5, memoryGBs: 1792, l2MiB: 96, source: BLACKWELL },
  // NVIDIA H100 (Hopper). Tensor figures dense (the datasheet's headline numbers are with sparsity, ÷2 here).
  { id: 'h100-sxm', vendor: 'nvidia', name: 'H100 SXM5 80 GB', fp32Tflops: 67, fp16TensorTflops: 989.4, memoryGBs: 3350, l2MiB: 50, source: 'NVIDIA H100 Tensor Core GPU datasheet; NVIDIA H100 Tensor Core GPU Architecture whitepaper (V1.02)' },
  { id: 'h100-pcie', vendor: 'nvidia', name: 'H100 PCIe 80 GB', fp32Tflops: 51, fp16TensorTflops: 756.5, memoryGBs: 2000, l2MiB: 50, source: 'NVIDIA H100 Tensor Core GPU datasheet; NVIDIA H100 Tensor Core GPU Architecture whitepaper (V1.02)' },
  { id: 'h100-nvl', vendor: 'nvidia', name: 'H100 NVL 94 GB', fp32Tflops: 60, fp16TensorTflops: 835.5, memoryGBs: 3900, l2MiB: 50, source: 'NVIDIA H100 Tensor Core GPU datasheet (H100 NVL column, per GPU)' },
  // AMD Radeon RX 6000 (RDNA2): no matrix units; FP16 runs on the vector ALUs at 2 × FP32.
  { id: 'rx-6600', vendor: 'amd', name: 'Radeon RX 6600', fp32Tflops: 8.93, fp16TensorTflops: null, memoryGBs: 224, l2MiB: 2, source: AMD_PAGE },
  { id: 'rx-6600-xt', vendor: 'amd', name: 'Radeon RX 6600 XT', fp32Tflops: 10.6, fp16TensorTflops: null, memoryGBs: 256, l2MiB: 2, source: AMD_PAGE },
  { id: 'rx-6650-xt', vendor: 'amd', name: 'Radeon RX 6650 XT', fp32Tflops: 10.8, fp16TensorTflops: null, memoryGBs: 280, l2MiB: 2, source: AMD_PAGE },
  { id: 'rx-6700-xt', vendor: 'amd', name: 'Radeon RX 6700 XT', fp32Tflops: 13.21, fp16TensorTflops: null, memoryGBs: 384, l2MiB: 3, source: AMD_PAGE },
  { id: 'rx-6750-xt', vendor: 'amd', name: 'Radeon RX 6750 XT', fp32Tflops: 13.31, fp16TensorTflops: null, memoryGBs: 432, l2MiB: 3, source: AMD_PAGE },
  { id: 'rx-6800', vendor: 'amd', name: 'Radeon RX 6800', fp32Tflops: 16.17, fp16TensorTflops: null, memoryGBs: 512, l2MiB: 4, source: AMD_PAGE },
  { id: 'rx-6800-xt', vendor: 'amd', name: 'Radeon RX 6800 XT', fp32Tflops: 20.74, fp16TensorTflops: null, memoryGBs: 512, l2MiB: 4, source: AMD_PAGE },
  { id: 'rx-6900-xt', vendor: 'amd', name: 'Radeon RX 6900 XT', fp32Tflops: 23.04, fp16TensorTflops: null, memoryGBs: 512, l2MiB: 4, source: AMD_PAGE },
  { id: 'rx-6950-xt', vendor: 'amd', name: 'Radeon RX 6950 XT', fp32Tflops: 23.65, fp16TensorTflops: null, memoryGBs: 576, l2MiB: 4, source: AMD_PAGE },
  // AMD Radeon RX 7000 (RDNA3): FP32 counts dual-issue; WMMA FP16 with FP32 accumulate = AMD's Peak Half Precision.
  { id: 'rx-7600', vendor: 'amd', name: 'Radeon RX 7600', fp32Tflops: 21.75, fp16TensorTflops: 43.5, memoryGBs: 288, l2MiB: 2, source: AMD_PAGE },
  { id: 'rx-7600-xt', vendor: 'amd', name: 'Radeon RX 7600 XT', fp32Tflops: 22.57, fp16TensorTflops: 45.14, memoryGBs: 288, l2MiB: 2, source: AMD_PAGE },
  { id: 'rx-7700-xt', vendor: 'amd', name: 'Radeon RX 7700 XT', fp32Tflops: 35.17, fp16TensorTflops: 70.34, memoryGBs: 432, l2MiB: 4, source: AMD_PAGE },
  { id: 'rx-7800-xt', vendor: 'amd', name: 'Radeon RX 7800 XT', fp32Tflops: 37.32, fp16TensorTflops: 74.65, memoryGBs: 624, l2MiB: 4, source: AMD_PAGE },
  { id: 'rx-7900-gre', vendor: 'amd', name: 'Radeon RX 7900 GRE', fp32Tflops: 45.98, fp16TensorTflops: 91.96, memoryGBs: 576, l2MiB: 6, source: AMD_PAGE },
  { id: 'rx-7900-xt', vendor: 'amd', name: 'Radeon RX 7900 XT', fp32Tflops: 51.48, fp16TensorTflops: 102.96, memoryGBs: 800, l2MiB: 6, source: AMD_PAGE },
  { id: 'rx-7900-xtx', vendor: 'amd', name: 'Radeon RX 7900 XTX', fp32Tflops: 61.39, fp16TensorTflops: 122.78, memoryGBs: 960, l2MiB: 6, source: AMD_PAGE },
  // Apple silicon, largest GPU configuration of each chip.
  { id: 'apple-m1', vendor: 'apple', name: 'Apple M1 (8-core GPU)', fp32Tflops: 2.6, fp16TensorTflops: null, memoryGBs: 68.25, l2MiB: null, source: APPLE_PR },
  { id: 'apple-m1-pro', vendor: 'apple', name: 'Apple M1 Pro (16-core GPU)', fp32Tflops: 5.2, fp16TensorTflops: null, memoryGBs: 200, l2MiB: null, source: APPLE_PR },
  { id: 'apple-m1-max', vendor: 'apple', name: 'Apple M1 Max (32-core GPU)', fp32Tflops: 10.4, fp16TensorTflops: null, memoryGBs: 400, l2MiB: null, source: APPLE_PR },
  { id: 'apple-m1-ultra', vendor: 'apple', name: 'Apple M1 Ultra (64-core GPU)', fp32Tflops: 21, fp16TensorTflops: null, memoryGBs: 800, l2MiB: null, source: APPLE_PR },
  { id: 'apple-m2', vendor: 'apple', name: 'Apple M2 (10-core GPU)', fp32Tflops: 3.6, fp16TensorTflops: null, memoryGBs: 100, l2MiB: null, source: APPLE_PR },
  { id: 'apple-m2-pro', vendor: 'apple', name: 'Apple M2 Pro (19-core GPU)', fp32Tflops: 6.8, fp16TensorTflops: null, memoryGBs: 200, l2MiB: null, source: APPLE_PR },
  { id: 'apple-m2-max', vendor: 'apple', name: 'Apple M2 Max (38-core GPU)', fp32Tflops: 13.6, fp16TensorTflops: null, memoryGBs: 400, l2MiB: null, source: APPLE_PR },
  { id: 'apple-m2-ultra', vendor: 'apple', name: 'Apple M2 Ultra (76-core GPU)', fp32Tflops: 27.2, fp16TensorTflops: null, memoryGBs: 800, l2MiB: null, source: APPLE_PR },
  { id: 'apple-m3', vendor: 'apple', name: 'Apple M3 (10-core GPU)', fp32Tflops: 3.58, fp16TensorTflops: null, memoryGBs: 100, l2MiB: null, source: APPLE_DERIVED },
  { id: 'apple-m3-pro', vendor: 'apple', name: 'Apple M3 Pro (18-core GPU)', fp32Tflops: 6.44, fp16TensorTflops: null, memoryGBs: 150, l2MiB: null, source: APPLE_DERIVED },
  { id: 'apple-m3-max', vendor: 'apple', name: 'Apple M3 Max (40-core GPU)', fp32Tflops: 14.32, fp16TensorTflops: null, memoryGBs: 400, l2MiB: null, source: APPLE_DERIVED },
  { id: 'apple-m3-ultra', vendor: 'apple', name: 'Apple M3 Ultra (80-core GPU)', fp32Tflops: 28.64, fp16TensorTflops: null, memoryGBs: 819, l2MiB: null, source: APPLE_DERIVED },
  { id: 'apple-m4', vendor: 'apple', name: 'Apple M4 (10-core GPU)', fp32Tflops: 4.04, fp16TensorTflops: null, memoryGBs: 120, l2MiB: null, source: APPLE_DERIVED },
  { id: 'apple-m4-pro', vendor: 'apple', name: 'Apple M4 Pro (20-core GPU)', fp32Tflops: 8.08, fp16TensorTflops: null, memoryGBs: 273, l2MiB: null, source: APPLE_DERIVED },
  { id: 'apple-m4-max', vendor: 'apple', name: 'Apple M4 Max (40-core GPU)', fp32Tflops: 16.16, fp16TensorTflops: null, memoryGBs: 546, l2MiB: null, source: APPLE_DERIVED },
];

/** Lowercase, vendor words and punctuation stripped, spaces collapsed: "NVIDIA GeForce RTX 4070 Ti SUPER" → "rtx 4070 ti super". */
export function normalizeGpuName(name: string): string {
  return name
    .toLowerCase()
    .replace(/\((tm|r)\)|™|®/g, ' ')
    .replace(/\b(nvidia|geforce|amd|ati|radeon|graphics|gpu)\b/g, ' ')
    .replace(/([a-z])(\d)/g, '$1 $2') // "rtx4090" → "rtx 4090"
    .replace(/(\d)(ti|xtx|xt|gre)\b/g, '$1 $2') // "3080ti" → "3080 ti"
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .replace(/\s+/g, ' ');
}

/**
 * Plausibility margins over a row's peaks: how far above the spec an honest card can measure.
 *
 * Compute (FMA, GEMM) 1.25×: the rated boost clock is a typical figure, not a ceiling. GPU Boost runs NVIDIA
 * cards above it while power and temperature allow (commonly 5–15 % in compute loads), and factory-overclocked
 * models rate their boost another 3–10 % above reference (e.g. RTX 3060 Ti OC models at 1755–1890 MHz against
 * 1665 MHz); together about 1.2×, and 1.25 leaves a little for timer rounding. 1.15 refused such cards.
 * Memory (triad) 1.15×: factory memory overclocks are rare and small (≤ 5 %), and a triad reaches at most
 * ~90 % of the DRAM peak, so 1.15 still lets an owner's own memory overclock of ~25 % through.
 */
export const COMPUTE_PLAUSIBILITY_MARGIN = 1.25;
export const MEMORY_PLAUSIBILITY_MARGIN = 1.15;

/** The margin for a kernel: triad measures memory, the others compute. */
export function plausibilityMargin(kernel: string): number {
  return kernel === 'triad' ? MEMORY_PLAUSIBILITY_MARGIN : COMPUTE_PLAUSIBILITY_MARGIN;
}

/** One configuration of a name sold with different memory. */
interface MemoryVariant {
  id: string;
  /** Nominal memory size: what nvidia-smi's MiB and CUDA's bytes round to. */
  memoryGiB: number;
  /** How the memory differs, for the match note. */
  memory: string;
  /** A normalized name that says which variant (drivers rarely do, but some listings and laptops do). */
  nameHint: RegExp;
}

/** Names sold in several memory configurations, keyed by the row whose name pattern all of them share. */
const MEMORY_VARIANTS: Record<string, readonly MemoryVariant[]> = {
  'gtx-1650': [
    { id: 'gtx-1650', memoryGiB: 4, memory: 'GDDR5, 128 GB/s', nameHint: /\bgddr 5\b/ },
    { id: 'gtx-1650-gddr6', memoryGiB: 4, memory: 'GDDR6, 192 GB/s', nameHint: /\bgddr 6\b/ },
  ],
  'rtx-3050': [
    { id: 'rtx-3050-6gb', memoryGiB: 6, memory: '6 GB on 96 bits, 168 GB/s', nameHint: /\b6 ?gb\b/ },
    { id: 'rtx-3050', memoryGiB: 8, memory: '8 GB on 128 bits, 224 GB/s', nameHint: /\b8 ?gb\b/ },
  ],
  'rtx-3060': [
    { id: 'rtx-3060-8gb', memoryGiB: 8, memory: '8 GB on 128 bits, 240 GB/s', nameHint: /\b8 ?gb\b/ },
    { id: 'rtx-3060', memoryGiB: 12, memory: '12 GB on 192 bits, 360 GB/s', nameHint: /\b12 ?gb\b/ },
  ],
  'rtx-3060-ti': [
    { id: 'rtx-3060-ti', memoryGiB: 8, memory: 'GDDR6, 448 GB/s', nameHint: /\bgddr 6\b/ },
    { id: 'rtx-3060-ti-gddr6x', memoryGiB: 8, memory: 'GDDR6X, 608 GB/s', nameHint: /\bgddr 6x\b/ },
  ],
  'rtx-3080': [
    { id: 'rtx-3080', memoryGiB: 10, memory: '10 GB on 320 bits, 760 GB/s', nameHint: /\b10 ?gb\b/ },
    { id: 'rtx-3080-12gb', memoryGiB: 12, memory: '12 GB on 384 bits, 912 GB/s', nameHint: /\b12 ?gb\b/ },
  ],
  'rtx-4060-ti': [
    { id: 'rtx-4060-ti', memoryGiB: 8, memory: '8 GB', nameHint: /\b8 ?gb\b/ },
    { id: 'rtx-4060-ti-16gb', memoryGiB: 16, memory: '16 GB', nameHint: /\b16 ?gb\b/ },
  ],
};
const VARIANT_BY_ID = new Map(Object.entries(MEMORY_VARIANTS).flatMap(([family, list]) => list.map((v) => [v.id, { family, variant: v }] as const)));

/** A regular expression over the normalized name for each row. */
const PATTERNS: Record<string, RegExp> = {};
function rtxPattern(id: string): RegExp {
  const [, model, ...suffix] = id.split('-');
  const tail = suffix.join(' ');
  const rest = tail ? ` ${tail}` : '';
  const exclude = tail === 'ti' ? '(?! super)' : tail ? '' : '(?! ti| super)';
  return new RegExp(`\\brtx ${model}${rest}\\b${exclude}`);
}
for (const spec of GPU_SPECS) {
  const family = VARIANT_BY_ID.get(spec.id)?.family;
  if (family === 'gtx-1650') {
    PATTERNS[spec.id] = /\bgtx 1650\b(?! ti| super)/;
  } else if (spec.vendor === 'nvidia' && spec.id.startsWith('rtx-')) {
    PATTERNS[spec.id] = rtxPattern(family ?? spec.id);
  } else if (spec.id.startsWith('rx-')) {
    const [, model, ...suffix] = spec.id.split('-');
    const rest = suffix.length ? ` ${suffix.join(' ')}` : '';
    PATTERNS[spec.id] = new RegExp(`\\brx ${model}${rest}\\b${suffix.length ? '' : '(?! xt| gre)'}`);
  } else if (spec.id.startsWith('apple-')) {
    const [, chip, tier] = spec.id.split('-');
    const letters = chip!.slice(0, 1);
    const digits = chip!.slice(1);
    PATTERNS[spec.id] = new RegExp(`\\b${letters} ${digits}${tier ? ` ${tier}` : '(?! pro| max| ultra)'}\\b`);
  }
}
PATTERNS['titan-rtx'] = /\btitan rtx\b/;
PATTERNS['h100-pcie'] = /\bh 100\b.*\bpcie\b/;
PATTERNS['h100-nvl'] = /\bh 100\b.*\bnvl\b/;
PATTERNS['h100-sxm'] = /\bh 100\b(?!.*\b(pcie|nvl)\b)/;

export interface SpecMatchInput {
  /** Adapter description / device name, e.g. "NVIDIA GeForce RTX 3080" or "Apple M2 Pro". */
  name: string;
  /** Total video memory when known (nvidia-smi, CUDA): tells memory variants apart. WebGPU does not give it. */
  memoryBytes?: number | null;
}

export interface SpecMatch {
  /** The row to price and judge efficiency by: the device's own, or the lower of the variants it could be. */
  spec: GpuSpec;
  /** Every row the device could be: one when known, several when memory variants cannot be told apart. */
  candidates: readonly GpuSpec[];
  /** How a memory variant was picked, or why it could not be; null for a name sold in one configuration. */
  note: string | null;
}

/** The spec-table row for a device name, or null when no row matches. Pure. */
export function matchSpec(input: SpecMatchInput, table: readonly GpuSpec[] = GPU_SPECS): GpuSpec | null {
  return matchSpecVariants(input, table)?.spec ?? null;
}

/** The matching row with the memory variants it could be and how it was picked. Pure. */
export function matchSpecVariants(input: SpecMatchInput, table: readonly GpuSpec[] = GPU_SPECS): SpecMatch | null {
  const normalized = normalizeGpuName(input.name);
  if (!normalized) return null;
  const hits = table.filter((spec) => (PATTERNS[spec.id] ?? namePattern(spec)).test(normalized));
  if (hits.length === 0) return null;
  const family = VARIANT_BY_ID.get(hits[0]!.id)?.family;
  if (!family) return { spec: hits[0]!, candidates: [hits[0]!], note: null };
  const rows = hits.filter((h) => VARIANT_BY_ID.get(h.id)?.family === family);
  return pickVariant(input, normalized, rows.map((spec) => ({ spec, variant: VARIANT_BY_ID.get(spec.id)!.variant })));
}

function pickVariant(input: SpecMatchInput, normalized: string, rows: readonly { spec: GpuSpec; variant: MemoryVariant }[]): SpecMatch {
  const named = rows.filter((r) => r.variant.nameHint.test(normalized));
  if (named.length === 1) return { spec: named[0]!.spec, candidates: [named[0]!.spec], note: `The name says which variant: ${named[0]!.variant.memory}.` };
  const gib = input.memoryBytes ? Math.round(input.memoryBytes / 1024 ** 3) : null;
  const sized = gib === null ? [] : rows.filter((r) => r.variant.memoryGiB === gib);
  if (sized.length === 1) return { spec: sized[0]!.spec, candidates: [sized[0]!.spec], note: `Told apart by its ${gib} GB of memory: ${sized[0]!.variant.memory}.` };
  const tied = sized.length > 1 ? sized : rows;
  const lower = [...tied].sort((a, b) => a.spec.memoryGBs - b.spec.memoryGBs || a.spec.fp32Tflops - b.spec.fp32Tflops)[0]!;
  const why = gib === null ? 'no memory size was reported' : sized.length > 1 ? `all have ${gib} GB` : `no variant has ${gib} GB`;
  return {
    spec: lower.spec,
    candidates: tied.map((r) => r.spec),
    note: `Sold as ${tied.map((r) => r.variant.memory).join(' or ')}; they cannot be told apart here (${why}), so the lower figures (${lower.variant.memory}) are used, and the higher bound what is plausible.`,
  };
}

/** The highest of each peak across the rows a device could be: what an honest run of it cannot exceed (× margin). */
export function plausibilityPeaks(match: SpecMatch): Pick<GpuSpec, 'fp32Tflops' | 'fp16TensorTflops' | 'memoryGBs'> {
  const tensor = match.candidates.map((c) => c.fp16TensorTflops).filter((t): t is number => t !== null);
  return {
    fp32Tflops: Math.max(...match.candidates.map((c) => c.fp32Tflops)),
    fp16TensorTflops: tensor.length ? Math.max(...tensor) : null,
    memoryGBs: Math.max(...match.candidates.map((c) => c.memoryGBs)),
  };
}

/** Rows from a caller's own table that have no built-in pattern match on their whole normalized name. */
function namePattern(spec: GpuSpec): RegExp {
  const escaped = normalizeGpuName(spec.name).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`\\b${escaped}\\b`);
}

export function specById(id: string): GpuSpec | null {
  return GPU_SPECS.find((spec) => spec.id === id) ?? null;
}

/** The largest figure of each kind across the table: the plausibility bound when no row matches. */
export function tableMaxima(table: readonly GpuSpec[] = GPU_SPECS): { fp32Tflops: number; fp16TensorTflops: number; memoryGBs: number } {
  return {
    fp32Tflops: Math.max(...table.map((s) => s.fp32Tflops)),
    fp16TensorTflops: Math.max(...table.map((s) => s.fp16TensorTflops ?? 0)),
    memoryGBs: Math.max(...table.map((s) => s.memoryGBs)),
  };
}
