/*
 * test_run.c - the interpreter against a fake stack.
 *
 * The packet path and the system-call backend are each one interface, so
 * the whole runner can be driven without a kernel: a fake path hands out
 * outbound datagrams queued by the test and records what the runner
 * injects; a fake backend answers every call with success.  This pins
 * down what the kernel tests cannot reach deterministically: sequence
 * mapping of injected packets, TSO/GSO super-packet splitting and
 * --strict_segments, checksum and port checks, and the missing-packet
 * report.  On the virtual clock (run_clock.h) the same fakes play a
 * script of a minute in a few milliseconds.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/sock_diag.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/clock.h"
#include "pkt/packet.h"
#include "parse.h"
#include "run/run.h"
#include "run/run_clock.h"
#include "sys/syscall_backend.h"
#include "tap.h"

#define FAKE_MAX 8

struct datagram {
	uint8_t bytes[2100];
	size_t len;
};

/* The fake stack sends its datagrams as a stack would: the first once
 * connect() is called, the others once the runner has injected a packet
 * (the SYN-ACK), so none is read, and timed, long before the line that
 * expects it, however slowly the machine runs the calls before.
 */
struct fake_path {
	struct packet_path base;
	int pipe_fds[2];	/* one byte per released outbound datagram */
	struct datagram out[FAKE_MAX];	/* what the "stack" sends */
	uint16_t out_gso[FAKE_MAX];	/* their TSO segment sizes, 0: none */
	int out_after[FAKE_MAX];	/* released after this many injected */
	int64_t out_at[FAKE_MAX];	/* and not before this time, 0: any */
	int out_count, out_next, out_released;
	bool connected;			/* connect() was called */
	struct datagram in[FAKE_MAX];	/* what the runner injected */
	uint16_t in_gso[FAKE_MAX];	/* with this GRO segment size */
	int64_t in_at[FAKE_MAX];	/* when */
	int in_count;
};

static struct fake_path *current_fake;
static int test_gso_mss;	/* --mss for the runs below */
/* The clock of the runs below; NULL: the real one. */
static struct run_clock *test_clock;

static int64_t fake_now(void)
{
	return test_clock ? run_clock_now(test_clock) : clock_now_ns();
}

/* Whether the next datagram may go, but for its time. */
static bool fake_next_ready(const struct fake_path *f)
{
	return f->connected && f->out_released < f->out_count &&
	       f->out_after[f->out_released] <= f->in_count;
}

static void fake_release(struct fake_path *f)
{
	while (fake_next_ready(f) &&
	       (!f->out_at[f->out_released] ||
		f->out_at[f->out_released] <= fake_now())) {
		if (write(f->pipe_fds[1], "x", 1) != 1)
			abort();
		f->out_released++;
	}
}

static int fake_send(struct packet_path *p, const uint8_t *packet, size_t len,
		     uint16_t gso_size, int64_t *sent_ns, struct error *err)
{
	struct fake_path *f = (struct fake_path *)p;

	if (f->in_count == FAKE_MAX || len > sizeof(f->in[0].bytes))
		return error_set(err, "fake path full");
	f->in_gso[f->in_count] = gso_size;
	f->in_at[f->in_count] = fake_now();
	memcpy(f->in[f->in_count].bytes, packet, len);
	f->in[f->in_count++].len = len;
	*sent_ns = fake_now();
	fake_release(f);
	return 0;
}

static int fake_receive(struct packet_path *p, uint8_t *buf, size_t cap,
			size_t *len, int64_t *at_ns, int64_t deadline_ns,
			struct error *err)
{
	struct fake_path *f = (struct fake_path *)p;
	char byte;

	(void)deadline_ns;
	(void)err;
	if (f->out_next == f->out_released)
		return PATH_TIMEOUT;
	if (read(f->pipe_fds[0], &byte, 1) != 1)
		return PATH_TIMEOUT;
	p->last_gso_size = f->out_gso[f->out_next];
	*len = f->out[f->out_next].len < cap ? f->out[f->out_next].len : cap;
	memcpy(buf, f->out[f->out_next++].bytes, *len);
	/* Timed when read, as tun.c does: the runner reads a datagram
	 * before it collects the call that released it.
	 */
	*at_ns = fake_now();
	return PATH_RECEIVED;
}

/* The fake stack's timers: the time its next datagram is due. */
static int64_t fake_next_instant(struct packet_path *p)
{
	struct fake_path *f = (struct fake_path *)p;

	if (!fake_next_ready(f) || !f->out_at[f->out_released])
		return INT64_MAX;
	return f->out_at[f->out_released];
}

static void fake_run_due(struct packet_path *p, int64_t now_ns)
{
	(void)now_ns;
	fake_release((struct fake_path *)p);
}

static int fake_wait_fd(struct packet_path *p)
{
	return ((struct fake_path *)p)->pipe_fds[0];
}

static void fake_close(struct packet_path *p)
{
	(void)p;
}

static const struct packet_path_ops fake_path_ops = {
	.name = "fake",
	.send = fake_send,
	.receive = fake_receive,
	.wait_fd = fake_wait_fd,
	.close = fake_close,
	.next_instant = fake_next_instant,
	.run_due = fake_run_due,
};

