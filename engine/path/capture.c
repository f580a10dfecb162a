/*
 * capture.c - the run's packet recorder, on libpcap (see capture.h).
 *
 * A packet socket on the device sees both directions: what the runner
 * writes to tun0 arrives as received traffic, what the stack sends leaves
 * as outgoing traffic, TSO/GSO super-packets whole.  A thread of its own
 * copies each packet, as libpcap hands it over, into a pcap image in
 * memory; the file is written only at the end, and only if it is wanted,
 * so a passing run does no file I/O.  The thread is started before the
 * runner raises its priority and keeps the ordinary one: it works when
 * the timed threads sleep, and the kernel's ring holds what arrives
 * meanwhile.
 */
#include "config.h"

#include <fcntl.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "path/capture.h"

/* What the kernel holds between two wake-ups of the recorder. */
#define CAPTURE_RING_BYTES (4 << 20)
/* The image stops growing here; later packets count as dropped. */
#define CAPTURE_MAX_BYTES (256 << 20)
/* The recorder needs little stack, and mlockall() makes it resident. */
#define RECORDER_STACK (128 << 10)

struct capture {
	pcap_t *pcap;
	pcap_dumper_t *dumper;	/* writes into image */
	FILE *image;
	char *image_buf;
	size_t image_size;
	size_t bytes;		/* recorded so far */
	unsigned long dropped;	/* over CAPTURE_MAX_BYTES */
	int stop[2];		/* a byte on stop[1] ends the recorder */
	pthread_t thread;
	bool started;
};

static void record(u_char *user, const struct pcap_pkthdr *hdr,
		   const u_char *data)
{
	struct capture *c = (struct capture *)user;

	if (c->bytes + hdr->caplen + 16 > CAPTURE_MAX_BYTES) {
		c->dropped++;
		return;
	}
	c->bytes += hdr->caplen + 16;
	pcap_dump((u_char *)c->dumper, hdr, data);
}

static void *recorder(void *arg)
{
	struct capture *c = arg;
	struct pollfd fds[2] = {
		{ .fd = pcap_get_selectable_fd(c->pcap), .events = POLLIN },
		{ .fd = c->stop[0], .events = POLLIN },
	};

	for (;;) {
		poll(fds, 2, -1);
		/* Non-blocking: everything the ring holds, then 0. */
		while (pcap_dispatch(c->pcap, -1, record, (u_char *)c) > 0)
			;
		if (fds[1].revents)
			break;
	}
	return NULL;
}

static int start_recorder(struct capture *c, struct error *err)
{
	sigset_t all, old;
	pthread_attr_t attr;
	int rc;

	/* Signals stay with the runner's threads, which act on them. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, RECORDER_STACK);
	rc = pthread_create(&c->thread, &attr, recorder, c);
	pthread_attr_destroy(&attr);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		error_set(err, "cannot start the packet recorder: %s",
			  strerror(rc));
		return -1;
	}
	c->started = true;
	return 0;
}

/* Keep only what filter (BPF text) takes; NULL: everything. */
static int set_filter(struct capture *c, const char *device,
		      const char *filter, struct error *err)
{
	struct bpf_program prog;
	int rc;

	if (!filter)
		return 0;
	if (pcap_compile(c->pcap, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) < 0)
		return error_set(err, "cannot record packets on %s: %s", device,
				 pcap_geterr(c->pcap));
	rc = pcap_setfilter(c->pcap, &prog);
	pcap_freecode(&prog);
	if (rc < 0)
		return error_set(err, "cannot record packets on %s: %s", device,
				 pcap_geterr(c->pcap));
	return 0;
}

static int activate(struct capture *c, const char *device, const char *filter,
		    struct error *err)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	int rc;

	c->pcap = pcap_create(device, errbuf);
	if (!c->pcap)
		return error_set(err, "cannot record packets on %s: %s", device,
				 errbuf);
	pcap_set_snaplen(c->pcap, 65535);
	pcap_set_immediate_mode(c->pcap, 1);
	pcap_set_buffer_size(c->pcap, CAPTURE_RING_BYTES);
	/* Microseconds are the fallback when the kernel cannot do better. */
	pcap_set_tstamp_precision(c->pcap, PCAP_TSTAMP_PRECISION_NANO);
	rc = pcap_activate(c->pcap);
	if (rc < 0)
		return error_set(err, "cannot record packets on %s: %s", device,
				 pcap_geterr(c->pcap));
	if (set_filter(c, device, filter, err) < 0)
		return -1;
	if (pcap_setnonblock(c->pcap, 1, errbuf) < 0)
		return error_set(err, "cannot record packets on %s: %s", device,
				 errbuf);
	c->image = open_memstream(&c->image_buf, &c->image_size);
	if (!c->image)
		return error_set_errno(err, "open_memstream");
	c->dumper = pcap_dump_fopen(c->pcap, c->image);
	if (!c->dumper)
		return error_set(err, "cannot record packets on %s: %s", device,
				 pcap_geterr(c->pcap));
	return 0;
}

