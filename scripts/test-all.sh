#!/usr/bin/env bash
# Runs every test: typecheck, lint, build, unit + integration (Vitest, against a real Podman engine),
# and end-to-end (Playwright in Debian's Chromium against the headless daemon). `npm test` calls this;
# so does .ci/run after installing the system packages.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .tmp

# A real container engine for the job-runner tests (Podman's Docker API on a unix socket + a local registry).
if [ -z "${DOCKER_HOST:-}" ] && command -v podman >/dev/null 2>&1; then
  # shellcheck source=../.ci/podman.sh
  source .ci/podman.sh
fi
# WebGPU without a GPU: Dawn on SwiftShader's Vulkan driver (shipped with Debian's chromium).
if [ -z "${VK_ICD_FILENAMES:-}" ] && [ -f /usr/lib/chromium/vk_swiftshader_icd.json ]; then
  export VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json
fi

step() { printf '\n=== %s ===\n' "$*"; }

step "typecheck (protocol, node, electron, renderer)"
npm run --silent typecheck
step "lint"
npm run --silent lint
step "build"
npm run --silent build
step "unit and integration tests (vitest)"
npx vitest run --reporter=default --reporter=json --outputFile.json=.tmp/vitest.json
step "end-to-end tests (playwright, chromium)"
PLAYWRIGHT_JSON_OUTPUT_FILE=.tmp/playwright.json PLAYWRIGHT_JSON_OUTPUT_NAME=.tmp/playwright.json \
  npx playwright test -c e2e/playwright.config.ts --reporter=list,json
step "summary"
node scripts/test-summary.mjs .tmp/vitest.json .tmp/playwright.json