static void fake_path_init(struct fake_path *f)
{
	memset(f, 0, sizeof(*f));
	f->base.ops = &fake_path_ops;
	if (pipe2(f->pipe_fds, O_NONBLOCK) < 0)
		abort();
	current_fake = f;
}

static void fake_path_fini(struct fake_path *f)
{
	close(f->pipe_fds[0]);
	close(f->pipe_fds[1]);
}

/* Queue one datagram from the stack: 192.168.0.1:port -> 192.0.2.1:8080. */
static void queue_outbound_from(struct fake_path *f, uint16_t port,
				uint16_t flags, uint32_t seq, uint32_t ack,
				uint32_t len, const uint8_t *options,
				uint8_t options_len, bool corrupt)
{
	struct tcp_segment seg;
	struct error err;

	memset(&seg, 0, sizeof(seg));
	seg.ip_version = 4;
	ip_addr_parse("192.168.0.1", &seg.src);
	ip_addr_parse("192.0.2.1", &seg.dst);
	seg.ttl = 64;
	seg.src_port = port;
	seg.dst_port = 8080;
	seg.flags = flags;
	seg.seq = seq;
	seg.ack = ack;
	seg.window = 1000;
	seg.payload_len = len;
	if (options_len)
		memcpy(seg.options, options, options_len);
	seg.options_len = options_len;
	if (packet_build_tcp(&seg, NULL, f->out[f->out_count].bytes,
			     sizeof(f->out[0].bytes), &f->out[f->out_count].len,
			     &err) < 0)
		abort();
	if (corrupt)
		f->out[f->out_count].bytes[40] ^= 0xff;	/* payload byte */
	f->out_after[f->out_count] = f->out_count ? 1 : 0;
	f->out_count++;
	fake_release(f);
}

static void queue_outbound(struct fake_path *f, uint16_t flags, uint32_t seq,
			   uint32_t ack, uint32_t len, const uint8_t *options,
			   uint8_t options_len, bool corrupt)
{
	queue_outbound_from(f, 45000, flags, seq, ack, len, options,
			    options_len, corrupt);
}

/* A backend where every call succeeds; socket() hands out fd 100. */
static long ok_socket(struct syscall_backend *b, int d, int t, int p, int *e)
{
	(void)b, (void)d, (void)t, (void)p, (void)e;
	return 100;
}

static long ok_connect(struct syscall_backend *b, int fd,
		       const struct sockaddr *a, socklen_t l, int *e)
{
	(void)b, (void)fd, (void)a, (void)l, (void)e;
	/* The worker thread calls this; the runner reads the pipe. */
	current_fake->connected = true;
	fake_release(current_fake);
	return 0;
}

static long ok_close(struct syscall_backend *b, int fd, int *e)
{
	(void)b, (void)fd, (void)e;
	return 0;
}

/* SO_MEMINFO reads 1000 + the counter's index; TCP_INFO is refused, so
 * a block sees only the memory counters.
 */
static long ok_getsockopt(struct syscall_backend *b, int fd, int level,
			  int name, void *val, socklen_t *len, int *e)
{
	uint32_t counters[SK_MEMINFO_VARS];

	(void)b, (void)fd;
	if (level != SOL_SOCKET || name != SO_MEMINFO) {
		*e = EOPNOTSUPP;
		return -1;
	}
	for (int i = 0; i < SK_MEMINFO_VARS; i++)
		counters[i] = 1000 + (uint32_t)i;
	if (*len > sizeof(counters))
		*len = sizeof(counters);
	memcpy(val, counters, *len);
	return 0;
}

/* A read that waits for the second injected packet (the data after the
 * SYN-ACK), as a stack in virtual time does: pending until then.
 */
static int64_t read_returned_at;

static long pending_read(struct syscall_backend *b, int fd, void *buf,
			 size_t count, int *e)
{
	(void)b, (void)fd;
	if (current_fake->in_count < 2) {
		*e = SYSCALL_BACKEND_PENDING;
		return -1;
	}
	read_returned_at = fake_now();
	memset(buf, 'x', count < 10 ? count : 10);
	return count < 10 ? (long)count : 10;
}

static const struct syscall_backend_ops ok_backend_ops = {
	.name = "fake",
	.socket = ok_socket,
	.connect = ok_connect,
	.close = ok_close,
	.getsockopt = ok_getsockopt,
	.read = pending_read,
};

struct run_result {
	int status;
	int line;			/* the error's fields */
	enum failure_kind kind;
	char text[ERROR_TEXT_MAX];
};

/* The fake hands out every queued packet at once, so the runner reads
 * them before the events they follow; timing is not what most of these
 * tests check, and a loaded machine must not fail them.
 */
#define LENIENT_TOLERANCE_USECS 1000000

