#!/usr/bin/env bash
# The playground's UI figures in headless Chromium: time to interactive, console latency at
# 2,000 pods, frame rate while dragging at 100 nodes (tests/e2e/bench.mjs), and the size of
# what the browser downloads. Builds the release app first.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$root"
bash scripts/setup.sh --browser >/dev/null
trunk build --release --offline >/dev/null 2>&1
for f in dist/*.wasm dist/*.js; do
  echo "download: $(basename "$f"): $(wc -c <"$f") bytes, $(gzip -9 -c "$f" | wc -c) gzip"
done
node tests/e2e/bench.mjs
