// CUDA kernels: seeded input generation, FP32 FMA peak, tiled SGEMM, WMMA HGEMM, float4 triad, and the
// exact integer reductions used for checksums and the on-device self-check.
#include "kernels.h"

#include <mma.h>

#include <algorithm>

#include "philox_kat.h"

namespace oh {

namespace {

constexpr int kBlock = 256;

unsigned grid_for(size_t items, int per_block = kBlock, size_t max_blocks = 1u << 20) {
  const size_t blocks = (items + per_block - 1) / per_block;
  return static_cast<unsigned>(std::max<size_t>(1, std::min(blocks, max_blocks)));
}

// ------------------------------------------------------------------------------------------------------
// Seeded inputs: one thread per Philox block of 4 elements, via the same stream_block() as the CPU.

template <typename T>
__device__ __forceinline__ T from_int(int value);
template <>
__device__ __forceinline__ float from_int<float>(int value) { return static_cast<float>(value); }
template <>
__device__ __forceinline__ __half from_int<__half>(int value) { return __int2half_rn(value); }

template <typename T>
__global__ void fill_kernel(T* out, uint32_t count, uint32_t stream, PhiloxKey key) {
  const uint32_t blocks = count / 4 + (count % 4 != 0);
  for (uint32_t block = blockIdx.x * blockDim.x + threadIdx.x; block < blocks; block += gridDim.x * blockDim.x) {
    int values[4];
    stream_block(key, stream, block, values);
    const uint32_t base = block * 4;
#pragma unroll
    for (int lane = 0; lane < 4; ++lane) {
      if (base + lane < count) out[base + lane] = from_int<T>(values[lane]);
    }
  }
}

__global__ void fill_sign_kernel(int8_t* out, uint32_t count, uint32_t stream, PhiloxKey key) {
  for (uint32_t e = blockIdx.x * blockDim.x + threadIdx.x; e < count; e += gridDim.x * blockDim.x) {
    const U32x4 words = philox4x32(e >> 2, stream, 0u, 0u, key.k0, key.k1);
    out[e] = (words.v[e & 3u] & 1u) ? 1 : -1;
  }
}

struct KatArgs {
  uint32_t ctr[kPhiloxKatCount][4];
  uint32_t key[kPhiloxKatCount][2];
};

__global__ void philox_kat_kernel(KatArgs args, uint32_t* out) {
  const int i = threadIdx.x;
  if (i >= kPhiloxKatCount) return;
  const U32x4 got = philox4x32(args.ctr[i][0], args.ctr[i][1], args.ctr[i][2], args.ctr[i][3], args.key[i][0], args.key[i][1]);
  for (int w = 0; w < 4; ++w) out[4 * i + w] = got.v[w];
}

// ------------------------------------------------------------------------------------------------------
// FP32 FMA peak: kFmaChains independent dependency chains per thread, kFmaUnroll FMAs each per iteration.
// x <- x*a + b with a just below 1 converges to b/(1-a): no overflow, no denormals, nothing to fold away
// (a and b are runtime values). The sum is stored so the compiler must keep every chain.

__global__ void __launch_bounds__(kFmaThreads) fma_kernel(float* out, int iterations, float a, float b) {
  float x[kFmaChains];
#pragma unroll
  for (int c = 0; c < kFmaChains; ++c) x[c] = static_cast<float>(threadIdx.x + c) * 1e-3f;
  for (int it = 0; it < iterations; ++it) {
#pragma unroll
    for (int u = 0; u < kFmaUnroll; ++u) {
#pragma unroll
      for (int c = 0; c < kFmaChains; ++c) x[c] = fmaf(x[c], a, b);
    }
  }
  float sum = 0.f;
#pragma unroll
  for (int c = 0; c < kFmaChains; ++c) sum += x[c];
  out[blockIdx.x * blockDim.x + threadIdx.x] = sum;
}

// ------------------------------------------------------------------------------------------------------
// SGEMM C = A*B (n x n, row-major). Each 256-thread block computes a 128x128 tile of C, stepping through K
// in slices of 8: the A slice (128x8) is stored transposed in shared memory, the B slice (8x128) as is.
// Thread (tRow, tCol) of the 16x16 thread grid owns rows {4*tRow..+3, 64+4*tRow..+3} and columns
// {4*tCol..+3, 64+4*tCol..+3}: 8x8 accumulators in registers, read from shared memory as float4 without
// bank conflicts. Loads outside the matrix read zero and stores outside are skipped, so any n works;
// float4 global loads and stores are used when n is a multiple of 4.

constexpr int kSgBM = 128;
constexpr int kSgBN = 128;
constexpr int kSgBK = 8;
constexpr int kSgThreads = 256;

__global__ void __launch_bounds__(kSgThreads, 2)
    sgemm_kernel(int n, const float* __restrict__ a, const float* __restrict__ b, float* __restrict__ c) {
  __shared__ __align__(16) float as[kSgBK][kSgBM + 4];  // +4: conflict-free transposed stores
  __shared__ __align__(16) float bs[kSgBK][kSgBN];

  const int tid = threadIdx.x;
  const int t_row = tid / 16;
  const int t_col = tid % 16;
  const int row0 = blockIdx.y * kSgBM;
  const int col0 = blockIdx.x * kSgBN;
  const bool vec = (n % 4) == 0;

  // Which 4 elements of each slice this thread loads.
  const int a_r = tid / 2;        // 0..127: row of the A slice
  const int a_k = (tid % 2) * 4;  // 0 or 4: first column of the A slice
  const int b_k = tid / 32;       // 0..7:   row of the B slice
  const int b_c = (tid % 32) * 4; // 0..124: first column of the B slice

  float acc[8][8];
#pragma unroll
  for (int i = 0; i < 8; ++i) {
#pragma unroll
    for (int j = 0; j < 8; ++j) acc[i][j] = 0.f;
  }

  for (int k0 = 0; k0 < n; k0 += kSgBK) {
    {
      const int r = row0 + a_r;
      const int k = k0 + a_k;
      float v[4];
      if (vec && r < n && k < n) {
        const float4 t = *reinterpret_cast<const float4*>(&a[static_cast<size_t>(r) * n + k]);
        v[0] = t.x; v[1] = t.y; v[2] = t.z; v[3] = t.w;
      } else {
#pragma unroll
        for (int i = 0; i < 4; ++i) v[i] = (r < n && k + i < n) ? a[static_cast<size_t>(r) * n + k + i] : 0.f;
      }
#pragma unroll
      for (int i = 0; i < 4; ++i) as[a_k + i][a_r] = v[i];
    }
    {
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
      *reinterpret_cast<float4*>(&bs[b_k][b_c]) = v;
    }
    __syncthreads();

#pragma unroll
    for (int kk = 0; kk < kSgBK; ++kk) {
      const float4 a_lo = *reinterpret_cast<const float4*>(&as[kk][t_row * 4]);
      const float4 a_hi = *reinterpret_cast<const float4*>(&as[kk][64 + t_row * 4]);
      const float4 b_lo = *reinterpret_cast<const float4*>(&bs[kk][t_col * 4]);
      const float4 b_hi = *reinterpret_cast<const float4*>(&bs[kk][64 + t_col * 4]);
      const float ra[8] = {a_lo.x, a_lo.y, a_lo.z, a_lo.w, a_hi.x, a_hi.y, a_hi.z, a_hi.w};
      const float rb[8] = {b_lo.x, b_lo.y, b_lo.z, b_lo.w, b_hi.x, b_hi.y, b_hi.z, b_hi.w};
#pragma unroll
      for (int i = 0; i < 8; ++i) {
#pragma unroll
        for (int j = 0; j < 8; ++j) acc[i][j] = fmaf(ra[i], rb[j], acc[i][j]);
      }
    }
    __syncthreads();
  }

#pragma unroll
  for (int i = 0; i < 8; ++i) {
    const int r = row0 + (i < 4 ? t_row * 4 + i : 64 + t_row * 4 + (i - 4));
    if (r >= n) continue;
#pragma unroll
    for (int half = 0; half < 2; ++half) {
      const int col = col0 + half * 64 + t_col * 4;
      float* dst = &c[static_cast<size_t>(r) * n + col];
      if (vec && col < n) {
        *reinterpret_cast<float4*>(dst) =
            make_float4(acc[i][half * 4 + 0], acc[i][half * 4 + 1], acc[i][half * 4 + 2], acc[i][half * 4 + 3]);
      } else {
#pragma unroll
        for (int j = 0; j < 4; ++j) {
          if (col + j < n) dst[j] = acc[i][half * 4 + j];
        }
      }
    }
  }
}

// ------------------------------------------------------------------------------------------------------
// HGEMM with WMMA (16x16x16, FP16 inputs, FP32 accumulators). A 256-thread block (8 warps as 2x4) computes
// a 128x128 tile of C; each warp owns 64x32 = 4x2 accumulator fragments. K advances in slices of 32 staged
// in shared memory (zero-filled outside the matrix, so any n works; 16-byte vector loads when n % 8 == 0).
// Full fragments are stored straight to C when n % 4 == 0; edge fragments go through a per-warp scratch
// tile and are copied element by element with bounds checks.

constexpr int kHgBM = 128;
constexpr int kHgBN = 128;
constexpr int kHgBK = 32;
constexpr int kHgPad = 8;  // halves; keeps ldm a multiple of 8 and every fragment pointer 32-byte aligned
constexpr int kHgThreads = 256;
constexpr int kHgLdA = kHgBK + kHgPad;  // 40
constexpr int kHgLdB = kHgBN + kHgPad;  // 136

__global__ void __launch_bounds__(kHgThreads)
    hgemm_kernel(int n, const __half* __restrict__ a, const __half* __restrict__ b, float* __restrict__ c) {
  using namespace nvcuda;
  __shared__ __align__(128) __half as[kHgBM * kHgLdA];
  __shared__ __align__(128) __half bs[kHgBK * kHgLdB];
  __shared__ __align__(128) float scratch[kHgThreads / 32][16 * 16];

  const int tid = threadIdx.x;
  const int warp = tid / 32;
  const int lane = tid % 32;
  const int wm = warp / 4;  // 0..1: 64-row band of the tile
  const int wn = warp % 4;  // 0..3: 32-column band of the tile
  const int row0 = blockIdx.y * kHgBM;
  const int col0 = blockIdx.x * kHgBN;
  const bool vec = (n % 8) == 0;
  const __half zero = __float2half(0.f);

  wmma::fragment<wmma::accumulator, 16, 16, 16, float> acc[4][2];
#pragma unroll
  for (int i = 0; i < 4; ++i) {
#pragma unroll
    for (int j = 0; j < 2; ++j) wmma::fill_fragment(acc[i][j], 0.f);
  }

  for (int k0 = 0; k0 < n; k0 += kHgBK) {
    // A slice: 128 rows x 32 halves = 512 chunks of 8 halves, 2 per thread.
#pragma unroll
    for (int p = 0; p < 2; ++p) {
      const int chunk = tid + p * kHgThreads;
      const int r = chunk / 4;
      const int k = (chunk % 4) * 8;
      const int gr = row0 + r;
      const int gk = k0 + k;
      __half* dst = &as[r * kHgLdA + k];
      if (vec && gr < n && gk < n) {
        *reinterpret_cast<uint4*>(dst) = *reinterpret_cast<const uint4*>(&a[static_cast<size_t>(gr) * n + gk]);
      } else {
#pragma unroll
        for (int e = 0; e < 8; ++e) dst[e] = (gr < n && gk + e < n) ? a[static_cast<size_t>(gr) * n + gk + e] : zero;
      }
    }
    // B slice: 32 rows x 128 halves = 512 chunks of 8 halves, 2 per thread.
#pragma unroll
    for (int p = 0; p < 2; ++p) {
      const int chunk = tid + p * kHgThreads;
      const int k = chunk / 16;
      const int col = (chunk % 16) * 8;
      const int gk = k0 + k;
      const int gc = col0 + col;
      __half* dst = &bs[k * kHgLdB + col];
      if (vec && gk < n && gc < n) {
        *reinterpret_cast<uint4*>(dst) = *reinterpret_cast<const uint4*>(&b[static_cast<size_t>(gk) * n + gc]);
      } else {
#pragma unroll
        for (int e = 0; e < 8; ++e) dst[e] = (gk < n && gc + e < n) ? b[static_cast<size_t>(gk) * n + gc + e] : zero;
      }
    }
    __syncthreads();

#pragma unroll
    for (int kk = 0; kk < kHgBK; kk += 16) {
      wmma::fragment<wmma::matrix_a, 16, 16, 16, __half, wmma::row_major> af[4];
      wmma::fragment<wmma::matrix_b, 16, 16, 16, __half, wmma::row_major> bf[2];
#pragma unroll
      for (int i = 0; i < 4; ++i) wmma::load_matrix_sync(af[i], &as[(wm * 64 + i * 16) * kHgLdA + kk], kHgLdA);
#pragma unroll
      for (int j = 0; j < 2; ++j) wmma::load_matrix_sync(bf[j], &bs[kk * kHgLdB + wn * 32 + j * 16], kHgLdB);
#pragma unroll
      for (int i = 0; i < 4; ++i) {
#pragma unroll
        for (int j = 0; j < 2; ++j) wmma::mma_sync(acc[i][j], af[i], bf[j], acc[i][j]);
      }
    }
    __syncthreads();
  }

#pragma unroll
  for (int i = 0; i < 4; ++i) {
#pragma unroll
    for (int j = 0; j < 2; ++j) {
      const int r = row0 + wm * 64 + i * 16;
      const int col = col0 + wn * 32 + j * 16;
      if (r >= n || col >= n) continue;  // warp-uniform
      if (n % 4 == 0 && r + 16 <= n && col + 16 <= n) {
        wmma::store_matrix_sync(&c[static_cast<size_t>(r) * n + col], acc[i][j], n, wmma::mem_row_major);
      } else {
        wmma::store_matrix_sync(scratch[warp], acc[i][j], 16, wmma::mem_row_major);
        __syncwarp();
        for (int e = lane; e < 256; e += 32) {
          const int rr = r + e / 16;
          const int cc = col + e % 16;
          if (rr < n && cc < n) c[static_cast<size_t>(rr) * n + cc] = scratch[warp][e];
        }
        __syncwarp();
      }
    }
  }
}

// ------------------------------------------------------------------------------------------------------
// Triad a = b + s*c, float4 per thread, grid-stride.

__global__ void triad_kernel(float4* __restrict__ a, const float4* __restrict__ b, const float4* __restrict__ c, float s,
                             size_t count4) {
  for (size_t i = blockIdx.x * static_cast<size_t>(blockDim.x) + threadIdx.x; i < count4;
       i += static_cast<size_t>(gridDim.x) * blockDim.x) {
    const float4 bv = b[i];
    const float4 cv = c[i];
    a[i] = make_float4(bv.x + s * cv.x, bv.y + s * cv.y, bv.z + s * cv.z, bv.w + s * cv.w);
  }
}

// ------------------------------------------------------------------------------------------------------
// Exact integer reductions.

__device__ __forceinline__ unsigned long long warp_sum(unsigned long long v) {
#pragma unroll
  for (int offset = 16; offset > 0; offset /= 2) v += __shfl_down_sync(0xffffffffu, v, offset);
  return v;
}

__device__ __forceinline__ long long warp_sum(long long v) {
#pragma unroll
  for (int offset = 16; offset > 0; offset /= 2) v += __shfl_down_sync(0xffffffffu, v, offset);
  return v;
}

__global__ void weighted_checksum_kernel(const float* __restrict__ values, size_t count, unsigned long long* sum) {
  unsigned long long local = 0;
  for (size_t i = blockIdx.x * static_cast<size_t>(blockDim.x) + threadIdx.x; i < count;
       i += static_cast<size_t>(gridDim.x) * blockDim.x) {
    const long long x = static_cast<long long>(values[i]);
    local += static_cast<unsigned long long>(x) * static_cast<unsigned long long>(i + 1);
  }
  local = warp_sum(local);
  if (threadIdx.x % 32 == 0) atomicAdd(sum, local);
}

__global__ void count_mismatches_kernel(const float* __restrict__ x, const float* __restrict__ y, size_t count,
                                        unsigned long long* mismatches) {
  unsigned long long local = 0;
  for (size_t i = blockIdx.x * static_cast<size_t>(blockDim.x) + threadIdx.x; i < count;
       i += static_cast<size_t>(gridDim.x) * blockDim.x) {
    local += (__float_as_uint(x[i]) != __float_as_uint(y[i])) ? 1ull : 0ull;
  }
  local = warp_sum(local);
  if (threadIdx.x % 32 == 0) atomicAdd(mismatches, local);
}

__global__ void matvec_i64_kernel(int n, const float* __restrict__ m, const long long* __restrict__ x, long long* __restrict__ y) {
  const int row = blockIdx.x * (blockDim.x / 32) + threadIdx.x / 32;
  const int lane = threadIdx.x % 32;
  if (row >= n) return;  // whole warps only
  long long sum = 0;
  const float* m_row = m + static_cast<size_t>(row) * n;
  for (int j = lane; j < n; j += 32) sum += static_cast<long long>(m_row[j]) * x[j];
  sum = warp_sum(sum);
  if (lane == 0) y[row] = sum;
}

__global__ void sign_to_i64_kernel(const int8_t* r, long long* out, int n) {
  const int j = blockIdx.x * blockDim.x + threadIdx.x;
  if (j < n) out[j] = r[j];
}

}  // namespace

// ---- launchers ----

void launch_fill_f32(float* out, uint32_t count, uint32_t stream, PhiloxKey key) {
  fill_kernel<float><<<grid_for((count + 3) / 4), kBlock>>>(out, count, stream, key);
}

void launch_fill_f16(__half* out, uint32_t count, uint32_t stream, PhiloxKey key) {
  fill_kernel<__half><<<grid_for((count + 3) / 4), kBlock>>>(out, count, stream, key);
}

void launch_fill_sign(int8_t* out, uint32_t count, uint32_t stream, PhiloxKey key) {
  fill_sign_kernel<<<grid_for(count), kBlock>>>(out, count, stream, key);
}

void launch_philox_kat(uint32_t* out) {
  KatArgs args{};
  for (int i = 0; i < kPhiloxKatCount; ++i) {
    for (int w = 0; w < 4; ++w) args.ctr[i][w] = kPhiloxKats[i].ctr[w];
    for (int w = 0; w < 2; ++w) args.key[i][w] = kPhiloxKats[i].key[w];
  }
  philox_kat_kernel<<<1, 32>>>(args, out);
}

void launch_fma(float* out, int blocks, int iterations, float a, float b) {
  fma_kernel<<<blocks, kFmaThreads>>>(out, iterations, a, b);
}

void launch_sgemm(int n, const float* a, const float* b, float* c) {
  const dim3 grid((n + kSgBN - 1) / kSgBN, (n + kSgBM - 1) / kSgBM);
  sgemm_kernel<<<grid, kSgThreads>>>(n, a, b, c);
}

void launch_hgemm(int n, const __half* a, const __half* b, float* c) {
  const dim3 grid((n + kHgBN - 1) / kHgBN, (n + kHgBM - 1) / kHgBM);
  hgemm_kernel<<<grid, kHgThreads>>>(n, a, b, c);
}

void launch_triad(float* a, const float* b, const float* c, float s, size_t count, int blocks) {
  triad_kernel<<<blocks, kBlock>>>(reinterpret_cast<float4*>(a), reinterpret_cast<const float4*>(b),
                                   reinterpret_cast<const float4*>(c), s, count / 4);
}

void launch_weighted_checksum(const float* values, size_t count, unsigned long long* sum) {
  weighted_checksum_kernel<<<grid_for(count, kBlock, 4096), kBlock>>>(values, count, sum);
}

void launch_count_mismatches(const float* x, const float* y, size_t count, unsigned long long* mismatches) {
  count_mismatches_kernel<<<grid_for(count, kBlock, 4096), kBlock>>>(x, y, count, mismatches);
}

void launch_matvec_i64(int n, const float* m, const long long* x, long long* y) {
  constexpr int warps_per_block = kBlock / 32;
  matvec_i64_kernel<<<(n + warps_per_block - 1) / warps_per_block, kBlock>>>(n, m, x, y);
}

void launch_sign_to_i64(const int8_t* r, long long* out, int n) {
  sign_to_i64_kernel<<<grid_for(static_cast<size_t>(n)), kBlock>>>(r, out, n);
}

}  // namespace oh
