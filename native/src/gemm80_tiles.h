// The sm_80+ GEMM paths, written like gemm_tiles.h as per-thread and per-warp phases between barriers so the
// CUDA kernels (kernels.cu) and the host replay (kernel_sim.cpp) run the very same index maths.
//
// Both use a multi-stage cp.async pipeline: stage s of a kStages-deep ring of shared tiles receives K slice
// kt + kStages - 1 while the block computes on slice kt; cp.async.wait_group(kStages - 2) plus one barrier per
// slice make slice kt visible. Copies go through an Async policy: real cp.async on the device; in the replay,
// copies that land only when the thread waits for their group, so reading a slice too early reads stale data
// and C comes out wrong.
//
// SGEMM (FP32, CUDA cores): 128x128 block tile, BK = 8, 4 stages (33 KiB). A is copied transposed with 4-byte
// cp.async (zero-fill outside the matrix), B with 16-byte cp.async when n % 4 == 0. Warp tiling: the 8 warps
// form 2x4 warp tiles of 64x32; lane (lr, lc) of a warp's 8x4 lane grid owns rows {4lr..+3, 32+4lr..+3} and
// columns {4lc..+3, 16+4lc..+3} of its warp tile: 8x8 accumulators, float4 shared reads (broadcast within a
// warp, no bank conflicts). Each accumulator sums k in ascending order, one fmaf per k.
//
// HGEMM (FP16 in, FP32 accumulate, tensor cores): 128x128 block tile, BK = 32, 3 stages (48 KiB). A (128x32)
// and B (32x128) are stored row-major in 16-byte chunks whose chunk index is XOR-swizzled by the row
// (A: chunk ^ (row/2 % 4); B: chunk ^ (k % 8)), so each 8-row phase of ldmatrix touches 8 different bank
// groups. Warp tile 64x32 = 4 (m16) x 4 (n8) mma.sync.m16n8k16 tiles; A fragments come from ldmatrix.x4,
// B fragments from ldmatrix.x4.trans. Per-lane fragment layouts are those of the PTX ISA; the replay's warp
// policy rebuilds the matrices from the 32 lanes' registers the same way and checks the bank groups.
// Inputs are small integers, so every product and partial sum is exact in FP32 and C equals the reference
// bit for bit whatever order the tensor cores add in.
#pragma once

#include "gemm_tiles.h"

