#!/usr/bin/env bash
# Installs every dependency (apt-get, Debian 12), builds vswitch three times (release with -Werror,
# ASan+UBSan, and a ThreadSanitizer vswitchd) and runs every test with CTest: unit tests in the first
# two builds, the root-only integration tests (real TAP devices, AF_PACKET sockets and network
# namespaces) in the release build, the forwarding integration tests once more against the ASan+UBSan
# vswitchd with two datapath workers, and the threaded datapath's tests against the TSan vswitchd.
#
# Usage: sudo scripts/test.sh            (what CI runs through .ci/run)
#        BUILD_DIR=... SAN_BUILD_DIR=... CTEST_ARGS="-R fdb" scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" -ne 0 ]; then
  echo "test.sh: the integration tests need root (network namespaces, TAP devices): run with sudo" >&2
  exit 1
fi

./scripts/install-deps.sh all

echo "== clang-format check"
git ls-files '*.cc' '*.h' | xargs clang-format --dry-run --Werror || {
  echo "test.sh: run clang-format -i on the files above" >&2
  exit 1
}

BUILD_DIR=${BUILD_DIR:-build}
SAN_BUILD_DIR=${SAN_BUILD_DIR:-build-asan}
TSAN_BUILD_DIR=${TSAN_BUILD_DIR:-build-tsan}
JOBS=${JOBS:-$(nproc)}

echo "== release build ($BUILD_DIR)"
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVSWITCH_WERROR=ON >/dev/null
cmake --build "$BUILD_DIR" -j "$JOBS"

echo "== sanitizer build ($SAN_BUILD_DIR): AddressSanitizer + UndefinedBehaviorSanitizer"
cmake -S . -B "$SAN_BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DVSWITCH_WERROR=ON -DVSWITCH_SANITIZE=ON >/dev/null
cmake --build "$SAN_BUILD_DIR" -j "$JOBS"

status=0
echo "== unit tests under ASan+UBSan"
(cd "$SAN_BUILD_DIR" && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --output-on-failure -L unit ${CTEST_ARGS:-}) || status=1

echo "== fuzzing: frame path and control path, ${FUZZ_TIME:-60} s each (libFuzzer, ASan+UBSan)"
FUZZ_TIME=${FUZZ_TIME:-60} ./scripts/fuzz.sh || status=1

echo "== all tests (unit and integration)"
(cd "$BUILD_DIR" && ctest --output-on-failure ${CTEST_ARGS:-}) || status=1

echo "== forwarding and control integration tests against the ASan+UBSan vswitchd, two datapath workers"
(cd "$SAN_BUILD_DIR" && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
  VSWITCHD_ARGS="--threads 2" \
  ctest --output-on-failure -R 'integration\.test_(forward|uplink|vlan|link_loss|ctl|threads)' ${CTEST_ARGS:-}) ||
  status=1

echo "== ThreadSanitizer build ($TSAN_BUILD_DIR): datapath workers against the control thread"
cmake -S . -B "$TSAN_BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVSWITCH_TSAN=ON >/dev/null
cmake --build "$TSAN_BUILD_DIR" -j "$JOBS" --target vswitchd vswitchctl datapath_tests
(cd "$TSAN_BUILD_DIR" && TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 VSWITCHD_ARGS="--threads 2" \
  ctest --output-on-failure -R 'PauseGate|integration\.test_(threads|forward_veth|link_loss|ctl)' ${CTEST_ARGS:-}) ||
  status=1
exit $status
