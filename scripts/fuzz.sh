#!/usr/bin/env bash
# Fuzzes every entry point that takes user input (cargo-fuzz / libFuzzer, AddressSanitizer):
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET ...]
# FUZZ_RUNS=N stops a target after N inputs if that comes first (the issue's 10 million).
# Targets: manifest console share_link session lesson (fuzz/fuzz_targets). Default: 30 s each.
# Seeds come from the project's transcripts and lessons (fuzz/seeds.py). A crash, a panic, an
# input running over 1 s or allocating over 512 MB stops the run and leaves the input in
# fuzz/artifacts/TARGET/ — make it a regression test. Limits are documented in RELIABILITY.md.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
CARGO_FUZZ_VERSION=0.13.1
secs="${1:-30}"
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(manifest console share_link session lesson)
if ! cargo fuzz --version 2>/dev/null | grep -q "$CARGO_FUZZ_VERSION"; then
  echo "fuzz: installing cargo-fuzz $CARGO_FUZZ_VERSION" >&2
  cargo install cargo-fuzz --version "=$CARGO_FUZZ_VERSION" --locked
fi
# cargo-fuzz passes -Z flags (sanitizers, coverage): the stable toolchain accepts them this way
export RUSTC_BOOTSTRAP=1
cd "$root/fuzz"
python3 seeds.py "$root/fuzz/corpus-seeds"
cargo fuzz build -O
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t"
  echo "== fuzz $t for ${secs}s" >&2
  deadline=$(( $(date +%s) + secs ))
  # A timeout can be the machine's load (other work on the same cores), not the input: it is
  # run again alone; if it then finishes within the 1 s limit it is set aside in
  # artifacts/TARGET/unconfirmed/ and fuzzing goes on for the time left.
  while :; do
    left=$(( deadline - $(date +%s) ))
    [ "$left" -gt 0 ] || break
    cargo fuzz run -O "$t" "corpus/$t" "corpus-seeds/$t" -- \
      -max_total_time="$left" ${FUZZ_RUNS:+-runs=$FUZZ_RUNS} -timeout=1 -malloc_limit_mb=512 -rss_limit_mb=4096 -print_final_stats=1 2>&1 \
      | grep -E '^(#[0-9]+ +DONE|Done|stat::number_of_executed_units|stat::peak_rss_mb|==[0-9]+==|SUMMARY|.*panicked|.*ERROR|.*Test unit written)' || true
    found=$(find "artifacts/$t" -maxdepth 1 -type f | head -1)
    [ -n "$found" ] || break
    case "$(basename "$found")" in
      timeout-*)
        if cargo fuzz run -O "$t" "$found" -- -timeout=1 >/dev/null 2>&1; then
          mkdir -p "artifacts/$t/unconfirmed"
          mv "$found" "artifacts/$t/unconfirmed/"
          echo "fuzz: $t: $(basename "$found") finished within 1 s when run alone (the machine was busy): set aside, fuzzing on" >&2
          continue
        fi ;;
    esac
    echo "fuzz: $t found a failing input: $found" >&2
    exit 1
  done
done
