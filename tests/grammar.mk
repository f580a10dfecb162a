# tests/grammar.mk - unit tests of the grammar layer (scanner, parser,
# tree dump and diagnostics), each also built against the sanitized
# library.  test_parser reads tests/golden through $top_srcdir.
UNIT_TESTS += tests/unit/test_lexer \
	tests/unit/test_parser
tests_unit_test_lexer_san_SOURCES = tests/unit/test_lexer.c
tests_unit_test_lexer_san_CFLAGS = $(SAN_COMPILE_FLAGS)
tests_unit_test_lexer_san_LDFLAGS = $(SAN_LINK_FLAGS)
tests_unit_test_lexer_san_LDADD = $(SAN_LIBS)
tests_unit_test_parser_san_SOURCES = tests/unit/test_parser.c
tests_unit_test_parser_san_CFLAGS = $(SAN_COMPILE_FLAGS)
tests_unit_test_parser_san_LDFLAGS = $(SAN_LINK_FLAGS)
tests_unit_test_parser_san_LDADD = $(SAN_LIBS)

EXTRA_DIST += tests/golden
