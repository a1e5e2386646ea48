#!/usr/bin/env bash
# Issue 4: every vswitchctl command end to end against a real vswitchd (human and --json output),
# the error cases, the protocol's answers to bad input, persistence across a clean stop and a kill -9,
# a port whose netdev appears later, the second-instance refusal, daemonizing, and socket access.
# Pure control operations: everything runs in the root namespace on netdevs this test creates.
. "$(dirname "$0")/lib.sh"

# expect_fail CODE PATTERN CMD...: CMD exits with CODE and its stderr matches PATTERN.
expect_fail() {
  local want=$1 pattern=$2 rc=0
  shift 2
  "$@" >"$T_DIR/out" 2>"$T_DIR/err" || rc=$?
  [ "$rc" = "$want" ] || fail "'$*' exited $rc, expected $want: $(cat "$T_DIR/err")"
  grep -qE -- "$pattern" "$T_DIR/err" || fail "'$*' stderr lacks /$pattern/: $(cat "$T_DIR/err")"
}
# rpc LINE: sends one raw line on the socket, prints the reply line (or nothing if closed).
rpc() {
  $PY - "$T_SOCK" "$1" <<'EOF'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(10)
s.connect(sys.argv[1])
s.sendall(sys.argv[2].encode("utf-8", "surrogateescape") + b"\n")
buf = b""
while b"\n" not in buf:
    chunk = s.recv(65536)
    if not chunk:
        break
    buf += chunk
print(buf.split(b"\n")[0].decode())
EOF
}
rpc_code() { rpc "$1" | json_get "j['error']['code'] if 'error' in j else 'ok'"; }
# config_view: the configuration part of `show --json` (live state left out), to compare restarts
config_view() {
  ctl --json show | json_get "json.dumps([{k: v for k, v in b.items() if k not in ('fdb_entries',)} | {'ports': [{k: v for k, v in p.items() if k not in ('state','ifindex','mtu','kind','owned')} for p in b['ports']]} for b in j['bridges']], sort_keys=True)"
}

BR=$(name cb)      # bridges need not be netdevs, but unique names keep runs apart
BR2=$(name cc)
VE1=$(name cv1)    # a veth that exists from the start
VE2=$(name cv2)    # a veth that appears later
VT1=$(name ct1)    # a TAP the daemon creates

ip link add "$VE1" type veth peer name "p$VE1"
track_link "$VE1"
ip link set "$VE1" up
ip link set "p$VE1" up

start_daemon --client-timeout 2

log "socket file mode and VSWITCH_SOCKET"
[ "$(stat -c %a "$T_SOCK")" = 660 ] || fail "socket mode is $(stat -c %a "$T_SOCK"), expected 660"
"$VSWITCHCTL" list-br >/dev/null || fail "vswitchctl does not find the socket through \$VSWITCH_SOCKET"

log "version"
ctl version | grep -q "^vswitchd [0-9.]* (protocol 1)$" || fail "version: $(ctl version)"
[ "$(ctl --json version | json_get "j['protocol']")" = 1 ] || fail "version --json"

log "bridges"
ctl add-br "$BR"
ctl add-br "$BR2" --ageing-time 120 --fdb-max 500
[ "$(ctl list-br | tr '\n' ' ')" = "$BR $BR2 " ] || fail "list-br: $(ctl list-br)"
[ "$(ctl --json list-br | json_get "j['bridges']")" = "['$BR', '$BR2']" ] || fail "list-br --json"
expect_fail 1 "already exists" ctl add-br "$BR"
ctl add-br "$BR" --may-exist
ctl del-br "$BR2"
expect_fail 1 "no bridge named" ctl del-br "$BR2"
ctl del-br "$BR2" --if-exists
[ "$(ctl list-br)" = "$BR" ] || fail "list-br after del-br: $(ctl list-br)"
ctl set-br "$BR" --ageing-time 60 --fdb-max 100
[ "$(ctl --json show "$BR" | json_get "(j['bridges'][0]['ageing_time'], j['bridges'][0]['fdb_max'])")" = "(60, 100)" ] ||
  fail "set-br did not apply"

