/*
 * lwip_io.c - the lwIP adapter's data calls, options, close and poll.
 *
 * Reading drains the socket's queue of received pbufs and reopens lwIP's
 * window by what was read (tcp_recved); writing copies into lwIP's send
 * buffer (tcp_write) as far as tcp_sndbuf() allows and sends (tcp_output,
 * where lwIP applies Nagle).  A blocking write that does not fit returns
 * TCPCHECK_STACK_BLOCKED having queued what fits, and is called again
 * with the same arguments: write_done remembers how far it got, so it
 * returns the whole count once the last byte is queued, as POSIX says.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "lwip_stack.h"

static size_t iov_total(const struct iovec *iov, int n)
{
	size_t total = 0;

	for (int i = 0; i < n; i++)
		total += iov[i].iov_len;
	return total;
}

static long take_error(struct lsock *s, int *err)
{
	*err = s->pending_err;
	s->pending_err = 0;
	return -1;
}

static long rx_take(void *st, int fd, const struct iovec *iov, int n,
		    int flags, int *err)
{
	struct lsock *s = lsock_lookup(st, fd, err);
	size_t want, got = 0;

	if (!s)
		return -1;
	if (flags & ~(MSG_PEEK | MSG_DONTWAIT | MSG_NOSIGNAL))
		return lsock_fail(err, TCPCHECK_STACK_UNSUPPORTED);
	if (s->listening)
		return lsock_fail(err, ENOTCONN);
	want = iov_total(iov, n);
	if (s->rx && want > 0) {
		for (int i = 0; i < n && got < s->rx->tot_len; i++) {
			size_t len = iov[i].iov_len;

			if (len > (size_t)(s->rx->tot_len - got))
				len = s->rx->tot_len - got;
			got += pbuf_copy_partial(s->rx, iov[i].iov_base,
						 (u16_t)len, (u16_t)got);
		}
		if (!(flags & MSG_PEEK)) {
			s->rx = pbuf_free_header(s->rx, (u16_t)got);
			if (s->pcb)
				tcp_recved(s->pcb, (u16_t)got);
		}
		return (long)got;
	}
	if (want == 0 || s->rx_fin || s->shut_rd)
		return 0;
	if (s->pending_err)
		return take_error(s, err);
	if (s->dead)
		return 0;
	if (!s->connected && !s->connecting)
		return lsock_fail(err, ENOTCONN);
	if (flags & MSG_DONTWAIT)
		return lsock_fail(err, EAGAIN);
	return lsock_wait_or(s, err, EAGAIN);
}

/* Queue iov from offset done on; returns the new offset, or -1. */
static long tx_queue(struct lsock *s, const struct iovec *iov, int n,
		     size_t done, size_t total, int *err)
{
	size_t at = 0;

	for (int i = 0; i < n && done < total; i++) {
		size_t len = iov[i].iov_len;

		if (done >= at + len) {
			at += len;
			continue;
		}
		while (done < at + len) {
			size_t chunk = at + len - done, room = tcp_sndbuf(s->pcb);
			err_t e;

			if (chunk > room)
				chunk = room;
			if (chunk > 0xffff)
				chunk = 0xffff;
			if (chunk == 0)
				return (long)done;
			e = tcp_write(s->pcb, (const char *)iov[i].iov_base +
				      (done - at), (u16_t)chunk,
				      TCP_WRITE_FLAG_COPY |
				      (done + chunk < total ?
				       TCP_WRITE_FLAG_MORE : 0));
			if (e == ERR_MEM)
				return (long)done;
			if (e != ERR_OK)
				return lsock_fail(err, EPIPE);
			done += chunk;
		}
		at += len;
	}
	return (long)done;
}

static long tx_put(void *st, int fd, const struct iovec *iov, int n,
		   int flags, int *err)
{
	struct lsock *s = lsock_lookup(st, fd, err);
	size_t total = iov_total(iov, n);
	long done;

	if (!s)
		return -1;
	if (flags & ~(MSG_DONTWAIT | MSG_NOSIGNAL))
		return lsock_fail(err, TCPCHECK_STACK_UNSUPPORTED);
	if (s->pending_err)
		return take_error(s, err);
	if (s->dead || s->shut_wr)
		return lsock_fail(err, EPIPE);
	if (s->connecting)
		return lsock_wait_or(s, err, EAGAIN);
	if (!s->connected || !s->pcb || s->listening)
		return lsock_fail(err, ENOTCONN);
	done = tx_queue(s, iov, n, s->write_done, total, err);
	if (done < 0)
		return -1;
	tcp_output(s->pcb);
	if ((size_t)done == total || s->nonblock || (flags & MSG_DONTWAIT)) {
		s->write_done = 0;
		if (done == 0 && total > 0)
			return lsock_fail(err, EAGAIN);
		return done;
	}
	s->write_done = (size_t)done;
	return lsock_fail(err, TCPCHECK_STACK_BLOCKED);
}

long lsock_read(void *st, int fd, void *buf, size_t count, int *err)
{
	struct iovec v = { .iov_base = buf, .iov_len = count };

	return rx_take(st, fd, &v, 1, 0, err);
}

long lsock_readv(void *st, int fd, const struct iovec *iov, int n, int *err)
{
	return rx_take(st, fd, iov, n, 0, err);
}

long lsock_recv(void *st, int fd, void *buf, size_t count, int flags,
		int *err)
{
	struct iovec v = { .iov_base = buf, .iov_len = count };

	return rx_take(st, fd, &v, 1, flags, err);
}

long lsock_recvmsg(void *st, int fd, struct msghdr *msg, int flags,
		   int *err)
{
	msg->msg_flags = 0;
	msg->msg_controllen = 0;
	return rx_take(st, fd, msg->msg_iov, (int)msg->msg_iovlen, flags, err);
}

long lsock_write(void *st, int fd, const void *buf, size_t count, int *err)
{
	struct iovec v = { .iov_base = (void *)buf, .iov_len = count };

	return tx_put(st, fd, &v, 1, 0, err);
}

long lsock_writev(void *st, int fd, const struct iovec *iov, int n,
		  int *err)
{
	return tx_put(st, fd, iov, n, 0, err);
}

long lsock_send(void *st, int fd, const void *buf, size_t count, int flags,
		int *err)
{
	struct iovec v = { .iov_base = (void *)buf, .iov_len = count };

	return tx_put(st, fd, &v, 1, flags, err);
}

long lsock_sendmsg(void *st, int fd, const struct msghdr *msg, int flags,
		   int *err)
{
	if (msg->msg_controllen)
		return lsock_fail(err, TCPCHECK_STACK_UNSUPPORTED);
	return tx_put(st, fd, msg->msg_iov, (int)msg->msg_iovlen, flags, err);
}

long lsock_close(void *st, int fd, int *err)
{
	struct lwip_stack *stack = st;
	struct lsock *s = lsock_lookup(st, fd, err);

	if (!s)
		return -1;
	stack->fds[fd] = NULL;
	lsock_free(s, s->linger0);
	return 0;
}

long lsock_shutdown(void *st, int fd, int how, int *err)
{
	struct lsock *s = lsock_lookup(st, fd, err);

	if (!s)
		return -1;
	if (how < SHUT_RD || how > SHUT_RDWR)
		return lsock_fail(err, EINVAL);
	if (!s->connected || s->listening)
		return lsock_fail(err, ENOTCONN);
	if (how != SHUT_WR)
		s->shut_rd = true;
	if (how != SHUT_RD && !s->shut_wr && s->pcb) {
		tcp_shutdown(s->pcb, 0, 1);
		s->shut_wr = true;
	}
	return 0;
}