static struct run_result run_text_with(const char *text,
				       struct fake_path *path,
				       bool strict_segments, bool strict,
				       int64_t tolerance)
{
	struct syscall_backend backend = { .ops = &ok_backend_ops };
	struct script *script = NULL;
	struct diag_list diags;
	struct run_config cfg;
	struct error err;
	struct run_result out;

	diag_list_init(&diags, "fake.pkt");
	if (script_parse("fake.pkt", text, strlen(text), &script, &diags) < 0) {
		out.status = -1;
		out.line = 0;
		out.kind = FAILURE_NONE;
		snprintf(out.text, sizeof(out.text), "parse error");
		diag_list_free(&diags);
		return out;
	}
	run_config_defaults(&cfg);
	cfg.plan.gso_mss = test_gso_mss;
	cfg.strict_segments = strict_segments;
	cfg.strict = strict;
	cfg.tolerance_usecs = tolerance;
	cfg.clock = test_clock;
	err.text[0] = '\0';
	err.line = 0;
	err.kind = FAILURE_NONE;
	out.status = run_script(script, &cfg, &path->base, &backend, &err);
	snprintf(out.text, sizeof(out.text), "%s", err.text);
	out.line = out.status == OUTCOME_OK ? 0 : err.line;
	out.kind = out.status == OUTCOME_OK ? FAILURE_NONE : err.kind;
	script_free(script);
	diag_list_free(&diags);
	return out;
}

static struct run_result run_text(const char *text, struct fake_path *path,
			       bool strict_segments)
{
	return run_text_with(text, path, strict_segments, false,
			     LENIENT_TOLERANCE_USECS);
}

static struct run_result run_text_tolerance(const char *text,
					    struct fake_path *path,
					    bool strict_segments,
					    int64_t tolerance)
{
	return run_text_with(text, path, strict_segments, false, tolerance);
}

static struct run_result run_text_strict(const char *text,
				       struct fake_path *path,
				       bool strict_segments, bool strict)
{
	return run_text_with(text, path, strict_segments, strict,
			     LENIENT_TOLERANCE_USECS);
}

static const char active_open[] =
	"0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
	"+0 connect(3, ..., ...) = 0\n"
	"+0 > S 0:0(0) <mss 1460,nop,nop,sackOK>\n"
	"+0 < S. 0:0(0) ack 1 win 5000 <mss 1000,sackOK,nop,nop>\n"
	"+0 > . 1:1(0) ack 1\n";

static const uint8_t syn_options[] = { 2, 4, 0x05, 0xb4, 1, 1, 4, 2 };

#define ISN 0xffffff00u

static void test_inbound_mapping(void)
{
	struct fake_path path;
	struct tcp_segment seg;
	struct run_result out;
	struct error err;

	fake_path_init(&path);
	queue_outbound(&path, TCP_SYN, ISN, 0, 0, syn_options, 8, false);
	queue_outbound(&path, TCP_ACK, ISN + 1, 1, 0, NULL, 0, false);
	out = run_text(active_open, &path, false);
	tap_is_int(out.status, OUTCOME_OK, "active open against the fake passes");
	if (out.status != OUTCOME_OK)
		tap_diag("%s", out.text);
	tap_is_int(path.in_count, 1, "one packet injected");
	tap_is_int(packet_parse(path.in[0].bytes, path.in[0].len, &seg, &err),
		   PACKET_TCP, "the injected packet parses as TCP");
	tap_is_int(seg.ack, ISN + 1, "its ack is the stack's ISN + 1 (live)");
	tap_is_int(seg.seq, 0, "its seq is the script's");
	tap_is_int(seg.src_port, 8080, "it comes from the port the SYN went to");
	tap_is_int(seg.dst_port, 45000, "it goes to the port the SYN came from");
	tap_is_int(seg.window, 5000, "window as written");
	tap_ok(seg.tcp_checksum_ok && seg.ip_checksum_ok, "checksums are right");
	fake_path_fini(&path);
}

/* --mss: a segment longer than the MSS goes in as a GRO packet. */
static void test_gro_injection(void)
{
	static const char text[] =
		"0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
		"+0 connect(3, ..., ...) = 0\n"
		"+0 > S 0:0(0) <mss 1460,nop,nop,sackOK>\n"
		"+0 < S. 0:0(0) ack 1 win 5000 <mss 1000,sackOK,nop,nop>\n"
		"+0 > . 1:1(0) ack 1\n"
		"+0 < . 1:801(800) ack 1 win 5000\n"
		"+0 < . 801:1301(500) ack 1 win 5000\n";
	struct fake_path path;
	struct run_result out;

	fake_path_init(&path);
	queue_outbound(&path, TCP_SYN, ISN, 0, 0, syn_options, 8, false);
	queue_outbound(&path, TCP_ACK, ISN + 1, 1, 0, NULL, 0, false);
	test_gso_mss = 500;
	out = run_text(text, &path, false);
	test_gso_mss = 0;
	tap_is_int(out.status, OUTCOME_OK, "--mss=500: the run passes");
	if (out.status != OUTCOME_OK)
		tap_diag("%s", out.text);
	tap_is_int(path.in_count, 3, "three packets injected");
	/* As packetdrill's: every TCP datagram goes with the offload
	 * header; the stack makes only a longer one a GRO packet.
	 */
	tap_is_int(path.in_gso[0], 500,
		   "the SYN-ACK with the --mss segment size");
	tap_is_int(path.in_gso[1], 500,
		   "800 bytes as a GRO packet of 500-byte segments");
	tap_is_int(path.in_gso[2], 500, "exactly 500 bytes likewise");
	fake_path_fini(&path);

	fake_path_init(&path);
	queue_outbound(&path, TCP_SYN, ISN, 0, 0, syn_options, 8, false);
	queue_outbound(&path, TCP_ACK, ISN + 1, 1, 0, NULL, 0, false);
	out = run_text(text, &path, false);
	tap_is_int(path.in_gso[1], 0, "without --mss, 800 bytes as one packet");
	fake_path_fini(&path);
}

