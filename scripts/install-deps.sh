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

want=("${BUILD_PKGS[@]}")
case "${1:-all}" in
  build) ;;
  all | test) want+=("${TEST_PKGS[@]}" "${QEMU_PKGS[@]}") ;;
  *) echo "usage: $0 [build|test|all]" >&2; exit 2 ;;
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