log "ports: system, later-appearing system, daemon-created TAP"
ctl add-port "$BR" "$VE1" --type system --vlan 10
ctl add-port "$BR" "$VE2" --type system --trunk 10,20-30 --native 5 --native-tagged
ctl add-port "$BR" "$VT1" --type tap
ctl add-port "$BR" "$VT1" --type tap  # same settings again: fine (qemu/libvirt retry)
expect_fail 1 "already" ctl add-port "$BR" "$VT1" --type tap --vlan 7
[ "$(ctl list-ports "$BR" | tr '\n' ' ')" = "$VE1 $VE2 $VT1 " ] || fail "list-ports: $(ctl list-ports "$BR")"
wait_for 5 test "$(port_field "$VE1" state)" = up || fail "$VE1 is $(port_field "$VE1" state), expected up"
[ "$(port_field "$VE2" state)" = absent ] || fail "$VE2 should wait as absent, is $(port_field "$VE2" state)"
[ "$(port_field "$VT1" kind)" = tap ] || fail "$VT1 kind $(port_field "$VT1" kind)"
[ "$(port_field "$VT1" owned)" = True ] || fail "$VT1 should be owned by the daemon"
ip link show "$VT1" >/dev/null 2>&1 || fail "the daemon did not create TAP $VT1"

ctl show >"$T_DIR/show.txt"
grep -q "^Bridge $BR$" "$T_DIR/show.txt" || fail "show: no bridge line: $(cat "$T_DIR/show.txt")"
grep -q "^    Port $VE1$" "$T_DIR/show.txt" || fail "show: no port line for $VE1"
grep -q "^        vlan: access 10$" "$T_DIR/show.txt" || fail "show: no access VLAN line"
grep -q "^        vlan: trunk 10,20-30 native-tagged 5$" "$T_DIR/show.txt" || fail "show: no trunk line"
grep -q "type: system, state: absent" "$T_DIR/show.txt" || fail "show: $VE2 not absent"
grep -q "ageing_time: 60s, fdb_max: 100" "$T_DIR/show.txt" || fail "show: bridge settings"
[ "$(port_field "$VE2" vlan_mode)" = native-tagged ] || fail "show --json vlan_mode"
[ "$(port_field "$VE2" trunks)" = "10,20-30" ] || fail "show --json trunks"

log "the absent port attaches when its netdev appears"
ip link add "$VE2" type veth peer name "p$VE2"
track_link "$VE2"
ip link set "p$VE2" up
ip link set "$VE2" up
wait_for 5 test "$(port_field "$VE2" state)" = up || fail "$VE2 did not attach (state $(port_field "$VE2" state))"
[ "$(port_field "$VE2" ifindex)" = "$(cat /sys/class/net/"$VE2"/ifindex)" ] || fail "$VE2 ifindex"

log "set-port"
ctl set-port "$VE1" --learning off --isolated on --mac-limit 5 --flood off --mcast-flood off --hairpin on
[ "$(ctl --json show | json_get "[(p['learning'],p['isolated'],p['mac_limit'],p['flood'],p['mcast_flood'],p['hairpin']) for b in j['bridges'] for p in b['ports'] if p['name']=='$VE1'][0]")" = \
  "(False, True, 5, False, False, True)" ] || fail "set-port options did not apply"
ctl show | grep -q "options: learning off, flood off, mcast_flood off, isolated, hairpin, mac_limit 5" ||
  fail "show does not list the changed options: $(ctl show)"
ctl set-port "$VE1" --learning on --vlan 20
[ "$(port_field "$VE1" tag)" = 20 ] || fail "set-port --vlan"
ctl set-port "$VE1" --trunk 100-110
[ "$(port_field "$VE1" vlan_mode) $(port_field "$VE1" trunks)" = "trunk 100-110" ] || fail "set-port --trunk"
ctl set-port "$VE1" --native 7
[ "$(port_field "$VE1" vlan_mode) $(port_field "$VE1" tag)" = "native-untagged 7" ] || fail "set-port --native"
ctl set-port "$VE1" --no-vlan
[ "$(port_field "$VE1" vlan_mode)" = default ] || fail "set-port --no-vlan"
expect_fail 1 "no port named" ctl set-port "$(name zz)" --learning off

