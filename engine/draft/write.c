/*
 * write.c - one connection of a capture as a script (see draft.h).
 *
 * The packets become lines as they are; the system calls are inferred
 * from what the stack did, and each such line says so:
 *   - a SYN from the peer first: socket, bind and listen at the start,
 *     accept once the handshake's last ACK arrives (none when the stack
 *     answered the SYN with a reset: nothing listened);
 *   - a SYN from the stack first: socket and a non-blocking connect;
 *   - new data from the stack: a write of what it sent in one burst (the
 *     segments that left back to back, before anything arrived);
 *   - an acknowledgement of the peer's data: a read of those bytes, after
 *     the ACK, so the read does not change when it is sent;
 *   - the stack's FIN: a close, or a shutdown(SHUT_WR) when the stack
 *     still acknowledges the peer's data afterwards.
 * What the packets cannot show (sysctls, socket options, a read that
 * came before the data, calls that sent nothing) is not guessed.
 */
#include "config.h"

#include <inttypes.h>
#include <stdarg.h>
#include <string.h>
#include <sys/socket.h>

#include "draft/draft_internal.h"

#define LISTEN_FD 3
#define ACCEPT_FD 4
#define MTU_MIN 1280		/* what --mtu takes */
#define MTU_MAX 65535

static bool is_syn(const struct tcp_segment *s)
{
	return (s->flags & (TCP_SYN | TCP_ACK)) == TCP_SYN;
}

/* "+0.040012" from the previous line, trailing zeros dropped. */
static void put_time(struct draft *d, uint64_t ns)
{
	uint64_t us = ns >= d->last_ns ? (ns - d->last_ns + 500) / 1000 : 0;
	char frac[16] = "", text[40];
	int n;

	if (ns >= d->last_ns)
		d->last_ns = ns;
	if (us % 1000000) {
		n = snprintf(frac, sizeof(frac), ".%06" PRIu64, us % 1000000);
		while (n > 1 && frac[n - 1] == '0')
			frac[--n] = '\0';
	}
	snprintf(text, sizeof(text), "%s%" PRIu64 "%s",
		 d->last_ns == d->t0 && ns == d->t0 ? "" : "+", us / 1000000,
		 frac);
	fprintf(d->out, "%9s ", text);
}

