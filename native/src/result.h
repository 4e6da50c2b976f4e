// What a run measured or computed, filled by the GPU path (gpu_bench.cu) or the CPU path (cpu_reference.cpp)
// and printed as JSON by report.cpp.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace oh {

struct DeviceInfo {
  int index = 0;
  int count = 0;
  std::string name;
  int cc_major = 0;
  int cc_minor = 0;
  int sm_count = 0;
  uint64_t memory_bytes = 0;
  int driver_version = 0;   // e.g. 13000 for CUDA 13.0
  int runtime_version = 0;
  int clock_khz = 0;
  int memory_clock_khz = 0;
  int memory_bus_width_bits = 0;
  int l2_bytes = 0;
  std::string pci_bus_id;
  std::string uuid;
};

struct KernelResult {
  std::string name;                 // fma | sgemm | hgemm | triad | sgemm_sustained
  std::string unit;                 // GFLOPS | GB/s
  std::vector<int64_t> trials_ns;   // one GPU-timed trial each (cudaEvents), warm-up excluded
  int64_t work_per_trial = 0;       // FLOPs or bytes moved in one trial
  int launches_per_trial = 1;
  std::string params;               // a short human-readable description of the launch shape
};

// Weighted checksum of integers: sum over i of x[i] * (i + 1), modulo 2^64. Order-independent, so the GPU
// may reduce in any order; printed as a decimal string (it does not fit a JSON double).
struct Checksum {
  uint64_t value = 0;
  void add(int64_t x, uint64_t index) { value += static_cast<uint64_t>(x) * (index + 1); }
};

struct RunResult {
  bool cpu = false;
  DeviceInfo device;
  std::vector<KernelResult> kernels;
  // GEMM output C = A*B (n x n).
  bool have_c = false;
  std::string c_source;  // "sgemm" | "hgemm" | "cpu"
  uint64_t c_checksum = 0;
  bool c_written = false;
  // Triad output a = b + s*c.
  bool have_triad = false;
  int64_t triad_elements = 0;
  uint64_t triad_checksum = 0;
  // On-device self-check of the GEMM outputs.
  bool self_check_ran = false;
  bool freivalds_ok = false;
  bool hgemm_checked = false;
  uint64_t hgemm_mismatches = 0;
  // Sustained SGEMM phase.
  int64_t sustained_ms = 0;
  int64_t wall_ms = 0;
};

}  // namespace oh
