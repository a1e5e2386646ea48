#!/usr/bin/env bash
# Crash and restart: kill -9 the daemon while two VMs ping through it, start it again on the same
# state directory, and check that the configuration is back, every VM that still exists is
# reattached and traffic resumes; prints the time from the restart to the first forwarded ping.
# Then a truncated and a garbage state file: the daemon says so clearly and starts (from the backup
# copy when it is usable, else empty).
#
# What survives a kill -9 (docs/reliability.md):
#   - system ports (veth, a TAP that qemu holds): the netdev does not depend on the daemon; the new
#     daemon reattaches by name. VM A is a veth; VM B is a "qemu": port_wire holds a TAP (as qemu
#     does) and wires it to the VM's veth, and the daemon attaches that TAP as a system port.
#   - TAPs the daemon created (type tap, not persistent): the kernel deletes them when their last fd
#     closes, so the netdev - and whatever was configured on it, here a namespace's interface - is
#     gone. The new daemon creates the TAP again, empty, in its own namespace.
. "$(dirname "$0")/lib.sh"

PORT_WIRE=$VSWITCH_BUILD_DIR/tests/tools/port_wire
[ -x "$PORT_WIRE" ] || fail "missing $PORT_WIRE"

br=$(name rb)
nsa=$(name ra) nsb=$(name rq) nst=$(name rt)
pa=$(name va) qtap=$(name qt) qveth=$(name qv) tp=$(name tp)
net=10.77.$((RANDOM % 200 + 20))
state=$T_DIR/state/state.json

now_ms() { date +%s%3N; }
kill_daemon_hard() {
  kill -KILL "$DAEMON_PID"
  wait "$DAEMON_PID" 2>/dev/null || true
  DAEMON_PID=
}

start_daemon
ctl add-br "$br" --fdb-max 1024 --ageing-time 120
vm_on_veth "$br" "$nsa" "$pa" "$net.1"

# VM B: a "qemu" (port_wire) holding TAP $qtap and the root end of the VM's veth.
new_netns "$nsb"
ip link add "$qveth" type veth peer name eth0 netns "$nsb"
track_link "$qveth"
ip link set "$qveth" up
ip -n "$nsb" addr add "$net.2/24" dev eth0
ip -n "$nsb" link set eth0 up
"$PORT_WIRE" --seconds 120 "$qtap:tap" "$qveth:system" >"$T_DIR/wire.log" 2>&1 &
track_pid $!
wait_for 5 grep -q ready "$T_DIR/wire.log" || fail "port_wire did not start: $(cat "$T_DIR/wire.log")"
ip link set "$qtap" up
ctl add-port "$br" "$qtap"  # auto: a TAP someone else holds becomes a system port

# An internal port: a TAP the daemon creates, its netdev moved into namespace $nst.
vm_on_tap "$br" "$nst" "$tp" "$net.3"
ctl set-port "$qtap" --mac-limit 100

wait_for 10 ping_ok "$nsa" "$net.2" || fail "no traffic between VM A and VM B before the crash"
ping_ok "$nsa" "$net.3" || fail "no traffic to the internal port before the crash"
[ "$(port_field "$qtap" kind)" = system ] || fail "the held TAP is not attached as a system port"
config_before=$(ctl --json show | json_get "[(p['name'], p['vlan_mode'], p['mac_limit']) for b in j['bridges'] for p in b['ports']]")

# Traffic flows while the daemon is killed.
ip netns exec "$nsa" ping -i 0.05 -W 1 -w 8 -q "$net.2" >"$T_DIR/ping.out" 2>&1 &
bg_ping=$!
track_pid "$bg_ping"
sleep 1
log "kill -9 vswitchd $DAEMON_PID while pinging"
kill_daemon_hard
ping_fails "$nsa" "$net.2" || fail "frames still forwarded with the daemon dead?"
ip -n "$nst" link show "$tp" >/dev/null 2>&1 && fail "daemon-created TAP $tp survived its holder"
log "as expected: the daemon-created TAP $tp vanished with the daemon; $pa and $qtap remain"

t0=$(now_ms)
start_daemon
t_sock=$(now_ms)
until ip netns exec "$nsa" ping -c 1 -W 0.2 -q "$net.2" >/dev/null 2>&1; do
  [ $(($(now_ms) - t0)) -lt 15000 ] || fail "no ping forwarded within 15 s of the restart"
done
t_fwd=$(now_ms)
log "restart: control socket answers after $((t_sock - t0)) ms, first forwarded ping after $((t_fwd - t0)) ms"

config_after=$(ctl --json show | json_get "[(p['name'], p['vlan_mode'], p['mac_limit']) for b in j['bridges'] for p in b['ports']]")
[ "$config_after" = "$config_before" ] || fail "configuration differs: before $config_before, after $config_after"
[ "$(port_field "$pa" state)" = up ] || fail "$pa not reattached"
[ "$(port_field "$qtap" state)" = up ] || fail "$qtap not reattached"
[ "$(port_field "$qtap" kind)" = system ] || fail "$qtap not reattached as a system port"
wait_for 5 ip link show "$tp" >/dev/null 2>&1 || fail "the daemon did not create its TAP $tp again"
[ "$(port_field "$tp" owned)" = True ] || fail "$tp not owned by the daemon after restart"
ping_ok "$nsb" "$net.1" || fail "no traffic B -> A after the restart"
wait "$bg_ping" || true
log "ping across the crash: $(grep -a 'packets transmitted' "$T_DIR/ping.out" || echo none)"

# ---- a truncated state file: the backup (the configuration before the last change) is used ----
ctl add-br "$(name rx)"   # the last change: state.json has it, state.json.bak does not
stop_daemon
size=$(stat -c %s "$state")
truncate -s $((size / 2)) "$state"
start_daemon
grep -aq "state file .* is unusable" "$T_DIR/vswitchd.log" || fail "truncated state file not reported"
grep -aq "restored the previous configuration from .*state.json.bak" "$T_DIR/vswitchd.log" ||
  fail "backup not used after a truncated state file"
[ -f "$state.corrupt" ] || fail "truncated state file not kept aside as state.json.corrupt"
ctl list-br | grep -qx "$br" || fail "bridge $br lost after a truncated state file"
ctl list-br | grep -qx "$(name rx)" && fail "state.json.bak is supposed to hold the configuration before the last change"
ping_ok "$nsa" "$net.2" || fail "no traffic after starting from the backup"
log "truncated state.json: reported, moved aside, configuration before the last change restored"

# ---- garbage in both state.json and its backup: reported, the daemon starts empty ----
stop_daemon
rm -f "$state.corrupt"
head -c 4096 /dev/urandom >"$state"
printf '{"bridges": [{"name": 42}]}' >"$state.bak"
: >"$T_DIR/vswitchd.log"
start_daemon
grep -aq "state file .* is unusable" "$T_DIR/vswitchd.log" || fail "garbage state file not reported"
grep -aq "is unusable too" "$T_DIR/vswitchd.log" || fail "unusable backup not reported"
[ -z "$(ctl list-br)" ] || fail "expected an empty configuration"
ctl add-br "$(name ry)" || fail "daemon not usable after starting empty"
grep -aE "unusable" "$T_DIR/vswitchd.log" | sed 's/^/  log: /' >&2
log "PASS"
