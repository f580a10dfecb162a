/*
 * test_stack_lwip.c - the lwIP adapter (stacks/lwip) driven through the
 * engine's plugin loader, packet path and backend, without the run loop:
 * a passive open, data both ways, and SYN-ACK retransmission in virtual
 * time, each in a process of its own (lwIP keeps its state in globals).
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pkt/packet.h"
#include "stack/plugin.h"
#include "stack/stack_path.h"
#include "tap.h"

#define MS 1000000LL

struct rig {
	struct stack_plugin *plugin;
	struct packet_path *path;
	struct syscall_backend *b;
	struct net_plan plan;
	struct tcp_segment seen;	/* the last segment the stack sent */
	uint8_t buf[PACKET_BUF_MAX];
	int64_t seen_at;
};

/* Tests run in the build tree. */
static const char *lwip_so(void)
{
	return "stacks/lwip/lwip.so";
}

static int rig_open(struct rig *r)
{
	struct error err;

	memset(r, 0, sizeof(*r));
	plan_set_defaults(&r->plan);
	if (stack_plugin_load(lwip_so(), &r->plugin, &err) != OUTCOME_OK ||
	    stack_plugin_start(r->plugin, &r->plan, 1, "", &err) !=
		    OUTCOME_OK ||
	    stack_path_open(r->plugin, &r->path, &err) != OUTCOME_OK) {
		printf("# %s\n", err.text);
		return -1;
	}
	r->b = stack_backend_new(r->plugin);
	return r->b ? 0 : -1;
}

static void rig_close(struct rig *r)
{
	syscall_backend_free(r->b);
	r->path->ops->close(r->path);
	stack_plugin_close(r->plugin);
}

/* Inject one segment from the peer (192.0.2.1:5000). */
static void peer_send(struct rig *r, uint16_t flags, uint32_t seq,
		      uint32_t ack, const char *data, const uint8_t *opts,
		      uint8_t opts_len)
{
	struct tcp_segment s = {
		.ip_version = 4, .src = r->plan.remote_ip,
		.dst = r->plan.local_ip, .ttl = 64, .src_port = 5000,
		.dst_port = 8080, .seq = seq, .ack = ack, .flags = flags,
		.window = 32768,
		.payload_len = data ? (uint32_t)strlen(data) : 0,
	};
	uint8_t pkt[2048];
	size_t len;
	int64_t at;
	struct error err;

	if (opts_len)
		memcpy(s.options, opts, opts_len);
	s.options_len = opts_len;
	if (packet_build_tcp(&s, (const uint8_t *)data, pkt, sizeof(pkt),
			     &len, &err) == 0)
		r->path->ops->send(r->path, pkt, len, 0, &at, &err);
}

/* The next segment the stack sends by deadline: 0, or -1 for none. */
static int stack_sent(struct rig *r, int64_t deadline)
{
	size_t len;
	struct error err;

	if (r->path->ops->receive(r->path, r->buf, sizeof(r->buf), &len,
				  &r->seen_at, deadline, &err) != PATH_RECEIVED)
		return -1;
	return packet_parse(r->buf, len, &r->seen, &err) == PACKET_TCP ? 0 : -1;
}

static int listener(struct rig *r)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons(8080) };
	int e, fd = (int)r->b->ops->socket(r->b, AF_INET, SOCK_STREAM, 0, &e);

	r->b->ops->bind(r->b, fd, (struct sockaddr *)&a, sizeof(a), &e);
	r->b->ops->listen(r->b, fd, 1, &e);
	return fd;
}

static const uint8_t syn_opts[] = { 2, 4, 0x05, 0xb4, 1, 3, 3, 7 };

static void test_passive_open(void)
{
	struct rig r;
	char got[64] = "";
	int e, lfd, fd;
	long n;

	if (!tap_ok(rig_open(&r) == 0, "lwip.so loads and starts"))
		return;
	lfd = listener(&r);
	tap_is_int(lfd, 3, "the first socket is fd 3");
	n = r.b->ops->accept(r.b, lfd, NULL, NULL, &e);
	tap_ok(n == -1 && e == SYSCALL_BACKEND_PENDING,
	       "accept() with no connection is pending");
	peer_send(&r, TCP_SYN, 0, 0, NULL, syn_opts, sizeof(syn_opts));
	tap_is_int(stack_sent(&r, 0), 0, "a SYN-ACK at once");
	tap_is_int(r.seen.flags, TCP_SYN | TCP_ACK, "its flags");
	tap_is_int(r.seen.ack, 1, "it acknowledges the SYN");
	tap_is_int(r.seen.window, 65535, "lwIP's window, unscaled in a SYN");
	printf("# SYN-ACK seq %u options", r.seen.seq);
	for (int i = 0; i < r.seen.options_len; i++)
		printf(" %d", r.seen.options[i]);
	printf("\n");
	tap_is_int(r.seen.seq, 6510, "the ISN repeats: lwIP's 6510 plus its "
		   "timer ticks, none yet (tcp_next_iss())");
	peer_send(&r, TCP_ACK, 1, r.seen.seq + 1, NULL, NULL, 0);
	fd = (int)r.b->ops->accept(r.b, lfd, NULL, NULL, &e);
	tap_is_int(fd, 4, "accept() returns fd 4 once the ACK came");
	peer_send(&r, TCP_ACK | TCP_PSH, 1, r.seen.seq + 1, "hello", NULL, 0);
	n = r.b->ops->read(r.b, fd, got, sizeof(got), &e);
	tap_ok(n == 5 && !memcmp(got, "hello", 5), "read() gets the data");
	tap_is_int(r.b->ops->write(r.b, fd, "world", 5, &e), 5, "write()");
	while (stack_sent(&r, 0) == 0 && r.seen.payload_len == 0)
		;
	tap_is_int(r.seen.payload_len, 5, "the data goes out");
	rig_close(&r);
}

