#!/bin/sh
# stack.sh - scripts played against userspace stacks (--stack): the lwIP
# corpus passes, the interface's example stack passes, broken plugins are
# refused with 125 and a reason, a crashing stack fails its script with
# the signal and the line, scripts a stack cannot run are skipped with
# the reason, the lwIP corpus's mutations fail at their line, and runs
# repeat byte for byte.  No root, no namespace: it runs anywhere.
. "$(dirname "$0")/lib.sh"
cd "$top_srcdir" || exit 1
build=$(cd "$(dirname "$TCPCHECK")" && pwd)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# expect STATUS TEXT DESCRIPTION -- tcpcheck arguments...  (TEXT "": the
# status alone)
expect() {
	want=$1 text=$2 what=$3
	shift 4
	status=0
	"$TCPCHECK" "$@" >"$work/out" 2>&1 || status=$?
	tap_ok "$([ "$status" -eq "$want" ]; echo $?)" \
		"$what: exits $want (got $status)"
	if [ -n "$text" ]; then
		grep -qF -- "$text" "$work/out"
		tap_ok $? "$what: says '$text'"
	fi
	tap_diag <"$work/out"
}

expect 0 "36 passed, 0 failed, 0 skipped" "the lwIP corpus" -- \
	--stack=lwip stacks/lwip/testcases/
as_nobody="setpriv --reuid=65534 --regid=65534 --clear-groups"
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null &&
	$as_nobody test -x "$TCPCHECK" -a -r stacks/lwip/testcases/mss/default-536.pkt \
		-a -r "$build/stacks/lwip/lwip.so" 2>/dev/null; then
	status=0
	$as_nobody "$TCPCHECK" --stack=lwip stacks/lwip/testcases/ >"$work/out" 2>&1 || status=$?
	tap_ok "$status" "the lwIP corpus as nobody: no root needed (exit $status)"
	status=0
	$as_nobody "$TCPCHECK" --stack=kernel,lwip \
		stacks/lwip/testcases/mss/default-536.pkt >"$work/out" 2>&1 || status=$?
	# The kernel's run goes into a user namespace of its own where the
	# machine allows it (tests/rootless.sh), else it alone is skipped,
	# saying why (not root, /dev/net/tun closed to users...).
	grep -q "^\(SKIP .*default-536.pkt ipv4 kernel ([0-9.]* s) .\|PASS .*default-536.pkt ipv4 kernel\|FAIL .*default-536.pkt ipv4 kernel\)" "$work/out" &&
		grep -q "^PASS .*default-536.pkt ipv4 lwip" "$work/out"
	tap_ok $? "as nobody, --stack=kernel,lwip runs lwIP's, and the kernel's in a user namespace or skipped (exit $status)"
	tap_diag <"$work/out"
else
	echo "ok $((tap_n += 1)) - the lwIP corpus as nobody # SKIP not root, or the tree is not readable by nobody"
fi
expect 0 "70 passed, 0 failed, 0 skipped" "the lwIP corpus over IPv6 too" -- \
	--stack=lwip --ip_version=ipv4,ipv6 stacks/lwip/testcases/
expect 125 "IPv4-mapped IPv6 sockets are not supported" \
	"lwIP and IPv4-mapped IPv6" -- --stack=lwip \
	--ip_version=ipv4-mapped-ipv6 stacks/lwip/testcases/handshake/passive-open.pkt
expect 0 "" "docs/stack-plugin.md's example stack" -- \
	--stack="$build/tests/stacks/closed_port.so" tests/stacks/closed-port.pkt

# packetdrill's interface (--so_filename), in real time as there: on a
# loaded machine its packets come milliseconds late, which is not what
# this checks, so the tolerance is wide.
expect 0 "" "the example stack behind packetdrill's interface" -- \
	--so_filename="$build/tests/stacks/pd_closed_port.so" --so_flags=any \
	--tolerance_usecs=50000 tests/stacks/closed-port.pkt
sed 's/> R. 0:0(0) ack 1 win 0/> R. 0:0(0) ack 1 win 1/' \
	tests/stacks/closed-port.pkt >"$work/pd-win.pkt"
expect 1 "win: expected 1, got 0" "packetdrill's interface, a changed window" -- \
	--so_filename="$build/tests/stacks/pd_closed_port.so" "$work/pd-win.pkt"
printf '0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n' >"$work/pd-sock.pkt"
expect 125 "the packetdrill-so backend does not support socket()" \
	"packetdrill's interface, a call the stack lacks" -- \
	--so_filename="$build/tests/stacks/pd_closed_port.so" "$work/pd-sock.pkt"

