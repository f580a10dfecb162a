#!/bin/sh
# interrupt.sh - a run stopped at any moment leaves nothing behind.
#
# Twenty-two runs are interrupted, each at a different moment: while the
# namespace and tun0 are being set up, in an init command, a blocking
# call, a shell command, a wait for a packet, a cleanup command, a code
# block, after a global sysctl was changed, with several runners at
# once, with SIGINT to the process group (Ctrl-C) or SIGTERM to tcpcheck
# alone, once with Ctrl-C pressed twice.  After each: tcpcheck exited 130
# (or died of the signal itself, when it came before tcpcheck could
# catch it), no process of the run is left, no namespace is held by one,
# no file /tmp/tcpcheck* or /tmp/.tcpcheck* (nstat's history) appeared,
# and the host's interfaces (no tun0), addresses, routes, named
# namespaces and sysctls are as they were.
. "$(dirname "$0")/lib.sh"
require_kernel_env
cd "$top_srcdir" || exit 1

work=$(mktemp -d)
marker=tcpcheck-interrupt-$$
trap 'rm -rf "$work"' EXIT

head='0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0 setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0
+0 bind(3, ..., ...) = 0
+0 listen(3, 1) = 0'
script() {	# script NAME TEXT...
	name=$1
	shift
	printf '%s\n' "$@" >"$work/$name.pkt"
}
script init "\`sleep 30; : $marker\`" "$head"
script blocking "$head" '+0...20 accept(3, ..., ...) = 4'
# nstat keeps a history file per runner (/tmp/.tcpcheck-nstat.PID).
script shell "$head" "+0 \`nstat -n; sleep 30; : $marker\`"
script background "$head" \
	"+0 \`sh -c 'sleep 300; : $marker' >/dev/null 2>&1 &\`" \
	'+0...20 accept(3, ..., ...) = 4'
script packet "$head" '+20 > S. 0:0(0) ack 1'
script cleanup "$head" "\`sleep 30; : $marker\`"
script code "$head" '+0 %{ import time; time.sleep(30) }%'
# fs.lease-break-time is the host's in every namespace: the run changes
# it and must put it back, even when stopped.
lease=$(sysctl -n fs.lease-break-time)
script sysctl "$head" "+0 \`sysctl -q fs.lease-break-time=$((lease + 1))\`" \
	'+0...20 accept(3, ..., ...) = 4'

host_snapshot "$work/before"
readlink /proc/[0-9]*/ns/net 2>/dev/null | sort -u >"$work/before.netns"

# NAME SCRIPTS DELAY SIGNALS(INT|TERM|INT,INT) TARGET(group|process)
cases='setup-0ms packet 0 TERM process
setup-10ms packet 0.01 INT group
setup-30ms blocking 0.03 TERM process
setup-60ms shell 0.06 INT group
init-command init 0.5 INT group
init-command-term init 0.5 TERM process
blocking-call blocking 0.7 INT group
blocking-call-term blocking 1.2 TERM process
shell-command shell 0.7 INT group
shell-command-term shell 1.5 TERM process
background-job background 0.8 INT group
packet-wait packet 0.7 INT group
packet-wait-term packet 2 TERM process
cleanup-command cleanup 0.8 INT group
cleanup-command-term cleanup 1.0 TERM process
code-block code 1.5 INT group
code-block-term code 1.5 TERM process
global-sysctl sysctl 0.8 INT group
global-sysctl-term sysctl 0.8 TERM process
two-runners shell,blocking,packet 0.8 INT group
two-runners-term shell,blocking,packet 1.0 TERM process
ctrl-c-twice packet 0.5 INT,INT group'

# Python is handed the script's path in hex.
work_hex=$(printf '%s' "$work" | od -An -tx1 | tr -d ' \n')
leftovers() {	# processes of these runs, and namespaces they hold
	for dir in /proc/[0-9]*; do
		cmd=$( (tr '\0' ' ' <"$dir/cmdline") 2>/dev/null) || continue
		case $cmd in
		*"$work"*|*"$marker"*|*"$work_hex"*)
			ns=$(readlink "$dir/ns/net" 2>/dev/null)
			echo "${dir#/proc/} $cmd (netns $ns)" ;;
		esac
	done
}

# INTERRUPT_ONLY=NAME tries that moment alone (when debugging one).
[ -z "${INTERRUPT_ONLY:-}" ] ||
	cases=$(echo "$cases" | grep "^$INTERRUPT_ONLY ")
echo "$cases" | while read -r name scripts delay signals target; do
	files=
	for s in $(echo "$scripts" | tr , ' '); do
		files="$files $work/$s.pkt"
	done
	# Taken for each case: other work on the machine may leave its
	# own /tmp/tcpcheck-* (a test's mktemp) between two cases.
	ls -d /tmp/tcpcheck* /tmp/.tcpcheck* 2>/dev/null >"$work/before.tmp"
	# setsid: a process group of its own, as a shell job has.
	# shellcheck disable=SC2086
	setsid "$TCPCHECK" -j2 $files >"$work/out" 2>&1 &
	pid=$!
	sleep "$delay"
	for sig in $(echo "$signals" | tr , ' '); do
		if [ "$target" = group ]; then
			/bin/kill -s "$sig" -- "-$pid" 2>/dev/null
		else
			kill -s "$sig" "$pid" 2>/dev/null
		fi
		sleep 0.1
	done
	status=0
	wait "$pid" || status=$?
	# 130 from tcpcheck; 143 only for a SIGTERM that came before
	# tcpcheck had its handler.
	ok=1
	[ "$status" -eq 130 ] && ok=0
	[ "$status" -eq 143 ] && [ "$delay" = 0 ] && ok=0
	tap_ok $ok "$name: exits 130 (got $status)"
	[ $ok -eq 0 ] || tap_diag <"$work/out"
	sleep 0.3
	leftovers >"$work/left"
	test ! -s "$work/left"
	tap_ok $? "$name: no process of the run is left, none holds a namespace"
	tap_diag <"$work/left"
	ls -d /tmp/tcpcheck* /tmp/.tcpcheck* 2>/dev/null |
		diff "$work/before.tmp" - >"$work/diff"
	tap_ok $? "$name: no /tmp/tcpcheck* or /tmp/.tcpcheck* file left"
	tap_diag <"$work/diff"
	host_snapshot "$work/after"
	diff "$work/before" "$work/after" >"$work/diff"
	tap_ok $? "$name: host interfaces, routes, namespaces and sysctls unchanged"
	tap_diag <"$work/diff"
	echo "$tap_n $tap_failed" >"$work/counts"
done
# The loop ran in a subshell (a pipe): take its counts back.
read -r tap_n tap_failed <"$work/counts"
test "$(echo "$cases" | wc -l)" -ge 20 || [ -n "${INTERRUPT_ONLY:-}" ]
tap_ok $? "at least 20 moments were tried"
tap_end
