/*
 * calls.c - decoding a CALL, making the call, encoding its RESULT (see
 * calls.h).  Plain POSIX; the numbers are translated by native.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "calls.h"
#include "native.h"

#define MAX_IO (PROTO_MAX_PAYLOAD - 4096)
#define MAX_POLL_FDS 64
#define MAX_OPTVAL 1024

/* What one call produced, before it is encoded. */
struct call {
	bool execute;		/* false: decode the arguments only */
	struct agent_fds *fds;	/* the script's descriptors */
	long ret;
	int err;
	int64_t t0, t1;
	struct proto_buf out;	/* the outputs, written once ret >= 0 */
};

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void agent_fds_init(struct agent_fds *s)
{
	pthread_mutex_init(&s->lock, NULL);
	s->count = 0;
}

static void fds_add(struct agent_fds *s, long fd)
{
	if (fd < 0)
		return;
	pthread_mutex_lock(&s->lock);
	if (s->count < CALLS_MAX_FDS)
		s->fds[s->count++] = (int)fd;
	pthread_mutex_unlock(&s->lock);
}

static int fds_remove(struct agent_fds *s, int fd)
{
	int found = 0;

	pthread_mutex_lock(&s->lock);
	for (int i = 0; i < s->count; i++) {
		if (s->fds[i] == fd) {
			s->fds[i] = s->fds[--s->count];
			found = 1;
			break;
		}
	}
	pthread_mutex_unlock(&s->lock);
	return found;
}

int agent_fds_close_all(struct agent_fds *s)
{
	struct linger abort_on_close = { 1, 0 };
	int n;

	pthread_mutex_lock(&s->lock);
	n = s->count;
	for (int i = 0; i < s->count; i++) {
		setsockopt(s->fds[i], SOL_SOCKET, SO_LINGER, &abort_on_close,
			   sizeof(abort_on_close));
		close(s->fds[i]);
	}
	s->count = 0;
	pthread_mutex_unlock(&s->lock);
	return n;
}

/* Linux's length for a family's address, to this system's. */
static socklen_t native_len(const struct sockaddr_storage *a, socklen_t have,
			    int64_t linux_len)
{
	if ((a->ss_family == AF_INET && linux_len == 16) ||
	    (a->ss_family == AF_INET6 && linux_len == 28))
		return have;
	return linux_len < 0 || linux_len > (int64_t)sizeof(*a) ? have :
		(socklen_t)linux_len;
}

/* The arguments are decoded: the call starts, unless only decoding. */
static bool begin(struct call *c)
{
	c->t0 = now_ns();
	return c->execute;
}

static void done(struct call *c, long ret);

static bool owned(struct agent_fds *s, int64_t fd)
{
	bool found = false;

	pthread_mutex_lock(&s->lock);
	for (int i = 0; i < s->count && !found; i++)
		found = s->fds[i] == fd;
	pthread_mutex_unlock(&s->lock);
	return found;
}

/* begin() for a call on a descriptor: only the script's own (never the
 * agent's control connection or listener) are used; others are EBADF.
 */
static bool begin_fd(struct call *c, int64_t fd)
{
	if (!begin(c))
		return false;
	if (owned(c->fds, fd))
		return true;
	errno = EBADF;
	done(c, -1);
	return false;
}

static void done(struct call *c, long ret)
{
	c->t1 = now_ns();
	c->ret = ret;
	c->err = ret < 0 ? linux_errno(errno) : 0;
}

static void op_socket(struct call *c, struct proto_reader *r,
		      struct agent_fds *fds)
{
	int64_t domain, type, protocol;
	int nonblock, cloexec, t;
	long fd;

	if (proto_get_int(r, &domain) < 0 || proto_get_int(r, &type) < 0 ||
	    proto_get_int(r, &protocol) < 0)
		return;
	t = native_socket_type((int)type, &nonblock, &cloexec);
	if (!begin(c))
		return;
	fd = socket(native_domain((int)domain), t, (int)protocol);
	if (fd >= 0 && nonblock)
		fcntl((int)fd, F_SETFL, fcntl((int)fd, F_GETFL) | O_NONBLOCK);
	if (fd >= 0 && cloexec)
		fcntl((int)fd, F_SETFD, FD_CLOEXEC);
	done(c, fd);
	fds_add(fds, fd);
}

/* bind() and connect(): a descriptor and an address. */
static void op_address(struct call *c, struct proto_reader *r, int op)
{
	struct sockaddr_storage a;
	socklen_t len;
	int64_t fd, linux_len;

	if (proto_get_int(r, &fd) < 0 || proto_get_sockaddr(r, &a, &len) < 0 ||
	    proto_get_int(r, &linux_len) < 0)
		return;
	len = native_len(&a, len, linux_len);
	if (!begin_fd(c, fd))
		return;
	if (op == OP_BIND)
		done(c, bind((int)fd, (struct sockaddr *)&a, len));
	else
		done(c, connect((int)fd, (struct sockaddr *)&a, len));
}

