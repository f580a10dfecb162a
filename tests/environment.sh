#!/bin/sh
# environment.sh - on a machine that cannot run scripts, tcpcheck exits
# 125 (what `git bisect run` takes as "cannot test this revision") with a
# one-line reason, instead of failing every script.
#
# The machine is made unable in a private mount namespace, which the
# host never sees: /dev/null mounted over /dev/net/tun, or an empty /dev/net;
# and by running as an unprivileged user (which runs in a user namespace
# where the machine allows it, tests/rootless.sh).
. "$(dirname "$0")/lib.sh"
require_kernel_env
command -v unshare >/dev/null || { echo "1..0 # SKIP unshare is not installed"; exit 0; }
cd "$top_srcdir" || exit 1

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fx=tests/suite

# hidden HOW ARGS...: tcpcheck with /dev/net/tun made unusable.
hidden() {
	how=$1
	shift
	status=0
	unshare -m sh -c "$how && exec \"\$@\"" sh "$TCPCHECK" "$@" \
		>"$work/out" 2>"$work/err" || status=$?
}

one_line() {	# one_line PATTERN: stderr is that one line
	test "$(wc -l <"$work/err")" -eq 1 && grep -q "$1" "$work/err"
}

over_null='mount --bind /dev/null /dev/net/tun'
empty_dev='mount -t tmpfs none /dev/net'

hidden "$over_null" $fx/pass.pkt
tap_ok "$([ "$status" -eq 125 ]; echo $?)" "/dev/null over /dev/net/tun: exit 125 (got $status)"
one_line "tcpcheck: /dev/net/tun is not a usable TUN device"
tap_ok $? "with one line that says so"
tap_diag <"$work/err"

hidden "$empty_dev" -j2 --ip_version=ipv4,ipv6 $fx/pass.pkt $fx/fail.pkt $fx/tree
tap_ok "$([ "$status" -eq 125 ]; echo $?)" "no /dev/net/tun, a suite at -j 2: exit 125 (got $status)"
one_line "tcpcheck: cannot open /dev/net/tun: No such file or directory"
tap_ok $? "with one line for the whole suite"
tap_diag <"$work/err"

hidden "$empty_dev" --format=tap --junit="$work/r.xml" --json="$work/r.json" $fx/pass.pkt
tap_ok "$([ "$status" -eq 125 ]; echo $?)" "the same with reports: exit 125 (got $status)"
grep -q "^1\.\.0 # SKIP cannot open /dev/net/tun" "$work/out"
tap_ok $? "TAP skips the whole plan, saying why"
jq -e '.summary.not_run | test("/dev/net/tun")' "$work/r.json" >/dev/null 2>&1
tap_ok $? "JSON says why nothing ran"
xmllint --noout "$work/r.xml" 2>/dev/null
tap_ok $? "the JUnit file is still well-formed"

hidden "$empty_dev" --dry_run $fx/pass.pkt
tap_ok "$([ "$status" -eq 0 ]; echo $?)" "--dry_run needs no TUN device (got $status)"

# An unprivileged user, if one can reach the binary.
if command -v setpriv >/dev/null &&
	setpriv --reuid=65534 --regid=65534 --clear-groups test -x "$TCPCHECK" 2>/dev/null &&
	setpriv --reuid=65534 --regid=65534 --clear-groups test -r $fx/pass.pkt 2>/dev/null; then
	status=0
	setpriv --reuid=65534 --regid=65534 --clear-groups "$TCPCHECK" $fx/pass.pkt \
		>"$work/out" 2>"$work/err" || status=$?
	# It runs in a user namespace of its own (tests/rootless.sh), or
	# says in one line what is missing: user namespaces or the device.
	if [ "$status" -eq 0 ]; then
		tap_ok 0 "without root: the script runs in a user namespace"
		tap_ok 0 "... and passes"
	else
		tap_ok "$([ "$status" -eq 125 ]; echo $?)" "without root, where it cannot run: exit 125 (got $status)"
		one_line "tcpcheck: \(not root\|cannot open /dev/net/tun\)"
		tap_ok $? "with one line that says what is missing"
	fi
	tap_diag <"$work/err"
else
	tap_ok 0 "# SKIP no unprivileged user can reach $TCPCHECK"
fi
tap_end
