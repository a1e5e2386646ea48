#!/usr/bin/env bash
# Issue 3, test 4: VLANs. Access ports in VLAN 10 and 20 cannot reach each other; a trunk uplink to an
# "upstream" namespace reaches each access VLAN's VMs and only those; the trunk's native VLAN works
# untagged. The kernel has no 802.1Q, so the upstream end of the trunk is tagged in userspace by
# tests/tools/vlan_trunk_peer (one TAP per VLAN in the upstream namespace). Tags are checked on the wire
# with tcpdump -e, and broadcasts (ARP) of one VLAN must never reach a port of another.
. "$(dirname "$0")/lib.sh"

PEER=${VLAN_TRUNK_PEER:-$VSWITCH_BUILD_DIR/tests/tools/vlan_trunk_peer}
[ -x "$PEER" ] || fail "missing $PEER"

start_daemon
ctl add-br br0
vm_on_tap br0 "$(name a10)" "$(name ta10)" 10.77.10.1 --vlan 10
vm_on_veth br0 "$(name b10)" "$(name vb10)" 10.77.10.2 --vlan 10
vm_on_tap br0 "$(name a20)" "$(name ta20)" 10.77.20.1 --vlan 20
# x20 sits in VLAN 20 with an address of VLAN 10's subnet: only L2 separation keeps it away.
vm_on_veth br0 "$(name x20)" "$(name vx20)" 10.77.10.3 --vlan 20
vm_on_tap br0 "$(name c30)" "$(name tc30)" 10.77.30.1 --vlan 30
vm_on_veth br0 "$(name up)" "$(name upl)" 10.77.99.1 --trunk 10,20 --native 30

up=$(name up)
ip -n "$up" addr flush dev eth0
# The trunk's own stack must stay quiet: only the peer's TAPs answer ARP.
ip netns exec "$up" sysctl -qw net.ipv4.conf.all.arp_ignore=1
ip netns exec "$up" "$PEER" --trunk eth0 --vlan 10:up10 --vlan 20:up20 --native upn --seconds 120 \
  >"$T_DIR/peer.log" 2>&1 &
track_pid $!
wait_for 10 grep -q ready "$T_DIR/peer.log" || fail "vlan_trunk_peer did not start: $(cat "$T_DIR/peer.log")"
for d in up10:10.77.10.100 up20:10.77.20.100 upn:10.77.30.100; do
  ip -n "$up" addr add "${d#*:}/24" dev "${d%%:*}"
  ip -n "$up" link set "${d%%:*}" up
done

ping_ok "$(name a10)" 10.77.10.2 || fail "VLAN 10: tap VM cannot reach veth VM"
ping_ok "$(name a10)" 10.77.10.100 || fail "VLAN 10: VM cannot reach upstream over the trunk"
ping_ok "$(name b10)" 10.77.10.100 || fail "VLAN 10: veth VM cannot reach upstream over the trunk"
ping_ok "$(name a20)" 10.77.20.100 || fail "VLAN 20: VM cannot reach upstream over the trunk"
ping_ok "$(name c30)" 10.77.30.100 || fail "native VLAN 30: VM cannot reach upstream untagged"
ping_ok "$up" 10.77.20.1 || fail "upstream cannot reach VLAN 20's VM"
log "each VLAN reaches its VMs over the trunk, native VLAN untagged"

ping_fails "$(name x20)" 10.77.10.1 || fail "VLAN 20 VM reached a VLAN 10 VM"
ping_fails "$(name x20)" 10.77.10.100 || fail "VLAN 20 VM reached VLAN 10 upstream"
log "VLAN 20 cannot reach VLAN 10"

# Tags on the wire of the trunk, and ARP broadcasts confined to their VLAN.
ip netns exec "$up" timeout 15 tcpdump -i eth0 -e -n -U -w "$T_DIR/trunk.pcap" 2>/dev/null &
trunk_cap=$!
track_pid $trunk_cap
ip netns exec "$(name x20)" timeout 15 tcpdump -i eth0 -Q in -e -n -U -w "$T_DIR/x20.pcap" arp or icmp 2>/dev/null &
x20_cap=$!
track_pid $x20_cap
sleep 1.5
ip -n "$(name a10)" neigh flush all
ip -n "$(name c30)" neigh flush all
ip -n "$(name a20)" neigh flush all
ping_ok "$(name a10)" 10.77.10.100 || fail "VLAN 10 ping during capture"
ping_ok "$(name a20)" 10.77.20.100 || fail "VLAN 20 ping during capture"
# A broadcast that is certain to happen in VLAN 20 (ARP may be answered from cache): x20 must see it.
ip netns exec "$(name a20)" ping -b -c 1 -W 1 10.77.20.255 >/dev/null 2>&1 || true
ping_ok "$(name c30)" 10.77.30.100 || fail "VLAN 30 ping during capture"
sleep 0.5
kill $trunk_cap $x20_cap 2>/dev/null || true
wait $trunk_cap $x20_cap 2>/dev/null || true

trunk=$(tcpdump -r "$T_DIR/trunk.pcap" -e -n 2>/dev/null)
echo "$trunk" | grep -q "vlan 10.*10.77.10.1 > 10.77.10.100: ICMP echo request" ||
  fail "no 802.1Q tag 10 on the trunk for VLAN 10 traffic: $(echo "$trunk" | head -5)"
echo "$trunk" | grep "10.77.30.1 > 10.77.30.100: ICMP echo request" | grep -qv vlan ||
  fail "native VLAN traffic is not untagged on the trunk"
echo "$trunk" | grep "10.77.30.1 > 10.77.30.100" | grep -q vlan && fail "native VLAN traffic carried a tag"
echo "$trunk" | grep -q "vlan 10.*ARP.*Request who-has 10.77.10.100" || fail "VLAN 10 ARP not tagged on the trunk"
tcpdump -r "$T_DIR/x20.pcap" -n 2>/dev/null | grep -q "10.77.20.1 > 10.77.20.255: ICMP echo request" ||
  fail "the VLAN 20 port did not see VLAN 20's own broadcast (capture broken?): x20 saw: $(tcpdump -r "$T_DIR/x20.pcap" -n -e 2>/dev/null | head -5); trunk: $(echo "$trunk" | grep -i arp | head -8)"
leaked=$(tcpdump -r "$T_DIR/x20.pcap" -n 2>/dev/null | grep -c "10.77.10.100\|10.77.10.1 \|10.77.30" || true)
[ "$leaked" = 0 ] || fail "$leaked frames of VLAN 10/30 reached a VLAN 20 port: $(tcpdump -r "$T_DIR/x20.pcap" -n -e 2>/dev/null | head -3)"
log "tags on the trunk are right; ARP stays in its VLAN"

echo "PASS"
