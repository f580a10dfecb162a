/*
 * encap.c - encapsulation layers: checks, building and matching (see
 * encap.h).
 *
 * Wire formats: IPv4 (RFC 791) and IPv6 (RFC 8200) headers without
 * options or extension headers; GRE (RFC 2784 with RFC 2890's key and
 * sequence number): a flags/version word, the protocol type, then the
 * checksum and the 16 bits after it (C), the key (K) and the sequence
 * number (S), each 4 bytes, in that order; MPLS label stack entries
 * (RFC 3032): label 20 bits, traffic class 3, bottom of stack 1, TTL 8.
 */
#include "config.h"
#include "pkt/wire.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "pkt/encap.h"
#include "pkt/packet.h"
#include "core/plan.h"

#define GRE_BASE_LEN 4
#define MPLS_ENTRY_LEN 4

static const char *layer_name(enum encap_kind kind)
{
	switch (kind) {
	case ENCAP_IPV4:
		return "ipv4";
	case ENCAP_IPV6:
		return "ipv6";
	case ENCAP_GRE:
		return "gre";
	case ENCAP_MPLS:
		return "mpls";
	case ENCAP_PSP:
		return "psp";
	}
	return "?";
}

static bool is_ip(enum encap_kind kind)
{
	return kind == ENCAP_IPV4 || kind == ENCAP_IPV6;
}

/* What layer i carries: the next layer's kind, or the line's own
 * datagram (an IP packet of inner_version).
 */
static enum encap_kind next_kind(const struct encap_list *layers, int i,
				 int inner_version)
{
	if (i + 1 < layers->count)
		return layers->items[i + 1].kind;
	return inner_version == 6 ? ENCAP_IPV6 : ENCAP_IPV4;
}

int encap_check(const struct encap_list *layers, struct src_loc *where,
		struct error *err)
{
	for (int i = 0; i < layers->count; i++) {
		const struct encap_layer *l = &layers->items[i];
		enum encap_kind outer = i ? layers->items[i - 1].kind
					  : ENCAP_PSP;
		/* The line's own datagram is IP whatever its family. */
		enum encap_kind inner = next_kind(layers, i, 4);

		*where = l->loc;
		switch (l->kind) {
		case ENCAP_IPV4:
		case ENCAP_IPV6:
		case ENCAP_PSP:
			break;
		case ENCAP_GRE:
			if (!is_ip(outer))
				return error_set(err, "gre needs an ipv4 or "
						 "ipv6 layer right before it");
			if (inner == ENCAP_GRE || inner == ENCAP_PSP)
				return error_set(err, "gre carries ipv4, ipv6 "
						 "or mpls, not %s",
						 layer_name(inner));
			break;
		case ENCAP_MPLS:
			if (!is_ip(outer) && outer != ENCAP_GRE)
				return error_set(err, "mpls needs an ipv4, "
						 "ipv6 or gre layer right "
						 "before it");
			if (!is_ip(inner))
				return error_set(err, "mpls carries ipv4 or "
						 "ipv6 here, not %s",
						 layer_name(inner));
			break;
		}
	}
	return 0;
}

int encap_script_runnable(const struct script *script, struct error *err)
{
	for (int i = 0; i < script->event_count; i++) {
		const struct event *e = &script->events[i];
		const struct encap_list *layers =
			e->kind == EVENT_PACKET ? &e->u.packet.encaps :
			e->kind == EVENT_ICMP ? &e->u.icmp.encaps : NULL;

		for (int j = 0; layers && j < layers->count; j++) {
			const struct encap_layer *l = &layers->items[j];

			if (l->kind != ENCAP_PSP)
				continue;
			error_set(err, "%s:%d:%d: PSP needs a device with PSP "
				  "offload and a kernel with CONFIG_INET_PSP; "
				  "tun0 has no such offload, so PSP lines are "
				  "not run", script->path, l->loc.line,
				  l->loc.column);
			error_locate(err, l->loc.line, FAILURE_ENVIRONMENT);
			return OUTCOME_ENVIRONMENT;
		}
	}
	return OUTCOME_OK;
}

/* ---- building ---- */

