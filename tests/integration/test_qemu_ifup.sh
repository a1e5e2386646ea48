#!/usr/bin/env bash
# qemu -netdev tap with the shipped packaging/qemu-ifup and qemu-ifdown: a real qemu-system-x86_64
# (no guest: -machine none, paused) creates the TAPs and runs the scripts; the ports must appear on the
# bridge with the bridge and VLAN settings from a ports.conf, and be gone when qemu exits. Also: a rule
# naming a missing bridge fails the VM's start with the script's words on stderr, a malformed rule is
# reported with file and line, and (with a daemon that has transient ports) a qemu killed with
# SIGKILL, whose downscript never runs, leaves no port behind.
. "$(dirname "$0")/lib.sh"

QEMU=$(command -v qemu-system-x86_64 || true)
[ -n "$QEMU" ] || { echo "SKIP: qemu-system-x86_64 not installed (scripts/install-deps.sh)" >&2; exit 77; }
[ -c /dev/net/tun ] || { echo "SKIP: no /dev/net/tun" >&2; exit 77; }

IFUP=$VSWITCH_SOURCE_DIR/packaging/qemu-ifup
IFDOWN=$VSWITCH_SOURCE_DIR/packaging/qemu-ifdown
br=$(name vqb)
tap_access=$(name vqa)   # rule: access port in VLAN 42
tap_trunk=$(name vqt)    # rule: trunk 10,20,30-32 with native VLAN 5
tap_default=$(name vqd)  # rule: plain port
tap_nobr=$(name vqn)     # rule: a bridge that does not exist
tap_kill=$(name vqk)     # plain port, qemu killed with SIGKILL

# The scripts get no help from qemu: everything they need comes from the environment qemu inherits.
export VSWITCHCTL VSWITCH_SOCKET
export VSWITCH_PORTS_CONF=$T_DIR/ports.conf
export VSWITCH_PORTS_DIR=$T_DIR/ports.d # empty: the machine's runtime rules must not leak in
mkdir -p "$VSWITCH_PORTS_DIR"
cat >"$VSWITCH_PORTS_CONF" <<CONF
# test rules
$tap_access   $br   vlan=42
${tap_trunk}* $br   trunk=10,20,30-32 native=5
$tap_nobr     nobr$RUN_ID
*             $br
CONF

start_daemon
ctl add-br "$br"

qemu_pids=()
# run_qemu PIDFILE NETDEV-ARGS...: a paused, guest-less qemu in the background (bounded by timeout)
run_qemu() {
  local pidfile=$1
  shift
  local args=()
  for nd in "$@"; do args+=(-netdev "$nd"); done
  timeout 120 "$QEMU" -machine none -nodefaults -display none -S -pidfile "$pidfile" "${args[@]}" \
    >>"$T_DIR/qemu.log" 2>&1 &
  track_pid $!
  qemu_pids+=($!)
}
# read_qemu_pid PIDFILE: sets QEMU_PID to qemu's own pid (timeout's child) and registers it for cleanup
read_qemu_pid() {
  wait_for 10 test -s "$1" || fail "qemu wrote no pidfile: $(cat "$T_DIR/qemu.log")"
  QEMU_PID=$(cat "$1")
  track_pid "$QEMU_PID"
}
tapdev() { echo "tap,id=$1,ifname=$1,script=$IFUP,downscript=$IFDOWN"; }

# port_field PORT FIELD -> the field of PORT in `show --json` (empty when PORT is not a port)
port_field() {
  ctl --json show | $PY -c "
import json, sys
for b in json.load(sys.stdin)['bridges']:
    for p in b['ports']:
        if p['name'] == '$1':
            print(p.get('$2', ''))
"
}
is_port() { ctl list-ports "$br" | grep -qx "$1"; }
not_port() { ! ctl list-ports "$br" | grep -qx "$1"; }
gone() { [ ! -e "/sys/class/net/$1" ]; }

log "qemu with three tap netdevs using the shipped scripts"
run_qemu "$T_DIR/q1.pid" "$(tapdev "$tap_access")" "$(tapdev "${tap_trunk}")" "$(tapdev "$tap_default")"
q1=${qemu_pids[-1]}
for t in "$tap_access" "$tap_trunk" "$tap_default"; do
  wait_for 20 is_port "$t" || fail "$t did not become a port of $br: $(ctl show 2>&1); qemu: $(cat "$T_DIR/qemu.log")"