static const char super_packet[] =
	"0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
	"+0 connect(3, ..., ...) = 0\n"
	"+0 > S 0:0(0) <mss 1460,nop,nop,sackOK>\n"
	"+0 < S. 0:0(0) ack 1 win 5000 <mss 1000,sackOK,nop,nop>\n"
	"+0 > . 1:1001(1000) ack 1\n"
	"+0 > P. 1001:2001(1000) ack 1\n";

/* The SYN, then 2000 bytes in one segment, as TSO would hand them out. */
static void queue_super_packet(struct fake_path *path)
{
	fake_path_init(path);
	queue_outbound(path, TCP_SYN, ISN, 0, 0, syn_options, 8, false);
	queue_outbound(path, TCP_ACK | TCP_PSH, ISN + 1, 1, 2000, NULL, 0,
		       false);
}

static void test_super_packet(void)
{
	struct fake_path path;
	struct run_result out;

	queue_super_packet(&path);
	out = run_text(super_packet, &path, false);
	tap_is_int(out.status, OUTCOME_OK,
		   "a 2000-byte super-packet matches two 1000-byte lines");
	if (out.status != OUTCOME_OK)
		tap_diag("%s", out.text);
	fake_path_fini(&path);

	queue_super_packet(&path);
	out = run_text(super_packet, &path, true);
	tap_is_int(out.status, OUTCOME_MISMATCH,
		   "--strict_segments refuses the super-packet");
	tap_is_str(out.text,
		   "fake.pkt:5: outbound packet does not match the script\n"
		   "  expected: > . 1:1001(1000) ack 1\n"
		   "  actual:   > P. 1:2001(2000) ack 1 win 1000\n"
		   "  flags: expected ., got P.\n"
		   "  payload length: expected 1000, got 2000",
		   "... and says the segment was larger");
	fake_path_fini(&path);
}

/* With the segment size the device reports, a super-packet is cut only
 * where a NIC would cut it: a line claiming 1200-byte segments does not
 * match 1000-byte ones, whatever the total.
 */
static void test_gso_boundaries(void)
{
	static const char script[] =
		"0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
		"+0 connect(3, ..., ...) = 0\n"
		"+0 > S 0:0(0) <mss 1460,nop,nop,sackOK>\n"
		"+0 < S. 0:0(0) ack 1 win 5000 <mss 1000,sackOK,nop,nop>\n"
		"+0 > . 1:%u(%u) ack 1\n";
	char text[512];
	struct fake_path path;
	struct run_result out;

	fake_path_init(&path);
	queue_outbound(&path, TCP_SYN, ISN, 0, 0, syn_options, 8, false);
	queue_outbound(&path, TCP_ACK | TCP_PSH, ISN + 1, 1, 2000, NULL, 0,
		       false);
	path.out_gso[1] = 1000;
	snprintf(text, sizeof(text), script, 1201, 1200);
	out = run_text(text, &path, false);
	tap_is_int(out.status, OUTCOME_MISMATCH,
		   "1200 bytes of a super-packet of 1000-byte segments fail");
	tap_ok(strstr(out.text, "payload length: expected 1200, got 2000") != NULL,
	       "... and the report shows the whole super-packet");
	fake_path_fini(&path);

	fake_path_init(&path);
	queue_outbound(&path, TCP_SYN, ISN, 0, 0, syn_options, 8, false);
	queue_outbound(&path, TCP_ACK | TCP_PSH, ISN + 1, 1, 2000, NULL, 0,
		       false);
	path.out_gso[1] = 1000;
	snprintf(text, sizeof(text), script, 1001, 1000);
	out = run_text(text, &path, true);
	tap_is_int(out.status, OUTCOME_OK,
		   "--strict_segments matches one 1000-byte wire segment");
	if (out.status != OUTCOME_OK)
		tap_diag("%s", out.text);
	fake_path_fini(&path);
}

/* The other way round: the line expects more than one segment carries,
 * and the stack sent the bytes as several segments back to back; they
 * are taken together (packetdrill's rule), unless --strict_segments.
 */
static void queue_two_pieces(struct fake_path *path)
{
	fake_path_init(path);
	queue_outbound(path, TCP_SYN, ISN, 0, 0, syn_options, 8, false);
	queue_outbound(path, TCP_ACK, ISN + 1, 1, 2000, NULL, 0, false);
	path->out_gso[1] = 1000;
	queue_outbound(path, TCP_ACK | TCP_PSH, ISN + 2001, 1, 1000, NULL, 0,
		       false);
}

static void test_pieces_gathered(void)
{
	static const char script[] =
		"0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
		"+0 connect(3, ..., ...) = 0\n"
		"+0 > S 0:0(0) <mss 1460,nop,nop,sackOK>\n"
		"+0 < S. 0:0(0) ack 1 win 5000 <mss 1000,sackOK,nop,nop>\n"
		"+0 > P. 1:3001(3000) ack 1\n";
	struct fake_path path;
	struct run_result out;

	queue_two_pieces(&path);
	out = run_text(script, &path, false);
	tap_is_int(out.status, OUTCOME_OK,
		   "a 2000-byte and a 1000-byte segment match a 3000-byte line");
	if (out.status != OUTCOME_OK)
		tap_diag("%s", out.text);
	fake_path_fini(&path);

	queue_two_pieces(&path);
	out = run_text(script, &path, true);
	tap_is_int(out.status, OUTCOME_MISMATCH,
		   "--strict_segments takes one wire segment only");
	tap_ok(strstr(out.text, "payload length: expected 3000, got 1000") != NULL,
	       "... and reports its length");
	if (!strstr(out.text, "payload length: expected 3000, got 1000"))
		tap_diag("%s", out.text);
	fake_path_fini(&path);
}

