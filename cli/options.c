/*
 * options.c - the option table (see options.h).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include "options.h"
#include "core/symbols.h"

enum option_kind {
	OPT_KIND_FLAG,		/* no value, or a boolean value */
	OPT_KIND_INT,
	OPT_KIND_NUMBER,	/* decimal, may have a fraction */
	OPT_KIND_ADDRESS,
	OPT_KIND_PORT,
	OPT_KIND_WORD,
};

struct option_ctx {
	struct run_config *cfg;
	struct tool_settings *tool;
	const char *value;
	long long integer;
	double number;
	struct ip_addr address;
};

struct option_def {
	const char *name;
	enum option_kind kind;
	const char *help;
	int (*apply)(struct option_ctx *ctx, char *msg, size_t size);
};

static int set_tolerance_usecs(struct option_ctx *c, char *msg, size_t size)
{
	(void)msg;
	(void)size;
	c->cfg->tolerance_usecs = c->integer;
	return 0;
}

static int set_tolerance_percent(struct option_ctx *c, char *msg, size_t size)
{
	(void)msg;
	(void)size;
	c->cfg->tolerance_percent = c->number;
	return 0;
}

static int set_local_ip(struct option_ctx *c, char *msg, size_t size)
{
	(void)msg;
	(void)size;
	c->cfg->plan.local_ip = c->address;
	return 0;
}

static int set_remote_ip(struct option_ctx *c, char *msg, size_t size)
{
	(void)msg;
	(void)size;
	c->cfg->plan.remote_ip = c->address;
	return 0;
}

static int set_bind_port(struct option_ctx *c, char *msg, size_t size)
{
	(void)msg;
	(void)size;
	c->cfg->plan.bind_port = (uint16_t)c->integer;
	return 0;
}

static int set_connect_port(struct option_ctx *c, char *msg, size_t size)
{
	(void)msg;
	(void)size;
	c->cfg->plan.connect_port = (uint16_t)c->integer;
	return 0;
}

/* Store the option's integer in *to if it lies in lo..hi. */
static int set_int_in(struct option_ctx *c, const char *name, long long lo,
		      long long hi, int *to, char *msg, size_t size)
{
	if (c->integer < lo || c->integer > hi) {
		snprintf(msg, size, "--%s=%lld is outside %lld..%lld", name,
			 c->integer, lo, hi);
		return -1;
	}
	*to = (int)c->integer;
	return 0;
}

static int set_mtu(struct option_ctx *c, char *msg, size_t size)
{
	return set_int_in(c, "mtu", 1280, 65535, &c->cfg->plan.mtu, msg, size);
}

static int set_gso_mss(struct option_ctx *c, char *msg, size_t size)
{
	return set_int_in(c, "mss", 1, 65535, &c->cfg->plan.gso_mss, msg,
			  size);
}

/* The address plans packetdrill's runner uses for each family. */
static int set_ip_version(struct option_ctx *c, char *msg, size_t size)
{
	struct net_plan *plan = &c->cfg->plan;

	if (!strcmp(c->value, "ipv4")) {
		plan->ip_version = IP_VERSION_4;
	} else if (!strcmp(c->value, "ipv4-mapped-ipv6")) {
		plan->ip_version = IP_VERSION_4_MAPPED_6;
	} else if (!strcmp(c->value, "ipv6")) {
		plan->ip_version = IP_VERSION_6;
		ip_addr_parse("fd3d:a0b:17d6::1", &plan->local_ip);
		ip_addr_parse("fd3d:fa7b:d17d::1", &plan->remote_ip);
		plan->prefix_len = 48;
	} else {
		snprintf(msg, size, "--ip_version takes ipv4, ipv4-mapped-ipv6 "
			 "or ipv6, not '%s'", c->value);
		return -1;
	}
	if (plan->ip_version != IP_VERSION_6 &&
	    plan->local_ip.family != AF_INET) {
		ip_addr_parse("192.168.0.1", &plan->local_ip);
		ip_addr_parse("192.0.2.1", &plan->remote_ip);
		plan->prefix_len = 16;
	}
	return 0;
}

/* A dotted mask becomes the prefix length of the local address. */
static int set_netmask_ip(struct option_ctx *c, char *msg, size_t size)
{
	uint32_t mask;
	int prefix = 0;

	if (c->address.family != AF_INET) {
		snprintf(msg, size, "--netmask_ip takes an IPv4 mask");
		return -1;
	}
	mask = ntohl(c->address.u.v4.s_addr);
	while (prefix < 32 && (mask & (0x80000000u >> prefix)))
		prefix++;
	if (prefix < 32 && (mask << prefix)) {
		snprintf(msg, size, "--netmask_ip=%s has holes", c->value);
		return -1;
	}
	c->cfg->plan.prefix_len = prefix;
	return 0;
}