done
read_qemu_pid "$T_DIR/q1.pid"
kill -0 "$QEMU_PID" || fail "qemu is not running: $(cat "$T_DIR/qemu.log")"

[ "$(port_field "$tap_access" vlan_mode)" = access ] || fail "$tap_access: vlan_mode $(port_field "$tap_access" vlan_mode)"
[ "$(port_field "$tap_access" tag)" = 42 ] || fail "$tap_access: tag $(port_field "$tap_access" tag), want 42"
[ "$(port_field "$tap_trunk" vlan_mode)" = native-untagged ] ||
  fail "$tap_trunk: vlan_mode $(port_field "$tap_trunk" vlan_mode), want native-untagged"
[ "$(port_field "$tap_trunk" tag)" = 5 ] || fail "$tap_trunk: native VLAN $(port_field "$tap_trunk" tag), want 5"
[ "$(port_field "$tap_trunk" trunks)" = "10,20,30-32" ] || fail "$tap_trunk: trunks '$(port_field "$tap_trunk" trunks)'"
[ "$(port_field "$tap_default" vlan_mode)" != access ] || fail "$tap_default should have no VLAN settings"
for t in "$tap_access" "$tap_trunk" "$tap_default"; do
  [ "$(port_field "$t" kind)" = system ] || fail "$t is attached as '$(port_field "$t" kind)', not system"
  wait_for 10 sh -c "[ \"\$(ip -o link show $t | grep -c '[<,]UP[,>]')\" = 1 ]" || fail "$t is not up"
  [ "$(port_field "$t" state)" != absent ] || fail "$t is absent although qemu holds it"
done

log "qemu exits (SIGTERM): qemu-ifdown removes the ports"
kill -TERM "$q1"
wait "$q1" 2>/dev/null || true
for t in "$tap_access" "$tap_trunk" "$tap_default"; do
  wait_for 10 not_port "$t" || fail "$t is still a port after qemu exited: $(ctl show)"
  wait_for 10 gone "$t" || fail "the TAP $t outlived qemu"
done

log "a rule naming a missing bridge fails the VM start, in words"
: >"$T_DIR/qemu.log"
set +e
timeout 60 "$QEMU" -machine none -nodefaults -display none -S -netdev "$(tapdev "$tap_nobr")" >"$T_DIR/qemu-nobr.log" 2>&1
rc=$?
set -e
[ $rc -ne 0 ] && [ $rc -ne 124 ] || fail "qemu started (rc $rc) although the bridge does not exist"
grep -q "qemu-ifup: cannot put $tap_nobr on vswitch bridge nobr$RUN_ID" "$T_DIR/qemu-nobr.log" ||
  fail "qemu's stderr lacks qemu-ifup's reason: $(cat "$T_DIR/qemu-nobr.log")"
not_port "$tap_nobr" || fail "$tap_nobr became a port anyway"
gone "$tap_nobr" || fail "$tap_nobr outlived the failed qemu"

log "a malformed rule is reported with file and line"
printf 'x* %s vlan=5000\n' "$br" >"$T_DIR/bad.conf"
ip tuntap add dev "$(name vqx)" mode tap
track_link "$(name vqx)"
set +e
out=$(VSWITCH_PORTS_CONF=$T_DIR/bad.conf "$IFUP" "$(name vqx)" 2>&1)
rc=$?
set -e
[ $rc -ne 0 ] || fail "qemu-ifup accepted vlan=5000"
grep -q "bad.conf:1: 'vlan=5000'" <<<"$out" || fail "unclear error for a bad rule: $out"
out=$(VSWITCH_PORTS_CONF=$T_DIR/bad.conf "$IFUP" 2>&1) && fail "qemu-ifup without an argument succeeded"
grep -q usage <<<"$out" || fail "qemu-ifup without an argument gives no usage: $out"

log "qemu killed with SIGKILL (no downscript): the transient port goes away by itself"
run_qemu "$T_DIR/q2.pid" "$(tapdev "$tap_kill")"
wait_for 20 is_port "$tap_kill" || fail "$tap_kill did not become a port"
read_qemu_pid "$T_DIR/q2.pid"
kill -KILL "$QEMU_PID"
wait_for 10 gone "$tap_kill" || fail "the TAP $tap_kill outlived qemu"
wait_for 10 not_port "$tap_kill" || fail "$tap_kill is still a port after its TAP vanished: $(ctl show)"

daemon_alive || fail "vswitchd died"
log "PASS"
