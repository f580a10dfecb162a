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
UNIT_TESTS += tests/unit/test_udp
tests_unit_test_udp_san_SOURCES = tests/unit/test_udp.c
tests_unit_test_udp_san_CFLAGS = $(SAN_COMPILE_FLAGS)
tests_unit_test_udp_san_LDFLAGS = $(SAN_LINK_FLAGS)
tests_unit_test_udp_san_LDADD = $(SAN_LIBS)
