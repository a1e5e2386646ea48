#!/usr/bin/env bash
# Installs everything vswitch needs to build, test, benchmark and package on Debian 12.
# Idempotent: packages already present are skipped by apt-get, and apt-get update runs only when
# something is missing.
set -euo pipefail

BUILD_PKGS=(
  build-essential cmake ninja-build pkg-config clang-format
  libboost-dev nlohmann-json3-dev libnl-3-dev libnl-route-3-dev libsystemd-dev libcli11-dev
  catch2
)
TEST_PKGS=(
  iproute2 iputils-ping iperf3 tcpdump ethtool python3 python3-scapy procps psmisc kmod
  clang libclang-rt-14-dev valgrind util-linux passwd file dpkg-dev
)
# qemu is only needed by the qemu plumbing tests; --no-install-recommends keeps it small.
QEMU_PKGS=(qemu-system-x86)
# Only for bench/run (not in all/test: CI does not need it): its tools, and Open vSwitch, whose
# userspace datapath bench/run measures side by side with a private ovsdb-server/ovs-vswitchd of its own.
BENCH_PKGS=(iproute2 iputils-ping iperf3 python3 procps openvswitch-switch)

want=("${BUILD_PKGS[@]}")
case "${1:-all}" in
  build) ;;
  all | test) want+=("${TEST_PKGS[@]}" "${QEMU_PKGS[@]}") ;;
  bench) want+=("${BENCH_PKGS[@]}") ;;
  *) echo "usage: $0 [build|test|all|bench]" >&2; exit 2 ;;
esac

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: need root to install: ${missing[*]}" >&2
  exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

# Debian's openvswitch-switch starts the system ovsdb-server and ovs-vswitchd from its postinst where
# services may start. bench/run never uses that instance (it runs a private one in a namespace), so a
# system instance this script just brought up is stopped again; one that was already there is left alone.
if [[ " ${missing[*]} " == *" openvswitch-switch "* ]]; then
  if [ -e /run/openvswitch/ovs-vswitchd.pid ] || [ -e /run/openvswitch/ovsdb-server.pid ]; then
    echo "install-deps: stopping the system Open vSwitch the package started (bench/run runs its own)"
    if [ -d /run/systemd/system ]; then
      systemctl stop openvswitch-switch.service ovs-vswitchd.service ovsdb-server.service || true
    else
      /usr/share/openvswitch/scripts/ovs-ctl stop || true
    fi
  fi
fi
