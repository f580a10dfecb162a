#!/bin/sh
# bisect-step.sh - scripts/bisect-step answers git bisect with 0, 1 or 125
# only, tried without a kernel tree on Debian's prebuilt 6.1 and 6.12
# cloud images (BISECT_KERNEL skips the build):
#   two scripts whose verdict differs (6.1 fails them, 6.12 passes): 1, 0
#   6.1 booted without tun.ko: 125
#   a malformed script: 125 (never 2, which git would count as bad)
#   a folder that is no kernel tree, without BISECT_KERNEL: 125
# and --kernel=6.1,6.12 lists the script whose verdict differs.  About
# 145 s on the shared 2-core machine (five boots).  The images come from
# scripts/fetch-kernels.
. "$(dirname "$0")/lib.sh"
# Booting guests is the kernel tests' business too: distcheck's inner
# make check (configure --disable-kernel-tests) leaves them out.
[ "${TCPCHECK_KERNEL_TESTS:-yes}" = no ] &&
	kernel_skip "kernel tests disabled (configure --disable-kernel-tests)"
cd "$top_srcdir" || exit 1

cache=${XDG_CACHE_HOME:-$HOME/.cache}/tcpcheck/debian
old=$(ls "$cache"/linux-image-6.1.0-*-cloud-amd64_*.deb 2>/dev/null | tail -n 1)
new=$(ls "$cache"/linux-image-6.12.*-cloud-amd64_*.deb 2>/dev/null | tail -n 1)
if [ -z "$old" ] || [ -z "$new" ] || ! command -v qemu-system-x86_64 >/dev/null; then
	echo "1..0 # SKIP no Debian 6.1 and 6.12 images (scripts/fetch-kernels) or no qemu"
	exit 0
fi
exec 9>"${TMPDIR:-/tmp}/tcpcheck-kernel-tests.lock"
flock 9
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export TCPCHECK

# Delayed ACKs and the receive window as 6.12 has them (docs/kernels.md).
differ="testcases/delayed-ack/two-full-segments.pkt testcases/window/receive-window-closes.pkt"
step() {	# step LOG ARGS...: the step's status
	log=$1
	shift
	"$@" >"$work/$log" 2>&1
	echo $?
}
# shellcheck disable=SC2086
rc=$(step old env BISECT_KERNEL="$old" scripts/bisect-step $differ)
[ "$rc" -eq 1 ]
tap_ok $? "6.1 ($(basename "$old")): bad, 1 (got $rc)"
[ "$rc" -eq 1 ] || tap_diag <"$work/old"
# shellcheck disable=SC2086
rc=$(step new env BISECT_KERNEL="$new" scripts/bisect-step $differ)
[ "$rc" -eq 0 ]
tap_ok $? "6.12 ($(basename "$new")): good, 0 (got $rc)"
[ "$rc" -eq 0 ] || tap_diag <"$work/new"
rc=$(step notun env BISECT_KERNEL="$old" TCPCHECK_VM_WITHOUT_TUN=1 \
	scripts/bisect-step testcases/handshake/active-open.pkt)
[ "$rc" -eq 125 ] && grep -q 'skipping this revision (125)' "$work/notun"
tap_ok $? "6.1 without tun.ko: skip, 125 (got $rc)"
printf '0 bogus(\n' >"$work/bad.pkt"
rc=$(step bad env BISECT_KERNEL="$old" scripts/bisect-step "$work/bad.pkt")
[ "$rc" -eq 125 ]
tap_ok $? "a malformed script: skip, 125, not 2 (got $rc)"
# The same two kernels side by side: the differing verdict is listed
# with the first line of 6.1's report.
"$TCPCHECK" --kernel="$old,$new" testcases/delayed-ack/two-full-segments.pkt \
	>"$work/matrix" 2>&1
rc=$?
[ $rc -eq 1 ] && grep -q '^verdicts that differ between kernels:' "$work/matrix" &&
	grep -q '^FAIL  testcases/delayed-ack/two-full-segments.pkt ipv4@6\.1\.' "$work/matrix" &&
	grep -q '^PASS  testcases/delayed-ack/two-full-segments.pkt ipv4@6\.12\.' "$work/matrix" &&
	grep -q '^    6\.1\.[^ ]* *fail: 31: no outbound packet' "$work/matrix"
tap_ok $? "--kernel=6.1,6.12: the differing verdict, with 6.1's first report line (exit $rc)"
[ $rc -eq 1 ] || tap_diag <"$work/matrix"
rc=$(cd "$work" && step tree env -u BISECT_KERNEL "$top_srcdir/scripts/bisect-step" x.pkt)
[ "$rc" -eq 125 ]
tap_ok $? "not in a kernel tree: skip, 125 (got $rc)"
tap_end
