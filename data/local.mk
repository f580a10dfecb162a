# data/local.mk - what `make install` puts beside the binary and the man
# pages: the corpus under $(pkgdatadir)/testcases (found with
# `pkg-config --variable=testcasesdir tcpcheck`), and tcpcheck.pc.
testcasesdir = $(pkgdatadir)/testcases
pkgconfigdatadir = $(datadir)/pkgconfig
pkgconfigdata_DATA = data/tcpcheck.pc
# Joins the JSON or JUnit reports of a suite's shards (--shard=I/N).
dist_bin_SCRIPTS = scripts/tcpcheck-merge
# For --kernel: the step of `git bisect run` in a kernel tree with the
# config fragment it merges (side by side: the step finds the fragment
# beside itself), and the fetcher of Debian's cloud kernels.
dist_pkgdata_SCRIPTS = scripts/bisect-step scripts/fetch-kernels
dist_pkgdata_DATA = scripts/tcpcheck.config
EXTRA_DIST += data/tcpcheck.pc.in

# The corpus is a tree of scripts and the files their commands read;
# its list is the source tree's, so a script added there is installed
# without editing this file.  Executable files stay executable.
install-data-local: install-testcases
uninstall-local: uninstall-testcases
install-testcases:
	@cd $(srcdir) && find testcases -type f | LC_ALL=C sort | \
	while read -r f; do \
	  d=$(DESTDIR)$(pkgdatadir)/$$(dirname "$$f"); \
	  $(MKDIR_P) "$$d" || exit 1; \
	  if test -x "$$f"; then \
	    $(INSTALL_SCRIPT) "$$f" "$$d" || exit 1; \
	  else \
	    $(INSTALL_DATA) "$$f" "$$d" || exit 1; \
	  fi; \
	done
uninstall-testcases:
	@test -d "$(DESTDIR)$(testcasesdir)" || exit 0; \
	cd $(srcdir) && find testcases -type f | while read -r f; do \
	  rm -f "$(DESTDIR)$(pkgdatadir)/$$f"; \
	done; \
	find "$(DESTDIR)$(testcasesdir)" -depth -type d -empty -exec rmdir {} \; ; \
	rmdir "$(DESTDIR)$(pkgdatadir)" 2>/dev/null || :
# make uninstall leaves no directory of tcpcheck's own either: the
# plugins' and the headers' (include/local.mk, stacks/local.mk), once
# empty.
uninstall-hook:
	-rmdir "$(DESTDIR)$(stackdir)" "$(DESTDIR)$(pkglibdir)" \
	  "$(DESTDIR)$(tcpcheckincludedir)" 2>/dev/null
.PHONY: install-testcases uninstall-testcases
