/*
 * tcpcheck/stack.h - the interface a userspace TCP stack implements so
 * that tcpcheck can play scripts against it (docs/stack-plugin.md).
 *
 * A stack is a shared object exporting one function,
 * tcpcheck_stack_entry(), that returns a filled `struct tcpcheck_stack`.
 * tcpcheck loads it with dlopen() in the process that plays one script,
 * checks abi_version and size, and creates one instance with create().
 *
 * Time belongs to tcpcheck.  The stack reads it with host->now_ns(), and
 * after every call into the stack tcpcheck asks next_timer() when it next
 * needs to run; tcpcheck then advances its (virtual) clock to that
 * instant or to the script's next event, whichever comes first, and calls
 * run_timers() when a timer is due.  Nothing sleeps.
 *
 * Packets: tcpcheck hands each inbound IP datagram to input(); the stack
 * hands each datagram it sends to host->output(), from any of its calls.
 *
 * Socket calls have their POSIX meaning and signature, with the stack's
 * own descriptors, and return what POSIX says (-1 on failure) with the
 * error number in *err instead of errno.  They never block: where POSIX
 * would block (a blocking socket with nothing to read, a connect() in
 * progress, a full send buffer, accept() with no connection), they fail
 * with *err = TCPCHECK_STACK_BLOCKED and tcpcheck calls them again with
 * the same arguments as time passes and packets arrive, until they return
 * something else.  A socket marked O_NONBLOCK fails with EAGAIN (or
 * EINPROGRESS) as POSIX says instead.  A stack leaves NULL the calls it
 * lacks, and fails with *err = TCPCHECK_STACK_UNSUPPORTED a call whose
 * arguments it does not implement (a socket option it lacks, say): the
 * script is then skipped (exit 125) with the call named.
 */
#ifndef TCPCHECK_STACK_H
#define TCPCHECK_STACK_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Raise it on any change to the structures below. */
#define TCPCHECK_STACK_ABI_VERSION 1u

/* The one symbol a stack exports, and its type. */
#define TCPCHECK_STACK_ENTRY "tcpcheck_stack_entry"
struct tcpcheck_stack;
typedef const struct tcpcheck_stack *(*tcpcheck_stack_entry_fn)(void);

/* *err values that are not error numbers. */
#define TCPCHECK_STACK_BLOCKED (-1001)	   /* call again later */
#define TCPCHECK_STACK_UNSUPPORTED (-1002) /* skip the script */

/* What tcpcheck gives the stack: its clock, its wire and its log. */
struct tcpcheck_stack_host {
	uint32_t abi_version;
	uint32_t size;			/* sizeof(struct tcpcheck_stack_host) */
	void *ctx;			/* pass back to every call below */
	/* The current time in nanoseconds; starts at 0 for each script. */
	int64_t (*now_ns)(void *ctx);
	/* One IP datagram (IPv4 or IPv6 header first) the stack sends.
	 * tcpcheck copies it before returning.
	 */
	void (*output)(void *ctx, const void *datagram, size_t len);
	/* A line for tcpcheck's -v trace. */
	void (*log)(void *ctx, const char *text);
};

/* Where the stack lives: one interface, the script's addresses. */
struct tcpcheck_stack_config {
	uint32_t size;			/* sizeof(struct tcpcheck_stack_config) */
	int family;			/* AF_INET or AF_INET6: local_ip's */
	uint8_t local_ip[16];		/* network order; 4 bytes for IPv4 */
	int prefix_len;
	uint8_t gateway_ip[16];		/* the script's remote peer */
	int mtu;
	uint32_t seed;			/* for everything the stack randomises */
	const char *flags;		/* --stack-flags, or "" */
};

/* Options a stack can put on its segments (features below). */
#define TCPCHECK_STACK_SACK 0x1u
#define TCPCHECK_STACK_TIMESTAMPS 0x2u
#define TCPCHECK_STACK_WSCALE 0x4u
#define TCPCHECK_STACK_MSS 0x8u

struct tcpcheck_stack {
	uint32_t abi_version;		/* TCPCHECK_STACK_ABI_VERSION */
	uint32_t size;			/* sizeof(struct tcpcheck_stack) */
	const char *name;		/* "lwip": in reports */
	uint32_t features;		/* TCPCHECK_STACK_* it can send */
	int wscale;			/* the shift it offers, -1: none */

	/* Make an instance; NULL with a one-line reason in why. */
	void *(*create)(const struct tcpcheck_stack_host *host,
			const struct tcpcheck_stack_config *cfg, char *why,
			size_t why_len);
	void (*destroy)(void *stack);
	/* One inbound IP datagram; the stack copies what it keeps. */
	void (*input)(void *stack, const void *datagram, size_t len);
	/* Run every timer due at host->now_ns(). */
	void (*run_timers)(void *stack);
	/* The next instant (host->now_ns()'s clock) run_timers() must be
	 * called; -1: none.  Asked after every call into the stack.
	 */
	int64_t (*next_timer)(void *stack);

	long (*socket)(void *stack, int domain, int type, int protocol,
		       int *err);
	long (*bind)(void *stack, int fd, const struct sockaddr *addr,
		     socklen_t len, int *err);
	long (*listen)(void *stack, int fd, int backlog, int *err);
	long (*accept)(void *stack, int fd, struct sockaddr *addr,
		       socklen_t *len, int *err);
	long (*connect)(void *stack, int fd, const struct sockaddr *addr,
			socklen_t len, int *err);
	long (*read)(void *stack, int fd, void *buf, size_t count, int *err);
	long (*readv)(void *stack, int fd, const struct iovec *iov,
		      int iovcnt, int *err);
	long (*recv)(void *stack, int fd, void *buf, size_t count, int flags,
		     int *err);
	long (*recvmsg)(void *stack, int fd, struct msghdr *msg, int flags,
			int *err);
	long (*write)(void *stack, int fd, const void *buf, size_t count,
		      int *err);
	long (*writev)(void *stack, int fd, const struct iovec *iov,
		       int iovcnt, int *err);
	long (*send)(void *stack, int fd, const void *buf, size_t count,
		     int flags, int *err);
	long (*sendmsg)(void *stack, int fd, const struct msghdr *msg,
			int flags, int *err);
	long (*close)(void *stack, int fd, int *err);
	long (*shutdown)(void *stack, int fd, int how, int *err);
	long (*setsockopt)(void *stack, int fd, int level, int name,
			   const void *val, socklen_t len, int *err);
	long (*getsockopt)(void *stack, int fd, int level, int name,
			   void *val, socklen_t *len, int *err);
	long (*getsockname)(void *stack, int fd, struct sockaddr *addr,
			    socklen_t *len, int *err);
	long (*getpeername)(void *stack, int fd, struct sockaddr *addr,
			    socklen_t *len, int *err);
	/* F_GETFL and F_SETFL (O_NONBLOCK) at least. */
	long (*fcntl)(void *stack, int fd, int cmd, long arg, int *err);
	/* Always called with timeout 0: tcpcheck waits, in its time. */
	long (*poll)(void *stack, struct pollfd *fds, nfds_t nfds, int *err);
};

#ifdef __cplusplus
}
#endif

#endif /* TCPCHECK_STACK_H */
