#!/usr/bin/env bash
# `npm run bench`: builds, then runs every benchmark suite (bench/run.ts) and writes bench-report.json.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=./test-env.sh
source scripts/test-env.sh
npm run --silent build
node dist/bench/run.js "$@"
