#!/usr/bin/env bash
# Issue 6, item 3: two datapath workers share one bridge. System ports are opened with one AF_PACKET
# socket per worker in a fanout group, so flows spread over both workers. Checks, for real:
#   - vswitchd runs two dp-worker threads and both do work under TCP with 4 streams;
#   - TCP works with default offloads (no checksum errors) while ports are added and removed and stats
#     are read, which pauses the workers again and again;
#   - counters stay exact although each worker keeps its own: every frame VM1 sent through the switch
#     reached VM2's port once (sent or counted as dropped);
#   - the host's own transmissions on a fanout port are not switched (ignore-outgoing);
#   - vswitchd raises its soft open-file limit to the hard one;
#   - TAPs the daemon creates are multi-queue, one queue per worker, and TCP between two of them runs
#     on both workers.
. "$(dirname "$0")/lib.sh"

# This test picks its own thread count: extra daemon args from the caller would be doubled. It also
# starts the daemon with a low soft open-file limit: each port costs a fd per worker, so vswitchd raises
# the soft limit to the hard one.
VSWITCHD_ARGS= VSWITCHD_PREFIX="prlimit --nofile=256:4096" start_daemon --threads 2
soft=$(awk '/Max open files/ { print $4 }' /proc/"$DAEMON_PID"/limits)
[ "$soft" = 4096 ] || fail "vswitchd kept a soft open-file limit of $soft (hard 4096)"
ctl add-br br0
# Two VMs only until the counts are checked: every frame vm1 sends then goes to vm2 (a third VM would
# get vm1's ARP probes too).
for i in 1 2; do vm_on_veth br0 "$(name vm$i)" "$(name ve$i)" "10.77.6.$i"; done
for i in 1 2; do ip netns exec "$(name vm$i)" sysctl -qw net.ipv6.conf.all.disable_ipv6=1; done
ping_ok "$(name vm1)" 10.77.6.2 || fail "vm1 cannot ping vm2 with two workers"

