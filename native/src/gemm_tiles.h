// The tiled GEMM kernels, written as per-thread (SGEMM) and per-warp (HGEMM) phases between barriers, so
// the very same code runs in the CUDA kernels (kernels.cu) and in the host simulator (kernel_sim.cpp),
// which replays every thread of every block on the CPU and checks C against the CPU reference. That is how
// the tiling, bounds handling and vector paths are verified on a machine without a GPU.
//
// SGEMM C = A*B (n x n, row-major f32). A 256-thread block computes a 128x128 tile of C, stepping through K
// in slices of 8: the A slice (128x8) is stored transposed in shared memory, the B slice (8x128) as is.
// Thread (tRow, tCol) of the 16x16 thread grid owns rows {4*tRow..+3, 64+4*tRow..+3} and columns
// {4*tCol..+3, 64+4*tCol..+3}: 8x8 accumulators in registers, read from shared memory as float4 without bank
// conflicts. Loads outside the matrix read zero and stores outside are skipped, so any n works; float4 global
// loads and stores are used when n is a multiple of 4.
//
// HGEMM (WMMA 16x16x16, FP16 in, FP32 accumulate). A 256-thread block (8 warps as 2x4) computes a 128x128
// tile of C; each warp owns 64x32 = 4x2 accumulator fragments. K advances in slices of 32 staged in shared
// memory (zero-filled outside the matrix; 16-byte vector loads when n % 8 == 0). Full fragments are stored
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

struct SgemmShared {
  alignas(16) float as[kSgBK][kSgBM + kSgPadA];
  alignas(16) float bs[kSgBK][kSgBN];
};

// Thread `tid` loads 4 elements of the A slice and 4 of the B slice for K offset k0.
OH_TILE void sgemm_load_slice(int tid, int n, int row0, int col0, int k0, const float* __restrict__ a,
                              const float* __restrict__ b, SgemmShared& sh) {
  const bool vec = (n % 4) == 0;
  {
    const int a_r = tid / 2;        // 0..127: row of the A slice
    const int a_k = (tid % 2) * 4;  // 0 or 4: first column of the A slice
    const int r = row0 + a_r;
    const int k = k0 + a_k;
    float v[4];
    if (vec && r < n && k < n) {  // k % 4 == 0 and n % 4 == 0, so k + 3 < n too
      const float4 t = *reinterpret_cast<const float4*>(&a[static_cast<size_t>(r) * n + k]);
      v[0] = t.x;
      v[1] = t.y;
      v[2] = t.z;
      v[3] = t.w;
    } else {
      OH_UNROLL
      for (int i = 0; i < 4; ++i) v[i] = (r < n && k + i < n) ? a[static_cast<size_t>(r) * n + k + i] : 0.f;
    }
    OH_UNROLL
    for (int i = 0; i < 4; ++i) sh.as[a_k + i][a_r] = v[i];
  }
  {
    const int b_k = tid / 32;        // 0..7:   row of the B slice
    const int b_c = (tid % 32) * 4;  // 0..124: first column of the B slice
    const int k = k0 + b_k;
    const int col = col0 + b_c;
    float4 v;
    if (vec && k < n && col < n) {
      v = *reinterpret_cast<const float4*>(&b[static_cast<size_t>(k) * n + col]);
    } else {
      const size_t base = static_cast<size_t>(k) * n + col;
      v.x = (k < n && col + 0 < n) ? b[base + 0] : 0.f;
      v.y = (k < n && col + 1 < n) ? b[base + 1] : 0.f;
      v.z = (k < n && col + 2 < n) ? b[base + 2] : 0.f;
      v.w = (k < n && col + 3 < n) ? b[base + 3] : 0.f;
    }
    *reinterpret_cast<float4*>(&sh.bs[b_k][b_c]) = v;
  }
}

