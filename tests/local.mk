# tests/local.mk - unit tests (TAP), negative scripts and the corpus.
#
# A unit test tests/unit/test_x.c is listed in UNIT_TESTS (in the fragment
# of the folder it tests) and built twice: plain, with the defaults of
# Makefile.am (its one source, linked with libtcpcheck.a), and as its
# _san twin against libtcpcheck_san.a, which takes the four lines
#   tests_unit_test_x_san_SOURCES = tests/unit/test_x.c
#   tests_unit_test_x_san_CFLAGS = $(SAN_COMPILE_FLAGS)
#   tests_unit_test_x_san_LDFLAGS = $(SAN_LINK_FLAGS)
#   tests_unit_test_x_san_LDADD = $(SAN_LIBS)
# (automake names each program's variables itself: no pattern rule can).
# Makefile.am adds both to check_PROGRAMS and TESTS.
EXTRA_DIST += tests/unit/tap.h

include $(srcdir)/tests/grammar.mk

UNIT_TESTS += tests/unit/test_conn \
	tests/unit/test_matcher \
	tests/unit/test_run \
	tests/unit/test_segments \
	tests/unit/test_icmp \
	tests/unit/test_tick \
	tests/unit/test_wake_lead
tests_unit_test_conn_san_SOURCES = tests/unit/test_conn.c
tests_unit_test_conn_san_CFLAGS = $(SAN_COMPILE_FLAGS)
tests_unit_test_conn_san_LDFLAGS = $(SAN_LINK_FLAGS)
tests_unit_test_conn_san_LDADD = $(SAN_LIBS)
tests_unit_test_matcher_san_SOURCES = tests/unit/test_matcher.c
tests_unit_test_matcher_san_CFLAGS = $(SAN_COMPILE_FLAGS)
tests_unit_test_matcher_san_LDFLAGS = $(SAN_LINK_FLAGS)
tests_unit_test_matcher_san_LDADD = $(SAN_LIBS)
tests_unit_test_run_san_SOURCES = tests/unit/test_run.c
tests_unit_test_run_san_CFLAGS = $(SAN_COMPILE_FLAGS)
tests_unit_test_run_san_LDFLAGS = $(SAN_LINK_FLAGS)
tests_unit_test_run_san_LDADD = $(SAN_LIBS)
tests_unit_test_segments_san_SOURCES = tests/unit/test_segments.c
tests_unit_test_segments_san_CFLAGS = $(SAN_COMPILE_FLAGS)
tests_unit_test_segments_san_LDFLAGS = $(SAN_LINK_FLAGS)
tests_unit_test_segments_san_LDADD = $(SAN_LIBS)
tests_unit_test_icmp_san_SOURCES = tests/unit/test_icmp.c
tests_unit_test_icmp_san_CFLAGS = $(SAN_COMPILE_FLAGS)
tests_unit_test_icmp_san_LDFLAGS = $(SAN_LINK_FLAGS)
tests_unit_test_icmp_san_LDADD = $(SAN_LIBS)
tests_unit_test_tick_san_SOURCES = tests/unit/test_tick.c
tests_unit_test_tick_san_CFLAGS = $(SAN_COMPILE_FLAGS)
tests_unit_test_tick_san_LDFLAGS = $(SAN_LINK_FLAGS)
tests_unit_test_tick_san_LDADD = $(SAN_LIBS)
tests_unit_test_wake_lead_san_SOURCES = tests/unit/test_wake_lead.c
tests_unit_test_wake_lead_san_CFLAGS = $(SAN_COMPILE_FLAGS)
tests_unit_test_wake_lead_san_LDFLAGS = $(SAN_LINK_FLAGS)
tests_unit_test_wake_lead_san_LDADD = $(SAN_LIBS)

# Pairing packets with the kernel's timestamps (engine/path/stamps.c).
UNIT_TESTS += tests/unit/test_stamps
tests_unit_test_stamps_san_SOURCES = tests/unit/test_stamps.c
tests_unit_test_stamps_san_CFLAGS = $(SAN_COMPILE_FLAGS)
tests_unit_test_stamps_san_LDFLAGS = $(SAN_LINK_FLAGS)
tests_unit_test_stamps_san_LDADD = $(SAN_LIBS)

