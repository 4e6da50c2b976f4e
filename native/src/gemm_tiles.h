// The tiled GEMM kernels, written as per-thread (SGEMM) and per-warp (HGEMM) phases between barriers, so
// the very same code runs in the CUDA kernels (kernels.cu) and in the host simulator (kernel_sim.cpp),
// which replays every thread of every block on the CPU and checks C against the CPU reference. That is how
// the tiling, bounds handling and vector paths are verified on a machine without a GPU.
//
// SGEMM C = A*B (n x n, row-major f32). A 256-thread block computes a 128x128 tile of C, stepping through K
// in slices of 8: the A slice (128x8) is stored transposed in shared memory, the B slice (8x128) as is.
// Slices are software-pipelined: each thread fetches the next slice from global memory into registers
// while the block computes on the current one, then stages it into the other half of a double-buffered
// shared tile, so there is one barrier per slice and global latency hides behind the FMAs.
// Thread (tRow, tCol) of the 16x16 thread grid owns rows {4*tRow..+3, 64+4*tRow..+3} and columns
// {4*tCol..+3, 64+4*tCol..+3}: 8x8 accumulators in registers, read from shared memory as float4 without bank
// conflicts. Loads outside the matrix read zero and stores outside are skipped, so any n works; float4 global
// loads and stores are used when n is a multiple of 4.
//
// HGEMM (WMMA 16x16x16, FP16 in, FP32 accumulate). A 256-thread block (8 warps as 2x4) computes a 128x128
// tile of C; each warp owns 64x32 = 4x2 accumulator fragments. K advances in slices of 32, pipelined and
// double-buffered in shared memory as for SGEMM (zero-filled outside the matrix; 16-byte vector loads when
// n % 8 == 0). Full fragments are stored
// straight to C when n % 4 == 0; edge fragments go through a per-warp scratch tile and are copied element by
// element with bounds checks. The fragment operations come from an Ops policy: nvcuda::wmma on the device,
// a plain matrix implementation (with the same alignment rules asserted) in the simulator.
#pragma once

#include <cstddef>
#include <cstdint>

#include <cuda_fp16.h>
#include <vector_types.h>

#if defined(__CUDACC__)
#define OH_TILE __device__ __forceinline__
#define OH_UNROLL _Pragma("unroll")
#else
#include <cmath>
#define OH_TILE inline
#define OH_UNROLL
#endif

