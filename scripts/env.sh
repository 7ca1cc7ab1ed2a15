# Sourced by the scripts: the project's tools first on PATH (npm's wasm-opt, never Debian's).
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$root/tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"