static uint8_t ip_proto_for(enum encap_kind kind)
{
	switch (kind) {
	case ENCAP_IPV4:
		return ENCAP_PROTO_IPIP;
	case ENCAP_IPV6:
		return ENCAP_PROTO_IPV6;
	case ENCAP_GRE:
		return ENCAP_PROTO_GRE;
	case ENCAP_MPLS:
		return ENCAP_PROTO_MPLS;
	case ENCAP_PSP:
		break;
	}
	return 0;
}

static uint16_t gre_type_for(enum encap_kind kind)
{
	return kind == ENCAP_IPV6 ? GRE_TYPE_IPV6 :
	       kind == ENCAP_MPLS ? GRE_TYPE_MPLS : GRE_TYPE_IPV4;
}

/* The TOS / traffic class byte of an injected outer header: as in the
 * runner, a whole `tos` wins, else the ECN codepoint (either ECT is ECT0).
 */
static uint8_t outer_tos(const struct ip_info *ip)
{
	static const uint8_t ecn[] = {
		[ECN_UNSPECIFIED] = 0, [ECN_NOECN] = 0, [ECN_ECT0] = 2,
		[ECN_ECT1] = 1, [ECN_ECT01] = 2, [ECN_CE] = 3,
	};

	return ip->has_tos ? ip->tos : ecn[ip->ecn];
}

static int layer_len(const struct encap_layer *l)
{
	int n = GRE_BASE_LEN;

	switch (l->kind) {
	case ENCAP_IPV4:
		return IPV4_HEADER_MIN;
	case ENCAP_IPV6:
		return IPV6_HEADER_LEN;
	case ENCAP_GRE:
		if (l->u.gre.flags & GRE_FLAG_CHECKSUM)
			n += 4;
		if (l->u.gre.flags & GRE_FLAG_KEY)
			n += 4;
		if (l->u.gre.flags & GRE_FLAG_SEQ)
			n += 4;
		return n;
	case ENCAP_MPLS:
		return l->u.mpls.count * MPLS_ENTRY_LEN;
	case ENCAP_PSP:
		break;
	}
	return 0;
}

static int addresses(const struct encap_layer *l, struct ip_addr *src,
		     struct ip_addr *dst, struct error *err)
{
	int family = l->kind == ENCAP_IPV6 ? AF_INET6 : AF_INET;

	if (ip_addr_parse(l->u.ip.src ? l->u.ip.src : "", src) < 0 ||
	    ip_addr_parse(l->u.ip.dst ? l->u.ip.dst : "", dst) < 0 ||
	    src->family != family || dst->family != family)
		return error_set(err, "outer %s addresses %s > %s do not "
				 "parse", layer_name(l->kind),
				 l->u.ip.src ? l->u.ip.src : "",
				 l->u.ip.dst ? l->u.ip.dst : "");
	return 0;
}

/* Write layer l's header at h; the len bytes after it are what it
 * carries, a `next` datagram or header.
 */