/* A blocking write larger than lwIP's send buffer queues what fits, is
 * pending, and returns the whole count once the peer's ACKs made room
 * for the rest: the same call, repeated, as tcpcheck's runner does.
 */
static void test_blocking_write(void)
{
	static char big[100000];
	struct rig r;
	uint32_t isn, acked = 0;
	int e = 0, fd;
	long n = -1;

	if (rig_open(&r) < 0)
		return;
	fd = listener(&r);
	peer_send(&r, TCP_SYN, 0, 0, NULL, syn_opts, sizeof(syn_opts));
	stack_sent(&r, 0);
	isn = r.seen.seq;
	peer_send(&r, TCP_ACK, 1, isn + 1, NULL, NULL, 0);
	fd = (int)r.b->ops->accept(r.b, fd, NULL, NULL, &e);
	n = r.b->ops->write(r.b, fd, big, sizeof(big), &e);
	tap_ok(n == -1 && e == SYSCALL_BACKEND_PENDING,
	       "a 100000-byte write is pending");
	for (int round = 0; round < 200 && n < 0; round++) {
		while (stack_sent(&r, 0) == 0)
			acked = r.seen.seq - isn - 1 + r.seen.payload_len;
		peer_send(&r, TCP_ACK, 1, isn + 1 + acked, NULL, NULL, 0);
		n = r.b->ops->write(r.b, fd, big, sizeof(big), &e);
	}
	tap_is_int(n, (long)sizeof(big), "it returns the whole count at last");
	for (int round = 0; round < 200 && acked < sizeof(big); round++) {
		while (stack_sent(&r, 0) == 0)
			acked = r.seen.seq - isn - 1 + r.seen.payload_len;
		peer_send(&r, TCP_ACK, 1, isn + 1 + acked, NULL, NULL, 0);
	}
	tap_is_int(acked, (uint32_t)sizeof(big),
		   "and every byte goes out as the peer acknowledges");
	rig_close(&r);
}

static void test_synack_backoff(void)
{
	struct rig r;
	int64_t prev = 0;

	if (rig_open(&r) < 0)
		return;
	listener(&r);
	peer_send(&r, TCP_SYN, 0, 0, NULL, syn_opts, sizeof(syn_opts));
	stack_sent(&r, 0);
	for (int i = 0; i < 8 && stack_sent(&r, 600000 * MS) == 0; i++) {
		printf("# at %lld ms (+%lld): flags %#x seq %u\n",
		       (long long)(r.seen_at / MS),
		       (long long)((r.seen_at - prev) / MS), r.seen.flags,
		       r.seen.seq);
		prev = r.seen_at;
	}
	tap_ok(stack_plugin_now(r.plugin) > 0, "virtual time moved");
	rig_close(&r);
}

/* Each test in a child (lwIP allows one instance a process), whose
 * checks continue the numbering; it sends back how many it ran and
 * failed.
 */
static void in_child(void (*fn)(void))
{
	int counts[2] = { 0, 0 }, fds[2], status;
	pid_t pid;

	fflush(stdout);
	if (pipe(fds) < 0 || (pid = fork()) < 0) {
		tap_ok(false, "fork");
		return;
	}
	if (pid == 0) {
		close(fds[0]);
		fn();
		fflush(stdout);
		counts[0] = tap_count;
		counts[1] = tap_failed;
		_exit(write(fds[1], counts, sizeof(counts)) ==
		      sizeof(counts) ? 0 : 1);
	}
	close(fds[1]);
	if (read(fds[0], counts, sizeof(counts)) == sizeof(counts)) {
		tap_count = counts[0];
		tap_failed = counts[1];
	}
	close(fds[0]);
	waitpid(pid, &status, 0);
	tap_ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	       "the test's process ended normally");
}

int main(void)
{
	in_child(test_passive_open);
	in_child(test_synack_backoff);
	in_child(test_blocking_write);
	return tap_done();
}
