# tests/grammar.mk - unit tests of the grammar layer (scanner, parser,
# tree dump and diagnostics), each also built against the sanitized
# library.  test_parser reads tests/golden through $top_srcdir.
check_PROGRAMS += tests/unit/test_lexer tests/unit/test_lexer_san
TESTS += tests/unit/test_lexer tests/unit/test_lexer_san
tests_unit_test_lexer_SOURCES = tests/unit/test_lexer.c tests/unit/tap.h
tests_unit_test_lexer_LDADD = libtcpcheck.a $(CORE_LIBS)
tests_unit_test_lexer_san_SOURCES = tests/unit/test_lexer.c tests/unit/tap.h
tests_unit_test_lexer_san_CFLAGS = $(AM_CFLAGS) $(SANITIZE_TEST_CFLAGS)
tests_unit_test_lexer_san_LDFLAGS = $(SANITIZE_TEST_CFLAGS)
tests_unit_test_lexer_san_LDADD = libtcpcheck_san.a $(CORE_LIBS)

check_PROGRAMS += tests/unit/test_parser tests/unit/test_parser_san
TESTS += tests/unit/test_parser tests/unit/test_parser_san
tests_unit_test_parser_SOURCES = tests/unit/test_parser.c tests/unit/tap.h
tests_unit_test_parser_LDADD = libtcpcheck.a $(CORE_LIBS)
tests_unit_test_parser_san_SOURCES = tests/unit/test_parser.c tests/unit/tap.h
tests_unit_test_parser_san_CFLAGS = $(AM_CFLAGS) $(SANITIZE_TEST_CFLAGS)
tests_unit_test_parser_san_LDFLAGS = $(SANITIZE_TEST_CFLAGS)
tests_unit_test_parser_san_LDADD = libtcpcheck_san.a $(CORE_LIBS)

EXTRA_DIST += tests/golden
