/*
 * lwip_opts.c - the lwIP adapter's socket options, names, fcntl and poll.
 *
 * Options map onto what lwIP 2.1 has: SO_REUSEADDR and SO_KEEPALIVE are
 * pcb option bits, TCP_NODELAY is Nagle off, TCP_KEEPIDLE/INTVL/CNT are
 * the pcb's keepalive fields, SO_LINGER {1, 0} makes close() abort.  Any
 * other option is TCPCHECK_STACK_UNSUPPORTED: the script is skipped, not
 * failed, since lwIP cannot do what it asks.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <string.h>

#include "lwip_stack.h"

/* Linux's numbers (netinet/tcp.h clashes with lwIP's TCP_MSS). */
enum {
	LINUX_TCP_NODELAY = 1,
	LINUX_TCP_KEEPIDLE = 4,
	LINUX_TCP_KEEPINTVL = 5,
	LINUX_TCP_KEEPCNT = 6,
};

static int int_arg(const void *val, socklen_t len, int *out)
{
	if (!val || len < sizeof(int))
		return -1;
	memcpy(out, val, sizeof(int));
	return 0;
}

static void pcb_flag(struct lsock *s, u8_t bit, int on)
{
	if (!s->pcb)
		return;
	if (on)
		ip_set_option(s->pcb, bit);
	else
		ip_reset_option(s->pcb, bit);
}

static long set_tcp(struct lsock *s, int name, int v, int *err)
{
	if (!s->pcb && name != LINUX_TCP_NODELAY)
		return lsock_fail(err, EINVAL);
	switch (name) {
	case LINUX_TCP_NODELAY:
		if (s->pcb && v)
			tcp_nagle_disable(s->pcb);
		else if (s->pcb)
			tcp_nagle_enable(s->pcb);
		return 0;
	case LINUX_TCP_KEEPIDLE:
		s->pcb->keep_idle = (u32_t)v * 1000;
		return 0;
	case LINUX_TCP_KEEPINTVL:
		s->pcb->keep_intvl = (u32_t)v * 1000;
		return 0;
	case LINUX_TCP_KEEPCNT:
		s->pcb->keep_cnt = (u32_t)v;
		return 0;
	}
	return lsock_fail(err, TCPCHECK_STACK_UNSUPPORTED);
}

long lsock_setsockopt(void *st, int fd, int level, int name,
		      const void *val, socklen_t len, int *err)
{
	struct lsock *s = lsock_lookup(st, fd, err);
	int v;

	if (!s)
		return -1;
	if (level == SOL_SOCKET && name == SO_LINGER) {
		struct linger l;

		if (!val || len < sizeof(l))
			return lsock_fail(err, EINVAL);
		memcpy(&l, val, sizeof(l));
		if (l.l_onoff && l.l_linger != 0)
			return lsock_fail(err, TCPCHECK_STACK_UNSUPPORTED);
		s->linger0 = l.l_onoff != 0;
		return 0;
	}
	if (int_arg(val, len, &v) < 0)
		return lsock_fail(err, EINVAL);
	if (level == SOL_SOCKET && name == SO_REUSEADDR) {
		pcb_flag(s, SOF_REUSEADDR, v);
		return 0;
	}
	if (level == SOL_SOCKET && name == SO_KEEPALIVE) {
		pcb_flag(s, SOF_KEEPALIVE, v);
		return 0;
	}
	if (level == IPPROTO_TCP)
		return set_tcp(s, name, v, err);
	return lsock_fail(err, TCPCHECK_STACK_UNSUPPORTED);
}

long lsock_getsockopt(void *st, int fd, int level, int name, void *val,
		      socklen_t *len, int *err)
{
	struct lsock *s = lsock_lookup(st, fd, err);
	int v;

	if (!s)
		return -1;
	if (level == SOL_SOCKET && name == SO_ERROR) {
		v = s->pending_err;
		s->pending_err = 0;
	} else if (level == SOL_SOCKET && name == SO_TYPE) {
		v = SOCK_STREAM;
	} else if (level == IPPROTO_TCP && name == LINUX_TCP_NODELAY) {
		v = s->pcb && tcp_nagle_disabled(s->pcb) ? 1 : 0;
	} else {
		return lsock_fail(err, TCPCHECK_STACK_UNSUPPORTED);
	}
	if (!val || !len || *len < sizeof(int))
		return lsock_fail(err, EINVAL);
	memcpy(val, &v, sizeof(v));
	*len = sizeof(v);
	return 0;
}

long lsock_getsockname(void *st, int fd, struct sockaddr *a, socklen_t *l,
		       int *err)
{
	struct lsock *s = lsock_lookup(st, fd, err);

	if (!s)
		return -1;
	return lsock_sockaddr(s, &s->local_ip, s->local_port, a, l);
}

long lsock_getpeername(void *st, int fd, struct sockaddr *a, socklen_t *l,
		       int *err)
{
	struct lsock *s = lsock_lookup(st, fd, err);

	if (!s)
		return -1;
	if (!s->connected)
		return lsock_fail(err, ENOTCONN);
	return lsock_sockaddr(s, &s->remote_ip, s->remote_port, a, l);
}

long lsock_fcntl(void *st, int fd, int cmd, long arg, int *err)
{
	struct lsock *s = lsock_lookup(st, fd, err);

	if (!s)
		return -1;
	switch (cmd) {
	case F_GETFL:
		return O_RDWR | (s->nonblock ? O_NONBLOCK : 0);
	case F_SETFL:
		s->nonblock = (arg & O_NONBLOCK) != 0;
		return 0;
	case F_GETFD:
	case F_SETFD:
		return 0;
	}
	return lsock_fail(err, TCPCHECK_STACK_UNSUPPORTED);
}

static short revents_of(const struct lsock *s)
{
	short ev = 0;

	if (s->listening)
		return s->queued ? POLLIN : 0;
	if (s->rx || s->rx_fin || s->shut_rd)
		ev |= POLLIN | POLLRDNORM;
	if (s->rx_fin)
		ev |= POLLRDHUP;
	if (s->connected && s->pcb && !s->shut_wr && tcp_sndbuf(s->pcb) > 0)
		ev |= POLLOUT | POLLWRNORM;
	if (s->pending_err)
		ev |= POLLERR;
	if (s->dead || (s->rx_fin && s->shut_wr))
		ev |= POLLHUP;
	if (s->dead)
		ev |= POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM | POLLRDHUP;
	if (!s->connected && !s->connecting && !s->dead)
		ev |= POLLOUT | POLLHUP;
	return ev;
}

long lsock_poll(void *st, struct pollfd *fds, nfds_t nfds, int *err)
{
	long ready = 0;

	(void)err;
	for (nfds_t i = 0; i < nfds; i++) {
		int e;
		struct lsock *s = fds[i].fd < 0 ? NULL :
			lsock_lookup(st, fds[i].fd, &e);

		if (fds[i].fd < 0)
			fds[i].revents = 0;
		else if (!s)
			fds[i].revents = POLLNVAL;
		else
			fds[i].revents = revents_of(s) &
				(fds[i].events | POLLERR | POLLHUP);
		if (fds[i].revents)
			ready++;
	}
	return ready;
}
