// CUDA kernels: seeded input generation, FP32 FMA peak, tiled SGEMM (warp-tiled with a cp.async pipeline on
// sm_80+), HGEMM (mma.sync + ldmatrix on sm_80+, WMMA on sm_75), float4 triad, and the exact integer
// reductions used for checksums and the on-device self-check.
#include "kernels.h"

#include <mma.h>

#include <algorithm>

#include "gemm80_tiles.h"
#include "gemm_tiles.h"
#include "launch_plan.h"
#include "philox_kat.h"
#include "stream_tiles.h"

namespace oh {

static_assert(gemm::kSgBM == kGemmTile && gemm::kSgBN == kGemmTile && gemm::kHgBM == kGemmTile && gemm::kHgBN == kGemmTile,
              "launch_plan.cpp sizes the GEMM grid with kGemmTile");

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
// SGEMM and HGEMM: the phases live in gemm_tiles.h (shared with the host simulator); here they are put
// between the barriers.

#if !defined(__CUDA_ARCH__) || __CUDA_ARCH__ < 800
// sm_75: the register double-buffered pipeline of gemm_tiles.h.
__device__ __forceinline__ void sgemm_block_sm75(int n, const float* __restrict__ a, const float* __restrict__ b, float* __restrict__ c) {
  __shared__ gemm::SgemmShared sh;
  const int tid = threadIdx.x;
  const int row0 = blockIdx.y * gemm::kSgBM;
  const int col0 = blockIdx.x * gemm::kSgBN;
  float acc[8][8];
#pragma unroll
  for (int i = 0; i < 8; ++i) {
#pragma unroll
    for (int j = 0; j < 8; ++j) acc[i][j] = 0.f;
  }
  // Pipeline: fetch slice s+1 into registers, compute slice s, stage s+1 into the other buffer, barrier.
  gemm::sgemm_stage(tid, gemm::sgemm_fetch(tid, n, row0, col0, 0, a, b), 0, sh);
  __syncthreads();
  int buf = 0;
  for (int k0 = 0; k0 < n; k0 += gemm::kSgBK) {
    const bool more = k0 + gemm::kSgBK < n;
    gemm::SgemmFetch next;
    if (more) next = gemm::sgemm_fetch(tid, n, row0, col0, k0 + gemm::kSgBK, a, b);
    gemm::sgemm_accumulate(tid, sh, buf, acc);
    if (more) gemm::sgemm_stage(tid, next, buf ^ 1, sh);
    __syncthreads();
    buf ^= 1;
  }
  gemm::sgemm_store(tid, n, row0, col0, acc, c);
}
#endif

#if !defined(__CUDA_ARCH__) || __CUDA_ARCH__ >= 800
// cp.async (sm_80+): global -> shared without registers; src_size 0 zero-fills the destination.
struct CpAsync {
  static __device__ __forceinline__ unsigned smem(const void* p) { return static_cast<unsigned>(__cvta_generic_to_shared(p)); }
  __device__ __forceinline__ void copy4(int, void* dst, const void* src, bool valid) {
    asm volatile("cp.async.ca.shared.global [%0], [%1], 4, %2;\n" ::"r"(smem(dst)), "l"(src), "r"(valid ? 4 : 0) : "memory");
  }
  __device__ __forceinline__ void copy16(int, void* dst, const void* src, bool valid) {
    asm volatile("cp.async.cg.shared.global [%0], [%1], 16, %2;\n" ::"r"(smem(dst)), "l"(src), "r"(valid ? 16 : 0) : "memory");
  }
  __device__ __forceinline__ void commit(int) { asm volatile("cp.async.commit_group;\n" ::: "memory"); }
  template <int kPending>
  __device__ __forceinline__ void wait(int) {
    asm volatile("cp.async.wait_group %0;\n" ::"n"(kPending) : "memory");  // orders the shared reads after it
  }
};

// sm_80+: warp-tiled, kSg80Stages-deep cp.async pipeline (gemm80_tiles.h), one barrier per K slice.
__device__ __forceinline__ void sgemm_block_sm80(int n, const float* __restrict__ a, const float* __restrict__ b, float* __restrict__ c) {
  __shared__ gemm::Sgemm80Shared sh;
  constexpr int kStages = gemm::kSg80Stages;
  CpAsync async;
  const int tid = threadIdx.x;
  const int row0 = blockIdx.y * gemm::kSgBM;
  const int col0 = blockIdx.x * gemm::kSgBN;
  const int slices = (n + gemm::kSg80BK - 1) / gemm::kSg80BK;
  float acc[8][8];
#pragma unroll
  for (int i = 0; i < 8; ++i) {
#pragma unroll
    for (int j = 0; j < 8; ++j) acc[i][j] = 0.f;
  }
  for (int s = 0; s < kStages - 1; ++s) {
    if (s < slices) gemm::sgemm80_load(async, tid, n, row0, col0, s * gemm::kSg80BK, a, b, sh.stage[s]);
    async.commit(tid);
  }
  for (int kt = 0; kt < slices; ++kt) {
    async.wait<kStages - 2>(tid);
    __syncthreads();  // slice kt landed for every thread; slice kt - 1's stage is free again
    const int next = kt + kStages - 1;
    if (next < slices) gemm::sgemm80_load(async, tid, n, row0, col0, next * gemm::kSg80BK, a, b, sh.stage[next % kStages]);
    async.commit(tid);
    gemm::sgemm80_compute(tid, sh.stage[kt % kStages], acc);
  }
  gemm::sgemm80_store(tid, n, row0, col0, acc, c);
}

// One lane's view of the warp-level operations of gemm80_tiles.h's HGEMM.
struct MmaWarp {
  using U32 = unsigned;
  using F32 = float;
  int lane;
  template <class F>
  __device__ __forceinline__ const __half* lanes(F address) const { return address(lane); }
  template <class F>
  __device__ __forceinline__ void each_lane(F body) const { body(lane); }
  static __device__ __forceinline__ float at(float v, int) { return v; }
  __device__ __forceinline__ void ldmatrix_x4(unsigned (&r)[4], const __half* p) const {
    asm volatile("ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%0,%1,%2,%3}, [%4];\n"
                 : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3])
                 : "r"(CpAsync::smem(p)));
  }
  __device__ __forceinline__ void ldmatrix_x4_trans(unsigned (&r)[4], const __half* p) const {
    asm volatile("ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16 {%0,%1,%2,%3}, [%4];\n"
                 : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3])
                 : "r"(CpAsync::smem(p)));
  }
  __device__ __forceinline__ void mma(float (&d)[4], const unsigned (&a)[4], const unsigned (&b)[2]) const {
    asm volatile("mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};\n"
                 : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
                 : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
  }
};

