/*
 * stack_path.c - the packet path of a stack plugin, in virtual time.
 *
 * send() hands the datagram to the stack's input(); what the stack sends
 * waits in the plugin's queue, and an eventfd counts it, so the run's
 * clock sees the path readable while a datagram waits.  receive() takes
 * the oldest; with none waiting it advances the plugin's clock to the
 * deadline, running the stack's timers on the way, and stops at the
 * first instant the stack sent something.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "stack/stack_path.h"

struct stack_path {
	struct packet_path base;	/* first: the engine's view */
	struct stack_plugin *plugin;
	int event_fd;			/* readable while a datagram waits */
};

static struct stack_path *SP(struct packet_path *path)
{
	return (struct stack_path *)path;
}

/* Keep event_fd readable exactly while the queue holds a datagram. */
static void sync_event(struct stack_path *sp)
{
	uint64_t v;

	if (stack_plugin_has_output(sp->plugin))
		v = 1, (void)!write(sp->event_fd, &v, sizeof(v));
	else
		(void)!read(sp->event_fd, &v, sizeof(v));
}

static int sp_send(struct packet_path *path, const uint8_t *packet,
		   size_t len, uint16_t gso_size, int64_t *sent_ns,
		   struct error *err)
{
	struct stack_path *sp = SP(path);

	(void)err;
	(void)gso_size;	/* a userspace stack takes a datagram as it is */
	*sent_ns = stack_plugin_now(sp->plugin);
	path->last_taken_ns = *sent_ns;
	stack_plugin_input(sp->plugin, packet, len);
	sync_event(sp);
	return 0;
}

static int sp_receive(struct packet_path *path, uint8_t *buf, size_t cap,
		      size_t *len, int64_t *at_ns, int64_t deadline_ns,
		      struct error *err)
{
	struct stack_path *sp = SP(path);
	struct stack_plugin *p = sp->plugin;

	(void)err;
	while (!stack_plugin_has_output(p)) {
		int64_t next = stack_plugin_next_timer(p);

		if (next < 0 || next > deadline_ns) {
			stack_plugin_advance(p, deadline_ns);
			break;
		}
		stack_plugin_advance(p, next);
		if (stack_plugin_now(p) < next)
			break;	/* the run's clock moves time, not this */
	}
	if (!stack_plugin_pop(p, buf, cap, len, at_ns)) {
		sync_event(sp);
		return PATH_TIMEOUT;
	}
	sync_event(sp);
	path->last_gso_size = 0;
	path->last_kernel_time = false;
	path->last_read_ns = *at_ns;
	return PATH_RECEIVED;
}

static int sp_wait_fd(struct packet_path *path)
{
	return SP(path)->event_fd;
}

static void sp_close(struct packet_path *path)
{
	struct stack_path *sp = SP(path);

	close(sp->event_fd);
	free(sp);
}

int64_t stack_path_next_instant(struct packet_path *path)
{
	int64_t next = stack_plugin_next_timer(SP(path)->plugin);

	return next < 0 ? INT64_MAX : next;
}

void stack_path_run_due(struct packet_path *path, int64_t now_ns)
{
	struct stack_path *sp = SP(path);

	stack_plugin_advance(sp->plugin, now_ns);
	sync_event(sp);
}

static const struct packet_path_ops stack_path_ops = {
	.name = "stack",
	.send = sp_send,
	.receive = sp_receive,
	.wait_fd = sp_wait_fd,
	.close = sp_close,
	.next_instant = stack_path_next_instant,
	.run_due = stack_path_run_due,
};

int stack_path_open(struct stack_plugin *p, struct packet_path **out,
		    struct error *err)
{
	struct stack_path *sp = calloc(1, sizeof(*sp));

	*out = NULL;
	if (!sp) {
		error_set(err, "out of memory");
		return OUTCOME_ENVIRONMENT;
	}
	sp->event_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (sp->event_fd < 0) {
		error_set_errno(err, "eventfd");
		free(sp);
		return OUTCOME_ENVIRONMENT;
	}
	sp->base.ops = &stack_path_ops;
	sp->base.time_source = "the stack's virtual clock";
	sp->plugin = p;
	*out = &sp->base;
	return OUTCOME_OK;
}
