// The triad's per-thread body, shared by the CUDA kernel (kernels.cu) and the host replay (kernel_sim.cpp).
//
// a = b + s*c over float4s. The grid is sized to the device (SM count x resident blocks per SM), so it is one
// full wave, and each thread walks the array with a grid stride, handling kTriadVecs float4s per step: its
// i-th float4 of a step is base + i * threads, so every load and store instruction of a warp is coalesced and
// kTriadVecs independent 16-byte loads per operand are in flight per thread. The tail (count4 not a multiple
// of kTriadVecs x threads) is bounds-checked per float4.
#pragma once

#include <cstddef>

#include <vector_types.h>

#include "gemm_tiles.h"  // OH_TILE, OH_UNROLL

namespace oh {

constexpr int kTriadVecs = 4;

OH_TILE void triad_thread(size_t thread, size_t threads, float4* __restrict__ a, const float4* __restrict__ b,
                          const float4* __restrict__ c, float s, size_t count4) {
  for (size_t base = thread; base < count4; base += threads * kTriadVecs) {
    float4 bv[kTriadVecs] = {};  // only read where loaded; zero keeps host compilers quiet
    float4 cv[kTriadVecs] = {};
    OH_UNROLL
    for (int v = 0; v < kTriadVecs; ++v) {
      const size_t i = base + v * threads;
      if (i < count4) {
        bv[v] = b[i];
        cv[v] = c[i];
      }
    }
    OH_UNROLL
    for (int v = 0; v < kTriadVecs; ++v) {
      const size_t i = base + v * threads;
      if (i < count4) a[i] = float4{bv[v].x + s * cv[v].x, bv[v].y + s * cv[v].y, bv[v].z + s * cv[v].z, bv[v].w + s * cv[v].w};
    }
  }
}

}  // namespace oh
