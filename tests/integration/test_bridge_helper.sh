#!/usr/bin/env bash
# qemu -netdev bridge with vswitch-bridge-helper as its helper: a real qemu-system-x86_64 (no guest)
# runs the built helper, which must create a TAP with the bridge's MTU and a virtio-net header, have
# vswitchd attach it, and hand it to qemu; the port exists while qemu runs and goes away after. The
# ACL file is exercised for real (allowed, denied by a deny rule, denied by default, missing bridge);
# the rules in detail are unit-tested (tests/unit/helper). A setuid-root copy run by an ordinary user
# must ignore the environment's ACL and socket overrides.
. "$(dirname "$0")/lib.sh"

QEMU=$(command -v qemu-system-x86_64 || true)
[ -n "$QEMU" ] || { echo "SKIP: qemu-system-x86_64 not installed (scripts/install-deps.sh)" >&2; exit 77; }
[ -c /dev/net/tun ] || { echo "SKIP: no /dev/net/tun" >&2; exit 77; }
HELPER=$VSWITCH_BUILD_DIR/helper/vswitch-bridge-helper
[ -x "$HELPER" ] || fail "the helper was not built: $HELPER"

br=$(name vhb)
uplink=$(name vhu)
prefix=vh${RUN_ID}x # TAPs the helper makes: vh<run>x0, vh<run>x1, ...
export VSWITCH_BRIDGE_CONF=$T_DIR/bridge.conf
export VSWITCH_SOCKET

start_daemon
ctl add-br "$br"

# A port with MTU 1400 on the bridge: the helper's TAP must take the smallest MTU of the bridge.
new_netns "$(name vhn)"
ip link add "$uplink" mtu 1400 type veth peer name "p$uplink" mtu 1400 netns "$(name vhn)"
track_link "$uplink"
ip link set "$uplink" up
ctl add-port "$br" "$uplink" --type system
mtu_known() { ctl --json show | json_get "[p['mtu'] for b in j['bridges'] for p in b['ports'] if p['name']=='$uplink'][0]" | grep -qx 1400; }
wait_for 10 mtu_known || fail "vswitchd does not report the MTU of $uplink: $(ctl --json show)"

helper_taps() { ctl list-ports "$br" | grep -E "^${prefix}[0-9]+\$" || true; }
leftover_taps() { ip -o link show | grep -oE "${prefix}[0-9]+" || true; }

# run_qemu LOG [ACL TEXT]: qemu in the background with a bridge netdev; sets QEMU_PID
run_qemu() {
  timeout 120 "$QEMU" -machine none -nodefaults -display none -S -pidfile "$T_DIR/qemu.pid" \
    -netdev "bridge,id=n0,br=$br,helper=$HELPER --ifname=${prefix}%d" >"$1" 2>&1 &
  TIMEOUT_PID=$!
  track_pid $TIMEOUT_PID
}

log "allowed: qemu gets a TAP on $br through the helper"
rm -f "$T_DIR/qemu.pid"
printf '# test ACL\nallow %s\n' "$br" >"$VSWITCH_BRIDGE_CONF"
run_qemu "$T_DIR/qemu-ok.log"
wait_for 20 test -s "$T_DIR/qemu.pid" || fail "qemu did not start: $(cat "$T_DIR/qemu-ok.log")"
QEMU_PID=$(cat "$T_DIR/qemu.pid")
track_pid "$QEMU_PID"
wait_for 20 sh -c "[ -n \"\$($VSWITCHCTL --socket $T_SOCK list-ports $br | grep -E '^${prefix}[0-9]+\$')\" ]" ||
  fail "no helper TAP became a port of $br: $(ctl show); qemu: $(cat "$T_DIR/qemu-ok.log")"
tap=$(helper_taps)
[ "$(wc -l <<<"$tap")" = 1 ] || fail "expected one helper port, got: $tap"
kill -0 "$QEMU_PID" || fail "qemu is not running: $(cat "$T_DIR/qemu-ok.log")"

