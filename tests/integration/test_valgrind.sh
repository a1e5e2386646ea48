#!/usr/bin/env bash
# Issue 7, part 6: a short session of vswitchd under valgrind (memcheck): bridges, tap and veth ports,
# traffic, FDB and stats queries, a vanishing netdev, deletion, SIGTERM. valgrind must report no invalid
# access and no definitely/indirectly lost memory.
. "$(dirname "$0")/lib.sh"

command -v valgrind >/dev/null || fail "valgrind not installed (scripts/install-deps.sh)"
VG_LOG=$T_DIR/valgrind.log
VSWITCHD_PREFIX="valgrind --quiet --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect --track-fds=no --log-file=$VG_LOG"
start_daemon
case "$(readlink /proc/"$DAEMON_PID"/exe)" in *memcheck*) ;; *) fail "vswitchd is not running under valgrind: $(readlink /proc/"$DAEMON_PID"/exe)" ;; esac
ctl add-br br0
ctl add-br br1 --ageing-time 60
vm_on_tap br0 "$(name vm1)" "$(name vt1)" 10.77.9.1
vm_on_veth br0 "$(name vm2)" "$(name ve2)" 10.77.9.2
ping_ok "$(name vm1)" 10.77.9.2 || fail "no ping under valgrind"
ctl fdb-show br0 >/dev/null
ctl --json stats >/dev/null
ctl set-port "$(name vt1)" --vlan 10
ctl set-port "$(name ve2)" --vlan 10
ping_ok "$(name vm1)" 10.77.9.2 || fail "no ping in VLAN 10 under valgrind"
ctl fdb-add br0 02:00:00:00:00:99 "$(name vt1)" --vlan 10
ctl fdb-del br0 02:00:00:00:00:99 --vlan 10
ip link del "$(name ve2)"
wait_for 10 test "$(port_field "$(name ve2)" state)" = absent || fail "lost port not absent"
ctl del-port br0 "$(name vt1)"
ctl del-br br1
echo '{"jsonrpc":"2.0","id":1,"method":"nope"}' | timeout 5 $PY -c "
import socket,sys; s=socket.socket(socket.AF_UNIX); s.connect('$T_SOCK'); s.sendall(sys.stdin.buffer.read()); print(s.recv(4096))" >/dev/null

kill -TERM "$DAEMON_PID"
for _ in $(seq 300); do kill -0 "$DAEMON_PID" 2>/dev/null || break; sleep 0.1; done
kill -0 "$DAEMON_PID" 2>/dev/null && fail "vswitchd under valgrind did not stop"
DAEMON_PID=
if [ -s "$VG_LOG" ]; then
  cat "$VG_LOG" >&2
  fail "valgrind reported errors or leaks"
fi
log "valgrind: no invalid access, no leak"
echo "PASS"