log "fdb"
ctl fdb-add "$BR" 52:54:00:aa:bb:01 "$VE1"
ctl fdb-add "$BR" 52:54:00:aa:bb:02 "$VE2" --vlan 20
ctl fdb-show "$BR" >"$T_DIR/fdb.txt"
head -1 "$T_DIR/fdb.txt" | grep -qE "^Port +VLAN +MAC +Type +Age$" || fail "fdb-show header: $(head -1 "$T_DIR/fdb.txt")"
grep -qE "^$VE2 +20 +52:54:00:aa:bb:02 +static +-$" "$T_DIR/fdb.txt" || fail "fdb-show row: $(cat "$T_DIR/fdb.txt")"
[ "$(ctl --json fdb-show "$BR" --vlan 20 | json_get "[(e['port'],e['mac'],e['static']) for e in j['entries']]")" = \
  "[('$VE2', '52:54:00:aa:bb:02', True)]" ] || fail "fdb-show --vlan --json"
[ "$(ctl --json fdb-show "$BR" --port "$VE1" | json_get "[e['mac'] for e in j['entries'] if e['static']]")" = \
  "['52:54:00:aa:bb:01']" ] || fail "fdb-show --port"
ctl fdb-flush "$BR" | grep -q "^flushed [0-9]* dynamic" || fail "fdb-flush output"
[ "$(ctl --json fdb-flush "$BR" --port "$VE1" | json_get "j['removed']")" -ge 0 ] || fail "fdb-flush --json"
[ "$(ctl --json fdb-show "$BR" | json_get "len([e for e in j['entries'] if e['static']])")" = 2 ] ||
  fail "flush removed static entries"
ctl fdb-del "$BR" 52:54:00:aa:bb:02 --vlan 20
expect_fail 1 "fdb-del: " ctl fdb-del "$BR" 52:54:00:aa:bb:02 --vlan 20

log "stats"
ctl stats >"$T_DIR/stats.txt"
grep -q "^Bridge $BR: FDB [0-9]*/100 entries" "$T_DIR/stats.txt" || fail "stats header: $(cat "$T_DIR/stats.txt")"
grep -qE "^  Port +RX frames +RX bytes +TX frames +TX bytes +RX drops +TX drops$" "$T_DIR/stats.txt" ||
  fail "stats table header"
[ "$(ctl --json stats "$VE1" | json_get "[p['name'] for p in j['bridges'][0]['ports']]")" = "['$VE1']" ] ||
  fail "stats IFACE"
[ "$(ctl --json stats "$BR" | json_get "'bad_src_mac' in j['bridges'][0]['ports'][0]['drops']")" = True ] ||
  fail "stats --json drops by reason"
expect_fail 1 "no bridge or port" ctl stats "$(name zz)"

log "bad arguments: usage of the command, exit 2, nothing sent"
for v in 0 4095 abc; do
  expect_fail 2 "invalid VLAN '$v'.*1\.\.4094" ctl add-port "$BR" "$(name zz)" --vlan "$v"
  grep -q "^usage: vswitchctl add-port BR IFACE" "$T_DIR/err" || fail "no usage for add-port"
  expect_fail 2 "invalid VLAN" ctl fdb-show "$BR" --vlan "$v"
