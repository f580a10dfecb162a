/*
 * matcher.h - does a live outbound segment match the script's line?
 *
 * Both sides are script-space views (tcp_view.h).  Every differing field
 * is reported, not only the first, each as "field: expected X, got Y", so
 * one failure tells the whole story.
 */
#ifndef TCPCHECK_MATCHER_H
#define TCPCHECK_MATCHER_H

#include "core/error.h"
#include "match/tcp_view.h"

/* Compare expected with actual.  Returns the number of differences and
 * appends one line per difference to err (each starting with two spaces).
 */
int match_tcp(const struct tcp_view *expected, const struct tcp_view *actual,
	      struct error *err);

/* The IP header fields the script wrote in expected (ECN, tos,
 * flowlabel, ttl) against actual's; differences counted and appended
 * to err as for match_tcp().  UDP lines use it too (udp.c).
 */
int match_ip_fields(const struct ip_info *expected,
		    const struct ip_info *actual, struct error *err);

#endif /* TCPCHECK_MATCHER_H */
