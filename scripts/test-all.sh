#!/usr/bin/env bash
# Runs every test: typecheck, lint, build, unit + integration (Vitest, against a real Podman engine),
# and end-to-end (Playwright in Debian's Chromium against the headless daemon). `npm test` calls this;
# so does .ci/run after installing the system packages.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .tmp

# shellcheck source=./test-env.sh
source scripts/test-env.sh

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
