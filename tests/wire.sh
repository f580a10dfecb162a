#!/bin/sh
# wire.sh - wire mode end to end, without a second machine: the stack under
# test is a namespace's, behind a veth pair (tests/wire-env.sh), with
# tcpcheck-agent making its calls; tcpcheck runs in the other namespace.
#
# 1. 27 corpus scripts (handshake, close, RST, SACK, timestamps, window,
#    Nagle, UDP, an IPv6 one) pass in wire mode with the verdicts they
#    have under TUN (compared line by line, TAP).
# 2. --pcap-dir records the test's packets (and not the control link's).
#    A wrong secret is refused: exit 125, the reason said; so are a
#    missing interface and an agent not there; options that need each
#    other are a usage error (2).
# 3. The runner killed mid-script drops the control connection: the agent
#    closes every socket the script opened, and keeps serving.
# 4. The agent killed mid-script: tcpcheck fails (exit 1) saying the
#    control connection was lost; the stack is left with no connection.
# After each: no nftables table of tcpcheck's, no tcpcheck process.
# About 45 s; takes the kernel tests' lock.
. "$(dirname "$0")/lib.sh"
require_kernel_env
started=$(date +%s)
cd "$top_srcdir" || exit 1
agent_bin=$(dirname "$TCPCHECK")/tcpcheck-agent
for tool in nft ethtool ss tcpdump; do
	if ! command -v $tool >/dev/null 2>&1; then
		echo "1..0 # SKIP needs $tool"
		exit 0
	fi
done

env=tcwire$$
work=$(mktemp -d)
agent_pid=
stop_agent() {
	[ -n "$agent_pid" ] && kill "$agent_pid" 2>/dev/null &&
		wait "$agent_pid" 2>/dev/null
	agent_pid=
}
trap 'stop_agent; tests/wire-env.sh down $env; rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
tests/wire-env.sh up $env
head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$work/secret"
echo "not the secret at all" >"$work/wrong"

# The agent keeps to the second CPU: the runner, at real-time priority,
# polls on its own, and a machine under test has CPUs of its own.
agent_cpu=$(($(nproc) > 1 ? 1 : 0))
start_agent() {
	ip netns exec $env-a taskset -c $agent_cpu "$agent_bin" \
		--listen=10.99.0.1:7777 --secret-file="$work/secret" \
		--allow-commands 2>>"$work/agent.log" &
	agent_pid=$!
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		ip netns exec $env-a ss -Htln | grep -q 10.99.0.1:7777 && return
		sleep 0.1
	done
}
wire() {	# wire ARGS...: tcpcheck in wire mode
	ip netns exec $env-t "$TCPCHECK" --wire-dev=wt \
		--agent=10.99.0.1:7777 --agent-secret-file="$work/secret" "$@"
}
# Nothing of a run left: no table, no process, no connection but the
# agent's listener.
left_behind() {
	ip netns exec $env-t nft list tables 2>/dev/null | grep tcpcheck
	pgrep -f "agent-secret-file=$work"
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		ip netns exec $env-a ss -Htan | grep -v 10.99.0.1:7777 \
			>"$work/sockets" || :
		[ -s "$work/sockets" ] || return 0
		sleep 0.2
	done
	cat "$work/sockets"
}

scripts="handshake/active-open handshake/connect-refused
handshake/passive-open handshake/syn-ack-lost-client
handshake/syn-ack-wscale-any handshake/syn-no-listener-rst
handshake/synack-bad-ack-rst handshake/third-ack-lost
close/close-unread-data close/data-after-close close/fin-ack-lost
close/fin-retransmit-orphan close/fin-wait-2-timeout close/last-ack-lost
close/linger-zero-reset close/local-close-first close/remote-fin-first
close/three-way-close rst/rst-exact-resets rst/rst-in-window-challenge-ack
rst/rst-out-of-window-ignored sack/one-hole timestamps/negotiated
window/wscale-both-sides nagle/nodelay-sends-at-once
udp/sendto-unconnected mss/ipv6-mtu-1500"
set --
for s in $scripts; do
	set -- "$@" "testcases/$s.pkt"
done

start_agent
# A timing failure on a loaded machine is rerun, in both modes alike.
"$TCPCHECK" --retries=2 --format=tap "$@" >"$work/tun.tap" 2>/dev/null
wire --retries=2 --format=tap "$@" >"$work/wire.tap" 2>"$work/wire.err"
status=$?
grep -c '^ok ' "$work/wire.tap" >"$work/passed"
tap_ok $((status != 0)) "$# corpus scripts pass in wire mode ($(cat "$work/passed") ok)"
[ $status -eq 0 ] || grep -v '^ok ' "$work/wire.tap" | tap_diag
# Verdict and name; runs at once under TUN finish in another order.
verdicts() {
	sed -n 's/^\(not ok\|ok\) [0-9]* - \(.*\)/\2: \1/p' "$1" | sort
}
verdicts "$work/tun.tap" >"$work/tun.verdicts"
verdicts "$work/wire.tap" >"$work/wire.verdicts"
cmp -s "$work/tun.verdicts" "$work/wire.verdicts"
tap_ok $? "the same verdicts as under TUN"
diff "$work/tun.verdicts" "$work/wire.verdicts" | tap_diag
left_behind >"$work/left" 2>&1
[ ! -s "$work/left" ]
tap_ok $? "nothing left after the corpus"
tap_diag <"$work/left"

