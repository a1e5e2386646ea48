#!/usr/bin/env bash
# Issue 3, test 6: deleting a VM's netdev (a TAP and a veth) while ping and iperf3 run between two other
# VMs: they keep working, the daemon stays up, and the lost ports show as absent.
. "$(dirname "$0")/lib.sh"

start_daemon
ctl add-br br0
vm_on_tap br0 "$(name vm1)" "$(name vt1)" 10.77.6.1
vm_on_veth br0 "$(name vm2)" "$(name ve2)" 10.77.6.2
vm_on_tap br0 "$(name vm3)" "$(name vt3)" 10.77.6.3
vm_on_veth br0 "$(name vm4)" "$(name ve4)" 10.77.6.4
ping_ok "$(name vm1)" 10.77.6.2 || fail "vm1 cannot ping vm2 before the loss"
ping_ok "$(name vm1)" 10.77.6.3 || fail "vm1 cannot ping vm3 before the loss"

ip netns exec "$(name vm2)" iperf3 -s -1 -D -p 5201 --logfile "$T_DIR/iperf-s.log"
sleep 0.5
ip netns exec "$(name vm1)" timeout 20 iperf3 -c 10.77.6.2 -p 5201 -t 6 --json >"$T_DIR/iperf.json" 2>&1 &
iperf_pid=$!
track_pid $iperf_pid
ip netns exec "$(name vm1)" timeout 20 ping -c 40 -i 0.15 -W 1 10.77.6.2 >"$T_DIR/ping.txt" 2>&1 &
ping_pid=$!
track_pid $ping_pid

sleep 2
log "deleting vm3's TAP and vm4's veth while traffic flows"
ip -n "$(name vm3)" link del "$(name vt3)"
ip link del "$(name ve4)"

wait $iperf_pid || fail "iperf3 failed after the link loss: $(tail -n 5 "$T_DIR/iperf.json")"
wait $ping_pid || true
daemon_alive || fail "vswitchd died"
received=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$T_DIR/ping.txt")
[ "${received:-0}" -ge 38 ] || fail "ping lost frames across the link loss: $(tail -n 2 "$T_DIR/ping.txt")"
bytes=$($PY -c "import json; print(json.load(open('$T_DIR/iperf.json'))['end']['sum_received']['bytes'])")
[ "$bytes" -gt 1000000 ] || fail "iperf3 moved only $bytes bytes"
log "ping: $received/40 received; iperf3: $bytes bytes"

state() { port_field "$1" state; }
wait_for 5 test "$(state "$(name vt3)")" = absent || fail "vt3 is $(state "$(name vt3)"), expected absent"
wait_for 5 test "$(state "$(name ve4)")" = absent || fail "ve4 is $(state "$(name ve4)"), expected absent"
ping_ok "$(name vm1)" 10.77.6.2 || fail "vm1 cannot ping vm2 after the loss"

# A veth that comes back under the same name is attached again by itself.
ip link add "$(name ve4)" type veth peer name "p$(name ve4)"
track_link "$(name ve4)"
ip link set "p$(name ve4)" netns "$(name vm4)"
ip -n "$(name vm4)" addr add 10.77.6.4/24 dev "p$(name ve4)"
ip -n "$(name vm4)" link set "p$(name ve4)" up
ip link set "$(name ve4)" up
wait_for 5 test "$(state "$(name ve4)")" = up || fail "ve4 did not re-attach (state $(state "$(name ve4)"))"
ping_ok "$(name vm4)" 10.77.6.1 || fail "vm4 cannot ping vm1 after its veth came back"
echo "PASS"
