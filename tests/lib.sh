# lib.sh - shared by the shell tests: TAP output and environment checks.
# Sourced, not run.  $TCPCHECK and $top_srcdir come from the test harness.

: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${TCPCHECK:=$top_srcdir/tcpcheck}"
tap_n=0
tap_failed=0

tap_ok() {	# tap_ok STATUS DESCRIPTION
	tap_n=$((tap_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $tap_n - $2"
	else
		echo "not ok $tap_n - $2"
		tap_failed=$((tap_failed + 1))
	fi
}

tap_diag() {	# print a file or text as TAP comments
	sed 's/^/# /'
}

tap_end() {
	echo "1..$tap_n"
	[ "$tap_failed" -eq 0 ]
}

# The kernel part of a test cannot run: skip it all, or, after tests that
# needed no kernel, end the plan with those.
kernel_skip() {	# kernel_skip REASON
	if [ "$tap_n" -gt 0 ]; then
		echo "# the rest needs the kernel: $1"
		tap_end
		exit $?
	fi
	echo "1..0 # SKIP $1"
	exit 0
}

# Tests that play scripts against the kernel need root and a TUN device;
# elsewhere they report a skip instead of failing.  They also take turns
# (make -j check runs tests at once): timing checks want a quiet machine,
# and cleanup.sh's before/after snapshots must not see another test's
# namespaces.
require_kernel_env() {
	if [ "${TCPCHECK_KERNEL_TESTS:-yes}" = no ]; then
		kernel_skip "kernel tests disabled (configure --disable-kernel-tests)"
	fi
	if [ "$(id -u)" -ne 0 ] || [ ! -c /dev/net/tun ]; then
		kernel_skip "needs root and /dev/net/tun"
	fi
	exec 9>"${TMPDIR:-/tmp}/tcpcheck-kernel-tests.lock"
	flock 9
}

# The corpus: the scripts git tracks in a checkout (so a script still
# being written is not half-tested), every script in a release tarball.
corpus_scripts() {
	if [ "$(git -C "$top_srcdir" rev-parse --show-toplevel 2>/dev/null)" = \
	     "$(cd "$top_srcdir" && pwd -P)" ]; then
		git -C "$top_srcdir" ls-files 'testcases/*.pkt'
	else
		(cd "$top_srcdir" && find testcases -name '*.pkt')
	fi | sort
}

# What a run must leave as it found it: interfaces (a TUN device in the
# host's namespace would show here), addresses, routes, named network
# namespaces and every sysctl but those the kernel changes by itself.
host_snapshot() {	# host_snapshot FILE
	{
		ip -o link show | sed 's/ state [A-Z]*//'
		ip -o addr show
		ip route show table all
		ip -6 route show table all 2>/dev/null
		ip netns list 2>/dev/null
		sysctl -a 2>/dev/null | grep -v -E \
			-e '^fs\.(dentry-state|file-nr|inode-nr|inode-state|aio-nr|quota\.)' \
			-e '^kernel\.(ns_last_pid|random\.|pty\.nr|perf_event_max_sample_rate|tainted)' \
			-e '^net\.netfilter\.nf_conntrack_count'
	} >"$1"
}

# Writes the mutant to $2 and prints the 1-based line that changed.
mutate() {	# mutate SCRIPT OUT FROM TO
	python3 - "$@" <<'PY'
import sys
src, out, old, new = sys.argv[1:5]
text = open(src).read()
at = text.find(old)
if at < 0:
    sys.exit("text not found in " + src + ": " + old)
open(out, "w").write(text[:at] + new + text[at + len(old):])
print(text.count("\n", 0, at) + 1)
PY
}
