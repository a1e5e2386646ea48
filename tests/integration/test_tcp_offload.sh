#!/usr/bin/env bash
# Issue 3, test 7: TCP with default offloads (checksum offload and GSO on, as veths and guests hand
# them to us) between two VMs, for TAP-TAP, veth-veth and TAP-veth: iperf3 moves data without stalls
# and the receivers count no TCP checksum errors. No speed is asserted (that is bench/'s job).
. "$(dirname "$0")/lib.sh"

start_daemon
ctl add-br br0
vm_on_tap br0 "$(name t1)" "$(name vt1)" 10.77.7.1
vm_on_tap br0 "$(name t2)" "$(name vt2)" 10.77.7.2
vm_on_veth br0 "$(name v1)" "$(name ve1)" 10.77.7.3
vm_on_veth br0 "$(name v2)" "$(name ve2)" 10.77.7.4

# Offloads stay as the kernel sets them; show that they are on.
ip netns exec "$(name v1)" ethtool -k eth0 2>/dev/null | grep -E "^tx-checksumming|^generic-segmentation" >&2 || true

run_pair() {  # CLIENT_NS SERVER_NS SERVER_IP LABEL
  local c=$1 s=$2 ip=$3 label=$4
  local before after bytes
  before=$(tcp_csum_errors "$s")
  ip netns exec "$s" iperf3 -s -1 -D -p 5202 --logfile "$T_DIR/srv-$label.log"
  sleep 0.3
  ip netns exec "$c" timeout 20 iperf3 -c "$ip" -p 5202 -t 3 --json >"$T_DIR/$label.json" ||
    fail "$label: iperf3 failed or stalled: $(tail -n 5 "$T_DIR/$label.json")"
  bytes=$($PY -c "import json; print(json.load(open('$T_DIR/$label.json'))['end']['sum_received']['bytes'])")
  after=$(tcp_csum_errors "$s")
  [ "$bytes" -gt 10000000 ] || fail "$label: only $bytes bytes received"
  [ "$after" = "$before" ] || fail "$label: $((after - before)) TCP checksum errors at the receiver"
  log "$label: $bytes bytes in 3 s, no checksum errors"
}
run_pair "$(name t1)" "$(name t2)" 10.77.7.2 tap-tap
run_pair "$(name v1)" "$(name v2)" 10.77.7.4 veth-veth
run_pair "$(name t1)" "$(name v2)" 10.77.7.4 tap-veth
run_pair "$(name v1)" "$(name t2)" 10.77.7.2 veth-tap
echo "PASS"