/* Accepted so packetdrill's runner's arguments work unchanged; on a
 * point-to-point TUN device the route to the peer needs no gateway, and
 * tcpcheck never leaves send buffers to be freed late.
 */
static int accept_for_compatibility(struct option_ctx *c, char *msg,
				    size_t size)
{
	(void)c;
	(void)msg;
	(void)size;
	return 0;
}

/* tun0 or lo; a real interface is --wire-dev. */
static int set_device(struct option_ctx *c, char *msg, size_t size)
{
	struct net_plan *plan = &c->cfg->plan;

	if (strcmp(c->value, "tun0") && strcmp(c->value, "lo")) {
		snprintf(msg, size, "--device takes tun0 (the default) or lo, "
			 "not '%s' (a real interface is --wire-dev)", c->value);
		return -1;
	}
	snprintf(plan->device, sizeof(plan->device), "%s", c->value);
	plan->path_kind = strcmp(c->value, "lo") ? PATH_KIND_TUN :
		PATH_KIND_LOOPBACK;
	return 0;
}

static int set_wire_dev(struct option_ctx *c, char *msg, size_t size)
{
	struct net_plan *plan = &c->cfg->plan;

	if (!*c->value || strlen(c->value) >= sizeof(plan->device) ||
	    strchr(c->value, '/') || strchr(c->value, ' ')) {
		snprintf(msg, size, "--wire-dev: '%s' is not an interface name",
			 c->value);
		return -1;
	}
	snprintf(plan->device, sizeof(plan->device), "%s", c->value);
	plan->path_kind = PATH_KIND_WIRE;
	return 0;
}

static int set_wire_peer_mac(struct option_ctx *c, char *msg, size_t size)
{
	struct wire_plan *wire = &c->cfg->plan.wire;
	unsigned int b[6];
	char end;

	if (sscanf(c->value, "%x:%x:%x:%x:%x:%x%c", &b[0], &b[1], &b[2], &b[3],
		   &b[4], &b[5], &end) != 6) {
		snprintf(msg, size, "--wire-peer-mac: '%s' is not a MAC address "
			 "(aa:bb:cc:dd:ee:ff)", c->value);
		return -1;
	}
	for (int i = 0; i < 6; i++) {
		if (b[i] > 0xff) {
			snprintf(msg, size, "--wire-peer-mac: '%s' is not a MAC "
				 "address", c->value);
			return -1;
		}
		wire->peer_mac[i] = (uint8_t)b[i];
	}
	wire->peer_mac_given = true;
	return 0;
}

/* Copy a word option into a fixed buffer, refusing what does not fit. */
static int set_text(struct option_ctx *c, const char *name, char *to,
		    size_t to_size, char *msg, size_t size)
{
	if (!*c->value || strlen(c->value) >= to_size) {
		snprintf(msg, size, "--%s: '%s' is empty or too long", name,
			 c->value);
		return -1;
	}
	snprintf(to, to_size, "%s", c->value);
	return 0;
}

static int set_agent(struct option_ctx *c, char *msg, size_t size)
{
	struct wire_plan *wire = &c->cfg->plan.wire;

	if (!strrchr(c->value, ':')) {
		snprintf(msg, size, "--agent takes HOST:PORT, not '%s'",
			 c->value);
		return -1;
	}
	return set_text(c, "agent", wire->agent, sizeof(wire->agent), msg,
			size);
}

static int set_agent_secret_file(struct option_ctx *c, char *msg, size_t size)
{
	struct wire_plan *wire = &c->cfg->plan.wire;

	return set_text(c, "agent-secret-file", wire->secret_file,
			sizeof(wire->secret_file), msg, size);
}

static int set_tcp_ts_tick_usecs(struct option_ctx *c, char *msg,
				 size_t size)
{
	if (c->integer > 1000000) {
		snprintf(msg, size, "--tcp_ts_tick_usecs=%lld is more than a "
			 "second", c->integer);
		return -1;
	}
	c->cfg->tcp_ts_tick_usecs = c->integer;
	return 0;
}

