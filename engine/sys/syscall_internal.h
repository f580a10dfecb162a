/*
 * syscall_internal.h - what the system-call interpreter's files share.
 *
 * The interpreter is table-driven: each supported call is one row of
 * struct syscall_desc naming the kind of each argument (syscalls.c, which
 * also holds the driver and the fd map).  An argument kind knows how to
 * evaluate its script expression into a struct arg_slot before the call
 * (syscall_args.c, and syscall_arrays.c for iovec/pollfd/epoll arrays)
 * and how to compare what the call wrote back afterwards
 * (syscall_check.c).  Expression helpers shared by the kinds - integers,
 * sockaddrs, text for messages - are in syscall_expr.c.  Only syscalls.h
 * is public.
 */
#ifndef TCPCHECK_SYSCALL_INTERNAL_H
#define TCPCHECK_SYSCALL_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "ast.h"
#include "core/error.h"
#include "core/plan.h"
#include "sys/syscall_backend.h"
#include "sys/syscalls.h"

#define SYSCALL_MAX_ARGS 6

/* Bounds that keep a typo in a script from exhausting memory. */
#define SYSCALL_MAX_BUFFER (64 * 1024 * 1024)	/* read/write counts */
#define SYSCALL_MAX_ITEMS 1024		/* iovecs, pollfds, epoll events */
#define SOCKOPT_DEFAULT_LEN 512		/* getsockopt(..., ..., ...) */

/* How an argument is evaluated and checked.  Kinds marked "link" use the
 * value of another argument (arg_spec.link), which is evaluated first.
 */
enum arg_kind {
	ARG_FD,		/* script fd, passed as the live fd */
	ARG_INT,	/* number, symbol, a|b, htons(...) */
	ARG_DOMAIN,	/* like ARG_INT; `...` is the plan's family */
	ARG_SIZE,	/* a byte count, 0 .. SYSCALL_MAX_BUFFER */
	ARG_BUF_IN,	/* link: size.  `...`, NULL or "bytes" */
	ARG_BUF_OUT,	/* link: size.  `...`, NULL or "expected bytes" */
	ARG_ADDR_BIND,	/* link: length.  `...` = plan's bind address */
	ARG_ADDR_CONNECT, /* link: length.  `...` = plan's remote address */
	ARG_ADDRLEN_IN,	/* `...` (the address's size) or a number */
	ARG_ADDR_OUT,	/* link: length.  `...`, NULL or expected {...} */
	ARG_ADDRLEN_OUT, /* `...`, NULL or [expected length] */
	ARG_OPTVAL_IN,	/* link: length.  [int], {onoff, linger}, "text" */
	ARG_OPTLEN_IN,	/* `...` (the value's size) or a number */
	ARG_OPTVAL_OUT,	/* link: length.  `...` or the expected value */
	ARG_OPTLEN_OUT,	/* `...`, NULL or [expected length] */
	ARG_IOCTL_INT,	/* [int] in and out (compared), `...` or NULL */
	ARG_IOV_IN,	/* link: count.  [{..., 10}, {"abc", 3}] */
	ARG_IOV_OUT,	/* link: count */
	ARG_POLLFDS,	/* link: nfds.  [{fd=4, events=..., revents=...}] */
	ARG_EPOLL_EVENT_IN,	/* {events=..., fd=4 | ptr=N | u32=N | u64=N} */
	ARG_EPOLL_EVENTS_OUT,	/* link: maxevents.  one event or [events] */
	ARG_MSGHDR_IN,	/* {msg_name(...)=..., msg_iov(1)=[...], ...} */
	ARG_MSGHDR_OUT,	/* the same, msg_flags and msg_control compared */
	ARG_PATH,	/* "file", relative to the script's directory */
	ARG_OFFSET,	/* NULL or [offset], passed by pointer */
	ARG_PIPE_FDS,	/* [5, 6]: the script's names for the new fds */
};

struct arg_spec {
	enum arg_kind kind;
	int8_t link;		/* index of the linked argument, or -1 */
};

/* What the call's return value means. */
enum result_kind {
	RESULT_VALUE,		/* compared with the script's number */
	RESULT_NEW_FD,		/* a new descriptor; `= 3` names it */
	RESULT_CLOSES_FD,	/* 0 closes argument 0's descriptor */
	RESULT_NEW_PIPE,	/* 0 opens the two fds named in argument 0 */
};

