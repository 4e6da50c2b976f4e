#include "gpu_bench.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include "cpu_reference.h"
#include "kernels.h"
#include "launch_plan.h"
#include "philox_kat.h"

namespace oh {

namespace {

const char* const kUseWebGpu = "Meanwhile, use the WebGPU benchmark (it works on every graphics card).";

[[noreturn]] void throw_cuda(cudaError_t err, const std::string& what) {
  const std::string detail = std::string(cudaGetErrorName(err)) + ": " + cudaGetErrorString(err) + " (" + what + ")";
  switch (err) {
    case cudaErrorNoDevice:
      throw BenchError(kExitNoDevice, "no-cuda-device", "No NVIDIA GPU was found. " + detail,
                       std::string("If this PC has an NVIDIA graphics card, install its latest driver. ") + kUseWebGpu);
    case cudaErrorInsufficientDriver:
    case cudaErrorUnsupportedPtxVersion:
      throw BenchError(kExitUnsupported, "cuda-driver-too-old", "The NVIDIA driver is too old for this benchmark. " + detail,
                       std::string("Update the NVIDIA driver (version 580 or newer). ") + kUseWebGpu);
    case cudaErrorNoKernelImageForDevice:
      throw BenchError(kExitUnsupported, "cuda-unsupported-gpu", "This NVIDIA GPU is not supported by the CUDA benchmark. " + detail,
                       std::string("The CUDA benchmark needs an RTX 20-series (Turing) or newer card. ") + kUseWebGpu);
    case cudaErrorMemoryAllocation:
      throw BenchError(kExitCudaError, "gpu-out-of-memory", "The GPU ran out of memory during the benchmark. " + detail,
                       "Close games and other programs that use the graphics card, then run the benchmark again.");
    case cudaErrorLaunchTimeout:
      throw BenchError(kExitCudaError, "gpu-watchdog-timeout", "The graphics driver stopped the benchmark because it ran too long. " + detail,
                       "Run the quick benchmark, or close programs that use the graphics card, then try again.");
    default:
      throw BenchError(kExitCudaError, "cuda-error", "The graphics driver reported an error during the benchmark. " + detail,
                       "Restart the computer and run the benchmark again; if it keeps failing, update the NVIDIA driver.");
  }
}

void check(cudaError_t err, const char* what) {
  if (err != cudaSuccess) throw_cuda(err, what);
}

#define OH_CUDA(call) check((call), #call)
// After a kernel launch: launch-configuration errors now, execution errors at the next synchronisation.
#define OH_LAUNCHED(what) check(cudaGetLastError(), what)

// Device memory owned by one object (freed on every path, including exceptions).
template <typename T>
class DeviceBuffer {
 public:
  explicit DeviceBuffer(size_t count) : count_(count) {
    OH_CUDA(cudaMalloc(reinterpret_cast<void**>(&ptr_), std::max<size_t>(count, 1) * sizeof(T)));
  }
  ~DeviceBuffer() { cudaFree(ptr_); }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  T* get() const { return ptr_; }
  size_t count() const { return count_; }
  size_t bytes() const { return count_ * sizeof(T); }

 private:
  T* ptr_ = nullptr;
  size_t count_;
};

class EventPair {
 public:
  EventPair() {
    OH_CUDA(cudaEventCreate(&start_));
    OH_CUDA(cudaEventCreate(&stop_));
  }
  ~EventPair() {
    cudaEventDestroy(start_);
    cudaEventDestroy(stop_);
  }
  EventPair(const EventPair&) = delete;
  EventPair& operator=(const EventPair&) = delete;

