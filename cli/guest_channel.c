/*
 * guest_channel.c - script results as frames (guest_channel.h).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "guest_channel.h"
#include "vm/frame.h"

struct channel_rep {
	struct reporter base;
	int fd;
	const char *out_path, *err_path;
	off_t out_sent, err_sent;
	char *last_started;
};

int channel_send(int fd, uint8_t type, const uint8_t *payload, size_t len)
{
	struct frame_buf frame = { 0 };
	size_t off = 0;
	int rc = 0;

	if (frame_encode(&frame, type, payload, len) < 0)
		return -1;
	while (off < frame.len && rc == 0) {
		ssize_t n = write(fd, frame.data + off, frame.len - off);

		if (n > 0)
			off += (size_t)n;
		else if (n < 0 && errno != EINTR)
			rc = -1;
	}
	frame_buf_free(&frame);
	return rc;
}

/* Send what was written to path since *sent, as frames of type. */
static void forward_file(int fd, const char *path, off_t *sent, uint8_t type)
{
	int in = path ? open(path, O_RDONLY | O_CLOEXEC) : -1;
	uint8_t buf[65536];
	ssize_t n;

	if (in < 0)
		return;
	fflush(type == FRAME_STDOUT ? stdout : stderr);
	while ((n = pread(in, buf, sizeof(buf), *sent)) > 0) {
		channel_send(fd, type, buf, (size_t)n);
		*sent += n;
	}
	close(in);
}

static void forward_output(struct channel_rep *c)
{
	forward_file(c->fd, c->out_path, &c->out_sent, FRAME_STDOUT);
	forward_file(c->fd, c->err_path, &c->err_sent, FRAME_STDERR);
}

static void channel_begin(struct reporter *rep, int total)
{
	(void)rep;
	(void)total;
}

static void channel_progress(struct reporter *rep,
			     const struct suite_progress *p)
{
	struct channel_rep *c = (struct channel_rep *)rep;
	struct frame_buf payload = { 0 };

	if (p->running_count < 1 ||
	    (c->last_started && !strcmp(c->last_started, p->running[0])))
		return;
	free(c->last_started);
	c->last_started = strdup(p->running[0]);
	forward_output(c);
	if (frame_field_str(&payload, FIELD_NAME, p->running[0]) == 0)
		channel_send(c->fd, FRAME_START, payload.data, payload.len);
	frame_buf_free(&payload);
}

/* A capture the guest kept goes to the host, which keeps it under the
 * same name in its own --pcap-dir.
 */
static void send_capture(struct channel_rep *c, const char *path)
{
	struct frame_buf payload = { 0 };
	int in = open(path, O_RDONLY | O_CLOEXEC);
	const char *base = strrchr(path, '/');
	uint8_t buf[65536];
	struct frame_buf data = { 0 };
	ssize_t n;

	if (in < 0)
		return;
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (frame_buf_put(&data, buf, (size_t)n) < 0)
			break;
	close(in);
	if (frame_field_str(&payload, FIELD_NAME, base ? base + 1 : path) == 0 &&
	    frame_field_put(&payload, FIELD_DATA, data.data, data.len) == 0)
		channel_send(c->fd, FRAME_FILE, payload.data, payload.len);
	frame_buf_free(&payload);
	frame_buf_free(&data);
}

static int encode_result(struct frame_buf *p, const struct script_result *res)
{
	int rc = 0;

	rc |= frame_field_str(p, FIELD_PATH, res->path);
	rc |= frame_field_str(p, FIELD_FAMILY, res->family);
	rc |= frame_field_int(p, FIELD_STATUS, res->status);
	rc |= frame_field_int(p, FIELD_DURATION_US,
			      (int64_t)(res->duration * 1e6 + 0.5));
	rc |= frame_field_int(p, FIELD_LINE, res->line);
	rc |= frame_field_str(p, FIELD_MESSAGE, res->message);
	rc |= frame_field_str(p, FIELD_CAPTURE, res->capture);
	rc |= frame_field_int(p, FIELD_ATTEMPTS, res->attempts);
	rc |= frame_field_int(p, FIELD_TIMED_OUT, res->timed_out);
	rc |= frame_field_int(p, FIELD_SPAWNED, res->spawned_ns);
	rc |= frame_field_int(p, FIELD_FIRST, res->first_event_ns);
	rc |= frame_field_int(p, FIELD_LAST, res->last_event_ns);
	rc |= frame_field_int(p, FIELD_EXITED, res->exited_ns);
	return rc ? -1 : 0;
}