namespace oh {
namespace gemm {

// ---------------------------------------------------------------------------------------------------------
// SGEMM, sm_80+

constexpr int kSg80BK = 8;
constexpr int kSg80Stages = 4;

struct Sgemm80Stage {
  alignas(16) float as[kSg80BK][kSgBM + kSgPadA];  // A slice, transposed
  alignas(16) float bs[kSg80BK][kSgBN];
};

struct Sgemm80Shared {
  Sgemm80Stage stage[kSg80Stages];
};

// Thread `tid` issues its copies of the A slice (128x8, 4 elements: row tid/2, k (tid%2)*4..+3, transposed)
// and the B slice (8x128, 4 elements: row tid/32, columns (tid%32)*4..+3) at K offset k0 into `st`.
// Elements outside the matrix are zero-filled (source size 0, source pointer clamped to the matrix start).
template <class Async>
OH_TILE void sgemm80_load(Async& async, int tid, int n, int row0, int col0, int k0, const float* __restrict__ a,
                          const float* __restrict__ b, Sgemm80Stage& st) {
  const int r = tid / 2;
  const int kb = (tid % 2) * 4;
  const int gr = row0 + r;
  OH_UNROLL
  for (int e = 0; e < 4; ++e) {
    const int gk = k0 + kb + e;
    const bool in = gr < n && gk < n;
    async.copy4(tid, &st.as[kb + e][r], in ? &a[static_cast<size_t>(gr) * n + gk] : a, in);
  }
  const int k = tid / 32;
  const int c = (tid % 32) * 4;
  const int gk = k0 + k;
  const int gc = col0 + c;
  if (n % 4 == 0) {  // gc % 4 == 0 too, so the 4 columns are all inside or all outside
    const bool in = gk < n && gc < n;
    async.copy16(tid, &st.bs[k][c], in ? &b[static_cast<size_t>(gk) * n + gc] : b, in);
  } else {
    OH_UNROLL
    for (int e = 0; e < 4; ++e) {
      const bool in = gk < n && gc + e < n;
      async.copy4(tid, &st.bs[k][c + e], in ? &b[static_cast<size_t>(gk) * n + gc + e] : b, in);
    }
  }
}

// First row (within the block tile) of thread `tid`'s lower 4 rows, and first column of its left 4 columns.
OH_TILE int sgemm80_row(int tid) { return ((tid / 32) / 4) * 64 + ((tid % 32) / 4) * 4; }
OH_TILE int sgemm80_col(int tid) { return ((tid / 32) % 4) * 32 + ((tid % 32) % 4) * 4; }

// Thread `tid` accumulates the slice in `st` into its 8x8 outputs (k ascending).
OH_TILE void sgemm80_compute(int tid, const Sgemm80Stage& st, float (&acc)[8][8]) {
  const int ar = sgemm80_row(tid);
  const int bc = sgemm80_col(tid);
  OH_UNROLL
  for (int kk = 0; kk < kSg80BK; ++kk) {
    const float4 a_lo = *reinterpret_cast<const float4*>(&st.as[kk][ar]);
    const float4 a_hi = *reinterpret_cast<const float4*>(&st.as[kk][ar + 32]);
    const float4 b_lo = *reinterpret_cast<const float4*>(&st.bs[kk][bc]);
    const float4 b_hi = *reinterpret_cast<const float4*>(&st.bs[kk][bc + 16]);
    const float ra[8] = {a_lo.x, a_lo.y, a_lo.z, a_lo.w, a_hi.x, a_hi.y, a_hi.z, a_hi.w};
    const float rb[8] = {b_lo.x, b_lo.y, b_lo.z, b_lo.w, b_hi.x, b_hi.y, b_hi.z, b_hi.w};
    OH_UNROLL
    for (int i = 0; i < 8; ++i) {
      OH_UNROLL
      for (int j = 0; j < 8; ++j) acc[i][j] = fmaf(ra[i], rb[j], acc[i][j]);
    }
  }
}

// Thread `tid` writes its 8x8 outputs that lie inside the matrix (float4 stores when n % 4 == 0).
OH_TILE void sgemm80_store(int tid, int n, int row0, int col0, const float (&acc)[8][8], float* __restrict__ c) {
  const int ar = sgemm80_row(tid);
  const int bc = sgemm80_col(tid);
  const bool vec = (n % 4) == 0;
  OH_UNROLL
  for (int i = 0; i < 8; ++i) {
    const int r = row0 + ar + (i < 4 ? i : 32 + (i - 4));
    if (r >= n) continue;
    OH_UNROLL
    for (int half = 0; half < 2; ++half) {
      const int col = col0 + bc + half * 16;
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
// HGEMM, sm_80+

constexpr int kHg80BK = 32;
constexpr int kHg80Stages = 3;

struct Hgemm80Stage {
  alignas(128) __half as[kHgBM * kHg80BK];  // 128 rows x 4 chunks of 8 halves, swizzled
  alignas(128) __half bs[kHg80BK * kHgBN];  // 32 rows x 16 chunks of 8 halves, swizzled
};

struct Hgemm80Shared {
  Hgemm80Stage stage[kHg80Stages];
};

// Where element (row, k) of the A slice and (k, col) of the B slice live in their stage.
OH_TILE int hg80_a_index(int row, int k) { return row * kHg80BK + (((k / 8) ^ ((row / 2) % 4)) * 8) + k % 8; }
OH_TILE int hg80_b_index(int k, int col) { return k * kHgBN + (((col / 8) ^ (k % 8)) * 8) + col % 8; }

// Thread `tid` fills its 2 chunks of the A slice and 2 of the B slice at K offset k0: 16-byte cp.async when
// n % 8 == 0 (zero-fill outside), otherwise element-wise loads (fetch8) stored straight into the chunk.
template <class Async>
OH_TILE void hgemm80_load(Async& async, int tid, int n, int row0, int col0, int k0, const __half* __restrict__ a,
                          const __half* __restrict__ b, Hgemm80Stage& st) {
  const bool vec = (n % 8) == 0;
  OH_UNROLL
  for (int p = 0; p < 2; ++p) {
    const int chunk = tid + p * kHgThreads;  // 0..511
    const int r = chunk / 4;
    const int kc = (chunk % 4) * 8;
    const int gr = row0 + r;
    const int gk = k0 + kc;
    __half* dst = &st.as[hg80_a_index(r, kc)];
    const bool in = gr < n && gk < n;
    if (vec) async.copy16(tid, dst, in ? &a[static_cast<size_t>(gr) * n + gk] : a, in);
    else *reinterpret_cast<uint4*>(dst) = fetch8(in ? &a[static_cast<size_t>(gr) * n + gk] : a, in, gk, n, false);
  }
  OH_UNROLL
  for (int p = 0; p < 2; ++p) {
    const int chunk = tid + p * kHgThreads;
    const int k = chunk / 16;
    const int cc = (chunk % 16) * 8;
    const int gk = k0 + k;
    const int gc = col0 + cc;
    __half* dst = &st.bs[hg80_b_index(k, cc)];
    const bool in = gk < n && gc < n;
    if (vec) async.copy16(tid, dst, in ? &b[static_cast<size_t>(gk) * n + gc] : b, in);
    else *reinterpret_cast<uint4*>(dst) = fetch8(in ? &b[static_cast<size_t>(gk) * n + gc] : b, in, gc, n, false);
  }
}

// Warp `warp` multiplies its 64x32 band of the slice in `st` into acc[m16 tile][n8 tile][fragment register].
// W is the warp policy: on the device one lane's view (registers are scalars), in the replay all 32 lanes
// (registers are arrays). w.lanes(f) is the address lane `lane` hands to ldmatrix.
template <class W>
OH_TILE void hgemm80_compute(W& w, int warp, const Hgemm80Stage& st, typename W::F32 (&acc)[4][4][4]) {
  const int wm = warp / 4;
  const int wn = warp % 4;
  OH_UNROLL
  for (int kk = 0; kk < kHg80BK; kk += 16) {
    typename W::U32 af[4][4];
    typename W::U32 bf[4][2];
    OH_UNROLL
    for (int i = 0; i < 4; ++i) {
      // Matrices 0..3: rows +0..7 / +8..15 of the m16 tile, k +0..7 (lanes 0..15) / +8..15 (lanes 16..31).
      w.ldmatrix_x4(af[i], w.lanes([&](int lane) { return &st.as[hg80_a_index(wm * 64 + i * 16 + lane % 16, kk + (lane / 16) * 8)]; }));
    }
    OH_UNROLL
    for (int jj = 0; jj < 2; ++jj) {
      // Transposed: matrices (k +0..7, n +0..7), (k +8..15, n +0..7), (k +0..7, n +8..15), (k +8..15, n +8..15).
      typename W::U32 r[4];
      w.ldmatrix_x4_trans(r, w.lanes([&](int lane) { return &st.bs[hg80_b_index(kk + lane % 16, wn * 32 + jj * 16 + (lane / 16) * 8)]; }));
      bf[2 * jj][0] = r[0];
      bf[2 * jj][1] = r[1];
      bf[2 * jj + 1][0] = r[2];
      bf[2 * jj + 1][1] = r[3];
    }
    OH_UNROLL
    for (int i = 0; i < 4; ++i) {
      OH_UNROLL
      for (int j = 0; j < 4; ++j) w.mma(acc[i][j], af[i], bf[j]);
    }
  }
}

// Warp `warp` writes its accumulators inside the matrix: lane (g = lane/4, t = lane%4) holds rows g and g + 8,
// columns 2t and 2t + 1 of each m16n8 tile (float2 stores when n is even).
template <class W>
OH_TILE void hgemm80_store(W& w, int warp, int n, int row0, int col0, const typename W::F32 (&acc)[4][4][4], float* __restrict__ c) {
  const int wm = warp / 4;
  const int wn = warp % 4;
  w.each_lane([&](int lane) {
    const int g = lane / 4;
    const int t = lane % 4;
    OH_UNROLL
    for (int i = 0; i < 4; ++i) {
      OH_UNROLL
      for (int j = 0; j < 4; ++j) {
        OH_UNROLL
        for (int h = 0; h < 2; ++h) {
          const int r = row0 + wm * 64 + i * 16 + g + h * 8;
          const int col = col0 + wn * 32 + j * 8 + t * 2;
          if (r >= n) continue;
          const float v0 = W::at(acc[i][j][2 * h], lane);
          const float v1 = W::at(acc[i][j][2 * h + 1], lane);
          float* dst = &c[static_cast<size_t>(r) * n + col];
          if (n % 2 == 0 && col < n) {
            *reinterpret_cast<float2*>(dst) = float2{v0, v1};
          } else {
            if (col < n) dst[0] = v0;
            if (col + 1 < n) dst[1] = v1;
          }
        }
      }
    }
  });
}

}  // namespace gemm
}  // namespace oh
