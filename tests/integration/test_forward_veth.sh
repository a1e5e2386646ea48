#!/usr/bin/env bash
# Issue 3, test 2: three VM namespaces behind veth pairs, attached as system (AF_PACKET) ports: every
# pair pings, and each VM's MAC is learned on its own port.
. "$(dirname "$0")/lib.sh"

start_daemon
ctl add-br br0
for i in 1 2 3; do vm_on_veth br0 "$(name vm$i)" "$(name ve$i)" "10.77.2.$i"; done

for i in 1 2 3; do
  for j in 1 2 3; do
    [ $i = $j ] && continue
    ping_ok "$(name vm$i)" "10.77.2.$j" || fail "vm$i cannot ping vm$j over system ports"
  done
done
log "every pair of veth VMs pings"

fdb=$(ctl --json fdb-show br0)
for i in 1 2 3; do
  mac=$(ns_mac "$(name vm$i)" eth0)
  port=$(echo "$fdb" | json_get "[e['port'] for e in j['entries'] if e['mac']=='$mac']")
  [ "$port" = "['$(name ve$i)']" ] || fail "vm$i's MAC $mac learned on $port, expected $(name ve$i)"
done
[ "$(port_kinds br0)" = "['system']" ] ||
  fail "ports are not attached as system"
# MTU: lowering a port's MTU reaches the switch through a link event; larger frames are dropped there
# and counted as mtu_exceeded, smaller ones still pass.
ip link set "$(name ve3)" mtu 1000
wait_for 5 test "$(port_field "$(name ve3)" mtu)" = 1000 || fail "MTU change not seen: $(port_field "$(name ve3)" mtu)"
ip netns exec "$(name vm1)" ping -c 2 -i 0.2 -W 1 -q -M dont -s 1200 10.77.2.3 >/dev/null 2>&1 &&
  fail "a 1242-byte frame crossed a port with MTU 1000"
mtu_drops=$(ctl --json stats "$(name ve3)" | json_get "j['bridges'][0]['ports'][0]['drops']['mtu_exceeded']")
[ "$mtu_drops" -ge 2 ] || fail "mtu_exceeded is $mtu_drops, expected >= 2"
ping_ok "$(name vm1)" 10.77.2.3 || fail "small frames no longer pass the MTU 1000 port"
log "frames above the egress MTU are dropped and counted ($mtu_drops)"
# Promiscuous mode is on while attached (PACKET_ADD_MEMBERSHIP) ...
ip -d link show "$(name ve1)" | grep -q promiscuity\ 1 || fail "system port is not promiscuous"
ctl del-port br0 "$(name ve1)"
# ... and released on delete.
ip -d link show "$(name ve1)" | grep -q promiscuity\ 0 || fail "promiscuous mode not released on del-port"
echo "PASS"
