/*
 * pcap_dl.c - the libpcap functions tcpcheck uses, forwarded to the
 * library loaded on first use (see pcap_dl.h).
 *
 * libpcap as Debian builds it brings libdbus, libsystemd, libgcrypt and
 * six more libraries with it; loading them all costs about 3 ms at every
 * start of tcpcheck (measured: 5.5 ms to start and reap a program linked
 * with libpcap, 2.7 ms without), which is most of a script's overhead
 * budget, while most runs never capture anything (tun0 without
 * --pcap-dir).  So the executable is not linked with libpcap; each
 * function below calls the real one, which dlopen() and dlsym() find the
 * first time any is called.  A libpcap function the engine starts using
 * must be added to PCAP_FUNCTIONS, or the link fails naming it.
 */
#include "config.h"

#include <dlfcn.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>

#include "path/pcap_dl.h"

/* X(return type, name, parameters, arguments); pcap_create(), the way
 * in, is apart: it loads the library.
 */
#define PCAP_FUNCTIONS(X)						\
	X(int, pcap_activate, (pcap_t *p), (p))				\
	X(int, pcap_set_snaplen, (pcap_t *p, int n), (p, n))		\
	X(int, pcap_set_immediate_mode, (pcap_t *p, int n), (p, n))	\
	X(int, pcap_set_buffer_size, (pcap_t *p, int n), (p, n))	\
	X(int, pcap_set_tstamp_precision, (pcap_t *p, int n), (p, n))	\
	X(int, pcap_get_tstamp_precision, (pcap_t *p), (p))		\
	X(int, pcap_setnonblock, (pcap_t *p, int n, char *e), (p, n, e)) \
	X(int, pcap_get_selectable_fd, (pcap_t *p), (p))		\
	X(int, pcap_datalink, (pcap_t *p), (p))				\
	X(char *, pcap_geterr, (pcap_t *p), (p))			\
	X(int, pcap_next_ex, (pcap_t *p, struct pcap_pkthdr **h,	\
			      const u_char **d), (p, h, d))		\
	X(int, pcap_dispatch, (pcap_t *p, int n, pcap_handler f,	\
			       u_char *u), (p, n, f, u))		\
	X(int, pcap_inject, (pcap_t *p, const void *b, size_t n), (p, b, n)) \
	X(int, pcap_stats, (pcap_t *p, struct pcap_stat *s), (p, s))	\
	X(pcap_dumper_t *, pcap_dump_fopen, (pcap_t *p, FILE *f), (p, f)) \
	X(int, pcap_dump_flush, (pcap_dumper_t *d), (d))			\
	X(int, pcap_set_promisc, (pcap_t *p, int n), (p, n))		\
	X(int, pcap_setdirection, (pcap_t *p, pcap_direction_t d), (p, d)) \
	X(int, pcap_compile, (pcap_t *p, struct bpf_program *f,		\
			      const char *s, int o, bpf_u_int32 m),	\
	  (p, f, s, o, m))						\
	X(int, pcap_setfilter, (pcap_t *p, struct bpf_program *f), (p, f))

/* The ones that return nothing. */
#define PCAP_PROCEDURES(X)						\
	X(pcap_close, (pcap_t *p), (p))					\
	X(pcap_dump_close, (pcap_dumper_t *d), (d))			\
	X(pcap_freecode, (struct bpf_program *f), (f))			\
	X(pcap_dump, (u_char *u, const struct pcap_pkthdr *h,		\
		      const u_char *d), (u, h, d))

static const char *const sonames[] = {
	"libpcap.so.0.8",	/* Debian, Ubuntu */
	"libpcap.so.1",		/* most others */
	"libpcap.so",
};

static struct {
	bool tried;
	bool loaded;
	char error[256];
#define POINTER(ret, name, params, args) ret (*name) params;
#define PROC_POINTER(name, params, args) void (*name) params;
	POINTER(pcap_t *, pcap_create, (const char *, char *), ())
	PCAP_FUNCTIONS(POINTER)
	PCAP_PROCEDURES(PROC_POINTER)
#undef POINTER
#undef PROC_POINTER
} lib;

/* POSIX's way to store dlsym()'s answer in a function pointer. */
static bool resolve(void *handle, void *slot, const char *name)
{
	void *sym = dlsym(handle, name);

	if (!sym) {
		snprintf(lib.error, sizeof(lib.error), "libpcap has no %s",
			 name);
		return false;
	}
	memcpy(slot, &sym, sizeof(sym));
	return true;
}

static bool load(void)
{
	void *handle = NULL;

	if (lib.tried)
		return lib.loaded;
	lib.tried = true;
	for (size_t i = 0; i < sizeof(sonames) / sizeof(*sonames) && !handle; i++)
		handle = dlopen(sonames[i], RTLD_NOW | RTLD_LOCAL);
	if (!handle) {
		snprintf(lib.error, sizeof(lib.error), "libpcap cannot be "
			 "loaded: %s", dlerror());
		return false;
	}
#define RESOLVE(ret, name, params, args)				\
	if (!resolve(handle, &lib.name, #name))				\
		return false;
#define PROC_RESOLVE(name, params, args) RESOLVE(void, name, params, args)
	RESOLVE(pcap_t *, pcap_create, (), ())
	PCAP_FUNCTIONS(RESOLVE)
	PCAP_PROCEDURES(PROC_RESOLVE)
#undef RESOLVE
#undef PROC_RESOLVE
	lib.loaded = true;
	return true;
}

int pcap_dl_load(struct error *err)
{
	if (!load())
		return error_set(err, "%s", lib.error);
	return 0;
}

/* The way in: every other function takes what this one returned. */
pcap_t *pcap_create(const char *source, char *errbuf)
{
	if (!load()) {
		snprintf(errbuf, PCAP_ERRBUF_SIZE, "%s", lib.error);
		return NULL;
	}
	return lib.pcap_create(source, errbuf);
}

#define FORWARD(ret, name, params, args)				\
	ret name params							\
	{								\
		return lib.name args;					\
	}
#define PROC_FORWARD(name, params, args)				\
	void name params						\
	{								\
		lib.name args;						\
	}
PCAP_FUNCTIONS(FORWARD)
PCAP_PROCEDURES(PROC_FORWARD)
