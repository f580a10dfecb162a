/*
 * stack_script.c - a script's needs against what a stack can do.
 *
 * A stack's table says which options it ever puts on its segments
 * (features, wscale).  A script whose outbound lines expect one it lacks
 * can only fail, and not because the stack is wrong: it is skipped
 * instead, with the line and the option named.
 */
#include <stdio.h>

#include "stack/stack_script.h"

/* What the stack lacks for option o, or NULL. */
static const char *lacking(const struct tcp_option *o,
			   const struct tcpcheck_stack *stack, char *buf,
			   size_t size)
{
	switch (o->kind) {
	case OPT_SACK_PERMITTED:
	case OPT_SACK:
		return stack->features & TCPCHECK_STACK_SACK ? NULL :
			"sends no SACK options";
	case OPT_TIMESTAMP:
		return stack->features & TCPCHECK_STACK_TIMESTAMPS ? NULL :
			"sends no timestamps";
	case OPT_WSCALE:
		if (!(stack->features & TCPCHECK_STACK_WSCALE) ||
		    stack->wscale < 0)
			return "sends no window scale";
		if (o->any_value || (int)o->value == stack->wscale ||
		    stack->wscale == STACK_SCRIPT_ANY_WSCALE)
			return NULL;
		snprintf(buf, size, "offers window scale %d, not %u",
			 stack->wscale, o->value);
		return buf;
	case OPT_MSS:
		return stack->features & TCPCHECK_STACK_MSS ? NULL :
			"sends no MSS option";
	case OPT_FAST_OPEN:
	case OPT_FAST_OPEN_EXP:
		return "has no TCP Fast Open";
	case OPT_MD5:
		return "has no TCP MD5 signatures";
	case OPT_ACCECN:
		return "has no AccECN";
	default:
		return NULL;
	}
}

static int packet_runnable(const struct event *ev,
			   const struct tcpcheck_stack *stack,
			   struct error *err)
{
	const struct tcp_packet_spec *p = &ev->u.packet;
	char buf[96];

	if (p->encaps.count > 0)
		return error_set(err, "line %d: %s takes no encapsulated "
				 "packets", ev->loc.line, stack->name);
	if (p->direction != DIR_OUTBOUND ||
	    p->options_form != TCP_OPTIONS_LIST)
		return 0;
	for (int i = 0; i < p->option_count; i++) {
		const char *why = lacking(&p->options[i], stack, buf,
					  sizeof(buf));

		if (why)
			return error_set(err, "line %d: %s %s",
					 p->options[i].loc.line, stack->name,
					 why);
	}
	return 0;
}

int stack_script_runnable(const struct script *script,
			  const struct tcpcheck_stack *stack,
			  struct error *err)
{
	if (script->init_command || script->cleanup_command) {
		error_set(err, "line %d: shell commands run in the kernel "
			  "stack's namespace; a %s run has none",
			  script->init_command ? script->init_loc.line : 0,
			  stack->name);
		return OUTCOME_ENVIRONMENT;
	}
	for (int i = 0; i < script->event_count; i++) {
		const struct event *ev = &script->events[i];

		if (ev->kind == EVENT_COMMAND) {
			error_set(err, "line %d: shell commands run in the "
				  "kernel stack's namespace; a %s run has "
				  "none", ev->loc.line, stack->name);
			return OUTCOME_ENVIRONMENT;
		}
		if (ev->kind == EVENT_PACKET &&
		    packet_runnable(ev, stack, err) < 0)
			return OUTCOME_ENVIRONMENT;
	}
	return OUTCOME_OK;
}
