#!/usr/bin/env bash
# The scheduler benchmark in WebAssembly under Node.js (the same core code as
# `kubesim bench schedule`). Arguments are passed on: --nodes N --pods P [--score-all].
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$root"
bash scripts/setup.sh >/dev/null
cargo build --quiet --profile native --target wasm32-unknown-unknown -p kubesim-bench-wasm
out=target/bench-wasm
wasm-bindgen --target nodejs --out-dir "$out" target/wasm32-unknown-unknown/native/kubesim_bench_wasm.wasm
node tools/bench-wasm/run.mjs "$out" "$@"
