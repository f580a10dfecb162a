/*
 * lwip_socket.c - POSIX socket calls over lwIP's raw TCP API.
 *
 * A socket is a pcb plus what POSIX keeps around it: received data not
 * yet read (lwIP's window reopens only as the application reads, with
 * tcp_recved(), as a kernel's receive buffer drains), connections
 * accepted by lwIP but not yet by accept(), the error a reset or a
 * timeout left, O_NONBLOCK.  Descriptors are the lowest free number from
 * 3, as a kernel hands them out.  A call that would block returns
 * TCPCHECK_STACK_BLOCKED (tcpcheck calls it again as time passes); with
 * O_NONBLOCK it fails with EAGAIN or EINPROGRESS instead.  UDP, options
 * lwIP lacks and flags it cannot honour are TCPCHECK_STACK_UNSUPPORTED.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "lwip_stack.h"

static struct lwip_stack *S(void *st) { return st; }

struct lsock *lsock_lookup(void *st, int fd, int *err)
{
	struct lsock *s = NULL;

	if (fd >= 0 && fd < LWIP_ADAPTER_MAX_FDS)
		s = S(st)->fds[fd];
	if (!s)
		*err = EBADF;
	return s;
}

static int fd_alloc(struct lwip_stack *st, struct lsock *s)
{
	for (int fd = LWIP_ADAPTER_FIRST_FD; fd < LWIP_ADAPTER_MAX_FDS; fd++)
		if (!st->fds[fd]) {
			st->fds[fd] = s;
			return fd;
		}
	return -1;
}

long lsock_fail(int *err, int e)
{
	*err = e;
	return -1;
}

/* Would block: EAGAIN (or e) for O_NONBLOCK, else call again later. */
long lsock_wait_or(struct lsock *s, int *err, int e)
{
	return lsock_fail(err, s->nonblock ? e : TCPCHECK_STACK_BLOCKED);
}

static void remember_addrs(struct lsock *s)
{
	if (!s->pcb)
		return;
	ip_addr_copy(s->local_ip, s->pcb->local_ip);
	ip_addr_copy(s->remote_ip, s->pcb->remote_ip);
	s->local_port = s->pcb->local_port;
	s->remote_port = s->pcb->remote_port;
}

/* lwIP freed the pcb: a reset (refused while connecting) or a timeout. */
static void on_err(void *arg, err_t e)
{
	struct lsock *s = arg;

	if (!s)
		return;
	s->pcb = NULL;
	s->dead = true;
	if (e == ERR_RST)
		s->pending_err = s->connecting ? ECONNREFUSED : ECONNRESET;
	else if (e == ERR_CLSD)
		s->pending_err = 0;
	else
		s->pending_err = ETIMEDOUT;
	s->connecting = false;
}

static err_t on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p,
		     err_t e)
{
	struct lsock *s = arg;

	(void)pcb;
	if (!s) {
		if (p)
			pbuf_free(p);
		return ERR_OK;
	}
	if (!p) {
		s->rx_fin = true;
		return ERR_OK;
	}
	if (e != ERR_OK) {
		pbuf_free(p);
		return e;
	}
	if (s->rx)
		pbuf_cat(s->rx, p);
	else
		s->rx = p;
	return ERR_OK;
}

static void watch(struct lsock *s, struct tcp_pcb *pcb)
{
	s->pcb = pcb;
	tcp_arg(pcb, s);
	tcp_recv(pcb, on_recv);
	tcp_err(pcb, on_err);
}

/* Detach the socket from its pcb, so lwIP's callbacks no longer see it. */
void lsock_unwatch(struct lsock *s)
{
	if (!s->pcb)
		return;
	tcp_arg(s->pcb, NULL);
	if (!s->listening) {
		tcp_recv(s->pcb, NULL);
		tcp_err(s->pcb, NULL);
	}
}

void lsock_free(struct lsock *s, bool abort_conn)
{
	for (int i = 0; i < s->queued; i++)
		lsock_free(s->queue[i], true);
	lsock_unwatch(s);
	if (s->pcb) {
		if (abort_conn && !s->listening)
			tcp_abort(s->pcb);
		else if (tcp_close(s->pcb) != ERR_OK)
			tcp_abort(s->pcb);
	}
	if (s->rx)
		pbuf_free(s->rx);
	free(s);
}

