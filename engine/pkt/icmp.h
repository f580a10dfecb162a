/*
 * icmp.h - ICMP and ICMPv6 type and code names, as scripts write them.
 *
 * packetdrill's lines name the message (`unreachable frag_needed`,
 * `packet_too_big`); the numbers differ between ICMPv4 (RFC 792) and
 * ICMPv6 (RFC 4443), so a name resolves for one IP version.  `type_N` and
 * `code_N` give any number directly.
 */
#ifndef TCPCHECK_ICMP_H
#define TCPCHECK_ICMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

/* Resolve for ip_version 4 or 6; code may be NULL (code 0).  0, or -1
 * with err naming what is unknown.
 */
int icmp_resolve(int ip_version, const char *type, const char *code,
		 uint8_t *type_num, uint8_t *code_num, struct error *err);

/* Whether the pair resolves for at least one of the two versions. */
bool icmp_known(const char *type, const char *code, struct error *err);

/* Whether the message carries an MTU in header bytes 4-7. */
bool icmp_has_mtu(int ip_version, uint8_t type, uint8_t code);

/* What an injected message's line must be for ip_version: a type and
 * code of that version (resolved into *type_num, *code_num), and an MTU
 * (has_mtu) only in a message that carries one, in the 16 bits ICMPv4
 * gives it.  The static check (engine/run/check.c) calls it once per
 * family, before anything runs.  0, or -1 with err.
 */
int icmp_check_line(int ip_version, const char *type, const char *code,
		    bool has_mtu, uint32_t mtu, uint8_t *type_num,
		    uint8_t *code_num, struct error *err);

/* The tables, for listings (tcpcheck(5)): the i-th type name of a
 * version and its number, and the i-th code name of that type; NULL past
 * the last (or for a type without named codes).
 */
const char *icmp_type_at(int ip_version, size_t i, uint8_t *number);
const char *icmp_code_at(int ip_version, size_t type, size_t i,
			 uint8_t *number);

#endif /* TCPCHECK_ICMP_H */
