// offhours-kernel-sim: replays the SGEMM and HGEMM kernels' tile code (gemm_tiles.h for sm_75,
// gemm80_tiles.h for sm_80+, the same source the CUDA kernels compile) and the triad's per-thread body
// (stream_tiles.h) on the CPU, thread by thread and warp by warp between the barriers, over the whole launch
// grid, and checks C and the triad against the CPU reference bit for bit. The WMMA fragment operations are
// replaced by plain 16x16 matrix code that asserts the same pointer-alignment and leading-dimension rules
// the hardware requires; cp.async by copies that land only when their thread waits for their group;
// ldmatrix and mma.sync by code that gathers and scatters the 32 lanes' registers in the PTX ISA's fragment
// layouts (and counts ldmatrix phases whose 8 rows hit fewer than 8 bank groups). Prints one JSON document;
// exit 0 when every case matches.
//
// usage: offhours-kernel-sim [--seed HEX16] [--n N]...   (default: a set of sizes on and off the tile grid)
#include <algorithm>
#include <array>
#include <cstring>
#include <deque>
#include <set>
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
#include "gemm80_tiles.h"
#include "gemm_tiles.h"
#include "json.h"
#include "stream_tiles.h"
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

// cp.async as the replay sees it: each thread's copies collect in its open group; commit closes the group;
// wait<N> lands the thread's oldest groups until at most N remain pending. Data read before its group landed
// is stale, so a pipeline that reads a stage too early computes a wrong C. Source size 0 zero-fills.
class HostAsync {
 public:
  explicit HostAsync(int threads) : open_(threads), pending_(threads) {}
  void copy4(int tid, void* dst, const void* src, bool valid) { copy(tid, dst, src, 4, valid); }
  void copy16(int tid, void* dst, const void* src, bool valid) { copy(tid, dst, src, 16, valid); }
  void commit(int tid) {
    pending_[tid].push_back(std::move(open_[tid]));
    open_[tid].clear();
  }
  template <int kPending>
  void wait(int tid) {
    while (pending_[tid].size() > static_cast<size_t>(kPending)) {
      for (const Copy& c : pending_[tid].front()) land(c);
      pending_[tid].pop_front();
    }
  }
  // At the end of a block nothing may still be in flight that carries data (empty groups are fine).
  void require_drained() const {
    for (size_t t = 0; t < open_.size(); ++t) {
      require(open_[t].empty(), "cp.async copies issued but never committed");
      for (const auto& group : pending_[t]) require(group.empty(), "cp.async group never waited for");
    }
  }

 private:
  struct Copy {
    void* dst;
    const void* src;
    int bytes;
    bool valid;
  };
  void copy(int tid, void* dst, const void* src, int bytes, bool valid) {
    require(aligned(dst, bytes), "cp.async destination not aligned to its size");
    require(aligned(src, bytes), "cp.async source not aligned to its size");
    open_[tid].push_back(Copy{dst, src, bytes, valid});
  }
  static void land(const Copy& c) {
    if (c.valid) std::memcpy(c.dst, c.src, c.bytes);
    else std::memset(c.dst, 0, c.bytes);
  }
  std::vector<std::vector<Copy>> open_;
  std::vector<std::deque<std::vector<Copy>>> pending_;
};

float half_at(uint32_t word, int which) {
  __half_raw raw;
  raw.x = static_cast<unsigned short>(which == 0 ? word & 0xffffu : word >> 16);
  return __half2float(__half(raw));
}

uint32_t pack_halves(const __half* p) {
  return static_cast<uint32_t>(static_cast<__half_raw>(p[0]).x) | (static_cast<uint32_t>(static_cast<__half_raw>(p[1]).x) << 16);
}

// The warp policy of gemm80_tiles.h for the replay: a register is 32 lanes' values; ldmatrix and mma.sync
// move data between lanes in the fragment layouts of the PTX ISA (lane = 4 * groupID + threadID_in_group).
struct HostWarp {
  using U32 = std::array<uint32_t, 32>;
  using F32 = std::array<float, 32>;
  using Addresses = std::array<const __half*, 32>;
  uint64_t conflict_phases = 0;  // ldmatrix 8-row phases that hit fewer than 8 distinct 16-byte bank groups

