/*
 * plugin.c - loading a stack's shared object and serving it the host
 * side of the interface: a virtual clock, the timer it asked for, and a
 * queue of the datagrams it sent.
 */
#include <dlfcn.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "stack/plugin.h"

#ifndef PKGLIBDIR
#define PKGLIBDIR "/usr/local/lib/tcpcheck"
#endif

#define QUEUE_MAX 4096		/* datagrams waiting to be read */
#define CAPTURE_MAX (64u << 20)	/* bytes of capture kept in memory */
/* A stack that asks again for an instant its timers already ran at is
 * spinning: its next run is put this much later, so a broken stack costs
 * a thousand runs a virtual second, not a hang.
 */
#define BUSY_STACK_NS 1000000

struct queued {
	uint8_t *data;
	size_t len;
	int64_t at_ns;
};

struct stack_plugin {
	void *handle;
	const struct tcpcheck_stack *ops;
	void *instance;
	struct tcpcheck_stack_host host;
	/* The engine's clock, or NULL: the plugin's own (own_ns), which
	 * only stack_plugin_advance() moves.
	 */
	int64_t (*clock_now)(void *ctx);
	void *clock_ctx;
	int64_t own_ns;
	int64_t origin_ns;		/* the stack's time 0, engine's base */
	int64_t ran_ns;			/* its timers last ran then; -1 */
	int event_fd;			/* readable while the queue holds one */
	struct queued queue[QUEUE_MAX];
	size_t head, count;
	char why[256];
	/* --pcap-dir: every datagram both ways as pcap records, stamped
	 * with the stack's time (so a run's capture repeats byte for byte).
	 */
	bool recording;
	uint8_t *image;
	size_t image_len, image_cap;
};

void stack_plugin_locate(const char *spec, char *path, size_t size)
{
	char exe[PATH_MAX];
	ssize_t n;
	size_t len = strlen(spec);

	if (strchr(spec, '/') || (len > 3 && !strcmp(spec + len - 3, ".so"))) {
		snprintf(path, size, "%s", spec);
		return;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		char *slash;

		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash)
			*slash = '\0';
		snprintf(path, size, "%s/stacks/%s/%s.so", exe, spec, spec);
		if (access(path, R_OK) == 0)
			return;
	}
	snprintf(path, size, "%s/stacks/%s.so", PKGLIBDIR, spec);
}

int64_t stack_plugin_now(const struct stack_plugin *p)
{
	return p->clock_now ? p->clock_now(p->clock_ctx) : p->own_ns;
}

static int64_t host_now(void *ctx)
{
	struct stack_plugin *p = ctx;

	return stack_plugin_now(p) - p->origin_ns;
}

void stack_plugin_set_clock(struct stack_plugin *p,
			    int64_t (*now)(void *ctx), void *ctx)
{
	p->clock_now = now;
	p->clock_ctx = ctx;
}

/* Append one pcap record (nanosecond format, raw IP) to the image. */
static void record(struct stack_plugin *p, const void *data, size_t len)
{
	uint64_t t = (uint64_t)(stack_plugin_now(p) - p->origin_ns);
	uint32_t hdr[4] = { (uint32_t)(t / 1000000000u),
			    (uint32_t)(t % 1000000000u), (uint32_t)len,
			    (uint32_t)len };
	size_t need = p->image_len + sizeof(hdr) + len;

	if (!p->recording || need > CAPTURE_MAX)
		return;
	if (need > p->image_cap) {
		size_t cap = p->image_cap ? p->image_cap * 2 : 65536;
		uint8_t *grown;

		while (cap < need)
			cap *= 2;
		grown = realloc(p->image, cap);
		if (!grown)
			return;
		p->image = grown;
		p->image_cap = cap;
	}
	memcpy(p->image + p->image_len, hdr, sizeof(hdr));
	memcpy(p->image + p->image_len + sizeof(hdr), data, len);
	p->image_len = need;
}

void stack_plugin_record(struct stack_plugin *p)
{
	p->recording = true;
}

int stack_plugin_write_capture(const struct stack_plugin *p,
			       const char *path, struct error *err)
{
	/* pcap's file header: nanosecond magic, 2.4, snaplen, LINKTYPE_RAW */
	const uint32_t file_hdr[6] = { 0xa1b23c4d, 0x00040002, 0, 0, 65535,
				       101 };
	FILE *f = fopen(path, "wb");
	bool ok;

	if (!f)
		return error_set_errno(err, "%s", path);
	ok = fwrite(file_hdr, sizeof(file_hdr), 1, f) == 1 &&
		(p->image_len == 0 ||
		 fwrite(p->image, p->image_len, 1, f) == 1);
	if (fclose(f) != 0 || !ok)
		return error_set_errno(err, "writing %s", path);
	return 0;
}