void lsock_free_all(struct lwip_stack *st)
{
	for (int fd = 0; fd < LWIP_ADAPTER_MAX_FDS; fd++)
		if (st->fds[fd]) {
			lsock_free(st->fds[fd], true);
			st->fds[fd] = NULL;
		}
}

long lsock_socket(void *st, int domain, int type, int protocol, int *err)
{
	struct lsock *s;
	int fd;

	if ((type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC)) != SOCK_STREAM ||
	    (protocol != 0 && protocol != IPPROTO_TCP) ||
	    domain != S(st)->cfg.family)
		return lsock_fail(err, TCPCHECK_STACK_UNSUPPORTED);
	s = calloc(1, sizeof(*s));
	if (!s)
		return lsock_fail(err, ENOMEM);
	s->domain = domain;
	s->nonblock = (type & SOCK_NONBLOCK) != 0;
	s->pcb = tcp_new_ip_type(domain == AF_INET6 ? IPADDR_TYPE_V6 :
				 IPADDR_TYPE_V4);
	fd = s->pcb ? fd_alloc(st, s) : -1;
	if (fd < 0) {
		int e = s->pcb ? EMFILE : ENOBUFS;

		if (s->pcb)
			tcp_abort(s->pcb);
		free(s);
		return lsock_fail(err, e);
	}
	watch(s, s->pcb);
	return fd;
}

static int to_lwip_addr(const struct lsock *s, const struct sockaddr *a,
			socklen_t len, ip_addr_t *ip, u16_t *port)
{
	if (s->domain == AF_INET && a->sa_family == AF_INET &&
	    len >= sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *in = (const void *)a;

		ip_addr_set_ip4_u32_val(*ip, in->sin_addr.s_addr);
		*port = ntohs(in->sin_port);
		return 0;
	}
	if (s->domain == AF_INET6 && a->sa_family == AF_INET6 &&
	    len >= sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *in6 = (const void *)a;

		IP_SET_TYPE_VAL(*ip, IPADDR_TYPE_V6);
		memcpy(ip_2_ip6(ip)->addr, &in6->sin6_addr, 16);
		ip6_addr_clear_zone(ip_2_ip6(ip));
		*port = ntohs(in6->sin6_port);
		return 0;
	}
	return -1;
}

long lsock_sockaddr(const struct lsock *s, const ip_addr_t *ip,
			   u16_t port, struct sockaddr *a, socklen_t *len)
{
	struct sockaddr_storage ss;
	socklen_t n;

	memset(&ss, 0, sizeof(ss));
	if (s->domain == AF_INET) {
		struct sockaddr_in *in = (void *)&ss;

		in->sin_family = AF_INET;
		in->sin_port = htons(port);
		in->sin_addr.s_addr = IP_IS_V4(ip) ? ip4_addr_get_u32(
			ip_2_ip4(ip)) : 0;
		n = sizeof(*in);
	} else {
		struct sockaddr_in6 *in6 = (void *)&ss;

		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(port);
		if (IP_IS_V6(ip))
			memcpy(&in6->sin6_addr, ip_2_ip6(ip)->addr, 16);
		n = sizeof(*in6);
	}
	if (a && len) {
		memcpy(a, &ss, *len < n ? *len : n);
		*len = n;
	}
	return 0;
}

static int errno_of(err_t e)
{
	switch (e) {
	case ERR_OK: return 0;
	case ERR_MEM: return ENOMEM;
	case ERR_BUF: return ENOBUFS;
	case ERR_RTE: return EHOSTUNREACH;
	case ERR_USE: return EADDRINUSE;
	case ERR_ISCONN: return EISCONN;
	case ERR_ALREADY: return EALREADY;
	case ERR_CONN: return ENOTCONN;
	case ERR_RST: return ECONNRESET;
	case ERR_ABRT: return ECONNABORTED;
	default: return EINVAL;
	}
}