static int set_strict_segments(struct option_ctx *c, char *msg, size_t size)
{
	(void)msg;
	(void)size;
	c->cfg->strict_segments = c->integer != 0;
	return 0;
}

static int set_strict(struct option_ctx *c, char *msg, size_t size)
{
	(void)msg;
	(void)size;
	c->cfg->strict = c->integer != 0;
	return 0;
}

static int set_verbose(struct option_ctx *c, char *msg, size_t size)
{
	(void)msg;
	(void)size;
	c->tool->verbose = c->integer != 0;
	return 0;
}

static int set_dry_run(struct option_ctx *c, char *msg, size_t size)
{
	(void)msg;
	(void)size;
	c->tool->dry_run = c->integer != 0;
	return 0;
}

static const struct option_def option_table[] = {
	{ "tolerance_usecs", OPT_KIND_INT,
	  "allowed timing error in microseconds (default 4000)",
	  set_tolerance_usecs },
	{ "tolerance_percent", OPT_KIND_NUMBER,
	  "allowed timing error as a percentage of the interval since the "
	  "previous event, when larger (default 12.5)", set_tolerance_percent },
	{ "ip_version", OPT_KIND_WORD,
	  "ipv4 (default), ipv4-mapped-ipv6 or ipv6", set_ip_version },
	{ "local_ip", OPT_KIND_ADDRESS,
	  "address of the stack under test (default 192.168.0.1)",
	  set_local_ip },
	{ "remote_ip", OPT_KIND_ADDRESS,
	  "address of the simulated peer (default 192.0.2.1)", set_remote_ip },
	{ "bind_port", OPT_KIND_PORT, "port `...` binds to (default 8080)",
	  set_bind_port },
	{ "connect_port", OPT_KIND_PORT,
	  "port `...` connects to (default 8080)", set_connect_port },
	{ "mtu", OPT_KIND_INT, "MTU of tun0 (default 1500)", set_mtu },
	{ "mss", OPT_KIND_INT,
	  "inject an inbound segment with more payload than this as one "
	  "receive-offload (GRO) super-packet of segments this long "
	  "(default: each segment as written)", set_gso_mss },
	{ "netmask_ip", OPT_KIND_ADDRESS,
	  "netmask of the local address (default 255.255.0.0)", set_netmask_ip },
	{ "gateway_ip", OPT_KIND_ADDRESS,
	  "accepted for packetdrill compatibility: tun0 needs no gateway",
	  accept_for_compatibility },
	{ "psp_udp_port", OPT_KIND_PORT,
	  "accepted for packetdrill compatibility: scripts with PSP lines "
	  "are not run (the kernel has no PSP offload to test)",
	  accept_for_compatibility },
	{ "send_omit_free", OPT_KIND_FLAG,
	  "accepted for packetdrill compatibility: no effect",
	  accept_for_compatibility },
	{ "device", OPT_KIND_WORD,
	  "where the script's packets cross: tun0 (default, created) or lo "
	  "(loopback, watched with libpcap)", set_device },
	{ "wire-dev", OPT_KIND_WORD,
	  "wire mode: play the script over this real interface against the "
	  "stack of the machine --agent runs on", set_wire_dev },
	{ "wire-peer-mac", OPT_KIND_WORD,
	  "wire mode: the stack's MAC address (default: asked with ARP or "
	  "neighbour discovery)", set_wire_peer_mac },
	{ "agent", OPT_KIND_WORD,
	  "wire mode: HOST:PORT of the tcpcheck-agent that makes the "
	  "script's system calls", set_agent },
	{ "agent-secret-file", OPT_KIND_WORD,
	  "wire mode: the file holding the secret shared with the agent",
	  set_agent_secret_file },
	{ "tcp_ts_tick_usecs", OPT_KIND_INT,
	  "microseconds per tick of the kernel's TCP timestamp clock: an "
	  "outbound TS val may then differ from the script's by the ticks in "
	  "--tolerance_usecs (default 0: not compared)", set_tcp_ts_tick_usecs },
	{ "tcp_ts_ecr_scaled", OPT_KIND_FLAG,
	  "accepted for packetdrill compatibility: an inbound TS ecr that "
	  "echoes no TS val the stack sent is always mapped through the "
	  "stack's clock offset", accept_for_compatibility },
	{ "strict_segments", OPT_KIND_FLAG,
	  "do not accept a TSO/GSO super-packet for several expected segments",
	  set_strict_segments },
	{ "strict", OPT_KIND_FLAG,
	  "fail on any outbound packet no line expects, also in the 0.250 s "
	  "after the last line (packetdrill ignores those)", set_strict },
	{ "verbose", OPT_KIND_FLAG, "trace every event as it runs (also -v)",
	  set_verbose },
	{ "dry_run", OPT_KIND_FLAG, "parse and check the scripts, run nothing",
	  set_dry_run },
};

