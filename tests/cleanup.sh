#!/bin/sh
# cleanup.sh - a run leaves nothing behind, even when interrupted.
#
# Snapshots the host's interfaces, addresses, routes, network sysctls and
# network namespaces, then runs a script to completion and interrupts
# others (during a shell command, a blocking system call and a wait for a
# packet), and checks that every snapshot is unchanged, no runner or shell
# process survived, and the interrupted runs exited 130; the same for
# several scripts at once (-j) and for scripts stopped by --timeout.
. "$(dirname "$0")/lib.sh"
require_kernel_env
cd "$top_srcdir" || exit 1

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

snapshot() {	# snapshot FILE
	{
		ip -o link show | sed 's/ state [A-Z]*//'
		ip -o addr show
		ip route show table all
		ip -6 route show table all 2>/dev/null
		sysctl -a 2>/dev/null | grep -E '^net\.' |
			grep -v -e '^net\.netfilter\.nf_conntrack_count'
	} >"$1"
	readlink /proc/[0-9]*/ns/net 2>/dev/null | sort -u >"$1.netns"
}

# Writes a script that blocks at the given point and is interrupted there.
write_script() {	# write_script NAME BODY
	printf '%s\n' "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3" \
		"+0 setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0" \
		"+0 bind(3, ..., ...) = 0" "+0 listen(3, 1) = 0" "$2" \
		>"$work/$1.pkt"
}
write_script shell '+0 `sleep 30; echo tcpcheck-cleanup-marker`'
write_script blocking '+0...20 accept(3, ..., ...) = 4'
write_script packet '+20 > S. 0:0(0) ack 1'

snapshot "$work/before"

status=0
"$TCPCHECK" testcases/handshake/passive-open.pkt >"$work/out" 2>&1 || status=$?
tap_ok "$status" "a passing run exits 0"

for name in shell blocking packet; do
	# setsid: a process group of its own, like a shell job; the signal
	# goes to the whole group, as Ctrl-C does.
	setsid "$TCPCHECK" "$work/$name.pkt" >"$work/out" 2>&1 &
	pid=$!
	sleep 0.7
	/bin/kill -s INT -- "-$pid"
	status=0
	wait "$pid" || status=$?
	tap_ok "$([ "$status" -eq 130 ]; echo $?)" \
		"Ctrl-C during the $name step exits 130 (got $status)"
	grep -q "interrupted" "$work/out"
	tap_ok $? "the $name run says it was interrupted"
	pgrep -f "tcpcheck-cleanup-marker|$work/$name.pkt" >/dev/null
	tap_ok "$([ $? -ne 0 ]; echo $?)" "no process of the $name run is left"
done

# SIGTERM to tcpcheck alone (not its group) must reach the runner too.
"$TCPCHECK" "$work/blocking.pkt" >"$work/out" 2>&1 &
pid=$!
sleep 0.7
kill -TERM "$pid"
status=0
wait "$pid" || status=$?
tap_ok "$([ "$status" -eq 130 ]; echo $?)" "SIGTERM to tcpcheck exits 130 (got $status)"
sleep 0.2
pgrep -f "$work/blocking.pkt" >/dev/null
tap_ok "$([ $? -ne 0 ]; echo $?)" "no runner survives a SIGTERM to its parent"

# Several runners at once: Ctrl-C to the group, or SIGTERM to tcpcheck
# alone, stops every one of them and starts no other.
for how in Ctrl-C SIGTERM; do
	setsid "$TCPCHECK" -j2 "$work/shell.pkt" "$work/blocking.pkt" \
		"$work/packet.pkt" >"$work/out" 2>&1 &
	pid=$!
	sleep 0.7
	if [ "$how" = Ctrl-C ]; then
		/bin/kill -s INT -- "-$pid"
	else
		kill -TERM "$pid"
	fi
	status=0
	wait "$pid" || status=$?
	tap_ok "$([ "$status" -eq 130 ]; echo $?)" \
		"$how to a -j 2 run exits 130 (got $status)"
	test "$(grep -c "^SKIP .* interrupted by" "$work/out")" -eq 2
	tap_ok $? "both running scripts say they were interrupted"
	tap_diag <"$work/out"
	sleep 0.2
	pgrep -f "tcpcheck-cleanup-marker|$work/(shell|blocking|packet).pkt" >/dev/null
	tap_ok "$([ $? -ne 0 ]; echo $?)" "no process of the -j 2 run is left after $how"
done

# A script over its time limit is stopped with everything it started.
status=0
"$TCPCHECK" -j2 --timeout=1 "$work/shell.pkt" "$work/blocking.pkt" \
	>"$work/out" 2>&1 || status=$?
tap_ok "$([ "$status" -eq 1 ]; echo $?)" "scripts over --timeout fail (got $status)"
test "$(grep -c "^FAIL .* timed out after 1 s" "$work/out")" -eq 2
tap_ok $? "both say they timed out"
pgrep -f "tcpcheck-cleanup-marker|$work/(shell|blocking).pkt" >/dev/null
tap_ok "$([ $? -ne 0 ]; echo $?)" "no process of the timed-out runs is left"

sleep 0.3
snapshot "$work/after"
diff -u "$work/before" "$work/after" >"$work/diff"
tap_ok $? "host interfaces, addresses, routes and sysctls are unchanged"
tap_diag <"$work/diff"
# A namespace that appeared and stays, held by a process of these runs,
# is a leak; others may come and go with whatever else the machine runs.
comm -13 "$work/before.netns" "$work/after.netns" >"$work/new-netns"
: >"$work/leaked"
for dir in /proc/[0-9]*; do
	ns=$(readlink "$dir/ns/net" 2>/dev/null) || continue
	grep -qxF "$ns" "$work/new-netns" || continue
	tr '\0' ' ' <"$dir/cmdline" 2>/dev/null |
		grep -e "$work" -e tcpcheck-cleanup-marker >>"$work/leaked"
done
test ! -s "$work/leaked"
tap_ok $? "no network namespace was left behind"
tap_diag <"$work/leaked"
tap_end
