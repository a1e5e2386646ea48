#!/usr/bin/env bash
# The Debian package: built with one command, installed with dpkg -i, working from its installed
# paths, upgraded in place (an operator's conffile edit survives), removed (conffiles stay) and purged
# (nothing left) -- all on a machine without a running systemd, as in CI.
#
# This test changes the machine's installed packages, so it refuses to run when a vswitch package
# or an /etc/vswitch it did not install is already there, and purges what it installed on any exit.
. "$(dirname "$0")/lib.sh"

if ! command -v dpkg >/dev/null || ! command -v dpkg-deb >/dev/null; then
  echo "SKIP: needs dpkg" >&2
  exit 77
fi
status_of() { dpkg-query -W -f='${db:Status-Abbrev}' vswitch 2>/dev/null | tr -d ' '; }
if [ -n "$(status_of)" ] && [ "$(status_of)" != "un" ]; then
  echo "SKIP: a vswitch package is already installed here (status $(status_of)); not touching it" >&2
  exit 77
fi
for d in /etc/vswitch /var/lib/vswitch; do
  if [ -e "$d" ]; then
    echo "SKIP: $d exists and is not from a package; a purge would delete it" >&2
    exit 77
  fi
done

installed=false
pkg_cleanup() {
  local rc=$?
  set +e # a failing step here must not end the trap before lib.sh's cleanup ran
  if $installed; then
    DEBIAN_FRONTEND=noninteractive dpkg -P vswitch >"$T_DIR/purge-on-exit.log" 2>&1 ||
      echo "WARNING: dpkg -P vswitch failed on exit: $(cat "$T_DIR/purge-on-exit.log")" >&2
  fi
  (exit $rc) # hand lib.sh's cleanup the test's exit status
  cleanup
}
trap pkg_cleanup EXIT

log "building the package"
cmake --build "$VSWITCH_BUILD_DIR" --target package >"$T_DIR/build.log" 2>&1 ||
  fail "cmake --build --target package failed: $(tail -n 20 "$T_DIR/build.log")"
version=$(sed -n 's/^project(vswitch VERSION \([0-9.]*\).*/\1/p' "$VSWITCH_SOURCE_DIR/CMakeLists.txt")
deb="$VSWITCH_BUILD_DIR/vswitch_${version}_amd64.deb"
[ -f "$deb" ] || fail "expected $deb, found: $(ls "$VSWITCH_BUILD_DIR"/*.deb 2>&1)"

log "checking the package metadata"
dpkg-deb -f "$deb" Package Version Architecture Depends >"$T_DIR/control"
grep -qx "Package: vswitch" "$T_DIR/control" || fail "wrong package name: $(cat "$T_DIR/control")"
grep -qx "Version: $version" "$T_DIR/control" || fail "wrong version: $(cat "$T_DIR/control")"
for dep in libnl-3-200 libnl-route-3-200 libsystemd0 iproute2; do
  grep -q "$dep" "$T_DIR/control" || fail "Depends lacks $dep: $(cat "$T_DIR/control")"
done
dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./conffiles >"$T_DIR/conffiles"
for f in /etc/vswitch/qemu-ifup /etc/vswitch/qemu-ifdown /etc/vswitch/ports.conf /etc/vswitch/bridge.conf \
  /etc/vswitch/vswitchd.conf /etc/default/vswitchd; do
  grep -qx "$f" "$T_DIR/conffiles" || fail "$f is not marked as a conffile"
done

files=(/usr/sbin/vswitchd /usr/bin/vswitchctl /usr/libexec/vswitch/vswitch-bridge-helper
  /usr/libexec/vswitch/libvirt-hook-qemu
  /etc/vswitch/qemu-ifup /etc/vswitch/qemu-ifdown /etc/vswitch/ports.conf /etc/vswitch/bridge.conf
  /etc/vswitch/vswitchd.conf /etc/default/vswitchd /lib/systemd/system/vswitchd.service
  /usr/share/man/man8/vswitchd.8.gz /usr/share/man/man8/vswitchctl.8.gz
  /usr/share/man/man8/vswitch-bridge-helper.8.gz /usr/share/bash-completion/completions/vswitchctl)
for f in "${files[@]}"; do
  [ ! -e "$f" ] || fail "$f exists before the install; refusing to overwrite it"
done

log "dpkg -i"
installed=true
DEBIAN_FRONTEND=noninteractive dpkg -i "$deb" >"$T_DIR/install.log" 2>&1 ||
  fail "dpkg -i failed: $(cat "$T_DIR/install.log")"
[ "$(status_of)" = "ii" ] || fail "package status after install is '$(status_of)', not ii"
for f in "${files[@]}"; do
  [ -e "$f" ] || fail "$f was not installed"
done
for x in /usr/sbin/vswitchd /usr/bin/vswitchctl /usr/libexec/vswitch/vswitch-bridge-helper /etc/vswitch/qemu-ifup \
  /etc/vswitch/qemu-ifdown /usr/libexec/vswitch/libvirt-hook-qemu; do
  [ -x "$x" ] || fail "$x is not executable"
done

log "the installed programs run"
/usr/bin/vswitchctl --version | grep -q "$version" || fail "vswitchctl --version: $(/usr/bin/vswitchctl --version 2>&1)"
/usr/sbin/vswitchd --version | grep -q "$version" || fail "vswitchd --version: $(/usr/sbin/vswitchd --version 2>&1)"
/usr/libexec/vswitch/vswitch-bridge-helper --version | grep -q "$version" ||
  fail "vswitch-bridge-helper --version: $(/usr/libexec/vswitch/vswitch-bridge-helper --version 2>&1)"
