#!/bin/sh
# rootless.sh - tcpcheck run by an ordinary user (kernel test, as root).
#
# Where /dev/net/tun is open to users and user namespaces are allowed,
# an unprivileged user plays the corpus (ipv4): each run makes a user
# namespace of its own.  A command writing a host-wide sysctl ends its
# script with 125 and the reason; a device closed to users, or no user
# namespaces, ends the run with 125 saying what is missing and how to
# grant it.  The test makes a user for itself, opens the device's mode
# for its run and puts both back on every exit path.
. "$(dirname "$0")/lib.sh"
require_kernel_env
command -v setpriv >/dev/null 2>&1 || kernel_skip "needs setpriv (util-linux)"
command -v useradd >/dev/null 2>&1 || kernel_skip "needs useradd (passwd)"

user=tcpcheck-rootless
work=$(mktemp -d)
tun_mode=$(stat -c %a /dev/net/tun)
made_user=no
restore() {
	chmod "$tun_mode" /dev/net/tun
	[ "$made_user" = no ] || userdel "$user" 2>/dev/null
	rm -rf "$work"
}
trap restore EXIT
trap 'exit 130' INT TERM

if ! id "$user" >/dev/null 2>&1; then
	useradd --system --no-create-home --shell /usr/sbin/nologin "$user" ||
		kernel_skip "cannot create the user $user"
	made_user=yes
fi
uid=$(id -u "$user")
gid=$(id -g "$user")
# Everything the user runs or reads is its own copy, readable whatever
# the modes of the build tree.
cp "$TCPCHECK" "$work/tcpcheck"
cp -R "$top_srcdir/testcases" "$work/testcases"
cat >"$work/host-wide.pkt" <<'PKT'
0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0 `sysctl -q -w kernel.printk_ratelimit=5`
+0 close(3) = 0
PKT
chmod -R a+rX "$work"
as_user() {
	(cd "$work" && setpriv --reuid="$uid" --regid="$gid" --clear-groups \
		env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="$work" "$@")
}

chmod 0666 /dev/net/tun
status=0
as_user ./tcpcheck -j2 --retries=2 --ip_version=ipv4 testcases \
	>"$work/out" 2>"$work/err" || status=$?
tap_ok "$status" "an ordinary user plays the corpus (exit $status)"
tail -n 1 "$work/out" | tap_diag
[ "$status" -eq 0 ] || grep -v '^PASS' "$work/out" | tap_diag

status=0
as_user ./tcpcheck host-wide.pkt >/dev/null 2>"$work/err" || status=$?
tap_ok "$([ "$status" -eq 125 ]; echo $?)" "a command writing a host-wide sysctl: exit 125 (got $status)"
grep -q "it writes kernel.printk_ratelimit, a host-wide setting" "$work/err"
tap_ok $? "... with the reason"
tap_diag <"$work/err"

# The device closed to users.
chmod 0600 /dev/net/tun
status=0
as_user ./tcpcheck testcases/handshake/passive-open.pkt >/dev/null \
	2>"$work/err" || status=$?
chmod 0666 /dev/net/tun
tap_ok "$([ "$status" -eq 125 ]; echo $?)" "/dev/net/tun closed to users: exit 125 (got $status)"
grep -q "chmod 0666 /dev/net/tun" "$work/err"
tap_ok $? "... saying how to open it"
tap_diag <"$work/err"

# No user namespaces: inside a user namespace of this test's own, whose
# user.max_user_namespaces is 0 (the host's stays as it is), where the
# user is mapped to itself.
mkfifo "$work/go"
# The shell execs again once mapped: only then is it root in there.
unshare --user sh -c '
	read -r go <"$1"
	exec sh -c "echo 0 >/proc/sys/user/max_user_namespaces || exit 99
		cd \"\$1\" && exec setpriv --reuid=\$2 --regid=\$2 --clear-groups \
		env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin ./tcpcheck \
		testcases/handshake/passive-open.pkt" sh "$2" "$3"' \
	sh "$work/go" "$work" "$uid" >/dev/null 2>"$work/err" &
pid=$!
# Map root and the user into it (each map in one write), then let it go.
sleep 0.2
for map in uid_map gid_map; do
	printf '0 0 1\n%s %s 1\n' "$uid" "$uid" |
		dd of="/proc/$pid/$map" bs=64 status=none
done
echo go >"$work/go"
status=0
wait "$pid" || status=$?
tap_ok "$([ "$status" -eq 125 ]; echo $?)" "no user namespaces: exit 125 (got $status)"
grep -q "does not let an ordinary user create a user and network namespace" "$work/err" &&
	grep -q "user.max_user_namespaces" "$work/err"
tap_ok $? "... saying what is missing and how to allow it"
tap_diag <"$work/err"
tap_end
