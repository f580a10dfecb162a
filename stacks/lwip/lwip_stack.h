/*
 * lwip_stack.h - the lwIP adapter's shared state: one instance a process
 * (lwIP keeps its state in globals), its interface and its sockets.
 *
 * lwip_host.c owns the instance, the interface, the clock and the
 * timers; lwip_socket.c gives the raw API POSIX socket meanings.
 */
#ifndef TCPCHECK_LWIP_STACK_H
#define TCPCHECK_LWIP_STACK_H

#include <stdbool.h>
#include <stddef.h>

#include "tcpcheck/stack.h"

#include "lwip/ip_addr.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/tcp.h"

#define LWIP_ADAPTER_MAX_FDS 64
#define LWIP_ADAPTER_FIRST_FD 3	/* 0-2 are stdin, stdout, stderr */
#define LWIP_ADAPTER_ACCEPT_QUEUE 16

/* One socket: an lwIP pcb and the POSIX state around it. */
struct lsock {
	struct tcp_pcb *pcb;	/* NULL once lwIP freed it or it was closed */
	int domain;		/* AF_INET or AF_INET6 */
	bool nonblock;
	bool listening;
	bool connecting;	/* connect() started, not yet answered */
	bool connected;		/* the handshake completed */
	bool rx_fin;		/* the peer's FIN arrived */
	bool shut_rd, shut_wr;
	bool dead;		/* the connection was reset or timed out */
	bool linger0;		/* SO_LINGER {1, 0}: close() resets */
	int pending_err;	/* reported once, then SO_ERROR reads 0 */
	struct pbuf *rx;	/* received, not yet read */
	size_t write_done;	/* a blocking write's bytes already queued */
	struct lsock *queue[LWIP_ADAPTER_ACCEPT_QUEUE];
	int queued, backlog;
	/* Addresses kept for getsockname()/getpeername() after the pcb. */
	ip_addr_t local_ip, remote_ip;
	u16_t local_port, remote_port;
};

struct lwip_stack {
	struct tcpcheck_stack_host host;
	struct tcpcheck_stack_config cfg;
	struct netif netif;
	struct lsock *fds[LWIP_ADAPTER_MAX_FDS];
	unsigned char out[65536 + 64];	/* one outbound datagram */
};

/* The running instance, for sys_now() and the callbacks. */
extern struct lwip_stack *lwip_instance;

/* Helpers shared by lwip_socket.c and lwip_io.c. */
struct lsock *lsock_lookup(void *st, int fd, int *err);	/* EBADF: NULL */
long lsock_fail(int *err, int e);			/* *err = e; -1 */
/* Would block: e for O_NONBLOCK, else TCPCHECK_STACK_BLOCKED. */
long lsock_wait_or(struct lsock *s, int *err, int e);
long lsock_sockaddr(const struct lsock *s, const ip_addr_t *ip, u16_t port,
		    struct sockaddr *a, socklen_t *len);
void lsock_unwatch(struct lsock *s);	/* lwIP's callbacks forget s */
/* Close (or abort) s's connection and free s and its accept queue. */
void lsock_free(struct lsock *s, bool abort_conn);

/* Free every socket (on destroy): connections are aborted. */
void lsock_free_all(struct lwip_stack *st);

/* The socket calls, in the order of struct tcpcheck_stack. */
long lsock_socket(void *st, int domain, int type, int protocol, int *err);
long lsock_bind(void *st, int fd, const struct sockaddr *a, socklen_t l,
		int *err);
long lsock_listen(void *st, int fd, int backlog, int *err);
long lsock_accept(void *st, int fd, struct sockaddr *a, socklen_t *l,
		  int *err);
long lsock_connect(void *st, int fd, const struct sockaddr *a, socklen_t l,
		   int *err);
long lsock_read(void *st, int fd, void *buf, size_t count, int *err);
long lsock_readv(void *st, int fd, const struct iovec *iov, int n, int *err);
long lsock_recv(void *st, int fd, void *buf, size_t count, int flags,
		int *err);
long lsock_recvmsg(void *st, int fd, struct msghdr *msg, int flags,
		   int *err);
long lsock_write(void *st, int fd, const void *buf, size_t count, int *err);
long lsock_writev(void *st, int fd, const struct iovec *iov, int n,
		  int *err);
long lsock_send(void *st, int fd, const void *buf, size_t count, int flags,
		int *err);
long lsock_sendmsg(void *st, int fd, const struct msghdr *msg, int flags,
		   int *err);
long lsock_close(void *st, int fd, int *err);
long lsock_shutdown(void *st, int fd, int how, int *err);
long lsock_setsockopt(void *st, int fd, int level, int name,
		      const void *val, socklen_t len, int *err);
long lsock_getsockopt(void *st, int fd, int level, int name, void *val,
		      socklen_t *len, int *err);
long lsock_getsockname(void *st, int fd, struct sockaddr *a, socklen_t *l,
		       int *err);
long lsock_getpeername(void *st, int fd, struct sockaddr *a, socklen_t *l,
		       int *err);
long lsock_fcntl(void *st, int fd, int cmd, long arg, int *err);
long lsock_poll(void *st, struct pollfd *fds, nfds_t nfds, int *err);

#endif /* TCPCHECK_LWIP_STACK_H */