static void release(struct capture *c)
{
	if (c->started) {
		if (write(c->stop[1], "x", 1) < 0) {
			/* Cannot happen with an empty pipe; the join would
			 * then wait for the next packet.
			 */
		}
		pthread_join(c->thread, NULL);
	}
	if (c->dumper)
		pcap_dump_close(c->dumper);	/* closes the image */
	else if (c->image)
		fclose(c->image);
	free(c->image_buf);
	if (c->pcap)
		pcap_close(c->pcap);
	if (c->stop[0] >= 0) {
		close(c->stop[0]);
		close(c->stop[1]);
	}
	free(c);
}

int capture_open(const char *device, const char *filter, struct capture **out,
		 struct error *err)
{
	struct capture *c = calloc(1, sizeof(*c));

	*out = NULL;
	if (!c) {
		error_set(err, "out of memory");
		return OUTCOME_ENVIRONMENT;
	}
	c->stop[0] = c->stop[1] = -1;
	if (pipe2(c->stop, O_CLOEXEC) < 0) {
		error_set_errno(err, "pipe2");
		c->stop[0] = c->stop[1] = -1;
		release(c);
		return OUTCOME_ENVIRONMENT;
	}
	if (activate(c, device, filter, err) < 0 ||
	    start_recorder(c, err) < 0) {
		release(c);
		return OUTCOME_ENVIRONMENT;
	}
	*out = c;
	return OUTCOME_OK;
}

static int write_file(const char *path, const char *data, size_t len,
		      struct error *err)
{
	FILE *f = fopen(path, "wb");
	bool ok;

	if (!f)
		return error_set_errno(err, "cannot write the capture %s", path);
	ok = fwrite(data, 1, len, f) == len;
	ok = fclose(f) == 0 && ok;
	if (!ok) {
		unlink(path);
		return error_set(err, "cannot write the capture %s", path);
	}
	return 0;
}

int capture_close(struct capture *c, const char *path, struct error *err)
{
	struct pcap_stat stats;
	long dropped;
	int rc = 0;

	if (!c)
		return 0;
	/* The recorder's last pass takes what is left in the ring. */
	if (c->started) {
		if (write(c->stop[1], "x", 1) < 0) {
			/* See release(). */
		}
		pthread_join(c->thread, NULL);
		c->started = false;
	}
	dropped = (long)c->dropped;
	if (pcap_stats(c->pcap, &stats) == 0)
		dropped += (long)stats.ps_drop;
	pcap_dump_close(c->dumper);
	c->dumper = NULL;
	c->image = NULL;
	if (path && c->image_buf)
		rc = write_file(path, c->image_buf, c->image_size, err);
	release(c);
	return rc < 0 ? -1 : (int)dropped;
}