namespace oh {
namespace gemm {

// ---------------------------------------------------------------------------------------------------------
// SGEMM

constexpr int kSgBM = 128;
constexpr int kSgBN = 128;
constexpr int kSgBK = 8;
constexpr int kSgThreads = 256;
constexpr int kSgPadA = 4;  // conflict-free transposed stores; keeps rows 16-byte aligned

// Two slices: while the block computes on one, the next is written into the other (one barrier per slice).
struct SgemmShared {
  alignas(16) float as[2][kSgBK][kSgBM + kSgPadA];
  alignas(16) float bs[2][kSgBK][kSgBN];
};

// What one thread carries from global memory to shared memory for one slice: 4 elements of A, 4 of B.
struct SgemmFetch {
  float4 a;
  float4 b;
};

// Thread `tid` reads its 4 elements of the A slice and 4 of the B slice at K offset k0 (zero outside).
OH_TILE SgemmFetch sgemm_fetch(int tid, int n, int row0, int col0, int k0, const float* __restrict__ a, const float* __restrict__ b) {
  const bool vec = (n % 4) == 0;
  SgemmFetch f;
  {
    const int r = row0 + tid / 2;        // row of the A slice (0..127)
    const int k = k0 + (tid % 2) * 4;    // first of 4 columns of the A slice (0 or 4)
    if (vec && r < n && k < n) {  // k % 4 == 0 and n % 4 == 0, so k + 3 < n too
      f.a = *reinterpret_cast<const float4*>(&a[static_cast<size_t>(r) * n + k]);
    } else {
      const size_t base = static_cast<size_t>(r) * n + k;
      f.a.x = (r < n && k + 0 < n) ? a[base + 0] : 0.f;
      f.a.y = (r < n && k + 1 < n) ? a[base + 1] : 0.f;
      f.a.z = (r < n && k + 2 < n) ? a[base + 2] : 0.f;
      f.a.w = (r < n && k + 3 < n) ? a[base + 3] : 0.f;
    }
  }
  {
    const int k = k0 + tid / 32;            // row of the B slice (0..7)
    const int col = col0 + (tid % 32) * 4;  // first of 4 columns of the B slice (0..124)
    if (vec && k < n && col < n) {
      f.b = *reinterpret_cast<const float4*>(&b[static_cast<size_t>(k) * n + col]);
    } else {
      const size_t base = static_cast<size_t>(k) * n + col;
      f.b.x = (k < n && col + 0 < n) ? b[base + 0] : 0.f;
      f.b.y = (k < n && col + 1 < n) ? b[base + 1] : 0.f;
      f.b.z = (k < n && col + 2 < n) ? b[base + 2] : 0.f;
      f.b.w = (k < n && col + 3 < n) ? b[base + 3] : 0.f;
    }
  }
  return f;
}

// Thread `tid` writes what it fetched into shared buffer `buf` (A transposed, B as is).
OH_TILE void sgemm_stage(int tid, const SgemmFetch& f, int buf, SgemmShared& sh) {
  const int a_r = tid / 2;
  const int a_k = (tid % 2) * 4;
  sh.as[buf][a_k + 0][a_r] = f.a.x;
  sh.as[buf][a_k + 1][a_r] = f.a.y;
  sh.as[buf][a_k + 2][a_r] = f.a.z;
  sh.as[buf][a_k + 3][a_r] = f.a.w;
  *reinterpret_cast<float4*>(&sh.bs[buf][tid / 32][(tid % 32) * 4]) = f.b;
}

// Thread `tid` accumulates the slice in shared buffer `buf` into its 8x8 outputs.
OH_TILE void sgemm_accumulate(int tid, const SgemmShared& sh, int buf, float (&acc)[8][8]) {
  const int t_row = tid / 16;
  const int t_col = tid % 16;
  OH_UNROLL
  for (int kk = 0; kk < kSgBK; ++kk) {
    const float4 a_lo = *reinterpret_cast<const float4*>(&sh.as[buf][kk][t_row * 4]);
    const float4 a_hi = *reinterpret_cast<const float4*>(&sh.as[buf][kk][64 + t_row * 4]);
    const float4 b_lo = *reinterpret_cast<const float4*>(&sh.bs[buf][kk][t_col * 4]);
    const float4 b_hi = *reinterpret_cast<const float4*>(&sh.bs[buf][kk][64 + t_col * 4]);
    const float ra[8] = {a_lo.x, a_lo.y, a_lo.z, a_lo.w, a_hi.x, a_hi.y, a_hi.z, a_hi.w};
    const float rb[8] = {b_lo.x, b_lo.y, b_lo.z, b_lo.w, b_hi.x, b_hi.y, b_hi.z, b_hi.w};
    OH_UNROLL
    for (int i = 0; i < 8; ++i) {
      OH_UNROLL
      for (int j = 0; j < 8; ++j) acc[i][j] = fmaf(ra[i], rb[j], acc[i][j]);
    }
  }
}

// Thread `tid` writes its 8x8 outputs (those inside the matrix).
OH_TILE void sgemm_store(int tid, int n, int row0, int col0, const float (&acc)[8][8], float* __restrict__ c) {
  const int t_row = tid / 16;
  const int t_col = tid % 16;
  const bool vec = (n % 4) == 0;
  OH_UNROLL
  for (int i = 0; i < 8; ++i) {
    const int r = row0 + (i < 4 ? t_row * 4 + i : 64 + t_row * 4 + (i - 4));
    if (r >= n) continue;
    OH_UNROLL
    for (int half = 0; half < 2; ++half) {
      const int col = col0 + half * 64 + t_col * 4;
      float* dst = &c[static_cast<size_t>(r) * n + col];
      if (vec && col < n) {
        *reinterpret_cast<float4*>(dst) = float4{acc[i][half * 4 + 0], acc[i][half * 4 + 1], acc[i][half * 4 + 2], acc[i][half * 4 + 3]};
      } else {
        OH_UNROLL
        for (int j = 0; j < 4; ++j) {
          if (col + j < n) dst[j] = acc[i][half * 4 + j];
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// HGEMM

constexpr int kHgBM = 128;
constexpr int kHgBN = 128;
constexpr int kHgBK = 32;
constexpr int kHgPad = 8;  // halves: keeps ldm a multiple of 8 and every fragment pointer 32-byte aligned
constexpr int kHgThreads = 256;
constexpr int kHgWarps = kHgThreads / 32;
constexpr int kHgLdA = kHgBK + kHgPad;  // 40
constexpr int kHgLdB = kHgBN + kHgPad;  // 136

// Two slices (as SGEMM) plus a per-warp scratch tile for edge fragments: 45 KiB, under the 48 KiB static limit.
struct HgemmShared {
  alignas(128) __half as[2][kHgBM * kHgLdA];
  alignas(128) __half bs[2][kHgBK * kHgLdB];
  alignas(128) float scratch[kHgWarps][16 * 16];
};

// What one thread carries for one slice: 2 chunks of 8 halves of A and 2 of B, as raw 16-byte words.
struct HgemmFetch {
  uint4 a[2];
  uint4 b[2];
};

// 8 halves (the bits of each) packed into a 16-byte word, element 0 in the low half of .x.
OH_TILE unsigned half_bits(__half h) { return static_cast<__half_raw>(h).x; }

OH_TILE uint4 fetch8(const __half* __restrict__ src, bool in_row, int first, int n, bool vec) {
  if (vec && in_row && first < n) return *reinterpret_cast<const uint4*>(src);  // first % 8 == 0, n % 8 == 0
  unsigned bits[8];
  OH_UNROLL
  for (int e = 0; e < 8; ++e) bits[e] = (in_row && first + e < n) ? half_bits(src[e]) : 0u;  // 0 = +0.0 in fp16
  uint4 v;
  v.x = bits[0] | (bits[1] << 16);
  v.y = bits[2] | (bits[3] << 16);
  v.z = bits[4] | (bits[5] << 16);
  v.w = bits[6] | (bits[7] << 16);
  return v;
}

// Thread `tid` reads its chunks of the A slice (128 rows x 32) and the B slice (32 rows x 128) at K offset k0.
OH_TILE HgemmFetch hgemm_fetch(int tid, int n, int row0, int col0, int k0, const __half* __restrict__ a, const __half* __restrict__ b) {
  const bool vec = (n % 8) == 0;
  HgemmFetch f;
  OH_UNROLL
  for (int p = 0; p < 2; ++p) {
    const int chunk = tid + p * kHgThreads;  // 0..511
    const int gr = row0 + chunk / 4;
    const int gk = k0 + (chunk % 4) * 8;
    f.a[p] = fetch8(&a[static_cast<size_t>(gr) * n + gk], gr < n, gk, n, vec);
  }
  OH_UNROLL
  for (int p = 0; p < 2; ++p) {
    const int chunk = tid + p * kHgThreads;
    const int gk = k0 + chunk / 16;
    const int gc = col0 + (chunk % 16) * 8;
    f.b[p] = fetch8(&b[static_cast<size_t>(gk) * n + gc], gk < n, gc, n, vec);
  }
  return f;
}

// Thread `tid` writes what it fetched into shared buffer `buf` (16-byte stores).
OH_TILE void hgemm_stage(int tid, const HgemmFetch& f, int buf, HgemmShared& sh) {
  OH_UNROLL
  for (int p = 0; p < 2; ++p) {
    const int chunk = tid + p * kHgThreads;
    *reinterpret_cast<uint4*>(&sh.as[buf][(chunk / 4) * kHgLdA + (chunk % 4) * 8]) = f.a[p];
    *reinterpret_cast<uint4*>(&sh.bs[buf][(chunk / 16) * kHgLdB + (chunk % 16) * 8]) = f.b[p];
  }
}

// Warp `warp` multiplies its 64x32 band of the slice in shared buffer `buf` into its accumulators.
template <class Ops>
OH_TILE void hgemm_accumulate(int warp, const HgemmShared& sh, int buf, typename Ops::Acc (&acc)[4][2]) {
  const int wm = warp / 4;  // 0..1: 64-row band of the tile
  const int wn = warp % 4;  // 0..3: 32-column band of the tile
  OH_UNROLL
  for (int kk = 0; kk < kHgBK; kk += 16) {
    typename Ops::A af[4];
    typename Ops::B bf[2];
    OH_UNROLL
    for (int i = 0; i < 4; ++i) Ops::load_a(af[i], &sh.as[buf][(wm * 64 + i * 16) * kHgLdA + kk], kHgLdA);
    OH_UNROLL
    for (int j = 0; j < 2; ++j) Ops::load_b(bf[j], &sh.bs[buf][kk * kHgLdB + wn * 32 + j * 16], kHgLdB);
    OH_UNROLL
    for (int i = 0; i < 4; ++i) {
      OH_UNROLL
      for (int j = 0; j < 2; ++j) Ops::mma(acc[i][j], af[i], bf[j]);
    }
  }
}

// Warp `warp` writes its fragments. Lanes lane_begin, lane_begin + lane_step, ... copy edge fragments
// (on the device: each lane with step 32; in the simulator: one pass with step 1).
template <class Ops>
OH_TILE void hgemm_store(int warp, int lane_begin, int lane_step, int n, int row0, int col0, const typename Ops::Acc (&acc)[4][2],
                         HgemmShared& sh, float* __restrict__ c) {
  const int wm = warp / 4;
  const int wn = warp % 4;
  OH_UNROLL
  for (int i = 0; i < 4; ++i) {
    OH_UNROLL
    for (int j = 0; j < 2; ++j) {
      const int r = row0 + wm * 64 + i * 16;
      const int col = col0 + wn * 32 + j * 16;
      if (r >= n || col >= n) continue;  // warp-uniform
      if (n % 4 == 0 && r + 16 <= n && col + 16 <= n) {
        Ops::store(&c[static_cast<size_t>(r) * n + col], acc[i][j], static_cast<unsigned>(n));
      } else {
        Ops::store(sh.scratch[warp], acc[i][j], 16);
        Ops::sync_warp();
        for (int e = lane_begin; e < 256; e += lane_step) {
          const int rr = r + e / 16;
          const int cc = col + e % 16;
          if (rr < n && cc < n) c[static_cast<size_t>(rr) * n + cc] = sh.scratch[warp][e];
        }
        Ops::sync_warp();
      }
    }
  }
}

}  // namespace gemm
}  // namespace oh
