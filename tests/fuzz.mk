# tests/fuzz.mk - libFuzzer targets and the replay of what they found.
#
# The replay programs are built always, with gcc and the sanitizers like
# the other _san tests: `make check` feeds them every input kept under
# tests/fuzz-regressions/TARGET/.  The libFuzzer targets themselves need
# clang and `./configure --enable-fuzzing`; `make fuzz` runs each for
# FUZZ_SECONDS on a seed corpus (the scripts of testcases/ and tests/,
# packets written by tests/fuzz/packet-seeds, captures by
# tests/fuzz/capture-seeds) with a dictionary derived from the scanner
# (tests/fuzz/script-dict).  What they learn stays in
# fuzz-corpus/, crashes land in fuzz-crashes/: fix the bug, then copy the
# input to tests/fuzz-regressions/TARGET/.
check_PROGRAMS += tests/fuzz/replay_script_san tests/fuzz/replay_packet_san \
	tests/fuzz/replay_report_san \
	tests/fuzz/replay_capture_san \
	tests/fuzz/replay_agent_san \
	tests/fuzz/replay_frame_san \
	tests/fuzz/replay_toolset_san
TESTS += tests/fuzz/replay_script_san tests/fuzz/replay_packet_san \
	tests/fuzz/replay_report_san \
	tests/fuzz/replay_capture_san \
	tests/fuzz/replay_agent_san \
	tests/fuzz/replay_frame_san \
	tests/fuzz/replay_toolset_san
tests_fuzz_replay_script_san_SOURCES = tests/fuzz/replay.c \
	tests/fuzz/fuzz_script.c tests/unit/tap.h
tests_fuzz_replay_script_san_CPPFLAGS = $(AM_CPPFLAGS) -I$(srcdir)/tests/unit \
	-DFUZZ_TARGET='"script"'
tests_fuzz_replay_script_san_CFLAGS = $(SAN_COMPILE_FLAGS)
tests_fuzz_replay_script_san_LDFLAGS = $(SAN_LINK_FLAGS)
tests_fuzz_replay_script_san_LDADD = $(SAN_LIBS)
tests_fuzz_replay_packet_san_SOURCES = tests/fuzz/replay.c \
	tests/fuzz/fuzz_packet.c tests/unit/tap.h
tests_fuzz_replay_packet_san_CPPFLAGS = $(AM_CPPFLAGS) -I$(srcdir)/tests/unit \
	$(LIBNET_CFLAGS) -DFUZZ_TARGET='"packet"'
tests_fuzz_replay_packet_san_CFLAGS = $(SAN_COMPILE_FLAGS)
tests_fuzz_replay_packet_san_LDFLAGS = $(SAN_LINK_FLAGS)
tests_fuzz_replay_packet_san_LDADD = $(SAN_LIBS)
tests_fuzz_replay_report_san_SOURCES = tests/fuzz/replay.c \
	tests/fuzz/fuzz_report.c tests/unit/tap.h
tests_fuzz_replay_report_san_CPPFLAGS = $(AM_CPPFLAGS) -I$(srcdir)/tests/unit \
	-DFUZZ_TARGET='"report"'
tests_fuzz_replay_report_san_CFLAGS = $(SAN_COMPILE_FLAGS)
tests_fuzz_replay_report_san_LDFLAGS = $(SAN_LINK_FLAGS)
tests_fuzz_replay_report_san_LDADD = $(SAN_LIBS)
tests_fuzz_replay_capture_san_SOURCES = tests/fuzz/replay.c \
	tests/fuzz/fuzz_capture.c tests/unit/tap.h
tests_fuzz_replay_capture_san_CPPFLAGS = $(AM_CPPFLAGS) -I$(srcdir)/tests/unit \
	-DFUZZ_TARGET='"capture"'
tests_fuzz_replay_capture_san_CFLAGS = $(SAN_COMPILE_FLAGS)
tests_fuzz_replay_capture_san_LDFLAGS = $(SAN_LINK_FLAGS)
tests_fuzz_replay_capture_san_LDADD = $(SAN_LIBS)
# The control protocol of wire mode; the agent's decoder is not in the
# library, so its two files come along.
FUZZ_AGENT_SOURCES = tests/fuzz/fuzz_agent.c agent/calls.c agent/calls.h \
	agent/native.c agent/native.h
tests_fuzz_replay_agent_san_SOURCES = tests/fuzz/replay.c \
	$(FUZZ_AGENT_SOURCES) tests/unit/tap.h
tests_fuzz_replay_agent_san_CPPFLAGS = $(AM_CPPFLAGS) -I$(srcdir)/tests/unit \
	-I$(srcdir)/agent -DFUZZ_TARGET='"agent"'
