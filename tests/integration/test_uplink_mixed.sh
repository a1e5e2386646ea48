#!/usr/bin/env bash
# Issue 3, test 3: VMs on tap ports plus an uplink system port on a veth whose peer lives in an
# "upstream" namespace: VMs reach the upstream host and back.
. "$(dirname "$0")/lib.sh"

start_daemon
ctl add-br br0
vm_on_tap br0 "$(name vm1)" "$(name vt1)" 10.77.3.1
vm_on_tap br0 "$(name vm2)" "$(name vt2)" 10.77.3.2
vm_on_veth br0 "$(name up)" "$(name upl)" 10.77.3.100

for i in 1 2; do
  ping_ok "$(name vm$i)" 10.77.3.100 || fail "vm$i cannot reach the upstream host"
  ping_ok "$(name up)" "10.77.3.$i" || fail "upstream cannot reach vm$i"
done
ping_ok "$(name vm1)" 10.77.3.2 || fail "vm1 cannot reach vm2"
mac=$(ns_mac "$(name up)" eth0)
ctl fdb-show br0 | grep -q "$mac" || fail "upstream MAC not learned"
ctl fdb-show br0 --port "$(name upl)" | grep -q "$mac" || fail "upstream MAC not on the uplink port"
echo "PASS"