/* accept(), getsockname(), getpeername(): an address comes back. */
static void op_name(struct call *c, struct proto_reader *r, int op,
		    struct agent_fds *fds)
{
	struct sockaddr_storage a;
	socklen_t len = sizeof(a);
	int64_t fd, want, flags = 0;
	long ret;

	if (proto_get_int(r, &fd) < 0 || proto_get_int(r, &want) < 0 ||
	    (op == OP_ACCEPT4 && proto_get_int(r, &flags) < 0))
		return;
	memset(&a, 0, sizeof(a));
	if (!begin_fd(c, fd))
		return;
	if (op == OP_ACCEPT || op == OP_ACCEPT4)
		ret = accept((int)fd, want >= 0 ? (struct sockaddr *)&a : NULL,
			     want >= 0 ? &len : NULL);
	else if (op == OP_GETSOCKNAME)
		ret = getsockname((int)fd, (struct sockaddr *)&a, &len);
	else
		ret = getpeername((int)fd, (struct sockaddr *)&a, &len);
	if (op == OP_ACCEPT4 && ret >= 0 && (flags & 04000))
		fcntl((int)ret, F_SETFL, fcntl((int)ret, F_GETFL) | O_NONBLOCK);
	done(c, ret);
	if (op == OP_ACCEPT || op == OP_ACCEPT4)
		fds_add(fds, ret);
	proto_put_sockaddr(&c->out, want >= 0 ? (struct sockaddr *)&a : NULL,
			   len);
}

static void op_receive(struct call *c, struct proto_reader *r, int op)
{
	struct sockaddr_storage a;
	socklen_t alen = sizeof(a);
	int64_t fd, count, flags = 0, want = -1;
	char *buf;
	long ret;

	if (proto_get_int(r, &fd) < 0 || proto_get_range(r, 0, MAX_IO, &count) ||
	    (op != OP_READ && proto_get_int(r, &flags) < 0) ||
	    (op == OP_RECVFROM && proto_get_int(r, &want) < 0))
		return;
	if (!begin_fd(c, fd))
		return;
	buf = malloc((size_t)count + 1);
	if (!buf) {
		errno = ENOMEM;
		done(c, -1);
		return;
	}
	memset(&a, 0, sizeof(a));
	if (op == OP_READ)
		ret = read((int)fd, buf, (size_t)count);
	else if (op == OP_RECV)
		ret = recv((int)fd, buf, (size_t)count,
			   native_msg_flags((int)flags));
	else
		ret = recvfrom((int)fd, buf, (size_t)count,
			       native_msg_flags((int)flags),
			       want >= 0 ? (struct sockaddr *)&a : NULL,
			       want >= 0 ? &alen : NULL);
	done(c, ret);
	proto_put_bytes(&c->out, buf, ret > 0 ? (size_t)ret : 0);
	if (op == OP_RECVFROM)
		proto_put_sockaddr(&c->out, want >= 0 ?
				   (struct sockaddr *)&a : NULL, alen);
	free(buf);
}

static void op_transmit(struct call *c, struct proto_reader *r, int op)
{
	struct sockaddr_storage a;
	socklen_t alen = 0;
	int64_t fd, flags = 0, linux_len = 0;
	const uint8_t *data;
	size_t len;

	if (proto_get_int(r, &fd) < 0 || proto_get_bytes(r, &data, &len) < 0 ||
	    (op != OP_WRITE && proto_get_int(r, &flags) < 0) ||
	    (op == OP_SENDTO && (proto_get_sockaddr(r, &a, &alen) < 0 ||
				 proto_get_int(r, &linux_len) < 0)))
		return;
	if (!begin_fd(c, fd))
		return;
	if (op == OP_WRITE)
		done(c, write((int)fd, data, len));
	else if (op == OP_SEND)
		done(c, send((int)fd, data, len, native_msg_flags((int)flags)));
	else
		done(c, sendto((int)fd, data, len, native_msg_flags((int)flags),
			       alen ? (struct sockaddr *)&a : NULL,
			       alen ? native_len(&a, alen, linux_len) : 0));
}

static void op_simple(struct call *c, struct proto_reader *r, int op,
		      struct agent_fds *fds)
{
	int64_t fd, arg = 0;

	if (proto_get_int(r, &fd) < 0 ||
	    (op != OP_CLOSE && proto_get_int(r, &arg) < 0))
		return;
	if (!begin_fd(c, fd))
		return;
	if (op == OP_CLOSE) {
		/* Only what the script opened: never the agent's own. */
		if (!fds_remove(fds, (int)fd)) {
			errno = EBADF;
			done(c, -1);
			return;
		}
		done(c, close((int)fd));
	} else if (op == OP_LISTEN) {
		done(c, listen((int)fd, (int)arg));
	} else {
		done(c, shutdown((int)fd, (int)arg));
	}
}

