# include/local.mk - the stack plugin interface, installed with a
# pkg-config file so a stack builds with `pkg-config --cflags
# tcpcheck-stack`.
tcpcheckincludedir = $(includedir)/tcpcheck
tcpcheckinclude_HEADERS = include/tcpcheck/stack.h
pkgconfigdir = $(libdir)/pkgconfig
pkgconfig_DATA = include/tcpcheck-stack.pc
EXTRA_DIST += include/tcpcheck-stack.pc.in
