#!/usr/bin/env bash
# MAC flood: a tenant namespace sends frames from 1,000,000 random source MACs through a system
# (AF_PACKET) port while two VMs ping each other. Checks that the FDB stays at its limit without
# evicting the VMs' entries, that the daemon's memory stays bounded, that the pings keep working,
# and that `stats` counts the addresses not learned (fdb.overflow).
#
# The flood's destination is the flooder's own MAC (learned before the flood), so the switch drops
# every flood frame after learning from it (same port): what is tested is the MAC table under a
# source-address flood, not the VMs' ability to absorb a million flooded frames.
. "$(dirname "$0")/lib.sh"

MAC_FLOOD=$VSWITCH_BUILD_DIR/tests/tools/mac_flood
[ -x "$MAC_FLOOD" ] || fail "missing $MAC_FLOOD (build the tests/tools targets)"
FLOOD_COUNT=${FLOOD_COUNT:-1000000}
FDB_MAX=4096

br=$(name fb)
nsa=$(name fa) nsb=$(name fb) nsf=$(name ff)
pa=$(name va) pb=$(name vb) pf=$(name vf)
net=10.77.$((RANDOM % 200 + 20))

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$DAEMON_PID/status"; }
stat_of() { ctl --json stats "$br" | json_get "$1"; }

start_daemon
ctl add-br "$br" --fdb-max "$FDB_MAX"
vm_on_veth "$br" "$nsa" "$pa" "$net.1"
vm_on_veth "$br" "$nsb" "$pb" "$net.2"
vm_on_veth "$br" "$nsf" "$pf" "$net.3"

wait_for 10 ping_ok "$nsa" "$net.2" || fail "VMs cannot ping each other before the flood"
ping_ok "$nsf" "$net.1" || fail "flooder cannot reach VM A"  # the switch learns the flooder's MAC
mac_a=$(ns_mac "$nsa" eth0)
mac_f=$(ns_mac "$nsf" eth0)

rss_before=$(rss_kb)
overflow_before=$(stat_of "j['bridges'][0]['fdb']['overflow']")
log "before flood: RSS ${rss_before} kB, FDB $(stat_of "j['bridges'][0]['fdb_entries']")/$FDB_MAX"

# The pings between the VMs run through the whole flood: 20 per second, bounded by -w.
ip netns exec "$nsa" ping -i 0.05 -W 1 -w 10 -q "$net.2" >"$T_DIR/ping.out" 2>&1 &
ping_pid=$!
track_pid "$ping_pid"
sleep 1

log "flooding $FLOOD_COUNT random source MACs from $pf"
ip netns exec "$nsf" "$MAC_FLOOD" --ifname eth0 --count "$FLOOD_COUNT" --dst "$mac_f" --seconds 40 \
  >"$T_DIR/flood.out" || fail "mac_flood: $(cat "$T_DIR/flood.out")"
log "mac_flood: $(cat "$T_DIR/flood.out")"
daemon_alive || fail "vswitchd died during the flood"

wait "$ping_pid" || true
ping_summary=$(grep -E 'packets transmitted' "$T_DIR/ping.out" || true)
log "pings during the flood: $ping_summary"
sent=$(sed -nE 's/^([0-9]+) packets transmitted.*/\1/p' <<<"$ping_summary")
recv=$(sed -nE 's/.* ([0-9]+) (packets )?received.*/\1/p' <<<"$ping_summary")
[ -n "$sent" ] && [ "$sent" -gt 0 ] || fail "no ping summary: $(cat "$T_DIR/ping.out")"
loss=$(((sent - recv) * 100 / sent))

rss_after=$(rss_kb)
entries=$(stat_of "j['bridges'][0]['fdb_entries']")
overflow_after=$(stat_of "j['bridges'][0]['fdb']['overflow']")
flood_rx=$(stat_of "[p['rx_frames'] for p in j['bridges'][0]['ports'] if p['name']=='$pf'][0]")
log "after flood: RSS ${rss_after} kB (before ${rss_before} kB), FDB $entries/$FDB_MAX," \
  "overflow $overflow_before -> $overflow_after, frames received on $pf: $flood_rx, ping loss ${loss}%"

# Each frame is counted once (the backend and the core both used to count it: rx_frames doubled).
[ "$flood_rx" -le $((FLOOD_COUNT + 100)) ] || fail "port counts $flood_rx frames received, only $FLOOD_COUNT were sent"
[ "$entries" -eq "$FDB_MAX" ] || fail "FDB holds $entries entries, expected its limit $FDB_MAX"
[ "$overflow_after" -gt "$overflow_before" ] || fail "overflow counter did not rise"
# Every received flood frame carries a new address; all beyond the table's room are overflow (the
# margin: the few ARP and ping frames from the flooder's own, known, address).
[ "$overflow_after" -ge $((flood_rx - FDB_MAX - 100)) ] ||
  fail "overflow $overflow_after < flood frames received ($flood_rx) - table size"
[ $((rss_after - rss_before)) -lt 32768 ] || fail "RSS grew by $((rss_after - rss_before)) kB (bound 32 MiB)"
[ "$loss" -le 10 ] || fail "ping loss ${loss}% during the flood (bound 10%)"
ctl fdb-show "$br" --port "$pa" | grep -qi "$mac_a" || fail "VM A's address was pushed out of the FDB"
ping_ok "$nsa" "$net.2" || fail "VMs cannot ping each other after the flood"
log "PASS: FDB held at $entries/$FDB_MAX, RSS ${rss_before} -> ${rss_after} kB, ping loss ${loss}%"
