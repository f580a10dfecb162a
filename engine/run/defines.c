/*
 * defines.c - substituting -D values into a parsed script (see defines.h).
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "run/defines.h"

static const char *lookup(const struct define *defs, int count,
			  const char *name)
{
	for (int i = count - 1; i >= 0; i--)	/* the last -D wins */
		if (!strcmp(defs[i].name, name))
			return defs[i].value;
	return NULL;
}

/* Swap *text for a copy of value; keeps the old text if out of memory. */
static void replace_text(char **text, const char *value)
{
	char *copy = strdup(value);

	if (!copy)
		return;
	free(*text);
	*text = copy;
}

static bool parse_integer(const char *text, int64_t *value)
{
	char *end = NULL;

	errno = 0;
	*value = strtoll(text, &end, 0);
	return *text && !errno && !*end;
}

static void apply_expr(struct expr *e, const struct define *defs, int count);

static void apply_list(struct expr_list *list, const struct define *defs,
		       int count)
{
	for (int i = 0; i < list->count; i++)
		apply_expr(list->items[i], defs, count);
}

static void apply_expr(struct expr *e, const struct define *defs, int count)
{
	const char *value;
	int64_t number;

	if (!e)
		return;
	switch (e->kind) {
	case EXPR_WORD:
		value = lookup(defs, count, e->u.word);
		if (!value)
			return;
		if (parse_integer(value, &number)) {
			free(e->u.word);
			e->kind = EXPR_INT;
			e->u.num.value = number;
			e->u.num.is_hex = !strncmp(value, "0x", 2);
		} else {
			replace_text(&e->u.word, value);
		}
		return;
	case EXPR_OR:
		apply_expr(e->u.binary.lhs, defs, count);
		apply_expr(e->u.binary.rhs, defs, count);
		return;
	case EXPR_ARRAY:
		apply_list(&e->u.array, defs, count);
		return;
	case EXPR_STRUCT:
		for (int i = 0; i < e->u.structure.count; i++) {
			apply_expr(e->u.structure.fields[i].index, defs, count);
			apply_expr(e->u.structure.fields[i].value, defs, count);
		}
		return;
	case EXPR_CALL:
		apply_list(&e->u.call.args, defs, count);
		return;
	case EXPR_ELLIPSIS:
	case EXPR_INT:
	case EXPR_STRING:
	case EXPR_ENCAP:	/* numbers only, no symbols */
		return;
	}
}

static void apply_event(struct event *e, const struct define *defs, int count)
{
	const char *value;

	switch (e->kind) {
	case EVENT_PACKET:
		for (int i = 0; i < e->u.packet.option_count; i++) {
			struct tcp_option *o = &e->u.packet.options[i];

			if (o->cookie && (value = lookup(defs, count, o->cookie)))
				replace_text(&o->cookie, value);
		}
		return;
	case EVENT_SYSCALL:
		apply_list(&e->u.syscall.args, defs, count);
		apply_expr(e->u.syscall.result, defs, count);
		return;
	case EVENT_ICMP:
		if (e->u.icmp.code && (value = lookup(defs, count, e->u.icmp.code)))
			replace_text(&e->u.icmp.code, value);
		return;
	case EVENT_COMMAND:
	case EVENT_CODE:
	case EVENT_UDP:
		return;
	}
}

void script_apply_defines(struct script *script, const struct define *defs,
			  int count)
{
	if (count == 0)
		return;
	for (int i = 0; i < script->event_count; i++)
		apply_event(&script->events[i], defs, count);
}
