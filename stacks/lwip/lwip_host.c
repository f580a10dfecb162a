/*
 * lwip_host.c - lwIP 2.1 (Debian's liblwip) as a tcpcheck stack.
 *
 * The library is built for a multi-threaded host; it is driven here from
 * one thread instead: tcpip_init() is never called (so no core-lock
 * checks fire), sys_now() below gives lwIP tcpcheck's clock (the library
 * calls it through its PLT, so this definition wins), and
 * sys_check_timeouts() runs lwIP's timers when tcpcheck says they are
 * due.  Random numbers (the first local port) come from rand() seeded
 * with the run's seed, and the initial sequence number from lwIP's
 * tcp_next_iss(), which adds the timer ticks to a constant: both repeat
 * from run to run.
 *
 * One interface carries the script's address; every datagram lwIP sends
 * through it goes to tcpcheck, and every datagram tcpcheck injects goes
 * to ip_input().  No ARP, no neighbour discovery, no router
 * solicitations: the interface is point to point.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lwip/init.h"
#include "lwip/ip.h"
#include "lwip/ip6_addr.h"
#include "lwip/timeouts.h"

#include "lwip_stack.h"

struct lwip_stack *lwip_instance;

/* lwIP's clock: tcpcheck's, in milliseconds. */
u32_t sys_now(void)
{
	struct lwip_stack *st = lwip_instance;

	if (!st)
		return 0;
	return (u32_t)(st->host.now_ns(st->host.ctx) / 1000000);
}

/* lwIP's next timeout, on tcpcheck's clock: its due millisecond. */
static int64_t lwip_next_timer(void *stack)
{
	struct lwip_stack *st = stack;
	u32_t wait = sys_timeouts_sleeptime();
	int64_t now_ms = st->host.now_ns(st->host.ctx) / 1000000;

	if (wait == SYS_TIMEOUTS_SLEEPTIME_INFINITE)
		return -1;
	return (now_ms + (int64_t)wait) * 1000000;
}

static void emit(struct netif *netif, struct pbuf *p)
{
	struct lwip_stack *st = netif->state;
	u16_t len = p->tot_len;

	pbuf_copy_partial(p, st->out, len, 0);
	st->host.output(st->host.ctx, st->out, len);
}

static err_t output4(struct netif *netif, struct pbuf *p,
		     const ip4_addr_t *dst)
{
	(void)dst;
	emit(netif, p);
	return ERR_OK;
}

static err_t output6(struct netif *netif, struct pbuf *p,
		     const ip6_addr_t *dst)
{
	(void)dst;
	emit(netif, p);
	return ERR_OK;
}

static err_t netif_setup(struct netif *netif)
{
	struct lwip_stack *st = netif->state;

	netif->name[0] = 't';
	netif->name[1] = 'c';
	netif->mtu = (u16_t)st->cfg.mtu;
	/* IPv6's MTU is a field of its own, which only a router
	 * advertisement would set: without it lwIP would not fit its MSS
	 * to the link under an IPv6 header.
	 */
	netif->mtu6 = netif->mtu;
	netif->output = output4;
	netif->output_ip6 = output6;
	netif->flags = NETIF_FLAG_LINK_UP;
	return ERR_OK;
}

static void prefix_mask(int prefix_len, ip4_addr_t *mask)
{
	u32_t bits = prefix_len <= 0 ? 0 :
		prefix_len >= 32 ? 0xffffffffu :
		~((1u << (32 - prefix_len)) - 1);

	ip4_addr_set_u32(mask, lwip_htonl(bits));
}

