#!/bin/sh
# setup.sh - install what tcpcheck needs, build it, and run a job.
#
#   scripts/setup.sh corpus   the shipped corpus against this kernel
#   scripts/setup.sh check    the whole test suite (make check)
#
# Run as root on Debian 12 or later: it installs packages with apt-get
# when they are missing, and tcpcheck needs root to create namespaces.
# Every step is idempotent, so running it again only rebuilds what changed.
set -eu

job=${1:-corpus}
case $job in
corpus|check) ;;
*) echo "usage: scripts/setup.sh corpus|check" >&2; exit 2 ;;
esac

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

# Packages: the build chain, the two libraries, and what scripts and
# tests call (sysctl, ip, tc, python3, tcpdump to read captures, xmllint
# and jq to check the JUnit and JSON reports, chromium to render the HTML
# report headless), nftables for wire mode, lwIP for the first userspace
# stack (stacks/lwip), qemu, busybox-static and xz-utils for --kernel (a
# guest's initramfs, its modules), mandoc to render the man pages as HTML
# with `make html`, vim to check the .pkt syntax file, debhelper and
# lintian to build and check the Debian package).
packages="build-essential autoconf automake pkg-config flex bison
libpcap-dev libnet1-dev iproute2 nftables procps python3 tcpdump valgrind
ethtool libxml2-utils jq chromium liblwip-dev qemu-system-x86
busybox-static xz-utils mandoc vim debhelper lintian"
missing=""
for p in $packages; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "setup.sh: missing packages:$missing (run as root to install them)" >&2
		exit 125
	fi
	echo "setup.sh: installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

if [ ! -x configure ] || [ configure.ac -nt configure ]; then
	autoreconf -fi
fi
if [ ! -f Makefile ] || [ configure -nt Makefile ]; then
	./configure --quiet
fi
make -j"$(nproc)" >/dev/null

case $job in
corpus)
	# Every script under testcases/, in every address family it applies
	# to, one per CPU at a time; tcpcheck prints a line per script and
	# the summary, and its exit status is this job's.
	./tcpcheck -j"$(nproc)" --ip_version=ipv4,ipv4-mapped-ipv6,ipv6 testcases/
	;;
check)
	status=0
	# The kernels tests/vm.sh boots (Debian's 6.1 and 6.12 cloud
	# images), downloaded once into the cache, never installed.
	scripts/fetch-kernels >/dev/null || echo "setup.sh: no kernel images:" \
		"the tests of --kernel will be skipped" >&2
	# One test at a time: the scripts that play against the kernel check
	# timing to the millisecond, and sanitized unit tests running beside
	# them on a two-core machine would make those checks measure load.
	make check || status=$?
	# The release tarball builds, installs and uninstalls on its own;
	# its inner make check runs what needs no kernel (the kernel tests
	# just ran above), a few minutes on two cores.
	if make distcheck >distcheck.log 2>&1; then
		# The Debian package, built from that tarball, lintian-clean,
		# and the corpus played by the packaged tcpcheck (ipv4).
		scripts/deb-check "tcpcheck-$(sed -n 's/^PACKAGE_VERSION = //p' Makefile).tar.gz" ||
			status=$?
	else
		status=$?
		tail -n 40 distcheck.log >&2
	fi
	# packetdrill's own scripts, when the project's shared material sits
	# beside the clone (as in CI): tcpcheck's verdicts against
	# packetdrill's, and every difference explained in docs/compat.md.
	if [ -d ../shared/compat/tcp ]; then
		make compat || status=$?
	fi
	# One closing line for CI and for people: the totals of the suite.
	if [ -f test-suite.log ]; then
		pass=$(sed -n 's/^# PASS: *//p' test-suite.log | head -n 1)
		fail=$(sed -n 's/^# FAIL: *//p' test-suite.log | head -n 1)
		skip=$(sed -n 's/^# SKIP: *//p' test-suite.log | head -n 1)
		err=$(sed -n 's/^# ERROR: *//p' test-suite.log | head -n 1)
		echo "${pass:-0} passed, $(( ${fail:-0} + ${err:-0} )) failed, ${skip:-0} skipped"
	fi
	exit $status
	;;
esac
