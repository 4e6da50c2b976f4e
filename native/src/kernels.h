// The CUDA kernels and their launchers. Host code sees plain pointers; only kernels.cu includes device code.
#pragma once

#include <cstddef>
#include <cstdint>

#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include "inputs.h"

namespace oh {

// ---- seeded inputs (the same stream_block() the CPU reference uses) ----
void launch_fill_f32(float* out, uint32_t count, uint32_t stream, PhiloxKey key);
void launch_fill_f16(__half* out, uint32_t count, uint32_t stream, PhiloxKey key);
// r[j] = +1 or -1 from `stream` (the self-check's random vector).
void launch_fill_sign(int8_t* out, uint32_t count, uint32_t stream, PhiloxKey key);
// Device Philox on the known-answer inputs: out[4*i + w] for KAT i.
void launch_philox_kat(uint32_t* out);

// ---- FP32 FMA peak ----
constexpr int kFmaThreads = 256;
constexpr int kFmaChains = 8;    // independent FMA chains per thread (ILP)
constexpr int kFmaUnroll = 64;   // FMAs per chain per loop iteration
// FLOPs of one launch: blocks * threads * iterations * unroll * chains * 2.
void launch_fma(float* out, int blocks, int iterations, float a, float b);
// How many blocks of the FMA / triad kernel one SM holds at once (occupancy API; 1 if it cannot tell).
int fma_blocks_per_sm();
int triad_blocks_per_sm();

// ---- SGEMM: 128x128 block tiles, 256 threads, 8x8 outputs per thread; sm_80+: warp tiles and a 4-stage
// cp.async pipeline (gemm80_tiles.h), sm_75: register double buffering (gemm_tiles.h) ----
void launch_sgemm(int n, const float* a, const float* b, float* c);

// ---- HGEMM: tensor cores, FP16 in, FP32 accumulate; 128x128 block tiles, 8 warps of 64x32; sm_80+:
// mma.sync m16n8k16 + ldmatrix from swizzled tiles, 3-stage cp.async (gemm80_tiles.h), sm_75: WMMA ----
void launch_hgemm(int n, const __half* a, const __half* b, float* c);

// ---- triad a = b + s*c, 4 float4s per thread per grid-stride step; `count` is a multiple of 4 ----
void launch_triad(float* a, const float* b, const float* c, float s, size_t count, int blocks);

// ---- reductions for checksums and self-checks (results accumulate into device counters) ----
void launch_weighted_checksum(const float* values, size_t count, unsigned long long* sum);
void launch_count_mismatches(const float* x, const float* y, size_t count, unsigned long long* mismatches);
// y = M * x (n x n float matrix of exact integers, int64 vector), one warp per row; exact.
void launch_matvec_i64(int n, const float* m, const long long* x, long long* y);
void launch_sign_to_i64(const int8_t* r, long long* out, int n);

}  // namespace oh
