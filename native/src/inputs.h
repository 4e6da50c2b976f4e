// The seeded benchmark inputs, shared by the CUDA fill kernels and the CPU reference (one code path).
// Element e (row-major) of stream s is
//   word = philox4x32-10(ctr = (floor(e / 4), s, 0, 0), key = seed)[e % 4],   value = (word mod 17) - 8,
// an integer in [-8, 8]. With such inputs every product and partial sum of an n <= 16384 GEMM is an integer
// below 2^24, so FP32 accumulation is exact in any order and C is bit-identical on every device.
#pragma once

#include <cstdint>

#include "philox.h"

namespace oh {

// Stream ids (protocol/bench/inputs.ts).
constexpr uint32_t kStreamA = 1;
constexpr uint32_t kStreamB = 2;
constexpr uint32_t kStreamTriadB = 3;
constexpr uint32_t kStreamTriadC = 4;
// Our own stream for the on-device Freivalds self-check vector (not part of the cross-backend contract).
constexpr uint32_t kStreamSelfCheck = 0x5eed;

// The triad scalar: a = b + kTriadScalar * c. An integer, so every output is an exact integer in [-32, 32].
constexpr float kTriadScalar = 3.0f;

// Largest n for which C = A*B stays exact in FP32 (protocol's MAX_EXACT_N).
constexpr int kMaxExactN = 16384;

struct PhiloxKey {
  uint32_t k0;  // low 32 bits of the seed
  uint32_t k1;  // high 32 bits of the seed
};

// The four consecutive values of block `block` of a stream (elements 4*block .. 4*block+3).
OH_HD void stream_block(PhiloxKey key, uint32_t stream, uint32_t block, int out[4]) {
  const U32x4 words = philox4x32(block, stream, 0u, 0u, key.k0, key.k1);
  for (int lane = 0; lane < 4; ++lane) out[lane] = static_cast<int>(words.v[lane] % 17u) - 8;
}

// One element of a stream.
OH_HD int stream_value(PhiloxKey key, uint32_t stream, uint32_t element) {
  const U32x4 words = philox4x32(element >> 2, stream, 0u, 0u, key.k0, key.k1);
  return static_cast<int>(words.v[element & 3u] % 17u) - 8;
}

}  // namespace oh
