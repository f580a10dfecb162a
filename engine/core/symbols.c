/*
 * symbols.c - the table of symbolic constants (see symbols.h).
 *
 * One array, kept sorted by name so lookups are a binary search with no
 * start-up work and no locking; test_symbols checks the order, so an
 * entry added out of place fails `make check` rather than silently
 * becoming unfindable.  Values are the headers' own macros.  Most names
 * exist in every header this project supports; the few that appeared in
 * recent kernels are guarded with #ifdef.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <netinet/udp.h>
#include <linux/capability.h>
#include <linux/errqueue.h>
#include <linux/net_tstamp.h>
#include <linux/sockios.h>

#include "core/symbols.h"

#define SYM(name)		{ #name, (int64_t)(name), SYMBOL_CONSTANT }
/* For names that are no macro of their own (enum tcp_ca_state, NULL,
 * libcap's CAP_EFFECTIVE and CAP_SET for cap_set()).
 */
#define SYM_AS(text, value)	{ text, (int64_t)(value), SYMBOL_CONSTANT }
#define ERRNO(name)		{ #name, (name), SYMBOL_ERRNO }
#define ERRNO_ALIAS(name)	{ #name, (name), SYMBOL_ERRNO_ALIAS }

/* Sorted by strcmp() of the name: '_' sorts after digits and capitals. */
static const struct symbol symbols[] = {
	SYM(AF_INET),
	SYM(AF_INET6),
	SYM(AF_LOCAL),
	SYM(AF_NETLINK),
	SYM(AF_PACKET),
	SYM(AF_UNIX),
	SYM(AF_UNSPEC),
	SYM(CAP_AUDIT_WRITE),
	SYM(CAP_CHOWN),
	SYM_AS("CAP_CLEAR", 0),
	SYM(CAP_DAC_OVERRIDE),
	SYM_AS("CAP_EFFECTIVE", 0),
	SYM_AS("CAP_INHERITABLE", 2),
	SYM(CAP_IPC_LOCK),
	SYM(CAP_KILL),
	SYM(CAP_NET_ADMIN),
	SYM(CAP_NET_BIND_SERVICE),
	SYM(CAP_NET_BROADCAST),
	SYM(CAP_NET_RAW),
	SYM_AS("CAP_PERMITTED", 1),
	SYM_AS("CAP_SET", 1),
	SYM(CAP_SETGID),
	SYM(CAP_SETUID),
	SYM(CAP_SYS_ADMIN),
	SYM(CAP_SYS_NICE),
	SYM(CAP_SYS_RESOURCE),
	ERRNO(E2BIG),
	ERRNO(EACCES),
	ERRNO(EADDRINUSE),
	ERRNO(EADDRNOTAVAIL),
	ERRNO(EADV),
	ERRNO(EAFNOSUPPORT),
	ERRNO(EAGAIN),
	ERRNO(EALREADY),
	ERRNO(EBADE),
	ERRNO(EBADF),
	ERRNO(EBADFD),
	ERRNO(EBADMSG),
	ERRNO(EBADR),
	ERRNO(EBADRQC),
	ERRNO(EBADSLT),
	ERRNO(EBFONT),
	ERRNO(EBUSY),
	ERRNO(ECANCELED),
	ERRNO(ECHILD),
	ERRNO(ECHRNG),
	ERRNO(ECOMM),
	ERRNO(ECONNABORTED),
	ERRNO(ECONNREFUSED),
	ERRNO(ECONNRESET),
	ERRNO(EDEADLK),
	ERRNO_ALIAS(EDEADLOCK),
	ERRNO(EDESTADDRREQ),
	ERRNO(EDOM),
	ERRNO(EDOTDOT),
	ERRNO(EDQUOT),
	ERRNO(EEXIST),
	ERRNO(EFAULT),
	ERRNO(EFBIG),
	ERRNO(EHOSTDOWN),
	ERRNO(EHOSTUNREACH),
	ERRNO(EHWPOISON),
	ERRNO(EIDRM),
	ERRNO(EILSEQ),
	ERRNO(EINPROGRESS),
	ERRNO(EINTR),
	ERRNO(EINVAL),
	ERRNO(EIO),
	ERRNO(EISCONN),
	ERRNO(EISDIR),
	ERRNO(EISNAM),
	ERRNO(EKEYEXPIRED),
	ERRNO(EKEYREJECTED),
	ERRNO(EKEYREVOKED),
	ERRNO(EL2HLT),
	ERRNO(EL2NSYNC),
	ERRNO(EL3HLT),
	ERRNO(EL3RST),
	ERRNO(ELIBACC),
	ERRNO(ELIBBAD),
	ERRNO(ELIBEXEC),
	ERRNO(ELIBMAX),
	ERRNO(ELIBSCN),
	ERRNO(ELNRNG),
	ERRNO(ELOOP),
	ERRNO(EMEDIUMTYPE),
	ERRNO(EMFILE),
	ERRNO(EMLINK),
	ERRNO(EMSGSIZE),
	ERRNO(EMULTIHOP),
	ERRNO(ENAMETOOLONG),
	ERRNO(ENAVAIL),
	ERRNO(ENETDOWN),
	ERRNO(ENETRESET),
	ERRNO(ENETUNREACH),
	ERRNO(ENFILE),
	ERRNO(ENOANO),
	ERRNO(ENOBUFS),
	ERRNO(ENOCSI),
	ERRNO(ENODATA),
	ERRNO(ENODEV),
	ERRNO(ENOENT),
	ERRNO(ENOEXEC),
	ERRNO(ENOKEY),
	ERRNO(ENOLCK),
	ERRNO(ENOLINK),
	ERRNO(ENOMEDIUM),
	ERRNO(ENOMEM),
	ERRNO(ENOMSG),
	ERRNO(ENONET),
	ERRNO(ENOPKG),
	ERRNO(ENOPROTOOPT),
	ERRNO(ENOSPC),
	ERRNO(ENOSR),
	ERRNO(ENOSTR),
	ERRNO(ENOSYS),
	ERRNO(ENOTBLK),
	ERRNO(ENOTCONN),
	ERRNO(ENOTDIR),
	ERRNO(ENOTEMPTY),
	ERRNO(ENOTNAM),
	ERRNO(ENOTRECOVERABLE),
	ERRNO(ENOTSOCK),
	ERRNO_ALIAS(ENOTSUP),
	ERRNO(ENOTTY),
	ERRNO(ENOTUNIQ),
	ERRNO(ENXIO),
	ERRNO(EOPNOTSUPP),
	ERRNO(EOVERFLOW),
	ERRNO(EOWNERDEAD),
	ERRNO(EPERM),
	ERRNO(EPFNOSUPPORT),
	ERRNO(EPIPE),
	SYM(EPOLLERR),
	SYM(EPOLLET),
	SYM(EPOLLEXCLUSIVE),
	SYM(EPOLLHUP),
	SYM(EPOLLIN),
	SYM(EPOLLMSG),
	SYM(EPOLLONESHOT),
	SYM(EPOLLOUT),
	SYM(EPOLLPRI),
	SYM(EPOLLRDBAND),
	SYM(EPOLLRDHUP),
	SYM(EPOLLRDNORM),
	SYM(EPOLLWAKEUP),
	SYM(EPOLLWRBAND),
	SYM(EPOLLWRNORM),
	SYM(EPOLL_CLOEXEC),
	SYM(EPOLL_CTL_ADD),
	SYM(EPOLL_CTL_DEL),
	SYM(EPOLL_CTL_MOD),
	ERRNO(EPROTO),
	ERRNO(EPROTONOSUPPORT),
	ERRNO(EPROTOTYPE),
	ERRNO(ERANGE),
	ERRNO(EREMCHG),
	ERRNO(EREMOTE),
	ERRNO(EREMOTEIO),
	ERRNO(ERESTART),
	ERRNO(ERFKILL),
	ERRNO(EROFS),
	ERRNO(ESHUTDOWN),
	ERRNO(ESOCKTNOSUPPORT),
	ERRNO(ESPIPE),
	ERRNO(ESRCH),
	ERRNO(ESRMNT),
	ERRNO(ESTALE),
	ERRNO(ESTRPIPE),
	ERRNO(ETIME),
	ERRNO(ETIMEDOUT),
	ERRNO(ETOOMANYREFS),
	ERRNO(ETXTBSY),
	ERRNO(EUCLEAN),
	ERRNO(EUNATCH),
	ERRNO(EUSERS),
	ERRNO_ALIAS(EWOULDBLOCK),
	ERRNO(EXDEV),
	ERRNO(EXFULL),
	SYM(FD_CLOEXEC),
	SYM(FIOASYNC),
	SYM(FIONBIO),
	SYM(FIONREAD),
	SYM(F_DUPFD),
	SYM(F_DUPFD_CLOEXEC),
	SYM(F_GETFD),
	SYM(F_GETFL),
	SYM(F_GETLEASE),
	SYM(F_GETLK),
	SYM(F_GETOWN),
	SYM(F_GETPIPE_SZ),
	SYM(F_GETSIG),
	SYM(F_NOTIFY),
	SYM(F_RDLCK),
	SYM(F_SETFD),
	SYM(F_SETFL),
	SYM(F_SETLEASE),
	SYM(F_SETLK),
	SYM(F_SETLKW),
	SYM(F_SETOWN),
	SYM(F_SETPIPE_SZ),
	SYM(F_SETSIG),
	SYM(F_UNLCK),
	SYM(F_WRLCK),
	SYM(IPPROTO_ICMP),
	SYM(IPPROTO_ICMPV6),
	SYM(IPPROTO_IP),
	SYM(IPPROTO_IPV6),
#ifdef IPPROTO_MPTCP
	SYM(IPPROTO_MPTCP),
#endif
	SYM(IPPROTO_RAW),
	SYM(IPPROTO_SCTP),
	SYM(IPPROTO_TCP),
	SYM(IPPROTO_UDP),
	SYM(IPPROTO_UDPLITE),
	SYM(IPV6_AUTOFLOWLABEL),
	SYM(IPV6_DONTFRAG),
	SYM(IPV6_FREEBIND),
	SYM(IPV6_HOPLIMIT),
	SYM(IPV6_MTU),
	SYM(IPV6_MTU_DISCOVER),
	SYM(IPV6_PKTINFO),
	SYM(IPV6_PMTUDISC_DO),
	SYM(IPV6_PMTUDISC_DONT),
	SYM(IPV6_PMTUDISC_INTERFACE),
	SYM(IPV6_PMTUDISC_OMIT),
	SYM(IPV6_PMTUDISC_PROBE),
	SYM(IPV6_PMTUDISC_WANT),
	SYM(IPV6_RECVERR),
	SYM(IPV6_RECVHOPLIMIT),
	SYM(IPV6_RECVPKTINFO),
	SYM(IPV6_RECVTCLASS),
	SYM(IPV6_TCLASS),
	SYM(IPV6_TRANSPARENT),
	SYM(IPV6_UNICAST_HOPS),
	SYM(IPV6_V6ONLY),
	SYM(IP_BIND_ADDRESS_NO_PORT),
	SYM(IP_FREEBIND),
	SYM(IP_HDRINCL),
#ifdef IP_LOCAL_PORT_RANGE
	SYM(IP_LOCAL_PORT_RANGE),
#endif
	SYM(IP_MTU),
	SYM(IP_MTU_DISCOVER),
	SYM(IP_MULTICAST_LOOP),
	SYM(IP_MULTICAST_TTL),
	SYM(IP_OPTIONS),
	SYM(IP_PKTINFO),
	SYM(IP_PMTUDISC_DO),
	SYM(IP_PMTUDISC_DONT),
	SYM(IP_PMTUDISC_INTERFACE),
	SYM(IP_PMTUDISC_OMIT),
	SYM(IP_PMTUDISC_PROBE),
	SYM(IP_PMTUDISC_WANT),
	SYM(IP_RECVERR),
	SYM(IP_RECVTOS),
	SYM(IP_RECVTTL),
	SYM(IP_TOS),
	SYM(IP_TRANSPARENT),
	SYM(IP_TTL),
	SYM(MSG_BATCH),
	SYM(MSG_CMSG_CLOEXEC),
	SYM(MSG_CONFIRM),
	SYM(MSG_CTRUNC),
	SYM(MSG_DONTROUTE),
	SYM(MSG_DONTWAIT),
	SYM(MSG_EOR),
	SYM(MSG_ERRQUEUE),
	SYM(MSG_FASTOPEN),
	SYM(MSG_FIN),
	SYM(MSG_MORE),
	SYM(MSG_NOSIGNAL),
	SYM(MSG_OOB),
	SYM(MSG_PEEK),
	SYM(MSG_PROXY),
	SYM(MSG_RST),
	SYM(MSG_SYN),
	SYM(MSG_TRUNC),
	SYM(MSG_WAITALL),
	SYM(MSG_WAITFORONE),
	SYM(MSG_ZEROCOPY),
	SYM_AS("NULL", (intptr_t)NULL),
	SYM(O_ACCMODE),
	SYM(O_APPEND),
	SYM(O_ASYNC),
	SYM(O_CLOEXEC),
	SYM(O_CREAT),
	SYM(O_DIRECT),
	SYM(O_DIRECTORY),
	SYM(O_DSYNC),
	SYM(O_EXCL),
	SYM(O_LARGEFILE),
	SYM(O_NDELAY),
	SYM(O_NOATIME),
	SYM(O_NOCTTY),
	SYM(O_NOFOLLOW),
	SYM(O_NONBLOCK),
	SYM(O_PATH),
	SYM(O_RDONLY),
	SYM(O_RDWR),
	SYM(O_SYNC),
	SYM(O_TMPFILE),
	SYM(O_TRUNC),
	SYM(O_WRONLY),
	SYM(PF_INET),
	SYM(PF_INET6),
	SYM(PF_LOCAL),
	SYM(PF_UNIX),
	SYM(PF_UNSPEC),
	SYM(POLLERR),
	SYM(POLLHUP),
	SYM(POLLIN),
	SYM(POLLMSG),
	SYM(POLLNVAL),
	SYM(POLLOUT),
	SYM(POLLPRI),
	SYM(POLLRDBAND),
	SYM(POLLRDHUP),
	SYM(POLLRDNORM),
	SYM(POLLWRBAND),
	SYM(POLLWRNORM),
	SYM(SCM_CREDENTIALS),
	SYM(SCM_RIGHTS),
	SYM(SCM_TIMESTAMP),
	SYM(SCM_TIMESTAMPING),
	SYM(SCM_TIMESTAMPING_OPT_STATS),
	SYM(SCM_TIMESTAMPNS),
	SYM(SCM_TSTAMP_ACK),
	SYM(SCM_TSTAMP_SCHED),
	SYM(SCM_TSTAMP_SND),
	SYM(SCM_TXTIME),
	SYM(SHUT_RD),
	SYM(SHUT_RDWR),
	SYM(SHUT_WR),
	SYM(SIOCATMARK),
	SYM(SIOCINQ),
	SYM(SIOCOUTQ),
	SYM(SIOCOUTQNSD),
	SYM(SOCK_CLOEXEC),
	SYM(SOCK_DGRAM),
	SYM(SOCK_NONBLOCK),
	SYM(SOCK_RAW),
	SYM(SOCK_RDM),
	SYM(SOCK_SEQPACKET),
	SYM(SOCK_STREAM),
#ifdef SOF_TIMESTAMPING_BIND_PHC
	SYM(SOF_TIMESTAMPING_BIND_PHC),
#endif
	SYM(SOF_TIMESTAMPING_OPT_CMSG),
	SYM(SOF_TIMESTAMPING_OPT_ID),
#ifdef SOF_TIMESTAMPING_OPT_ID_TCP
	SYM(SOF_TIMESTAMPING_OPT_ID_TCP),
#endif
	SYM(SOF_TIMESTAMPING_OPT_PKTINFO),
	SYM(SOF_TIMESTAMPING_OPT_STATS),
	SYM(SOF_TIMESTAMPING_OPT_TSONLY),
	SYM(SOF_TIMESTAMPING_OPT_TX_SWHW),
	SYM(SOF_TIMESTAMPING_RAW_HARDWARE),
	SYM(SOF_TIMESTAMPING_RX_HARDWARE),
	SYM(SOF_TIMESTAMPING_RX_SOFTWARE),
	SYM(SOF_TIMESTAMPING_SOFTWARE),
	SYM(SOF_TIMESTAMPING_SYS_HARDWARE),
	SYM(SOF_TIMESTAMPING_TX_ACK),
	SYM(SOF_TIMESTAMPING_TX_HARDWARE),
	SYM(SOF_TIMESTAMPING_TX_SCHED),
	SYM(SOF_TIMESTAMPING_TX_SOFTWARE),
	SYM(SOL_IP),
	SYM(SOL_IPV6),
#ifdef SOL_MPTCP
	SYM(SOL_MPTCP),
#endif
	SYM(SOL_PACKET),
	SYM(SOL_RAW),
	SYM(SOL_SOCKET),
	SYM(SOL_TCP),
#ifdef SOL_TLS
	SYM(SOL_TLS),
#endif
	SYM(SOL_UDP),
	SYM(SO_ACCEPTCONN),
	SYM(SO_ATTACH_BPF),
	SYM(SO_ATTACH_FILTER),
	SYM(SO_ATTACH_REUSEPORT_CBPF),
	SYM(SO_ATTACH_REUSEPORT_EBPF),
	SYM(SO_BINDTODEVICE),
	SYM(SO_BINDTOIFINDEX),
	SYM(SO_BPF_EXTENSIONS),
	SYM(SO_BROADCAST),
	SYM(SO_BSDCOMPAT),
#ifdef SO_BUF_LOCK
	SYM(SO_BUF_LOCK),
#endif
	SYM(SO_BUSY_POLL),
#ifdef SO_BUSY_POLL_BUDGET
	SYM(SO_BUSY_POLL_BUDGET),
#endif
	SYM(SO_CNX_ADVICE),
	SYM(SO_COOKIE),
	SYM(SO_DEBUG),
	SYM(SO_DETACH_FILTER),
	SYM(SO_DOMAIN),
	SYM(SO_DONTROUTE),
	SYM(SO_EE_CODE_TXTIME_INVALID_PARAM),
	SYM(SO_EE_CODE_TXTIME_MISSED),
	SYM(SO_EE_CODE_ZEROCOPY_COPIED),
	SYM(SO_EE_ORIGIN_ICMP),
	SYM(SO_EE_ORIGIN_ICMP6),
	SYM(SO_EE_ORIGIN_LOCAL),
	SYM(SO_EE_ORIGIN_NONE),
	SYM(SO_EE_ORIGIN_TIMESTAMPING),
	SYM(SO_EE_ORIGIN_TXSTATUS),
	SYM(SO_EE_ORIGIN_TXTIME),
	SYM(SO_EE_ORIGIN_ZEROCOPY),
	SYM(SO_ERROR),
	SYM(SO_INCOMING_CPU),
	SYM(SO_INCOMING_NAPI_ID),
	SYM(SO_KEEPALIVE),
	SYM(SO_LINGER),
	SYM(SO_LOCK_FILTER),
	SYM(SO_MARK),
	SYM(SO_MAX_PACING_RATE),
	SYM(SO_MEMINFO),
#ifdef SO_NETNS_COOKIE
	SYM(SO_NETNS_COOKIE),
#endif
	SYM(SO_NOFCS),
	SYM(SO_NO_CHECK),
	SYM(SO_OOBINLINE),
	SYM(SO_PASSCRED),
	SYM(SO_PASSSEC),
	SYM(SO_PEEK_OFF),
	SYM(SO_PEERCRED),
	SYM(SO_PEERGROUPS),
	SYM(SO_PEERNAME),
	SYM(SO_PEERSEC),
#ifdef SO_PREFER_BUSY_POLL
	SYM(SO_PREFER_BUSY_POLL),
#endif
	SYM(SO_PRIORITY),
	SYM(SO_PROTOCOL),
	SYM(SO_RCVBUF),
	SYM(SO_RCVBUFFORCE),
	SYM(SO_RCVLOWAT),
#ifdef SO_RCVMARK
	SYM(SO_RCVMARK),
#endif
	SYM(SO_RCVTIMEO),
#ifdef SO_RESERVE_MEM
	SYM(SO_RESERVE_MEM),
#endif
	SYM(SO_REUSEADDR),
	SYM(SO_REUSEPORT),
	SYM(SO_RXQ_OVFL),
	SYM(SO_SECURITY_AUTHENTICATION),
	SYM(SO_SECURITY_ENCRYPTION_NETWORK),
	SYM(SO_SECURITY_ENCRYPTION_TRANSPORT),
	SYM(SO_SELECT_ERR_QUEUE),
	SYM(SO_SNDBUF),
	SYM(SO_SNDBUFFORCE),
	SYM(SO_SNDLOWAT),
	SYM(SO_SNDTIMEO),
	SYM(SO_TIMESTAMP),
	SYM(SO_TIMESTAMPING),
	SYM(SO_TIMESTAMPNS),
#ifdef SO_TXREHASH
	SYM(SO_TXREHASH),
#endif
	SYM(SO_TXTIME),
	SYM(SO_TYPE),
	SYM(SO_WIFI_STATUS),
	SYM(SO_ZEROCOPY),
	SYM(SPLICE_F_GIFT),
	SYM(SPLICE_F_MORE),
	SYM(SPLICE_F_MOVE),
	SYM(SPLICE_F_NONBLOCK),
	SYM(TCPI_OPT_ECN),
	SYM(TCPI_OPT_ECN_SEEN),
	SYM(TCPI_OPT_SACK),
	SYM(TCPI_OPT_SYN_DATA),
	SYM(TCPI_OPT_TIMESTAMPS),
	SYM(TCPI_OPT_WSCALE),
	SYM_AS("TCP_CA_CWR", TCP_CA_CWR),
	SYM_AS("TCP_CA_DISORDER", TCP_CA_Disorder),
	SYM_AS("TCP_CA_LOSS", TCP_CA_Loss),
	SYM_AS("TCP_CA_OPEN", TCP_CA_Open),
	SYM_AS("TCP_CA_RECOVERY", TCP_CA_Recovery),
	SYM(TCP_CC_INFO),
	SYM(TCP_CLOSE),
	SYM(TCP_CLOSE_WAIT),
	SYM(TCP_CLOSING),
	SYM(TCP_CM_INQ),
	SYM(TCP_CONGESTION),
	SYM(TCP_COOKIE_TRANSACTIONS),
	SYM(TCP_CORK),
	SYM(TCP_DEFER_ACCEPT),
	SYM(TCP_ESTABLISHED),
	SYM(TCP_FASTOPEN),
	SYM(TCP_FASTOPEN_CONNECT),
	SYM(TCP_FASTOPEN_KEY),
	SYM(TCP_FASTOPEN_NO_COOKIE),
	SYM(TCP_FIN_WAIT1),
	SYM(TCP_FIN_WAIT2),
	SYM(TCP_INFO),
	SYM(TCP_INQ),
	SYM(TCP_KEEPCNT),
	SYM(TCP_KEEPIDLE),
	SYM(TCP_KEEPINTVL),
	SYM(TCP_LAST_ACK),
	SYM(TCP_LINGER2),
	SYM(TCP_LISTEN),
	SYM(TCP_MAXSEG),
	SYM(TCP_MD5SIG),
	SYM(TCP_MD5SIG_EXT),
	SYM(TCP_NODELAY),
	SYM(TCP_NOTSENT_LOWAT),
	SYM(TCP_QUEUE_SEQ),
	SYM(TCP_QUICKACK),
	SYM(TCP_REPAIR),
	SYM(TCP_REPAIR_OFF),
	SYM(TCP_REPAIR_OFF_NO_WP),
	SYM(TCP_REPAIR_ON),
	SYM(TCP_REPAIR_OPTIONS),
	SYM(TCP_REPAIR_QUEUE),
	SYM(TCP_REPAIR_WINDOW),
	SYM(TCP_SAVED_SYN),
	SYM(TCP_SAVE_SYN),
	SYM(TCP_SYNCNT),
	SYM(TCP_SYN_RECV),
	SYM(TCP_SYN_SENT),
	SYM(TCP_THIN_DUPACK),
	SYM(TCP_THIN_LINEAR_TIMEOUTS),
	SYM(TCP_TIMESTAMP),
	SYM(TCP_TIME_WAIT),
	SYM(TCP_TX_DELAY),
	SYM(TCP_ULP),
	SYM(TCP_USER_TIMEOUT),
	SYM(TCP_WINDOW_CLAMP),
	SYM(TCP_ZEROCOPY_RECEIVE),
};

