// offhours-cuda-bench: the CUDA leg of the Offhours benchmark. Prints exactly one JSON document on stdout
// (progress lines go to stderr) and exits with a status from errors.h.
#include <chrono>
#include <cstdio>
#include <exception>
#include <string>

#include "cpu_reference.h"
#include "errors.h"
#include "gpu_bench.h"
#include "launch_plan.h"
#include "options.h"
#include "report.h"
#include "result.h"

namespace {

using namespace oh;

void print_document(const std::string& json) {
  std::fputs(json.c_str(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

void write_file(const std::string& path, const std::vector<float>& values) {
  FILE* file = std::fopen(path.c_str(), "wb");
  const bool ok = file != nullptr && std::fwrite(values.data(), sizeof(float), values.size(), file) == values.size();
  const bool closed = file != nullptr && std::fclose(file) == 0;
  if (!ok || !closed) {
    throw BenchError(kExitIo, "cannot-write-output", "Could not write the benchmark output to " + path + ".",
                     "Check that the disk is not full and that Offhours may write to its data folder.");
  }
}

// --cpu: the same outputs as the GPU path, computed exactly on the CPU (no GPU needed).
RunResult run_cpu(const Options& options) {
  const auto started = std::chrono::steady_clock::now();
  RunResult result;
  result.cpu = true;
  if (options.wants(Kernel::Sgemm) || options.wants(Kernel::Hgemm) || options.wants(Kernel::SgemmSustained)) {
    report_progress(options, "sgemm", "cpu", 0, 1);
    const std::vector<float> c = cpu_gemm(options.key, options.n);
    result.have_c = true;
    result.c_source = "cpu";
    result.c_checksum = weighted_checksum(c.data(), static_cast<int64_t>(c.size()));
    if (!options.out_c.empty()) {
      write_file(options.out_c, c);
      result.c_written = true;
    }
    report_progress(options, "sgemm", "cpu", 1, 1);
  }
  if (options.wants(Kernel::Triad)) {
    result.have_triad = true;
    result.triad_elements = options.triad_elements;
    result.triad_checksum = cpu_triad_checksum(options.key, options.triad_elements);
  }
  result.wall_ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
  return result;
}

int selftest() {
  const KatReport host = host_philox_kat();
  const DeviceSelftest device = selftest_device();
  const bool ok = host.failed == 0 && (!device.ran || (device.kat.failed == 0 && device.fill_matches_host));
  print_document(selftest_json(host, device, ok));
  return ok ? kExitOk : kExitSelftestFailed;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Options options = parse_options(argc, argv);
    if (options.help) {
      std::fputs(kUsage, stdout);
      return kExitOk;
    }
    if (options.selftest) return selftest();
    if (options.plan) {
      const LaunchPlan plan = plan_launches(options.n, options.plan_sm_count, options.plan_fma_blocks_per_sm, options.plan_triad_blocks_per_sm);
      print_document(plan_json(plan, options.plan_sm_count));
      return kExitOk;
    }
    const RunResult result = options.cpu ? run_cpu(options) : run_gpu(options);
    print_document(result_json(options, result));
    return kExitOk;
  } catch (const BenchError& error) {
    print_document(error_json(error));
    return error.exit_code();
  } catch (const std::exception& error) {
    print_document(error_json(BenchError(kExitInternal, "internal", std::string("The CUDA benchmark failed: ") + error.what(),
                                         "Run the benchmark again; if it keeps failing, use the WebGPU benchmark.")));
    return kExitInternal;
  }
}
