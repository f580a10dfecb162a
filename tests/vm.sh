#!/bin/sh
# vm.sh - tcpcheck --kernel: scripts played in Debian's 6.1 cloud kernel
# booted under qemu (TCG, virtual time), and every way that can go wrong.
#
#   1  handshake/ and close/ on 6.1: every script passes or skips (the
#      sysctls 6.1 lacks), code blocks run with the guest's python3, but
#      for close/time-wait-syn-higher-isn.pkt, which fails there: 6.1
#      answers a SYN that reopens a TIME_WAIT connection with a random
#      ISN instead of the old snd_nxt + 65537 (docs/kernels.md)
#   2  -j2: a failing script fails with its capture in --pcap-dir and its
#      JSON record; a script during which the kernel panics fails with
#      the console's lines of the panic, and the other scripts of that
#      guest are played in a fresh one
#   3  no tun.ko in the initramfs: 125, with the reason
#   4  no qemu in PATH, a corrupt package, a file that is no kernel: 125
#   5  two boots give byte-identical -v traces (virtual time)
#   6  nothing left behind: no qemu process, no temporary folder
# About 130 s on this project's shared 2-core machine (nine boots of
# 8-15 s each, as the load of the other builds goes).  The image
# comes from scripts/fetch-kernels (run by scripts/setup.sh check); without
# it the test is skipped.
. "$(dirname "$0")/lib.sh"
# Booting guests is the kernel tests' business too: distcheck's inner
# make check (configure --disable-kernel-tests) leaves them out.
[ "${TCPCHECK_KERNEL_TESTS:-yes}" = no ] &&
	kernel_skip "kernel tests disabled (configure --disable-kernel-tests)"
cd "$top_srcdir" || exit 1

cache=${XDG_CACHE_HOME:-$HOME/.cache}/tcpcheck/debian
deb=$(ls "$cache"/linux-image-6.1.0-*-cloud-amd64_*.deb 2>/dev/null | tail -n 1)
if [ -z "$deb" ] || ! command -v qemu-system-x86_64 >/dev/null; then
	echo "1..0 # SKIP no Debian 6.1 image (scripts/fetch-kernels) or no qemu"
	exit 0
fi
# qemu's two vCPU threads would disturb the timing tests: take turns.
exec 9>"${TMPDIR:-/tmp}/tcpcheck-kernel-tests.lock"
flock 9

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export TMPDIR="$work/tmp"
mkdir -p "$TMPDIR"

"$TCPCHECK" --kernel="$deb" testcases/handshake testcases/close \
	>"$work/1.out" 2>&1
rc=$?
[ $rc -eq 1 ] && grep -q '^SKIP .*syn-retries-linear.*no sysctl net.ipv4.tcp_syn_linear_timeouts' "$work/1.out" &&
	grep -q '^PASS  testcases/close/shutdown-rd.pkt' "$work/1.out" &&
	[ "$(grep -c '^FAIL ' "$work/1.out")" -eq 1 ] &&
	grep -q '^FAIL  testcases/close/time-wait-syn-higher-isn.pkt' "$work/1.out"
tap_ok $? "handshake/ and close/ on $(basename "$deb"): exit $rc, only the TIME_WAIT ISN script fails, the sysctls 6.1 lacks skip, code blocks run"
[ $rc -eq 0 ] || tap_diag <"$work/1.out"

"$TCPCHECK" -j2 --kernel="$deb" --pcap-dir="$work/pcap" --json="$work/2.json" \
	tests/vm/wrong-syn.pkt tests/vm/panic.pkt testcases/handshake/active-open.pkt \
	testcases/close/three-way-close.pkt >"$work/2.out" 2>&1
rc=$?
[ $rc -eq 1 ] && grep -q '^FAIL  tests/vm/wrong-syn.pkt' "$work/2.out" &&
	ls "$work/pcap" | grep -q 'wrong-syn' &&
	jq -e '[.results[] | select(.status == "fail")] | length == 2' \
		"$work/2.json" >/dev/null
tap_ok $? "-j2: a deviation fails with its capture and JSON record (exit $rc)"
grep -q 'tests/vm/panic.pkt: the kernel died while this script ran' "$work/2.out" &&
	grep -q 'Kernel panic - not syncing: sysrq triggered crash' "$work/2.out"
tap_ok $? "a panic fails its script with the console's lines"
grep -q '^PASS  testcases/handshake/active-open.pkt' "$work/2.out" &&
	grep -q '^PASS  testcases/close/three-way-close.pkt' "$work/2.out"
tap_ok $? "the scripts beside it still play (in a fresh guest if need be)"
[ $rc -eq 1 ] || tap_diag <"$work/2.out"

# Virtual time: two boots, the same verdicts and -v traces to the byte
# (times to the nanosecond, sequence numbers, ports).
for i in 1 2; do
	"$TCPCHECK" -v --kernel="$deb" testcases/handshake/active-open.pkt \
		testcases/close/three-way-close.pkt >"$work/det$i.out" 2>&1
done
cmp -s "$work/det1.out" "$work/det2.out" && grep -q 'live: seq' "$work/det1.out"
tap_ok $? "two boots give byte-identical -v traces"
diff "$work/det1.out" "$work/det2.out" | head -n 20 | tap_diag

TCPCHECK_VM_WITHOUT_TUN=1 "$TCPCHECK" --kernel="$deb" \
	testcases/handshake/active-open.pkt >"$work/3.out" 2>&1
rc=$?
[ $rc -eq 125 ] && grep -q '/dev/net/tun' "$work/3.out"
tap_ok $? "a guest without tun.ko: exit $rc (125)"

mkdir "$work/empty"
PATH="$work/empty" "$TCPCHECK" --kernel="$deb" testcases/handshake \
	>"$work/4.out" 2>&1
rc=$?
[ $rc -eq 125 ] && grep -q 'qemu-system-x86_64 is not installed' "$work/4.out"
tap_ok $? "no qemu in PATH: exit $rc (125)"
head -c 100000 "$deb" >"$work/corrupt.deb"
"$TCPCHECK" --kernel="$work/corrupt.deb" testcases/handshake >"$work/4.out" 2>&1
rc=$?
[ $rc -eq 125 ] && grep -q 'cannot unpack it' "$work/4.out"
tap_ok $? "a truncated package: exit $rc (125)"
echo "not a kernel" >"$work/junk"
"$TCPCHECK" --kernel="$work/junk" testcases/handshake >"$work/4.out" 2>&1
rc=$?
[ $rc -eq 125 ] && grep -q 'not a bootable x86 kernel image' "$work/4.out"
tap_ok $? "a file that is no kernel: exit $rc (125)"

# Every guest's qemu had $TMPDIR in its command line.
left=$(pgrep -f "$TMPDIR" || true)
[ -z "$left" ] && [ -z "$(ls -A "$TMPDIR")" ]
tap_ok $? "no qemu process, no temporary folder left"
tap_end
