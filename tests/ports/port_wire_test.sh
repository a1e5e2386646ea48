#!/bin/bash
# Two "VM" namespaces joined by port_wire, a two-port switch made of two port backends. MODE picks
# the backends: system (both VMs on veth pairs), tap (both on TAPs whose netdev ends are moved into
# the VMs), mixed (one of each). Proves: ping works, iperf3 TCP moves data with offloads on (GSO and
# checksum-partial frames seen by the switch), and no TCP checksum errors in either VM.
#
#   port_wire_test.sh system|tap|mixed
source "$(dirname "$0")/lib.sh"
MODE=${1:?usage: port_wire_test.sh system|tap|mixed}

new_ns SW
new_ns VM1
new_ns VM2

# attach I TYPE: how VM I is connected; sets PORT_I (the switch-side port name) and DEV_I (VM side).
declare -A PORT DEV
attach() {
  local i=$1 type=$2
  if [ "$type" = system ]; then
    PORT[$i]="pw$i$SUF"
    DEV[$i]="eth0"
    ip -n "$SW" link add "${PORT[$i]}" type veth peer name eth0 netns "$(eval echo \$VM$i)"
  else
    PORT[$i]="tp$i$SUF"  # created by port_wire, moved into the VM below
    DEV[$i]="${PORT[$i]}"
  fi
}
case "$MODE" in
  system) T1=system T2=system ;;
  tap) T1=tap T2=tap ;;
  mixed) T1=tap T2=system ;;
  *) fail "unknown mode $MODE" ;;
esac
attach 1 $T1
attach 2 $T2

spawn "$WORK/wire.log" ip netns exec "$SW" "$PORT_WIRE" --seconds 120 "${PORT[1]}:$T1" "${PORT[2]}:$T2"
WIRE=$SPAWNED
wait_for_line "$WORK/wire.log" '^ready'

for i in 1 2; do
  vm=$(eval echo \$VM$i)
  t=$(eval echo \$T$i)
  if [ "$t" = tap ]; then
    ip -n "$SW" link set "${PORT[$i]}" netns "$vm"
    grep -q "^port ${PORT[$i]} type=tap owns=1" "$WORK/wire.log" || fail "port_wire did not create TAP ${PORT[$i]}"
  else
    grep -q "^port ${PORT[$i]} type=system owns=0" "$WORK/wire.log" || fail "${PORT[$i]} is not a system port"
  fi
  ip -n "$vm" addr add "10.77.10.$i/24" dev "${DEV[$i]}"
  ip -n "$vm" link set "${DEV[$i]}" up
done

ip netns exec "$VM1" ping -c 3 -i 0.2 -W 2 10.77.10.2 >"$WORK/ping.log" || fail "VM1 cannot ping VM2 ($MODE)"
ip netns exec "$VM2" ping -c 3 -i 0.2 -W 2 10.77.10.1 >>"$WORK/ping.log" || fail "VM2 cannot ping VM1 ($MODE)"

spawn "$WORK/iperf-server.log" ip netns exec "$VM2" timeout 30 iperf3 -s -1 -p 5201
SERVER=$SPAWNED
sleep 0.5
ip netns exec "$VM1" timeout 30 iperf3 -c 10.77.10.2 -p 5201 -t 3 -J >"$WORK/iperf.json" || fail "iperf3 failed ($MODE)"
wait "$SERVER" || true
received=$(/usr/bin/python3 -c 'import json,sys; print(int(json.load(open(sys.argv[1]))["end"]["sum_received"]["bytes"]))' "$WORK/iperf.json")
[ "$received" -gt 1000000 ] || fail "iperf3 moved only $received bytes ($MODE)"

for vm in "$VM1" "$VM2"; do
  errors=$(tcp_csum_errors "$vm")
  [ "$errors" = 0 ] || fail "TCP InCsumErrors=$errors in $vm ($MODE)"
done

stop "$WIRE" || fail "port_wire exited with an error"
cat "$WORK/wire.log" | grep -E '^(port|stats|gone)'
for i in 1 2; do
  [ "$(stat_of "$WORK/wire.log" "${PORT[$i]}" alive)" = 1 ] || fail "${PORT[$i]} died"
done
# The sender's side (VM1) handed the switch offloaded frames: checksum left to do, GSO super-frames.
[ "$(stat_of "$WORK/wire.log" "${PORT[1]}" rx_gso)" -gt 0 ] || fail "no GSO frames from VM1: offloads off?"
[ "$(stat_of "$WORK/wire.log" "${PORT[1]}" rx_csum_partial)" -gt 0 ] || fail "no checksum-partial frames from VM1"
echo "PASS: $MODE: ping, iperf3 $received bytes, no TCP checksum errors"
