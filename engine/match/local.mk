# engine/match/local.mk - from live packets to script terms: connections
# and their numbers, views, the matcher (every differing field), pieces
# of a super-packet put together, UDP datagrams, strays and the history
# a report shows.
ENGINE_SOURCES += engine/match/tcp_view.h engine/match/tcp_view.c \
	engine/match/conn.h engine/match/conn.c \
	engine/match/matcher.h engine/match/matcher.c \
	engine/match/segment_merge.h engine/match/segment_merge.c \
	engine/match/udp.h engine/match/udp.c \
	engine/match/stray.h engine/match/stray.c \
	engine/match/history.h engine/match/history.c
check_PROGRAMS += tests/unit/test_udp tests/unit/test_udp_san
TESTS += tests/unit/test_udp tests/unit/test_udp_san
tests_unit_test_udp_SOURCES = tests/unit/test_udp.c tests/unit/tap.h
tests_unit_test_udp_LDADD = libtcpcheck.a $(CORE_LIBS)
tests_unit_test_udp_san_SOURCES = $(tests_unit_test_udp_SOURCES)
tests_unit_test_udp_san_CFLAGS = $(AM_CFLAGS) $(SANITIZE_TEST_CFLAGS)
tests_unit_test_udp_san_LDFLAGS = $(SANITIZE_TEST_CFLAGS)
tests_unit_test_udp_san_LDADD = libtcpcheck_san.a $(CORE_LIBS)
