// Command line of offhours-cuda-bench.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "inputs.h"

namespace oh {

enum class Kernel { Fma, Sgemm, Hgemm, Triad, SgemmSustained };

const char* kernel_name(Kernel kernel);

struct Options {
  bool help = false;
  bool selftest = false;
  bool cpu = false;
  bool quick = false;
  bool progress = true;
  std::string seed_hex;  // 16 lowercase hex digits
  PhiloxKey key{0, 0};
  int n = 0;                          // 0: 2048 quick, 4096 full (CPU: required)
  std::vector<Kernel> kernels;        // empty: the default set for the mode
  std::string out_c;                  // where to write C (raw little-endian f32, n*n*4 bytes)
  int trials = 7;
  int device = 0;
  double sustained_seconds = -1;      // <0: 20 s in full mode, 0 in quick mode
  int64_t triad_elements = 0;         // 0: 64 Mi (256 MiB per buffer) full, 16 Mi quick, 1 Mi on the CPU

  // --plan: print the launch geometry for a device with this many SMs (and resident blocks per SM), no GPU.
  bool plan = false;
  int plan_sm_count = 0;
  int plan_fma_blocks_per_sm = 1;
  int plan_triad_blocks_per_sm = 1;

  bool wants(Kernel kernel) const;
};

// Parses argv into options (filling in the defaults); throws BenchError(kExitUsage) on a bad command line.
Options parse_options(int argc, const char* const* argv);

// "0123456789abcdef" -> key (low 32 bits, high 32 bits), as protocol/bench/inputs.ts seedToKey.
bool parse_seed(const std::string& hex, PhiloxKey& key);

extern const char* const kUsage;

}  // namespace oh