static void op_sockopt(struct call *c, struct proto_reader *r, int op)
{
	int64_t fd, level, name, want = 0;
	const uint8_t *val = NULL;
	size_t len = 0;
	uint8_t buf[MAX_OPTVAL];
	socklen_t got;
	int lv, nm;

	if (proto_get_int(r, &fd) < 0 || proto_get_int(r, &level) < 0 ||
	    proto_get_int(r, &name) < 0 ||
	    (op == OP_SETSOCKOPT ? proto_get_bytes(r, &val, &len) :
	     proto_get_range(r, 0, MAX_OPTVAL, &want)) < 0)
		return;
	lv = (int)level;
	nm = (int)name;
	native_sockopt(&lv, &nm);
	if (!begin_fd(c, fd))
		return;
	if (op == OP_SETSOCKOPT) {
		done(c, setsockopt((int)fd, lv, nm, len ? val : NULL,
				   (socklen_t)len));
		return;
	}
	got = (socklen_t)want;
	memset(buf, 0, sizeof(buf));
	done(c, getsockopt((int)fd, lv, nm, buf, &got));
	proto_put_bytes(&c->out, buf, got <= want ? got : (size_t)want);
}

static void op_control(struct call *c, struct proto_reader *r, int op)
{
	int64_t fd, cmd, arg;
	int value, native_cmd;

	if (proto_get_int(r, &fd) < 0 || proto_get_int(r, &cmd) < 0 ||
	    proto_get_int(r, &arg) < 0)
		return;
	if (!begin_fd(c, fd))
		return;
	if (op == OP_IOCTL) {
		value = (int)arg;
		done(c, ioctl((int)fd, native_ioctl((unsigned long)cmd),
			      &value));
		proto_put_int(&c->out, value);
		return;
	}
	native_cmd = native_fcntl_cmd((int)cmd);
	if (native_cmd == F_SETFL)
		arg = native_open_flags((int)arg);
	done(c, fcntl((int)fd, native_cmd, (int)arg));
	if (native_cmd == F_GETFL && c->ret >= 0)
		c->ret = linux_open_flags((int)c->ret);
}

static void op_poll(struct call *c, struct proto_reader *r)
{
	struct pollfd p[MAX_POLL_FDS];
	int64_t timeout, n, fd, events;

	if (proto_get_int(r, &timeout) < 0 ||
	    proto_get_range(r, 0, MAX_POLL_FDS, &n) < 0)
		return;
	for (int i = 0; i < n; i++) {
		if (proto_get_int(r, &fd) < 0 || proto_get_int(r, &events) < 0)
			return;
		p[i].fd = (int)fd;
		p[i].events = native_poll_events((int)events);
		p[i].revents = 0;
	}
	if (!begin(c))
		return;
	done(c, poll(p, (nfds_t)n, (int)timeout));
	for (int i = 0; i < n; i++)
		proto_put_int(&c->out, linux_poll_events(p[i].revents));
}

static void dispatch(struct call *c, struct proto_reader *r, int64_t op,
		     struct agent_fds *fds)
{
	switch (op) {
	case OP_SOCKET: op_socket(c, r, fds); break;
	case OP_BIND: case OP_CONNECT: op_address(c, r, (int)op); break;
	case OP_ACCEPT: case OP_ACCEPT4: case OP_GETSOCKNAME:
	case OP_GETPEERNAME: op_name(c, r, (int)op, fds); break;
	case OP_READ: case OP_RECV: case OP_RECVFROM:
		op_receive(c, r, (int)op); break;
	case OP_WRITE: case OP_SEND: case OP_SENDTO:
		op_transmit(c, r, (int)op); break;
	case OP_CLOSE: case OP_LISTEN: case OP_SHUTDOWN:
		op_simple(c, r, (int)op, fds); break;
	case OP_SETSOCKOPT: case OP_GETSOCKOPT:
		op_sockopt(c, r, (int)op); break;
	case OP_FCNTL: case OP_IOCTL: op_control(c, r, (int)op); break;
	case OP_POLL: op_poll(c, r); break;
	default: r->bad = true; break;
	}
}

static void run(struct agent_fds *fds, const uint8_t *payload, size_t len,
		struct proto_buf *out, bool execute)
{
	struct proto_reader r;
	struct call c = { .execute = execute, .fds = fds, .ret = -1,
			  .err = 22 /* EINVAL */ };
	int64_t op;

	proto_buf_init(&c.out);
	proto_reader_init(&r, payload, len);
	c.t0 = c.t1 = now_ns();
	if (proto_get_int(&r, &op) == 0)
		dispatch(&c, &r, op, fds);
	if (r.bad) {
		c.ret = -1;
		c.err = 22;
	}
	proto_put_int(out, c.ret);
	proto_put_int(out, c.err);
	proto_put_int(out, c.t0);
	proto_put_int(out, c.t1);
	if (c.ret >= 0 && !r.bad && !c.out.failed)
		proto_put_bytes(out, c.out.data + PROTO_HEADER_LEN,
				c.out.len - PROTO_HEADER_LEN);
	proto_buf_free(&c.out);
}

void calls_run(struct agent_fds *fds, const uint8_t *payload, size_t len,
	       struct proto_buf *out)
{
	run(fds, payload, len, out, true);
}

void calls_decode(const uint8_t *payload, size_t len, struct proto_buf *out)
{
	struct agent_fds none;

	agent_fds_init(&none);
	run(&none, payload, len, out, false);
	pthread_mutex_destroy(&none.lock);
}
