/*
 * syscall_kernel.c - the system-call backend for the running kernel.
 *
 * Thin wrappers: each makes the libc call and moves errno into *err right
 * away, before anything else can overwrite it.  The calls run in the
 * network namespace of the calling thread, which the engine sets up.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <linux/capability.h>
#include <sys/ioctl.h>
#include <sys/sendfile.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sys/syscall_backend.h"

/* Return the call's result and leave errno (or 0) in *err. */
#define KERNEL_CALL(call)					\
	do {							\
		long result_ = (long)(call);			\
		*err = result_ < 0 ? errno : 0;			\
		return result_;					\
	} while (0)

static long k_socket(struct syscall_backend *b, int domain, int type,
		     int protocol, int *err)
{
	(void)b;
	KERNEL_CALL(socket(domain, type, protocol));
}

static long k_bind(struct syscall_backend *b, int fd,
		   const struct sockaddr *addr, socklen_t len, int *err)
{
	(void)b;
	KERNEL_CALL(bind(fd, addr, len));
}

static long k_listen(struct syscall_backend *b, int fd, int backlog, int *err)
{
	(void)b;
	KERNEL_CALL(listen(fd, backlog));
}

static long k_accept(struct syscall_backend *b, int fd, struct sockaddr *addr,
		     socklen_t *len, int *err)
{
	(void)b;
	KERNEL_CALL(accept(fd, addr, len));
}

static long k_accept4(struct syscall_backend *b, int fd, struct sockaddr *addr,
		      socklen_t *len, int flags, int *err)
{
	(void)b;
	KERNEL_CALL(accept4(fd, addr, len, flags));
}

static long k_connect(struct syscall_backend *b, int fd,
		      const struct sockaddr *addr, socklen_t len, int *err)
{
	(void)b;
	KERNEL_CALL(connect(fd, addr, len));
}

static long k_read(struct syscall_backend *b, int fd, void *buf, size_t count,
		   int *err)
{
	(void)b;
	KERNEL_CALL(read(fd, buf, count));
}

static long k_readv(struct syscall_backend *b, int fd, const struct iovec *iov,
		    int iovcnt, int *err)
{
	(void)b;
	KERNEL_CALL(readv(fd, iov, iovcnt));
}

static long k_recv(struct syscall_backend *b, int fd, void *buf, size_t count,
		   int flags, int *err)
{
	(void)b;
	KERNEL_CALL(recv(fd, buf, count, flags));
}

static long k_recvfrom(struct syscall_backend *b, int fd, void *buf,
		       size_t count, int flags, struct sockaddr *addr,
		       socklen_t *len, int *err)
{
	(void)b;
	KERNEL_CALL(recvfrom(fd, buf, count, flags, addr, len));
}

static long k_recvmsg(struct syscall_backend *b, int fd, struct msghdr *msg,
		      int flags, int *err)
{
	(void)b;
	KERNEL_CALL(recvmsg(fd, msg, flags));
}

static long k_write(struct syscall_backend *b, int fd, const void *buf,
		    size_t count, int *err)
{
	(void)b;
	KERNEL_CALL(write(fd, buf, count));
}

static long k_writev(struct syscall_backend *b, int fd,
		     const struct iovec *iov, int iovcnt, int *err)
{
	(void)b;
	KERNEL_CALL(writev(fd, iov, iovcnt));
}

static long k_send(struct syscall_backend *b, int fd, const void *buf,
		   size_t count, int flags, int *err)
{
	(void)b;
	KERNEL_CALL(send(fd, buf, count, flags));
}

static long k_sendto(struct syscall_backend *b, int fd, const void *buf,
		     size_t count, int flags, const struct sockaddr *addr,
		     socklen_t len, int *err)
{
	(void)b;
	KERNEL_CALL(sendto(fd, buf, count, flags, addr, len));
}

static long k_sendmsg(struct syscall_backend *b, int fd,
		      const struct msghdr *msg, int flags, int *err)
{
	(void)b;
	KERNEL_CALL(sendmsg(fd, msg, flags));
}

static long k_close(struct syscall_backend *b, int fd, int *err)
{
	(void)b;
	KERNEL_CALL(close(fd));
}

static long k_shutdown(struct syscall_backend *b, int fd, int how, int *err)
{
	(void)b;
	KERNEL_CALL(shutdown(fd, how));
}

static long k_setsockopt(struct syscall_backend *b, int fd, int level,
			 int name, const void *val, socklen_t len, int *err)
{
	(void)b;
	KERNEL_CALL(setsockopt(fd, level, name, val, len));
}

static long k_getsockopt(struct syscall_backend *b, int fd, int level,
			 int name, void *val, socklen_t *len, int *err)
{
	(void)b;
	KERNEL_CALL(getsockopt(fd, level, name, val, len));
}

static long k_getsockname(struct syscall_backend *b, int fd,
			  struct sockaddr *addr, socklen_t *len, int *err)
{
	(void)b;
	KERNEL_CALL(getsockname(fd, addr, len));
}

static long k_getpeername(struct syscall_backend *b, int fd,
			  struct sockaddr *addr, socklen_t *len, int *err)
{
	(void)b;
	KERNEL_CALL(getpeername(fd, addr, len));
}

