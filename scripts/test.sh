#!/usr/bin/env bash
# Runs every test: native (core unit, transcript, lesson and simulation property tests), wasm
# component tests in headless Chromium, the end-to-end browser test against a release build of
# the app, and a short fuzzing smoke run of every fuzz target (scripts/fuzz.sh runs long ones).
# Installs whatever is missing first (scripts/setup.sh).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$root"
bash scripts/setup.sh --browser
cargo fetch --quiet

echo "== native tests"
cargo test -p kubesim-core --locked

echo "== wasm component tests (headless Chromium)"
CHROMEDRIVER=/usr/bin/chromedriver cargo test -p kubesim-web --target wasm32-unknown-unknown --locked

echo "== web release build"
trunk build --release --offline

echo "== end-to-end (headless Chromium)"
node tests/e2e/run.mjs

echo "== fuzzing smoke run (10 s per target; scripts/fuzz.sh SECONDS for long runs)"
bash scripts/fuzz.sh 10
