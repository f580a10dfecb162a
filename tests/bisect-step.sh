#!/bin/sh
# bisect-step.sh - scripts/bisect-step answers git bisect with 0, 1 or 125
# only.
#
# Its build path, in a stand-in kernel tree (a Makefile with the targets
# the step calls, a merge_config.sh that merges as the kernel's does)
# and with a stand-in tcpcheck that records how it was called and exits
# as told, in well under a second:
#   without .config: make defconfig, then the fragment merged, then
#     make olddefconfig, which sees every line of scripts/tcpcheck.config,
#     then bzImage, booted with --kernel=arch/x86/boot/bzImage: 0
#   with a .config: no defconfig, the .config's own lines kept: 1
#   a tree that does not build: 125, with the compiler's last lines
#   a config without TUN after olddefconfig: 125, before any build
#   tcpcheck's 2, 125, 126, 127, 130, 255 and 3: 125 each
#   no make, no tcpcheck (unset, or set to nothing there): 125
#   installed in share/tcpcheck, whose ../tcpcheck is a folder: the
#     tcpcheck in PATH
# Then on Debian's prebuilt 6.1 and 6.12 cloud images, with the real
# tcpcheck:
#   the stand-in tree building 6.1's vmlinuz (its modules given with
#     BISECT_TCPCHECK_ARGS=--modules), then 6.12's: 1, then 0 for two
#     scripts whose verdict differs (6.1 fails them, 6.12 passes)
#   BISECT_KERNEL=the .deb (no tree): the same 1 and 0
#   6.1 booted without tun.ko: 125
#   a malformed script: 125 (never 2, which git would count as bad)
#   a folder that is no kernel tree, without BISECT_KERNEL: 125
# and --kernel=6.1,6.12 lists the script whose verdict differs.  About
# 30 s on the shared 2-core machine (seven boots; the stand-in part about
# 1 s, up to 8 s under load).  The images come from scripts/fetch-kernels; without them
# only the stand-in part runs.
. "$(dirname "$0")/lib.sh"
cd "$top_srcdir" || exit 1
step=$top_srcdir/scripts/bisect-step
frag=$top_srcdir/scripts/tcpcheck.config
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# A stand-in kernel tree: make writes what it was asked for to ./calls;
# olddefconfig keeps the .config it was given in ./seen-by-olddefconfig
# and, as a tree whose Kconfig lacks it would, drops CONFIG_TUN when
# ./no-tun exists; bzImage fails with a compiler's error when ./broken
# exists, else copies the file named in ./image.
stand_in_tree() {	# stand_in_tree DIR IMAGE
	mkdir -p "$1/arch/x86" "$1/scripts/kconfig"
	echo "$2" >"$1/image"
	cat >"$1/Makefile" <<'MAKE'
defconfig:
	echo defconfig >>calls
	printf 'CONFIG_64BIT=y\n# CONFIG_TUN is not set\nCONFIG_HZ_1000=y\n' >.config
olddefconfig:
	echo olddefconfig >>calls
	cp .config seen-by-olddefconfig
	if [ -f no-tun ]; then grep -v '^CONFIG_TUN=' .config >.config.new; mv .config.new .config; fi
bzImage:
	echo bzImage >>calls
	if [ -f broken ]; then echo 'net/ipv4/tcp_output.c:42:1: error: expected ";" before "}" token' >&2; exit 2; fi
	mkdir -p arch/x86/boot
	cp "$$(cat image)" arch/x86/boot/bzImage
.PHONY: defconfig olddefconfig bzImage
MAKE
	cat >"$1/scripts/kconfig/merge_config.sh" <<'MERGE'
#!/bin/sh
# merge_config.sh -m BASE FRAGMENT...: a fragment's settings replace the
# base's settings of the same symbols, the others stay.
echo merge >>calls
[ "$1" = -m ] || exit 1
base=$2
shift 2
for f; do
	sed -n -e 's/^\(CONFIG_[A-Za-z0-9_]*\)=.*/\1/p' \
		-e 's/^# \(CONFIG_[A-Za-z0-9_]*\) is not set$/\1/p' "$f" >syms
	grep -v -w -F -f syms "$base" >merged
	grep -E '^(CONFIG_|# CONFIG_.* is not set$)' "$f" >>merged
	mv merged "$base"
	rm -f syms
done
MERGE
	chmod +x "$1/scripts/kconfig/merge_config.sh"
}

# A stand-in tcpcheck: its arguments to ./tcpcheck-args (in the tree it
# runs in), its exit status from $FAKE_RC.
cat >"$work/tcpcheck" <<'FAKE'
#!/bin/sh
echo "$*" >tcpcheck-args
exit "${FAKE_RC:-0}"
FAKE
chmod +x "$work/tcpcheck"
printf 'HdrS, a stand-in kernel image\n' >"$work/image"

