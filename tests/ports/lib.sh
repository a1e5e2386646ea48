# Shared by the port tests' shell scripts: root check, unique names, namespaces and processes that are
# cleaned up on exit (also on failure), and small helpers. Source it; it sets -euo pipefail.
set -euo pipefail

if [ "$(id -u)" != 0 ]; then
  echo "SKIP: needs root"
  exit 77
fi
for tool in ip ping iperf3 nstat; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool not installed"; exit 77; }
done
[ -c /dev/net/tun ] || { echo "SKIP: no /dev/net/tun"; exit 77; }

BUILD_DIR=${VSWITCH_BUILD_DIR:?VSWITCH_BUILD_DIR must point at the build directory}
PORT_WIRE=${PORT_WIRE:-$BUILD_DIR/tests/tools/port_wire}
VLAN_TRUNK_PEER=${VLAN_TRUNK_PEER:-$BUILD_DIR/tests/tools/vlan_trunk_peer}

# Unique per run: pid + random, short enough for 15-byte interface names with a 3-byte prefix.
SUF=$(printf '%x%s' $(($$ % 65536)) "$(od -An -N2 -tx1 /dev/urandom | tr -d ' \n')")
WORK=$(mktemp -d /tmp/vsp-test.XXXXXX)
NAMESPACES=()
PIDS=()

cleanup() {
  local rc=$?
  set +e
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null; done
  for ns in "${NAMESPACES[@]}"; do ip netns del "$ns" 2>/dev/null; done
  if [ "$rc" != 0 ] && [ "$rc" != 77 ]; then
    echo "---- logs ($WORK) ----"
    for f in "$WORK"/*; do [ -f "$f" ] && { echo "== $f"; tail -n 40 "$f"; }; done
  fi
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# new_ns VAR: creates a namespace, stores its name in VAR, and brings its loopback up.
new_ns() {
  local name="vsp${#NAMESPACES[@]}$SUF"
  ip netns add "$name"
  NAMESPACES+=("$name")
  ip -n "$name" link set lo up
  printf -v "$1" '%s' "$name"
}

# spawn LOG CMD...: runs CMD in the background with output to LOG; its pid goes to $SPAWNED and is
# killed on exit.
spawn() {
  local log=$1
  shift
  "$@" >"$log" 2>&1 &
  SPAWNED=$!
  PIDS+=("$SPAWNED")
}

# wait_for_line FILE PATTERN [SECONDS]
wait_for_line() {
  local file=$1 pattern=$2 limit=${3:-10}
  for _ in $(seq $((limit * 10))); do
    grep -q -- "$pattern" "$file" 2>/dev/null && return 0
    sleep 0.1
  done
  fail "'$pattern' did not appear in $file within ${limit}s"
}

# stop PID: SIGTERM and wait; returns the exit status.
stop() {
  kill -TERM "$1" 2>/dev/null || true
  local rc=0
  wait "$1" || rc=$?
  return $rc
}

# tcp_csum_errors NS: the namespace's TCP InCsumErrors counter.
tcp_csum_errors() {
  ip netns exec "$1" awk '/^Tcp:/ { if (!h) { for (i = 1; i <= NF; i++) if ($i == "InCsumErrors") c = i; h = 1 } else print $c }' /proc/net/snmp
}

# stat_of LOG PORT FIELD: a counter from port_wire's final "stats" line for PORT (0 if absent).
stat_of() {
  local line
  line=$(grep "^stats $2 " "$1" || true)
  [ -n "$line" ] || fail "no stats line for $2 in $1"
  echo "$line" | tr ' ' '\n' | awk -F= -v k="$3" '$1 == k { print $2; found = 1 } END { if (!found) print 0 }'
}