static void host_output(void *ctx, const void *datagram, size_t len)
{
	struct stack_plugin *p = ctx;
	struct queued *q;

	if (p->count == QUEUE_MAX || len == 0)
		return;		/* a full queue drops, as a device would */
	q = &p->queue[(p->head + p->count) % QUEUE_MAX];
	q->data = malloc(len);
	if (!q->data)
		return;
	memcpy(q->data, datagram, len);
	q->len = len;
	q->at_ns = stack_plugin_now(p);
	if (p->count++ == 0)
		(void)!write(p->event_fd, &(uint64_t){ 1 }, sizeof(uint64_t));
	record(p, datagram, len);
}

static void host_log(void *ctx, const char *text)
{
	(void)ctx;
	(void)text;
}

static int check_table(const struct tcpcheck_stack *ops, const char *path,
		       struct error *err)
{
	if (!ops) {
		error_set(err, "stack %s: %s() returned NULL", path,
			  TCPCHECK_STACK_ENTRY);
		return -1;
	}
	if (ops->abi_version != TCPCHECK_STACK_ABI_VERSION) {
		error_set(err, "stack %s: ABI version %u, tcpcheck speaks %u",
			  path, ops->abi_version, TCPCHECK_STACK_ABI_VERSION);
		return -1;
	}
	if (ops->size != sizeof(struct tcpcheck_stack)) {
		error_set(err, "stack %s: table of %u bytes, tcpcheck's is %zu",
			  path, ops->size, sizeof(struct tcpcheck_stack));
		return -1;
	}
	if (!ops->create || !ops->destroy || !ops->input ||
	    !ops->run_timers || !ops->next_timer || !ops->name) {
		error_set(err, "stack %s: no %s", path,
			  !ops->name ? "name" : !ops->create ? "create()" :
			  !ops->destroy ? "destroy()" : !ops->input ?
			  "input()" : !ops->run_timers ? "run_timers()" :
			  "next_timer()");
		return -1;
	}
	return 0;
}

int stack_plugin_load(const char *spec, struct stack_plugin **out,
		      struct error *err)
{
	char path[PATH_MAX];
	struct stack_plugin *p;
	tcpcheck_stack_entry_fn entry;

	*out = NULL;
	stack_plugin_locate(spec, path, sizeof(path));
	p = calloc(1, sizeof(*p));
	if (!p) {
		error_set(err, "out of memory");
		return OUTCOME_ENVIRONMENT;
	}
	p->event_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (p->event_fd < 0) {
		error_set_errno(err, "eventfd");
		free(p);
		return OUTCOME_ENVIRONMENT;
	}
	p->handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!p->handle) {
		error_set(err, "stack %s: %s", spec, dlerror());
		stack_plugin_close(p);
		return OUTCOME_ENVIRONMENT;
	}
	*(void **)&entry = dlsym(p->handle, TCPCHECK_STACK_ENTRY);
	if (!entry) {
		error_set(err, "stack %s: no symbol %s", path,
			  TCPCHECK_STACK_ENTRY);
		stack_plugin_close(p);
		return OUTCOME_ENVIRONMENT;
	}
	p->ops = entry();
	if (check_table(p->ops, path, err) < 0) {
		stack_plugin_close(p);
		return OUTCOME_ENVIRONMENT;
	}
	p->ran_ns = -1;
	*out = p;
	return OUTCOME_OK;
}

const struct tcpcheck_stack *stack_plugin_ops(const struct stack_plugin *p)
{
	return p->ops;
}

void *stack_plugin_instance(const struct stack_plugin *p)
{
	return p->instance;
}

static void plan_config(const struct net_plan *plan,
			struct tcpcheck_stack_config *cfg)
{
	int family = plan->local_ip.family;

