#include "report.h"

#include <cstdio>

#include "json.h"

#ifndef OH_KERNEL_HASH
#define OH_KERNEL_HASH "unknown"
#endif
#ifndef OH_VERSION
#define OH_VERSION "0.0.0"
#endif

namespace oh {

std::string cuda_version_string(int version) {
  return std::to_string(version / 1000) + "." + std::to_string((version % 1000) / 10);
}

std::string result_json(const Options& options, const RunResult& result) {
  JsonWriter json;
  json.begin_object();
  json.key("ok").value(true);
  json.key("formatVersion").value(1);
  json.key("program").value("offhours-cuda-bench");
  json.key("version").value(OH_VERSION);
  json.key("kernelHash").value(OH_KERNEL_HASH);
  json.key("mode").value(result.cpu ? "cpu" : "cuda");
  json.key("seed").value(options.seed_hex);
  json.key("n").value(options.n);
  json.key("quick").value(options.quick);
  json.key("trials").value(options.trials);

  json.key("device");
  if (result.cpu) {
    json.null();
  } else {
    const DeviceInfo& d = result.device;
    json.begin_object();
    json.key("index").value(d.index);
    json.key("count").value(d.count);
    json.key("name").value(d.name);
    json.key("computeCapability").value(std::to_string(d.cc_major) + "." + std::to_string(d.cc_minor));
    json.key("smCount").value(d.sm_count);
    json.key("memoryBytes").value(d.memory_bytes);
    json.key("driverVersion").value(cuda_version_string(d.driver_version));
    json.key("runtimeVersion").value(cuda_version_string(d.runtime_version));
    json.key("clockKHz").value(d.clock_khz);
    json.key("memoryClockKHz").value(d.memory_clock_khz);
    json.key("memoryBusWidthBits").value(d.memory_bus_width_bits);
    json.key("l2Bytes").value(d.l2_bytes);
    json.key("pciBusId").value(d.pci_bus_id);
    json.key("uuid").value(d.uuid);
    json.end_object();
  }

  json.key("kernels").begin_array();
  for (const KernelResult& k : result.kernels) {
    json.begin_object();
    json.key("name").value(k.name);
    json.key("unit").value(k.unit);
    json.key("trialsNs").int_array(k.trials_ns);
    json.key("workPerTrial").value(k.work_per_trial);
    json.key("launchesPerTrial").value(k.launches_per_trial);
    json.key("params").value(k.params);
    json.end_object();
  }
  json.end_array();

  json.key("gemm");
  if (result.have_c) {
    json.begin_object();
    json.key("source").value(result.c_source);
    json.key("checksum").value(std::to_string(result.c_checksum));
    json.key("outC");
    if (result.c_written) json.value(options.out_c);
    else json.null();
    json.end_object();
  } else {
    json.null();
  }

  json.key("triad");
  if (result.have_triad) {
    json.begin_object();
    json.key("elements").value(result.triad_elements);
    json.key("scalar").value(static_cast<int64_t>(kTriadScalar));
    json.key("checksum").value(std::to_string(result.triad_checksum));
    json.end_object();
  } else {
    json.null();
  }

  json.key("selfCheck");
  if (result.self_check_ran) {
    json.begin_object();
    json.key("freivalds").value(result.freivalds_ok);
    json.key("hgemmMatchesSgemm");
    if (result.hgemm_checked) json.value(result.hgemm_mismatches == 0);
    else json.null();
    json.end_object();
  } else {
    json.null();
  }

  json.key("sustained");
  if (result.sustained_ms > 0) {
    json.begin_object();
    json.key("ms").value(result.sustained_ms);
    json.end_object();
  } else {
    json.null();
  }
  json.key("wallMs").value(result.wall_ms);
  json.end_object();
  return json.str();
}

std::string error_json(const BenchError& error) {
  JsonWriter json;
  json.begin_object();
  json.key("ok").value(false);
  json.key("formatVersion").value(1);
  json.key("error").begin_object();
  json.key("code").value(error.code());
  json.key("message").value(error.what());
  json.key("nextStep").value(error.next_step());
  json.end_object();
  json.end_object();
  return json.str();
}

std::string selftest_json(const KatReport& host, const DeviceSelftest& device, bool ok) {
  JsonWriter json;
  json.begin_object();
  json.key("ok").value(ok);
  json.key("formatVersion").value(1);
  json.key("kernelHash").value(OH_KERNEL_HASH);
  json.key("selftest").begin_object();
  json.key("hostKat").begin_object();
  json.key("passed").value(host.passed);
  json.key("failed").value(host.failed);
  json.key("failures").begin_array();
  for (const std::string& f : host.failures) json.value(f);
  json.end_array();
  json.end_object();
  json.key("device").begin_object();
  json.key("ran").value(device.ran);
  if (device.ran) {
    json.key("katPassed").value(device.kat.passed);
    json.key("katFailed").value(device.kat.failed);
    json.key("fillMatchesHost").value(device.fill_matches_host);
  } else {
    json.key("skipped").value(device.skipped_code);
  }
  json.end_object();
  json.end_object();
  if (!ok) {
    json.key("error").begin_object();
    json.key("code").value("selftest-failed");
    json.key("message").value("The benchmark's random number generator does not match the reference values.");
    json.key("nextStep").value("Reinstall Offhours; if it keeps failing, report this build as broken.");
    json.end_object();
  }
  json.end_object();
  return json.str();
}

void report_progress(const Options& options, const char* kernel, const char* phase, int64_t done, int64_t total) {
  if (!options.progress) return;
  JsonWriter json;
  json.begin_object();
  json.key("progress").begin_object();
  json.key("kernel").value(kernel);
  json.key("phase").value(phase);
  json.key("done").value(done);
  json.key("total").value(total);
  json.end_object();
  json.end_object();
  std::fprintf(stderr, "%s\n", json.str().c_str());
  std::fflush(stderr);
}

}  // namespace oh
