/*
 * encap.h - outer headers around a packet line's own datagram: the
 * encapsulation layers of packetdrill's packet-line prefixes (IPv4/IPv6
 * in IP, GRE with its optional fields, MPLS label stacks; PSP is parsed
 * but never run).
 *
 * The runner builds a line's own datagram as usual, then encap_wrap()
 * puts the layers around it, innermost first.  For an outbound line,
 * encap_match() walks the layers of a captured datagram outermost first,
 * compares each field the script gives and hands back the datagram
 * inside, which packet_parse() and the matcher then take as always.
 * Nothing here keeps state; errors are values.
 */
#ifndef TCPCHECK_ENCAP_H
#define TCPCHECK_ENCAP_H

#include <stddef.h>
#include <stdint.h>

#include "ast.h"
#include "core/error.h"

enum {
	ENCAP_PROTO_IPIP = 4,		/* IPv4 in IP */
	ENCAP_PROTO_IPV6 = 41,		/* IPv6 in IP */
	ENCAP_PROTO_GRE = 47,
	ENCAP_PROTO_MPLS = 137,		/* MPLS in IP (RFC 4023) */
	GRE_TYPE_IPV4 = 0x0800,
	GRE_TYPE_IPV6 = 0x86dd,
	GRE_TYPE_MPLS = 0x8847,		/* MPLS unicast */
};

/* Whether tcpcheck can build and match this stack of layers: GRE and MPLS
 * need an IP layer outside them, and only IP may follow MPLS (a stack
 * says nothing about what it carries).  0, or -1 with err and *where the
 * layer at fault.  PSP layers pass: encap_script_runnable() stops them.
 */
int encap_check(const struct encap_list *layers, struct src_loc *where,
		struct error *err);

/* OUTCOME_OK, or OUTCOME_ENVIRONMENT with err ("path:line:col: ...")
 * at the first PSP layer of the script: PSP needs a device with PSP
 * offload, which a TUN device is not.
 */
int encap_script_runnable(const struct script *script, struct error *err);

/* Put the layers around the IPv4 or IPv6 datagram in buf[0..*len):
 * outer IP headers (checksummed), GRE headers (with the real checksum
 * when the C flag is set: the written `sum` is not used), MPLS entries
 * as written.  The datagram moves towards the end of buf; *len grows.
 * 0, or -1 with err (no room in cap, a layer encap_check() refuses, an
 * address that does not parse).
 */
int encap_wrap(const struct encap_list *layers, uint8_t *buf, size_t cap,
	       size_t *len, struct error *err);

/* Compare the outer layers of an outbound datagram with the script's.
 * 0: they match, and *inner and *inner_len give the datagram they carry (it
 * points into buf).  1: a field differs; diff says which layer and field,
 * expected and got ("outer ipv4 dst: expected 2.2.2.2, got 3.3.3.3").
 * The datagram is never read past len.
 */
int encap_match(const struct encap_list *layers, const uint8_t *buf,
		size_t len, const uint8_t **inner, size_t *inner_len,
		struct error *diff);

#endif /* TCPCHECK_ENCAP_H */
