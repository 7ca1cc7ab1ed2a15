#!/usr/bin/env bash
# Installs what the build and the tests need, skipping what is already there.
# Pinned versions: see ../shared/TOOLCHAIN.md. Nothing is downloaded from GitHub.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
TRUNK_VERSION=0.21.14
WASM_BINDGEN_VERSION=0.2.130   # must equal the `wasm-bindgen` pin in web/Cargo.toml
need_browser="${1:-}"

log() { echo "setup: $*" >&2; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if ! trunk --version 2>/dev/null | grep -q "$TRUNK_VERSION"; then
  log "installing trunk $TRUNK_VERSION (takes a few minutes)"
  cargo install trunk --version "=$TRUNK_VERSION" --locked
fi

if ! wasm-bindgen --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION"; then
  log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  # Not --locked: its lockfile names a webpki-roots release the registry here lacks.
  cargo install wasm-bindgen-cli --version "=$WASM_BINDGEN_VERSION"
fi

# wasm-opt from npm's binaryen, project-local. Debian's binaryen builds a wasm that crashes on load.
if [ ! -x "$root/tools/node_modules/.bin/wasm-opt" ] || [ ! -d "$root/tools/node_modules/playwright-core" ]; then
  log "installing npm tools (binaryen, playwright-core)"
  (cd "$root/tools" && npm ci --no-audit --no-fund --loglevel=error)
fi

if [ "$need_browser" = "--browser" ]; then
  if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
    log "installing chromium and chromium-driver"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq chromium chromium-driver >/dev/null
  fi
  # a Hangul font, so the Korean UI's screenshots show Korean (a bare Debian has none; the
  # learner's own browser does)
  if [ ! -d /usr/share/fonts/truetype/nanum ]; then
    log "installing fonts-nanum (Korean screenshots)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq fonts-nanum >/dev/null
  fi
fi