  // GPU time of `reps` back-to-back launches, in integer nanoseconds.
  int64_t time_ns(const std::function<void()>& launch, int reps, const char* what) {
    OH_CUDA(cudaEventRecord(start_));
    for (int r = 0; r < reps; ++r) launch();
    OH_LAUNCHED(what);
    OH_CUDA(cudaEventRecord(stop_));
    OH_CUDA(cudaEventSynchronize(stop_));
    float ms = 0.f;
    OH_CUDA(cudaEventElapsedTime(&ms, start_, stop_));
    return std::max<int64_t>(1, std::llround(static_cast<double>(ms) * 1e6));
  }

 private:
  cudaEvent_t start_{};
  cudaEvent_t stop_{};
};

std::string format_uuid(const cudaUUID_t& uuid) {
  static const int groups[] = {4, 2, 2, 2, 6};
  std::string out = "GPU-";
  int byte = 0;
  for (int g = 0; g < 5; ++g) {
    if (g > 0) out.push_back('-');
    for (int i = 0; i < groups[g]; ++i, ++byte) {
      char buf[3];
      std::snprintf(buf, sizeof buf, "%02x", static_cast<unsigned char>(uuid.bytes[byte]));
      out += buf;
    }
  }
  return out;
}

int attribute(cudaDeviceAttr attr, int device) {
  int value = 0;
  if (cudaDeviceGetAttribute(&value, attr, device) != cudaSuccess) {
    cudaGetLastError();  // optional attribute: clear the error and report 0
    return 0;
  }
  return value;
}

DeviceInfo open_device(int index) {
  DeviceInfo info;
  int driver = 0;
  cudaDriverGetVersion(&driver);
  cudaRuntimeGetVersion(&info.runtime_version);
  if (driver == 0) {
    throw BenchError(kExitNoDevice, "no-cuda-device", "No NVIDIA graphics driver was found, so the CUDA benchmark cannot run here.",
                     std::string("If this PC has an NVIDIA graphics card, install its latest driver. ") + kUseWebGpu);
  }
  info.driver_version = driver;
  int count = 0;
  const cudaError_t err = cudaGetDeviceCount(&count);
  // CUDA minor-version compatibility: any driver of the runtime's major version runs it.
  if (err == cudaErrorInsufficientDriver || driver / 1000 < info.runtime_version / 1000) {
    throw BenchError(kExitUnsupported, "cuda-driver-too-old",
                     "The NVIDIA driver supports CUDA " + cuda_version_string(driver) + " but this benchmark needs CUDA " +
                         cuda_version_string(info.runtime_version) + ".",
                     std::string("Update the NVIDIA driver (version 580 or newer). ") + kUseWebGpu);
  }
  if (err == cudaErrorNoDevice || (err == cudaSuccess && count == 0)) {
    throw BenchError(kExitNoDevice, "no-cuda-device", "The NVIDIA driver is installed but found no usable NVIDIA GPU.",
                     std::string("Check that the graphics card is seated and enabled. ") + kUseWebGpu);
  }
  check(err, "cudaGetDeviceCount");
  if (index >= count) {
    throw BenchError(kExitNoDevice, "no-such-cuda-device",
                     "GPU number " + std::to_string(index) + " does not exist; this PC has " + std::to_string(count) + " NVIDIA GPU(s).",
                     "Pick one of the GPUs listed on the GPUs page.");
  }
  OH_CUDA(cudaSetDevice(index));
  cudaDeviceProp prop{};
  OH_CUDA(cudaGetDeviceProperties(&prop, index));
  info.index = index;
  info.count = count;
  info.name = prop.name;
  info.cc_major = prop.major;
  info.cc_minor = prop.minor;
  info.sm_count = prop.multiProcessorCount;
  info.memory_bytes = prop.totalGlobalMem;
  info.l2_bytes = prop.l2CacheSize;
  info.memory_bus_width_bits = prop.memoryBusWidth;
  info.clock_khz = attribute(cudaDevAttrClockRate, index);
  info.memory_clock_khz = attribute(cudaDevAttrMemoryClockRate, index);
  info.uuid = format_uuid(prop.uuid);
  char bus[32] = {0};
  if (cudaDeviceGetPCIBusId(bus, sizeof bus, index) == cudaSuccess) info.pci_bus_id = bus;
  else cudaGetLastError();
  if (prop.major * 10 + prop.minor < 75) {
    throw BenchError(kExitUnsupported, "cuda-unsupported-gpu",
                     std::string("The ") + prop.name + " (compute capability " + std::to_string(prop.major) + "." +
                         std::to_string(prop.minor) + ") is older than the CUDA benchmark supports.",
                     std::string("The CUDA benchmark needs an RTX 20-series (Turing) or newer card. ") + kUseWebGpu);
  }
  return info;
}

int64_t clamp_reps(double target_ns, int64_t one_ns) {
  const double reps = std::ceil(target_ns / static_cast<double>(std::max<int64_t>(one_ns, 1)));
  return static_cast<int64_t>(std::min(4096.0, std::max(1.0, reps)));
}

// Per-trial GPU time we aim for: long enough to swamp launch overhead and timer resolution.
struct Targets {
  double fma_ns, gemm_ns, triad_ns, sustained_batch_ns;
};

Targets targets_for(const Options& options) {
  if (options.quick) return {40e6, 25e6, 20e6, 100e6};
  return {200e6, 100e6, 50e6, 250e6};
}

// Runs warm-up (excluded), picks launches per trial, then times options.trials trials.
KernelResult run_trials(const Options& options, EventPair& events, const char* name, const char* unit, double target_ns,
                        int64_t work_per_launch, const std::function<void()>& launch, std::string params) {
  report_progress(options, name, "warmup", 0, options.trials);
  launch();  // first launch: module load, clocks ramping up
  OH_LAUNCHED(name);
  OH_CUDA(cudaDeviceSynchronize());
  const int64_t one = events.time_ns(launch, 1, name);
  const int reps = static_cast<int>(clamp_reps(target_ns, one));
  KernelResult result;
  result.name = name;
  result.unit = unit;
  result.launches_per_trial = reps;
  result.work_per_trial = work_per_launch * reps;
  result.params = std::move(params);
  for (int t = 0; t < options.trials; ++t) {
    result.trials_ns.push_back(events.time_ns(launch, reps, name));
    report_progress(options, name, "trial", t + 1, options.trials);
  }
  return result;
}

KernelResult bench_fma(const Options& options, const LaunchPlan& plan, EventPair& events, double target_ns) {
  // A whole number of waves (SMs x resident blocks x kFmaWaves), so no SM sits idle during a tail wave.
  const int blocks = plan.fma_blocks;
  DeviceBuffer<float> out(static_cast<size_t>(blocks) * kFmaThreads);
  const float a = 0.9999f, b = 0.0001f;
  // One launch is sized to the target from a short calibration launch; each trial is one launch.
  report_progress(options, "fma", "warmup", 0, options.trials);
  const int calib_iters = 64;
  auto calib = [&] { launch_fma(out.get(), blocks, calib_iters, a, b); };
  calib();
  OH_LAUNCHED("fma");
  OH_CUDA(cudaDeviceSynchronize());
  const int64_t calib_ns = events.time_ns(calib, 1, "fma");
  const double scale = target_ns / static_cast<double>(std::max<int64_t>(calib_ns, 1));
  const int iterations = static_cast<int>(std::min(1e7, std::max(1.0, std::round(calib_iters * scale))));
  const int64_t flops = int64_t{blocks} * kFmaThreads * iterations * kFmaUnroll * kFmaChains * 2;
  char params[160];
  std::snprintf(params, sizeof params, "%d blocks (%d full waves) x %d threads, %d iterations x %d FMAs x %d chains", blocks,
                plan.fma_waves, kFmaThreads, iterations, kFmaUnroll, kFmaChains);
  auto launch = [&] { launch_fma(out.get(), blocks, iterations, a, b); };
  // target/one launch ~ 1, so run_trials keeps one launch per trial.
  KernelResult result;
  result.name = "fma";
  result.unit = "GFLOPS";
  result.launches_per_trial = 1;
  result.work_per_trial = flops;
  result.params = params;
  launch();  // warm-up at the final size
  OH_LAUNCHED("fma");
  OH_CUDA(cudaDeviceSynchronize());
  for (int t = 0; t < options.trials; ++t) {
    result.trials_ns.push_back(events.time_ns(launch, 1, "fma"));
    report_progress(options, "fma", "trial", t + 1, options.trials);
  }
  return result;
}

std::string gemm_params(const LaunchPlan& plan, const DeviceInfo& device, const char* tiles) {
  return gemm_plan_text(plan, device.sm_count) + ", " + tiles;
}

bool has_sm80_paths(const DeviceInfo& device) { return device.cc_major >= 8; }

const char* sgemm_tiles(const DeviceInfo& device) {
  return has_sm80_paths(device) ? "128x128x8 block tiles, 64x32 warp tiles, 8x8 per thread, 4-stage cp.async"
                                : "128x128x8 block tiles, 8x8 per thread, register double buffering (sm_75)";
}

const char* hgemm_tiles(const DeviceInfo& device) {
  return has_sm80_paths(device) ? "mma.sync m16n8k16 fp16->fp32 + ldmatrix, swizzled 128x128x32 tiles, 3-stage cp.async"
                                : "WMMA 16x16x16 fp16->fp32, 128x128x32 block tiles (sm_75)";
}

// Seeded inputs (and outputs) of one GEMM size.
struct GemmBuffers {
  explicit GemmBuffers(int size) : n(size), nn(static_cast<size_t>(size) * size), a(nn), b(nn) {}
  int n;
  size_t nn;
  DeviceBuffer<float> a, b;
  std::unique_ptr<DeviceBuffer<__half>> ah, bh;
  std::unique_ptr<DeviceBuffer<float>> c, c_half;

