#!/usr/bin/env bash
# Frames the kernel drops because the switch fell behind are counted, not lost silently: with the
# daemon stopped (SIGSTOP), a VM floods its port; the AF_PACKET receive queues overflow, and after
# SIGCONT the port's rx_overrun (the sockets' PACKET_STATISTICS drops) plus the frames the switch did
# read account for what the VM sent. Run with one and with two datapath workers (fanout queues).
. "$(dirname "$0")/lib.sh"

UDP_FLOOD=${UDP_FLOOD:-$VSWITCH_BUILD_DIR/bench/udp_flood}
[ -x "$UDP_FLOOD" ] || fail "$UDP_FLOOD not built"

for threads in 1 2; do
  VSWITCHD_ARGS= start_daemon --threads $threads
  ctl add-br br0
  vm_on_veth br0 "$(name a$threads)" "$(name va$threads)" 10.77.8.1
  vm_on_veth br0 "$(name b$threads)" "$(name vb$threads)" 10.77.8.2
  for v in a b; do ip netns exec "$(name $v$threads)" sysctl -qw net.ipv6.conf.all.disable_ipv6=1; done
  ping_ok "$(name a$threads)" 10.77.8.2 || fail "vm a cannot reach vm b ($threads workers)"
  port=$(name va$threads)
  rx0=$(ctl --json stats "$port" | json_get "j['bridges'][0]['ports'][0]['rx_frames']")

  kill -STOP "$DAEMON_PID"
  out=$(ip netns exec "$(name a$threads)" timeout 10 "$UDP_FLOOD" --dev eth0 \
    --dst-mac "$(ns_mac "$(name b$threads)" eth0)" --src-ip 10.77.8.1 --dst-ip 10.77.8.2 --seconds 1)
  kill -CONT "$DAEMON_PID"
  sent=$(echo "$out" | json_get "j['sent']")
  sleep 1.5 # rx_overrun is collected once a second
  read -r rx overrun <<<"$(ctl --json stats "$port" |
    json_get "(lambda p: f\"{p['rx_frames']} {p['drops']['rx_overrun']}\")(j['bridges'][0]['ports'][0])")"
  got=$((rx - rx0))
  log "$threads worker(s): sent $sent while stopped; switch read $got, kernel dropped $overrun (rx_overrun)"
  [ "$overrun" -gt 0 ] || fail "no rx_overrun counted although the daemon was stopped during a flood"
  [ $((got + overrun)) -ge $((sent * 99 / 100)) ] ||
    fail "read $got + overrun $overrun account for less than 99% of $sent sent"
  [ $((got + overrun)) -le $((sent + 20)) ] || fail "read $got + overrun $overrun exceed $sent sent"
  ctl stats "$port" | grep -q rx_overrun || fail "vswitchctl stats does not show rx_overrun"
  stop_daemon
  rm -rf "$T_DIR/state"
done
echo "PASS"
