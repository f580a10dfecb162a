/*
 * stack_backend.c - the system-call backend of a stack plugin.
 *
 * Each operation calls the stack's function of the same meaning and
 * translates the two *err values that are not errors: BLOCKED becomes
 * SYSCALL_BACKEND_PENDING (the runner performs the call again as virtual
 * time passes) and UNSUPPORTED becomes SYSCALL_BACKEND_UNSUPPORTED (the
 * script is skipped, naming the call).  Calls the stack leaves NULL are
 * NULL here, so the interpreter refuses a script that uses one before it
 * starts.  poll() with a timeout is pending until something is ready or
 * its timeout has passed on the run's clock.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>

#include "stack/stack_path.h"

struct stack_backend {
	struct syscall_backend base;	/* first: the engine's view */
	struct syscall_backend_ops ops;	/* NULL where the stack has none */
	struct stack_plugin *plugin;
	const struct tcpcheck_stack *st;
	void *inst;
	int64_t poll_since_ns;		/* a pending poll() began; -1: none */
};

static struct stack_backend *SB(struct syscall_backend *b)
{
	return (struct stack_backend *)b;
}

static long done(long r, int *err)
{
	if (r < 0 && *err == TCPCHECK_STACK_BLOCKED)
		*err = SYSCALL_BACKEND_PENDING;
	else if (r < 0 && *err == TCPCHECK_STACK_UNSUPPORTED)
		*err = SYSCALL_BACKEND_UNSUPPORTED;
	else if (r >= 0)
		*err = 0;
	return r;
}

#define CALL(b, fn, ...) \
	done(SB(b)->st->fn(SB(b)->inst, __VA_ARGS__, err), err)

static long b_socket(struct syscall_backend *b, int d, int t, int p, int *err)
{
	return CALL(b, socket, d, t, p);
}

static long b_bind(struct syscall_backend *b, int fd,
		   const struct sockaddr *a, socklen_t l, int *err)
{
	return CALL(b, bind, fd, a, l);
}

static long b_listen(struct syscall_backend *b, int fd, int n, int *err)
{
	return CALL(b, listen, fd, n);
}

static long b_accept(struct syscall_backend *b, int fd, struct sockaddr *a,
		     socklen_t *l, int *err)
{
	return CALL(b, accept, fd, a, l);
}

static long b_accept4(struct syscall_backend *b, int fd, struct sockaddr *a,
		      socklen_t *l, int flags, int *err)
{
	long fd2;

	if (flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC) ||
	    ((flags & SOCK_NONBLOCK) && !SB(b)->st->fcntl)) {
		*err = SYSCALL_BACKEND_UNSUPPORTED;
		return -1;
	}
	fd2 = CALL(b, accept, fd, a, l);
	if (fd2 >= 0 && (flags & SOCK_NONBLOCK) &&
	    SB(b)->st->fcntl(SB(b)->inst, (int)fd2, F_SETFL, O_NONBLOCK,
			     err) < 0)
		return done(-1, err);
	return fd2;
}

static long b_connect(struct syscall_backend *b, int fd,
		      const struct sockaddr *a, socklen_t l, int *err)
{
	return CALL(b, connect, fd, a, l);
}

static long b_read(struct syscall_backend *b, int fd, void *buf, size_t n,
		   int *err)
{
	return CALL(b, read, fd, buf, n);
}

static long b_readv(struct syscall_backend *b, int fd,
		    const struct iovec *iov, int n, int *err)
{
	return CALL(b, readv, fd, iov, n);
}

static long b_recv(struct syscall_backend *b, int fd, void *buf, size_t n,
		   int flags, int *err)
{
	return CALL(b, recv, fd, buf, n, flags);
}

static long b_recvfrom(struct syscall_backend *b, int fd, void *buf,
		       size_t n, int flags, struct sockaddr *a, socklen_t *l,
		       int *err)
{
	long r = CALL(b, recv, fd, buf, n, flags);

	(void)a;
	if (r >= 0 && l)
		*l = 0;	/* a connected stream socket names no sender */
	return r;
}

static long b_recvmsg(struct syscall_backend *b, int fd, struct msghdr *m,
		      int flags, int *err)
{
	return CALL(b, recvmsg, fd, m, flags);
}

static long b_write(struct syscall_backend *b, int fd, const void *buf,
		    size_t n, int *err)
{
	return CALL(b, write, fd, buf, n);
}