enum syscall_id {
	SYS_SOCKET, SYS_BIND, SYS_LISTEN, SYS_ACCEPT, SYS_ACCEPT4,
	SYS_CONNECT, SYS_READ, SYS_READV, SYS_RECV, SYS_RECVFROM,
	SYS_WRITE, SYS_WRITEV, SYS_SEND, SYS_SENDTO, SYS_CLOSE,
	SYS_SHUTDOWN, SYS_SETSOCKOPT, SYS_GETSOCKOPT, SYS_GETSOCKNAME,
	SYS_GETPEERNAME, SYS_FCNTL, SYS_IOCTL, SYS_POLL,
	SYS_EPOLL_CREATE, SYS_EPOLL_CTL, SYS_EPOLL_WAIT,
	SYS_SENDMSG, SYS_RECVMSG, SYS_OPEN, SYS_PIPE, SYS_SENDFILE,
	SYS_SPLICE, SYS_CAP_SET,
};

struct syscall_desc {
	const char *name;
	enum syscall_id id;
	int min_args;
	int max_args;
	struct arg_spec args[SYSCALL_MAX_ARGS];
	enum result_kind result;
	bool may_block;		/* can wait for the network */
};

/* The shape of a socket option value, as written. */
enum optval_form {
	OPTVAL_NONE,		/* `...` or NULL: not compared */
	OPTVAL_INT,		/* [1] */
	OPTVAL_LINGER,		/* {onoff=1, linger=0} */
	OPTVAL_STRING,		/* "reno" */
};

/* One evaluated argument.  Buffers are owned by the slot. */
struct arg_slot {
	const struct expr *expr;	/* NULL: optional, not written */
	bool unchecked;		/* `...`: output not compared */
	bool is_null;		/* a NULL pointer is passed */
	bool automatic;		/* a `...` length, set by its linked arg */
	int64_t num;		/* number, live fd, size, length */
	int script_fd;		/* ARG_FD: the number as written */
	socklen_t len;		/* in/out length passed by pointer */
	enum optval_form form;
	void *buf;		/* what the call reads or writes */
	size_t buf_len;
	void *want;		/* expected output, kind-specific */
	size_t want_len;
};

struct syscall_run {
	const struct syscall_desc *desc;
	struct syscall_backend *backend;
	int argc;
	struct arg_slot arg[SYSCALL_MAX_ARGS];
	/* The result the script expects. */
	bool result_unchecked;	/* `= ...` */
	int64_t want_result;
	int want_errno;		/* 0: errno not checked */
	/* Filled by syscall_perform(). */
	long result;
	int err;
	/* Filled by syscall_finish(). */
	struct syscall_effects effects;
};

/* Expected outputs kept in arg_slot.want, per kind. */
struct iov_want {		/* one element of ARG_IOV_OUT */
	void *bytes;		/* NULL: not compared */
	size_t len;
};

struct pollfd_want {		/* one element of ARG_POLLFDS */
	int script_fd;
	bool check;		/* revents not written as ... */
	short revents;
};

enum epoll_data_kind {
	EPOLL_DATA_FD, EPOLL_DATA_PTR, EPOLL_DATA_U32, EPOLL_DATA_U64,
};

struct epoll_want {		/* one element of ARG_EPOLL_EVENTS_OUT */
	uint32_t events;
	enum epoll_data_kind data_kind;
	uint64_t data;		/* the live fd for EPOLL_DATA_FD */
	int script_fd;
};

/* ---- msghdr (syscall_msghdr.c) ---- */

/* The data of one control message, as written in the script. */
enum cmsg_form {
	CMSG_INT,		/* cmsg_data=9000: an int */
	CMSG_BYTES,		/* cmsg_data="...": raw bytes */
	CMSG_TIMESTAMPING,	/* {scm_sec=0, scm_nsec=20000000} */
	CMSG_EXTENDED_ERR,	/* {ee_errno=..., ee_origin=..., ...} */
};

/* sock_extended_err members, in struct order. */
enum { EE_ERRNO, EE_ORIGIN, EE_TYPE, EE_CODE, EE_INFO, EE_DATA,
       EE_FIELDS };