zcat /usr/share/man/man8/vswitchctl.8.gz | grep -q '^\.TH VSWITCHCTL 8' || fail "vswitchctl.8.gz is not a man page"
bash -n /usr/share/bash-completion/completions/vswitchctl || fail "the bash completion does not parse"

# The unit's ExecStart, with the package's default options, against the installed default config:
# run exactly that command line (socket and state dir moved to the test's directory).
unit=/lib/systemd/system/vswitchd.service
grep -qx 'Type=notify' "$unit" || fail "the unit is not Type=notify"
exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
# shellcheck source=/dev/null
. /etc/default/vswitchd
read -r -a argv <<<"${exec_start//\$VSWITCHD_OPTS/$VSWITCHD_OPTS}"
[ "${argv[0]}" = /usr/sbin/vswitchd ] || fail "ExecStart runs ${argv[0]}, not /usr/sbin/vswitchd"
for i in "${!argv[@]}"; do
  case ${argv[$i]} in
  /run/vswitch/vswitchd.sock) argv[i]=$T_SOCK ;;
  /var/lib/vswitch) argv[i]=$T_DIR/state ;;
  esac
done
log "running the unit's command: ${argv[*]}"
"${argv[@]}" >>"$T_DIR/vswitchd.log" 2>&1 &
# shellcheck disable=SC2034 # read by lib.sh (stop_daemon, cleanup)
DAEMON_PID=$!
wait_for 10 sh -c "/usr/bin/vswitchctl --socket '$T_SOCK' list-br >/dev/null 2>&1" ||
  fail "the installed vswitchd did not answer: $(tail -n 5 "$T_DIR/vswitchd.log")"
/usr/bin/vswitchctl --socket "$T_SOCK" list-br | grep -qx br0 ||
  fail "the default /etc/vswitch/vswitchd.conf did not give a br0: $(/usr/bin/vswitchctl --socket "$T_SOCK" list-br 2>&1)"
# The installed bash completion, against the installed daemon: commands, and bridge names asked live.
complete_words() {
  bash -c '. /usr/share/bash-completion/completions/vswitchctl
    COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _vswitchctl; echo "${COMPREPLY[*]}"' _ "$@"
}
[ "$(complete_words vswitchctl add-)" = "add-br add-port" ] || fail "completion of 'add-': '$(complete_words vswitchctl add-)'"
[ "$(PATH=/usr/bin:$PATH complete_words vswitchctl --socket "$T_SOCK" del-br "")" = br0 ] ||
  fail "completion of bridge names: '$(complete_words vswitchctl --socket "$T_SOCK" del-br "")'"
stop_daemon

if command -v systemd-analyze >/dev/null; then
  # Offline syntax check of the installed unit (no running systemd needed).
  systemd-analyze verify "$unit" >"$T_DIR/verify.log" 2>&1 || true
  if grep -v -e 'Command .man ' -e 'failed with code' "$T_DIR/verify.log" | grep -q 'vswitchd.service'; then
    fail "systemd-analyze verify: $(cat "$T_DIR/verify.log")"
  fi
fi

wants=/etc/systemd/system/multi-user.target.wants/vswitchd.service
if command -v deb-systemd-helper >/dev/null; then
  [ -L "$wants" ] || fail "postinst did not enable vswitchd.service ($wants missing)"
fi

log "upgrade in place keeps an edited conffile"
echo "# local edit $RUN_ID" >>/etc/vswitch/ports.conf
DEBIAN_FRONTEND=noninteractive dpkg -i "$deb" >"$T_DIR/upgrade.log" 2>&1 || fail "reinstall failed: $(cat "$T_DIR/upgrade.log")"
grep -q "local edit $RUN_ID" /etc/vswitch/ports.conf || fail "reinstalling lost the edit of ports.conf"

log "dpkg -r: programs go, conffiles stay"
DEBIAN_FRONTEND=noninteractive dpkg -r vswitch >"$T_DIR/remove.log" 2>&1 || fail "dpkg -r failed: $(cat "$T_DIR/remove.log")"
[ "$(status_of)" = "rc" ] || fail "package status after remove is '$(status_of)', not rc"
for f in /usr/sbin/vswitchd /usr/bin/vswitchctl /usr/libexec/vswitch/vswitch-bridge-helper "$unit" \
  /usr/share/man/man8/vswitchd.8.gz; do
  [ ! -e "$f" ] || fail "$f is still there after dpkg -r"
done
[ -f /etc/vswitch/ports.conf ] || fail "dpkg -r removed the conffile ports.conf (only purge should)"

log "dpkg -P: nothing left"
mkdir -p /var/lib/vswitch && echo '{}' >"/var/lib/vswitch/probe-$RUN_ID" # state the daemon would have saved
DEBIAN_FRONTEND=noninteractive dpkg -P vswitch >"$T_DIR/purge.log" 2>&1 || fail "dpkg -P failed: $(cat "$T_DIR/purge.log")"
installed=false
[ -z "$(status_of)" ] || [ "$(status_of)" = "un" ] || fail "package status after purge is '$(status_of)'"
for f in "${files[@]}" /etc/vswitch /usr/libexec/vswitch /var/lib/vswitch "$wants" \
  /etc/systemd/system/vswitchd.service; do
  [ ! -e "$f" ] && [ ! -L "$f" ] || fail "$f is still there after dpkg -P"
done
log "PASS"
