# grammar/local.mk - the scanner, the parser and the script tree.
GRAMMAR_SOURCES += grammar/ast.h grammar/ast.c grammar/dump.c \
	grammar/expr_print.h grammar/expr_print.c \
	grammar/diag.h grammar/diag.c grammar/parse.h grammar/parse.c
GRAMMAR_GENERATED = grammar/parser.c grammar/parser.h \
	grammar/lexer.c grammar/lexer.h
BUILT_SOURCES += $(GRAMMAR_GENERATED)
CLEANFILES += $(GRAMMAR_GENERATED) grammar/parser.output
EXTRA_DIST += grammar/parser.y grammar/lexer.l

# The sources that include the generated headers wait for them, so that
# any target (`make tcpcheck`, a single test) builds from a fresh clone;
# BUILT_SOURCES covers only all, check and install.
grammar/libtcpcheck_a-parse.$(OBJEXT) grammar/libtcpcheck_san_a-parse.$(OBJEXT): \
	grammar/parser.h grammar/lexer.h

# bison writes the .c and the .h in one run; the header follows the source.
grammar/parser.c: grammar/parser.y
	$(AM_V_GEN)$(MKDIR_P) grammar && \
	$(BISON) -Wall -Werror --defines=grammar/parser.h \
		-o grammar/parser.c $(srcdir)/grammar/parser.y
grammar/parser.h: grammar/parser.c
	@test -f $@ || { rm -f grammar/parser.c; $(MAKE) $(AM_MAKEFLAGS) grammar/parser.c; }
grammar/lexer.c: grammar/lexer.l grammar/parser.h
	$(AM_V_GEN)$(MKDIR_P) grammar && \
	$(FLEX) --header-file=grammar/lexer.h -o grammar/lexer.c \
		$(srcdir)/grammar/lexer.l
grammar/lexer.h: grammar/lexer.c
	@test -f $@ || { rm -f grammar/lexer.c; $(MAKE) $(AM_MAKEFLAGS) grammar/lexer.c; }