static void channel_script_done(struct reporter *rep,
				const struct script_result *res)
{
	struct channel_rep *c = (struct channel_rep *)rep;
	struct frame_buf payload = { 0 };

	forward_output(c);
	if (res->capture)
		send_capture(c, res->capture);
	if (encode_result(&payload, res) == 0)
		channel_send(c->fd, FRAME_RESULT, payload.data, payload.len);
	frame_buf_free(&payload);
	free(c->last_started);
	c->last_started = NULL;
}

static int channel_end(struct reporter *rep, const struct suite_summary *sum)
{
	struct channel_rep *c = (struct channel_rep *)rep;
	struct frame_buf payload = { 0 };
	int rc = 0;

	forward_output(c);
	rc |= frame_field_str(&payload, FIELD_SKIP_ALL, sum->skip_all);
	rc |= frame_field_int(&payload, FIELD_INTERRUPTED, sum->interrupted);
	if (rc == 0)
		rc = channel_send(c->fd, FRAME_END, payload.data, payload.len);
	frame_buf_free(&payload);
	return rc;
}

static void channel_free(struct reporter *rep)
{
	struct channel_rep *c = (struct channel_rep *)rep;

	free(c->last_started);
	free(c);
}

static const struct reporter_ops channel_ops = {
	.begin = channel_begin,
	.progress = channel_progress,
	.script_done = channel_script_done,
	.end = channel_end,
	.free = channel_free,
};

struct reporter *report_channel_new(int fd, const char *out_path,
				    const char *err_path)
{
	struct channel_rep *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->base.ops = &channel_ops;
	c->fd = fd;
	c->out_path = out_path;
	c->err_path = err_path;
	return &c->base;
}

/* Copy a string field into store, NUL-terminated; returns it. */
static const char *keep(char **at, const uint8_t *data, size_t len)
{
	char *s = *at;

	memcpy(s, data, len);
	s[len] = '\0';
	*at += len + 1;
	return s;
}

int channel_result_decode(const uint8_t *payload, size_t len,
			  struct script_result *res, char **store)
{
	struct field_iter it = { payload, len };
	const uint8_t *data;
	size_t n;
	uint8_t tag;
	int64_t v = 0;
	char *at;
	int rc;

	*res = (struct script_result){ .attempts = 1 };
	/* Each field's bytes and a NUL fit in the payload's own size. */
	*store = at = malloc(len + 1);
	if (!at)
		return -1;
	while ((rc = field_next(&it, &tag, &data, &n)) > 0) {
		bool num = field_int(data, n, &v);

		switch (tag) {
		case FIELD_PATH: res->path = keep(&at, data, n); break;
		case FIELD_FAMILY: res->family = keep(&at, data, n); break;
		case FIELD_MESSAGE: res->message = keep(&at, data, n); break;
		case FIELD_CAPTURE: res->capture = keep(&at, data, n); break;
		case FIELD_STATUS:
			if (!num || v < RESULT_PASS || v > RESULT_SKIP)
				return -1;
			res->status = (enum result_status)v;
			break;
		case FIELD_DURATION_US: res->duration = num ? (double)v / 1e6 : 0; break;
		case FIELD_LINE: res->line = num && v >= 0 && v < 1 << 30 ? (int)v : 0; break;
		case FIELD_ATTEMPTS: res->attempts = num && v > 0 && v < 1000 ? (int)v : 1; break;
		case FIELD_TIMED_OUT: res->timed_out = num && v; break;
		case FIELD_SPAWNED: res->spawned_ns = num ? v : 0; break;
		case FIELD_FIRST: res->first_event_ns = num ? v : 0; break;
		case FIELD_LAST: res->last_event_ns = num ? v : 0; break;
		case FIELD_EXITED: res->exited_ns = num ? v : 0; break;
		default: break;
		}
	}
	return rc < 0 || !res->path ? -1 : 0;
}
