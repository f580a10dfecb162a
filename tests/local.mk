# tests/local.mk - unit tests (TAP), negative scripts and the corpus.
EXTRA_DIST += tests/unit/tap.h

include $(srcdir)/tests/grammar.mk

check_PROGRAMS += tests/unit/test_conn tests/unit/test_conn_san \
	tests/unit/test_matcher tests/unit/test_matcher_san \
	tests/unit/test_run tests/unit/test_run_san \
	tests/unit/test_segments tests/unit/test_segments_san \
	tests/unit/test_icmp tests/unit/test_icmp_san \
	tests/unit/test_tick tests/unit/test_tick_san \
	tests/unit/test_wake_lead tests/unit/test_wake_lead_san
TESTS += tests/unit/test_conn tests/unit/test_conn_san \
	tests/unit/test_matcher tests/unit/test_matcher_san \
	tests/unit/test_run tests/unit/test_run_san \
	tests/unit/test_segments tests/unit/test_segments_san \
	tests/unit/test_icmp tests/unit/test_icmp_san \
	tests/unit/test_tick tests/unit/test_tick_san \
	tests/unit/test_wake_lead tests/unit/test_wake_lead_san
tests_unit_test_conn_SOURCES = tests/unit/test_conn.c tests/unit/tap.h
tests_unit_test_conn_LDADD = libtcpcheck.a $(CORE_LIBS)
tests_unit_test_conn_san_SOURCES = tests/unit/test_conn.c tests/unit/tap.h
tests_unit_test_conn_san_CFLAGS = $(AM_CFLAGS) $(SANITIZE_TEST_CFLAGS)
tests_unit_test_conn_san_LDFLAGS = $(SANITIZE_TEST_CFLAGS)
tests_unit_test_conn_san_LDADD = libtcpcheck_san.a $(CORE_LIBS)
tests_unit_test_matcher_SOURCES = tests/unit/test_matcher.c tests/unit/tap.h
tests_unit_test_matcher_LDADD = libtcpcheck.a $(CORE_LIBS)
tests_unit_test_matcher_san_SOURCES = tests/unit/test_matcher.c tests/unit/tap.h
tests_unit_test_matcher_san_CFLAGS = $(AM_CFLAGS) $(SANITIZE_TEST_CFLAGS)
tests_unit_test_matcher_san_LDFLAGS = $(SANITIZE_TEST_CFLAGS)
tests_unit_test_matcher_san_LDADD = libtcpcheck_san.a $(CORE_LIBS)
tests_unit_test_run_SOURCES = tests/unit/test_run.c tests/unit/tap.h
tests_unit_test_run_LDADD = libtcpcheck.a $(CORE_LIBS)
tests_unit_test_run_san_SOURCES = tests/unit/test_run.c tests/unit/tap.h
tests_unit_test_run_san_CFLAGS = $(AM_CFLAGS) $(SANITIZE_TEST_CFLAGS)
tests_unit_test_run_san_LDFLAGS = $(SANITIZE_TEST_CFLAGS)
tests_unit_test_run_san_LDADD = libtcpcheck_san.a $(CORE_LIBS)
tests_unit_test_segments_SOURCES = tests/unit/test_segments.c tests/unit/tap.h
tests_unit_test_segments_LDADD = libtcpcheck.a $(CORE_LIBS)
tests_unit_test_segments_san_SOURCES = $(tests_unit_test_segments_SOURCES)
tests_unit_test_segments_san_CFLAGS = $(AM_CFLAGS) $(SANITIZE_TEST_CFLAGS)
tests_unit_test_segments_san_LDFLAGS = $(SANITIZE_TEST_CFLAGS)
tests_unit_test_segments_san_LDADD = libtcpcheck_san.a $(CORE_LIBS)
tests_unit_test_icmp_SOURCES = tests/unit/test_icmp.c tests/unit/tap.h
tests_unit_test_icmp_LDADD = libtcpcheck.a $(CORE_LIBS)
tests_unit_test_icmp_san_SOURCES = $(tests_unit_test_icmp_SOURCES)
tests_unit_test_icmp_san_CFLAGS = $(AM_CFLAGS) $(SANITIZE_TEST_CFLAGS)
tests_unit_test_icmp_san_LDFLAGS = $(SANITIZE_TEST_CFLAGS)
tests_unit_test_icmp_san_LDADD = libtcpcheck_san.a $(CORE_LIBS)
tests_unit_test_tick_SOURCES = tests/unit/test_tick.c tests/unit/tap.h
tests_unit_test_tick_LDADD = libtcpcheck.a $(CORE_LIBS)
tests_unit_test_tick_san_SOURCES = $(tests_unit_test_tick_SOURCES)
tests_unit_test_tick_san_CFLAGS = $(AM_CFLAGS) $(SANITIZE_TEST_CFLAGS)
tests_unit_test_tick_san_LDFLAGS = $(SANITIZE_TEST_CFLAGS)
tests_unit_test_tick_san_LDADD = libtcpcheck_san.a $(CORE_LIBS)
tests_unit_test_wake_lead_SOURCES = tests/unit/test_wake_lead.c tests/unit/tap.h
tests_unit_test_wake_lead_LDADD = libtcpcheck.a $(CORE_LIBS)
tests_unit_test_wake_lead_san_SOURCES = $(tests_unit_test_wake_lead_SOURCES)
tests_unit_test_wake_lead_san_CFLAGS = $(AM_CFLAGS) $(SANITIZE_TEST_CFLAGS)
tests_unit_test_wake_lead_san_LDFLAGS = $(SANITIZE_TEST_CFLAGS)
tests_unit_test_wake_lead_san_LDADD = libtcpcheck_san.a $(CORE_LIBS)

