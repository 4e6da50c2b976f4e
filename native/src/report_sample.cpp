// offhours-report-sample: prints result_json() for a GPU-mode RunResult filled with fixed sample values, so
// the Node adapter's tests can check that its schema reads every field of the GPU-mode document exactly as
// report.cpp writes it (on a machine without a GPU, where the real GPU path cannot run). Test tool only;
// the values are labelled samples, not measurements.
#include <cstdio>

#include "options.h"
#include "report.h"
#include "result.h"

int main() {
  using namespace oh;
  const char* argv[] = {"sample", "--seed", "0123456789abcdef", "--n", "4096", "--out-c", "/tmp/sample-c.f32"};
  const Options options = parse_options(7, argv);
  RunResult result;
  result.device.index = 0;
  result.device.count = 2;
  result.device.name = "Sample GPU \"quoted\"";
  result.device.cc_major = 8;
  result.device.cc_minor = 6;
  result.device.sm_count = 82;
  result.device.memory_bytes = 25769803776ull;
  result.device.driver_version = 13000;
  result.device.runtime_version = 13000;
  result.device.clock_khz = 1695000;
  result.device.memory_clock_khz = 9751000;
  result.device.memory_bus_width_bits = 384;
  result.device.l2_bytes = 6291456;
  result.device.pci_bus_id = "0000:01:00.0";
  result.device.uuid = "GPU-00112233-4455-6677-8899-aabbccddeeff";
  const char* names[] = {"fma", "sgemm", "hgemm", "triad", "sgemm_sustained"};
  for (int k = 0; k < 5; ++k) {
    KernelResult kernel;
    kernel.name = names[k];
    kernel.unit = k == 3 ? "GB/s" : "GFLOPS";
    for (int t = 0; t < 7; ++t) kernel.trials_ns.push_back(1000000 + 1000 * k + t);
    kernel.work_per_trial = 137438953472ll;
    kernel.launches_per_trial = k + 1;
    kernel.params = "sample";
    result.kernels.push_back(kernel);
  }
  result.have_c = true;
  result.c_source = "sgemm";
  result.c_checksum = 18446744073709551615ull;
  result.c_written = true;
  result.have_triad = true;
  result.triad_elements = 67108864;
  result.triad_checksum = 42;
  result.self_check_ran = true;
  result.freivalds_ok = true;
  result.hgemm_checked = true;
  result.hgemm_mismatches = 0;
  result.sustained_ms = 20012;
  result.wall_ms = 31234;
  std::printf("%s\n", result_json(options, result).c_str());
  return 0;
}
