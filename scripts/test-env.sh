# shellcheck shell=bash
# The real components tests and benchmarks use, set up the same way for both (sourced, not run).
# A real container engine: Podman's Docker API on a unix socket + a local registry (.ci/podman.sh).
if [ -z "${DOCKER_HOST:-}" ] && command -v podman >/dev/null 2>&1; then
  # shellcheck source=../.ci/podman.sh
  source .ci/podman.sh
fi
# WebGPU without a GPU: Dawn on SwiftShader's Vulkan driver (shipped with Debian's chromium).
if [ -z "${VK_ICD_FILENAMES:-}" ] && [ -f /usr/lib/chromium/vk_swiftshader_icd.json ]; then
  export VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json
fi
