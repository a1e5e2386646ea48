#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz) with clang, ASan and UBSan, runs each for a bounded time
# from its seed corpus, and fails on any crash, leak, timeout, out-of-memory or sanitizer report.
# Prints each target's executions per second and coverage (libFuzzer's cov: edges, ft: features).
#
# Usage: scripts/fuzz.sh [target...]          (default: frame_fuzzer rpc_fuzzer)
# Env:   FUZZ_TIME=60        seconds per target
#        FUZZ_BUILD_DIR=build-fuzz
#        FUZZ_MAX_LEN=4096   largest input (bytes)
#        FUZZ_RSS_MB=2048    libFuzzer's -rss_limit_mb
#        JOBS=2              build parallelism
# The corpus a run grows is kept in $FUZZ_BUILD_DIR/fuzz-corpus/<target> (not in the source tree), so
# later runs start from it; crashing inputs land in $FUZZ_BUILD_DIR/fuzz-artifacts/<target>/. A fixed
# crash's input belongs in tests/fuzz/corpus/<kind>/ as a seed, so every later run replays it.
set -euo pipefail
cd "$(dirname "$0")/.."

FUZZ_TIME=${FUZZ_TIME:-60}
FUZZ_BUILD_DIR=${FUZZ_BUILD_DIR:-build-fuzz}
FUZZ_MAX_LEN=${FUZZ_MAX_LEN:-4096}
FUZZ_RSS_MB=${FUZZ_RSS_MB:-2048}
JOBS=${JOBS:-2}
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(frame_fuzzer rpc_fuzzer)

if ! command -v clang++ >/dev/null; then
  echo "fuzz.sh: clang++ not found (scripts/install-deps.sh installs clang-14 and libclang-rt-14-dev)" >&2
  exit 1
fi

echo "== fuzz build ($FUZZ_BUILD_DIR): clang, libFuzzer, ASan+UBSan"
CC=clang CXX=clang++ cmake -S . -B "$FUZZ_BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DVSWITCH_FUZZ=ON >/dev/null
cmake --build "$FUZZ_BUILD_DIR" -j "$JOBS" --target "${targets[@]}"

status=0
summary=()
for t in "${targets[@]}"; do
  kind=${t%_fuzzer}
  seeds=tests/fuzz/corpus/$kind
  corpus=$FUZZ_BUILD_DIR/fuzz-corpus/$t
  artifacts=$FUZZ_BUILD_DIR/fuzz-artifacts/$t
  log=$FUZZ_BUILD_DIR/fuzz-$t.log
  mkdir -p "$corpus" "$artifacts"
  echo "== $t: ${FUZZ_TIME}s, max_len $FUZZ_MAX_LEN, rss limit ${FUZZ_RSS_MB} MB (log: $log)"
  rc=0
  # detect_leaks: LeakSanitizer runs at exit and on every new input libFuzzer suspects of leaking.
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:symbolize=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    timeout --kill-after=10 $((FUZZ_TIME + 120)) \
    "$FUZZ_BUILD_DIR/tests/fuzz/$t" -max_total_time="$FUZZ_TIME" -max_len="$FUZZ_MAX_LEN" \
    -rss_limit_mb="$FUZZ_RSS_MB" -timeout=10 -print_final_stats=1 -artifact_prefix="$artifacts/" \
    "$corpus" "$seeds" >"$log" 2>&1 || rc=$?
  final=$(grep -aE '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1 || true)
  cov=$(sed -nE 's/.* cov: ([0-9]+).*/\1/p' <<<"$final")
  ft=$(sed -nE 's/.* ft: ([0-9]+).*/\1/p' <<<"$final")
  execs=$(sed -nE 's/^stat::average_exec_per_sec:[[:space:]]+([0-9]+)/\1/p' "$log" | tail -1)
  runs=$(sed -nE 's/^stat::number_of_executed_units:[[:space:]]+([0-9]+)/\1/p' "$log" | tail -1)
  if [ "$rc" -ne 0 ] || [ -z "$final" ] ||
    grep -aqE 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:|invariant violated|rpc_fuzzer: ' "$log"; then
    echo "FAIL $t (exit $rc): see $log; the input is in $artifacts/" >&2
    grep -aE 'ERROR:|SUMMARY:|runtime error:|invariant violated|rpc_fuzzer: |Test unit written' "$log" | head -20 >&2 || true
    status=1
  fi
  line=$(printf '%-13s runs %-9s exec/s %-7s cov: %-6s ft: %s' "$t" "${runs:-?}" "${execs:-?}" "${cov:-?}" "${ft:-?}")
  summary+=("$line")
  echo "$line"
done

echo "== fuzz summary (${FUZZ_TIME}s each)"
printf '%s\n' "${summary[@]}"
exit $status
