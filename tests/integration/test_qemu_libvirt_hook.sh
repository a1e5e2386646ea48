#!/usr/bin/env bash
# The libvirt path without libvirt: packaging/libvirt-hook-qemu is fed a domain XML on stdin the way
# libvirtd calls it (DOMAIN prepare begin -), must write the NICs' bridge/VLAN rules from the domain's
# <metadata>; then a real qemu attaches to TAPs prepared the way libvirt prepares them (a "vnetN" whose
# MAC is the guest's with the first byte fe, and a managed='no' TAP named in <target dev>) and runs the
# shipped qemu-ifup, which must find the hook's rules before ports.conf. `release end` removes them;
# bad metadata fails the domain's start with a reason.
. "$(dirname "$0")/lib.sh"

QEMU=$(command -v qemu-system-x86_64 || true)
[ -n "$QEMU" ] || { echo "SKIP: qemu-system-x86_64 not installed (scripts/install-deps.sh)" >&2; exit 77; }
[ -c /dev/net/tun ] || { echo "SKIP: no /dev/net/tun" >&2; exit 77; }

HOOK=$VSWITCH_SOURCE_DIR/packaging/libvirt-hook-qemu
IFUP=$VSWITCH_SOURCE_DIR/packaging/qemu-ifup
IFDOWN=$VSWITCH_SOURCE_DIR/packaging/qemu-ifdown
br=$(name vlb)
dom=dom$RUN_ID
tap_auto=$(name vlm)  # stands for libvirt's vnetN: matched by MAC
tap_named=$(name vln) # <target dev=... managed='no'/>: matched by name
guest_mac=52:54:00:${RUN_ID:0:2}:${RUN_ID:2:2}:${RUN_ID:4:2}
export VSWITCHCTL VSWITCH_SOCKET
export VSWITCH_PORTS_DIR=$T_DIR/ports.d
export VSWITCH_PORTS_CONF=$T_DIR/ports.conf
# If the hook's rules were not consulted first, this catch-all would fail the start.
printf '* nobr%s\n' "$RUN_ID" >"$VSWITCH_PORTS_CONF"

domain_xml() { # $1: the <vswitch:port> elements
  cat <<XML
<domain type='kvm'>
  <name>$dom</name>
  <metadata>
    <vswitch:ports xmlns:vswitch="urn:vswitch:ports:1">
      $1
    </vswitch:ports>
  </metadata>
  <devices>
    <interface type='ethernet'>
      <mac address='$guest_mac'/>
      <script path='$IFUP'/>
      <downscript path='$IFDOWN'/>
      <model type='virtio'/>
    </interface>
    <interface type='ethernet'>
      <mac address='52:54:00:00:00:01'/>
      <target dev='$tap_named' managed='no'/>
      <script path='$IFUP'/>
    </interface>
    <interface type='network'>
      <mac address='52:54:00:00:00:02'/>
      <source network='default'/>
    </interface>
  </devices>
</domain>
XML
}
good_ports="<vswitch:port mac='${guest_mac^^}' bridge='$br' vlan='30'/>
      <vswitch:port dev='$tap_named' bridge='$br' trunk='10,20' native='7'/>"
rules=$VSWITCH_PORTS_DIR/libvirt-$dom.conf

log "prepare begin: the hook writes the domain's rules"
domain_xml "$good_ports" | $PY "$HOOK" "$dom" prepare begin - >"$T_DIR/hook.out" 2>"$T_DIR/hook.err" ||
  fail "the hook failed: $(cat "$T_DIR/hook.err")"
[ ! -s "$T_DIR/hook.out" ] || fail "the hook printed on stdout (libvirt would take it as XML): $(cat "$T_DIR/hook.out")"
grep -qx "mac=$guest_mac $br vlan=30" "$rules" || fail "no MAC rule in $rules: $(cat "$rules" 2>&1)"
grep -qx "$tap_named $br trunk=10,20 native=7" "$rules" || fail "no dev rule in $rules: $(cat "$rules")"

start_daemon
ctl add-br "$br"

