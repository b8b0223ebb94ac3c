#!/usr/bin/env bash
# Runs every fuzz target of fuzz/ for a bounded time (FUZZ_SECONDS, default 60 each) and
# prints each one's executions; a crash stops the run with the input that caused it, kept
# under fuzz/artifacts/<target>/ for `cargo +nightly fuzz run <target> <file>`.
#
# Needs the nightly toolchain and cargo-fuzz; like scripts/prerequisites.sh this never
# installs anything, it names the command that does.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${FUZZ_SECONDS:-60}"
if ! rustup run nightly rustc --version >/dev/null 2>&1; then
  echo "make fuzz needs Rust nightly: rustup toolchain install nightly --profile minimal" >&2
  exit 2
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "make fuzz needs cargo-fuzz: cargo install cargo-fuzz --locked" >&2
  exit 2
fi

# The fuzz build is kept beside the main one (CARGO_TARGET_DIR), not in the work tree.
export CARGO_TARGET_DIR="${FUZZ_TARGET_DIR:-${CARGO_TARGET_DIR:-target}/fuzz}"

# Seeds: the demo inventories and the bad files, copied in fresh each run; what the fuzzer
# finds beyond them stays in fuzz/corpus (not committed).
seed() {
  local target="$1"; shift
  mkdir -p "fuzz/corpus/$target"
  for f in "$@"; do [ -f "$f" ] && cp -f "$f" "fuzz/corpus/$target/seed-$(basename "$f")"; done
  return 0
}
seed upload sample-data/inventories/* sample-data/bad/*
seed csv sample-data/inventories/*.csv sample-data/bad/*.csv
mkdir -p fuzz/corpus/xlsx_sheet
for f in sample-data/inventories/*.xlsx; do
  unzip -p "$f" xl/worksheets/sheet1.xml > "fuzz/corpus/xlsx_sheet/seed-$(basename "$f" .xlsx).xml" 2>/dev/null || true
done

status=0
for target in upload csv xlsx_sheet; do
  echo "== fuzz target $target, ${seconds}s"
  log="$CARGO_TARGET_DIR/$target.log"
  mkdir -p "$CARGO_TARGET_DIR"
  if (cd fuzz && cargo +nightly fuzz run "$target" "corpus/$target" -- \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1) >"$log" 2>&1; then
    runs=$(grep -Eo 'Done [0-9]+ runs' "$log" | tail -1 || true)
    echo "   ok: ${runs:-no run count} in ${seconds}s; corpus $(ls "fuzz/corpus/$target" | wc -l) inputs"
  else
    status=1
    echo "   FAILED: see $log"; grep -E 'panicked|ERROR|SUMMARY|Test unit written' "$log" | head -20
  fi
done
exit $status
