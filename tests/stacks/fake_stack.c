/*
 * fake_stack.c - a tiny stack for the tests of the plugin interface.
 *
 * It has one listening socket and a clock: every datagram it is given
 * comes back at once with its first byte set to 0xfe; a timer every 250
 * ms of its time sends a 4-byte datagram holding the tick count; accept()
 * is pending until a datagram has arrived.  Built four ways: as it is
 * (fake.so), with another ABI version (FAKE_BAD_ABI), without the entry
 * symbol (FAKE_NO_ENTRY), with a socket() that crashes (FAKE_CRASH), and
 * spinning (FAKE_BUSY: its next timer is always time 0, and each run of
 * its timers sends one datagram).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tcpcheck/stack.h"

struct fake {
	struct tcpcheck_stack_host host;
	int64_t next_tick;
	uint32_t ticks;
	int got_input;
	int sockets;
};

static void *fake_create(const struct tcpcheck_stack_host *host,
			 const struct tcpcheck_stack_config *cfg, char *why,
			 size_t why_len)
{
	struct fake *f;

	if (cfg->size != sizeof(*cfg)) {
		strncpy(why, "config size", why_len);
		return NULL;
	}
	f = calloc(1, sizeof(*f));
	if (f) {
		f->host = *host;
		f->next_tick = 250000000;
	}
	return f;
}

static void fake_destroy(void *st)
{
	free(st);
}

static void fake_input(void *st, const void *datagram, size_t len)
{
	struct fake *f = st;
	unsigned char copy[2048];

	if (len == 0 || len > sizeof(copy))
		return;
	memcpy(copy, datagram, len);
	copy[0] = 0xfe;
	f->got_input = 1;
	f->host.output(f->host.ctx, copy, len);
}

static void fake_run_timers(void *st)
{
	struct fake *f = st;

#ifdef FAKE_BUSY
	f->host.output(f->host.ctx, "b", 1);
	return;
#endif
	while (f->host.now_ns(f->host.ctx) >= f->next_tick) {
		f->ticks++;
		f->next_tick += 250000000;
		f->host.output(f->host.ctx, &f->ticks, sizeof(f->ticks));
	}
}

static int64_t fake_next_timer(void *st)
{
#ifdef FAKE_BUSY
	(void)st;
	return 0;
#endif
	return ((struct fake *)st)->next_tick;
}

static long fake_socket(void *st, int domain, int type, int protocol,
			int *err)
{
	struct fake *f = st;

	(void)domain;
	(void)protocol;
#ifdef FAKE_CRASH
	*(volatile int *)(uintptr_t)f->sockets = type;	/* NULL */
#endif
	if (type != SOCK_STREAM) {
		*err = TCPCHECK_STACK_UNSUPPORTED;
		return -1;
	}
	return 3 + f->sockets++;
}

static long fake_accept(void *st, int fd, struct sockaddr *a, socklen_t *l,
			int *err)
{
	struct fake *f = st;

	(void)a;
	(void)l;
	if (fd != 3) {
		*err = EBADF;
		return -1;
	}
	if (!f->got_input) {
		*err = TCPCHECK_STACK_BLOCKED;
		return -1;
	}
	return 3 + f->sockets++;
}

static const struct tcpcheck_stack fake_stack = {
#ifdef FAKE_BAD_ABI
	.abi_version = TCPCHECK_STACK_ABI_VERSION + 1,
#else
	.abi_version = TCPCHECK_STACK_ABI_VERSION,
#endif
	.size = sizeof(struct tcpcheck_stack),
	.name = "fake",
	.wscale = -1,
	.create = fake_create,
	.destroy = fake_destroy,
	.input = fake_input,
	.run_timers = fake_run_timers,
	.next_timer = fake_next_timer,
	.socket = fake_socket,
	.accept = fake_accept,
};

#ifndef FAKE_NO_ENTRY
const struct tcpcheck_stack *tcpcheck_stack_entry(void)
{
	return &fake_stack;
}
#else
const struct tcpcheck_stack *fake_stack_table(void)
{
	return &fake_stack;
}
#endif
