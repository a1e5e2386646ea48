#!/usr/bin/env bash
# Issue 3, test 5: an unknown unicast is flooded to every port of the VLAN; once the destination is
# learned, frames go to its port only. Observed with a real capture in a third VM.
. "$(dirname "$0")/lib.sh"

start_daemon
ctl add-br br0
for i in 1 2 3; do
  vm_on_veth br0 "$(name vm$i)" "$(name ve$i)" "10.77.5.$i"
  # No spontaneous traffic (IPv6 DAD, router solicitations) that would teach the switch early.
  ip netns exec "$(name vm$i)" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
done
mac1=$(ns_mac "$(name vm1)" eth0)
mac2=$(ns_mac "$(name vm2)" eth0)
# Static neighbours: no ARP broadcast either.
ip -n "$(name vm1)" neigh replace 10.77.5.2 lladdr "$mac2" dev eth0 nud permanent
ip -n "$(name vm2)" neigh replace 10.77.5.1 lladdr "$mac1" dev eth0 nud permanent

ctl fdb-flush br0
[ "$(ctl --json fdb-show br0 | json_get "len(j['entries'])")" = 0 ] || fail "FDB not empty after flush"

cap=$T_DIR/vm3.pcap
ip netns exec "$(name vm3)" timeout 20 tcpdump -i eth0 -n -U -w "$cap" icmp 2>/dev/null &
track_pid $!
sleep 1.5  # let tcpdump open its socket

ip netns exec "$(name vm1)" ping -c 5 -i 0.2 -W 2 -q 10.77.5.2 >/dev/null || fail "vm1 cannot ping vm2"
sleep 0.5
kill "${_pids[-1]}" 2>/dev/null || true
wait "${_pids[-1]}" 2>/dev/null || true

seen=$(tcpdump -r "$cap" -n 2>/dev/null | grep -c "echo request" || true)
[ "$seen" = 1 ] || fail "vm3 saw $seen echo requests: expected exactly the first (flooded) one"
log "the first (unknown) unicast was flooded to vm3, the next four were not"

[ "$(ctl --json fdb-show br0 --port "$(name ve2)" | json_get "[e['mac'] for e in j['entries']]")" = "['$mac2']" ] ||
  fail "vm2 not learned on its port"
echo "PASS"