// Thread `tid` accumulates the current slice into its 8x8 outputs.
OH_TILE void sgemm_accumulate(int tid, const SgemmShared& sh, float (&acc)[8][8]) {
  const int t_row = tid / 16;
  const int t_col = tid % 16;
  OH_UNROLL
  for (int kk = 0; kk < kSgBK; ++kk) {
    const float4 a_lo = *reinterpret_cast<const float4*>(&sh.as[kk][t_row * 4]);
    const float4 a_hi = *reinterpret_cast<const float4*>(&sh.as[kk][64 + t_row * 4]);
    const float4 b_lo = *reinterpret_cast<const float4*>(&sh.bs[kk][t_col * 4]);
    const float4 b_hi = *reinterpret_cast<const float4*>(&sh.bs[kk][64 + t_col * 4]);
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

struct HgemmShared {
  alignas(128) __half as[kHgBM * kHgLdA];
  alignas(128) __half bs[kHgBK * kHgLdB];
  alignas(128) float scratch[kHgWarps][16 * 16];
};

// Thread `tid` stages 2 chunks of 8 halves of the A slice and 2 of the B slice for K offset k0.
OH_TILE void hgemm_load_slice(int tid, int n, int row0, int col0, int k0, const __half* __restrict__ a,
                              const __half* __restrict__ b, HgemmShared& sh) {
  const bool vec = (n % 8) == 0;
  const __half zero = __float2half(0.f);
  // A slice: 128 rows x 32 halves = 512 chunks of 8 halves.
  OH_UNROLL
  for (int p = 0; p < 2; ++p) {
    const int chunk = tid + p * kHgThreads;
    const int r = chunk / 4;
    const int k = (chunk % 4) * 8;
    const int gr = row0 + r;
    const int gk = k0 + k;
    __half* dst = &sh.as[r * kHgLdA + k];
    if (vec && gr < n && gk < n) {
      *reinterpret_cast<uint4*>(dst) = *reinterpret_cast<const uint4*>(&a[static_cast<size_t>(gr) * n + gk]);
    } else {
      OH_UNROLL
      for (int e = 0; e < 8; ++e) dst[e] = (gr < n && gk + e < n) ? a[static_cast<size_t>(gr) * n + gk + e] : zero;
    }
  }
  // B slice: 32 rows x 128 halves = 512 chunks of 8 halves.
  OH_UNROLL
  for (int p = 0; p < 2; ++p) {
    const int chunk = tid + p * kHgThreads;
    const int k = chunk / 16;
    const int col = (chunk % 16) * 8;
    const int gk = k0 + k;
    const int gc = col0 + col;
    __half* dst = &sh.bs[k * kHgLdB + col];
    if (vec && gk < n && gc < n) {
      *reinterpret_cast<uint4*>(dst) = *reinterpret_cast<const uint4*>(&b[static_cast<size_t>(gk) * n + gc]);
    } else {
      OH_UNROLL
      for (int e = 0; e < 8; ++e) dst[e] = (gk < n && gc + e < n) ? b[static_cast<size_t>(gk) * n + gc + e] : zero;
    }
  }
}

// Warp `warp` multiplies its 64x32 band of the staged slice into its accumulators.
template <class Ops>
OH_TILE void hgemm_accumulate(int warp, const HgemmShared& sh, typename Ops::Acc (&acc)[4][2]) {
  const int wm = warp / 4;  // 0..1: 64-row band of the tile
  const int wn = warp % 4;  // 0..3: 32-column band of the tile
  OH_UNROLL
  for (int kk = 0; kk < kHgBK; kk += 16) {
    typename Ops::A af[4];
    typename Ops::B bf[2];
    OH_UNROLL
    for (int i = 0; i < 4; ++i) Ops::load_a(af[i], &sh.as[(wm * 64 + i * 16) * kHgLdA + kk], kHgLdA);
    OH_UNROLL
    for (int j = 0; j < 2; ++j) Ops::load_b(bf[j], &sh.bs[kk * kHgLdB + wn * 32 + j * 16], kHgLdB);
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
