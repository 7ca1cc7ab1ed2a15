#!/usr/bin/env bash
# Serves the playground at http://127.0.0.1:8080 with the embedded default cluster.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$root"
bash scripts/setup.sh
cargo fetch --quiet
exec trunk serve --release --offline --address 127.0.0.1 --port 8080
