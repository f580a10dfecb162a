/*
 * tcp_info.c - struct tcp_info as Python variables (see tcp_info.h).
 *
 * The layout comes from the kernel's uapi header through offsetof, so a
 * field is never read from the wrong place; a field the running kernel
 * did not fill (an older kernel returns fewer bytes) is simply absent.
 */
#include "config.h"

#include <linux/tcp.h>
#include <stdint.h>
#include <string.h>

#include "run/tcp_info.h"

#define FIELD(name) { #name, offsetof(struct tcp_info, name), \
		      sizeof(((struct tcp_info *)0)->name) }

static const struct {
	const char *name;
	size_t offset;
	size_t size;
} fields[] = {
	FIELD(tcpi_state), FIELD(tcpi_ca_state), FIELD(tcpi_retransmits),
	FIELD(tcpi_probes), FIELD(tcpi_backoff), FIELD(tcpi_options),
	FIELD(tcpi_rto), FIELD(tcpi_ato), FIELD(tcpi_snd_mss),
	FIELD(tcpi_rcv_mss), FIELD(tcpi_unacked), FIELD(tcpi_sacked),
	FIELD(tcpi_lost), FIELD(tcpi_retrans), FIELD(tcpi_fackets),
	FIELD(tcpi_last_data_sent), FIELD(tcpi_last_ack_sent),
	FIELD(tcpi_last_data_recv), FIELD(tcpi_last_ack_recv),
	FIELD(tcpi_pmtu), FIELD(tcpi_rcv_ssthresh), FIELD(tcpi_rtt),
	FIELD(tcpi_rttvar), FIELD(tcpi_snd_ssthresh), FIELD(tcpi_snd_cwnd),
	FIELD(tcpi_advmss), FIELD(tcpi_reordering), FIELD(tcpi_rcv_rtt),
	FIELD(tcpi_rcv_space), FIELD(tcpi_total_retrans),
	FIELD(tcpi_pacing_rate), FIELD(tcpi_max_pacing_rate),
	FIELD(tcpi_bytes_acked), FIELD(tcpi_bytes_received),
	FIELD(tcpi_segs_out), FIELD(tcpi_segs_in), FIELD(tcpi_notsent_bytes),
	FIELD(tcpi_min_rtt), FIELD(tcpi_data_segs_in),
	FIELD(tcpi_data_segs_out), FIELD(tcpi_delivery_rate),
	FIELD(tcpi_busy_time), FIELD(tcpi_rwnd_limited),
	FIELD(tcpi_sndbuf_limited), FIELD(tcpi_delivered),
	FIELD(tcpi_delivered_ce), FIELD(tcpi_bytes_sent),
	FIELD(tcpi_bytes_retrans), FIELD(tcpi_dsack_dups),
	FIELD(tcpi_reord_seen), FIELD(tcpi_rcv_ooopack), FIELD(tcpi_snd_wnd),
};

/* The byte after tcpi_options holds two 4-bit fields, the next one
 * flag bits; C cannot take their offsetof, so they are spelled out
 * (little-endian bit order, as the kernel's x86 and arm64 builds lay
 * them out).
 */
#define WSCALE_BYTE (offsetof(struct tcp_info, tcpi_options) + 1)

static uint64_t read_unsigned(const unsigned char *p, size_t size)
{
	uint64_t v = 0;

	memcpy(&v, p, size);	/* host order, as the kernel wrote it */
	return v;
}

void tcp_info_write_python(const unsigned char *info, size_t len, FILE *out)
{
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		if (fields[i].offset + fields[i].size > len)
			continue;
		fprintf(out, "'%s': %llu, ", fields[i].name,
			(unsigned long long)read_unsigned(info + fields[i].offset,
							  fields[i].size));
	}
	if (WSCALE_BYTE + 1 < len) {
		unsigned char w = info[WSCALE_BYTE], f = info[WSCALE_BYTE + 1];

		fprintf(out, "'tcpi_snd_wscale': %u, 'tcpi_rcv_wscale': %u, "
			"'tcpi_delivery_rate_app_limited': %u, "
			"'tcpi_fastopen_client_fail': %u, ", w & 15, w >> 4,
			f & 1, (f >> 1) & 3);
	}
}

void tcp_info_write_constants(FILE *out)
{
	static const struct {
		const char *name;
		unsigned long value;
	} constants[] = {
		{ "TCPI_OPT_TIMESTAMPS", TCPI_OPT_TIMESTAMPS },
		{ "TCPI_OPT_SACK", TCPI_OPT_SACK },
		{ "TCPI_OPT_WSCALE", TCPI_OPT_WSCALE },
		{ "TCPI_OPT_ECN", TCPI_OPT_ECN },
		{ "TCPI_OPT_ECN_SEEN", TCPI_OPT_ECN_SEEN },
		{ "TCPI_OPT_SYN_DATA", TCPI_OPT_SYN_DATA },
		{ "TCPI_OPT_USEC_TS", 64 },	/* newer than these headers */
		{ "TCP_CA_Open", TCP_CA_Open },
		{ "TCP_CA_Disorder", TCP_CA_Disorder },
		{ "TCP_CA_CWR", TCP_CA_CWR },
		{ "TCP_CA_Recovery", TCP_CA_Recovery },
		{ "TCP_CA_Loss", TCP_CA_Loss },
		/* The kernel's internal "no threshold yet" (tcp.h). */
		{ "TCP_INFINITE_SSTHRESH", 0x7fffffff },
		/* The states as the kernel numbers them (include/net/tcp_states.h,
		 * not exported to user space).
		 */
		{ "TCP_ESTABLISHED", 1 }, { "TCP_SYN_SENT", 2 },
		{ "TCP_SYN_RECV", 3 }, { "TCP_FIN_WAIT1", 4 },
		{ "TCP_FIN_WAIT2", 5 }, { "TCP_TIME_WAIT", 6 },
		{ "TCP_CLOSE", 7 }, { "TCP_CLOSE_WAIT", 8 },
		{ "TCP_LAST_ACK", 9 }, { "TCP_LISTEN", 10 },
		{ "TCP_CLOSING", 11 },
	};

	for (size_t i = 0; i < sizeof(constants) / sizeof(constants[0]); i++)
		fprintf(out, "%s = %lu\n", constants[i].name, constants[i].value);
}
