#include "launch_plan.h"

#include <algorithm>

#include "inputs.h"
#include "json.h"

namespace oh {

int gemm_timing_n(int n, int sm_count) {
  const int wanted = std::max(1, sm_count) * kGemmBlocksPerSm;
  int tiles = 1;
  while (tiles * tiles < wanted) ++tiles;
  const int fill_n = std::min(kMaxExactN, tiles * kGemmTile);
  return std::max(n, fill_n);
}

LaunchPlan plan_launches(int n, int sm_count, int fma_blocks_per_sm, int triad_blocks_per_sm) {
  LaunchPlan plan;
  const int sms = std::max(1, sm_count);
  plan.n = n;
  plan.gemm_timing_n = gemm_timing_n(n, sms);
  const int tiles = (plan.gemm_timing_n + kGemmTile - 1) / kGemmTile;
  plan.gemm_blocks = tiles * tiles;
  plan.fma_waves = kFmaWaves;
  plan.fma_blocks = sms * std::max(1, fma_blocks_per_sm) * kFmaWaves;
  plan.triad_blocks = sms * std::max(1, triad_blocks_per_sm);
  return plan;
}

std::string gemm_plan_text(const LaunchPlan& plan, int sm_count) {
  const int tiles = (plan.gemm_timing_n + kGemmTile - 1) / kGemmTile;
  std::string text = "n=" + std::to_string(plan.gemm_timing_n) + " timed";
  if (plan.gemm_timing_n != plan.n) text += " (C at n=" + std::to_string(plan.n) + ")";
  text += ", " + std::to_string(tiles) + "x" + std::to_string(tiles) + " = " + std::to_string(plan.gemm_blocks) + " blocks on " +
          std::to_string(sm_count) + " SMs";
  return text;
}

std::string plan_json(const LaunchPlan& plan, int sm_count) {
  JsonWriter json;
  json.begin_object();
  json.key("smCount").value(sm_count);
  json.key("n").value(plan.n);
  json.key("gemmTimingN").value(plan.gemm_timing_n);
  json.key("gemmBlocks").value(plan.gemm_blocks);
  json.key("gemmBlocksPerSm").value(static_cast<double>(plan.gemm_blocks) / std::max(1, sm_count));
  json.key("gemmText").value(gemm_plan_text(plan, sm_count));
  json.key("fmaBlocks").value(plan.fma_blocks);
  json.key("fmaWaves").value(plan.fma_waves);
  json.key("triadBlocks").value(plan.triad_blocks);
  json.end_object();
  return json.str();
}

}  // namespace oh
