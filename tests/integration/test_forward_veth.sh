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
# Promiscuous mode is on while attached (PACKET_ADD_MEMBERSHIP) ...
ip -d link show "$(name ve1)" | grep -q promiscuity\ 1 || fail "system port is not promiscuous"
ctl del-port br0 "$(name ve1)"
# ... and released on delete.
ip -d link show "$(name ve1)" | grep -q promiscuity\ 0 || fail "promiscuous mode not released on del-port"
echo "PASS"