done
expect_fail 2 "invalid MAC address 'zz:00:00:00:00:01'" ctl fdb-add "$BR" zz:00:00:00:00:01 "$VE1"
expect_fail 2 "must not be empty" ctl add-port "$BR" ""
expect_fail 2 "longer than 15 bytes" ctl add-port "$BR" abcdefghijklmnop
expect_fail 2 "must not contain '/'" ctl add-port "$BR" a/b
expect_fail 2 "whitespace" ctl add-port "$BR" "a b"
expect_fail 2 "missing argument" ctl add-port "$BR"
expect_fail 2 "unexpected argument" ctl list-br extra
expect_fail 2 "unknown option '--vlna'" ctl add-port "$BR" "$(name zz)" --vlna 10
expect_fail 2 "cannot be combined" ctl add-port "$BR" "$(name zz)" --vlan 10 --trunk 20
expect_fail 2 "invalid VLAN list" ctl add-port "$BR" "$(name zz)" --trunk 10-
expect_fail 2 "must be on or off" ctl set-port "$VE1" --learning maybe
expect_fail 2 "nothing to set" ctl set-port "$VE1"
expect_fail 2 "unknown command 'frobnicate'" ctl frobnicate
ctl add-port --help | grep -q "^usage: vswitchctl add-port" || fail "add-port --help"
expect_fail 1 "no bridge named" ctl add-port "$(name nb)" "$(name zz)"
expect_fail 1 "no bridge named" ctl fdb-show "$(name nb)"
[ "$(ctl list-ports "$BR" | wc -l)" = 3 ] || fail "a refused command changed the ports"

log "the protocol answers bad input and the daemon keeps running"
[ "$(rpc_code '{"jsonrpc":"2.0","id":1,"method":"show"')" = -32700 ] || fail "truncated JSON"
[ "$(rpc_code '[1,2]')" = -32600 ] || fail "non-object request"
[ "$(rpc_code '"add-br"')" = -32600 ] || fail "string request"
[ "$(rpc_code '{"jsonrpc":"2.0","id":1,"method":"reboot"}')" = -32601 ] || fail "unknown method"
[ "$(rpc_code '{"jsonrpc":"2.0","id":1,"method":"add-br","params":{"bridge":7}}')" = -32602 ] || fail "wrong type"
[ "$(rpc_code '{"jsonrpc":"2.0","id":1,"method":"fdb-show","params":{"bridge":"x","vlan":4095}}')" = -32602 ] ||
  fail "VLAN 4095"
[ "$(rpc_code '{"jsonrpc":"2.0","id":1,"method":"add-br","params":{"bridge":"x","colour":"red"}}')" = -32602 ] ||
  fail "unknown param"
rpc '{"jsonrpc":"2.0","id":1,"method":"del-br","params":{"bridge":"nope"}}' | grep -q '"data":"no-such-bridge"' ||
  fail "application error without its name in data"
$PY - "$T_SOCK" <<'EOF' || fail "10 MiB line not answered with an error"
import json, socket, sys, threading
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(10)
s.connect(sys.argv[1])
def send():
    try:
        s.sendall(b"x" * (10 << 20) + b"\n")
    except OSError:
        pass  # the daemon hung up once past its limit
t = threading.Thread(target=send, daemon=True)
t.start()
buf = b""
while b"\n" not in buf:
    chunk = s.recv(65536)
    if not chunk:
        break
    buf += chunk
reply = json.loads(buf.split(b"\n")[0])
assert reply["error"]["code"] == -32600 and "larger than" in reply["error"]["message"], reply
EOF
# a client that connects and sends nothing, and one that stops mid-request, are dropped after the timeout
$PY - "$T_SOCK" <<'EOF' || fail "idle clients were not disconnected"
import socket, sys, time
idle = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); idle.connect(sys.argv[1])
half = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); half.connect(sys.argv[1])
half.sendall(b'{"jsonrpc":"2.0","id":1,"meth')
for s in (idle, half):
    s.settimeout(8)
    assert s.recv(100) == b"", "expected EOF"
EOF
# a client that disconnects mid-request
$PY -c "
import socket; s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); s.connect('$T_SOCK')
s.sendall(b'{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"del-br\",\"params\":{\"bri'); s.close()"
daemon_alive || fail "vswitchd died on bad input"
[ "$(ctl list-ports "$BR" | wc -l)" = 3 ] || fail "bad input changed the configuration"