  template <class F>
  Addresses lanes(F address) const {
    Addresses out{};
    for (int lane = 0; lane < 32; ++lane) out[lane] = address(lane);
    return out;
  }
  template <class F>
  void each_lane(F body) const {
    for (int lane = 0; lane < 32; ++lane) body(lane);
  }
  static float at(const F32& v, int lane) { return v[lane]; }

  // Matrix j (0..3) takes its 8 rows from lanes 8j..8j+7; row r holds 8 halves at that lane's address.
  void ldmatrix_x4(U32 (&r)[4], const Addresses& p) { ldmatrix(r, p, false); }
  void ldmatrix_x4_trans(U32 (&r)[4], const Addresses& p) { ldmatrix(r, p, true); }

  // D (16x8) += A (16x16, row) * B (16x8, col): a0 (g, 2t..), a1 (g+8, 2t..), a2 (g, 8+2t..), a3 (g+8, 8+2t..);
  // b0 (k 2t.., n g), b1 (k 8+2t.., n g); c0,c1 (g, 2t..), c2,c3 (g+8, 2t..). Sums k ascending in FP32.
  void mma(F32 (&d)[4], const U32 (&a)[4], const U32 (&b)[2]) const {
    float am[16][16], bm[16][8], dm[16][8];
    for (int lane = 0; lane < 32; ++lane) {
      const int g = lane / 4, t = lane % 4;
      for (int h = 0; h < 2; ++h) {
        am[g][2 * t + h] = half_at(a[0][lane], h);
        am[g + 8][2 * t + h] = half_at(a[1][lane], h);
        am[g][8 + 2 * t + h] = half_at(a[2][lane], h);
        am[g + 8][8 + 2 * t + h] = half_at(a[3][lane], h);
        bm[2 * t + h][g] = half_at(b[0][lane], h);
        bm[8 + 2 * t + h][g] = half_at(b[1][lane], h);
        dm[g][2 * t + h] = d[h][lane];
        dm[g + 8][2 * t + h] = d[2 + h][lane];
      }
    }
    for (int r = 0; r < 16; ++r)
      for (int c = 0; c < 8; ++c) {
        float sum = dm[r][c];
        for (int k = 0; k < 16; ++k) sum += am[r][k] * bm[k][c];
        dm[r][c] = sum;
      }
    for (int lane = 0; lane < 32; ++lane) {
      const int g = lane / 4, t = lane % 4;
      for (int h = 0; h < 2; ++h) {
        d[h][lane] = dm[g][2 * t + h];
        d[2 + h][lane] = dm[g + 8][2 * t + h];
      }
    }
  }

