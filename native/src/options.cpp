#include "options.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <sstream>

#include "errors.h"

namespace oh {

const char* const kUsage =
    "usage: offhours-cuda-bench --seed HEX16 [--n N] [--quick] [--kernels fma,sgemm,hgemm,triad,sgemm_sustained]\n"
    "                           [--out-c PATH] [--trials 7] [--device 0] [--sustained-seconds S]\n"
    "                           [--triad-elements N] [--no-progress]\n"
    "       offhours-cuda-bench --cpu --seed HEX16 --n N [--out-c PATH] [--triad-elements N]\n"
    "       offhours-cuda-bench --selftest\n"
    "       offhours-cuda-bench --plan --sm-count S [--n N] [--quick] [--fma-blocks-per-sm B] [--triad-blocks-per-sm B]\n"
    "Prints one JSON document on stdout; progress lines (JSON) on stderr.\n";

const char* kernel_name(Kernel kernel) {
  switch (kernel) {
    case Kernel::Fma: return "fma";
    case Kernel::Sgemm: return "sgemm";
    case Kernel::Hgemm: return "hgemm";
    case Kernel::Triad: return "triad";
    case Kernel::SgemmSustained: return "sgemm_sustained";
  }
  return "unknown";
}

bool Options::wants(Kernel kernel) const {
  return std::find(kernels.begin(), kernels.end(), kernel) != kernels.end();
}

namespace {

[[noreturn]] void usage_error(const std::string& message) {
  throw BenchError(kExitUsage, "bad-arguments", message, "Run offhours-cuda-bench --help for the options.");
}

int64_t parse_int(const std::string& flag, const std::string& text, int64_t min, int64_t max) {
  errno = 0;
  char* end = nullptr;
  const long long value = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || errno != 0 || value < min || value > max) {
    std::ostringstream message;
    message << flag << " must be an integer from " << min << " to " << max << ", got \"" << text << "\"";
    usage_error(message.str());
  }
  return value;
}

double parse_seconds(const std::string& flag, const std::string& text) {
  errno = 0;
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || errno != 0 || !(value >= 0 && value <= 600)) {
    usage_error(flag + " must be a number of seconds from 0 to 600, got \"" + text + "\"");
  }
  return value;
}

std::vector<Kernel> parse_kernels(const std::string& list) {
  std::vector<Kernel> kernels;
  std::istringstream in(list);
  std::string name;
  while (std::getline(in, name, ',')) {
    Kernel kernel;
    if (name == "fma") kernel = Kernel::Fma;
    else if (name == "sgemm") kernel = Kernel::Sgemm;
    else if (name == "hgemm") kernel = Kernel::Hgemm;
    else if (name == "triad") kernel = Kernel::Triad;
    else if (name == "sgemm_sustained") kernel = Kernel::SgemmSustained;
    else usage_error("unknown kernel \"" + name + "\" (fma, sgemm, hgemm, triad, sgemm_sustained)");
    if (std::find(kernels.begin(), kernels.end(), kernel) == kernels.end()) kernels.push_back(kernel);
  }
  if (kernels.empty()) usage_error("--kernels needs at least one kernel");
  return kernels;
}

}  // namespace

bool parse_seed(const std::string& hex, PhiloxKey& key) {
  if (hex.size() != 16) return false;
  uint64_t seed = 0;
  for (const char ch : hex) {
    int digit;
    if (ch >= '0' && ch <= '9') digit = ch - '0';
    else if (ch >= 'a' && ch <= 'f') digit = ch - 'a' + 10;
    else return false;
    seed = (seed << 4) | static_cast<uint64_t>(digit);
  }
  key.k0 = static_cast<uint32_t>(seed & 0xffffffffu);
  key.k1 = static_cast<uint32_t>(seed >> 32);
  return true;
}

Options parse_options(int argc, const char* const* argv) {
  Options options;
  bool have_seed = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) usage_error(arg + " needs a value");
      return argv[++i];
    };
    if (arg == "--help" || arg == "-h") options.help = true;
    else if (arg == "--selftest") options.selftest = true;
    else if (arg == "--plan") options.plan = true;
    else if (arg == "--sm-count") options.plan_sm_count = static_cast<int>(parse_int(arg, next(), 1, 4096));
    else if (arg == "--fma-blocks-per-sm") options.plan_fma_blocks_per_sm = static_cast<int>(parse_int(arg, next(), 1, 64));
    else if (arg == "--triad-blocks-per-sm") options.plan_triad_blocks_per_sm = static_cast<int>(parse_int(arg, next(), 1, 64));
    else if (arg == "--cpu") options.cpu = true;
    else if (arg == "--quick") options.quick = true;
    else if (arg == "--no-progress") options.progress = false;
    else if (arg == "--seed") {
      options.seed_hex = next();
      if (!parse_seed(options.seed_hex, options.key)) usage_error("--seed must be 16 lowercase hex digits, got \"" + options.seed_hex + "\"");
      have_seed = true;
    } else if (arg == "--n") options.n = static_cast<int>(parse_int(arg, next(), 1, kMaxExactN));
    else if (arg == "--kernels") options.kernels = parse_kernels(next());
    else if (arg == "--out-c") options.out_c = next();
    else if (arg == "--trials") options.trials = static_cast<int>(parse_int(arg, next(), 1, 101));
    else if (arg == "--device") options.device = static_cast<int>(parse_int(arg, next(), 0, 63));
    else if (arg == "--sustained-seconds") options.sustained_seconds = parse_seconds(arg, next());
    else if (arg == "--triad-elements") options.triad_elements = parse_int(arg, next(), 4, int64_t{1} << 30);
    else usage_error("unknown option \"" + arg + "\"");
  }
  if (options.help || options.selftest) return options;
  if (options.plan) {
    if (options.plan_sm_count == 0) usage_error("--plan needs --sm-count");
    if (options.n == 0) options.n = options.quick ? 2048 : 4096;
    return options;
  }
  if (!have_seed) usage_error("--seed is required");
  if (options.triad_elements % 4 != 0) usage_error("--triad-elements must be a multiple of 4");

  if (options.cpu) {
    if (options.n == 0) usage_error("--cpu needs --n");
    if (options.n > 2048) usage_error("--cpu computes C on the CPU; use --n 2048 or less");
    if (options.triad_elements == 0) options.triad_elements = int64_t{1} << 20;
    if (options.kernels.empty()) options.kernels = {Kernel::Sgemm, Kernel::Triad};
    return options;
  }

  if (options.n == 0) options.n = options.quick ? 2048 : 4096;
  if (options.triad_elements == 0) options.triad_elements = options.quick ? (int64_t{1} << 24) : (int64_t{1} << 26);
  if (options.sustained_seconds < 0) options.sustained_seconds = options.quick ? 0 : 20;
  if (options.kernels.empty()) {
    options.kernels = {Kernel::Fma, Kernel::Sgemm, Kernel::Hgemm, Kernel::Triad};
    if (options.sustained_seconds > 0) options.kernels.push_back(Kernel::SgemmSustained);
  }
  if (options.wants(Kernel::SgemmSustained) && options.sustained_seconds <= 0) options.sustained_seconds = options.quick ? 3 : 20;
  return options;
}

}  // namespace oh
