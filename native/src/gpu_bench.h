// The GPU path: device discovery, seeded inputs on the device, timed kernels, self-check, output of C.
#pragma once

#include "options.h"
#include "report.h"
#include "result.h"

namespace oh {

// Runs the selected kernels on options.device. Throws BenchError (no device, driver too old, out of
// memory, wrong result, ...).
RunResult run_gpu(const Options& options);

// Device half of --selftest: Philox KATs on the GPU and a device fill compared with the host fill.
// Does not throw when there is no GPU; says why it was skipped instead.
DeviceSelftest selftest_device();

}  // namespace oh