// sm_80+: mma.sync m16n8k16 from swizzled shared tiles via ldmatrix, kHg80Stages-deep cp.async pipeline.
__device__ __forceinline__ void hgemm_block_sm80(int n, const __half* __restrict__ a, const __half* __restrict__ b, float* __restrict__ c) {
  __shared__ gemm::Hgemm80Shared sh;
  constexpr int kStages = gemm::kHg80Stages;
  CpAsync async;
  const int tid = threadIdx.x;
  MmaWarp w{static_cast<int>(tid % 32)};
  const int warp = tid / 32;
  const int row0 = blockIdx.y * gemm::kHgBM;
  const int col0 = blockIdx.x * gemm::kHgBN;
  const int slices = (n + gemm::kHg80BK - 1) / gemm::kHg80BK;
  float acc[4][4][4];
#pragma unroll
  for (int i = 0; i < 4; ++i) {
#pragma unroll
    for (int j = 0; j < 4; ++j) {
#pragma unroll
      for (int e = 0; e < 4; ++e) acc[i][j][e] = 0.f;
    }
  }
  for (int s = 0; s < kStages - 1; ++s) {
    if (s < slices) gemm::hgemm80_load(async, tid, n, row0, col0, s * gemm::kHg80BK, a, b, sh.stage[s]);
    async.commit(tid);
  }
  for (int kt = 0; kt < slices; ++kt) {
    async.wait<kStages - 2>(tid);
    __syncthreads();
    const int next = kt + kStages - 1;
    if (next < slices) gemm::hgemm80_load(async, tid, n, row0, col0, next * gemm::kHg80BK, a, b, sh.stage[next % kStages]);
    async.commit(tid);
    gemm::hgemm80_compute(w, warp, sh.stage[kt % kStages], acc);
  }
  gemm::hgemm80_store(w, warp, n, row0, col0, acc, c);
}
#endif

// One kernel per GEMM; the device code picks the path for the architecture it is compiled for.
__global__ void __launch_bounds__(gemm::kSgThreads, 2)
    sgemm_kernel(int n, const float* __restrict__ a, const float* __restrict__ b, float* __restrict__ c) {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 800
  sgemm_block_sm80(n, a, b, c);
#else
  sgemm_block_sm75(n, a, b, c);
#endif
}

