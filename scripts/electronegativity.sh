#!/usr/bin/env bash
# Electronegativity (Doyensec's scanner for Electron misconfigurations) over what ships of the desktop shell and
# the UI: electron/main, electron/preload and renderer/ without tests or test support. Passes only at zero findings;
# a finding that cannot apply is silenced where it is reported, with an `eng-disable` comment and the reason above it.
# The tool lives in .ci/electronegativity with its own lock file (it pulls ESLint 7 and TypeScript 4.2, which the
# app must not), installed on first use without running any package's install scripts.
set -euo pipefail
cd "$(dirname "$0")/.."

TOOL_DIR=.ci/electronegativity
TOOL="$TOOL_DIR/node_modules/.bin/electronegativity"
if [ ! -x "$TOOL" ]; then
  echo "Installing Electronegativity into $TOOL_DIR (npm ci, no install scripts)…"
  npm ci --prefix "$TOOL_DIR" --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null
fi

# The Electron version the app is built with (the range in package.json), so the version-specific checks apply.
ELECTRON_VERSION=$(node -p "require('./package.json').devDependencies.electron.replace(/^[^0-9]*/, '')")

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
tar cf - --exclude='*.test.ts' --exclude='*.test.tsx' --exclude='test-support' \
  electron/main electron/preload renderer/index.html renderer/src | tar xf - -C "$stage/"
files=$(find "$stage" -type f | wc -l)

# The tool asks GitHub for translations and Electron releases; offline it says so and goes on.
if ! "$TOOL" -i "$stage" -r -e "$ELECTRON_VERSION" -o "$stage/findings.csv" >"$stage/scan.log" 2>&1; then
  cat "$stage/scan.log"
  echo "Electronegativity could not scan the app (log above)."
  exit 1
fi
if [ ! -f "$stage/findings.csv" ]; then
  cat "$stage/scan.log"
  echo "Electronegativity wrote no findings file (log above)."
  exit 1
fi
findings=$(($(wc -l <"$stage/findings.csv") - 1))
if [ "$findings" -ne 0 ]; then
  cat "$stage/findings.csv"
  echo "Electronegativity: $findings finding(s) in $files files (Electron $ELECTRON_VERSION). Fix each, or silence one that cannot apply with an eng-disable comment that says why."
  exit 1
fi
echo "Electronegativity: 0 findings in $files files (Electron $ELECTRON_VERSION)."
