/*
 * tcp_view.h - a TCP segment as the script sees it.
 *
 * Expected packets (from script lines) and actual ones (from the wire,
 * after mapping live sequence numbers, ports and timestamps back into the
 * script's space) are both turned into a struct tcp_view.  The matcher
 * compares two views and the reporter prints them in script notation, so
 * a difference is always shown in the numbers the user wrote.
 */
#ifndef TCPCHECK_TCP_VIEW_H
#define TCPCHECK_TCP_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ast.h"
#include "core/error.h"
#include "pkt/packet.h"

#define TCP_VIEW_MAX_OPTIONS 40

struct tcp_view {
	enum direction direction;
	uint16_t flags;			/* TCP_* bits */
	uint32_t seq;
	uint32_t len;			/* payload length */
	bool has_ack;
	uint32_t ack;
	bool has_win;
	uint32_t win;
	bool has_urg;
	uint32_t urg;
	/* What the script wrote of the IP header (ECN_UNSPECIFIED and
	 * has_* false: not checked); a live view has every field.
	 */
	struct ip_info ip;
	enum tcp_options_form options_form;
	struct tcp_opt_item options[TCP_VIEW_MAX_OPTIONS];
	int option_count;
	/* Expected views only: false means the TS val is not compared
	 * (packetdrill's default; the kernel picks its own clock).
	 */
	bool check_ts_val;
	uint32_t ts_val_slack;		/* how far it may be, in ticks */
	/* Built from a live segment: "[noecn]" is then not worth printing. */
	bool is_live;
	/* Ports as seen on the wire, or as written on the script line;
	 * 0 when unknown or not written.
	 */
	uint16_t src_port;
	uint16_t dst_port;
	/* Print the ports ("> 8080>40000 S. ..."): the script wrote them,
	 * so its reports and traces show them, on both sides of a match.
	 */
	bool show_ports;
};

/* Interpret a flags token ("S.", "FP.", "-", "SEW").  Returns 0, or -1 and
 * sets *bad to the first character that is not a flag.
 */
int tcp_flags_parse(const char *text, uint16_t *flags, char *bad);

/* An inbound line's options must all carry values, since tcpcheck sends
 * them: `wscale *` is refused.  0, or -1 with err and *where at the
 * offending option.
 */
int tcp_view_check_inbound_options(const struct tcp_packet_spec *spec,
				   struct src_loc *where, struct error *err);

/* Build the view a script line describes.  Options are converted to wire
 * items (FO cookies from hex).  Returns 0 or -1 with err, whose line is
 * that of the part at fault (kind FAILURE_BAD_SCRIPT).
 */
int tcp_view_from_spec(const struct tcp_packet_spec *spec,
		       struct tcp_view *view, struct error *err);

/* Build the view of a live segment, with live numbers.  Returns 0, or -1
 * with err when its options are malformed.
 */
int tcp_view_from_segment(const struct tcp_segment *seg, enum direction dir,
			  struct tcp_view *view, struct error *err);

/* Print in script notation: "> S. 0:0(0) ack 1 win 65535 <mss 1460,...>". */
void tcp_view_format(const struct tcp_view *view, char *buf, size_t size);

/* Print just the options list ("<mss 1460,nop,wscale 7>"). */
void tcp_view_format_options(const struct tcp_view *view, char *buf,
			     size_t size);

/* "ect0", "ce", ...; NULL for ECN_UNSPECIFIED. */
const char *tcp_ecn_name(enum ip_ecn ecn);

/* Print one option item ("mss 1460", "TS val 100 ecr 0"). */
void tcp_option_format(const struct tcp_opt_item *item, char *buf,
		       size_t size);

#endif /* TCPCHECK_TCP_VIEW_H */