workers=$(cat /proc/"$DAEMON_PID"/task/*/comm | grep -c '^dp-worker' || true)
[ "$workers" = 2 ] || fail "expected 2 dp-worker threads, found $workers"

worker_ticks() {  # utime+stime of each worker thread, one line each
  for t in /proc/"$DAEMON_PID"/task/*; do
    grep -q '^dp-worker' "$t/comm" && awk '{ print $14 + $15 }' "$t/stat"
  done
}
both_worked() {  # BEFORE AFTER (worker_ticks lines): both workers' CPU time grew
  $PY -c "import sys; b, a = ([int(x) for x in v.split()] for v in sys.argv[1:]); \
sys.exit(0 if len(a) == 2 and all(y > x for x, y in zip(b, a)) else 1)" "$1" "$2"
}
# ve1 rx_frames, ve1 rx_dropped, ve2 tx_frames, ve2 tx_dropped, from ONE stats call: a single pause of the
# workers, so no frame is in flight between the two ports' counts (separate calls would see traffic that
# is still trickling, such as the end of a TCP connection, on one port and not yet on the other).
snapshot() {
  ctl --json stats br0 | json_get "(lambda p: '%d %d %d %d' % (p['$(name ve1)']['rx_frames'], \
p['$(name ve1)']['rx_dropped'], p['$(name ve2)']['tx_frames'], p['$(name ve2)']['tx_dropped']))\
({q['name']: q for q in j['bridges'][0]['ports']})"
}

# The port added and removed during the run: a veth whose both ends have IPv6 off, so that it brings
# no frames of its own into the counts below (a fresh TAP would, from the host's IPv6 stack).
ip link add "$(name cx)" type veth peer name "$(name cy)"
track_link "$(name cx)"
for d in cx cy; do echo 1 >/proc/sys/net/ipv6/conf/"$(name $d)"/disable_ipv6; done

before_ticks=$(worker_ticks | paste -sd' ')
read -r rx0 rxd0 tx0 txd0 <<<"$(snapshot)"
ip netns exec "$(name vm2)" iperf3 -s -1 -D -p 5203 --logfile "$T_DIR/srv.log"
wait_for 5 sh -c "ip netns exec $(name vm2) ss -ltn | grep -q ':5203 '" || fail "iperf3 server did not start"
ip netns exec "$(name vm1)" timeout 30 iperf3 -c 10.77.6.2 -p 5203 -t 4 -P 4 --json >"$T_DIR/tcp.json" &
iperf=$!
track_pid $iperf
# Control-plane churn during the run: every change and every read pauses both workers.
churn=0
while kill -0 $iperf 2>/dev/null && [ $churn -lt 40 ]; do
  ctl add-port br0 "$(name cx)" --type system >/dev/null
  ctl stats br0 >/dev/null
  ctl fdb-show br0 >/dev/null
  ctl del-port br0 "$(name cx)"
  churn=$((churn + 1))
  sleep 0.05
done
wait $iperf || fail "iperf3 failed with two workers: $(tail -n 5 "$T_DIR/tcp.json")"
gbps=$(json_get "round(j['end']['sum_received']['bits_per_second'] / 1e9, 2)" <"$T_DIR/tcp.json")
$PY -c "import sys; sys.exit(0 if $gbps > 0.1 else 1)" || fail "TCP with two workers moved only $gbps Gbit/s"
slow=$(json_get "min(s['receiver']['bytes'] for s in j['end']['streams'])" <"$T_DIR/tcp.json")
[ "$slow" -gt 1000000 ] || fail "a TCP stream moved only $slow bytes with two workers"
errs=$(tcp_csum_errors "$(name vm2)")
[ "$errs" = 0 ] || fail "vm2 saw $errs TCP checksum errors"
log "TCP x4 with two workers: $gbps Gbit/s, 0 checksum errors, $churn add/del-port rounds meanwhile"

after_ticks=$(worker_ticks | paste -sd' ')
both_worked "$before_ticks" "$after_ticks" || fail "a worker did no work: CPU ticks $before_ticks -> $after_ticks"
log "both workers did work (CPU ticks $before_ticks -> $after_ticks)"

sleep 0.5
read -r rx1 rxd1 tx1 txd1 <<<"$(snapshot)"
in=$((rx1 - rx0 - (rxd1 - rxd0)))
out=$((tx1 - tx0 + txd1 - txd0))
[ "$in" -gt 1000 ] || fail "only $in frames from vm1 were counted"
[ "$in" = "$out" ] || fail "vm1's port forwarded $in frames but vm2's port accounts for $out"
log "counters exact across workers: $in frames in on $(name ve1), $out out (or dropped) on $(name ve2)"

vm_on_veth br0 "$(name vm3)" "$(name ve3)" 10.77.6.3
ping_ok "$(name vm3)" 10.77.6.1 || fail "vm3 cannot ping vm1 with two workers"

# The host's own frames on a fanout port: give the root-namespace end of ve3 an address and send from
# the host. A broadcast the host transmits there must not be switched to vm1.
ip addr add 10.77.7.100/24 dev "$(name ve3)"
cap="$T_DIR/vm1.pcap"
ip netns exec "$(name vm1)" timeout 6 tcpdump -i eth0 -n -U -w "$cap" arp 2>/dev/null &
track_pid $!
sleep 1
ip neigh flush dev "$(name ve3)" 2>/dev/null || true
timeout 3 ping -c 2 -W 1 -I "$(name ve3)" 10.77.7.55 >/dev/null 2>&1 || true  # ARP who-has 10.77.7.55
sleep 1
seen=$(tcpdump -n -r "$cap" 2>/dev/null | grep -c '10.77.7.55' || true)
[ "$seen" = 0 ] || fail "the host's own ARP on a fanout port was switched to vm1 ($seen frames)"
log "the host's own transmissions on a fanout port stay out of the switch"

# TAP VMs: the daemon creates each TAP with one queue per worker.
vm_on_tap br0 "$(name tv1)" "$(name ta1)" 10.77.6.11
vm_on_tap br0 "$(name tv2)" "$(name ta2)" 10.77.6.12
ip -n "$(name tv1)" -d link show "$(name ta1)" | grep -q multi_queue || fail "the daemon's TAP is not multi-queue"
ping_ok "$(name tv1)" 10.77.6.12 || fail "tap vm1 cannot ping tap vm2 with two workers"
before_ticks=$(worker_ticks | paste -sd' ')
ip netns exec "$(name tv2)" iperf3 -s -1 -D -p 5204 --logfile "$T_DIR/srv2.log"
wait_for 5 sh -c "ip netns exec $(name tv2) ss -ltn | grep -q ':5204 '" || fail "iperf3 server did not start"
ip netns exec "$(name tv1)" timeout 30 iperf3 -c 10.77.6.12 -p 5204 -t 3 -P 4 --json >"$T_DIR/tcp2.json" ||
  fail "iperf3 between TAP VMs failed with two workers: $(tail -n 5 "$T_DIR/tcp2.json")"
gbps=$(json_get "round(j['end']['sum_received']['bits_per_second'] / 1e9, 2)" <"$T_DIR/tcp2.json")
# Each flow lands on one queue: a queue nobody polled would leave its streams with nothing delivered.
slow=$(json_get "min(s['receiver']['bytes'] for s in j['end']['streams'])" <"$T_DIR/tcp2.json")
[ "$slow" -gt 1000000 ] || fail "a TCP stream between TAP VMs moved only $slow bytes"

errs=$(tcp_csum_errors "$(name tv2)")
[ "$errs" = 0 ] || fail "tap vm2 saw $errs TCP checksum errors"
after_ticks=$(worker_ticks | paste -sd' ')
both_worked "$before_ticks" "$after_ticks" || fail "a worker did no work on TAPs: CPU ticks $before_ticks -> $after_ticks"
log "TCP x4 between multi-queue TAPs: $gbps Gbit/s, 0 checksum errors, both workers busy ($before_ticks -> $after_ticks)"
echo "PASS"