#if !defined(__CUDA_ARCH__) || __CUDA_ARCH__ < 800
// Fragment operations on the tensor cores.
struct WmmaOps {
  using A = nvcuda::wmma::fragment<nvcuda::wmma::matrix_a, 16, 16, 16, __half, nvcuda::wmma::row_major>;
  using B = nvcuda::wmma::fragment<nvcuda::wmma::matrix_b, 16, 16, 16, __half, nvcuda::wmma::row_major>;
  using Acc = nvcuda::wmma::fragment<nvcuda::wmma::accumulator, 16, 16, 16, float>;
  static __device__ __forceinline__ void load_a(A& f, const __half* p, unsigned ldm) { nvcuda::wmma::load_matrix_sync(f, p, ldm); }
  static __device__ __forceinline__ void load_b(B& f, const __half* p, unsigned ldm) { nvcuda::wmma::load_matrix_sync(f, p, ldm); }
  static __device__ __forceinline__ void mma(Acc& d, const A& a, const B& b) { nvcuda::wmma::mma_sync(d, a, b, d); }
  static __device__ __forceinline__ void store(float* p, const Acc& f, unsigned ldm) {
    nvcuda::wmma::store_matrix_sync(p, f, ldm, nvcuda::wmma::mem_row_major);
  }
  static __device__ __forceinline__ void sync_warp() { __syncwarp(); }
};

// sm_75: WMMA 16x16x16 from padded double-buffered tiles (gemm_tiles.h).
__device__ __forceinline__ void hgemm_block_sm75(int n, const __half* __restrict__ a, const __half* __restrict__ b, float* __restrict__ c) {
  __shared__ gemm::HgemmShared sh;
  const int tid = threadIdx.x;
  const int warp = tid / 32;
  const int lane = tid % 32;
  const int row0 = blockIdx.y * gemm::kHgBM;
  const int col0 = blockIdx.x * gemm::kHgBN;
  WmmaOps::Acc acc[4][2];
#pragma unroll
  for (int i = 0; i < 4; ++i) {
#pragma unroll
    for (int j = 0; j < 2; ++j) nvcuda::wmma::fill_fragment(acc[i][j], 0.f);
  }
  gemm::hgemm_stage(tid, gemm::hgemm_fetch(tid, n, row0, col0, 0, a, b), 0, sh);
  __syncthreads();
  int buf = 0;
  for (int k0 = 0; k0 < n; k0 += gemm::kHgBK) {
    const bool more = k0 + gemm::kHgBK < n;
    gemm::HgemmFetch next;
    if (more) next = gemm::hgemm_fetch(tid, n, row0, col0, k0 + gemm::kHgBK, a, b);
    gemm::hgemm_accumulate<WmmaOps>(warp, sh, buf, acc);
    if (more) gemm::hgemm_stage(tid, next, buf ^ 1, sh);
    __syncthreads();
    buf ^= 1;
  }
  gemm::hgemm_store<WmmaOps>(warp, lane, 32, n, row0, col0, acc, sh, c);
}
#endif

__global__ void __launch_bounds__(gemm::kHgThreads)
    hgemm_kernel(int n, const __half* __restrict__ a, const __half* __restrict__ b, float* __restrict__ c) {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 800
  hgemm_block_sm80(n, a, b, c);
#else
  hgemm_block_sm75(n, a, b, c);
#endif
}

// ------------------------------------------------------------------------------------------------------
// Triad a = b + s*c: kTriadVecs float4s per thread per grid-stride step (stream_tiles.h).

__global__ void __launch_bounds__(kBlock) triad_kernel(float4* __restrict__ a, const float4* __restrict__ b,
                                                       const float4* __restrict__ c, float s, size_t count4) {
  triad_thread(blockIdx.x * static_cast<size_t>(blockDim.x) + threadIdx.x, static_cast<size_t>(gridDim.x) * blockDim.x, a, b, c, s, count4);
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

int resident_blocks_per_sm(const void* kernel, int threads) {
  int blocks = 0;
  if (cudaOccupancyMaxActiveBlocksPerMultiprocessor(&blocks, kernel, threads, 0) != cudaSuccess) {
    cudaGetLastError();  // clear it: the caller falls back to one block per SM
    return 1;
  }
  return std::max(1, blocks);
}

int fma_blocks_per_sm() { return resident_blocks_per_sm(reinterpret_cast<const void*>(fma_kernel), kFmaThreads); }

int triad_blocks_per_sm() { return resident_blocks_per_sm(reinterpret_cast<const void*>(triad_kernel), kBlock); }

void launch_fma(float* out, int blocks, int iterations, float a, float b) {
  fma_kernel<<<blocks, kFmaThreads>>>(out, iterations, a, b);
}

void launch_sgemm(int n, const float* a, const float* b, float* c) {
  const dim3 grid((n + gemm::kSgBN - 1) / gemm::kSgBN, (n + gemm::kSgBM - 1) / gemm::kSgBM);
  sgemm_kernel<<<grid, gemm::kSgThreads>>>(n, a, b, c);
}

void launch_hgemm(int n, const __half* a, const __half* b, float* c) {
  const dim3 grid((n + gemm::kHgBN - 1) / gemm::kHgBN, (n + gemm::kHgBM - 1) / gemm::kHgBM);
  hgemm_kernel<<<grid, gemm::kHgThreads>>>(n, a, b, c);
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