 private:
  void ldmatrix(U32 (&r)[4], const Addresses& p, bool trans) {
    for (int j = 0; j < 4; ++j) {
      std::set<uintptr_t> bank_groups;
      for (int row = 0; row < 8; ++row) {
        require(aligned(p[8 * j + row], 16), "ldmatrix row address not 16-byte aligned");
        bank_groups.insert((reinterpret_cast<uintptr_t>(p[8 * j + row]) / 16) % 8);
      }
      if (bank_groups.size() < 8) ++conflict_phases;
      for (int lane = 0; lane < 32; ++lane) {
        const int row = lane / 4, pair = (lane % 4) * 2;
        if (!trans) {
          r[j][lane] = pack_halves(&p[8 * j + row][pair]);
        } else {
          // Lane gets column `row` of stored rows `pair` and `pair + 1`.
          const __half two[2] = {p[8 * j + pair][row], p[8 * j + pair + 1][row]};
          r[j][lane] = pack_halves(two);
        }
      }
    }
  }
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


// The sm_80+ SGEMM launch: per thread, the cp.async ring of gemm80_tiles.h, barrier by barrier.
void simulate_sgemm80(int n, const float* a, const float* b, float* c) {
  using namespace gemm;
  constexpr int kStages = kSg80Stages;
  auto sh = std::make_unique<Sgemm80Shared>();
  std::vector<float> acc(static_cast<size_t>(kSgThreads) * 64);
  const int slices = (n + kSg80BK - 1) / kSg80BK;
  auto acc_of = [&](int tid) -> float(&)[8][8] { return *reinterpret_cast<float(*)[8][8]>(&acc[tid * 64]); };
  for (int by = 0; by < (n + kSgBM - 1) / kSgBM; ++by) {
    for (int bx = 0; bx < (n + kSgBN - 1) / kSgBN; ++bx) {
      const int row0 = by * kSgBM;
      const int col0 = bx * kSgBN;
      HostAsync async(kSgThreads);
      std::memset(sh.get(), 0xff, sizeof(Sgemm80Shared));  // NaN garbage: a stage read before it landed shows
      std::fill(acc.begin(), acc.end(), 0.f);
      for (int s = 0; s < kStages - 1; ++s)
        for (int tid = 0; tid < kSgThreads; ++tid) {
          if (s < slices) sgemm80_load(async, tid, n, row0, col0, s * kSg80BK, a, b, sh->stage[s]);
          async.commit(tid);
        }
      for (int kt = 0; kt < slices; ++kt) {
        for (int tid = 0; tid < kSgThreads; ++tid) async.wait<kStages - 2>(tid);
        // __syncthreads()
        const int next = kt + kStages - 1;
        for (int tid = 0; tid < kSgThreads; ++tid) {
          if (next < slices) sgemm80_load(async, tid, n, row0, col0, next * kSg80BK, a, b, sh->stage[next % kStages]);
          async.commit(tid);
          sgemm80_compute(tid, sh->stage[kt % kStages], acc_of(tid));
        }
      }
      async.require_drained();
      for (int tid = 0; tid < kSgThreads; ++tid) sgemm80_store(tid, n, row0, col0, acc_of(tid), c);
    }
  }
}

// The sm_80+ HGEMM launch: loads per thread through the cp.async ring, fragment work per warp (all lanes).
uint64_t simulate_hgemm80(int n, const __half* a, const __half* b, float* c) {
  using namespace gemm;
  constexpr int kStages = kHg80Stages;
  auto sh = std::make_unique<Hgemm80Shared>();
  using Acc = HostWarp::F32[4][4][4];
  std::vector<std::array<HostWarp::F32, 64>> acc(kHgWarps);
  auto acc_of = [&](int warp) -> Acc& { return *reinterpret_cast<Acc*>(acc[warp].data()); };
  HostWarp w;
  const int slices = (n + kHg80BK - 1) / kHg80BK;
  for (int by = 0; by < (n + kHgBM - 1) / kHgBM; ++by) {
    for (int bx = 0; bx < (n + kHgBN - 1) / kHgBN; ++bx) {
      const int row0 = by * kHgBM;
      const int col0 = bx * kHgBN;
      HostAsync async(kHgThreads);
      std::memset(sh.get(), 0xff, sizeof(Hgemm80Shared));
      for (auto& fragments : acc)
        for (auto& reg : fragments) reg.fill(0.f);
      for (int s = 0; s < kStages - 1; ++s)
        for (int tid = 0; tid < kHgThreads; ++tid) {
          if (s < slices) hgemm80_load(async, tid, n, row0, col0, s * kHg80BK, a, b, sh->stage[s]);
          async.commit(tid);
        }
      for (int kt = 0; kt < slices; ++kt) {
        for (int tid = 0; tid < kHgThreads; ++tid) async.wait<kStages - 2>(tid);
        // __syncthreads()
        const int next = kt + kStages - 1;
        for (int tid = 0; tid < kHgThreads; ++tid) {
          if (next < slices) hgemm80_load(async, tid, n, row0, col0, next * kHg80BK, a, b, sh->stage[next % kStages]);
          async.commit(tid);
        }
        for (int warp = 0; warp < kHgWarps; ++warp) hgemm80_compute(w, warp, sh->stage[kt % kStages], acc_of(warp));
      }
      async.require_drained();
      for (int warp = 0; warp < kHgWarps; ++warp) hgemm80_store(w, warp, n, row0, col0, acc_of(warp), c);
    }
  }
  return w.conflict_phases;
}

// The triad launch over `count` elements with `blocks` blocks of 256 threads; returns a's weighted checksum.
uint64_t simulate_triad(PhiloxKey key, int64_t count, int blocks) {
  Aligned<float> a(static_cast<size_t>(count)), b(static_cast<size_t>(count)), c(static_cast<size_t>(count));
  fill_stream(key, kStreamTriadB, count, b.ptr);
  fill_stream(key, kStreamTriadC, count, c.ptr);
  std::fill(a.ptr, a.ptr + count, -12345.f);
  const size_t threads = static_cast<size_t>(blocks) * 256;
  for (size_t t = 0; t < threads; ++t) {
    triad_thread(t, threads, reinterpret_cast<float4*>(a.ptr), reinterpret_cast<const float4*>(b.ptr), reinterpret_cast<const float4*>(c.ptr),
                 kTriadScalar, static_cast<size_t>(count / 4));
  }
  return weighted_checksum(a.ptr, count);
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
      Aligned<float> a(nn), b(nn), c_sgemm(nn), c_hgemm(nn), c_sgemm80(nn), c_hgemm80(nn);
      Aligned<__half> ah(nn), bh(nn);
      fill_stream(key, kStreamA, static_cast<int64_t>(nn), a.ptr);
      fill_stream(key, kStreamB, static_cast<int64_t>(nn), b.ptr);
      for (size_t i = 0; i < nn; ++i) {
        ah.ptr[i] = __float2half(a.ptr[i]);
        bh.ptr[i] = __float2half(b.ptr[i]);
      }
      // Poison C so an element the kernels never write is caught.
      for (size_t i = 0; i < nn; ++i) c_sgemm.ptr[i] = c_hgemm.ptr[i] = c_sgemm80.ptr[i] = c_hgemm80.ptr[i] = -12345.f;
      simulate_sgemm(n, a.ptr, b.ptr, c_sgemm.ptr);
      simulate_hgemm(n, ah.ptr, bh.ptr, c_hgemm.ptr);
      simulate_sgemm80(n, a.ptr, b.ptr, c_sgemm80.ptr);
      const uint64_t conflicts = simulate_hgemm80(n, ah.ptr, bh.ptr, c_hgemm80.ptr);
      const std::vector<float> reference = cpu_gemm(key, n);
      // Bit for bit (memcmp semantics): a NaN from a stage read before it landed is a mismatch too.
      auto mismatches = [&](const float* got) {
        uint64_t bad = 0;
        for (size_t i = 0; i < nn; ++i) bad += std::memcmp(&got[i], &reference[i], sizeof(float)) != 0;
        return bad;
      };
      const uint64_t sgemm_bad = mismatches(c_sgemm.ptr), hgemm_bad = mismatches(c_hgemm.ptr);
      const uint64_t sgemm80_bad = mismatches(c_sgemm80.ptr), hgemm80_bad = mismatches(c_hgemm80.ptr);
      // The triad over n*n*4 + 4 elements (never a whole number of grid-stride steps) on 1 and 3 blocks.
      const int64_t triad_count = static_cast<int64_t>(nn) * 4 + 4;
      const uint64_t triad_expected = cpu_triad_checksum(key, triad_count);
      const bool triad_ok = simulate_triad(key, triad_count, 1) == triad_expected && simulate_triad(key, triad_count, 3) == triad_expected;
      all_ok = all_ok && sgemm_bad == 0 && hgemm_bad == 0 && sgemm80_bad == 0 && hgemm80_bad == 0 && conflicts == 0 && triad_ok;
      json.begin_object();
      json.key("n").value(n);
      json.key("sgemmMismatches").value(sgemm_bad);
      json.key("hgemmMismatches").value(hgemm_bad);
      json.key("sgemm80Mismatches").value(sgemm80_bad);
      json.key("hgemm80Mismatches").value(hgemm80_bad);
      json.key("ldmatrixConflictPhases").value(conflicts);
      json.key("triadElements").value(triad_count);
      json.key("triadMatches").value(triad_ok);
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
