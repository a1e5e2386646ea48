#!/bin/bash
# Self-test of tests/tools/vlan_trunk_peer: two peers back to back over a veth "trunk", each with TAPs
# for VLAN 10 and 20 and a native TAP. Same-VLAN TAPs reach each other (and TCP works across with
# offloads on); the frames on the trunk carry the right 802.1Q tags (tcpdump -e); a broadcast of
# VLAN 10 never comes out of a VLAN 20 TAP.
source "$(dirname "$0")/lib.sh"
command -v tcpdump >/dev/null || { echo "SKIP: tcpdump not installed"; exit 77; }

new_ns UPA
new_ns UPB
TA="ta$SUF"
TB="tb$SUF"
ip -n "$UPA" link add "$TA" type veth peer name "$TB" netns "$UPB"

# peer NS SIDE TRUNK: starts a peer whose TAPs are named v10$SIDE$SUF, v20$SIDE$SUF, nat$SIDE$SUF.
peer() {
  local ns=$1 side=$2 trunk=$3
  spawn "$WORK/peer-$side.log" ip netns exec "$ns" "$VLAN_TRUNK_PEER" --seconds 120 --trunk "$trunk" \
    --vlan "10:v10$side$SUF" --vlan "20:v20$side$SUF" --native "nat$side$SUF"
}
peer "$UPA" a "$TA"
PEER_A=$SPAWNED
peer "$UPB" b "$TB"
PEER_B=$SPAWNED
wait_for_line "$WORK/peer-a.log" '^ready'
wait_for_line "$WORK/peer-b.log" '^ready'

n=1
for pair in "$UPA a" "$UPB b"; do
  set -- $pair
  ip -n "$1" addr add "10.77.10.$n/24" dev "v10$2$SUF"
  ip -n "$1" addr add "10.77.20.$n/24" dev "v20$2$SUF"
  ip -n "$1" addr add "10.77.30.$n/24" dev "nat$2$SUF"
  n=$((n + 1))
done

# Watch the trunk (B's end) and B's VLAN 20 TAP while A talks on VLAN 10, VLAN 20 and natively.
spawn "$WORK/trunk.pcap.txt" ip netns exec "$UPB" timeout 20 tcpdump -e -n -l -i "$TB" arp
DUMP_TRUNK=$SPAWNED
spawn "$WORK/v20.pcap.txt" ip netns exec "$UPB" timeout 20 tcpdump -e -n -l -i "v20b$SUF" arp
DUMP_V20=$SPAWNED
wait_for_line "$WORK/trunk.pcap.txt" 'listening on'
wait_for_line "$WORK/v20.pcap.txt" 'listening on'

ip netns exec "$UPA" ping -c 2 -i 0.2 -W 2 10.77.10.2 >/dev/null || fail "VLAN 10 does not cross the trunk"
sleep 0.5
stop "$DUMP_V20" || true  # nothing of VLAN 10 may have shown up on B's VLAN 20 TAP so far
ip netns exec "$UPA" ping -c 2 -i 0.2 -W 2 10.77.20.2 >/dev/null || fail "VLAN 20 does not cross the trunk"
ip netns exec "$UPA" ping -c 2 -i 0.2 -W 2 10.77.30.2 >/dev/null || fail "the native VLAN does not cross the trunk"
sleep 0.5
stop "$DUMP_TRUNK" || true

grep -q 'vlan 10, p 0, ethertype ARP.*who-has 10.77.10.2' "$WORK/trunk.pcap.txt" || fail "no VLAN 10 tagged ARP on the trunk"
grep -q 'vlan 20, p 0, ethertype ARP.*who-has 10.77.20.2' "$WORK/trunk.pcap.txt" || fail "no VLAN 20 tagged ARP on the trunk"
grep 'who-has 10.77.30.2' "$WORK/trunk.pcap.txt" | grep -qv 'vlan' || fail "no untagged native ARP on the trunk"
if grep -q '10.77.10' "$WORK/v20.pcap.txt"; then fail "VLAN 10 ARP leaked onto the VLAN 20 TAP"; fi

# TCP across the trunk with offloads on.
spawn "$WORK/iperf-server.log" ip netns exec "$UPB" timeout 20 iperf3 -s -1 -p 5201
sleep 0.5
ip netns exec "$UPA" timeout 20 iperf3 -c 10.77.20.2 -p 5201 -t 2 >"$WORK/iperf.log" || fail "iperf3 over VLAN 20 failed"
errors=$(tcp_csum_errors "$UPB")
[ "$errors" = 0 ] || fail "TCP InCsumErrors=$errors in B"

stop "$PEER_A" || fail "peer A exited with an error"
stop "$PEER_B" || fail "peer B exited with an error"
grep '^stats' "$WORK/peer-a.log" "$WORK/peer-b.log"
echo "PASS: VLAN 10/20 and native cross the userspace trunk, tagged on the wire, isolated"
