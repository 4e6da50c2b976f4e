// The CPU reference: the same seeded inputs (inputs.h, shared with the CUDA fill kernels) and the same
// outputs as the GPU kernels, computed exactly with integer arithmetic. For tests and small n.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "inputs.h"

namespace oh {

// out[0..count) = elements 0..count-1 of `stream`, as exact small integers.
void fill_stream(PhiloxKey key, uint32_t stream, int64_t count, float* out);
void fill_stream(PhiloxKey key, uint32_t stream, int64_t count, int8_t* out);

// C = A*B for the seed's A (stream 1) and B (stream 2), n x n row-major f32.
std::vector<float> cpu_gemm(PhiloxKey key, int n);

// Triad a = b + kTriadScalar * c over `elements` elements; returns the weighted checksum of a.
uint64_t cpu_triad_checksum(PhiloxKey key, int64_t elements);

// Weighted checksum (result.h) of exact-integer floats.
uint64_t weighted_checksum(const float* values, int64_t count);

struct KatReport {
  int passed = 0;
  int failed = 0;
  std::vector<std::string> failures;
};

// Checks the host Philox against Random123's known-answer vectors.
KatReport host_philox_kat();

}  // namespace oh
