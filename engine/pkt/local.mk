# engine/pkt/local.mk - the packet codec: libnet builder, parser, TCP
# options, checksums, encapsulation layers and ICMP messages.
ENGINE_SOURCES += engine/pkt/packet.h engine/pkt/wire.h \
	engine/pkt/packet_build.c engine/pkt/packet_parse.c \
	engine/pkt/tcp_options.c engine/pkt/checksum.c \
	engine/pkt/encap.h engine/pkt/encap.c \
	engine/pkt/icmp.h engine/pkt/icmp.c \
	engine/pkt/capture_read.h engine/pkt/capture_read.c
check_PROGRAMS += tests/unit/test_packet tests/unit/test_packet_san
TESTS += tests/unit/test_packet tests/unit/test_packet_san
tests_unit_test_packet_SOURCES = tests/unit/test_packet.c tests/unit/tap.h
tests_unit_test_packet_LDADD = libtcpcheck.a $(CORE_LIBS)
tests_unit_test_packet_san_SOURCES = tests/unit/test_packet.c tests/unit/tap.h
tests_unit_test_packet_san_CFLAGS = $(AM_CFLAGS) $(SANITIZE_TEST_CFLAGS)
tests_unit_test_packet_san_LDFLAGS = $(SANITIZE_TEST_CFLAGS)
tests_unit_test_packet_san_LDADD = libtcpcheck_san.a $(CORE_LIBS)
check_PROGRAMS += tests/unit/test_encap tests/unit/test_encap_san
TESTS += tests/unit/test_encap tests/unit/test_encap_san
tests_unit_test_encap_SOURCES = tests/unit/test_encap.c tests/unit/tap.h
tests_unit_test_encap_LDADD = libtcpcheck.a $(CORE_LIBS)
tests_unit_test_encap_san_SOURCES = tests/unit/test_encap.c tests/unit/tap.h
tests_unit_test_encap_san_CFLAGS = $(AM_CFLAGS) $(SANITIZE_TEST_CFLAGS)
tests_unit_test_encap_san_LDFLAGS = $(SANITIZE_TEST_CFLAGS)
tests_unit_test_encap_san_LDADD = libtcpcheck_san.a $(CORE_LIBS)
check_PROGRAMS += tests/unit/test_capture tests/unit/test_capture_san
TESTS += tests/unit/test_capture tests/unit/test_capture_san
tests_unit_test_capture_SOURCES = tests/unit/test_capture.c tests/unit/tap.h
tests_unit_test_capture_LDADD = libtcpcheck.a $(CORE_LIBS)
tests_unit_test_capture_san_SOURCES = tests/unit/test_capture.c tests/unit/tap.h
tests_unit_test_capture_san_CFLAGS = $(AM_CFLAGS) $(SANITIZE_TEST_CFLAGS)
tests_unit_test_capture_san_LDFLAGS = $(SANITIZE_TEST_CFLAGS)
tests_unit_test_capture_san_LDADD = libtcpcheck_san.a $(CORE_LIBS)
