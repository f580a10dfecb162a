/*
 * ast.c - releasing script trees.
 *
 * Every node owns what hangs below it, so freeing is a plain walk.  The
 * *_clear() helpers free a node's contents but not the node, because the
 * parser keeps nodes by value inside arrays and must also drop half-built
 * ones while it recovers from a syntax error.
 */
#include "config.h"

#include <stdlib.h>

#include "ast.h"

void expr_list_free(struct expr_list *list)
{
	if (!list)
		return;
	for (int i = 0; i < list->count; i++)
		expr_free(list->items[i]);
	free(list->items);
	list->items = NULL;
	list->count = 0;
}

void expr_field_clear(struct expr_field *field)
{
	if (!field)
		return;
	free(field->name);
	expr_free(field->index);
	expr_free(field->value);
	field->name = NULL;
	field->index = NULL;
	field->value = NULL;
}

void expr_free(struct expr *expr)
{
	if (!expr)
		return;
	switch (expr->kind) {
	case EXPR_ELLIPSIS:
	case EXPR_INT:
		break;
	case EXPR_STRING:
		free(expr->u.str.text);
		break;
	case EXPR_WORD:
		free(expr->u.word);
		break;
	case EXPR_OR:
		expr_free(expr->u.binary.lhs);
		expr_free(expr->u.binary.rhs);
		break;
	case EXPR_ARRAY:
		expr_list_free(&expr->u.array);
		break;
	case EXPR_STRUCT:
		for (int i = 0; i < expr->u.structure.count; i++)
			expr_field_clear(&expr->u.structure.fields[i]);
		free(expr->u.structure.fields);
		break;
	case EXPR_CALL:
		free(expr->u.call.name);
		expr_list_free(&expr->u.call.args);
		break;
	case EXPR_ENCAP:
		encap_layer_clear(expr->u.encap);
		free(expr->u.encap);
		break;
	}
	free(expr);
}

void encap_layer_clear(struct encap_layer *layer)
{
	if (!layer)
		return;
	switch (layer->kind) {
	case ENCAP_IPV4:
	case ENCAP_IPV6:
		free(layer->u.ip.src);
		free(layer->u.ip.dst);
		layer->u.ip.src = layer->u.ip.dst = NULL;
		break;
	case ENCAP_MPLS:
		free(layer->u.mpls.entries);
		layer->u.mpls.entries = NULL;
		layer->u.mpls.count = 0;
		break;
	case ENCAP_GRE:
	case ENCAP_PSP:
		break;
	}
}

void encap_list_clear(struct encap_list *list)
{
	if (!list)
		return;
	for (int i = 0; i < list->count; i++)
		encap_layer_clear(&list->items[i]);
	free(list->items);
	list->items = NULL;
	list->count = 0;
}

const char *accecn_field_name(uint8_t kind, int i)
{
	static const char *const order0[] = { "e0b", "ceb", "e1b" };
	static const char *const order1[] = { "e1b", "ceb", "e0b" };

	if (i < 0 || i > 2 || (kind != 172 && kind != 174))
		return NULL;
	return kind == 172 ? order0[i] : order1[i];
}

void tcp_option_clear(struct tcp_option *option)
{
	if (!option)
		return;
	free(option->sack_blocks);
	free(option->cookie);
	option->sack_blocks = NULL;
	option->sack_count = 0;
	option->cookie = NULL;
}

void endpoint_clear(struct endpoint_spec *endpoint)
{
	if (!endpoint)
		return;
	free(endpoint->addr);
	endpoint->addr = NULL;
}

static void packet_clear(struct tcp_packet_spec *packet)
{
	encap_list_clear(&packet->encaps);
	endpoint_clear(&packet->src);
	endpoint_clear(&packet->dst);
	free(packet->flags);
	packet->flags = NULL;
	for (int i = 0; i < packet->option_count; i++)
		tcp_option_clear(&packet->options[i]);
	free(packet->options);
	packet->options = NULL;
	packet->option_count = 0;
}

static void icmp_clear(struct icmp_packet_spec *icmp)
{
	encap_list_clear(&icmp->encaps);
	endpoint_clear(&icmp->src);
	endpoint_clear(&icmp->dst);
	free(icmp->type);
	free(icmp->code);
	icmp->type = NULL;
	icmp->code = NULL;
}

static void syscall_clear(struct syscall_spec *call)
{
	free(call->name);
	expr_list_free(&call->args);
	expr_free(call->result);
	free(call->errno_name);
	free(call->note);
	call->name = NULL;
	call->result = NULL;
	call->errno_name = NULL;
	call->note = NULL;
}

void event_clear(struct event *event)
{
	if (!event)
		return;
	switch (event->kind) {
	case EVENT_PACKET:
		packet_clear(&event->u.packet);
		break;
	case EVENT_SYSCALL:
		syscall_clear(&event->u.syscall);
		break;
	case EVENT_COMMAND:
		free(event->u.command);
		event->u.command = NULL;
		break;
	case EVENT_CODE:
		free(event->u.code);
		event->u.code = NULL;
		break;
	case EVENT_ICMP:
		icmp_clear(&event->u.icmp);
		break;
	case EVENT_UDP:
		endpoint_clear(&event->u.udp.src);
		endpoint_clear(&event->u.udp.dst);
		break;
	}
}

void script_free(struct script *script)
{
	if (!script)
		return;
	for (int i = 0; i < script->option_count; i++) {
		free(script->options[i].name);
		free(script->options[i].value);
	}
	free(script->options);
	for (int i = 0; i < script->event_count; i++)
		event_clear(&script->events[i]);
	free(script->events);
	free(script->init_command);
	free(script->cleanup_command);
	free(script->path);
	free(script);
}