static int write_layer(const struct encap_layer *l, enum encap_kind next,
		       uint8_t *h, size_t len, struct error *err)
{
	const struct ip_info *ip = &l->u.ip.info;
	struct ip_addr src, dst;
	size_t hlen = (size_t)layer_len(l);
	uint8_t *p;

	switch (l->kind) {
	case ENCAP_IPV4:
		if (addresses(l, &src, &dst, err) < 0)
			return -1;
		if (hlen + len > IP_PACKET_MAX)
			return error_set(err, "outer ipv4 packet too long");
		memset(h, 0, hlen);
		h[0] = 0x45;
		h[1] = outer_tos(ip);
		wire_put16(h + 2, (uint32_t)(hlen + len));
		h[8] = ip->has_ttl ? ip->ttl : 64;
		h[9] = ip_proto_for(next);
		memcpy(h + 12, &src.u.v4, 4);
		memcpy(h + 16, &dst.u.v4, 4);
		wire_put16(h + 10, checksum_fold(checksum_add(0, h, hlen)));
		return 0;
	case ENCAP_IPV6:
		if (addresses(l, &src, &dst, err) < 0)
			return -1;
		if (len > IPV6_PAYLOAD_MAX)
			return error_set(err, "outer ipv6 payload too long");
		wire_put32(h, 6u << 28 | (uint32_t)outer_tos(ip) << 20 |
			 (ip->has_flow_label ? ip->flow_label : 0));
		wire_put16(h + 4, (uint32_t)len);
		h[6] = ip_proto_for(next);
		h[7] = ip->has_ttl ? ip->ttl : 64;
		memcpy(h + 8, &src.u.v6, 16);
		memcpy(h + 24, &dst.u.v6, 16);
		return 0;
	case ENCAP_GRE:
		wire_put16(h, l->u.gre.flags);
		wire_put16(h + 2, gre_type_for(next));
		p = h + GRE_BASE_LEN;
		if (l->u.gre.flags & GRE_FLAG_CHECKSUM) {
			wire_put16(p, 0);
			wire_put16(p + 2, l->u.gre.off);
			p += 4;
		}
		if (l->u.gre.flags & GRE_FLAG_KEY) {
			wire_put32(p, l->u.gre.key);
			p += 4;
		}
		if (l->u.gre.flags & GRE_FLAG_SEQ)
			wire_put32(p, l->u.gre.seq);
		/* RFC 2784: over the GRE header and its payload. */
		if (l->u.gre.flags & GRE_FLAG_CHECKSUM)
			wire_put16(h + GRE_BASE_LEN,
			      checksum_fold(checksum_add(0, h, hlen + len)));
		return 0;
	case ENCAP_MPLS:
		for (int i = 0; i < l->u.mpls.count; i++) {
			const struct mpls_entry *e = &l->u.mpls.entries[i];

			wire_put32(h + i * MPLS_ENTRY_LEN,
			      e->label << 12 | (uint32_t)e->tc << 9 |
			      (uint32_t)e->bottom << 8 | e->ttl);
		}
		return 0;
	case ENCAP_PSP:
		break;
	}
	return error_set(err, "PSP layers are not built");
}

int encap_wrap(const struct encap_list *layers, uint8_t *buf, size_t cap,
	       size_t *len, struct error *err)
{
	struct src_loc where;
	int inner_version = *len ? buf[0] >> 4 : 4;

	if (encap_check(layers, &where, err) < 0)
		return -1;
	for (int i = layers->count - 1; i >= 0; i--) {
		const struct encap_layer *l = &layers->items[i];
		size_t hlen = (size_t)layer_len(l);

		if (l->kind == ENCAP_PSP)
			return error_set(err, "PSP layers are not built");
		if (hlen > cap || *len > cap - hlen)
			return error_set(err, "no room for the outer %s header "
					 "(%zu + %zu bytes, room for %zu)",
					 layer_name(l->kind), hlen, *len, cap);
		memmove(buf + hlen, buf, *len);
		if (write_layer(l, next_kind(layers, i, inner_version), buf,
				*len, err) < 0)
			return -1;
		*len += hlen;
	}
	return 0;
}

/* ---- matching ---- */

/* "outer ipv4", or "outer ipv4 #2" when the kind comes more than once. */
static void layer_label(const struct encap_list *layers, int i, char *buf,
			size_t size)
{
	int nth = 0, total = 0;

	for (int j = 0; j < layers->count; j++)
		if (layers->items[j].kind == layers->items[i].kind) {
			total++;
			if (j <= i)
				nth++;
		}
	if (total > 1)
		snprintf(buf, size, "outer %s #%d",
			 layer_name(layers->items[i].kind), nth);
	else
		snprintf(buf, size, "outer %s",
			 layer_name(layers->items[i].kind));
}

static int differ(struct error *diff, const char *label, const char *field,
		  uint64_t want, uint64_t got, bool hex)
{
	if (hex)
		error_set(diff, "%s %s: expected 0x%" PRIx64 ", got 0x%" PRIx64,
			  label, field, want, got);
	else
		error_set(diff, "%s %s: expected %" PRIu64 ", got %" PRIu64,
			  label, field, want, got);
	return 1;
}

static int match_addr(struct error *diff, const char *label,
		      const char *field, const struct ip_addr *want,
		      const uint8_t *bytes)
{
	struct ip_addr got = { .family = want->family };
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];

	memcpy(&got.u, bytes, want->family == AF_INET6 ? 16 : 4);
	if (ip_addr_equal(want, &got))
		return 0;
	error_set(diff, "%s %s: expected %s, got %s", label, field,
		  ip_addr_format(want, a, sizeof(a)),
		  ip_addr_format(&got, b, sizeof(b)));
	return 1;
}