struct cmsg_want {
	const struct expr *expr;	/* the {cmsg_level=...} literal */
	int level;
	int type;
	enum cmsg_form form;
	size_t data_len;	/* bytes after the header */
	int32_t num;		/* CMSG_INT */
	int64_t ts_usecs;	/* CMSG_TIMESTAMPING: script time */
	int64_t ee[EE_FIELDS];	/* CMSG_EXTENDED_ERR */
	bool ee_check[EE_FIELDS];	/* not written as ... */
	const void *bytes;	/* CMSG_BYTES: the string's text */
};

/* What a msghdr argument owns: the msghdr the call gets and, for
 * recvmsg, what the script expects in it afterwards.
 */
struct msg_arg {
	struct msghdr msg;
	struct sockaddr_storage name;
	struct iovec *iov;
	struct iov_want *iov_want;
	size_t iov_count;
	unsigned char *control;
	struct cmsg_want *cmsgs;
	int cmsg_count;
	const struct expr *flags_expr;	/* msg_flags; NULL: not compared */
	int want_flags;
	bool check_control;		/* msg_control was written */
};

/* ---- evaluation errors ---- */

/* A problem with a script expression: its text and where it points.  The
 * prepare path turns it into a struct error, validate into a diagnostic.
 */
struct eval_error {
	struct src_loc loc;
	char text[512];
};