# Pairing packets with the kernel's timestamps (engine/path/stamps.c).
check_PROGRAMS += tests/unit/test_stamps tests/unit/test_stamps_san
TESTS += tests/unit/test_stamps tests/unit/test_stamps_san
tests_unit_test_stamps_SOURCES = tests/unit/test_stamps.c tests/unit/tap.h
tests_unit_test_stamps_LDADD = libtcpcheck.a $(CORE_LIBS)
tests_unit_test_stamps_san_SOURCES = tests/unit/test_stamps.c tests/unit/tap.h
tests_unit_test_stamps_san_CFLAGS = $(AM_CFLAGS) $(SANITIZE_TEST_CFLAGS)
tests_unit_test_stamps_san_LDFLAGS = $(SANITIZE_TEST_CFLAGS)
tests_unit_test_stamps_san_LDADD = libtcpcheck_san.a $(CORE_LIBS)

# The report writers, byte for byte (cli/report_*.c).
check_PROGRAMS += tests/unit/test_report tests/unit/test_report_san
TESTS += tests/unit/test_report tests/unit/test_report_san
tests_unit_test_report_SOURCES = tests/unit/test_report.c tests/unit/tap.h \
	$(REPORT_SOURCES)
tests_unit_test_report_san_SOURCES = $(tests_unit_test_report_SOURCES)
tests_unit_test_report_san_CFLAGS = $(AM_CFLAGS) $(SANITIZE_TEST_CFLAGS)
tests_unit_test_report_san_LDFLAGS = $(SANITIZE_TEST_CFLAGS)

# --dump and --color: the command's output modes, no kernel needed.
TESTS += tests/report-modes.sh
EXTRA_DIST += tests/report-modes.sh

# tcpcheck(5): its examples parse and dump back as written, and it
# describes every terminal, system call and option (no kernel needed).
TESTS += tests/manpage.sh
EXTRA_DIST += tests/manpage.sh

# vim syntax and file type detection, bash completion (no kernel).
TESTS += tests/editors.sh
EXTRA_DIST += tests/editors.sh

# The corpus played by an ordinary user in user namespaces; what cannot
# work without root ends with 125 and the reason (kernel test, as root).
TESTS += tests/rootless.sh
EXTRA_DIST += tests/rootless.sh

# --shard=I/N and tcpcheck-merge (no kernel: --dry_run).
TESTS += tests/shard.sh
EXTRA_DIST += tests/shard.sh

# make install DESTDIR=... and make uninstall, every file (no kernel).
TESTS += tests/install.sh
EXTRA_DIST += tests/install.sh

# Encapsulation prefixes: parsing without a kernel, the wire with one.
TESTS += tests/encap.sh
EXTRA_DIST += tests/encap.sh

# Scripts against the kernel: they need root and /dev/net/tun, and skip
# (TAP SKIP) where those are missing.
TESTS += tests/corpus-doc.sh tests/corpus.sh tests/negative.sh tests/mutation.sh tests/cleanup.sh \
	tests/valgrind.sh tests/suite.sh tests/environment.sh tests/kselftest.sh \
	tests/timing.sh
# bench/timing's statistics, without a kernel.
TESTS += tests/bench-timing.sh
EXTRA_DIST += tests/bench-timing.sh bench/timing
EXTRA_DIST += tests/corpus-doc.sh tests/corpus.sh tests/negative.sh tests/mutation.sh tests/cleanup.sh \
	tests/valgrind.sh \
	tests/suite.sh tests/environment.sh tests/kselftest.sh tests/suite \
	tests/lib.sh tests/negative tests/mutations tests/timing.sh tests/timing

# Hostile and malformed scripts through --dry_run (no kernel needed):
# tests/badinput/generate writes most of them at test time.
TESTS += tests/badinput.sh
EXTRA_DIST += tests/badinput.sh tests/badinput

# Runs interrupted at 22 moments leave no process, namespace, device,
# file or host setting behind (kernel test: takes the lock).
TESTS += tests/interrupt.sh
EXTRA_DIST += tests/interrupt.sh

# tcpcheck itself built with ASan+UBSan, and the whole corpus played
# with it; the host must be as it was afterwards (kernel test).
check_PROGRAMS += tcpcheck_san
tcpcheck_san_SOURCES = $(tcpcheck_SOURCES)
tcpcheck_san_CFLAGS = $(AM_CFLAGS) $(SANITIZE_TEST_CFLAGS)
tcpcheck_san_LDFLAGS = $(SANITIZE_TEST_CFLAGS)
tcpcheck_san_LDADD = libtcpcheck_san.a $(CORE_LIBS)
TESTS += tests/corpus-san.sh
EXTRA_DIST += tests/corpus-san.sh

# Global sysctls recorded and restored, on a directory like /proc/sys.
check_PROGRAMS += tests/unit/test_host_sysctl tests/unit/test_host_sysctl_san
TESTS += tests/unit/test_host_sysctl tests/unit/test_host_sysctl_san
tests_unit_test_host_sysctl_SOURCES = tests/unit/test_host_sysctl.c tests/unit/tap.h
tests_unit_test_host_sysctl_LDADD = libtcpcheck.a $(CORE_LIBS)
tests_unit_test_host_sysctl_san_SOURCES = tests/unit/test_host_sysctl.c tests/unit/tap.h
tests_unit_test_host_sysctl_san_CFLAGS = $(AM_CFLAGS) $(SANITIZE_TEST_CFLAGS)
tests_unit_test_host_sysctl_san_LDFLAGS = $(SANITIZE_TEST_CFLAGS)
tests_unit_test_host_sysctl_san_LDADD = libtcpcheck_san.a $(CORE_LIBS)

include $(srcdir)/tests/fuzz.mk
