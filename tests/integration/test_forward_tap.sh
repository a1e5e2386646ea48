#!/usr/bin/env bash
# Issue 3, test 1: three VM namespaces on tap ports (TAP devices the daemon creates, netdev ends moved
# into the VMs): every pair pings, and each VM's MAC is learned on its own port.
. "$(dirname "$0")/lib.sh"

start_daemon
ctl add-br br0
for i in 1 2 3; do vm_on_tap br0 "$(name vm$i)" "$(name vt$i)" "10.77.1.$i"; done

for i in 1 2 3; do
  for j in 1 2 3; do
    [ $i = $j ] && continue
    ping_ok "$(name vm$i)" "10.77.1.$j" || fail "vm$i cannot ping vm$j over tap ports"
  done
done
log "every pair of tap VMs pings"

fdb=$(ctl --json fdb-show br0)
for i in 1 2 3; do
  mac=$(ns_mac "$(name vm$i)" "$(name vt$i)")
  port=$(echo "$fdb" | json_get "[e['port'] for e in j['entries'] if e['mac']=='$mac' and e['vlan']==0]")
  [ "$port" = "['$(name vt$i)']" ] || fail "vm$i's MAC $mac learned on $port, expected $(name vt$i)"
done
log "each VM's MAC is learned on its own port"

ctl show | grep -q "$(name vt1)" || fail "show does not list the port"
[ "$(port_kinds br0)" = "['tap']" ] ||
  fail "ports are not attached as tap"
echo "PASS"