log "a second instance on the same socket refuses to start"
rc=0
timeout 10 "$VSWITCHD" --foreground --socket "$T_SOCK" --state-dir "$T_DIR/state2" 2>"$T_DIR/second.err" || rc=$?
[ $rc = 1 ] || fail "second vswitchd exited $rc"
grep -q "another vswitchd is already running on $T_SOCK" "$T_DIR/second.err" || fail "second: $(cat "$T_DIR/second.err")"
[ ! -e "$T_DIR/state2/state.json" ] || fail "the second instance touched its state"
ctl list-br >/dev/null || fail "the first daemon stopped answering"
rc=0
timeout 10 "$VSWITCHD" --foreground --socket "$T_DIR/other.sock" --state-dir "$T_DIR/state" 2>"$T_DIR/second.err" || rc=$?
[ $rc = 1 ] && grep -q "state directory $T_DIR/state is in use by another vswitchd" "$T_DIR/second.err" ||
  fail "a second daemon on the same state dir: rc $rc $(cat "$T_DIR/second.err")"
[ ! -e "$T_DIR/other.sock" ] || fail "the refused daemon left its socket behind"

log "persistence: clean stop and start"
BR_OF_VE2=$(ctl --json show | json_get "[b['name'] for b in j['bridges'] for p in b['ports'] if p['name']=='$VE2'][0]")
ctl fdb-add "$BR_OF_VE2" 02:00:00:00:5a:01 "$VE2" --vlan 7
static_fdb() { ctl --json fdb-show "$BR_OF_VE2" | json_get "[(e['mac'], e['vlan'], e['port']) for e in j['entries'] if e['static'] and e['mac'].endswith('5a:01')]"; }
[ "$(static_fdb)" = "[('02:00:00:00:5a:01', 7, '$VE2')]" ] || fail "static entry not added: $(static_fdb)"
before=$(config_view)
[ -s "$T_DIR/state/state.json" ] || fail "no state file"
stop_daemon
[ ! -e "$T_SOCK" ] || fail "socket file left after a clean stop"
! ip link show "$VT1" >/dev/null 2>&1 || fail "the daemon did not remove its TAP $VT1 at shutdown"
expect_fail 3 "^vswitchctl: cannot connect to vswitchd at $T_SOCK: No such file or directory$" ctl list-br
start_daemon
[ "$(config_view)" = "$before" ] || fail "configuration not restored: $(config_view) vs $before"
wait_for 5 test "$(port_field "$VE2" state)" = up || fail "$VE2 not re-attached after restart"
wait_for 5 test "$(port_field "$VT1" state)" = up || fail "$VT1 not re-created after restart"
[ "$(static_fdb)" = "[('02:00:00:00:5a:01', 7, '$VE2')]" ] || fail "static FDB entry lost in a restart: $(static_fdb)"

log "persistence: kill -9 and start"
kill -KILL "$DAEMON_PID"
wait "$DAEMON_PID" 2>/dev/null || true
DAEMON_PID=
[ -S "$T_SOCK" ] || fail "expected a stale socket after kill -9"
expect_fail 3 "cannot connect to vswitchd at $T_SOCK: Connection refused" ctl list-br
ip link del "$VT1" 2>/dev/null || true  # what the dead daemon could not clean up
start_daemon
[ "$(config_view)" = "$before" ] || fail "configuration not restored after kill -9"
grep -q "removed stale socket" "$T_DIR/vswitchd.log" || fail "stale socket not reported"
[ "$(static_fdb)" = "[('02:00:00:00:5a:01', 7, '$VE2')]" ] || fail "static FDB entry lost after kill -9"
ctl fdb-del "$BR_OF_VE2" 02:00:00:00:5a:01 --vlan 7
grep -q 5a:01 "$T_DIR/state/state.json" && fail "fdb-del left the entry in the state file"

