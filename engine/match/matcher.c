/*
 * matcher.c - field-by-field comparison of TCP views (see matcher.h).
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "match/matcher.h"

static int diff_u32(struct error *err, const char *field, uint32_t want,
		    uint32_t got)
{
	if (want == got)
		return 0;
	error_append(err, "\n  %s: expected %u, got %u", field, want, got);
	return 1;
}

static int compare_flags(const struct tcp_view *e, const struct tcp_view *a,
			 struct error *err)
{
	char want[16], got[16];

	if (e->flags == a->flags)
		return 0;
	tcp_flags_format(e->flags, want, sizeof(want));
	tcp_flags_format(a->flags, got, sizeof(got));
	error_append(err, "\n  flags: expected %s, got %s", want, got);
	return 1;
}

static int compare_ecn(const struct ip_info *e, const struct ip_info *a,
		       struct error *err)
{
	if (e->ecn == ECN_UNSPECIFIED || e->ecn == a->ecn)
		return 0;
	if (e->ecn == ECN_ECT01 && (a->ecn == ECN_ECT0 || a->ecn == ECN_ECT1))
		return 0;
	error_append(err, "\n  ecn: expected %s, got %s", tcp_ecn_name(e->ecn),
		     a->ecn == ECN_UNSPECIFIED ? "unspecified" :
		     tcp_ecn_name(a->ecn));
	return 1;
}

/* tos, flowlabel and ttl, where the script wrote them. */
static int compare_ip_fields(const struct ip_info *e, const struct ip_info *a,
			     struct error *err)
{
	int diffs = compare_ecn(e, a, err);

	if (e->has_tos && e->tos != a->tos) {
		error_append(err, "\n  tos: expected 0x%02x, got 0x%02x",
			     e->tos, a->tos);
		diffs++;
	}
	if (e->has_flow_label && (!a->has_flow_label ||
				  e->flow_label != a->flow_label)) {
		if (a->has_flow_label)
			error_append(err, "\n  flowlabel: expected 0x%05x, got "
				     "0x%05x", e->flow_label, a->flow_label);
		else
			error_append(err, "\n  flowlabel: expected 0x%05x, got "
				     "an IPv4 packet", e->flow_label);
		diffs++;
	}
	if (e->has_ttl)
		diffs += diff_u32(err, "ttl", e->ttl, a->ttl);
	return diffs;
}

/* A TS val within slack ticks of the script's (--tcp_ts_tick_usecs). */
static int diff_ts_val(uint32_t want, uint32_t got, uint32_t slack,
		       struct error *err)
{
	int32_t off = (int32_t)(got - want);

	if ((off < 0 ? -(int64_t)off : off) <= (int64_t)slack)
		return 0;
	if (!slack)
		return diff_u32(err, "TS val", want, got);
	error_append(err, "\n  TS val: expected %u, got %u (%d ticks off, "
		     "tolerance %u)", want, got, off, slack);
	return 1;
}

/* Compare one option item; the kinds are equal. */
static int compare_option(const struct tcp_opt_item *e,
			  const struct tcp_opt_item *a, bool check_ts_val,
			  uint32_t ts_val_slack, struct error *err)
{
	char want[160], got[160];
	bool same;

	switch (e->kind) {
	case TCPOPT_KIND_MSS:
		return diff_u32(err, "mss", e->u.mss, a->u.mss);
	case TCPOPT_KIND_WSCALE:
		/* `wscale *`: the kind matched, which is all it asks. */
		if (e->any_value)
			return 0;
		return diff_u32(err, "wscale", e->u.wscale, a->u.wscale);
	case TCPOPT_KIND_TIMESTAMP:
		return (check_ts_val ? diff_ts_val(e->u.ts.val, a->u.ts.val,
						   ts_val_slack, err) : 0) +
			diff_u32(err, "TS ecr", e->u.ts.ecr, a->u.ts.ecr);
	default:
		tcp_option_format(e, want, sizeof(want));
		tcp_option_format(a, got, sizeof(got));
		same = !strcmp(want, got);
		if (!same)
			error_append(err, "\n  option: expected %s, got %s", want,
				     got);
		return same ? 0 : 1;
	}
}