fake_step() {	# fake_step TREE LOG RC ARGS...: the step's status, in TREE
	tree=$1 log=$2 rc=$3
	shift 3
	(cd "$tree" && FAKE_RC=$rc TCPCHECK=$work/tcpcheck BISECT_MAKEFLAGS=-s \
		"$@" >"$work/$log" 2>&1)
	echo $?
}
calls() {	# the make targets and merges a tree saw, on one line
	tr '\n' ' ' <"$1/calls" 2>/dev/null
}

t=$work/tree
stand_in_tree "$t" "$work/image"
rc=$(fake_step "$t" fresh 0 "$step" /x/a.pkt)
missing=$(grep -E '^(CONFIG_|# CONFIG_.* is not set$)' "$frag" |
	grep -v -x -F -f "$t/seen-by-olddefconfig" 2>&1)
[ "$rc" -eq 0 ] && [ "$(calls "$t")" = "defconfig merge olddefconfig bzImage " ] &&
	[ -z "$missing" ] && ! grep -q '^# CONFIG_TUN is not set' "$t/seen-by-olddefconfig" &&
	[ "$(cat "$t/tcpcheck-args")" = "--kernel=arch/x86/boot/bzImage /x/a.pkt" ] &&
	cmp -s "$t/arch/x86/boot/bzImage" "$work/image"
tap_ok $? "no .config: defconfig, the fragment merged, olddefconfig, bzImage booted: 0 (got $rc; $(calls "$t"))"
[ -z "$missing" ] || echo "$missing" | tap_diag
[ "$rc" -eq 0 ] || tap_diag <"$work/fresh"

rm "$t/calls"
echo 'CONFIG_LOCALVERSION="-mine"' >>"$t/.config"
rc=$(fake_step "$t" again 1 "$step" /x/a.pkt)
[ "$rc" -eq 1 ] && [ "$(calls "$t")" = "merge olddefconfig bzImage " ] &&
	grep -q '^CONFIG_LOCALVERSION="-mine"$' "$t/.config"
tap_ok $? "a .config: no defconfig, its own lines kept, a failed script: 1 (got $rc; $(calls "$t"))"

rm "$t/calls" "$t/tcpcheck-args"
touch "$t/broken"
rc=$(fake_step "$t" broken 0 "$step" /x/a.pkt)
[ "$rc" -eq 125 ] && grep -q 'does not build: skipping this revision (125)' "$work/broken" &&
	grep -q 'tcp_output.c:42:1: error' "$work/broken" && [ ! -f "$t/tcpcheck-args" ]
tap_ok $? "a tree that does not build: 125, with the compiler's error, nothing booted (got $rc)"
[ "$rc" -eq 125 ] || tap_diag <"$work/broken"

rm -f "$t/calls" "$t/broken"
touch "$t/no-tun"
rc=$(fake_step "$t" notun 0 "$step" /x/a.pkt)
[ "$rc" -eq 125 ] && grep -q "config has no TUN: skipping" "$work/notun" &&
	[ "$(calls "$t")" = "merge olddefconfig " ] && [ ! -f "$t/tcpcheck-args" ]
tap_ok $? "a config without TUN after olddefconfig: 125 before any build (got $rc; $(calls "$t"))"
rm "$t/no-tun"

bad=
for code in 2 125 126 127 130 255 3; do
	rc=$(fake_step "$t" "rc$code" "$code" "$step" /x/a.pkt)
	[ "$rc" -eq 125 ] || bad="$bad $code:$rc"
done
[ -z "$bad" ]
tap_ok $? "tcpcheck's 2, 125, 126, 127, 130, 255, 3 all give 125 ($bad)"

