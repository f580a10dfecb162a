# stacks/local.mk - userspace TCP stacks tcpcheck plays scripts against,
# each a shared object installed in $(pkglibdir)/stacks (--stack=NAME).
stackdir = $(pkglibdir)/stacks
stack_PROGRAMS = stacks/lwip/lwip.so
stacks_lwip_lwip_so_SOURCES = stacks/lwip/lwip_stack.h \
	stacks/lwip/lwip_host.c stacks/lwip/lwip_socket.c \
	stacks/lwip/lwip_io.c stacks/lwip/lwip_opts.c
stacks_lwip_lwip_so_CPPFLAGS = -D_GNU_SOURCE -I$(srcdir)/include $(LWIP_CFLAGS)
stacks_lwip_lwip_so_CFLAGS = $(WARN_CFLAGS) -fPIC
stacks_lwip_lwip_so_LDFLAGS = -shared -Wl,-z,defs
stacks_lwip_lwip_so_LDADD = $(LWIP_LIBS)
EXTRA_DIST += stacks/lwip/testcases