  void fill(const Options& options, bool fp32, bool fp16) {
    launch_fill_f32(a.get(), static_cast<uint32_t>(nn), kStreamA, options.key);
    launch_fill_f32(b.get(), static_cast<uint32_t>(nn), kStreamB, options.key);
    if (fp32) c = std::make_unique<DeviceBuffer<float>>(nn);
    if (fp16) {
      ah = std::make_unique<DeviceBuffer<__half>>(nn);
      bh = std::make_unique<DeviceBuffer<__half>>(nn);
      launch_fill_f16(ah->get(), static_cast<uint32_t>(nn), kStreamA, options.key);
      launch_fill_f16(bh->get(), static_cast<uint32_t>(nn), kStreamB, options.key);
      c_half = std::make_unique<DeviceBuffer<float>>(nn);
    }
    OH_LAUNCHED("fill inputs");
  }
  void sgemm() const { launch_sgemm(n, a.get(), b.get(), c->get()); }
  void hgemm() const { launch_hgemm(n, ah->get(), bh->get(), c_half->get()); }
};

// Exact on-device Freivalds check: C*r == A*(B*r) for a seeded +/-1 vector r, in int64 arithmetic.
bool freivalds(const Options& options, int n, const float* a, const float* b, const float* c) {
  DeviceBuffer<int8_t> r(n);
  DeviceBuffer<long long> r64(n), br(n), abr(n), cr(n);
  launch_fill_sign(r.get(), static_cast<uint32_t>(n), kStreamSelfCheck, options.key);
  launch_sign_to_i64(r.get(), r64.get(), n);
  launch_matvec_i64(n, b, r64.get(), br.get());
  launch_matvec_i64(n, a, br.get(), abr.get());
  launch_matvec_i64(n, c, r64.get(), cr.get());
  OH_LAUNCHED("self-check");
  std::vector<long long> host_abr(n), host_cr(n);
  OH_CUDA(cudaMemcpy(host_abr.data(), abr.get(), abr.bytes(), cudaMemcpyDeviceToHost));
  OH_CUDA(cudaMemcpy(host_cr.data(), cr.get(), cr.bytes(), cudaMemcpyDeviceToHost));
  return host_abr == host_cr;
}

uint64_t device_checksum(const float* values, size_t count) {
  DeviceBuffer<unsigned long long> sum(1);
  OH_CUDA(cudaMemset(sum.get(), 0, sizeof(unsigned long long)));
  launch_weighted_checksum(values, count, sum.get());
  OH_LAUNCHED("checksum");
  unsigned long long host = 0;
  OH_CUDA(cudaMemcpy(&host, sum.get(), sizeof host, cudaMemcpyDeviceToHost));
  return host;
}

void write_c(const Options& options, const float* device_c, size_t count) {
  std::vector<float> host(count);
  OH_CUDA(cudaMemcpy(host.data(), device_c, count * sizeof(float), cudaMemcpyDeviceToHost));
  FILE* file = std::fopen(options.out_c.c_str(), "wb");
  const bool ok = file != nullptr && std::fwrite(host.data(), sizeof(float), count, file) == count;
  const bool closed = file != nullptr && std::fclose(file) == 0;
  if (!ok || !closed) {
    throw BenchError(kExitIo, "cannot-write-output", "Could not write the benchmark output to " + options.out_c + ".",
                     "Check that the disk is not full and that Offhours may write to its data folder.");
  }
}

[[noreturn]] void wrong_result(const std::string& what) {
  throw BenchError(kExitWrongResult, "gpu-wrong-result",
                   "Your GPU returned wrong results in the benchmark (" + what +
                       "). This usually means an unstable overclock, overheating or a failing card.",
                   "Reset the GPU to stock clocks, check its temperature, and run the benchmark again.");
}

int64_t elapsed_ms(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - since).count();
}

}  // namespace

