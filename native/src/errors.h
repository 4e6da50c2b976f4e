// Failures that end the run. Each one becomes {"ok":false,"error":{code,message,nextStep}} on stdout and a
// distinct exit status, so the app can tell "no GPU here" from "the GPU computed a wrong answer".
#pragma once

#include <stdexcept>
#include <string>

namespace oh {

enum ExitCode : int {
  kExitOk = 0,
  kExitInternal = 1,       // a bug in this program
  kExitUsage = 2,          // bad command line
  kExitNoDevice = 3,       // no NVIDIA GPU or no driver
  kExitUnsupported = 4,    // GPU too old or driver too old for this build
  kExitCudaError = 5,      // the driver reported an error while running
  kExitWrongResult = 6,    // the GPU's output failed the self-check
  kExitIo = 7,             // could not write --out-c
  kExitSelftestFailed = 8  // --selftest found a mismatch
};

class BenchError : public std::runtime_error {
 public:
  BenchError(int exit_code, std::string code, const std::string& message, std::string next_step)
      : std::runtime_error(message), exit_code_(exit_code), code_(std::move(code)), next_step_(std::move(next_step)) {}

  int exit_code() const { return exit_code_; }
  const std::string& code() const { return code_; }
  const std::string& next_step() const { return next_step_; }

 private:
  int exit_code_;
  std::string code_;
  std::string next_step_;
};

}  // namespace oh
