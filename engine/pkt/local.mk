# engine/pkt/local.mk - the packet codec: libnet builder, parser, TCP
# options, checksums, encapsulation layers and ICMP messages.
ENGINE_SOURCES += engine/pkt/packet.h engine/pkt/wire.h \
	engine/pkt/packet_build.c engine/pkt/packet_parse.c \
	engine/pkt/tcp_options.c engine/pkt/checksum.c \
	engine/pkt/encap.h engine/pkt/encap.c \
	engine/pkt/icmp.h engine/pkt/icmp.c \
	engine/pkt/capture_read.h engine/pkt/capture_read.c
UNIT_TESTS += tests/unit/test_packet \
	tests/unit/test_encap \
	tests/unit/test_capture
tests_unit_test_packet_san_SOURCES = tests/unit/test_packet.c
tests_unit_test_packet_san_CFLAGS = $(SAN_COMPILE_FLAGS)
tests_unit_test_packet_san_LDFLAGS = $(SAN_LINK_FLAGS)
tests_unit_test_packet_san_LDADD = $(SAN_LIBS)
tests_unit_test_encap_san_SOURCES = tests/unit/test_encap.c
tests_unit_test_encap_san_CFLAGS = $(SAN_COMPILE_FLAGS)
tests_unit_test_encap_san_LDFLAGS = $(SAN_LINK_FLAGS)
tests_unit_test_encap_san_LDADD = $(SAN_LIBS)
tests_unit_test_capture_san_SOURCES = tests/unit/test_capture.c
tests_unit_test_capture_san_CFLAGS = $(SAN_COMPILE_FLAGS)
tests_unit_test_capture_san_LDFLAGS = $(SAN_LINK_FLAGS)
tests_unit_test_capture_san_LDADD = $(SAN_LIBS)