static long b_writev(struct syscall_backend *b, int fd,
		     const struct iovec *iov, int n, int *err)
{
	return CALL(b, writev, fd, iov, n);
}

static long b_send(struct syscall_backend *b, int fd, const void *buf,
		   size_t n, int flags, int *err)
{
	return CALL(b, send, fd, buf, n, flags);
}

static long b_sendto(struct syscall_backend *b, int fd, const void *buf,
		     size_t n, int flags, const struct sockaddr *a,
		     socklen_t l, int *err)
{
	(void)l;
	if (a) {
		*err = SYSCALL_BACKEND_UNSUPPORTED;
		return -1;
	}
	return CALL(b, send, fd, buf, n, flags);
}

static long b_sendmsg(struct syscall_backend *b, int fd,
		      const struct msghdr *m, int flags, int *err)
{
	return CALL(b, sendmsg, fd, m, flags);
}

static long b_close(struct syscall_backend *b, int fd, int *err)
{
	return CALL(b, close, fd);
}

static long b_shutdown(struct syscall_backend *b, int fd, int how, int *err)
{
	return CALL(b, shutdown, fd, how);
}

static long b_setsockopt(struct syscall_backend *b, int fd, int level,
			 int name, const void *v, socklen_t l, int *err)
{
	return CALL(b, setsockopt, fd, level, name, v, l);
}

static long b_getsockopt(struct syscall_backend *b, int fd, int level,
			 int name, void *v, socklen_t *l, int *err)
{
	return CALL(b, getsockopt, fd, level, name, v, l);
}

static long b_getsockname(struct syscall_backend *b, int fd,
			  struct sockaddr *a, socklen_t *l, int *err)
{
	return CALL(b, getsockname, fd, a, l);
}

static long b_getpeername(struct syscall_backend *b, int fd,
			  struct sockaddr *a, socklen_t *l, int *err)
{
	return CALL(b, getpeername, fd, a, l);
}

static long b_fcntl(struct syscall_backend *b, int fd, int cmd, long arg,
		    int *err)
{
	return CALL(b, fcntl, fd, cmd, arg);
}

static long b_poll(struct syscall_backend *b, struct pollfd *fds,
		   nfds_t n, int timeout_ms, int *err)
{
	struct stack_backend *sb = SB(b);
	int64_t now = stack_plugin_now(sb->plugin);
	long r = CALL(b, poll, fds, n);

	if (r != 0 || timeout_ms == 0 ||
	    (timeout_ms > 0 && sb->poll_since_ns >= 0 &&
	     now >= sb->poll_since_ns + timeout_ms * 1000000LL)) {
		sb->poll_since_ns = -1;
		return r;
	}
	if (sb->poll_since_ns < 0)
		sb->poll_since_ns = now;
	*err = SYSCALL_BACKEND_PENDING;
	return -1;
}

static void b_destroy(struct syscall_backend *b)
{
	free(SB(b));
}

#define OP(name) (st->name ? b_##name : NULL)

struct syscall_backend *stack_backend_new(struct stack_plugin *p)
{
	const struct tcpcheck_stack *st = stack_plugin_ops(p);
	struct stack_backend *sb = calloc(1, sizeof(*sb));

	if (!sb)
		return NULL;
	sb->ops = (struct syscall_backend_ops){
		.name = st->name,
		.socket = OP(socket), .bind = OP(bind), .listen = OP(listen),
		.accept = OP(accept), .connect = OP(connect),
		.read = OP(read), .readv = OP(readv), .recv = OP(recv),
		.recvmsg = OP(recvmsg), .write = OP(write),
		.writev = OP(writev), .send = OP(send),
		.sendmsg = OP(sendmsg), .close = OP(close),
		.shutdown = OP(shutdown), .setsockopt = OP(setsockopt),
		.getsockopt = OP(getsockopt),
		.getsockname = OP(getsockname),
		.getpeername = OP(getpeername), .fcntl = OP(fcntl),
		.poll = OP(poll),
	};
	sb->ops.accept4 = st->accept ? b_accept4 : NULL;
	sb->ops.recvfrom = st->recv ? b_recvfrom : NULL;
	sb->ops.sendto = st->send ? b_sendto : NULL;
	sb->ops.destroy = b_destroy;
	sb->base.ops = &sb->ops;
	sb->plugin = p;
	sb->st = st;
	sb->inst = stack_plugin_instance(p);
	sb->poll_since_ns = -1;
	return &sb->base;
}