static long k_fcntl(struct syscall_backend *b, int fd, int cmd, long arg,
		    int *err)
{
	(void)b;
	KERNEL_CALL(fcntl(fd, cmd, arg));
}

static long k_ioctl(struct syscall_backend *b, int fd, unsigned long request,
		    void *arg, int *err)
{
	(void)b;
	KERNEL_CALL(ioctl(fd, request, arg));
}

static long k_poll(struct syscall_backend *b, struct pollfd *fds, nfds_t nfds,
		   int timeout_ms, int *err)
{
	(void)b;
	KERNEL_CALL(poll(fds, nfds, timeout_ms));
}

static long k_epoll_create(struct syscall_backend *b, int size, int *err)
{
	(void)b;
	KERNEL_CALL(epoll_create(size));
}

static long k_epoll_ctl(struct syscall_backend *b, int epfd, int op, int fd,
			struct epoll_event *event, int *err)
{
	(void)b;
	KERNEL_CALL(epoll_ctl(epfd, op, fd, event));
}

static long k_epoll_wait(struct syscall_backend *b, int epfd,
			 struct epoll_event *events, int maxevents,
			 int timeout_ms, int *err)
{
	(void)b;
	KERNEL_CALL(epoll_wait(epfd, events, maxevents, timeout_ms));
}

static long k_open(struct syscall_backend *b, const char *path, int flags,
		   mode_t mode, int *err)
{
	(void)b;
	KERNEL_CALL(open(path, flags, mode));
}

static long k_pipe(struct syscall_backend *b, int fds[2], int *err)
{
	(void)b;
	KERNEL_CALL(pipe(fds));
}

static long k_sendfile(struct syscall_backend *b, int out_fd, int in_fd,
		       off_t *offset, size_t count, int *err)
{
	(void)b;
	KERNEL_CALL(sendfile(out_fd, in_fd, offset, count));
}

static long k_splice(struct syscall_backend *b, int fd_in, loff_t *off_in,
		     int fd_out, loff_t *off_out, size_t len,
		     unsigned int flags, int *err)
{
	(void)b;
	KERNEL_CALL(splice(fd_in, off_in, fd_out, off_out, len, flags));
}

/* capget()/capset() on the calling thread only, without libcap: the
 * worker thread makes every call of the script, so that is the thread
 * whose rights the script means; the main thread keeps the ones it needs
 * to run the device and the namespace.
 */
static long k_cap_set(struct syscall_backend *b, int set, int cap, int on,
		      int *err)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0,
	};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
	uint32_t bit, *word;
	int i;

	(void)b;
	if (cap < 0 || cap >= 32 * _LINUX_CAPABILITY_U32S_3 || set < 0 ||
	    set > 2) {
		*err = EINVAL;
		return -1;
	}
	if (syscall(SYS_capget, &hdr, data) < 0) {
		*err = errno;
		return -1;
	}
	i = cap / 32;
	bit = 1u << (cap % 32);
	word = set == 0 ? &data[i].effective :
	       set == 1 ? &data[i].permitted : &data[i].inheritable;
	*word = on ? *word | bit : *word & ~bit;
	KERNEL_CALL(syscall(SYS_capset, &hdr, data));
}

static void k_destroy(struct syscall_backend *b)
{
	free(b);
}

static const struct syscall_backend_ops kernel_ops = {
	.name = "kernel",
	.socket = k_socket,
	.bind = k_bind,
	.listen = k_listen,
	.accept = k_accept,
	.accept4 = k_accept4,
	.connect = k_connect,
	.read = k_read,
	.readv = k_readv,
	.recv = k_recv,
	.recvfrom = k_recvfrom,
	.recvmsg = k_recvmsg,
	.write = k_write,
	.writev = k_writev,
	.send = k_send,
	.sendto = k_sendto,
	.sendmsg = k_sendmsg,
	.close = k_close,
	.shutdown = k_shutdown,
	.setsockopt = k_setsockopt,
	.getsockopt = k_getsockopt,
	.getsockname = k_getsockname,
	.getpeername = k_getpeername,
	.fcntl = k_fcntl,
	.ioctl = k_ioctl,
	.poll = k_poll,
	.epoll_create = k_epoll_create,
	.epoll_ctl = k_epoll_ctl,
	.epoll_wait = k_epoll_wait,
	.open = k_open,
	.pipe = k_pipe,
	.sendfile = k_sendfile,
	.splice = k_splice,
	.cap_set = k_cap_set,
	.destroy = k_destroy,
};

struct syscall_backend *syscall_backend_kernel_new(void)
{
	struct syscall_backend *b = malloc(sizeof(*b));

	if (!b)
		return NULL;
	/* A write() to a reset connection must come back as EPIPE, which
	 * the script checks, not end the process with SIGPIPE.
	 */
	signal(SIGPIPE, SIG_IGN);
	b->ops = &kernel_ops;
	return b;
}

void syscall_backend_free(struct syscall_backend *b)
{
	if (b)
		b->ops->destroy(b);
}
