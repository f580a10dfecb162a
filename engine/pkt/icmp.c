/*
 * icmp.c - the ICMP name tables (icmp.h).
 *
 * Only the error messages a TCP test can inject have code tables; the
 * other types resolve with code 0 or a written code_N.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pkt/icmp.h"
#include "core/symbols.h"

struct icmp_name {
	const char *name;
	uint8_t number;
};

struct icmp_type {
	const char *name;
	uint8_t number;
	const struct icmp_name *codes;	/* NULL: no named codes */
};

static const struct icmp_name v4_unreachable[] = {
	{ "net_unreachable", 0 }, { "host_unreachable", 1 },
	{ "protocol_unreachable", 2 }, { "port_unreachable", 3 },
	{ "frag_needed", 4 }, { "source_route_failed", 5 },
	{ "net_unknown", 6 }, { "host_unknown", 7 },
	{ "source_host_isolated", 8 }, { "net_prohibited", 9 },
	{ "host_prohibited", 10 }, { "net_unreachable_for_tos", 11 },
	{ "host_unreachable_for_tos", 12 }, { "packet_filtered", 13 },
	{ "precedence_violation", 14 }, { "precedence_cutoff", 15 },
	{ NULL, 0 },
};

static const struct icmp_type v4_types[] = {
	{ "echo_reply", 0, NULL }, { "unreachable", 3, v4_unreachable },
	{ "source_quench", 4, NULL }, { "redirect", 5, NULL },
	{ "echo_request", 8, NULL }, { "time_exceeded", 11, NULL },
	{ "parameter_problem", 12, NULL }, { "timestamp_request", 13, NULL },
	{ "timestamp_reply", 14, NULL }, { "information_request", 15, NULL },
	{ "information_reply", 16, NULL },
	{ "address_mask_request", 17, NULL },
	{ "address_mask_reply", 18, NULL },
	{ NULL, 0, NULL },
};

static const struct icmp_name v6_unreachable[] = {
	{ "net_unreachable", 0 }, { "no_route", 0 },
	{ "admin_prohibited", 1 }, { "not_neighbour", 2 },
	{ "address_unreachable", 3 }, { "port_unreachable", 4 },
	{ NULL, 0 },
};

static const struct icmp_name v6_time_exceeded[] = {
	{ "exceeded_hop_limit", 0 }, { "exceeded_frag_time", 1 },
	{ NULL, 0 },
};

static const struct icmp_name v6_parameter_problem[] = {
	{ "header_field", 0 }, { "unknown_next_header", 1 },
	{ "unknown_option", 2 },
	{ NULL, 0 },
};

static const struct icmp_type v6_types[] = {
	{ "unreachable", 1, v6_unreachable },
	{ "packet_too_big", 2, NULL },
	{ "time_exceeded", 3, v6_time_exceeded },
	{ "parameter_problem", 4, v6_parameter_problem },
	{ "echo_request", 128, NULL }, { "echo_reply", 129, NULL },
	{ NULL, 0, NULL },
};

const char *icmp_type_at(int ip_version, size_t i, uint8_t *number)
{
	const struct icmp_type *types = ip_version == 6 ? v6_types : v4_types;

	for (size_t k = 0; k < i; k++)
		if (!types[k].name)
			return NULL;
	if (types[i].name && number)
		*number = types[i].number;
	return types[i].name;
}

const char *icmp_code_at(int ip_version, size_t type, size_t i,
			 uint8_t *number)
{
	const struct icmp_name *codes;

	if (!icmp_type_at(ip_version, type, NULL))
		return NULL;
	codes = (ip_version == 6 ? v6_types : v4_types)[type].codes;
	if (!codes)
		return NULL;
	for (size_t k = 0; k < i; k++)
		if (!codes[k].name)
			return NULL;
	if (codes[i].name && number)
		*number = codes[i].number;
	return codes[i].name;
}

/* `prefix_N` with N in 0..255. */
static bool numbered(const char *text, const char *prefix, uint8_t *number)
{
	size_t n = strlen(prefix);
	char *end;
	unsigned long v;

	if (strncmp(text, prefix, n) || !text[n])
		return false;
	v = strtoul(text + n, &end, 10);
	if (*end || v > 255)
		return false;
	*number = (uint8_t)v;
	return true;
}

/* "; did you mean 'x'?" when a name of the table is close, else "". */
static const char *closest(const char *typo, const struct icmp_type *types,
			   const struct icmp_name *codes, char *buf, size_t size)
{
	struct suggestion sg;

	suggestion_init(&sg, typo);
	for (; types && types->name; types++)
		suggestion_consider(&sg, types->name);
	for (; codes && codes->name; codes++)
		suggestion_consider(&sg, codes->name);
	buf[0] = '\0';
	if (suggestion_result(&sg))
		snprintf(buf, size, "; did you mean '%s'?",
			 suggestion_result(&sg));
	return buf;
}

int icmp_resolve(int ip_version, const char *type, const char *code,
		 uint8_t *type_num, uint8_t *code_num, struct error *err)
{
	const struct icmp_type *t, *types = ip_version == 4 ? v4_types : v6_types;
	const struct icmp_name *codes = NULL;
	const char *family = ip_version == 4 ? "ICMP" : "ICMPv6";
	char hint[64];

	if (!numbered(type, "type_", type_num)) {
		for (t = types; t->name && strcmp(t->name, type); t++)
			;
		if (!t->name)
			return error_set(err, "unknown %s type '%s'%s", family,
					 type, closest(type, types, NULL, hint,
						       sizeof(hint)));
		*type_num = t->number;
		codes = t->codes;
	}
	*code_num = 0;
	if (!code || numbered(code, "code_", code_num))
		return 0;
	for (const struct icmp_name *c = codes; c && c->name; c++)
		if (!strcmp(c->name, code)) {
			*code_num = c->number;
			return 0;
		}
	return error_set(err, "unknown %s code '%s' for type '%s'%s", family,
			 code, type, closest(code, NULL, codes, hint,
					     sizeof(hint)));
}

bool icmp_known(const char *type, const char *code, struct error *err)
{
	uint8_t t, c;
	struct error v6;

	if (icmp_resolve(4, type, code, &t, &c, err) == 0 ||
	    icmp_resolve(6, type, code, &t, &c, &v6) == 0)
		return true;
	return false;
}

bool icmp_has_mtu(int ip_version, uint8_t type, uint8_t code)
{
	if (ip_version == 4)
		return type == 3 && code == 4;	/* fragmentation needed */
	return type == 2;			/* packet too big */
}

int icmp_check_line(int ip_version, const char *type, const char *code,
		    bool has_mtu, uint32_t mtu, uint8_t *type_num,
		    uint8_t *code_num, struct error *err)
{
	if (icmp_resolve(ip_version, type, code, type_num, code_num, err) < 0)
		return -1;
	if (has_mtu && !icmp_has_mtu(ip_version, *type_num, *code_num))
		return error_set(err, "this ICMP%s message carries no MTU",
				 ip_version == 6 ? "v6" : "");
	if (has_mtu && ip_version == 4 && mtu > 0xffff)
		return error_set(err, "an ICMP MTU is 16 bits, %u is too large",
				 mtu);
	return 0;
}
