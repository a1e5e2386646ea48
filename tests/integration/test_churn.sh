#!/usr/bin/env bash
# Issue 7, part 3: churn under load. While iperf3 runs between two VMs, add and delete 200 other ports
# (100 TAPs the daemon creates, 100 veths) and delete/re-create a third VM's netdev several times: no
# crash, no stall of the iperf3 flow, and no fd or memory leak in vswitchd (open fds and RSS compared
# before and after).
. "$(dirname "$0")/lib.sh"

start_daemon
ctl add-br br0
vm_on_veth br0 "$(name vm1)" "$(name ve1)" 10.77.8.1
vm_on_tap br0 "$(name vm2)" "$(name vt2)" 10.77.8.2
vm_on_veth br0 "$(name vm3)" "$(name ve3)" 10.77.8.3
ping_ok "$(name vm1)" 10.77.8.2 || fail "vm1 cannot ping vm2"

fds() { ls /proc/"$DAEMON_PID"/fd | wc -l; }
rss() { awk '/^VmRSS/ {print $2}' /proc/"$DAEMON_PID"/status; }
# Warm up allocations that happen once (first add/del of each kind) before the baseline.
ctl add-port br0 "$(name wt)" --type tap && ctl del-port br0 "$(name wt)"
fds_before=$(fds)
rss_before=$(rss)

ip netns exec "$(name vm2)" iperf3 -s -1 -D -p 5203 --logfile "$T_DIR/iperf-s.log"
sleep 0.3
ip netns exec "$(name vm1)" timeout 60 iperf3 -c 10.77.8.2 -p 5203 -t 15 -i 1 --json >"$T_DIR/iperf.json" 2>&1 &
iperf_pid=$!
track_pid $iperf_pid

start=$SECONDS
for i in $(seq 0 99); do
  [ $((SECONDS - start)) -lt 40 ] || fail "churn took too long (bounded at 40 s)"
  t=c${RUN_ID}t$i
  v=c${RUN_ID}v$i
  ip link add "$v" type veth peer name "p$v"
  track_link "$v"
  ctl add-port br0 "$t" --type tap >/dev/null
  ctl add-port br0 "$v" >/dev/null
  if [ $((i % 20)) = 0 ]; then  # the third VM loses and regains its netdev
    ip link del "$(name ve3)"
    ip link add "$(name ve3)" type veth peer name "p$(name ve3)"
    ip link set "p$(name ve3)" netns "$(name vm3)"
    ip -n "$(name vm3)" link set "p$(name ve3)" up
    ip link set "$(name ve3)" up
  fi
  ctl del-port br0 "$t" >/dev/null
  ctl del-port br0 "$v" >/dev/null
  ip link del "$v"
done
log "200 ports added and deleted in $((SECONDS - start)) s while iperf3 ran"

wait $iperf_pid || fail "iperf3 failed during the churn: $(tail -n 5 "$T_DIR/iperf.json")"
daemon_alive || fail "vswitchd died"
# No stall: every 1-second interval of the run moved data.
$PY - "$T_DIR/iperf.json" <<'PY' || fail "iperf3 stalled during the churn"
import json, sys
j = json.load(open(sys.argv[1]))
rates = [iv["sum"]["bits_per_second"] for iv in j["intervals"]]
print("iperf3 per-second Gbit/s:", " ".join("%.1f" % (r / 1e9) for r in rates), file=sys.stderr)
sys.exit(0 if rates and min(rates) > 1e8 else 1)
PY

wait_for 5 test "$(port_field "$(name ve3)" state)" = up || fail "vm3's port did not re-attach"
for t in $(seq 0 99); do [ ! -e "/sys/class/net/c${RUN_ID}t$t" ] || fail "TAP c${RUN_ID}t$t outlived its port"; done
fds_after=$(fds)
rss_after=$(rss)
log "vswitchd fds: $fds_before -> $fds_after; RSS: ${rss_before} kB -> ${rss_after} kB"
[ "$fds_after" -le "$fds_before" ] || fail "fd leak: $fds_before -> $fds_after"
[ $((rss_after - rss_before)) -lt 8192 ] || fail "RSS grew by $((rss_after - rss_before)) kB"
[ "$(ctl --json list-ports br0 | json_get "len(j['ports'])")" = 3 ] || fail "ports left over: $(ctl list-ports br0)"
echo "PASS"
