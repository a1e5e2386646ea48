#!/usr/bin/env bash
# The live demo: installs dependencies, builds vswitch, starts vswitchd with a bridge br0, puts two
# "VMs" (network namespaces) on it — one on a TAP port the daemon creates, one behind a veth pair on a
# system (AF_PACKET) port — pings between them, and shows the switch's view. The demo stays up so you
# can play with it; `scripts/demo.sh stop` tears it all down.
set -euo pipefail
cd "$(dirname "$0")/.."

DEMO_DIR=/run/vswitch-demo
SOCK=$DEMO_DIR/vswitchd.sock
CTL="./build/ctl/vswitchctl --socket $SOCK"

stop() {
  if [ -f $DEMO_DIR/vswitchd.pid ]; then
    kill "$(cat $DEMO_DIR/vswitchd.pid)" 2>/dev/null || true
    sleep 0.5
  fi
  ip netns del vsdemo-vm1 2>/dev/null || true
  ip netns del vsdemo-vm2 2>/dev/null || true
  ip link del vsdemo-veth 2>/dev/null || true
  rm -rf $DEMO_DIR
}

if [ "$(id -u)" -ne 0 ]; then
  echo "demo.sh: needs root (TAP devices, namespaces): run with sudo" >&2
  exit 1
fi
if [ "${1:-}" = stop ]; then
  stop
  echo "demo stopped"
  exit 0
fi

./scripts/install-deps.sh all
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$(nproc)"

stop
mkdir -p $DEMO_DIR
./build/switchd/control/vswitchd --foreground --socket $SOCK --state-dir $DEMO_DIR/state >$DEMO_DIR/vswitchd.log 2>&1 &
echo $! >$DEMO_DIR/vswitchd.pid
for _ in $(seq 50); do [ -S $SOCK ] && break; sleep 0.1; done

echo "+ vswitchctl add-br br0"
$CTL add-br br0

echo "+ vswitchctl add-port br0 vsdemo-tap       (the daemon creates the TAP; it becomes vm1's NIC)"
ip netns add vsdemo-vm1
$CTL add-port br0 vsdemo-tap
ip link set vsdemo-tap netns vsdemo-vm1
ip -n vsdemo-vm1 addr add 10.77.0.1/24 dev vsdemo-tap
ip -n vsdemo-vm1 link set vsdemo-tap up

echo "+ vswitchctl add-port br0 vsdemo-veth      (a veth whose peer is vm2's NIC: a system port)"
ip netns add vsdemo-vm2
ip link add vsdemo-veth type veth peer name eth0 netns vsdemo-vm2
ip -n vsdemo-vm2 addr add 10.77.0.2/24 dev eth0
ip -n vsdemo-vm2 link set eth0 up
ip link set vsdemo-veth up
$CTL add-port br0 vsdemo-veth

echo "+ ip netns exec vsdemo-vm1 ping -c 3 10.77.0.2"
ip netns exec vsdemo-vm1 ping -c 3 -i 0.3 -W 2 10.77.0.2

echo "+ vswitchctl show"
$CTL show
echo "+ vswitchctl fdb-show br0"
$CTL fdb-show br0

cat <<EOT

The demo is running (vswitchd pid $(cat $DEMO_DIR/vswitchd.pid), log $DEMO_DIR/vswitchd.log). Try:
  export VSWITCH_SOCKET=$SOCK
  ./build/ctl/vswitchctl stats br0
  ip netns exec vsdemo-vm2 iperf3 -s -1 -D; ip netns exec vsdemo-vm1 iperf3 -c 10.77.0.2 -t 3
  ./build/ctl/vswitchctl set-port vsdemo-tap --vlan 10     # vm1 now in VLAN 10: the ping stops
  ./build/ctl/vswitchctl set-port vsdemo-veth --vlan 10    # ... and works again
  ./build/ctl/vswitchctl --json fdb-show br0
Stop it with: sudo scripts/demo.sh stop
EOT