/* The fields of ip_info the script wrote; ECT01 takes either ECT. */
static int match_ip_info(struct error *diff, const char *label,
			 const struct ip_info *ip, uint8_t tos, uint8_t ttl,
			 uint32_t flow)
{
	static const uint8_t ecn[] = {
		[ECN_NOECN] = 0, [ECN_ECT0] = 2, [ECN_ECT1] = 1, [ECN_CE] = 3,
	};

	if (ip->has_tos && tos != ip->tos)
		return differ(diff, label, "tos", ip->tos, tos, true);
	if (ip->ecn == ECN_ECT01 && (tos & 3) != 1 && (tos & 3) != 2)
		return differ(diff, label, "ECN (ect01)", 2, tos & 3, false);
	if (ip->ecn != ECN_UNSPECIFIED && ip->ecn != ECN_ECT01 &&
	    (tos & 3) != ecn[ip->ecn])
		return differ(diff, label, "ECN", ecn[ip->ecn], tos & 3, false);
	if (ip->has_ttl && ttl != ip->ttl)
		return differ(diff, label, "ttl", ip->ttl, ttl, false);
	if (ip->has_flow_label && flow != ip->flow_label)
		return differ(diff, label, "flowlabel", ip->flow_label, flow,
			      true);
	return 0;
}

/* What a layer carries: the next layer, or for the innermost one (own)
 * the line's own datagram, IPv4 or IPv6 as its first byte says.
 */
static enum encap_kind carried(enum encap_kind next, bool own,
			       const uint8_t *p, size_t n)
{
	if (!own)
		return next;
	return n && p[0] >> 4 == 6 ? ENCAP_IPV6 : ENCAP_IPV4;
}

/* One outer IP header at buf: on a match, *hlen and *end (the end of
 * its datagram by its length field) are set.
 */
static int match_ip(const struct encap_layer *l, enum encap_kind next,
		    bool own, const char *label, const uint8_t *buf, size_t len,
		    size_t *hlen, size_t *end, struct error *diff)
{
	bool v6 = l->kind == ENCAP_IPV6;
	size_t min = v6 ? IPV6_HEADER_LEN : IPV4_HEADER_MIN;
	struct ip_addr src, dst;
	uint8_t proto;

	if (addresses(l, &src, &dst, diff) < 0)
		return 1;
	if (len < min)
		return error_set(diff, "%s: truncated header (%zu of %zu "
				 "bytes)", label, len, min), 1;
	if (buf[0] >> 4 != (v6 ? 6 : 4))
		return differ(diff, label, "version", v6 ? 6 : 4, buf[0] >> 4,
			      false);
	if (v6) {
		*hlen = IPV6_HEADER_LEN;
		*end = *hlen + wire_get16(buf + 4);
		proto = buf[6];
	} else {
		*hlen = (size_t)(buf[0] & 0x0f) * 4;
		*end = wire_get16(buf + 2);
		proto = buf[9];
		if (*hlen < IPV4_HEADER_MIN || *hlen > len)
			return error_set(diff, "%s: bad header length %zu",
					 label, *hlen), 1;
		if (checksum_fold(checksum_add(0, buf, *hlen)) != 0)
			return error_set(diff, "%s header checksum is wrong",
					 label), 1;
	}
	if (*end > len || *end < *hlen)
		return error_set(diff, "%s: length field says %zu bytes, the "
				 "packet has %zu", label, *end, len), 1;
	next = carried(next, own, buf + *hlen, *end - *hlen);
	if (proto != ip_proto_for(next))
		return differ(diff, label, "protocol", ip_proto_for(next),
			      proto, false);
	if (match_addr(diff, label, "src", &src, buf + (v6 ? 8 : 12)) ||
	    match_addr(diff, label, "dst", &dst, buf + (v6 ? 24 : 16)))
		return 1;
	if (v6)
		return match_ip_info(diff, label, &l->u.ip.info,
				     (uint8_t)(wire_get32(buf) >> 20),
				     buf[7], wire_get32(buf) & 0xfffff);
	return match_ip_info(diff, label, &l->u.ip.info, buf[1], buf[8], 0);
}