tests_fuzz_replay_agent_san_CFLAGS = $(SAN_COMPILE_FLAGS)
tests_fuzz_replay_agent_san_LDFLAGS = $(SAN_LINK_FLAGS)
tests_fuzz_replay_agent_san_LDADD = $(SAN_LIBS)
# The guest channel's reader (vm/frame.c) and the result decoder.
FRAME_FUZZ_SOURCES = tests/fuzz/fuzz_frame.c cli/guest_channel.c cli/report.c
tests_fuzz_replay_frame_san_SOURCES = tests/fuzz/replay.c \
	$(FRAME_FUZZ_SOURCES) tests/unit/tap.h
tests_fuzz_replay_frame_san_CPPFLAGS = $(AM_CPPFLAGS) -I$(srcdir)/tests/unit \
	-DFUZZ_TARGET='"frame"'
tests_fuzz_replay_frame_san_CFLAGS = $(SAN_COMPILE_FLAGS)
tests_fuzz_replay_frame_san_LDFLAGS = $(SAN_LINK_FLAGS)
tests_fuzz_replay_frame_san_LDADD = $(SAN_LIBS)
# The record of the guest's host files in the cache folder.
tests_fuzz_replay_toolset_san_SOURCES = tests/fuzz/replay.c \
	tests/fuzz/fuzz_toolset.c tests/unit/tap.h
tests_fuzz_replay_toolset_san_CPPFLAGS = $(AM_CPPFLAGS) -I$(srcdir)/tests/unit \
	-DFUZZ_TARGET='"toolset"'
tests_fuzz_replay_toolset_san_CFLAGS = $(SAN_COMPILE_FLAGS)
tests_fuzz_replay_toolset_san_LDFLAGS = $(SAN_LINK_FLAGS)
tests_fuzz_replay_toolset_san_LDADD = $(SAN_LIBS)
EXTRA_DIST += tests/fuzz/capture-seeds tests/fuzz/packet-seeds tests/fuzz/script-dict \
	tests/fuzz-regressions

FUZZ_SECONDS = 60
FUZZ_TARGETS = script packet report capture agent frame toolset

if ENABLE_FUZZING
# The library again, instrumented for libFuzzer's coverage.
noinst_LIBRARIES += libtcpcheck_fuzz.a
libtcpcheck_fuzz_a_SOURCES = $(GRAMMAR_SOURCES) $(ENGINE_SOURCES)
nodist_libtcpcheck_fuzz_a_SOURCES = $(GRAMMAR_GENERATED)
libtcpcheck_fuzz_a_CPPFLAGS = $(AM_CPPFLAGS) $(LIBNET_CFLAGS)
libtcpcheck_fuzz_a_CFLAGS = $(AM_CFLAGS) $(FUZZ_CFLAGS)

noinst_PROGRAMS += tests/fuzz/fuzz_script tests/fuzz/fuzz_packet \
	tests/fuzz/fuzz_report tests/fuzz/fuzz_capture tests/fuzz/fuzz_agent \
	tests/fuzz/fuzz_frame tests/fuzz/fuzz_toolset
tests_fuzz_fuzz_toolset_SOURCES = tests/fuzz/fuzz_toolset.c
tests_fuzz_fuzz_toolset_CFLAGS = $(AM_CFLAGS) $(FUZZ_CFLAGS)
tests_fuzz_fuzz_toolset_LDFLAGS = $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_toolset_LDADD = libtcpcheck_fuzz.a $(CORE_LIBS)
tests_fuzz_fuzz_capture_SOURCES = tests/fuzz/fuzz_capture.c
tests_fuzz_fuzz_capture_CFLAGS = $(AM_CFLAGS) $(FUZZ_CFLAGS)
tests_fuzz_fuzz_capture_LDFLAGS = $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_capture_LDADD = libtcpcheck_fuzz.a $(CORE_LIBS)
tests_fuzz_fuzz_agent_SOURCES = $(FUZZ_AGENT_SOURCES)
tests_fuzz_fuzz_agent_CPPFLAGS = $(AM_CPPFLAGS) -I$(srcdir)/agent
tests_fuzz_fuzz_agent_CFLAGS = $(AM_CFLAGS) $(FUZZ_CFLAGS)
tests_fuzz_fuzz_agent_LDFLAGS = $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_agent_LDADD = libtcpcheck_fuzz.a $(CORE_LIBS)
tests_fuzz_fuzz_frame_SOURCES = $(FRAME_FUZZ_SOURCES)
tests_fuzz_fuzz_frame_CFLAGS = $(AM_CFLAGS) $(FUZZ_CFLAGS)
tests_fuzz_fuzz_frame_LDFLAGS = $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_frame_LDADD = libtcpcheck_fuzz.a $(CORE_LIBS)
tests_fuzz_fuzz_script_SOURCES = tests/fuzz/fuzz_script.c
tests_fuzz_fuzz_script_CFLAGS = $(AM_CFLAGS) $(FUZZ_CFLAGS)
tests_fuzz_fuzz_script_LDFLAGS = $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_script_LDADD = libtcpcheck_fuzz.a $(CORE_LIBS)
tests_fuzz_fuzz_packet_SOURCES = tests/fuzz/fuzz_packet.c
tests_fuzz_fuzz_packet_CPPFLAGS = $(AM_CPPFLAGS) $(LIBNET_CFLAGS)
tests_fuzz_fuzz_packet_CFLAGS = $(AM_CFLAGS) $(FUZZ_CFLAGS)
tests_fuzz_fuzz_packet_LDFLAGS = $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_packet_LDADD = libtcpcheck_fuzz.a $(CORE_LIBS)

