# Shared helpers for integration tests: unique names, namespaces as VMs, a private vswitchd, cleanup.
#
# Source it at the top of a test: `. "$(dirname "$0")/lib.sh"`. Everything a test creates through these
# helpers is registered and removed on exit (also on failure or interruption). Names carry a per-run
# suffix so that leftovers of a crashed run never collide with the next one. Nothing here touches an
# interface the test did not create; addresses (10.77.x.y) live only inside the test's namespaces.

set -euo pipefail

if [ "$(id -u)" -ne 0 ]; then
  echo "SKIP: needs root" >&2
  exit 77
fi

VSWITCH_SOURCE_DIR=${VSWITCH_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
VSWITCH_BUILD_DIR=${VSWITCH_BUILD_DIR:-$VSWITCH_SOURCE_DIR/build}
VSWITCHD=${VSWITCHD:-$VSWITCH_BUILD_DIR/switchd/control/vswitchd}
VSWITCHCTL=${VSWITCHCTL:-$VSWITCH_BUILD_DIR/ctl/vswitchctl}
PY=/usr/bin/python3

RUN_ID=$(printf '%04x' $((RANDOM % 65536)))$(printf '%02x' $(($$ % 256)))  # 6 hex chars
T_DIR=$(mktemp -d /tmp/vswitch-test.XXXXXX)
T_SOCK=$T_DIR/vswitchd.sock
export VSWITCH_SOCKET=$T_SOCK

_netns=()
_links=()
_pids=()
DAEMON_PID=

log() { echo "[$(date +%T)] $*" >&2; }
fail() {
  echo "FAIL: $*" >&2
  exit 1
}

cleanup() {
  local rc=$?
  set +e
  for pid in "${_pids[@]}"; do kill "$pid" 2>/dev/null; done
  if [ -n "$DAEMON_PID" ] && kill -0 "$DAEMON_PID" 2>/dev/null; then
    kill -TERM "$DAEMON_PID"
    for _ in $(seq 50); do kill -0 "$DAEMON_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$DAEMON_PID" 2>/dev/null
  fi
  for pid in "${_pids[@]}"; do kill -KILL "$pid" 2>/dev/null; done
  # A sanitized daemon (ASan, UBSan, TSan builds) reports to its log, even at shutdown: any report
  # fails the test.
  if [ -f "$T_DIR/vswitchd.log" ] &&
    grep -qE "ERROR: (Address|Leak)Sanitizer|WARNING: ThreadSanitizer|runtime error:" "$T_DIR/vswitchd.log"; then
    echo "FAIL: sanitizer report in the vswitchd log:" >&2
    grep -E -A25 "ERROR: (Address|Leak)Sanitizer|WARNING: ThreadSanitizer|runtime error:" "$T_DIR/vswitchd.log" |
      head -n 60 >&2
    [ $rc -eq 0 ] && rc=1
  fi
  for l in "${_links[@]}"; do ip link del "$l" 2>/dev/null; done
  for ns in "${_netns[@]}"; do ip netns del "$ns" 2>/dev/null; done
  if [ $rc -ne 0 ] && [ -f "$T_DIR/vswitchd.log" ]; then
    echo "---- vswitchd log (last 40 lines) ----" >&2
    tail -n 40 "$T_DIR/vswitchd.log" >&2
  fi
  rm -rf "$T_DIR"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# name PREFIX -> a unique, short netdev/netns name (<= 15 bytes)
name() { echo "${1}${RUN_ID}"; }

new_netns() {
  local ns=$1
  ip netns add "$ns"
  _netns+=("$ns")
  ip -n "$ns" link set lo up
}

# track_pid PID: killed at cleanup
track_pid() { _pids+=("$1"); }
track_link() { _links+=("$1"); }

# start_daemon [extra vswitchd args...]
# VSWITCHD_PREFIX (e.g. "valgrind --leak-check=full") runs the daemon under a checker.
start_daemon() {
  ${VSWITCHD_PREFIX:-} "$VSWITCHD" --foreground --socket "$T_SOCK" --state-dir "$T_DIR/state" --log-level debug ${VSWITCHD_ARGS:-} "$@" \
    >>"$T_DIR/vswitchd.log" 2>&1 &
  DAEMON_PID=$!
  for _ in $(seq 300); do
    [ -S "$T_SOCK" ] && "$VSWITCHCTL" --socket "$T_SOCK" list-br >/dev/null 2>&1 && return 0
    kill -0 "$DAEMON_PID" 2>/dev/null || fail "vswitchd exited at start: $(tail -n 5 "$T_DIR/vswitchd.log")"
    sleep 0.1
  done
  fail "vswitchd did not answer on $T_SOCK"
}

stop_daemon() {
  [ -n "$DAEMON_PID" ] || return 0
  kill -TERM "$DAEMON_PID"
  wait "$DAEMON_PID" 2>/dev/null || true
  DAEMON_PID=
}

daemon_alive() { [ -n "$DAEMON_PID" ] && kill -0 "$DAEMON_PID" 2>/dev/null; }

ctl() { "$VSWITCHCTL" --socket "$T_SOCK" "$@"; }

# vm_on_tap BRIDGE NS PORT IP [add-port options...]: the daemon creates TAP PORT (type tap), its netdev
# end moves into namespace NS (the "VM") with address IP/24.
vm_on_tap() {
  local br=$1 ns=$2 port=$3 ip=$4
  shift 4
  new_netns "$ns"
  ctl add-port "$br" "$port" --type tap "$@"
  ip link set "$port" netns "$ns"
  ip -n "$ns" addr add "$ip/24" dev "$port"
  ip -n "$ns" link set "$port" up
}

# vm_on_veth BRIDGE NS PORT IP [add-port options...]: a veth pair; PORT stays in the root namespace as
# a system (AF_PACKET) port, its peer (named eth0 inside NS) carries IP/24.
vm_on_veth() {
  local br=$1 ns=$2 port=$3 ip=$4
  shift 4
  new_netns "$ns"
  ip link add "$port" type veth peer name "p$port"
  track_link "$port"
  ip link set "p$port" netns "$ns"
  ip -n "$ns" link set "p$port" name eth0
  ip -n "$ns" addr add "$ip/24" dev eth0
  ip -n "$ns" link set eth0 up
  ip link set "$port" up
  ctl add-port "$br" "$port" --type system "$@"
}

# ns_mac NS DEV -> MAC address
ns_mac() { ip -n "$1" -o link show "$2" | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p'; }

# ping_ok NS IP: three pings within a bounded time
ping_ok() { ip netns exec "$1" ping -c 3 -i 0.2 -W 2 -q "$2" >/dev/null 2>&1; }
ping_fails() { ! ip netns exec "$1" ping -c 2 -i 0.2 -W 1 -q "$2" >/dev/null 2>&1; }

# wait_for SECONDS CMD...: polls CMD every 0.1 s until it succeeds
wait_for() {
  local deadline=$((SECONDS + $1))
  shift
  while ! "$@"; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.1
  done
}

# json_get 'python expression over j' < json
json_get() { $PY -c "import json,sys; j=json.load(sys.stdin); print($1)"; }

# tcp_csum_errors NS -> TCP InCsumErrors counter inside NS
tcp_csum_errors() {
  ip netns exec "$1" awk '/^Tcp:/ { if (!h) { for (i=1;i<=NF;i++) n[$i]=i; h=1 } else print $n["InCsumErrors"] }' /proc/net/snmp
}

# port_field PORT FIELD -> that port's FIELD in `vswitchctl --json show` (kind, state, mtu, ...)
port_field() {
  ctl --json show | json_get "[p['$2'] for b in j['bridges'] for p in b['ports'] if p['name']=='$1'][0]"
}
# port_kinds BR -> sorted list of the kinds of BR's ports
port_kinds() {
  ctl --json show "$1" | json_get "sorted(set(p['kind'] for p in j['bridges'][0]['ports']))"
}