/* A new socket becomes the one under test: the FIN the first
 * connection's close() sent, which the script does not mention, is not
 * taken for the second connection's SYN.
 */
static void test_earlier_socket_ignored(void)
{
	static const char script[] =
		"0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
		"+0 connect(3, ..., ...) = 0\n"
		"+0 > S 0:0(0) <mss 1460,nop,nop,sackOK>\n"
		"+0 < S. 0:0(0) ack 1 win 5000 <mss 1000,sackOK,nop,nop>\n"
		"+0 > . 1:1(0) ack 1\n"
		"+0 close(3) = 0\n"
		"+0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
		"+0 connect(3, ..., ...) = 0\n"
		"+0 > S 0:0(0) <mss 1460,nop,nop,sackOK>\n";
	struct fake_path path;
	struct run_result out;

	fake_path_init(&path);
	queue_outbound(&path, TCP_SYN, ISN, 0, 0, syn_options, 8, false);
	queue_outbound(&path, TCP_ACK, ISN + 1, 1, 0, NULL, 0, false);
	queue_outbound(&path, TCP_FIN | TCP_ACK, ISN + 1, 1, 0, NULL, 0, false);
	queue_outbound_from(&path, 45001, TCP_SYN, 77, 0, 0, syn_options, 8,
			    false);
	out = run_text(script, &path, false);
	tap_is_int(out.status, OUTCOME_OK,
		   "the earlier connection's FIN is ignored after socket()");
	if (out.status != OUTCOME_OK)
		tap_diag("%s", out.text);
	fake_path_fini(&path);
}

static void test_bad_checksum(void)
{
	struct fake_path path;
	struct run_result out;

	fake_path_init(&path);
	queue_outbound(&path, TCP_SYN, ISN, 0, 4, syn_options, 8, true);
	out = run_text(active_open, &path, false);
	tap_is_int(out.status, OUTCOME_MISMATCH, "a corrupted segment fails");
	tap_is_str(out.text,
		   "fake.pkt:3: outbound packet has a bad TCP checksum",
		   "... naming the checksum");
	fake_path_fini(&path);
}

static void test_missing_and_ports(void)
{
	struct fake_path path;
	struct run_result out;

	fake_path_init(&path);
	out = run_text_tolerance("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
				 "0.050 > S 0:0(0)\n", &path, false, 4000);
	tap_is_int(out.status, OUTCOME_MISMATCH, "no packet at all fails");
	tap_is_str(out.text, "fake.pkt:2: no outbound packet by 0.05625 s; "
		   "expected > S 0:0(0)\n  no packets have crossed yet",
		   "the deadline is the time plus 12.5%% of the interval");
	tap_is_int(out.line, 2, "... its line as a field");
	tap_is_int(out.kind, FAILURE_MISSING_PACKET,
		   "... its kind: a missing packet");
	fake_path_fini(&path);

	/* The fake hands its SYN over at once: a second early, well past
	 * the 125 ms tolerance (100 ms, so that a loaded machine still
	 * starts socket() on time).
	 */
	fake_path_init(&path);
	path.connected = true;
	queue_outbound(&path, TCP_SYN, ISN, 0, 0, syn_options, 8, false);
	out = run_text_tolerance("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
				 "1.000 > S 0:0(0) <mss 1460,nop,nop,sackOK>\n",
				 &path, false, 100000);
	tap_is_int(out.status, OUTCOME_MISMATCH, "a packet too early fails");
	tap_is_int(out.kind, FAILURE_TIMING, "... as a timing failure");
	tap_is_int(out.line, 2, "... of its line");
	fake_path_fini(&path);

	fake_path_init(&path);
	path.connected = true;	/* no connect() in this script */
	queue_outbound(&path, TCP_SYN, ISN, 0, 0, syn_options, 8, false);
	out = run_text("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
		       "+0 > 45001>8080 S 0:0(0) <mss 1460,nop,nop,sackOK>\n",
		       &path, false);
	tap_is_int(out.status, OUTCOME_MISMATCH, "a wrong source port fails");
	tap_is_str(out.text, "fake.pkt:2: outbound packet from port 45000, "
		   "expected 45001", "... naming both ports");
	tap_is_int(out.kind, FAILURE_MISMATCH, "... a mismatch");
	tap_is_int(out.line, 2, "... of its line");
	fake_path_fini(&path);
}

/* The report with its measured times (seconds with three decimals)
 * replaced by "T": the fake stack's packets come when they come.
 */
