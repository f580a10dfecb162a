/*
 * pd_plugin.c - loading a packetdrill-interface stack and its packet path.
 *
 * The stack hands out its packets only when asked (netdev_receive), so a
 * collector thread asks continuously, every PD_POLL_NS when the stack had
 * none, and queues what it gets with the time it got it; an eventfd is
 * readable while the queue holds a packet, which is what the run loop
 * waits on.  Inbound packets go straight to netdev_send.
 */
#include <dlfcn.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "core/clock.h"
#include "stack/pd_internal.h"

#define PD_POLL_NS 20000		/* 20 us between empty asks */
#define PD_QUEUE_MAX 1024

struct pd_packet {
	uint8_t *data;
	size_t len;
	int64_t at_ns;
};

static bool queue_pop(struct pd_plugin *p, struct pd_packet *out)
{
	bool got = false;

	pthread_mutex_lock(&p->lock);
	if (p->count > 0) {
		*out = p->queue[p->head];
		p->head = (p->head + 1) % PD_QUEUE_MAX;
		got = true;
		if (--p->count == 0)
			(void)!read(p->event_fd, &(uint64_t){ 0 },
				    sizeof(uint64_t));
	}
	pthread_mutex_unlock(&p->lock);
	return got;
}

static void queue_push(struct pd_plugin *p, const uint8_t *data, size_t len)
{
	struct pd_packet pkt = { .len = len, .at_ns = clock_now_ns() };

	pkt.data = malloc(len);
	if (!pkt.data)
		return;
	memcpy(pkt.data, data, len);
	pthread_mutex_lock(&p->lock);
	if (p->count == PD_QUEUE_MAX) {
		free(pkt.data);
	} else {
		p->queue[(p->head + p->count) % PD_QUEUE_MAX] = pkt;
		if (p->count++ == 0)
			(void)!write(p->event_fd, &(uint64_t){ 1 },
				     sizeof(uint64_t));
	}
	pthread_mutex_unlock(&p->lock);
}

static void *collector(void *arg)
{
	struct pd_plugin *p = arg;
	uint8_t *buf = malloc(PD_PACKET_MAX);
	const struct timespec nap = { 0, PD_POLL_NS };

	while (buf && !__atomic_load_n(&p->stopping, __ATOMIC_ACQUIRE)) {
		size_t count = PD_PACKET_MAX;
		long long usecs = 0;

		if (p->t.netdev_receive(p->t.userdata, buf, &count, &usecs) < 0 ||
		    count == 0 || count > PD_PACKET_MAX)
			nanosleep(&nap, NULL);
		else
			queue_push(p, buf, count);
	}
	free(buf);
	return NULL;
}

static struct pd_plugin *PP(struct packet_path *path)
{
	return (struct pd_plugin *)((char *)path -
				    offsetof(struct pd_plugin, path));
}

static int pd_send(struct packet_path *path, const uint8_t *packet,
		   size_t len, uint16_t gso_size, int64_t *sent_ns,
		   struct error *err)
{
	struct pd_plugin *p = PP(path);

	(void)gso_size;
	*sent_ns = clock_now_ns();
	if (p->t.netdev_send(p->t.userdata, packet, len) < 0)
		return error_set_errno(err, "the stack's netdev_send");
	return 0;
}

static int pd_receive(struct packet_path *path, uint8_t *buf, size_t cap,
		      size_t *len, int64_t *at_ns, int64_t deadline_ns,
		      struct error *err)
{
	struct pd_plugin *p = PP(path);
	struct pd_packet pkt;

	(void)err;
	while (!queue_pop(p, &pkt)) {
		int64_t left = deadline_ns - clock_now_ns();
		struct pollfd pfd = { .fd = p->event_fd, .events = POLLIN };

		if (left <= 0)
			return PATH_TIMEOUT;
		poll(&pfd, 1, (int)(left / 1000000) + 1);
	}
	*len = pkt.len < cap ? pkt.len : cap;
	memcpy(buf, pkt.data, *len);
	*at_ns = pkt.at_ns;
	free(pkt.data);
	path->last_read_ns = pkt.at_ns;
	return PATH_RECEIVED;
}

static int pd_wait_fd(struct packet_path *path)
{
	return PP(path)->event_fd;
}

static void pd_path_close(struct packet_path *path)
{
	(void)path;	/* the plugin owns it: pd_plugin_close() */
}

static const struct packet_path_ops pd_path_ops = {
	.name = "packetdrill-so",
	.send = pd_send,
	.receive = pd_receive,
	.wait_fd = pd_wait_fd,
	.close = pd_path_close,
};

bool pd_plugin_probe(const char *path)
{
	void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	bool pd = h && dlsym(h, PD_ENTRY) && !dlsym(h, "tcpcheck_stack_entry");

	/* Left mapped: it is loaded again at once (see plugin.c). */
	return pd;
}

int pd_plugin_open(const char *path, const char *flags,
		   struct pd_plugin **out, struct error *err)
{
	struct pd_plugin *p = calloc(1, sizeof(*p));
	pd_entry_fn entry;
	void *h;

	*out = NULL;
	if (!p) {
		error_set(err, "out of memory");
		return OUTCOME_ENVIRONMENT;
	}
	h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	*(void **)&entry = h ? dlsym(h, PD_ENTRY) : NULL;
	if (!entry) {
		error_set(err, "stack %s: %s", path, h ? "no symbol "
			  PD_ENTRY : dlerror());
		free(p);
		return OUTCOME_ENVIRONMENT;
	}
	entry(flags ? flags : "", &p->t);
	if (!p->t.netdev_send || !p->t.netdev_receive) {
		error_set(err, "stack %s: no netdev_send or netdev_receive",
			  path);
		free(p);
		return OUTCOME_ENVIRONMENT;
	}
	p->queue = calloc(PD_QUEUE_MAX, sizeof(*p->queue));
	p->event_fd = p->queue ? eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC) : -1;
	pthread_mutex_init(&p->lock, NULL);
	p->path.ops = &pd_path_ops;
	p->path.time_source = "when the collector got it from the stack";
	pd_backend_init(p);
	if (p->event_fd < 0 ||
	    pthread_create(&p->thread, NULL, collector, p) != 0) {
		error_set(err, "stack %s: cannot start its collector", path);
		if (p->event_fd >= 0)
			close(p->event_fd);
		free(p->queue);
		free(p);
		return OUTCOME_ENVIRONMENT;
	}
	*out = p;
	return OUTCOME_OK;
}

struct packet_path *pd_plugin_path(struct pd_plugin *p)
{
	return &p->path;
}

struct syscall_backend *pd_plugin_backend(struct pd_plugin *p)
{
	return &p->backend;
}

void pd_plugin_close(struct pd_plugin *p)
{
	struct pd_packet pkt;

	if (!p)
		return;
	__atomic_store_n(&p->stopping, true, __ATOMIC_RELEASE);
	pthread_join(p->thread, NULL);
	while (queue_pop(p, &pkt))
		free(pkt.data);
	if (p->t.free)
		p->t.free(p->t.userdata);
	close(p->event_fd);
	pthread_mutex_destroy(&p->lock);
	free(p->queue);
	free(p);
}