wire --pcap-dir="$work/pcap" --pcap-all testcases/handshake/passive-open.pkt \
	>/dev/null 2>&1
tcpdump -nr "$work/pcap/testcases_handshake_passive-open.ipv4.pcap" \
	>"$work/pcap.txt" 2>/dev/null
[ "$(grep -c '192.0.2.1' "$work/pcap.txt")" -ge 4 ] &&
	! grep -q 10.99.0 "$work/pcap.txt"
tap_ok $? "--pcap-dir records the test's packets, not the control connection"
tap_diag <"$work/pcap.txt"

ip netns exec $env-t "$TCPCHECK" --wire-dev=wt --agent=10.99.0.1:7777 \
	--agent-secret-file="$work/wrong" testcases/handshake/passive-open.pkt \
	>/dev/null 2>"$work/refused"
status=$?
[ $status -eq 125 ] && grep -q "refused the secret" "$work/refused"
tap_ok $? "a wrong secret is refused with 125 (got $status)"
tap_diag <"$work/refused"

# What the command line gets wrong, what is not there.
expect() {	# expect STATUS TEXT DESCRIPTION -- ARGS...
	want=$1 text=$2 what=$3
	shift 4
	ip netns exec $env-t "$TCPCHECK" "$@" \
		testcases/handshake/passive-open.pkt >/dev/null 2>"$work/err"
	got=$?
	[ $got -eq "$want" ] && grep -q -- "$text" "$work/err"
	tap_ok $? "$what: exit $want (got $got)"
	tap_diag <"$work/err"
}
expect 2 "needs --agent=HOST:PORT" "--wire-dev without an agent" -- \
	--wire-dev=wt
expect 2 "go with --wire-dev" "--agent without --wire-dev" -- \
	--agent=10.99.0.1:7777 --agent-secret-file="$work/secret"
expect 125 "no interface nosuch0" "a missing interface" -- \
	--wire-dev=nosuch0 --agent=10.99.0.1:7777 \
	--agent-secret-file="$work/secret"
expect 125 "cannot reach the agent" "no agent at that port" -- \
	--wire-dev=wt --agent=10.99.0.1:7778 --agent-secret-file="$work/secret"

# A connection that stays open, with a call pending on the agent.
cat >"$work/long.pkt" <<'PKT'
0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0 setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0
+0 bind(3, ..., ...) = 0
+0 listen(3, 1) = 0
+0 < S 0:0(0) win 32792 <mss 1000>
+0 > S. 0:0(0) ack 1 <mss 1460>
+.01 < . 1:1(0) ack 1 win 257
+0 accept(3, ..., ...) = 4
+0...5 read(4, ..., 10) = 10
PKT
sleep 1	# the agent waits a second after a refusal
ip netns exec $env-t "$TCPCHECK" --wire-dev=wt --agent=10.99.0.1:7777 \
	--agent-secret-file="$work/secret" "$work/long.pkt" \
	>/dev/null 2>"$work/killed" &
tcpcheck_pid=$!
sleep 1
runner=$(pgrep -P $tcpcheck_pid | head -n 1)
[ -n "$runner" ] && kill -KILL "$runner"
wait $tcpcheck_pid
status=$?
[ $status -eq 125 ] && grep -q "killed by signal 9" "$work/killed"
tap_ok $? "a runner killed mid-script is reported (exit $status)"
tap_diag <"$work/killed"
left_behind >"$work/left" 2>&1
[ ! -s "$work/left" ]
tap_ok $? "the agent closed the script's sockets when the connection dropped"
tap_diag <"$work/left"
kill -0 "$agent_pid" 2>/dev/null
tap_ok $? "the agent still serves"

wire "$work/long.pkt" >/dev/null 2>"$work/lost" &
tcpcheck_pid=$!
sleep 1
stop_agent
wait $tcpcheck_pid
status=$?
[ $status -eq 1 ] && grep -q "control connection to the agent was lost" \
	"$work/lost"
tap_ok $? "the agent killed mid-script: a clear failure (exit $status)"
tap_diag <"$work/lost"
left_behind >"$work/left" 2>&1
[ ! -s "$work/left" ]
tap_ok $? "nothing left on either side"
tap_diag <"$work/left"
echo "took $(($(date +%s) - started)) s after the lock" | tap_diag
tap_end