RunResult run_gpu(const Options& options) {
  const auto started = std::chrono::steady_clock::now();
  RunResult result;
  result.device = open_device(options.device);
  const DeviceInfo& device = result.device;
  const Targets targets = targets_for(options);
  EventPair events;
  const int n = options.n;
  const LaunchPlan plan = plan_launches(n, device.sm_count, fma_blocks_per_sm(), triad_blocks_per_sm());
  const int64_t timing_flops = int64_t{2} * plan.gemm_timing_n * plan.gemm_timing_n * plan.gemm_timing_n;

  if (options.wants(Kernel::Fma)) result.kernels.push_back(bench_fma(options, plan, events, targets.fma_ns));

  const bool want_sgemm = options.wants(Kernel::Sgemm) || options.wants(Kernel::SgemmSustained);
  const bool want_hgemm = options.wants(Kernel::Hgemm);
  if (want_sgemm || want_hgemm) {
    // Progress always names a kernel: the GEMM phase this work belongs to.
    const char* gemm_kernel = want_sgemm ? "sgemm" : "hgemm";
    report_progress(options, gemm_kernel, "inputs", 0, 1);
    // Timed at plan.gemm_timing_n (a grid that fills every SM); C is computed and checked at the challenge's n.
    auto timed = std::make_unique<GemmBuffers>(plan.gemm_timing_n);
    timed->fill(options, want_sgemm, want_hgemm);
    OH_CUDA(cudaDeviceSynchronize());
    report_progress(options, gemm_kernel, "inputs", 1, 1);

    if (options.wants(Kernel::Sgemm)) {
      result.kernels.push_back(run_trials(options, events, "sgemm", "GFLOPS", targets.gemm_ns, timing_flops, [&] { timed->sgemm(); },
                                          gemm_params(plan, device, sgemm_tiles(device))));
    }
    if (want_hgemm) {
      result.kernels.push_back(run_trials(options, events, "hgemm", "GFLOPS", targets.gemm_ns, timing_flops, [&] { timed->hgemm(); },
                                          gemm_params(plan, device, hgemm_tiles(device))));
    }
    std::unique_ptr<GemmBuffers> exact;
    if (plan.gemm_timing_n != n) {
      exact = std::make_unique<GemmBuffers>(n);
      exact->fill(options, want_sgemm, want_hgemm);
    }
    GemmBuffers& out = exact ? *exact : *timed;
    if (want_sgemm) out.sgemm();
    if (want_hgemm) out.hgemm();
    OH_LAUNCHED("gemm");
    OH_CUDA(cudaDeviceSynchronize());

    // Self-check: C must satisfy Freivalds exactly, and the tensor-core C must equal the FP32 C bit for bit.
    report_progress(options, want_hgemm ? "hgemm" : "sgemm", "verify", 0, 1);
    const float* c_main = out.c ? out.c->get() : out.c_half->get();
    result.self_check_ran = true;
    result.freivalds_ok = freivalds(options, n, out.a.get(), out.b.get(), c_main);
    if (out.c && out.c_half) {
      DeviceBuffer<unsigned long long> mismatches(1);
      OH_CUDA(cudaMemset(mismatches.get(), 0, sizeof(unsigned long long)));
      launch_count_mismatches(out.c->get(), out.c_half->get(), out.nn, mismatches.get());
      OH_LAUNCHED("compare");
      unsigned long long host = 0;
      OH_CUDA(cudaMemcpy(&host, mismatches.get(), sizeof host, cudaMemcpyDeviceToHost));
      result.hgemm_checked = true;
      result.hgemm_mismatches = host;
    } else {
      result.hgemm_checked = false;
    }
    report_progress(options, want_hgemm ? "hgemm" : "sgemm", "verify", 1, 1);
    if (!result.freivalds_ok) wrong_result("C*r != A*(B*r)");
    if (result.hgemm_checked && result.hgemm_mismatches != 0) {
      wrong_result(std::to_string(result.hgemm_mismatches) + " tensor-core outputs differ from the FP32 outputs");
    }
    result.have_c = true;
    result.c_source = out.c ? "sgemm" : "hgemm";
    result.c_checksum = device_checksum(c_main, out.nn);
    if (!options.out_c.empty()) {
      report_progress(options, want_hgemm ? "hgemm" : "sgemm", "write", 0, 1);
      write_c(options, c_main, out.nn);
      result.c_written = true;
      report_progress(options, want_hgemm ? "hgemm" : "sgemm", "write", 1, 1);
    }
    exact.reset();
    timed->c_half.reset();
    timed->ah.reset();
    timed->bh.reset();

    if (options.wants(Kernel::SgemmSustained)) {
      // Back-to-back SGEMM batches for sustained_seconds of wall time: catches thermal and power throttling.
      auto launch = [&] { timed->sgemm(); };
      const int64_t one = events.time_ns(launch, 1, "sgemm_sustained");
      const int reps = static_cast<int>(clamp_reps(targets.sustained_batch_ns, one));
      KernelResult sustained;
      sustained.name = "sgemm_sustained";
      sustained.unit = "GFLOPS";
      sustained.launches_per_trial = reps;
      sustained.work_per_trial = timing_flops * reps;
      sustained.params = gemm_params(plan, device, "same kernel as sgemm, back-to-back batches");
      const auto phase_start = std::chrono::steady_clock::now();
      const int64_t total_ms = static_cast<int64_t>(options.sustained_seconds * 1000);
      while (elapsed_ms(phase_start) < total_ms || sustained.trials_ns.empty()) {
        sustained.trials_ns.push_back(events.time_ns(launch, reps, "sgemm_sustained"));
        report_progress(options, "sgemm_sustained", "trial", std::min(elapsed_ms(phase_start), total_ms), total_ms);
      }
      result.sustained_ms = std::max<int64_t>(1, elapsed_ms(phase_start));
      result.kernels.push_back(std::move(sustained));
    }
  }

  if (options.wants(Kernel::Triad)) {
    int64_t elements = options.triad_elements;
    size_t free_bytes = 0, total_bytes = 0;
    OH_CUDA(cudaMemGetInfo(&free_bytes, &total_bytes));
    const int64_t fit = static_cast<int64_t>(static_cast<double>(free_bytes) * 0.8 / (3 * sizeof(float))) / 4 * 4;
    elements = std::min(elements, fit);
    if (elements < (int64_t{1} << 20)) {
      throw_cuda(cudaErrorMemoryAllocation, "triad buffers");
    }
    DeviceBuffer<float> ta(elements), tb(elements), tc(elements);
    launch_fill_f32(tb.get(), static_cast<uint32_t>(elements), kStreamTriadB, options.key);
    launch_fill_f32(tc.get(), static_cast<uint32_t>(elements), kStreamTriadC, options.key);
    OH_LAUNCHED("fill triad inputs");
    // One full wave of resident blocks, each thread striding over the array kTriadVecs float4s at a time.
    const int blocks = plan.triad_blocks;
    auto launch = [&] { launch_triad(ta.get(), tb.get(), tc.get(), kTriadScalar, static_cast<size_t>(elements), blocks); };
    const int64_t bytes = elements * 3 * static_cast<int64_t>(sizeof(float));
    result.kernels.push_back(run_trials(options, events, "triad", "GB/s", targets.triad_ns, bytes, launch,
                                        std::to_string(elements) + " elements (" + std::to_string(elements * 4 >> 20) +
                                            " MiB per buffer), 4 float4 per thread per grid-stride step, " + std::to_string(blocks) +
                                            " blocks = one wave on " + std::to_string(device.sm_count) + " SMs"));
    result.have_triad = true;
    result.triad_elements = elements;
    result.triad_checksum = device_checksum(ta.get(), static_cast<size_t>(elements));
  }

  OH_CUDA(cudaDeviceSynchronize());
  result.wall_ms = elapsed_ms(started);
  return result;
}