static const char *masked(const char *text)
{
	static char buf[ERROR_TEXT_MAX];
	size_t o = 0;

	for (const char *p = text; *p && o + 2 < sizeof(buf);) {
		const char *q = p;

		while (*q >= '0' && *q <= '9')
			q++;
		if (q > p && (p == text || p[-1] < '0' || p[-1] > '9') &&
		    q[0] == '.' && q[1] >= '0' && q[1] <= '9' &&
		    q[2] >= '0' && q[2] <= '9' && q[3] >= '0' && q[3] <= '9' &&
		    (q[4] < '0' || q[4] > '9')) {
			buf[o++] = 'T';
			p = q + 4;
			continue;
		}
		buf[o++] = *p++;
	}
	buf[o] = '\0';
	return buf;
}

/* The SYN and the ACK of an active open, the stack's ISN being ISN. */
static void queue_handshake(struct fake_path *path)
{
	fake_path_init(path);
	queue_outbound(path, TCP_SYN, ISN, 0, 0, syn_options, 8, false);
	queue_outbound(path, TCP_ACK, ISN + 1, 1, 0, NULL, 0, false);
}

/* What a missing packet's report shows of the packets before it. */
static void test_missing_shows_history(void)
{
	struct fake_path path;
	struct run_result out;
	char text[1024];

	fake_path_init(&path);
	queue_outbound(&path, TCP_SYN, ISN, 0, 0, syn_options, 8, false);
	out = run_text("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
		       "+0 connect(3, ..., ...) = 0\n"
		       "+0 > S 0:0(0) <mss 1460,nop,nop,sackOK>\n"
		       "+0 < S. 0:0(0) ack 1 win 5000 <mss 1000,sackOK,nop,nop>\n"
		       "0.020 > . 1:1(0) ack 1\n", &path, false);
	tap_is_int(out.status, OUTCOME_MISMATCH, "the ACK never comes");
	tap_is_str(masked(out.text),
		   "fake.pkt:5: no outbound packet by T s; expected "
		   "> . 1:1(0) ack 1\n"
		   "  last packets (script time):\n"
		   "    T > S 0:0(0) win 1000 <mss 1460,nop,nop,sackOK>\n"
		   "    T < S. 0:0(0) ack 1 win 5000 <mss 1000,sackOK,nop,nop>",
		   "... and shows the last packets each way, in script numbers");
	(void)text;
	fake_path_fini(&path);
}

/* Packets sent before a line that injects or runs something. */
static void test_stray_between_events(void)
{
	struct fake_path path;
	struct run_result out;
	char text[1024];

	/* The FIN comes before the inbound ACK; the next outbound line
	 * wants data: it would fail there, so it fails here, saying why.
	 */
	queue_handshake(&path);
	queue_outbound(&path, TCP_FIN | TCP_ACK, ISN + 1, 1, 0, NULL, 0, false);
	snprintf(text, sizeof(text), "%s%s", active_open,
		 "+0.01 < . 1:1(0) ack 1 win 5000\n"
		 "+0 > P. 1:11(10) ack 1\n");
	out = run_text(text, &path, false);
	tap_is_int(out.status, OUTCOME_MISMATCH,
		   "a packet no line expects before an inbound line fails");
	tap_is_str(masked(out.text),
		   "fake.pkt:6: unexpected outbound packet at T s, before "
		   "this line ran\n"
		   "  packet:   > F. 1:1(0) ack 1 win 1000\n"
		   "  the next outbound line, 7, expects > P. 1:11(10) ack 1\n"
		   "  flags: expected P., got F.\n"
		   "  payload length: expected 10, got 0",
		   "... at the line it came before, with the packet and why");
	fake_path_fini(&path);

	/* The same packet, taken by the next outbound line: no change. */
	queue_handshake(&path);
	queue_outbound(&path, TCP_FIN | TCP_ACK, ISN + 1, 1, 0, NULL, 0, false);
	snprintf(text, sizeof(text), "%s%s", active_open,
		 "+0 < . 1:1(0) ack 1 win 5000\n"
		 "+0 > F. 1:1(0) ack 1\n");
	out = run_text(text, &path, false);
	tap_is_int(out.status, OUTCOME_OK,
		   "a packet the next outbound line takes is not unexpected");
	if (out.status != OUTCOME_OK)
		tap_diag("%s", out.text);
	fake_path_fini(&path);

	/* The first of two segments the next line takes as one (1000
	 * bytes, then 1000 with PSH for `> P. 1:2001(2000)`): not yet
	 * judged, and the line takes both.
	 */
	queue_handshake(&path);
	queue_outbound(&path, TCP_ACK, ISN + 1, 1, 1000, NULL, 0, false);
	queue_outbound(&path, TCP_ACK | TCP_PSH, ISN + 1001, 1, 1000, NULL, 0,
		       false);
	snprintf(text, sizeof(text), "%s%s", active_open,
		 "+0.01 < . 1:1(0) ack 1 win 5000\n"
		 "+0 > P. 1:2001(2000) ack 1\n");
	out = run_text(text, &path, false);
	tap_is_int(out.status, OUTCOME_OK,
		   "the first piece of a line's sum is not unexpected");
	if (out.status != OUTCOME_OK)
		tap_diag("%s", out.text);
	fake_path_fini(&path);

	/* No outbound line follows: packetdrill never sees it; --strict
	 * does.
	 */
	queue_handshake(&path);
	queue_outbound(&path, TCP_FIN | TCP_ACK, ISN + 1, 1, 0, NULL, 0, false);
	snprintf(text, sizeof(text), "%s%s", active_open,
		 "+0.01 < . 1:1(0) ack 1 win 5000\n");
	out = run_text(text, &path, false);
	tap_is_int(out.status, OUTCOME_OK,
		   "without --strict, a packet after the last outbound line "
		   "passes, as in packetdrill");
	fake_path_fini(&path);

	queue_handshake(&path);
	queue_outbound(&path, TCP_FIN | TCP_ACK, ISN + 1, 1, 0, NULL, 0, false);
	out = run_text_strict(text, &path, false, true);
	tap_is_int(out.status, OUTCOME_MISMATCH, "with --strict it fails");
	tap_is_str(masked(out.text), "fake.pkt:6: unexpected outbound packet "
		   "at T s, before this line ran; no outbound line follows "
		   "(--strict)\n  packet:   > F. 1:1(0) ack 1 win 1000",
		   "... saying so");
	fake_path_fini(&path);
}