#define SYMBOL_COUNT (sizeof(symbols) / sizeof(symbols[0]))

static const struct symbol *find(const char *name)
{
	size_t lo = 0, hi = SYMBOL_COUNT;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int cmp = strcmp(name, symbols[mid].name);

		if (cmp == 0)
			return &symbols[mid];
		if (cmp < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

bool symbol_lookup(const char *name, int64_t *value)
{
	const struct symbol *sym = find(name);

	if (!sym)
		return false;
	*value = sym->value;
	return true;
}

static bool is_errno(const struct symbol *sym)
{
	switch (sym->kind) {
	case SYMBOL_ERRNO:
	case SYMBOL_ERRNO_ALIAS:
		return true;
	case SYMBOL_CONSTANT:
		return false;
	}
	return false;
}

/* A linear scan: this runs only while formatting a failure message. */
const char *errno_to_name(int err)
{
	size_t i;

	for (i = 0; i < SYMBOL_COUNT; i++)
		if (symbols[i].kind == SYMBOL_ERRNO && symbols[i].value == err)
			return symbols[i].name;
	return NULL;
}

bool errno_from_name(const char *name, int *err)
{
	const struct symbol *sym = find(name);

	if (!sym || !is_errno(sym))
		return false;
	*err = (int)sym->value;
	return true;
}

const struct symbol *symbol_table(size_t *count)
{
	*count = SYMBOL_COUNT;
	return symbols;
}

/* ---- "did you mean" ---- */

#define NAME_MAX_LEN 64

/* Optimal string alignment distance (Levenshtein plus swapping two
 * neighbouring characters, the commonest typing slip), case-folded.
 * Names longer than NAME_MAX_LEN are never close to anything.
 */
static int edit_distance(const char *a, const char *b)
{
	int row[3][NAME_MAX_LEN + 1];
	size_t la = strlen(a), lb = strlen(b), i, j;

	if (la > NAME_MAX_LEN || lb > NAME_MAX_LEN)
		return NAME_MAX_LEN + 1;
	for (j = 0; j <= lb; j++)
		row[0][j] = (int)j;
	for (i = 1; i <= la; i++) {
		int *cur = row[i % 3], *prev = row[(i - 1) % 3];
		int *prev2 = row[(i + 1) % 3];	/* row i - 2 */

		cur[0] = (int)i;
		for (j = 1; j <= lb; j++) {
			int ca = toupper((unsigned char)a[i - 1]);
			int cb = toupper((unsigned char)b[j - 1]);
			int best = prev[j - 1] + (ca != cb);

			if (prev[j] + 1 < best)
				best = prev[j] + 1;
			if (cur[j - 1] + 1 < best)
				best = cur[j - 1] + 1;
			if (i > 1 && j > 1 &&
			    ca == toupper((unsigned char)b[j - 2]) &&
			    cb == toupper((unsigned char)a[i - 2]) &&
			    prev2[j - 2] + 1 < best)
				best = prev2[j - 2] + 1;
			cur[j] = best;
		}
	}
	return row[la % 3][lb];
}

void suggestion_init(struct suggestion *s, const char *typo)
{
	size_t len = strlen(typo);

	s->typo = typo;
	s->best = NULL;
	/* The largest distance still worth suggesting, plus one. */
	s->best_distance = (len >= 6 ? (int)(len / 3) : 1) + 1;
}

void suggestion_consider(struct suggestion *s, const char *candidate)
{
	int d = edit_distance(s->typo, candidate);

	if (d < s->best_distance) {
		s->best = candidate;
		s->best_distance = d;
	}
}

const char *suggestion_result(const struct suggestion *s)
{
	return s->best;
}

static const char *suggest(const char *name, bool errnos_only)
{
	struct suggestion s;
	size_t i;

	suggestion_init(&s, name);
	for (i = 0; i < SYMBOL_COUNT; i++) {
		if (errnos_only && !is_errno(&symbols[i]))
			continue;
		suggestion_consider(&s, symbols[i].name);
	}
	return suggestion_result(&s);
}

const char *symbol_suggest(const char *name)
{
	return suggest(name, false);
}

const char *errno_suggest(const char *name)
{
	return suggest(name, true);
}