# What libvirt does before running <script>: a TAP with the guest's MAC, first byte fe (virtio NICs get
# a vnet header); and for managed='no' a TAP the operator made beforehand.
ip tuntap add dev "$tap_auto" mode tap vnet_hdr
track_link "$tap_auto"
ip link set "$tap_auto" address "fe:${guest_mac#??:}"
ip tuntap add dev "$tap_named" mode tap
track_link "$tap_named"

log "qemu starts with both NICs: qemu-ifup applies the hook's rules"
timeout 120 "$QEMU" -machine none -nodefaults -display none -S -pidfile "$T_DIR/qemu.pid" \
  -netdev "tap,id=a,ifname=$tap_auto,script=$IFUP,downscript=$IFDOWN" \
  -netdev "tap,id=b,ifname=$tap_named,script=$IFUP,downscript=$IFDOWN" >"$T_DIR/qemu.log" 2>&1 &
track_pid $!
wait_for 20 test -s "$T_DIR/qemu.pid" || fail "qemu did not start: $(cat "$T_DIR/qemu.log")"
qpid=$(cat "$T_DIR/qemu.pid")
track_pid "$qpid"
field() {
  ctl --json show | json_get "[p.get('$2') for b in j['bridges'] for p in b['ports'] if p['name']=='$1'][0]"
}
is_port() { ctl list-ports "$br" | grep -qx "$1"; }
for t in "$tap_auto" "$tap_named"; do
  wait_for 20 is_port "$t" || fail "$t is not a port of $br: $(ctl show 2>&1); qemu: $(cat "$T_DIR/qemu.log")"
done
[ "$(field "$tap_auto" vlan_mode)/$(field "$tap_auto" tag)" = access/30 ] ||
  fail "$tap_auto: $(field "$tap_auto" vlan_mode)/$(field "$tap_auto" tag), want access/30"
[ "$(field "$tap_named" vlan_mode)/$(field "$tap_named" tag)/$(field "$tap_named" trunks)" = native-untagged/7/10,20 ] ||
  fail "$tap_named: $(field "$tap_named" vlan_mode)/$(field "$tap_named" tag)/$(field "$tap_named" trunks)"

log "the domain stops: qemu-ifdown removes the ports, release removes the rules"
kill -TERM "$qpid"
wait_for 10 sh -c "! kill -0 $qpid 2>/dev/null" || fail "qemu did not exit"
for t in "$tap_auto" "$tap_named"; do
  wait_for 10 sh -c "! $VSWITCHCTL --socket $T_SOCK list-ports $br | grep -qx $t" || fail "$t is still a port"
done
domain_xml "$good_ports" | $PY "$HOOK" "$dom" release end - || fail "release failed"
[ ! -e "$rules" ] || fail "release left $rules behind"

log "other operations are no-ops and print nothing"
out=$(domain_xml "$good_ports" | $PY "$HOOK" "$dom" started begin -) || fail "started failed"
[ -z "$out" ] && [ ! -e "$rules" ] || fail "started wrote something: '$out'"

# bad_metadata ELEMENTS WANT: prepare must fail with WANT on stderr and write no rules
bad_metadata() {
  local err
  if err=$(domain_xml "$1" | $PY "$HOOK" "$dom" prepare begin - 2>&1); then fail "the hook accepted: $1"; fi
  grep -qF "$2" <<<"$err" || fail "unclear error for $1: $err"
  [ ! -e "$rules" ] || fail "rules written despite bad metadata: $(cat "$rules")"
}
log "bad metadata fails the start, with a reason"
bad_metadata "<vswitch:port mac='$guest_mac' bridge='$br' vlan='5000'/>" "vlan='5000' is not a VLAN ID"
bad_metadata "<vswitch:port mac='52:54:00:99:99:99' bridge='$br'/>" "no <interface type='ethernet'> has MAC"
bad_metadata "<vswitch:port dev='nosuch' bridge='$br'/>" "no <interface type='ethernet'> has <target dev='nosuch'/>"
bad_metadata "<vswitch:port mac='$guest_mac' bridge='$br' vlan='10' trunk='20'/>" "exclude each other"
bad_metadata "<vswitch:port bridge='$br'/>" "exactly one of mac= or dev="

daemon_alive || fail "vswitchd died"
log "PASS"
