/*
 * pd_interface.h - packetdrill's shared-object interface, declared from
 * its documented ABI: an object exports
 *
 *     void packetdrill_interface_init(const char *flags,
 *                                     struct <table> *table);
 *
 * which fills a table of function pointers, in the order below, each
 * taking the table's userdata first and otherwise the POSIX call's
 * arguments, returning what the call returns and setting errno.  Two are
 * the wire: netdev_send() hands the stack one inbound IP datagram (0 or
 * -1); netdev_receive() takes one outbound datagram if there is one (the
 * buffer's size in *count on entry, the datagram's length or 0 on
 * return, its time in microseconds in *time_usecs).  usleep() and
 * gettimeofday() are the stack's clock (the wall clock, for the stacks
 * written so far).  fcntl() and ioctl() take one argument after the
 * command, as variadic functions.
 */
#ifndef TCPCHECK_PD_INTERFACE_H
#define TCPCHECK_PD_INTERFACE_H

#include <poll.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

#define PD_ENTRY "packetdrill_interface_init"

struct pd_table {
	void *userdata;
	void (*free)(void *u);
	int (*socket)(void *u, int domain, int type, int protocol);
	int (*bind)(void *u, int fd, const struct sockaddr *a, socklen_t l);
	int (*listen)(void *u, int fd, int backlog);
	int (*accept)(void *u, int fd, struct sockaddr *a, socklen_t *l);
	int (*connect)(void *u, int fd, const struct sockaddr *a,
		       socklen_t l);
	ssize_t (*read)(void *u, int fd, void *buf, size_t n);
	ssize_t (*readv)(void *u, int fd, const struct iovec *iov, int n);
	ssize_t (*recv)(void *u, int fd, void *buf, size_t n, int flags);
	ssize_t (*recvfrom)(void *u, int fd, void *buf, size_t n, int flags,
			    struct sockaddr *a, socklen_t *l);
	ssize_t (*recvmsg)(void *u, int fd, struct msghdr *m, int flags);
	ssize_t (*write)(void *u, int fd, const void *buf, size_t n);
	ssize_t (*writev)(void *u, int fd, const struct iovec *iov, int n);
	ssize_t (*send)(void *u, int fd, const void *buf, size_t n,
			int flags);
	ssize_t (*sendto)(void *u, int fd, const void *buf, size_t n,
			  int flags, const struct sockaddr *a, socklen_t l);
	ssize_t (*sendmsg)(void *u, int fd, const struct msghdr *m,
			   int flags);
	int (*fcntl)(void *u, int fd, int cmd, ...);
	int (*ioctl)(void *u, int fd, unsigned long request, ...);
	int (*close)(void *u, int fd);
	int (*shutdown)(void *u, int fd, int how);
	int (*getsockopt)(void *u, int fd, int level, int name, void *val,
			  socklen_t *len);
	int (*setsockopt)(void *u, int fd, int level, int name,
			  const void *val, socklen_t len);
	int (*poll)(void *u, struct pollfd *fds, nfds_t n, int timeout_ms);
	int (*netdev_send)(void *u, const void *datagram, size_t len);
	int (*netdev_receive)(void *u, void *buf, size_t *count,
			      long long *time_usecs);
	int (*usleep)(void *u, useconds_t usecs);
	int (*gettimeofday)(void *u, struct timeval *tv, struct timezone *tz);
	int (*epoll_create)(void *u, int size);
	int (*epoll_ctl)(void *u, int epfd, int op, int fd,
			 struct epoll_event *ev);
	int (*epoll_wait)(void *u, int epfd, struct epoll_event *evs,
			  int max, int timeout_ms);
	int (*pipe)(void *u, int fds[2]);
	int (*splice)(void *u, int in, loff_t *in_off, int out,
		      loff_t *out_off, size_t len, unsigned int flags);
};

typedef void (*pd_entry_fn)(const char *flags, struct pd_table *table);

#endif /* TCPCHECK_PD_INTERFACE_H */