DeviceSelftest selftest_device() {
  DeviceSelftest out;
  try {
    open_device(0);
    DeviceBuffer<uint32_t> kat(4 * kPhiloxKatCount);
    launch_philox_kat(kat.get());
    OH_LAUNCHED("philox KAT");
    std::vector<uint32_t> got(4 * kPhiloxKatCount);
    OH_CUDA(cudaMemcpy(got.data(), kat.get(), kat.bytes(), cudaMemcpyDeviceToHost));
    for (int i = 0; i < kPhiloxKatCount; ++i) {
      bool same = true;
      for (int w = 0; w < 4; ++w) same = same && got[4 * i + w] == kPhiloxKats[i].expected[w];
      if (same) ++out.kat.passed;
      else {
        ++out.kat.failed;
        out.kat.failures.push_back("device KAT " + std::to_string(i));
      }
    }
    // A fill of an odd-sized stream on the device equals the host fill element for element.
    const PhiloxKey key{0x89abcdefu, 0x01234567u};
    const uint32_t count = 4099;
    DeviceBuffer<float> device_values(count);
    launch_fill_f32(device_values.get(), count, kStreamA, key);
    OH_LAUNCHED("fill");
    std::vector<float> from_device(count), from_host(count);
    OH_CUDA(cudaMemcpy(from_device.data(), device_values.get(), device_values.bytes(), cudaMemcpyDeviceToHost));
    fill_stream(key, kStreamA, count, from_host.data());
    out.fill_matches_host = from_device == from_host;
    out.ran = true;
  } catch (const BenchError& error) {
    // No GPU (or one this build cannot use) skips the device half; any other failure is a real failure.
    if (error.exit_code() != kExitNoDevice && error.exit_code() != kExitUnsupported) throw;
    out.ran = false;
    out.skipped_code = error.code();
  }
  return out;
}

}  // namespace oh