	memset(cfg, 0, sizeof(*cfg));
	cfg->size = sizeof(*cfg);
	cfg->family = family;
	if (family == AF_INET) {
		memcpy(cfg->local_ip, &plan->local_ip.u.v4, 4);
		memcpy(cfg->gateway_ip, &plan->remote_ip.u.v4, 4);
	} else {
		memcpy(cfg->local_ip, &plan->local_ip.u.v6, 16);
		memcpy(cfg->gateway_ip, &plan->remote_ip.u.v6, 16);
	}
	cfg->prefix_len = plan->prefix_len;
	cfg->mtu = plan->mtu;
}

int stack_plugin_start(struct stack_plugin *p, const struct net_plan *plan,
		       uint32_t seed, const char *flags, struct error *err)
{
	struct tcpcheck_stack_config cfg;

	if (plan->ip_version == IP_VERSION_4_MAPPED_6) {
		error_set(err, "stack %s: IPv4-mapped IPv6 sockets are not "
			  "supported", p->ops->name);
		return OUTCOME_ENVIRONMENT;
	}
	plan_config(plan, &cfg);
	cfg.seed = seed;
	cfg.flags = flags ? flags : "";
	p->host = (struct tcpcheck_stack_host){
		.abi_version = TCPCHECK_STACK_ABI_VERSION,
		.size = sizeof(struct tcpcheck_stack_host),
		.ctx = p,
		.now_ns = host_now,
		.output = host_output,
		.log = host_log,
	};
	p->why[0] = '\0';
	p->origin_ns = stack_plugin_now(p);
	p->instance = p->ops->create(&p->host, &cfg, p->why, sizeof(p->why));
	if (!p->instance) {
		p->why[sizeof(p->why) - 1] = '\0';
		error_set(err, "stack %s: %s", p->ops->name,
			  p->why[0] ? p->why : "create() failed");
		return OUTCOME_ENVIRONMENT;
	}
	return OUTCOME_OK;
}

int64_t stack_plugin_next_timer(const struct stack_plugin *p)
{
	int64_t next = p->instance ? p->ops->next_timer(p->instance) : -1;

	if (next < 0)
		return -1;
	next += p->origin_ns;
	if (p->ran_ns >= 0 && next <= p->ran_ns)
		next = p->ran_ns + BUSY_STACK_NS;
	return next;
}

void stack_plugin_advance(struct stack_plugin *p, int64_t when_ns)
{
	/* A stack that asks for an instant already past runs now, once:
	 * the clock never goes back and the loop always ends.
	 */
	int64_t due;

	if (p->clock_now)
		when_ns = stack_plugin_now(p);	/* the engine moves time */
	while ((due = stack_plugin_next_timer(p)) >= 0 && due <= when_ns) {
		if (!p->clock_now && due > p->own_ns)
			p->own_ns = due;
		p->ops->run_timers(p->instance);
		p->ran_ns = due;
	}
	if (!p->clock_now && when_ns > p->own_ns)
		p->own_ns = when_ns;
}

void stack_plugin_input(struct stack_plugin *p, const uint8_t *pkt,
			size_t len)
{
	if (!p->instance)
		return;
	record(p, pkt, len);
	p->ops->input(p->instance, pkt, len);
}

int stack_plugin_event_fd(const struct stack_plugin *p)
{
	return p->event_fd;
}

bool stack_plugin_has_output(const struct stack_plugin *p)
{
	return p->count > 0;
}

bool stack_plugin_pop(struct stack_plugin *p, uint8_t *buf, size_t cap,
		      size_t *len, int64_t *at_ns)
{
	struct queued *q;

	if (!p->count)
		return false;
	q = &p->queue[p->head];
	*len = q->len < cap ? q->len : cap;
	memcpy(buf, q->data, *len);
	*at_ns = q->at_ns;
	free(q->data);
	p->head = (p->head + 1) % QUEUE_MAX;
	if (--p->count == 0)
		(void)!read(p->event_fd, &(uint64_t){ 0 }, sizeof(uint64_t));
	return true;
}

void stack_plugin_close(struct stack_plugin *p)
{
	if (!p)
		return;
	if (p->instance)
		p->ops->destroy(p->instance);
	while (p->count) {
		free(p->queue[p->head].data);
		p->head = (p->head + 1) % QUEUE_MAX;
		p->count--;
	}
	free(p->image);
	close(p->event_fd);
	/* The object stays mapped until the runner exits (dlclose() is not
	 * called): a stack may keep memory only its globals point to (lwIP
	 * keeps its timer list so, with no call to free it), and unmapping
	 * them would turn that memory into a leak.  A runner loads one
	 * stack, so nothing accumulates.
	 */
	free(p);
}
