/*
 * pd_backend.c - the system-call backend of a packetdrill-interface
 * stack: each call goes to the stack's function of the same name, with
 * its userdata, and errno becomes *err.  Calls the stack left NULL are
 * NULL here, so a script using one is skipped naming it.  Blocking calls
 * block, in the run's system-call thread, as they would in packetdrill.
 */
#include <errno.h>

#include "stack/pd_internal.h"

static struct pd_table *T(struct syscall_backend *b)
{
	return &((struct pd_plugin *)((char *)b -
		 offsetof(struct pd_plugin, backend)))->t;
}

static long result(long r, int *err)
{
	*err = r < 0 ? errno : 0;
	return r;
}

#define CALL(b, fn, ...) \
	(errno = 0, result((long)T(b)->fn(T(b)->userdata, __VA_ARGS__), err))

static long b_socket(struct syscall_backend *b, int d, int t, int p, int *err)
{ return CALL(b, socket, d, t, p); }
static long b_bind(struct syscall_backend *b, int fd,
		   const struct sockaddr *a, socklen_t l, int *err)
{ return CALL(b, bind, fd, a, l); }
static long b_listen(struct syscall_backend *b, int fd, int n, int *err)
{ return CALL(b, listen, fd, n); }
static long b_accept(struct syscall_backend *b, int fd, struct sockaddr *a,
		     socklen_t *l, int *err)
{ return CALL(b, accept, fd, a, l); }
static long b_connect(struct syscall_backend *b, int fd,
		      const struct sockaddr *a, socklen_t l, int *err)
{ return CALL(b, connect, fd, a, l); }
static long b_read(struct syscall_backend *b, int fd, void *buf, size_t n,
		   int *err)
{ return CALL(b, read, fd, buf, n); }
static long b_readv(struct syscall_backend *b, int fd,
		    const struct iovec *iov, int n, int *err)
{ return CALL(b, readv, fd, iov, n); }
static long b_recv(struct syscall_backend *b, int fd, void *buf, size_t n,
		   int flags, int *err)
{ return CALL(b, recv, fd, buf, n, flags); }
static long b_recvfrom(struct syscall_backend *b, int fd, void *buf,
		       size_t n, int flags, struct sockaddr *a, socklen_t *l,
		       int *err)
{ return CALL(b, recvfrom, fd, buf, n, flags, a, l); }
static long b_recvmsg(struct syscall_backend *b, int fd, struct msghdr *m,
		      int flags, int *err)
{ return CALL(b, recvmsg, fd, m, flags); }
static long b_write(struct syscall_backend *b, int fd, const void *buf,
		    size_t n, int *err)
{ return CALL(b, write, fd, buf, n); }
static long b_writev(struct syscall_backend *b, int fd,
		     const struct iovec *iov, int n, int *err)
{ return CALL(b, writev, fd, iov, n); }
static long b_send(struct syscall_backend *b, int fd, const void *buf,
		   size_t n, int flags, int *err)
{ return CALL(b, send, fd, buf, n, flags); }
static long b_sendto(struct syscall_backend *b, int fd, const void *buf,
		     size_t n, int flags, const struct sockaddr *a,
		     socklen_t l, int *err)
{ return CALL(b, sendto, fd, buf, n, flags, a, l); }
static long b_sendmsg(struct syscall_backend *b, int fd,
		      const struct msghdr *m, int flags, int *err)
{ return CALL(b, sendmsg, fd, m, flags); }
static long b_close(struct syscall_backend *b, int fd, int *err)
{ return CALL(b, close, fd); }
static long b_shutdown(struct syscall_backend *b, int fd, int how, int *err)
{ return CALL(b, shutdown, fd, how); }
static long b_setsockopt(struct syscall_backend *b, int fd, int level,
			 int name, const void *v, socklen_t l, int *err)
{ return CALL(b, setsockopt, fd, level, name, v, l); }
static long b_getsockopt(struct syscall_backend *b, int fd, int level,
			 int name, void *v, socklen_t *l, int *err)
{ return CALL(b, getsockopt, fd, level, name, v, l); }
static long b_fcntl(struct syscall_backend *b, int fd, int cmd, long arg,
		    int *err)
{ return CALL(b, fcntl, fd, cmd, arg); }
static long b_ioctl(struct syscall_backend *b, int fd, unsigned long req,
		    void *arg, int *err)
{ return CALL(b, ioctl, fd, req, arg); }
static long b_poll(struct syscall_backend *b, struct pollfd *fds, nfds_t n,
		   int timeout_ms, int *err)
{ return CALL(b, poll, fds, n, timeout_ms); }

static void b_destroy(struct syscall_backend *b)
{
	(void)b;	/* the plugin owns it: pd_plugin_close() */
}

#define OP(name) (p->t.name ? b_##name : NULL)

void pd_backend_init(struct pd_plugin *p)
{
	p->ops = (struct syscall_backend_ops){
		.name = "packetdrill-so",
		.socket = OP(socket), .bind = OP(bind), .listen = OP(listen),
		.accept = OP(accept), .connect = OP(connect),
		.read = OP(read), .readv = OP(readv), .recv = OP(recv),
		.recvfrom = OP(recvfrom), .recvmsg = OP(recvmsg),
		.write = OP(write), .writev = OP(writev), .send = OP(send),
		.sendto = OP(sendto), .sendmsg = OP(sendmsg),
		.close = OP(close), .shutdown = OP(shutdown),
		.setsockopt = OP(setsockopt), .getsockopt = OP(getsockopt),
		.fcntl = OP(fcntl), .ioctl = OP(ioctl), .poll = OP(poll),
		.destroy = b_destroy,
	};
	p->backend.ops = &p->ops;
}