/* A GRE header; `gre:` alone expects no optional fields. */
static int match_gre(const struct encap_layer *l, enum encap_kind next,
		     bool own, const char *label, const uint8_t *buf,
		     size_t len, size_t *hlen, struct error *diff)
{
	const struct encap_gre *g = &l->u.gre;
	const uint8_t *p = buf + GRE_BASE_LEN;

	*hlen = (size_t)layer_len(l);
	if (len < GRE_BASE_LEN)
		return error_set(diff, "%s: truncated header", label), 1;
	if (wire_get16(buf) != g->flags)
		return differ(diff, label, "flags", g->flags, wire_get16(buf), true);
	if (len >= *hlen)
		next = carried(next, own, buf + *hlen, len - *hlen);
	if (wire_get16(buf + 2) != gre_type_for(next))
		return differ(diff, label, "protocol type", gre_type_for(next),
			      wire_get16(buf + 2), true);
	if (len < *hlen)
		return error_set(diff, "%s: truncated header (%zu of %zu "
				 "bytes)", label, len, *hlen), 1;
	if (g->flags & GRE_FLAG_CHECKSUM) {
		if (checksum_fold(checksum_add(0, buf, len)) != 0)
			return error_set(diff, "%s checksum is wrong", label),
			       1;
		if (wire_get16(p + 2) != g->off)
			return differ(diff, label, "off", g->off,
				      wire_get16(p + 2), false);
		p += 4;
	}
	if (g->flags & GRE_FLAG_KEY) {
		if (wire_get32(p) != g->key)
			return differ(diff, label, "key", g->key, wire_get32(p),
				      true);
		p += 4;
	}
	if ((g->flags & GRE_FLAG_SEQ) && wire_get32(p) != g->seq)
		return differ(diff, label, "seq", g->seq, wire_get32(p), false);
	return 0;
}

static int match_mpls(const struct encap_layer *l, const char *label,
		      const uint8_t *buf, size_t len, size_t *hlen,
		      struct error *diff)
{
	char entry[64];

	*hlen = (size_t)layer_len(l);
	if (len < *hlen)
		return error_set(diff, "%s: truncated label stack (%zu of %zu "
				 "bytes)", label, len, *hlen), 1;
	for (int i = 0; i < l->u.mpls.count; i++) {
		const struct mpls_entry *e = &l->u.mpls.entries[i];
		uint32_t w = wire_get32(buf + i * MPLS_ENTRY_LEN);

		snprintf(entry, sizeof(entry), "%s entry %d", label, i + 1);
		if (w >> 12 != e->label)
			return differ(diff, entry, "label", e->label, w >> 12,
				      false);
		if ((w >> 9 & 7) != e->tc)
			return differ(diff, entry, "tc", e->tc, w >> 9 & 7,
				      false);
		if ((w >> 8 & 1) != e->bottom)
			return differ(diff, entry, "bottom of stack [S]",
				      e->bottom, w >> 8 & 1, false);
		if ((w & 0xff) != e->ttl)
			return differ(diff, entry, "ttl", e->ttl, w & 0xff,
				      false);
	}
	return 0;
}

int encap_match(const struct encap_list *layers, const uint8_t *buf,
		size_t len, const uint8_t **inner, size_t *inner_len,
		struct error *diff)
{
	size_t hlen = 0, end = 0;

	for (int i = 0; i < layers->count; i++) {
		const struct encap_layer *l = &layers->items[i];
		bool own = i + 1 == layers->count;
		enum encap_kind next = own ? ENCAP_IPV4
					   : layers->items[i + 1].kind;
		char label[32];
		int rc = 0;

		layer_label(layers, i, label, sizeof(label));
		switch (l->kind) {
		case ENCAP_IPV4:
		case ENCAP_IPV6:
			rc = match_ip(l, next, own, label, buf, len, &hlen,
				      &end, diff);
			if (!rc)
				len = end;	/* not the link's padding */
			break;
		case ENCAP_GRE:
			rc = match_gre(l, next, own, label, buf, len, &hlen,
				       diff);
			break;
		case ENCAP_MPLS:
			rc = match_mpls(l, label, buf, len, &hlen, diff);
			break;
		case ENCAP_PSP:
			return error_set(diff, "PSP layers are not matched"), 1;
		}
		if (rc)
			return 1;
		buf += hlen;
		len -= hlen;
	}
	*inner = buf;
	*inner_len = len;
	return 0;
}