# Failures as values: the runner's record on its pipe, and the suite's
# decisions on its fields (cli/verdict.c).
UNIT_TESTS += tests/unit/test_failure
tests_unit_test_failure_SOURCES = tests/unit/test_failure.c cli/verdict.c \
	cli/verdict.h
tests_unit_test_failure_san_SOURCES = $(tests_unit_test_failure_SOURCES)
tests_unit_test_failure_san_CFLAGS = $(SAN_COMPILE_FLAGS)
tests_unit_test_failure_san_LDFLAGS = $(SAN_LINK_FLAGS)
tests_unit_test_failure_san_LDADD = $(SAN_LIBS)

# The trace of a run read back for --ladder and --html (cli/run_events.c).
UNIT_TESTS += tests/unit/test_run_events
tests_unit_test_run_events_SOURCES = tests/unit/test_run_events.c \
	$(REPORT_SOURCES)
tests_unit_test_run_events_LDADD =
tests_unit_test_run_events_san_SOURCES = $(tests_unit_test_run_events_SOURCES)
tests_unit_test_run_events_san_CFLAGS = $(SAN_COMPILE_FLAGS)
tests_unit_test_run_events_san_LDFLAGS = $(SAN_LINK_FLAGS)
tests_unit_test_run_events_san_LDADD =

# The report writers, byte for byte (cli/report_*.c): no library.
UNIT_TESTS += tests/unit/test_report
tests_unit_test_report_SOURCES = tests/unit/test_report.c $(REPORT_SOURCES)
tests_unit_test_report_LDADD =
tests_unit_test_report_san_SOURCES = $(tests_unit_test_report_SOURCES)
tests_unit_test_report_san_CFLAGS = $(SAN_COMPILE_FLAGS)
tests_unit_test_report_san_LDFLAGS = $(SAN_LINK_FLAGS)
tests_unit_test_report_san_LDADD =

# Includes point one way: engine stages in order, grammar/ apart, cli/
# included by nothing (reads the sources: about 1 s of CPU).
TESTS += tests/layering.sh
EXTRA_DIST += tests/layering.sh

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
# The suite options' wrong values: their messages (no kernel).
TESTS += tests/usage.sh
EXTRA_DIST += tests/usage.sh

# Directories of scripts beside the test of the same name (tests/suite
# and tests/suite.sh...): without a rule of their own, make dist would
# try make's built-in `%: %.sh` on them whenever the .sh is the newer.
tests/suite tests/timing tests/badinput tests/negative tests/vm: ;

# make install DESTDIR=... and make uninstall, every file (no kernel).
TESTS += tests/install.sh
EXTRA_DIST += tests/install.sh

# --draft: captures of every format, and broken ones (no kernel); the
# corpus drafted from its own captures and played back (kernel test).
TESTS += tests/draft-input.sh tests/draft.sh
EXTRA_DIST += tests/draft-input.sh tests/draft.sh

# --ladder and --html: runs drawn (kernel tests; the HTML in a browser).
TESTS += tests/ladder.sh tests/html.sh
EXTRA_DIST += tests/ladder.sh tests/html.sh tests/report

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
# Wire mode over a veth pair, the agent in one namespace (about 40 s).
TESTS += tests/wire.sh
EXTRA_DIST += tests/wire.sh tests/wire-env.sh

# tcpcheck itself built with ASan+UBSan, and the whole corpus played
# with it; the host must be as it was afterwards (kernel test).
check_PROGRAMS += tcpcheck_san
tcpcheck_san_SOURCES = $(tcpcheck_SOURCES)
tcpcheck_san_CFLAGS = $(SAN_COMPILE_FLAGS)
tcpcheck_san_LDFLAGS = $(SAN_LINK_FLAGS)
tcpcheck_san_LDADD = $(SAN_LIBS)
TESTS += tests/corpus-san.sh
EXTRA_DIST += tests/corpus-san.sh

