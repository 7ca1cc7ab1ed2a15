#!/usr/bin/env bash
# Runs every test: native (core unit, transcript and property tests), wasm component tests in
# headless Chromium, and the end-to-end browser test against a release build of the app.
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
