#!/usr/bin/env bash
# Release build of the web app into dist/, offline, with the pinned tools.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$root"
cargo fetch --quiet
trunk build --release --offline