/* --strict after the last line: the settle time, then any packet. */
static void test_strict_after_end(void)
{
	struct fake_path path;
	struct run_result out;

	queue_handshake(&path);
	queue_outbound(&path, TCP_FIN | TCP_ACK, ISN + 1, 1, 0, NULL, 0, false);
	out = run_text_strict(active_open, &path, false, true);
	tap_is_int(out.status, OUTCOME_MISMATCH,
		   "--strict fails on a packet after the last line");
	tap_is_str(masked(out.text), "fake.pkt:5: unexpected outbound packet "
		   "at T s, after the last line (--strict watches T s for "
		   "any)\n  packet:   > F. 1:1(0) ack 1 win 1000",
		   "... at the last line, with the packet");
	fake_path_fini(&path);

	queue_handshake(&path);
	queue_outbound(&path, TCP_FIN | TCP_ACK, ISN + 1, 1, 0, NULL, 0, false);
	out = run_text(active_open, &path, false);
	tap_is_int(out.status, OUTCOME_OK, "without --strict it passes");
	fake_path_fini(&path);

	queue_handshake(&path);
	out = run_text_strict(active_open, &path, false, true);
	tap_is_int(out.status, OUTCOME_OK,
		   "--strict passes when nothing more comes");
	if (out.status != OUTCOME_OK)
		tap_diag("%s", out.text);
	fake_path_fini(&path);
}

/* Ports written on a line are shown on both sides of a mismatch. */
static void test_explicit_ports_shown(void)
{
	struct fake_path path;
	struct run_result out;

	queue_handshake(&path);
	out = run_text("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
		       "+0 connect(3, ..., ...) = 0\n"
		       "+0 > 45000>8080 S 0:0(0) <mss 1400,nop,nop,sackOK>\n",
		       &path, false);
	tap_is_str(out.text,
		   "fake.pkt:3: outbound packet does not match the script\n"
		   "  expected: > 45000>8080 S 0:0(0) <mss 1400,nop,nop,sackOK>\n"
		   "  actual:   > 45000>8080 S 0:0(0) win 1000 "
		   "<mss 1460,nop,nop,sackOK>\n"
		   "  mss: expected 1400, got 1460",
		   "ports written on the line are in the report");
	fake_path_fini(&path);
}

/* A %{ }% block written as packetdrill's scripts do, each assertion ending
 * in `;\`, the last one just before `}%`.
 */
static void test_code_continuation(void)
{
	struct fake_path path;
	struct run_result out;

	fake_path_init(&path);
	out = run_text("0 %{ assert 1 == 1, 'one';\\\n"
		       "     assert 2 == 2, 'two';\\\n"
		       "}%\n", &path, false);
	tap_is_int(out.status, OUTCOME_OK,
		   "a block ending in a continuation line runs");
	if (out.status != OUTCOME_OK)
		tap_diag("%s", out.text);
	out = run_text("0 %{ assert 1 == 1, 'one';\\\n"
		       "     assert 2 == 3, 'two';\\\n"
		       "}%\n", &path, false);
	tap_is_int(out.status, OUTCOME_MISMATCH,
		   "and its assertions are checked");
	tap_is_str(out.text, "fake.pkt:2: assertion failed: assert 2 == 3, "
		   "'two';\\ (two)",
		   "the failure names the assertion's own line");
	tap_is_int(out.line, 2, "... and carries it as a field");
	tap_is_int(out.kind, FAILURE_MISMATCH, "... a mismatch");
	fake_path_fini(&path);
}

/* A block sees the socket's SO_MEMINFO counters by their names, each the
 * value in its slot of the array the kernel returned.
 */
static void test_code_meminfo(void)
{
	struct fake_path path;
	struct run_result out;

	fake_path_init(&path);
	out = run_text("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
		       "+0 %{\n"
		       "assert SK_MEMINFO_RMEM_ALLOC == 1000\n"
		       "assert SK_MEMINFO_RCVBUF == 1001\n"
		       "assert SK_MEMINFO_WMEM_ALLOC == 1002\n"
		       "assert SK_MEMINFO_SNDBUF == 1003\n"
		       "assert SK_MEMINFO_FWD_ALLOC == 1004\n"
		       "assert SK_MEMINFO_WMEM_QUEUED == 1005\n"
		       "assert SK_MEMINFO_OPTMEM == 1006\n"
		       "assert SK_MEMINFO_BACKLOG == 1007\n"
		       "assert SK_MEMINFO_DROPS == 1008, SK_MEMINFO_DROPS\n"
		       "}%\n", &path, false);
	tap_is_int(out.status, OUTCOME_OK,
		   "a block reads the nine SO_MEMINFO counters by name");
	if (out.status != OUTCOME_OK)
		tap_diag("%s", out.text);
	fake_path_fini(&path);

	fake_path_init(&path);
	out = run_text("0 %{ assert SK_MEMINFO_RCVBUF > 0 }%\n", &path, false);
	tap_is_int(out.status, OUTCOME_BAD_SCRIPT,
		   "before any socket the names are undefined");
	fake_path_fini(&path);
}

