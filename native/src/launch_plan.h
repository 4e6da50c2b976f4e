// Launch geometry derived from the device's properties: pure host code, so it is tested without a GPU
// (offhours-cuda-bench --plan) and the GPU run reports exactly what it launched.
#pragma once

#include <string>

namespace oh {

struct LaunchPlan {
  int n = 0;              // the challenge's matrix size (C is computed and checked at this size)
  int gemm_timing_n = 0;  // the size GEMM is timed at: n, or larger so the grid fills every SM
  int gemm_blocks = 0;    // 128x128 tiles of the timed launch
  int fma_blocks = 0;     // whole waves: SMs x resident blocks per SM x kFmaWaves
  int fma_waves = 0;
  int triad_blocks = 0;   // one full wave: SMs x resident blocks per SM
};

// The SGEMM and HGEMM block tile (kernels.cu asserts it matches gemm_tiles.h).
constexpr int kGemmTile = 128;
// Blocks of 128x128 tiles we want at least per SM, so no SM idles and tail effects stay small.
constexpr int kGemmBlocksPerSm = 2;
constexpr int kFmaWaves = 2;

// The smallest multiple of the 128 tile whose square grid has at least kGemmBlocksPerSm blocks per SM, or n
// when that is already larger (capped at the exact-sum limit).
int gemm_timing_n(int n, int sm_count);

LaunchPlan plan_launches(int n, int sm_count, int fma_blocks_per_sm, int triad_blocks_per_sm);

// "n=256 (C), timed at n=2176: 17x17 = 289 blocks on 132 SMs (>= 2 per SM)" and friends, for the report.
std::string gemm_plan_text(const LaunchPlan& plan, int sm_count);

// The JSON document of --plan (one line).
std::string plan_json(const LaunchPlan& plan, int sm_count);

}  // namespace oh