#define OPTION_COUNT (sizeof(option_table) / sizeof(option_table[0]))

static const struct option_def *option_find(const char *name)
{
	for (size_t i = 0; i < OPTION_COUNT; i++)
		if (!strcmp(option_table[i].name, name))
			return &option_table[i];
	return NULL;
}

/* The same "did you mean" rule as for system calls and constants. */
static void unknown_option(const char *name, char *msg, size_t size)
{
	struct suggestion s;
	const char *best;

	suggestion_init(&s, name);
	for (size_t i = 0; i < OPTION_COUNT; i++)
		suggestion_consider(&s, option_table[i].name);
	best = suggestion_result(&s);
	if (best)
		snprintf(msg, size, "unknown option --%s (did you mean --%s?)",
			 name, best);
	else
		snprintf(msg, size, "unknown option --%s", name);
}

static int parse_value(const struct option_def *def, struct option_ctx *ctx,
		       char *msg, size_t size)
{
	const char *v = ctx->value;
	char *end = NULL;

	switch (def->kind) {
	case OPT_KIND_FLAG:
		ctx->integer = 1;
		if (!v)
			return 0;
		if (!strcmp(v, "1") || !strcmp(v, "true") || !strcmp(v, "yes"))
			return 0;
		ctx->integer = 0;
		if (!strcmp(v, "0") || !strcmp(v, "false") || !strcmp(v, "no"))
			return 0;
		snprintf(msg, size, "--%s takes no value or true/false, not '%s'",
			 def->name, v);
		return -1;
	case OPT_KIND_INT:
	case OPT_KIND_PORT:
		if (!v)
			break;
		errno = 0;
		ctx->integer = strtoll(v, &end, 10);
		if (errno || *end || end == v || ctx->integer < 0 ||
		    (def->kind == OPT_KIND_PORT && ctx->integer > 65535)) {
			snprintf(msg, size, "--%s needs a %s, not '%s'", def->name,
				 def->kind == OPT_KIND_PORT ? "port number" :
				 "non-negative integer", v);
			return -1;
		}
		return 0;
	case OPT_KIND_NUMBER:
		if (!v)
			break;
		errno = 0;
		ctx->number = strtod(v, &end);
		if (errno || *end || end == v || ctx->number < 0) {
			snprintf(msg, size, "--%s needs a non-negative number, "
				 "not '%s'", def->name, v);
			return -1;
		}
		return 0;
	case OPT_KIND_ADDRESS:
		if (!v)
			break;
		if (ip_addr_parse(v, &ctx->address) < 0) {
			snprintf(msg, size, "--%s: '%s' is not an IPv4 or IPv6 "
				 "address", def->name, v);
			return -1;
		}
		return 0;
	case OPT_KIND_WORD:
		if (!v)
			break;
		return 0;
	}
	snprintf(msg, size, "--%s needs a value (--%s=...)", def->name,
		 def->name);
	return -1;
}

int option_apply(const char *name, const char *value, struct run_config *cfg,
		 struct tool_settings *tool, char *msg, size_t msg_size)
{
	const struct option_def *def = option_find(name);
	struct option_ctx ctx = { .cfg = cfg, .tool = tool, .value = value };

	if (!def) {
		unknown_option(name, msg, msg_size);
		return -1;
	}
	if (parse_value(def, &ctx, msg, msg_size) < 0)
		return -1;
	return def->apply(&ctx, msg, msg_size);
}

const char *option_at(size_t i, bool *takes_value, const char **help)
{
	if (i >= OPTION_COUNT)
		return NULL;
	if (takes_value)
		*takes_value = option_table[i].kind != OPT_KIND_FLAG;
	if (help)
		*help = option_table[i].help;
	return option_table[i].name;
}

void options_print_help(FILE *out)
{
	for (size_t i = 0; i < OPTION_COUNT; i++) {
		const struct option_def *d = &option_table[i];
		char left[40];

		snprintf(left, sizeof(left), "--%s%s", d->name,
			 d->kind == OPT_KIND_FLAG ? "" : "=VALUE");
		fprintf(out, "  %-28s %s\n", left, d->help);
	}
}
