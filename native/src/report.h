// JSON output: the one document on stdout, and progress lines on stderr.
#pragma once

#include <cstdint>
#include <string>

#include "cpu_reference.h"
#include "errors.h"
#include "options.h"
#include "result.h"

namespace oh {

std::string result_json(const Options& options, const RunResult& result);
std::string error_json(const BenchError& error);

struct DeviceSelftest {
  bool ran = false;
  std::string skipped_code;  // why it did not run (e.g. no-cuda-device)
  KatReport kat;
  bool fill_matches_host = false;
};
std::string selftest_json(const KatReport& host, const DeviceSelftest& device, bool ok);

// One line on stderr: {"progress":{"kernel":..,"phase":..,"done":..,"total":..}}. Silent with --no-progress.
// kernel is always one of fma, sgemm, hgemm, triad, sgemm_sustained; phase is inputs, warmup, trial,
// verify, write or cpu; done/total count trials (milliseconds for sgemm_sustained's trial phase).
void report_progress(const Options& options, const char* kernel, const char* phase, int64_t done, int64_t total);

// Formats 13000 as "13.0".
std::string cuda_version_string(int version);

}  // namespace oh