# Every tool of the system but make and tcpcheck.
mkdir "$work/bin"
cp -s /usr/bin/* "$work/bin/" 2>/dev/null
rm -f "$work/bin/make" "$work/bin/tcpcheck"
t2=$work/tree2
stand_in_tree "$t2" "$work/image"
rc=$(fake_step "$t2" nomake 0 env PATH="$work/bin" "$step" /x/a.pkt)
[ "$rc" -eq 125 ] && grep -q 'make defconfig failed: skipping' "$work/nomake"
tap_ok $? "no make: 125, not 127 (got $rc)"
# A copy of the step with no tcpcheck built beside it.
mkdir -p "$work/copy/scripts"
cp "$step" "$frag" "$work/copy/scripts/"
rc=$(cd "$t2" && env -u TCPCHECK PATH="$work/bin" "$work/copy/scripts/bisect-step" /x/a.pkt \
	>"$work/notc" 2>&1; echo $?)
rc2=$(fake_step "$t2" notc2 0 env TCPCHECK="$work/none" "$step" /x/a.pkt)
[ "$rc" -eq 125 ] && grep -q 'no tcpcheck (set TCPCHECK)' "$work/notc" &&
	[ "$rc2" -eq 125 ] && grep -q "no tcpcheck at $work/none" "$work/notc2" &&
	[ ! -f "$t2/calls" ]
tap_ok $? "no tcpcheck: 125 before any build, not 127 (got $rc, $rc2)"

# Installed, the step lives in $(pkgdatadir), share/tcpcheck: its
# ../tcpcheck is that folder, and the tcpcheck to run is the one in PATH.
mkdir -p "$work/share/tcpcheck" "$work/pathbin"
cp "$step" "$frag" "$work/share/tcpcheck/"
cp "$work/tcpcheck" "$work/pathbin/tcpcheck"
rm -f "$t/calls" "$t/tcpcheck-args"
rc=$(cd "$t" && env -u TCPCHECK BISECT_MAKEFLAGS=-s PATH="$work/pathbin:$PATH" \
	"$work/share/tcpcheck/bisect-step" /x/a.pkt >"$work/installed" 2>&1; echo $?)
[ "$rc" -eq 0 ] && [ -f "$t/tcpcheck-args" ]
tap_ok $? "installed in share/tcpcheck: the tcpcheck in PATH, not the folder (got $rc)"
[ "$rc" -eq 0 ] || tap_diag <"$work/installed"

# Booting guests is the kernel tests' business too: distcheck's inner
# make check (configure --disable-kernel-tests) leaves them out.
[ "${TCPCHECK_KERNEL_TESTS:-yes}" = no ] &&
	kernel_skip "kernel tests disabled (configure --disable-kernel-tests)"

cache=${XDG_CACHE_HOME:-$HOME/.cache}/tcpcheck/debian
old=$(ls "$cache"/linux-image-6.1.0-*-cloud-amd64_*.deb 2>/dev/null | tail -n 1)
new=$(ls "$cache"/linux-image-6.12.*-cloud-amd64_*.deb 2>/dev/null | tail -n 1)
if [ -z "$old" ] || [ -z "$new" ] || ! command -v qemu-system-x86_64 >/dev/null; then
	kernel_skip "no Debian 6.1 and 6.12 images (scripts/fetch-kernels) or no qemu"
fi
exec 9>"${TMPDIR:-/tmp}/tcpcheck-kernel-tests.lock"
flock 9
export TCPCHECK

# Delayed ACKs and the receive window as 6.12 has them (docs/kernels.md).
differ="testcases/delayed-ack/two-full-segments.pkt testcases/window/receive-window-closes.pkt"
step() {	# step LOG ARGS...: the step's status
	log=$1
	shift
	"$@" >"$work/$log" 2>&1
	echo $?
}

# The build path booting what it built: the stand-in tree's bzImage is
# a Debian vmlinuz, whose modules (tun.ko among them) the step hands to
# tcpcheck.  The initramfs made for them is cached under the test's own
# XDG_CACHE_HOME, gone with it.
built() {	# built DEB LOG: the step's status in a tree building DEB's vmlinuz
	d=$work/built
	rm -rf "$d"
	mkdir "$d"
	dpkg-deb -x "$1" "$d/pkg"
	stand_in_tree "$d/tree" "$(ls "$d"/pkg/boot/vmlinuz-*)"
	scripts=
	for s in $differ; do
		scripts="$scripts $top_srcdir/$s"
	done
	# shellcheck disable=SC2086
	(cd "$d/tree" && XDG_CACHE_HOME="$work/cache" BISECT_MAKEFLAGS=-s \
		BISECT_TCPCHECK_ARGS="--modules=$(ls -d "$d"/pkg/lib/modules/*)" \
		"$step" $scripts >"$work/$2" 2>&1)
	echo $?
}
rc=$(built "$old" built-old)
rc2=$(built "$new" built-new)
[ "$rc" -eq 1 ] && [ "$rc2" -eq 0 ] &&
	[ "$(calls "$work/built/tree")" = "defconfig merge olddefconfig bzImage " ]
tap_ok $? "the stand-in tree building 6.1, then 6.12, booted: 1, then 0 (got $rc, $rc2)"
[ "$rc" -eq 1 ] || tap_diag <"$work/built-old"
[ "$rc2" -eq 0 ] || tap_diag <"$work/built-new"
rm -rf "$work/built" "$work/cache"
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
rc=$(cd "$work" && step notree env -u BISECT_KERNEL "$top_srcdir/scripts/bisect-step" x.pkt)
[ "$rc" -eq 125 ] && grep -q 'not in a kernel tree: skipping' "$work/notree"
tap_ok $? "not in a kernel tree: skip, 125 (got $rc)"
tap_end