static int netif_start(struct lwip_stack *st, char *why, size_t why_len)
{
	ip4_addr_t ip, mask, gw;

	ip4_addr_set_zero(&ip);
	ip4_addr_set_zero(&mask);
	ip4_addr_set_zero(&gw);
	if (st->cfg.family == AF_INET) {
		memcpy(&ip.addr, st->cfg.local_ip, 4);
		memcpy(&gw.addr, st->cfg.gateway_ip, 4);
		prefix_mask(st->cfg.prefix_len, &mask);
	}
	if (!netif_add(&st->netif, &ip, &mask, &gw, st, netif_setup,
		       ip_input)) {
		snprintf(why, why_len, "lwip: netif_add failed");
		return -1;
	}
	if (st->cfg.family == AF_INET6) {
		ip6_addr_t a;

		memcpy(a.addr, st->cfg.local_ip, 16);
		ip6_addr_clear_zone(&a);
		netif_ip6_addr_set(&st->netif, 0, &a);
		netif_ip6_addr_set_state(&st->netif, 0, IP6_ADDR_PREFERRED);
	}
	netif_set_default(&st->netif);
	netif_set_up(&st->netif);
	st->netif.rs_count = 0;	/* no router solicitations */
	return 0;
}

static void *lwip_create(const struct tcpcheck_stack_host *host,
			 const struct tcpcheck_stack_config *cfg, char *why,
			 size_t why_len)
{
	static bool initialised;
	struct lwip_stack *st;

	if (initialised) {
		snprintf(why, why_len, "lwip: one instance a process");
		return NULL;
	}
	if (cfg->family != AF_INET && cfg->family != AF_INET6) {
		snprintf(why, why_len, "lwip: address family %d", cfg->family);
		return NULL;
	}
	st = calloc(1, sizeof(*st));
	if (!st) {
		snprintf(why, why_len, "lwip: out of memory");
		return NULL;
	}
	st->host = *host;
	st->cfg = *cfg;
	st->cfg.flags = NULL;
	lwip_instance = st;
	srand(cfg->seed);
	lwip_init();
	initialised = true;
	if (netif_start(st, why, why_len) < 0) {
		lwip_instance = NULL;
		free(st);
		return NULL;
	}
	return st;
}

static void lwip_destroy(void *stack)
{
	struct lwip_stack *st = stack;

	if (!st)
		return;
	lsock_free_all(st);
	netif_remove(&st->netif);
	lwip_instance = NULL;
	free(st);
}

static void lwip_input(void *stack, const void *datagram, size_t len)
{
	struct lwip_stack *st = stack;
	struct pbuf *p;

	if (len == 0 || len > 0xffff)
		return;
	p = pbuf_alloc(PBUF_RAW, (u16_t)len, PBUF_RAM);
	if (!p)
		return;
	pbuf_take(p, datagram, (u16_t)len);
	if (st->netif.input(p, &st->netif) != ERR_OK)
		pbuf_free(p);
}

static void lwip_run_timers(void *stack)
{
	(void)stack;
	sys_check_timeouts();
}

static const struct tcpcheck_stack lwip_stack_ops = {
	.abi_version = TCPCHECK_STACK_ABI_VERSION,
	.size = sizeof(struct tcpcheck_stack),
	.name = "lwip",
	.features = TCPCHECK_STACK_MSS | TCPCHECK_STACK_WSCALE,
	.wscale = TCP_RCV_SCALE,
	.create = lwip_create,
	.destroy = lwip_destroy,
	.input = lwip_input,
	.run_timers = lwip_run_timers,
	.next_timer = lwip_next_timer,
	.socket = lsock_socket,
	.bind = lsock_bind,
	.listen = lsock_listen,
	.accept = lsock_accept,
	.connect = lsock_connect,
	.read = lsock_read,
	.readv = lsock_readv,
	.recv = lsock_recv,
	.recvmsg = lsock_recvmsg,
	.write = lsock_write,
	.writev = lsock_writev,
	.send = lsock_send,
	.sendmsg = lsock_sendmsg,
	.close = lsock_close,
	.shutdown = lsock_shutdown,
	.setsockopt = lsock_setsockopt,
	.getsockopt = lsock_getsockopt,
	.getsockname = lsock_getsockname,
	.getpeername = lsock_getpeername,
	.fcntl = lsock_fcntl,
	.poll = lsock_poll,
};

const struct tcpcheck_stack *tcpcheck_stack_entry(void)
{
	return &lwip_stack_ops;
}
