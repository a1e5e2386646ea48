#!/bin/bash
# A port's netdev vanishes while traffic flows through port_wire: the backend notices (alive() false,
# "gone" reported), nothing crashes or stalls, frames for the dead port are counted port_down, and
# closing the dead backend is clean (port_wire exits 0).
#
#   port_wire_linkloss_test.sh system   # VM2's veth is deleted
#   port_wire_linkloss_test.sh tap      # VM2's TAP is deleted inside the VM namespace
#   port_wire_linkloss_test.sh tap-ns   # VM2's whole namespace is deleted (the TAP goes with it)
source "$(dirname "$0")/lib.sh"
MODE=${1:?usage: port_wire_linkloss_test.sh system|tap|tap-ns}

new_ns SW
new_ns VM1
new_ns VM2
P1="pw1$SUF"
ip -n "$SW" link add "$P1" type veth peer name eth0 netns "$VM1"
if [ "$MODE" = system ]; then
  P2="pw2$SUF"
  ip -n "$SW" link add "$P2" type veth peer name eth0 netns "$VM2"
  D2=eth0
  T2=system
else
  P2="tp2$SUF"
  D2=$P2
  T2=tap
fi

spawn "$WORK/wire.log" ip netns exec "$SW" "$PORT_WIRE" --seconds 120 "$P1:system" "$P2:$T2"
WIRE=$SPAWNED
wait_for_line "$WORK/wire.log" '^ready'
[ "$T2" = tap ] && ip -n "$SW" link set "$P2" netns "$VM2"
ip -n "$VM1" addr add 10.77.11.1/24 dev eth0
ip -n "$VM1" link set eth0 up
ip -n "$VM2" addr add 10.77.11.2/24 dev "$D2"
ip -n "$VM2" link set "$D2" up
ip netns exec "$VM1" ping -c 2 -i 0.2 -W 2 10.77.11.2 >/dev/null || fail "no connectivity before the loss"

# Load through the wire, then pull the plug on VM2 in the middle of it.
spawn "$WORK/iperf-server.log" ip netns exec "$VM2" timeout 20 iperf3 -s -1 -p 5201
SERVER=$SPAWNED
sleep 0.5
spawn "$WORK/iperf.log" ip netns exec "$VM1" timeout 20 iperf3 -c 10.77.11.2 -p 5201 -t 6
CLIENT=$SPAWNED
sleep 1.5
case "$MODE" in
  system) ip -n "$VM2" link del eth0 ;;  # takes the switch-side end with it
  tap) ip -n "$VM2" link del "$P2" ;;
  tap-ns)
    # The "VM" dies: its processes first (a namespace lives while a process is in it), then the
    # namespace, taking the TAP with it.
    stop "$SERVER" || true
    ip netns del "$VM2"
    ;;
esac
wait_for_line "$WORK/wire.log" "^gone $P2" 5
kill -0 "$WIRE" 2>/dev/null || fail "port_wire died when $P2 vanished"

# VM1 keeps sending to VM2 (known neighbour): the wire keeps reading port 1 and counts port_down.
ip netns exec "$VM1" ping -c 5 -i 0.2 -W 1 10.77.11.2 >/dev/null 2>&1 || true
stop "$CLIENT" || true  # its peer is gone: no need to wait for its timeout
kill -0 "$WIRE" 2>/dev/null || fail "port_wire died"
stop "$WIRE" || fail "port_wire exited with an error after losing $P2"
grep -E '^(port|stats|gone)' "$WORK/wire.log"
[ "$(stat_of "$WORK/wire.log" "$P2" alive)" = 0 ] || fail "$P2 still alive after its netdev was deleted"
[ "$(stat_of "$WORK/wire.log" "$P1" alive)" = 1 ] || fail "$P1 died too"
[ "$(stat_of "$WORK/wire.log" "$P2" port_down)" -gt 0 ] || fail "frames for the dead port were not counted port_down"
[ "$(stat_of "$WORK/wire.log" "$P1" rx_frames)" -gt 0 ] || fail "no frames read from $P1"
echo "PASS: $MODE: $P2 vanished under load; no crash, reported gone, port_down counted"