log "--config is ensured on top of the saved state"
stop_daemon
cat >"$T_DIR/init.json" <<EOF
{"bridges": [{"name": "$BR2", "fdb_max": 300, "ports": [{"name": "$(name ci1)", "type": "system", "vlan_mode": "access", "tag": 42}]}]}
EOF
start_daemon --config "$T_DIR/init.json"
[ "$(ctl list-br | tr '\n' ' ')" = "$BR $BR2 " ] || fail "--config bridge missing: $(ctl list-br)"
[ "$(port_field "$(name ci1)" tag)" = 42 ] || fail "--config port missing"
[ "$(port_field "$(name ci1)" state)" = absent ] || fail "--config port should be absent"
echo '{"bridges": [' >"$T_DIR/bad.json"
stop_daemon
rc=0
"$VSWITCHD" --foreground --socket "$T_SOCK" --state-dir "$T_DIR/state" --config "$T_DIR/bad.json" 2>"$T_DIR/bad.err" || rc=$?
[ $rc = 1 ] && grep -q "bad.json is not valid JSON" "$T_DIR/bad.err" || fail "bad --config: rc $rc $(cat "$T_DIR/bad.err")"

log "a corrupt state file is reported and the previous copy used"
cp "$T_DIR/state/state.json" "$T_DIR/good.json"
head -c 40 "$T_DIR/good.json" >"$T_DIR/state/state.json"
start_daemon
grep -q "state file .*state.json is unusable" "$T_DIR/vswitchd.log" || fail "corrupt state not reported"
ctl list-br | grep -q "^$BR$" || fail "the backup configuration was not used"
stop_daemon

log "without --foreground: the parent returns once the daemon serves"
"$VSWITCHD" --socket "$T_SOCK" --state-dir "$T_DIR/state" --pidfile "$T_DIR/pid" 2>>"$T_DIR/vswitchd.log" ||
  fail "daemonizing vswitchd failed"
DAEMON_PID=$(cat "$T_DIR/pid")
ctl list-br | grep -q "^$BR$" || fail "the daemonized vswitchd does not serve right after its parent exited"
[ "$(ps -o sid= -p "$DAEMON_PID" | tr -d ' ')" = "$DAEMON_PID" ] || fail "daemon is not a session leader"
kill -TERM "$DAEMON_PID"
wait_for 5 test ! -e "$T_SOCK" || fail "daemonized vswitchd did not stop"
DAEMON_PID=

log "--timeout against a server that never answers"
$PY -c "
import socket, time, os
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); s.bind('$T_DIR/mute.sock'); s.listen(1)
c, _ = s.accept(); time.sleep(10)" &
track_pid $!
wait_for 5 test -S "$T_DIR/mute.sock"
start=$SECONDS
expect_fail 3 "no reply from vswitchd at $T_DIR/mute.sock within 1" "$VSWITCHCTL" --socket "$T_DIR/mute.sock" --timeout 1 list-br
[ $((SECONDS - start)) -le 4 ] || fail "--timeout 1 took $((SECONDS - start)) s"

log "socket group: members may steer the switch, others may not"
chmod 711 "$T_DIR"
mkdir -m 755 "$T_DIR/pub"
install -m 755 "$VSWITCHCTL" "$T_DIR/pub/vswitchctl"
T_SOCK=$T_DIR/pub/vswitchd.sock
start_daemon --socket-group daemon
[ "$(stat -c '%a %G' "$T_SOCK")" = "660 daemon" ] || fail "socket is $(stat -c '%a %G' "$T_SOCK")"
setpriv --reuid=nobody --regid=daemon --clear-groups "$T_DIR/pub/vswitchctl" --socket "$T_SOCK" list-br |
  grep -q "^$BR$" || fail "a member of the socket group was refused"
rc=0
setpriv --reuid=nobody --regid=nogroup --clear-groups "$T_DIR/pub/vswitchctl" --socket "$T_SOCK" list-br \
  2>"$T_DIR/err" || rc=$?
[ $rc = 3 ] && grep -q "Permission denied" "$T_DIR/err" || fail "an outsider was not refused: rc $rc $(cat "$T_DIR/err")"
stop_daemon

echo "PASS"
