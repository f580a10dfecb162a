# man/local.mk - tcpcheck(1), and tcpcheck(5), the language reference,
# whose list of known names is generated from the program's own tables
# (man/tables.c) when it is built, so it cannot fall behind them.
noinst_PROGRAMS += man/tcpcheck-tables
man_tcpcheck_tables_SOURCES = man/tables.c cli/options.c cli/options.h
man_tcpcheck_tables_LDADD = libtcpcheck.a $(CORE_LIBS)

man_MANS = man/tcpcheck.5
EXTRA_DIST += man/tcpcheck.5.in
CLEANFILES += man/tcpcheck.5 $(HTML_PAGES)

# The hand-written page up to the @KNOWN_NAMES@ line, the generated
# section, then the rest of the page.
man/tcpcheck.5: $(srcdir)/man/tcpcheck.5.in man/tcpcheck-tables$(EXEEXT)
	$(AM_V_GEN)$(MKDIR_P) man && { \
	  sed -e '/^\.\\" @KNOWN_NAMES@$$/,$$d' \
	      -e 's/%VERSION%/$(PACKAGE_VERSION)/g' \
	      $(srcdir)/man/tcpcheck.5.in && \
	  ./man/tcpcheck-tables$(EXEEXT) roff && \
	  sed -e '1,/^\.\\" @KNOWN_NAMES@$$/d' $(srcdir)/man/tcpcheck.5.in; \
	} > $@.tmp && mv $@.tmp $@

# HTML renderings in docs/ (make html): groff's, or mandoc's if that is
# what is installed.
HTML_PAGES = docs/tcpcheck.1.html docs/tcpcheck.5.html
html-local: $(HTML_PAGES)
docs/tcpcheck.1.html: $(srcdir)/man/tcpcheck.1
	$(AM_V_GEN)$(MKDIR_P) docs && $(MAN2HTML) $(srcdir)/man/tcpcheck.1 > $@.tmp && mv $@.tmp $@
docs/tcpcheck.5.html: man/tcpcheck.5
	$(AM_V_GEN)$(MKDIR_P) docs && $(MAN2HTML) man/tcpcheck.5 > $@.tmp && mv $@.tmp $@
.PHONY: html-local
