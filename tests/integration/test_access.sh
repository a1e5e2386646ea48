#!/usr/bin/env bash
# Access control: the control socket (mode 0660, group root or --socket-group) refuses a real
# unprivileged user outside its group and lets a member of --socket-group in; --allow-interfaces
# refuses to attach a name outside its patterns, with an error that names the interface and the
# list. Creates a throw-away system user and group (unique names), removed on exit.
. "$(dirname "$0")/lib.sh"

user=vsu$RUN_ID
group=vsg$RUN_ID
outsider=vso$RUN_ID
br=$(name ab)

# Our own cleanup first, then lib.sh's (which reads the exit status: keep it).
trap 'rc=$?; userdel "$user" 2>/dev/null; userdel "$outsider" 2>/dev/null; groupdel "$group" 2>/dev/null; (exit $rc); cleanup' EXIT

groupadd --system "$group"
useradd --system --no-create-home --shell /usr/sbin/nologin --gid nogroup --groups "$group" "$user"
useradd --system --no-create-home --shell /usr/sbin/nologin --gid nogroup "$outsider"
# The users must reach the socket and run vswitchctl: T_DIR (mktemp, 0700) becomes traversable only.
chmod 0711 "$T_DIR"
install -m 0755 "$VSWITCHCTL" "$T_DIR/vswitchctl"

# as USER CMD...: run with USER's uid, primary group and supplementary groups (from /etc/group).
as() {
  local u=$1
  shift
  setpriv --reuid="$u" --regid=nogroup --init-groups -- "$@"
}
uctl() {
  local u=$1
  shift
  as "$u" "$T_DIR/vswitchctl" --socket "$T_SOCK" --timeout 5 "$@"
}

# ---- default: socket group root; neither user gets in ----
start_daemon
ctl add-br "$br"
perm=$(stat -c '%a %G' "$T_SOCK")
log "socket $T_SOCK: mode/group $perm"
[ "$perm" = "660 root" ] || fail "socket mode/group is '$perm', expected '660 root'"
if out=$(uctl "$user" list-br 2>&1); then fail "user $user outside group root got in: $out"; fi
log "refused $user (not in group root): $out"
grep -qi "permission denied" <<<"$out" || fail "refusal does not say why: $out"
stop_daemon

# ---- --socket-group: a member gets in, an outsider does not ----
start_daemon --socket-group "$group"
[ "$(stat -c '%a %G' "$T_SOCK")" = "660 $group" ] || fail "socket not in group $group: $(stat -c '%a %G' "$T_SOCK")"
out=$(uctl "$user" list-br 2>&1) || fail "member $user of $group refused: $out"
grep -qx "$br" <<<"$out" || fail "member $user got an unexpected answer: $out"
uctl "$user" add-br "$(name ac)" || fail "member $user cannot change the configuration"
if out=$(uctl "$outsider" list-br 2>&1); then fail "user $outsider outside $group got in: $out"; fi
log "refused $outsider (not in $group): $out"
if out=$(setpriv --reuid=nobody --regid=nogroup --clear-groups -- "$T_DIR/vswitchctl" --socket "$T_SOCK" \
  --timeout 5 list-br 2>&1); then fail "nobody got in: $out"; fi
stop_daemon

# ---- --allow-interfaces: names outside the patterns are refused, with the reason ----
allowed=$(name vm)
start_daemon --allow-interfaces "vm*,tap[0-9]*"
ctl add-port "$br" "${allowed}" || fail "allowed name $allowed refused"
for bad in "$(name eth)" "$(name up)" "tapx$RUN_ID"; do
  if out=$(ctl add-port "$br" "$bad" 2>&1); then fail "name $bad outside the allow-list was accepted"; fi
  grep -q "not in the allowed interface list" <<<"$out" || fail "refusal of $bad is not clear: $out"
  grep -q "$bad" <<<"$out" || fail "refusal does not name $bad: $out"
  log "refused $bad: $out"
done
if ctl list-ports "$br" | grep -q "$(name eth)"; then fail "refused port was added anyway"; fi
log "PASS"