# Global sysctls recorded and restored, on a directory like /proc/sys.
UNIT_TESTS += tests/unit/test_host_sysctl
tests_unit_test_host_sysctl_san_SOURCES = tests/unit/test_host_sysctl.c
tests_unit_test_host_sysctl_san_CFLAGS = $(SAN_COMPILE_FLAGS)
tests_unit_test_host_sysctl_san_LDFLAGS = $(SAN_LINK_FLAGS)
tests_unit_test_host_sysctl_san_LDADD = $(SAN_LIBS)

include $(srcdir)/tests/fuzz.mk

# Wire mode's control protocol, SHA-256/HMAC, its neighbour frames and RSTs.
check_PROGRAMS += tests/unit/test_agent_proto tests/unit/test_agent_proto_san
TESTS += tests/unit/test_agent_proto tests/unit/test_agent_proto_san
tests_unit_test_agent_proto_SOURCES = tests/unit/test_agent_proto.c \
	tests/unit/tap.h
tests_unit_test_agent_proto_LDADD = libtcpcheck.a $(CORE_LIBS)
tests_unit_test_agent_proto_san_SOURCES = $(tests_unit_test_agent_proto_SOURCES)
tests_unit_test_agent_proto_san_CFLAGS = $(AM_CFLAGS) $(SANITIZE_TEST_CFLAGS)
tests_unit_test_agent_proto_san_LDFLAGS = $(SANITIZE_TEST_CFLAGS)
tests_unit_test_agent_proto_san_LDADD = libtcpcheck_san.a $(CORE_LIBS)

# The guest channel's frames and result decoding.
FRAME_TEST_SOURCES = tests/unit/test_frame.c tests/unit/tap.h \
	cli/guest_channel.c cli/report.c
check_PROGRAMS += tests/unit/test_frame tests/unit/test_frame_san
TESTS += tests/unit/test_frame tests/unit/test_frame_san
tests_unit_test_frame_SOURCES = $(FRAME_TEST_SOURCES)
tests_unit_test_frame_LDADD = libtcpcheck.a $(CORE_LIBS)
tests_unit_test_frame_san_SOURCES = $(FRAME_TEST_SOURCES)
tests_unit_test_frame_san_CFLAGS = $(AM_CFLAGS) $(SANITIZE_TEST_CFLAGS)
tests_unit_test_frame_san_LDFLAGS = $(SANITIZE_TEST_CFLAGS)
tests_unit_test_frame_san_LDADD = libtcpcheck_san.a $(CORE_LIBS)

# The guest's host files and the record that remembers them.
TOOLSET_TEST_SOURCES = tests/unit/test_toolset.c tests/unit/tap.h
check_PROGRAMS += tests/unit/test_toolset tests/unit/test_toolset_san
TESTS += tests/unit/test_toolset tests/unit/test_toolset_san
tests_unit_test_toolset_SOURCES = $(TOOLSET_TEST_SOURCES)
tests_unit_test_toolset_LDADD = libtcpcheck.a $(CORE_LIBS)
tests_unit_test_toolset_san_SOURCES = $(TOOLSET_TEST_SOURCES)
tests_unit_test_toolset_san_CFLAGS = $(AM_CFLAGS) $(SANITIZE_TEST_CFLAGS)
tests_unit_test_toolset_san_LDFLAGS = $(SANITIZE_TEST_CFLAGS)
tests_unit_test_toolset_san_LDADD = libtcpcheck_san.a $(CORE_LIBS)

# tcpcheck --kernel in Debian's 6.1 cloud kernel under qemu (about 130 s
# on the shared 2-core machine: nine boots).
TESTS += tests/vm.sh
EXTRA_DIST += tests/vm.sh tests/vm
# scripts/bisect-step: its build path in a stand-in kernel tree (about
# 1 s, no boot), then on Debian's 6.1 and 6.12 images (about 30 s in
# all: seven boots).
TESTS += tests/bisect-step.sh
EXTRA_DIST += tests/bisect-step.sh