tests_fuzz_fuzz_report_SOURCES = tests/fuzz/fuzz_report.c
tests_fuzz_fuzz_report_CFLAGS = $(AM_CFLAGS) $(FUZZ_CFLAGS)
tests_fuzz_fuzz_report_LDFLAGS = $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_report_LDADD = libtcpcheck_fuzz.a $(CORE_LIBS)

fuzz-seeds/script: $(srcdir)/tests/fuzz/script-dict $(srcdir)/grammar/lexer.l
	$(AM_V_GEN)rm -rf fuzz-seeds/script && $(MKDIR_P) fuzz-seeds/script && \
	for f in `cd $(srcdir) && find testcases tests/golden tests/negative \
		tests/badinput -name '*.pkt'`; do \
		cp $(srcdir)/$$f fuzz-seeds/script/`echo $$f | tr / _`; \
	done && \
	$(SHELL) $(srcdir)/tests/fuzz/script-dict $(srcdir) >fuzz-seeds/script.dict
fuzz-seeds/capture: $(srcdir)/tests/fuzz/capture-seeds
	$(AM_V_GEN)rm -rf fuzz-seeds/capture && \
	python3 $(srcdir)/tests/fuzz/capture-seeds fuzz-seeds/capture
fuzz-seeds/frame: $(srcdir)/tests/fuzz-regressions/frame
	$(AM_V_GEN)rm -rf fuzz-seeds/frame && $(MKDIR_P) fuzz-seeds/frame && \
	cp $(srcdir)/tests/fuzz-regressions/frame/* fuzz-seeds/frame/
fuzz-seeds/packet: $(srcdir)/tests/fuzz/packet-seeds
	$(AM_V_GEN)rm -rf fuzz-seeds/packet && \
	python3 $(srcdir)/tests/fuzz/packet-seeds fuzz-seeds/packet

# The report target starts from its regression inputs alone.
fuzz-seeds/report:
	$(AM_V_GEN)$(MKDIR_P) fuzz-seeds/report
fuzz-seeds/toolset: $(srcdir)/tests/fuzz-regressions/toolset
	$(AM_V_GEN)rm -rf fuzz-seeds/toolset && $(MKDIR_P) fuzz-seeds/toolset && \
	cp $(srcdir)/tests/fuzz-regressions/toolset/* fuzz-seeds/toolset/
fuzz-seeds/agent: $(srcdir)/tests/fuzz-regressions/agent
	$(AM_V_GEN)rm -rf fuzz-seeds/agent && $(MKDIR_P) fuzz-seeds/agent && \
	cp $(srcdir)/tests/fuzz-regressions/agent/* fuzz-seeds/agent/

# Each target in turn for FUZZ_SECONDS; the first crash stops make with
# the input's path in fuzz-crashes/TARGET/.
fuzz: tests/fuzz/fuzz_script tests/fuzz/fuzz_packet tests/fuzz/fuzz_report \
		tests/fuzz/fuzz_capture tests/fuzz/fuzz_agent tests/fuzz/fuzz_frame \
		tests/fuzz/fuzz_toolset \
		fuzz-seeds/script fuzz-seeds/packet fuzz-seeds/report \
		fuzz-seeds/capture fuzz-seeds/agent fuzz-seeds/frame \
		fuzz-seeds/toolset
	@for t in $(FUZZ_TARGETS); do \
		$(MKDIR_P) fuzz-corpus/$$t fuzz-crashes/$$t || exit 1; \
		dict=; test ! -f fuzz-seeds/$$t.dict || dict=-dict=fuzz-seeds/$$t.dict; \
		echo "fuzz: $$t for $(FUZZ_SECONDS) s"; \
		./tests/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -timeout=10 \
			-rss_limit_mb=2048 -print_final_stats=1 $$dict \
			-artifact_prefix=fuzz-crashes/$$t/ fuzz-corpus/$$t \
			fuzz-seeds/$$t $(srcdir)/tests/fuzz-regressions/$$t || exit 1; \
	done
else
fuzz:
	@echo "make fuzz needs clang: ./configure CC=clang --enable-fuzzing" >&2
	@exit 1
endif
.PHONY: fuzz