static void call(struct draft *d, uint64_t ns, const char *why,
		 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void call(struct draft *d, uint64_t ns, const char *why,
		 const char *fmt, ...)
{
	va_list ap;

	put_time(d, ns);
	va_start(ap, fmt);
	vfprintf(d->out, fmt, ap);
	va_end(ap);
	fprintf(d->out, "  // inferred: %s\n", why);
	d->inferred++;
}

/* Sequence numbers of the other side's space, relative to its ISN. */
static void relative_sack(struct tcp_view *v, uint32_t isn)
{
	for (int i = 0; i < v->option_count; i++) {
		struct tcp_opt_item *o = &v->options[i];

		if (o->kind != TCPOPT_KIND_SACK)
			continue;
		for (int b = 0; b < o->u.sack.count; b++) {
			o->u.sack.blocks[b].left -= isn;
			o->u.sack.blocks[b].right -= isn;
		}
	}
}

static int put_packet(struct draft *d, const struct flow_packet *p,
		      struct error *err)
{
	bool out = p->from_stack;
	uint32_t own = out ? d->stack_isn : d->peer_isn;
	uint32_t other = out ? d->peer_isn : d->stack_isn;
	struct tcp_view v;
	char line[2048];

	if (tcp_view_from_segment(&p->seg, out ? DIR_OUTBOUND : DIR_INBOUND,
				  &v, err) < 0)
		return -1;
	v.seq -= own;
	v.ack -= other;
	relative_sack(&v, other);
	tcp_view_format(&v, line, sizeof(line));
	put_time(d, p->time_ns);
	fprintf(d->out, "%s\n", line);
	return 0;
}

static void abort_connection(struct draft *d, const struct flow_packet *p)
{
	if (!d->peer_sent_data)
		call(d, p->time_ns, "a reset with nothing left unread",
		     "setsockopt(%d, SOL_SOCKET, SO_LINGER, {onoff=1, "
		     "linger=0}, 8) = 0", d->fd);
	call(d, p->time_ns, "the stack reset the connection by itself",
	     "close(%d) = 0", d->fd);
	d->closed = true;
}

static void before_stack_packet(struct draft *d, int i)
{
	const struct flow_packet *p = &d->f->packets[i];
	const struct tcp_segment *s = &p->seg;
	uint32_t end = s->seq - d->stack_isn + s->payload_len;

	if (i == d->abort_at && d->fd && !d->closed)
		abort_connection(d, p);
	if ((s->flags & TCP_FIN) && !d->fin_sent && d->fd) {
		d->fin_sent = true;
		if (still_reads_after(d, i)) {
			call(d, p->time_ns, "the stack sent its FIN, then "
			     "still took data", "shutdown(%d, SHUT_WR) = 0",
			     d->fd);
		} else {
			d->closed = true;
			call(d, p->time_ns, "the stack sent its FIN",
			     "close(%d) = 0", d->fd);
		}
	}
	if (s->payload_len && end > d->stack_next && d->fd &&
	    !(s->flags & TCP_SYN)) {
		if (d->write_left <= 0) {
			uint32_t n = burst_bytes(d, i);

			call(d, p->time_ns, "the data sent in one burst",
			     "write(%d, ..., %u) = %u", d->fd, n, n);
			d->write_left = (int)n;
		}
		d->write_left -= (int)(end - d->stack_next);
	}
}

static void after_stack_packet(struct draft *d, const struct flow_packet *p)
{
	const struct tcp_segment *s = &p->seg;
	uint32_t end = s->seq - d->stack_isn + s->payload_len +
		((s->flags & (TCP_SYN | TCP_FIN)) ? 1 : 0);
	uint32_t got;

	if (!(s->flags & TCP_SYN) && end > d->stack_next)
		d->stack_next = end - ((s->flags & TCP_FIN) ? 1 : 0);
	if (!(s->flags & TCP_ACK) || !d->fd || d->closed || d->abort_at >= 0 ||
	    !d->has_peer_isn || (s->flags & TCP_RST))
		return;
	got = data_end(d, s->ack - d->peer_isn);
	if (got > d->peer_read && got - d->peer_read < (1u << 30)) {
		call(d, p->time_ns, "the peer's data the stack acknowledged",
		     "read(%d, ..., %u) = %u", d->fd, got - d->peer_read,
		     got - d->peer_read);
		d->peer_read = got;
	}
}

static void socket_options(struct draft *d, uint64_t ns)
{
	const char *why = "the stack sent keepalive probes";

	if (d->nodelay)
		call(d, ns, "a short segment went out behind another",
		     "setsockopt(%d, IPPROTO_TCP, TCP_NODELAY, [1], 4) = 0",
		     d->fd);
	if (!d->keep_idle)
		return;
	call(d, ns, why, "setsockopt(%d, SOL_TCP, TCP_KEEPIDLE, [%u], 4) = 0",
	     d->fd, d->keep_idle);
	call(d, ns, why, "setsockopt(%d, SOL_TCP, TCP_KEEPINTVL, [%u], 4) = "
	     "0", d->fd, d->keep_intvl);
	if (d->keep_cnt)
		call(d, ns, why, "setsockopt(%d, SOL_TCP, TCP_KEEPCNT, [%u], "
		     "4) = 0", d->fd, d->keep_cnt);
	call(d, ns, why, "setsockopt(%d, SOL_SOCKET, SO_KEEPALIVE, [1], 4) "
	     "= 0", d->fd);
}

static void after_peer_packet(struct draft *d, int i)
{
	const struct flow_packet *p = &d->f->packets[i];
	const struct tcp_segment *s = &p->seg;

	if (s->payload_len)
		d->peer_sent_data = true;
	if (s->flags & TCP_FIN)
		d->peer_fin_end = s->seq - d->peer_isn + s->payload_len + 1;
	if (d->passive && d->listening && !d->fd && (s->flags & TCP_ACK) &&
	    !(s->flags & (TCP_SYN | TCP_RST)) && d->has_stack_isn &&
	    s->ack - d->stack_isn == 1) {
		d->fd = ACCEPT_FD;
		call(d, p->time_ns, "the handshake is complete", "accept(%d, "
		     "..., ...) = %d", LISTEN_FD, ACCEPT_FD);
		socket_options(d, p->time_ns);
	}
	if (i == d->held_at && d->fd) {
		call(d, p->time_ns, "the data the stack held for the zero "
		     "window", "write(%d, ..., %u) = %u", d->fd,
		     d->held_bytes, d->held_bytes);
		d->write_left = (int)d->held_bytes;
	}
}

/* The ISNs, whether the stack listened or connected, and the calls that
 * come before the first packet.
 */
static int open_connection(struct draft *d, int index, struct error *err)
{
	const struct flow *f = d->f;
	int first_syn = -1;

	for (int i = 0; i < f->count; i++) {
		const struct flow_packet *p = &f->packets[i];

		if (!(p->seg.flags & TCP_SYN))
			continue;
		if (first_syn < 0 && is_syn(&p->seg))
			first_syn = i;
		if (p->from_stack && !d->has_stack_isn) {
			d->stack_isn = p->seg.seq;
			d->has_stack_isn = true;
		} else if (!p->from_stack && !d->has_peer_isn) {
			d->peer_isn = p->seg.seq;
			d->has_peer_isn = true;
		}
	}
	if (first_syn < 0)
		return error_set(err, "connection %d has no SYN: the capture "
				 "began after its handshake, and a draft "
				 "starts from one", index);
	d->passive = !f->packets[first_syn].from_stack;
	d->listening = d->has_stack_isn;
	if (!d->has_peer_isn)
		d->peer_isn = 0;
	if (!d->has_stack_isn)
		d->stack_isn = 0;
	d->stack_next = 1;
	d->peer_read = 1;
	d->t0 = d->last_ns = f->packets[0].time_ns;
	return 0;
}

static void first_calls(struct draft *d)
{
	const char *why = d->passive ? "the peer opened the connection" :
		"the stack opened the connection";

	if (d->passive && !d->listening) {
		fprintf(d->out, "// The stack never answered with a SYN-ACK: "
			"nothing listened.\n");
		return;
	}
	call(d, d->t0, why, "socket(..., SOCK_STREAM, IPPROTO_TCP) = %d",
	     LISTEN_FD);
	if (d->maxseg)
		call(d, d->t0, "the stack's MSS is below its MTU's",
		     "setsockopt(%d, IPPROTO_TCP, TCP_MAXSEG, [%u], 4) = 0",
		     LISTEN_FD, d->maxseg);
	if (d->passive) {
		call(d, d->t0, why, "setsockopt(%d, SOL_SOCKET, SO_REUSEADDR, "
		     "[1], 4) = 0", LISTEN_FD);
		call(d, d->t0, why, "bind(%d, ..., ...) = 0", LISTEN_FD);
		call(d, d->t0, why, "listen(%d, 1) = 0", LISTEN_FD);
		return;
	}
	call(d, d->t0, why, "fcntl(%d, F_SETFL, O_RDWR|O_NONBLOCK) = 0",
	     LISTEN_FD);
	call(d, d->t0, why, "connect(%d, ..., ...) = -1 EINPROGRESS "
	     "(Operation now in progress)", LISTEN_FD);
	d->fd = LISTEN_FD;
	socket_options(d, d->t0);
}

/* An option the stack sends only when its sysctl is on, and (answering
 * a SYN) only when the peer offered it: "name=1", "name=0", or nothing
 * when the handshake does not tell.
 */
static void put_switch(FILE *out, const struct draft *d,
		       const struct syn_options *stack,
		       const struct syn_options *peer, uint8_t kind,
		       const char *name)
{
	if (find_option(stack, kind))
		fprintf(out, " net.ipv4.%s=1", name);
	else if (!d->passive || (peer->count >= 0 && find_option(peer, kind)))
		fprintf(out, " net.ipv4.%s=0", name);
}

/* The sysctls the stack's SYN shows: SACK, timestamps, window scaling
 * and the receive buffer's maximum the scale was derived from, ECN.
 */
static void infer_sysctls(struct draft *d)
{
	struct syn_options stack, peer;
	const struct tcp_opt_item *ws;
	char line[512] = "";
	FILE *out;

	find_syn_options(d, true, &stack);
	find_syn_options(d, false, &peer);
	if (stack.count < 0)
		return;
	out = fmemopen(line, sizeof(line), "w");
	if (!out)
		return;
	put_switch(out, d, &stack, &peer, TCPOPT_KIND_SACK_PERMITTED,
		   "tcp_sack");
	put_switch(out, d, &stack, &peer, TCPOPT_KIND_TIMESTAMP,
		   "tcp_timestamps");
	put_switch(out, d, &stack, &peer, TCPOPT_KIND_WSCALE,
		   "tcp_window_scaling");
	ws = find_option(&stack, TCPOPT_KIND_WSCALE);
	/* Linux scales by the smallest shift that fits tcp_rmem[2]. */
	if (ws && ws->u.wscale >= 2 && ws->u.wscale <= 14)
		fprintf(out, " net.ipv4.tcp_rmem=\"4096 131072 %lu\"",
			ws->u.wscale == 7 ? 6291456ul :
			65535ul << ws->u.wscale);
	if (!d->passive && (stack.flags & (TCP_ECE | TCP_CWR)))
		fprintf(out, " net.ipv4.tcp_ecn=1");
	else if (d->passive && peer.count >= 0 &&
		 (peer.flags & (TCP_ECE | TCP_CWR)) == (TCP_ECE | TCP_CWR))
		fprintf(out, " net.ipv4.tcp_ecn=%d",
			stack.flags & TCP_ECE ? 2 : 0);
	if (fclose(out) != 0 || !line[0])
		return;
	fprintf(d->out, "// inferred from the stack's %s:\n`sysctl -q%s`\n",
		d->passive ? "SYN-ACK" : "SYN", line);
	d->inferred++;
}

static void header(struct draft *d, const struct draft_request *req,
		   int index, int count, const char *why)
{
	const struct flow_endpoint *stack, *peer;
	const struct tcp_segment *s = &d->f->packets[0].seg;
	bool stack_is_a = d->f->packets[0].from_stack;
	bool v6 = s->ip_version == 6;
	unsigned mss;
	char desc[256];

	stack = stack_is_a ? &d->f->a : &d->f->b;
	peer = stack_is_a ? &d->f->b : &d->f->a;
	flow_describe(d->f, desc, sizeof(desc));
	fprintf(d->out, "// Drafted by tcpcheck --draft from %s,\n"
		"// connection %d of %d (%s).\n", req->capture_name, index,
		count, desc);
	fprintf(d->out, "// The stack under test is the endpoint at port %u, "
		"the peer at port %u:\n// %s.\n", stack->port, peer->port,
		why);
	fprintf(d->out, "// Sequence numbers are relative to each side's "
		"first SYN; lines marked\n// \"inferred\" are system calls "
		"and sysctls guessed from the packets.\n// What the capture "
		"cannot show (other sysctls and socket options) is\n// not "
		"here: add it.\n");
	fprintf(d->out, "--ip_version=%s\n", v6 ? "ipv6" : "ipv4");
	if (d->passive)
		fprintf(d->out, "--bind_port=%u\n", stack->port);
	else
		fprintf(d->out, "--connect_port=%u\n", peer->port);
	/* The MSS the stack offers follows its MTU; one below what the
	 * smallest MTU tcpcheck plays gives was set with TCP_MAXSEG.
	 */
	mss = stack_mss(d) + (v6 ? 60u : 40u);
	if (mss >= MTU_MIN && mss <= MTU_MAX)
		fprintf(d->out, "--mtu=%u\n", mss);
	else if (mss > (v6 ? 60u : 40u) && mss < MTU_MIN)
		d->maxseg = mss - (v6 ? 60u : 40u);
	infer_sysctls(d);
	fputc('\n', d->out);
}

static void list_connections(const struct flow_set *set, int chosen,
			     FILE *notes)
{
	char desc[256];

	fprintf(notes, "tcpcheck: the capture holds %d TCP connection%s",
		set->count, set->count == 1 ? "" : "s");
	if (chosen)
		fprintf(notes, "; drafting %d (choose with --connection=N)",
			chosen);
	fputs(":\n", notes);
	for (int i = 0; i < set->count; i++) {
		flow_describe(&set->flows[i], desc, sizeof(desc));
		fprintf(notes, "  %c%d  %s\n", i + 1 == chosen ? '*' : ' ',
			i + 1, desc);
	}
}

static int write_packets(struct draft *d, struct error *err)
{
	for (int i = 0; i < d->f->count; i++) {
		const struct flow_packet *p = &d->f->packets[i];

		if (p->from_stack)
			before_stack_packet(d, i);
		if (put_packet(d, p, err) < 0)
			return error_set(err, "packet %d of the connection: %s",
					 i + 1, err->text);
		if (p->from_stack)
			after_stack_packet(d, p);
		else
			after_peer_packet(d, i);
	}
	return 0;
}

int draft_write(struct flow_set *set, const struct draft_request *req,
		FILE *out, FILE *notes, struct error *err)
{
	int index = req->connection ? req->connection : 1;
	struct draft d = { .out = out };
	const char *why = NULL;
	struct flow *f;

	if (index < 1 || index > set->count) {
		list_connections(set, 0, notes);
		return error_set(err, "--connection=%d: the capture holds %d "
				 "TCP connection%s", index, set->count,
				 set->count == 1 ? "" : "s");
	}
	if (set->count > 1 && !req->connection)
		list_connections(set, index, notes);
	f = &set->flows[index - 1];
	d.f = f;
	if (flow_choose_stack(f, req->stack_side, &why, err) < 0 ||
	    open_connection(&d, index, err) < 0)
		return -1;
	/* What the packets say about the application, before writing. */
	d.abort_at = find_abort(&d);
	find_held_data(&d);
	find_keepalive(&d);
	if (d.abort_at == d.keep_reset_at)
		d.abort_at = -1;	/* keepalive gave up: no call */
	find_nodelay(&d, peer_mss(&d));
	header(&d, req, index, set->count, why);
	first_calls(&d);
	return write_packets(&d, err);
}
