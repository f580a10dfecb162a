/*
 * stack_path.c - the packet path of a stack plugin, in virtual time.
 *
 * send() hands the datagram to the stack's input(); what the stack sends
 * waits in the plugin's queue, whose eventfd is the path's wait_fd, so
 * the run's clock sees the path readable while a datagram waits.  receive() takes
 * the oldest; with none waiting it advances the plugin's clock to the
 * deadline, running the stack's timers on the way, and stops at the
 * first instant the stack sent something.
 */
#include <stdlib.h>

#include "stack/stack_path.h"

struct stack_path {
	struct packet_path base;	/* first: the engine's view */
	struct stack_plugin *plugin;
};

static struct stack_path *SP(struct packet_path *path)
{
	return (struct stack_path *)path;
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
			return PATH_TIMEOUT;
	}
	path->last_gso_size = 0;
	path->last_kernel_time = false;
	path->last_read_ns = *at_ns;
	return PATH_RECEIVED;
}

static int sp_wait_fd(struct packet_path *path)
{
	return stack_plugin_event_fd(SP(path)->plugin);
}

static void sp_close(struct packet_path *path)
{
	free(SP(path));
}

int64_t stack_path_next_instant(struct packet_path *path)
{
	int64_t next = stack_plugin_next_timer(SP(path)->plugin);

	return next < 0 ? INT64_MAX : next;
}

void stack_path_run_due(struct packet_path *path, int64_t now_ns)
{
	stack_plugin_advance(SP(path)->plugin, now_ns);
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
	sp->base.ops = &stack_path_ops;
	sp->base.time_source = "the stack's virtual clock";
	sp->plugin = p;
	*out = &sp->base;
	return OUTCOME_OK;
}
