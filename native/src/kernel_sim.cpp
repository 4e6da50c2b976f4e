// offhours-kernel-sim: replays the SGEMM and HGEMM kernels' tile code (gemm_tiles.h, the same source the
// CUDA kernels compile) on the CPU, thread by thread and warp by warp between the barriers, over the whole
// launch grid, and checks C against the CPU reference bit for bit. The WMMA fragment operations are
// replaced by plain 16x16 matrix code that asserts the same pointer-alignment and leading-dimension rules
// the hardware requires. Prints one JSON document; exit 0 when every case matches.
//
// usage: offhours-kernel-sim [--seed HEX16] [--n N]...   (default: a set of sizes on and off the tile grid)
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#if defined(_WIN32)
#include <malloc.h>
#endif
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "cpu_reference.h"
#include "gemm_tiles.h"
#include "json.h"
#include "options.h"

namespace {

using namespace oh;

void require(bool condition, const char* what) {
  if (!condition) throw std::runtime_error(what);
}

bool aligned(const void* p, uintptr_t bytes) { return reinterpret_cast<uintptr_t>(p) % bytes == 0; }

// What wmma::load_matrix_sync / mma_sync / store_matrix_sync compute, with their documented requirements:
// the pointer 256-bit (32-byte) aligned, ldm a multiple of 8 for __half and of 4 for float.
struct HostMmaOps {
  struct A {
    float v[16][16];
  };
  struct B {
    float v[16][16];
  };
  struct Acc {
    float v[16][16];
  };
  static void load_a(A& f, const __half* p, unsigned ldm) {
    require(aligned(p, 32), "matrix_a pointer not 32-byte aligned");
    require(ldm % 8 == 0, "matrix_a ldm not a multiple of 8");
    for (int r = 0; r < 16; ++r)
      for (int k = 0; k < 16; ++k) f.v[r][k] = __half2float(p[r * ldm + k]);
  }
  static void load_b(B& f, const __half* p, unsigned ldm) {
    require(aligned(p, 32), "matrix_b pointer not 32-byte aligned");
    require(ldm % 8 == 0, "matrix_b ldm not a multiple of 8");
    for (int k = 0; k < 16; ++k)
      for (int c = 0; c < 16; ++c) f.v[k][c] = __half2float(p[k * ldm + c]);
  }
  static void mma(Acc& d, const A& a, const B& b) {
    for (int r = 0; r < 16; ++r)
      for (int c = 0; c < 16; ++c) {
        float sum = d.v[r][c];
        for (int k = 0; k < 16; ++k) sum += a.v[r][k] * b.v[k][c];
        d.v[r][c] = sum;
      }
  }
  static void store(float* p, const Acc& f, unsigned ldm) {
    require(aligned(p, 32), "accumulator store pointer not 32-byte aligned");
    require(ldm % 4 == 0, "accumulator store ldm not a multiple of 4");
    for (int r = 0; r < 16; ++r)
      for (int c = 0; c < 16; ++c) p[r * ldm + c] = f.v[r][c];
  }
  static void sync_warp() {}
};

// Device-like allocation: 256-byte aligned, like cudaMalloc.
void* alloc256(size_t bytes) {
  bytes = ((bytes + 255) / 256) * 256;
#if defined(_WIN32)
  return _aligned_malloc(bytes, 256);
#else
  return std::aligned_alloc(256, bytes);
#endif
}

void free256(void* p) {
#if defined(_WIN32)
  _aligned_free(p);
#else
  std::free(p);
#endif
}

template <typename T>
struct Aligned {
  explicit Aligned(size_t count) : ptr(static_cast<T*>(alloc256(count * sizeof(T)))) { require(ptr != nullptr, "out of memory"); }
  ~Aligned() { free256(ptr); }
  Aligned(const Aligned&) = delete;
  Aligned& operator=(const Aligned&) = delete;
  T* ptr;
};

// The SGEMM launch: every block, every thread, barrier by barrier.
void simulate_sgemm(int n, const float* a, const float* b, float* c) {
  using namespace gemm;
  auto sh = std::make_unique<SgemmShared>();
  std::vector<float> acc(static_cast<size_t>(kSgThreads) * 64);
  std::vector<SgemmFetch> fetched(kSgThreads);
  for (int by = 0; by < (n + kSgBM - 1) / kSgBM; ++by) {
    for (int bx = 0; bx < (n + kSgBN - 1) / kSgBN; ++bx) {
      const int row0 = by * kSgBM;
      const int col0 = bx * kSgBN;
      std::fill(acc.begin(), acc.end(), 0.f);
      // The kernel's pipeline, phase by phase (each phase for every thread before the next: one valid
      // interleaving; the double buffer makes every interleaving between barriers equivalent).
      for (int tid = 0; tid < kSgThreads; ++tid) sgemm_stage(tid, sgemm_fetch(tid, n, row0, col0, 0, a, b), 0, *sh);
      int buf = 0;
      for (int k0 = 0; k0 < n; k0 += kSgBK) {
        const bool more = k0 + kSgBK < n;
        if (more)
          for (int tid = 0; tid < kSgThreads; ++tid) fetched[tid] = sgemm_fetch(tid, n, row0, col0, k0 + kSgBK, a, b);
        for (int tid = 0; tid < kSgThreads; ++tid) sgemm_accumulate(tid, *sh, buf, *reinterpret_cast<float(*)[8][8]>(&acc[tid * 64]));
        if (more)
          for (int tid = 0; tid < kSgThreads; ++tid) sgemm_stage(tid, fetched[tid], buf ^ 1, *sh);
        buf ^= 1;
      }
      for (int tid = 0; tid < kSgThreads; ++tid) sgemm_store(tid, n, row0, col0, *reinterpret_cast<const float(*)[8][8]>(&acc[tid * 64]), c);
    }
  }
}

// The HGEMM launch: every block; loads per thread, fragment work per warp.
void simulate_hgemm(int n, const __half* a, const __half* b, float* c) {
  using namespace gemm;
  auto sh = std::make_unique<HgemmShared>();
  using Acc = HostMmaOps::Acc;
  std::vector<Acc> acc(static_cast<size_t>(kHgWarps) * 8);
  std::vector<HgemmFetch> fetched(kHgThreads);
  for (int by = 0; by < (n + kHgBM - 1) / kHgBM; ++by) {
    for (int bx = 0; bx < (n + kHgBN - 1) / kHgBN; ++bx) {
      const int row0 = by * kHgBM;
      const int col0 = bx * kHgBN;
      for (Acc& f : acc) f = Acc{};
      for (int tid = 0; tid < kHgThreads; ++tid) hgemm_stage(tid, hgemm_fetch(tid, n, row0, col0, 0, a, b), 0, *sh);
      int buf = 0;
      for (int k0 = 0; k0 < n; k0 += kHgBK) {
        const bool more = k0 + kHgBK < n;
        if (more)
          for (int tid = 0; tid < kHgThreads; ++tid) fetched[tid] = hgemm_fetch(tid, n, row0, col0, k0 + kHgBK, a, b);
        for (int warp = 0; warp < kHgWarps; ++warp)
          hgemm_accumulate<HostMmaOps>(warp, *sh, buf, *reinterpret_cast<Acc(*)[4][2]>(&acc[warp * 8]));
        if (more)
          for (int tid = 0; tid < kHgThreads; ++tid) hgemm_stage(tid, fetched[tid], buf ^ 1, *sh);
        buf ^= 1;
      }
      for (int warp = 0; warp < kHgWarps; ++warp)
        hgemm_store<HostMmaOps>(warp, 0, 1, n, row0, col0, *reinterpret_cast<const Acc(*)[4][2]>(&acc[warp * 8]), *sh, c);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::string seed = "0123456789abcdef";
  std::vector<int> sizes;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--seed" && i + 1 < argc) seed = argv[++i];
    else if (arg == "--n" && i + 1 < argc) sizes.push_back(std::atoi(argv[++i]));
    else {
      std::fprintf(stderr, "usage: offhours-kernel-sim [--seed HEX16] [--n N]...\n");
      return 2;
    }
  }
  // On and off the tile grid: n % 4 != 0 (scalar paths), n % 8 == 4 (HGEMM scalar loads, direct stores),
  // several blocks, partial edge blocks.
  if (sizes.empty()) sizes = {1, 5, 16, 33, 64, 100, 128, 129, 132, 200, 256, 260};
  PhiloxKey key{};
  if (!parse_seed(seed, key)) {
    std::fprintf(stderr, "--seed must be 16 lowercase hex digits\n");
    return 2;
  }

  JsonWriter json;
  json.begin_object();
  bool all_ok = true;
  json.key("seed").value(seed);
  json.key("cases").begin_array();
  try {
    for (const int n : sizes) {
      require(n >= 1 && n <= 1024, "--n must be from 1 to 1024");
      const size_t nn = static_cast<size_t>(n) * n;
      Aligned<float> a(nn), b(nn), c_sgemm(nn), c_hgemm(nn);
      Aligned<__half> ah(nn), bh(nn);
      fill_stream(key, kStreamA, static_cast<int64_t>(nn), a.ptr);
      fill_stream(key, kStreamB, static_cast<int64_t>(nn), b.ptr);
      for (size_t i = 0; i < nn; ++i) {
        ah.ptr[i] = __float2half(a.ptr[i]);
        bh.ptr[i] = __float2half(b.ptr[i]);
      }
      // Poison C so an element the kernels never write is caught.
      for (size_t i = 0; i < nn; ++i) c_sgemm.ptr[i] = c_hgemm.ptr[i] = -12345.f;
      simulate_sgemm(n, a.ptr, b.ptr, c_sgemm.ptr);
      simulate_hgemm(n, ah.ptr, bh.ptr, c_hgemm.ptr);
      const std::vector<float> reference = cpu_gemm(key, n);
      size_t sgemm_bad = 0, hgemm_bad = 0;
      for (size_t i = 0; i < nn; ++i) {
        sgemm_bad += c_sgemm.ptr[i] != reference[i];
        hgemm_bad += c_hgemm.ptr[i] != reference[i];
      }
      all_ok = all_ok && sgemm_bad == 0 && hgemm_bad == 0;
      json.begin_object();
      json.key("n").value(n);
      json.key("sgemmMismatches").value(static_cast<uint64_t>(sgemm_bad));
      json.key("hgemmMismatches").value(static_cast<uint64_t>(hgemm_bad));
      json.end_object();
    }
  } catch (const std::exception& error) {
    all_ok = false;
    json.end_array();
    json.key("error").value(error.what());
    json.key("ok").value(false);
    json.end_object();
    std::printf("%s\n", json.str().c_str());
    return 1;
  }
  json.end_array();
  json.key("ok").value(all_ok);
  json.end_object();
  std::printf("%s\n", json.str().c_str());
  return all_ok ? 0 : 1;
}
