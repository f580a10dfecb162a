# engine/udp.mk - UDP packet lines: datagrams parsed, built, matched.
ENGINE_SOURCES += engine/udp.h engine/udp.c
check_PROGRAMS += tests/unit/test_udp tests/unit/test_udp_san
TESTS += tests/unit/test_udp tests/unit/test_udp_san
tests_unit_test_udp_SOURCES = tests/unit/test_udp.c tests/unit/tap.h
tests_unit_test_udp_LDADD = libtcpcheck.a $(CORE_LIBS)
tests_unit_test_udp_san_SOURCES = $(tests_unit_test_udp_SOURCES)
tests_unit_test_udp_san_CFLAGS = $(AM_CFLAGS) $(SANITIZE_TEST_CFLAGS)
tests_unit_test_udp_san_LDFLAGS = $(SANITIZE_TEST_CFLAGS)
tests_unit_test_udp_san_LDADD = libtcpcheck_san.a $(CORE_LIBS)
