/*
 * sha256.h - SHA-256 (FIPS 180-4) and HMAC-SHA256 (RFC 2104).
 *
 * For the agent's challenge-response and the control connection's frame
 * authentication; shared by tcpcheck and tcpcheck-agent.  Plain C99.
 */
#ifndef TCPCHECK_SHA256_H
#define TCPCHECK_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_LEN 32

struct sha256 {
	uint32_t state[8];
	uint64_t bytes;
	uint8_t block[64];
	size_t used;
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t len);
void sha256_final(struct sha256 *s, uint8_t out[SHA256_LEN]);

struct hmac_sha256 {
	struct sha256 inner, outer;
};

void hmac_sha256_init(struct hmac_sha256 *h, const void *key, size_t len);
void hmac_sha256_update(struct hmac_sha256 *h, const void *data, size_t len);
void hmac_sha256_final(struct hmac_sha256 *h, uint8_t out[SHA256_LEN]);

/* Whether two MACs are equal, in time independent of where they differ. */
int sha256_equal(const uint8_t *a, const uint8_t *b, size_t len);

#endif /* TCPCHECK_SHA256_H */
