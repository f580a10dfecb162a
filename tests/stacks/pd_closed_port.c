/*
 * pd_closed_port.c - the closed-port stack of closed_port.c behind
 * packetdrill's shared-object interface (engine/stack/pd_interface.h),
 * to test --so_filename: netdev_send() gives it a datagram, its resets
 * wait in a queue for netdev_receive(), time is the wall clock, and it
 * has no socket calls but close().
 */
#define CLOSED_PORT_NO_ENTRY
#include "closed_port.c"

#include <errno.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "stack/pd_interface.h"

#define PD_QUEUE 64

struct pd_closed {
	void *stack;			/* closed_port's instance */
	unsigned char out[PD_QUEUE][40];
	size_t len[PD_QUEUE];
	int head, count;
	long long usecs[PD_QUEUE];
};

static long long wall_usecs(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (long long)tv.tv_sec * 1000000 + tv.tv_usec;
}

static void queue_out(void *ctx, const void *datagram, size_t len)
{
	struct pd_closed *p = ctx;
	int at = (p->head + p->count) % PD_QUEUE;

	if (p->count == PD_QUEUE || len > sizeof(p->out[0]))
		return;
	memcpy(p->out[at], datagram, len);
	p->len[at] = len;
	p->usecs[at] = wall_usecs();
	p->count++;
}

static int pd_netdev_send(void *u, const void *datagram, size_t len)
{
	struct pd_closed *p = u;

	cp_input(p->stack, datagram, len);
	return 0;
}

static int pd_netdev_receive(void *u, void *buf, size_t *count,
			     long long *time_usecs)
{
	struct pd_closed *p = u;

	if (p->count == 0) {
		*count = 0;
		return 0;
	}
	if (*count < p->len[p->head]) {
		errno = EMSGSIZE;
		return -1;
	}
	memcpy(buf, p->out[p->head], p->len[p->head]);
	*count = p->len[p->head];
	*time_usecs = p->usecs[p->head];
	p->head = (p->head + 1) % PD_QUEUE;
	p->count--;
	return 0;
}

static int pd_usleep(void *u, useconds_t usecs)
{
	(void)u;
	return usleep(usecs);
}

static int pd_gettimeofday(void *u, struct timeval *tv, struct timezone *tz)
{
	(void)u;
	return gettimeofday(tv, tz);
}

static int pd_close(void *u, int fd)
{
	(void)u;
	(void)fd;
	errno = EBADF;
	return -1;
}

static void pd_free(void *u)
{
	struct pd_closed *p = u;

	cp_destroy(p->stack);
	free(p);
}

void packetdrill_interface_init(const char *flags, struct pd_table *t);

void packetdrill_interface_init(const char *flags, struct pd_table *t)
{
	static const struct tcpcheck_stack_config cfg = {
		.size = sizeof(cfg), .family = AF_INET,
	};
	struct pd_closed *p = calloc(1, sizeof(*p));
	struct tcpcheck_stack_host host = { .output = queue_out };
	char why[64];

	(void)flags;
	memset(t, 0, sizeof(*t));
	if (!p)
		return;
	host.ctx = p;
	p->stack = cp_create(&host, &cfg, why, sizeof(why));
	t->userdata = p;
	t->free = pd_free;
	t->netdev_send = pd_netdev_send;
	t->netdev_receive = pd_netdev_receive;
	t->usleep = pd_usleep;
	t->gettimeofday = pd_gettimeofday;
	t->close = pd_close;
}
