/*
 * syscall_backend.h - the seam between the script's system calls and the
 * stack under test.
 *
 * The interpreter (syscalls.c) evaluates a script line into concrete
 * arguments and performs it through this vtable only.  The first backend
 * is the running kernel (syscall_kernel.c: thin libc wrappers); a userspace
 * TCP stack plugs in by filling the same table.  Each operation has the
 * POSIX signature of its call, returns what the call returns (-1 on
 * failure) and stores the error number in *err (0 on success) instead of
 * errno, so an implementation needs no thread-local state and a caller on
 * another thread reads a plain value.
 *
 * A backend may leave an operation NULL when its stack lacks the call;
 * syscall_prepare() then reports the script as not runnable here
 * (OUTCOME_ENVIRONMENT) before anything is done.  Operations may be called
 * from a worker thread (blocking calls run there), one call at a time per
 * backend except that a blocking call may be in progress while the main
 * thread performs another: implementations must tolerate that, as the
 * kernel does.
 */
#ifndef TCPCHECK_SYSCALL_BACKEND_H
#define TCPCHECK_SYSCALL_BACKEND_H

/* A backend whose stack runs in virtual time (run/run_clock.h) never
 * blocks: where the call would wait, it returns -1 with *err set to this,
 * and the runner performs the call again as time advances and packets
 * arrive, until it returns anything else.  Not an errno value.
 */
#define SYSCALL_BACKEND_PENDING (-1)

#include <poll.h>
#include <stddef.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>

#include "core/error.h"

struct syscall_backend;

/* *err of a call the stack lacks for these arguments (a socket option, a
 * flag): the script is skipped (OUTCOME_ENVIRONMENT) naming the call, not
 * failed.  Not an errno value.
 */
#define SYSCALL_BACKEND_UNSUPPORTED (-2)

struct syscall_backend_ops {
	const char *name;	/* "kernel": for messages */

	long (*socket)(struct syscall_backend *b, int domain, int type,
		       int protocol, int *err);
	long (*bind)(struct syscall_backend *b, int fd,
		     const struct sockaddr *addr, socklen_t len, int *err);
	long (*listen)(struct syscall_backend *b, int fd, int backlog,
		       int *err);
	long (*accept)(struct syscall_backend *b, int fd,
		       struct sockaddr *addr, socklen_t *len, int *err);
	long (*accept4)(struct syscall_backend *b, int fd,
			struct sockaddr *addr, socklen_t *len, int flags,
			int *err);
	long (*connect)(struct syscall_backend *b, int fd,
			const struct sockaddr *addr, socklen_t len, int *err);

	long (*read)(struct syscall_backend *b, int fd, void *buf,
		     size_t count, int *err);
	long (*readv)(struct syscall_backend *b, int fd,
		      const struct iovec *iov, int iovcnt, int *err);
	long (*recv)(struct syscall_backend *b, int fd, void *buf,
		     size_t count, int flags, int *err);
	long (*recvfrom)(struct syscall_backend *b, int fd, void *buf,
			 size_t count, int flags, struct sockaddr *addr,
			 socklen_t *len, int *err);
	long (*recvmsg)(struct syscall_backend *b, int fd, struct msghdr *msg,
			int flags, int *err);

	long (*write)(struct syscall_backend *b, int fd, const void *buf,
		      size_t count, int *err);
	long (*writev)(struct syscall_backend *b, int fd,
		       const struct iovec *iov, int iovcnt, int *err);
	long (*send)(struct syscall_backend *b, int fd, const void *buf,
		     size_t count, int flags, int *err);
	long (*sendto)(struct syscall_backend *b, int fd, const void *buf,
		       size_t count, int flags, const struct sockaddr *addr,
		       socklen_t len, int *err);
	long (*sendmsg)(struct syscall_backend *b, int fd,
			const struct msghdr *msg, int flags, int *err);

	long (*close)(struct syscall_backend *b, int fd, int *err);
	long (*shutdown)(struct syscall_backend *b, int fd, int how,
			 int *err);

	long (*setsockopt)(struct syscall_backend *b, int fd, int level,
			   int name, const void *val, socklen_t len,
			   int *err);
	long (*getsockopt)(struct syscall_backend *b, int fd, int level,
			   int name, void *val, socklen_t *len, int *err);
	long (*getsockname)(struct syscall_backend *b, int fd,
			    struct sockaddr *addr, socklen_t *len, int *err);
	long (*getpeername)(struct syscall_backend *b, int fd,
			    struct sockaddr *addr, socklen_t *len, int *err);

	/* arg is ignored by commands that take none (F_GETFL). */
	long (*fcntl)(struct syscall_backend *b, int fd, int cmd, long arg,
		      int *err);
	/* arg points to the request's argument (an int for FIONREAD,
	 * SIOCINQ, SIOCOUTQ, FIONBIO), or is NULL.
	 */
	long (*ioctl)(struct syscall_backend *b, int fd, unsigned long request,
		      void *arg, int *err);
	long (*poll)(struct syscall_backend *b, struct pollfd *fds,
		     nfds_t nfds, int timeout_ms, int *err);

	long (*epoll_create)(struct syscall_backend *b, int size, int *err);
	long (*epoll_ctl)(struct syscall_backend *b, int epfd, int op, int fd,
			  struct epoll_event *event, int *err);
	long (*epoll_wait)(struct syscall_backend *b, int epfd,
			   struct epoll_event *events, int maxevents,
			   int timeout_ms, int *err);

	/* Files and pipes, for sendfile() and splice() to a socket.  A
	 * relative path has already been made relative to the script.
	 */
	long (*open)(struct syscall_backend *b, const char *path, int flags,
		     mode_t mode, int *err);
	long (*pipe)(struct syscall_backend *b, int fds[2], int *err);
	long (*sendfile)(struct syscall_backend *b, int out_fd, int in_fd,
			 off_t *offset, size_t count, int *err);
	long (*splice)(struct syscall_backend *b, int fd_in, loff_t *off_in,
		       int fd_out, loff_t *off_out, size_t len,
		       unsigned int flags, int *err);

	/* Raise or drop one capability of the calling thread (the one that
	 * makes the script's calls): set is CAP_EFFECTIVE, CAP_PERMITTED
	 * or CAP_INHERITABLE (0, 1, 2), on is 1 to raise, 0 to drop.
	 */
	long (*cap_set)(struct syscall_backend *b, int set, int cap, int on,
			int *err);

	/* Run one of the script's shell commands where the stack is (wire
	 * mode: on the agent's machine); NULL: commands run on this one
	 * (run/shell.c).  0 when it exited 0, 1 when it failed, -1 when it
	 * could not be run; err says how on 1 and -1.
	 */
	int (*command)(struct syscall_backend *b, const char *command,
		       struct error *err);

	/* Release the backend itself (not the descriptors it handed out). */
	void (*destroy)(struct syscall_backend *b);
};

/* Implementations embed this as their first member. */
struct syscall_backend {
	const struct syscall_backend_ops *ops;
};

/* The running kernel.  Creating it sets SIGPIPE to be ignored for the
 * whole process, so that writing to a reset connection returns EPIPE as a
 * value (what scripts check) instead of killing the run.  Returns NULL
 * only when out of memory.
 */
struct syscall_backend *syscall_backend_kernel_new(void);

/* Destroy any backend; NULL is allowed. */
void syscall_backend_free(struct syscall_backend *b);

#endif /* TCPCHECK_SYSCALL_BACKEND_H */