int eval_fail(struct eval_error *ee, struct src_loc loc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* ---- expression helpers (syscall_expr.c) ---- */

/* "a number", "a string", ...: what was found where something else was
 * expected.
 */
const char *expr_describe(const struct expr *e);

bool expr_is_ellipsis(const struct expr *e);
/* NULL or the number 0, written where a pointer goes. */
bool expr_is_null(const struct expr *e);

/* Integer value of a number, symbol, a|b or htons()/htonl()/ntohs()/
 * ntohl()/inet_addr() call.
 */
int expr_eval_int(const struct expr *e, int64_t *value,
		  struct eval_error *ee);

/* The single element of [x] as an integer. */
int expr_eval_bracketed(const struct expr *e, int64_t *value,
			struct eval_error *ee);

/* The value of a struct literal's field, NULL if not written. */
const struct expr *expr_field(const struct expr *e, const char *name);

/* Reject fields other than the NULL-terminated list of allowed names. */
int expr_check_fields(const struct expr *e, const char *const *allowed,
		      const char *what, struct eval_error *ee);

/* Functions scripts may call in expressions: htons(), inet_addr(), ... */
bool expr_function_known(const char *name);
const char *expr_function_suggest(const char *name);

/* Fail with "unknown symbol 'X'" and a suggestion if there is one. */
int unknown_symbol(const char *name, struct src_loc loc,
		   struct eval_error *ee);

/* A growing text buffer that truncates instead of failing. */
struct strbuf {
	char *buf;
	size_t size;
	size_t len;
};

void strbuf_init(struct strbuf *sb, char *buf, size_t size);
void strbuf_add(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* bytes as a C string literal, "ab\x01" */
void strbuf_add_quoted(struct strbuf *sb, const void *bytes, size_t len);

/* The expression as written in the script: [1], O_RDWR|O_NONBLOCK, ... */
void expr_format(const struct expr *e, struct strbuf *sb);

/* The flags in value by name: POLLIN|POLLOUT, EPOLLIN|EPOLLET,
 * MSG_ERRQUEUE|MSG_TRUNC.
 */
enum flag_set { FLAGS_POLL, FLAGS_EPOLL, FLAGS_MSG };

void flags_format(uint32_t value, enum flag_set set, struct strbuf *sb);

/* The family of sockets the plan uses: AF_INET or AF_INET6. */
int plan_socket_family(const struct net_plan *plan);

enum addr_role {
	ADDR_ROLE_BIND,		/* the wildcard address, bind_port */
	ADDR_ROLE_CONNECT,	/* remote_ip, connect_port */
};

/* The address `...` stands for; -1 (with ee) if the plan cannot give it. */
int sockaddr_from_plan(const struct net_plan *plan, enum addr_role role,
		       struct sockaddr_storage *ss, socklen_t *len,
		       struct src_loc loc, struct eval_error *ee);

/* What an explicit sockaddr literal compares, when it is expected output. */
struct sockaddr_want {
	bool check_port;	/* port not written as ... */
	bool check_addr;	/* address not written as ... */
};

/* Build {sa_family=AF_INET, sin_port=htons(N), sin_addr=inet_addr("a")}
 * (or the AF_INET6 form).  allow_wildcards lets the port and address be
 * `...` in an expected output; want (may be NULL) says which were.
 */
int sockaddr_from_expr(const struct expr *e, struct sockaddr_storage *ss,
		       socklen_t *len, bool allow_wildcards,
		       struct sockaddr_want *want, struct eval_error *ee);

struct addr_want {		/* ARG_ADDR_OUT written as a sockaddr */
	struct sockaddr_storage ss;
	socklen_t len;
	struct sockaddr_want check;
};

/* "192.0.2.1:8080", "[fd3d::1]:8080", "AF_UNSPEC" ... */
void sockaddr_format(const struct sockaddr_storage *ss, socklen_t len,
		     struct strbuf *sb);

/* ---- argument kinds (syscall_args.c, syscall_check.c) ---- */

/* True for kinds evaluated in the second pass (they use a linked arg). */
bool arg_kind_is_linked(enum arg_kind kind);

/* Evaluate argument i of run.  ctx NULL means a static check: nothing is
 * looked up in the fd map and addresses use the default plan.
 * Returns an enum outcome (OUTCOME_BAD_SCRIPT with ee on failure).
 */
int arg_prepare(const struct syscall_ctx *ctx, struct syscall_run *run,
		int i, struct eval_error *ee);

/* Compare what the call wrote into argument i with the script.  Returns
 * OUTCOME_OK, or OUTCOME_MISMATCH with the detail (not the call) in
 * detail.
 */
int arg_finish(const struct syscall_ctx *ctx, const struct syscall_run *run,
	       int i, struct strbuf *detail);

/* Helpers shared by the kinds (syscall_args.c). */
int arg_bad(struct eval_error *ee, struct src_loc loc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int arg_oom(struct eval_error *ee, const struct expr *e);
/* e is a struct literal with named fields from the NULL-terminated list
 * allowed ("unknown what field 'x'"); else "expected form, found ...".
 */
int arg_struct(const struct expr *e, const char *const *allowed,
	       const char *what, const char *form, struct eval_error *ee);
void *arg_zalloc(size_t len);
struct arg_slot *arg_linked(struct syscall_run *run, int i);
int arg_eval_range(const struct expr *e, int64_t lo, int64_t hi,
		   const char *what, int64_t *v, struct eval_error *ee);
int arg_map_fd(const struct syscall_ctx *ctx, const struct expr *e,
	       bool allow_negative, int *script_fd, int *live_fd,
	       struct eval_error *ee);

/* Array kinds (syscall_arrays.c). */
int arg_prep_iov(struct syscall_run *run, int i, bool out,
		 struct eval_error *ee);
/* An iovec array e of count elements (count_name for messages): *iov
 * and *want get count elements each (plus one, so never NULL).  Free
 * with iov_array_free() also on failure.
 */
int iov_array_prepare(const struct expr *e, int64_t count,
		      const char *count_name, bool out, struct iovec **iov,
		      struct iov_want **want, struct eval_error *ee);
void iov_array_free(struct iovec *iov, struct iov_want *want, size_t n);
int arg_prep_pollfds(const struct syscall_ctx *ctx, struct syscall_run *run,
		     int i, struct eval_error *ee);
int arg_prep_epoll_in(const struct syscall_ctx *ctx, struct arg_slot *s,
		      struct eval_error *ee);
int arg_prep_epoll_out(const struct syscall_ctx *ctx, struct syscall_run *run,
		       int i, struct eval_error *ee);

/* Comparing output (syscall_check.c): the first `got` bytes the call
 * put into iov with want.
 */
int iov_array_check(const struct iovec *iov, const struct iov_want *want,
		    size_t n, size_t got, struct strbuf *detail);

/* msghdr kinds (syscall_msghdr.c): prepare, compare after recvmsg
 * (MSGHDR_OUT), and free what a struct msg_arg owns.
 */
int arg_prep_msghdr(const struct syscall_ctx *ctx, struct arg_slot *s,
		    bool out, struct eval_error *ee);
int msghdr_check(const struct syscall_ctx *ctx, const struct syscall_run *run,
		 const struct arg_slot *s, struct strbuf *detail);
void msghdr_release(struct msg_arg *m);

/* Free what prepare allocated; the slot is left zeroed. */
void arg_release(enum arg_kind kind, struct arg_slot *slot);

/* Reverse lookup for messages: the script's number for a live fd, or -1. */
int fd_map_script_fd(const struct fd_map *m, int live_fd);

#endif /* TCPCHECK_SYSCALL_INTERNAL_H */