/* "mss", "sackOK", "TS": what an item is, without its values. */
static void option_name(const struct tcp_opt_item *item, char *buf,
			size_t size)
{
	tcp_option_format(item, buf, size);
	buf[strcspn(buf, " ")] = '\0';
}

static bool is_padding(const struct tcp_opt_item *item)
{
	return item->kind == TCPOPT_KIND_NOP || item->kind == TCPOPT_KIND_EOL;
}

/* The lists differ in length: say item by item what is missing, what is
 * extra and what differs, matching items by kind (padding aside).
 */
static void compare_option_sets(const struct tcp_view *e,
				const struct tcp_view *a, struct error *err)
{
	bool used[TCP_VIEW_MAX_OPTIONS] = { false };
	char name[160], text[160];

	for (int i = 0; i < e->option_count; i++) {
		const struct tcp_opt_item *eo = &e->options[i];
		int j;

		if (is_padding(eo))
			continue;
		for (j = 0; j < a->option_count; j++)
			if (!used[j] && a->options[j].kind == eo->kind)
				break;
		if (j < a->option_count) {
			used[j] = true;
			compare_option(eo, &a->options[j], e->check_ts_val,
				       e->ts_val_slack, err);
			continue;
		}
		option_name(eo, name, sizeof(name));
		tcp_option_format(eo, text, sizeof(text));
		if (!strcmp(name, text))
			error_append(err, "\n  %s: expected, absent", name);
		else
			error_append(err, "\n  %s: expected %s, absent", name,
				     text + strlen(name) + 1);
	}
	for (int j = 0; j < a->option_count; j++) {
		if (used[j] || is_padding(&a->options[j]))
			continue;
		option_name(&a->options[j], name, sizeof(name));
		tcp_option_format(&a->options[j], text, sizeof(text));
		if (!strcmp(name, text))
			error_append(err, "\n  %s: not expected, present", name);
		else
			error_append(err, "\n  %s: not expected, got %s", name,
				     text + strlen(name) + 1);
	}
}

static int compare_options(const struct tcp_view *e, const struct tcp_view *a,
			   struct error *err)
{
	char want[1024], got[1024];
	int diffs = 0;

	if (e->options_form == TCP_OPTIONS_ANY)
		return 0;
	tcp_view_format_options(e, want, sizeof(want));
	tcp_view_format_options(a, got, sizeof(got));
	if (e->option_count != a->option_count) {
		error_append(err, "\n  options: expected %s, got %s",
			     want[0] ? want : "none", got[0] ? got : "none");
		if (e->option_count > 0)
			compare_option_sets(e, a, err);
		return 1;
	}
	for (int i = 0; i < e->option_count; i++) {
		const struct tcp_opt_item *eo = &e->options[i];
		const struct tcp_opt_item *ao = &a->options[i];

		if (eo->kind != ao->kind) {
			tcp_option_format(eo, want, sizeof(want));
			tcp_option_format(ao, got, sizeof(got));
			error_append(err, "\n  option %d: expected %s, got %s",
				     i + 1, want, got);
			diffs++;
			continue;
		}
		diffs += compare_option(eo, ao, e->check_ts_val,
					e->ts_val_slack, err);
	}
	return diffs;
}

int match_tcp(const struct tcp_view *expected, const struct tcp_view *actual,
	      struct error *err)
{
	int diffs = 0;

	diffs += compare_flags(expected, actual, err);
	diffs += diff_u32(err, "seq", expected->seq, actual->seq);
	diffs += diff_u32(err, "payload length", expected->len, actual->len);
	if (expected->has_ack)
		diffs += diff_u32(err, "ack", expected->ack, actual->ack);
	if (expected->has_win)
		diffs += diff_u32(err, "win", expected->win, actual->win);
	if (expected->has_urg)
		diffs += diff_u32(err, "urg", expected->urg, actual->urg);
	diffs += compare_ip_fields(&expected->ip, &actual->ip, err);
	diffs += compare_options(expected, actual, err);
	return diffs;
}

int match_ip_fields(const struct ip_info *expected,
		    const struct ip_info *actual, struct error *err)
{
	return compare_ip_fields(expected, actual, err);
}
