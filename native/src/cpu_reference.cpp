#include "cpu_reference.h"

#include <algorithm>
#include <cstdio>

#include "philox_kat.h"
#include "result.h"

namespace oh {

namespace {

template <typename T>
void fill_stream_impl(PhiloxKey key, uint32_t stream, int64_t count, T* out) {
  int values[4];
  for (int64_t base = 0; base < count; base += 4) {
    stream_block(key, stream, static_cast<uint32_t>(base / 4), values);
    for (int lane = 0; lane < 4 && base + lane < count; ++lane) out[base + lane] = static_cast<T>(values[lane]);
  }
}

}  // namespace

void fill_stream(PhiloxKey key, uint32_t stream, int64_t count, float* out) { fill_stream_impl(key, stream, count, out); }
void fill_stream(PhiloxKey key, uint32_t stream, int64_t count, int8_t* out) { fill_stream_impl(key, stream, count, out); }

std::vector<float> cpu_gemm(PhiloxKey key, int n) {
  const int64_t count = static_cast<int64_t>(n) * n;
  std::vector<int8_t> a(count), b(count);
  fill_stream(key, kStreamA, count, a.data());
  fill_stream(key, kStreamB, count, b.data());
  std::vector<float> c(count);
  std::vector<int32_t> row(n);
  // i-k-j order so the inner loop streams through a row of B; integer sums are exact.
  for (int i = 0; i < n; ++i) {
    std::fill(row.begin(), row.end(), 0);
    const int8_t* a_row = &a[static_cast<int64_t>(i) * n];
    for (int k = 0; k < n; ++k) {
      const int32_t aik = a_row[k];
      if (aik == 0) continue;
      const int8_t* b_row = &b[static_cast<int64_t>(k) * n];
      for (int j = 0; j < n; ++j) row[j] += aik * b_row[j];
    }
    float* c_row = &c[static_cast<int64_t>(i) * n];
    for (int j = 0; j < n; ++j) c_row[j] = static_cast<float>(row[j]);
  }
  return c;
}

uint64_t cpu_triad_checksum(PhiloxKey key, int64_t elements) {
  Checksum sum;
  int b[4], c[4];
  for (int64_t base = 0; base < elements; base += 4) {
    const uint32_t block = static_cast<uint32_t>(base / 4);
    stream_block(key, kStreamTriadB, block, b);
    stream_block(key, kStreamTriadC, block, c);
    for (int lane = 0; lane < 4 && base + lane < elements; ++lane) {
      // The same float expression the GPU evaluates (exact: small integers).
      const float a = static_cast<float>(b[lane]) + kTriadScalar * static_cast<float>(c[lane]);
      sum.add(static_cast<int64_t>(a), static_cast<uint64_t>(base + lane));
    }
  }
  return sum.value;
}

uint64_t weighted_checksum(const float* values, int64_t count) {
  Checksum sum;
  for (int64_t i = 0; i < count; ++i) sum.add(static_cast<int64_t>(values[i]), static_cast<uint64_t>(i));
  return sum.value;
}

KatReport host_philox_kat() {
  KatReport report;
  for (int i = 0; i < kPhiloxKatCount; ++i) {
    const PhiloxKat& kat = kPhiloxKats[i];
    const U32x4 got = philox4x32(kat.ctr[0], kat.ctr[1], kat.ctr[2], kat.ctr[3], kat.key[0], kat.key[1]);
    bool same = true;
    for (int w = 0; w < 4; ++w) same = same && got.v[w] == kat.expected[w];
    if (same) {
      ++report.passed;
    } else {
      ++report.failed;
      char buf[160];
      std::snprintf(buf, sizeof buf, "host KAT %d: got %08x %08x %08x %08x, expected %08x %08x %08x %08x", i, got.v[0], got.v[1],
                    got.v[2], got.v[3], kat.expected[0], kat.expected[1], kat.expected[2], kat.expected[3]);
      report.failures.emplace_back(buf);
    }
  }
  return report;
}

}  // namespace oh