/* A minute of script on the virtual clock: the SYN retransmitted 1, 2
 * and 4 s apart by the fake stack's timers, a blocking read that returns
 * 50 s later when the data comes, a close at 60 s.  Every time is exact:
 * nothing sleeps, and the run takes milliseconds of wall time.
 */
static void test_virtual_minute(void)
{
	static const char text[] =
		"0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
		"+0 connect(3, ..., ...) = 0\n"
		"+0 > S 0:0(0) <mss 1460,nop,nop,sackOK>\n"
		"+1 > S 0:0(0) <mss 1460,nop,nop,sackOK>\n"
		"+2 > S 0:0(0) <mss 1460,nop,nop,sackOK>\n"
		"+4 > S 0:0(0) <mss 1460,nop,nop,sackOK>\n"
		"+0 < S. 0:0(0) ack 1 win 5000 <mss 1000,sackOK,nop,nop>\n"
		"+0 > . 1:1(0) ack 1\n"
		"+1...51 read(3, ..., 1000) = 10\n"
		"+50 < P. 1:11(10) ack 1 win 5000\n"
		"+0 > . 1:1(0) ack 11\n"
		"+2 close(3) = 0\n";
	const int64_t sec = 1000000000, t0 = 1000 * sec;
	struct fake_path path;
	struct run_result out;
	int64_t wall;

	test_clock = run_clock_virtual_new(t0);
	if (!test_clock)
		abort();
	fake_path_init(&path);
	for (int i = 0; i < 4; i++) {
		static const int at[] = { 0, 1, 3, 7 };

		queue_outbound(&path, TCP_SYN, ISN, 0, 0, syn_options, 8, false);
		path.out_after[i] = 0;
		path.out_at[i] = t0 + at[i] * sec;
	}
	queue_outbound(&path, TCP_ACK, ISN + 1, 1, 0, NULL, 0, false);
	queue_outbound(&path, TCP_ACK, ISN + 1, 11, 0, NULL, 0, false);
	path.out_after[5] = 2;
	read_returned_at = 0;
	wall = clock_now_ns();
	out = run_text_with(text, &path, false, false, 4000);
	wall = clock_now_ns() - wall;
	tap_is_int(out.status, OUTCOME_OK,
		   "a 60 s script passes on the virtual clock");
	if (out.status != OUTCOME_OK)
		tap_diag("%s", out.text);
	tap_is_int(path.in_count, 2, "two packets injected");
	tap_ok(path.in_at[0] == t0 + 7 * sec,
	       "the SYN-ACK went in at 7 s exactly, after three retransmissions");
	tap_ok(path.in_at[1] == t0 + 58 * sec, "the data at 58 s exactly");
	tap_ok(read_returned_at == t0 + 58 * sec,
	       "the blocking read returned when the data came, at 58 s");
	tap_ok(run_clock_now(test_clock) == t0 + 60 * sec,
	       "the run ended at 60 s of virtual time");
	tap_diag("60 s of virtual time in %.1f ms of wall time",
		 (double)wall / 1e6);
	fake_path_fini(&path);

	/* The first retransmission a second late: missed, and the report's
	 * times are the virtual clock's, exact.
	 */
	fake_path_init(&path);
	for (int i = 0; i < 4; i++) {
		static const int at[] = { 0, 2, 3, 7 };

		queue_outbound(&path, TCP_SYN, ISN, 0, 0, syn_options, 8, false);
		path.out_after[i] = 0;
		path.out_at[i] = run_clock_now(test_clock) + at[i] * sec;
	}
	out = run_text_with(text, &path, false, false, 4000);
	tap_is_int(out.status, OUTCOME_MISMATCH,
		   "a retransmission a second late fails on the virtual clock");
	tap_is_str(out.text, "fake.pkt:4: no outbound packet by 1.125 s; "
		   "expected > S 0:0(0) <mss 1460,nop,nop,sackOK>\n"
		   "  last packets (script time):\n"
		   "    0.000 > S 0:0(0) win 1000 <mss 1460,nop,nop,sackOK>",
		   "... at its deadline, 1 s plus 12.5%%");
	fake_path_fini(&path);
	run_clock_free(test_clock);
	test_clock = NULL;
}

int main(void)
{
	test_inbound_mapping();
	test_super_packet();
	test_gro_injection();
	test_gso_boundaries();
	test_pieces_gathered();
	test_earlier_socket_ignored();
	test_bad_checksum();
	test_missing_and_ports();
	test_missing_shows_history();
	test_stray_between_events();
	test_strict_after_end();
	test_explicit_ports_shown();
	test_code_continuation();
	test_code_meminfo();
	test_virtual_minute();
	return tap_done();
}