# Two stacks, one script: a result each, and where their verdicts part.
expect 1 "closed-port.pkt ipv4: lwip fail at line 6: outbound packet does not match the script (win: expected 0, got 65407); $build/tests/stacks/closed_port.so pass" \
	"lwIP and the example stack side by side" -- \
	--stack="lwip,$build/tests/stacks/closed_port.so" tests/stacks/closed-port.pkt

cat >"$work/sock.pkt" <<'PKT'
0.000 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0 bind(3, ..., ...) = 0
PKT
expect 125 "ABI version 2, tcpcheck speaks 1" "a plugin of another ABI" -- \
	--stack="$build/tests/stacks/bad_abi.so" "$work/sock.pkt"
expect 125 "no symbol tcpcheck_stack_entry" "a plugin without its entry" -- \
	--stack="$build/tests/stacks/no_entry.so" "$work/sock.pkt"
expect 125 "cannot open shared object file" "a plugin that is not there" -- \
	--stack="$work/none.so" "$work/sock.pkt"
expect 125 "the fake backend does not support bind()" "a call a stack lacks" -- \
	--stack="$build/tests/stacks/fake.so" "$work/sock.pkt"
expect 1 "sock.pkt:1: the stack $build/tests/stacks/crash.so crashed: signal 11" \
	"a plugin whose socket() crashes" -- \
	--stack="$build/tests/stacks/crash.so" "$work/sock.pkt"
left=$(pgrep -f "$work/sock.pkt" || true)
tap_ok "$([ -z "$left" ]; echo $?)" "no runner is left behind"

# What lwIP cannot do is skipped, with the reason.
sed 's/<mss 1460,nop,wscale 1>/<mss 1460,sackOK,nop,wscale 1>/' \
	stacks/lwip/testcases/handshake/passive-open.pkt >"$work/sack.pkt"
expect 125 "line 13: lwip sends no SACK options" "an outbound sackOK" -- \
	--stack=lwip "$work/sack.pkt"
sed 's/<mss 1460,nop,wscale 1>/<mss 1460,nop,wscale 7>/' \
	stacks/lwip/testcases/handshake/passive-open.pkt >"$work/ws.pkt"
expect 125 "lwip offers window scale 1, not 7" "another window scale" -- \
	--stack=lwip "$work/ws.pkt"
{ echo '`sysctl -q net.ipv4.tcp_sack=0`'; cat "$work/sock.pkt"; } >"$work/sh.pkt"
expect 125 "shell commands run in the kernel stack's namespace" \
	"a shell command" -- --stack=lwip "$work/sh.pkt"
{ cat "$work/sock.pkt"; echo '+0 setsockopt(3, SOL_SOCKET, SO_RCVBUF, [4096], 4) = 0'; } >"$work/opt.pkt"
expect 125 "the lwip stack does not support setsockopt(3, SOL_SOCKET, SO_RCVBUF" \
	"an option lwIP lacks" -- --stack=lwip "$work/opt.pkt"

# Each claim of the lwIP corpus fails when the line it rests on changes.
n=0
while IFS='	' read -r script from to line text; do
	case $script in ''|'#'*) continue ;; esac
	n=$((n + 1))
	mutant="$work/m$n-$(basename "$script")"
	changed=$(mutate "$script" "$mutant" "$from" "$to") || {
		tap_ok 1 "$script: '$from' is in the script"
		continue
	}
	[ "$line" = "=" ] && line=$changed
	status=0
	"$TCPCHECK" --stack=lwip "$mutant" >/dev/null 2>"$work/err" || status=$?
	tap_ok "$([ "$status" -eq 1 ]; echo $?)" \
		"$script with '$to': exits 1 (got $status)"
	grep -qF -- "$mutant:$line: " "$work/err"
	tap_ok $? "$script with '$to': reported at line $line"
	grep -qF -- "$text" "$work/err"
	tap_ok $? "$script with '$to': report says '$text'"
	tap_diag <"$work/err"
done <stacks/lwip/mutations.tsv

# Virtual time: two runs write the same captures, byte for byte.
for run in 1 2; do
	mkdir "$work/pcap$run"
	"$TCPCHECK" --stack=lwip --pcap-dir="$work/pcap$run" --pcap-all \
		stacks/lwip/testcases/ >/dev/null 2>&1
done
count=$(ls "$work/pcap1" | wc -l)
tap_ok "$([ "$count" -eq 36 ]; echo $?)" "a capture for each script ($count)"
diff -r "$work/pcap1" "$work/pcap2" >/dev/null
tap_ok $? "two runs' captures are identical"
tap_end