long lsock_bind(void *st, int fd, const struct sockaddr *a, socklen_t l,
		int *err)
{
	struct lsock *s = lsock_lookup(st, fd, err);
	ip_addr_t ip;
	u16_t port;
	err_t e;

	if (!s)
		return -1;
	if (!s->pcb || s->pcb->state != CLOSED)
		return lsock_fail(err, EINVAL);
	if (to_lwip_addr(s, a, l, &ip, &port) < 0)
		return lsock_fail(err, EAFNOSUPPORT);
	e = tcp_bind(s->pcb, &ip, port);
	if (e != ERR_OK)
		return lsock_fail(err, errno_of(e));
	remember_addrs(s);
	return 0;
}

static err_t on_accept(void *arg, struct tcp_pcb *pcb, err_t e)
{
	struct lsock *l = arg, *s;

	if (!l || !pcb || e != ERR_OK || l->queued >= l->backlog ||
	    l->queued >= LWIP_ADAPTER_ACCEPT_QUEUE)
		return ERR_MEM;	/* lwIP aborts the connection */
	s = calloc(1, sizeof(*s));
	if (!s)
		return ERR_MEM;
	s->domain = l->domain;
	s->connected = true;
	watch(s, pcb);
	remember_addrs(s);
	l->queue[l->queued++] = s;
	return ERR_OK;
}

long lsock_listen(void *st, int fd, int backlog, int *err)
{
	struct lsock *s = lsock_lookup(st, fd, err);
	struct tcp_pcb *lpcb;
	err_t e = ERR_OK;

	if (!s)
		return -1;
	if (s->listening) {
		s->backlog = backlog < 1 ? 1 : backlog + 1;
		return 0;
	}
	if (!s->pcb || s->pcb->state != CLOSED)
		return lsock_fail(err, EINVAL);
	lpcb = tcp_listen_with_backlog_and_err(s->pcb, 255, &e);
	if (!lpcb)
		return lsock_fail(err, errno_of(e));
	s->pcb = lpcb;
	s->listening = true;
	/* Linux queues backlog + 1 connections. */
	s->backlog = backlog < 0 ? 1 : backlog + 1;
	tcp_arg(lpcb, s);
	tcp_accept(lpcb, on_accept);
	remember_addrs(s);
	return 0;
}

long lsock_accept(void *st, int fd, struct sockaddr *a, socklen_t *l,
		  int *err)
{
	struct lsock *s = lsock_lookup(st, fd, err), *c;
	int cfd;

	if (!s)
		return -1;
	if (!s->listening)
		return lsock_fail(err, EINVAL);
	if (s->queued == 0)
		return lsock_wait_or(s, err, EAGAIN);
	c = s->queue[0];
	cfd = fd_alloc(st, c);
	if (cfd < 0)
		return lsock_fail(err, EMFILE);
	memmove(s->queue, s->queue + 1, --s->queued * sizeof(s->queue[0]));
	lsock_sockaddr(c, &c->remote_ip, c->remote_port, a, l);
	return cfd;
}

static err_t on_connected(void *arg, struct tcp_pcb *pcb, err_t e)
{
	struct lsock *s = arg;

	if (s && e == ERR_OK) {
		s->connecting = false;
		s->connected = true;
		remember_addrs(s);
	}
	(void)pcb;
	return ERR_OK;
}

long lsock_connect(void *st, int fd, const struct sockaddr *a, socklen_t l,
		   int *err)
{
	struct lsock *s = lsock_lookup(st, fd, err);
	ip_addr_t ip;
	u16_t port;
	err_t e;

	if (!s)
		return -1;
	if (s->connecting)
		return lsock_wait_or(s, err, EALREADY);
	if (s->pending_err) {
		*err = s->pending_err;
		s->pending_err = 0;
		return -1;
	}
	if (s->connected)
		return s->nonblock ? lsock_fail(err, EISCONN) : 0;
	if (!s->pcb || s->listening)
		return lsock_fail(err, s->listening ? EINVAL : EBADF);
	if (to_lwip_addr(s, a, l, &ip, &port) < 0)
		return lsock_fail(err, EAFNOSUPPORT);
	e = tcp_connect(s->pcb, &ip, port, on_connected);
	if (e != ERR_OK)
		return lsock_fail(err, errno_of(e));
	s->connecting = true;
	remember_addrs(s);
	return lsock_wait_or(s, err, EINPROGRESS);
}