[ "$(cat "/sys/class/net/$tap/mtu")" = 1400 ] || fail "$tap has MTU $(cat "/sys/class/net/$tap/mtu"), want the bridge's 1400"
flags=$(cat "/sys/class/net/$tap/tun_flags")
(((flags & 0x4000) != 0)) || fail "$tap lacks IFF_VNET_HDR although qemu passed --use-vnet (tun_flags $flags)"
(((flags & 0x1000) != 0)) || fail "$tap lacks IFF_NO_PI (tun_flags $flags)"
grep -q UP <<<"$(ip -o link show "$tap")" || fail "$tap is not up"
kind=$(ctl --json show | json_get "[p['kind'] for b in j['bridges'] for p in b['ports'] if p['name']=='$tap'][0]")
[ "$kind" = system ] || fail "$tap is attached as '$kind', not system"
# qemu holds the TAP; the helper has exited and kept nothing.
holds_tun() {
  local fd
  for fd in "/proc/$1/fd/"*; do
    if [ "$(readlink "$fd" 2>/dev/null)" = /dev/net/tun ]; then return 0; fi
  done
  return 1
}
holds_tun "$QEMU_PID" || fail "qemu holds no /dev/net/tun fd"
for p in /proc/[0-9]*; do
  if [ "$(readlink "$p/exe" 2>/dev/null)" = "$HELPER" ]; then fail "a helper process is still running: ${p#/proc/}"; fi
done

log "qemu exits: the TAP vanishes and its port goes away"
kill -TERM "$QEMU_PID"
wait "$TIMEOUT_PID" 2>/dev/null || true
wait_for 10 sh -c "[ ! -e /sys/class/net/$tap ]" || fail "the TAP $tap outlived qemu"
! grep -q "does not support transient ports" "$T_DIR/qemu-ok.log" || fail "vswitchd refused a transient port"
wait_for 10 sh -c "! $VSWITCHCTL --socket $T_SOCK list-ports $br | grep -qx $tap" ||
  fail "$tap is still a port after its TAP vanished: $(ctl show)"

# denied_run DESCRIPTION EXPECTED-STDERR: qemu must fail to start, with the helper's words, and leave nothing
denied_run() {
  local what=$1 want=$2 rc
  log "refused: $what"
  set +e
  timeout 60 "$QEMU" -machine none -nodefaults -display none -S \
    -netdev "bridge,id=n0,br=${3:-$br},helper=$HELPER --ifname=${prefix}%d" >"$T_DIR/qemu-denied.log" 2>&1
  rc=$?
  set -e
  [ $rc -ne 0 ] && [ $rc -ne 124 ] || fail "$what: qemu started (rc $rc)"
  grep -qF "$want" "$T_DIR/qemu-denied.log" || fail "$what: qemu's stderr lacks '$want': $(cat "$T_DIR/qemu-denied.log")"
  [ -z "$(helper_taps)" ] || fail "$what: a port was added: $(helper_taps)"
  [ -z "$(leftover_taps)" ] || fail "$what: a TAP was left behind: $(leftover_taps)"
}
printf 'allow all\ninclude deny.conf\n' >"$VSWITCH_BRIDGE_CONF"
printf 'deny %s\n' "$br" >"$T_DIR/deny.conf"
denied_run "deny in an included file beats allow all" "access to bridge '$br' denied by ACL file"
printf '# nothing allowed\n' >"$VSWITCH_BRIDGE_CONF"
denied_run "default deny" "access to bridge '$br' denied by ACL file"
printf 'allow all\n' >"$VSWITCH_BRIDGE_CONF"
denied_run "a bridge vswitchd does not have" "vswitch bridge 'nobr$RUN_ID' does not exist" "nobr$RUN_ID"
printf 'allow all\nallow %s extra\n' "$br" >"$VSWITCH_BRIDGE_CONF"
denied_run "a malformed ACL file fails closed" "bridge.conf:2"

log "setuid root, run by nobody: environment overrides are ignored"
printf 'allow all\n' >"$VSWITCH_BRIDGE_CONF"
chmod 755 "$T_DIR"
cp "$HELPER" "$T_DIR/suid-helper"
chmod 4755 "$T_DIR/suid-helper"
set +e
out=$(setpriv --reuid=65534 --regid=65534 --clear-groups \
  env VSWITCH_BRIDGE_CONF="$VSWITCH_BRIDGE_CONF" VSWITCH_SOCKET="$T_SOCK" \
  "$T_DIR/suid-helper" --use-vnet --fd=0 --br="$br" --ifname="${prefix}%d" 2>&1 </dev/null)
rc=$?
set -e
[ $rc -ne 0 ] || fail "the setuid helper succeeded for nobody with an ACL from the environment"
grep -qF "$VSWITCH_BRIDGE_CONF" <<<"$out" && fail "the setuid helper read the ACL named by the environment: $out"
if [ ! -e /etc/vswitch/bridge.conf ]; then
  grep -qF "cannot read ACL file /etc/vswitch/bridge.conf" <<<"$out" ||
    fail "the setuid helper should have looked at /etc/vswitch/bridge.conf: $out"
fi
[ -z "$(helper_taps)" ] || fail "the setuid run added a port: $(helper_taps)"

daemon_alive || fail "vswitchd died"
log "PASS"
