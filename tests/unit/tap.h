/*
 * tap.h - a minimal Test Anything Protocol emitter for the unit tests.
 *
 * automake's tap-driver.sh reads the "ok N - name" lines; a test program
 * calls tap_plan() (or tap_done() at the end) and the checks below.  Each
 * check prints what was expected and what was got when it fails, so a
 * failing test explains itself in the log.
 */
#ifndef TCPCHECK_TAP_H
#define TCPCHECK_TAP_H

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static int tap_count;
static int tap_failed;

static inline bool tap_ok(bool cond, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static inline bool tap_ok(bool cond, const char *fmt, ...)
{
	va_list ap;

	tap_count++;
	if (!cond)
		tap_failed++;
	printf("%s %d - ", cond ? "ok" : "not ok", tap_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	return cond;
}

#define tap_is_int(got, want, ...)                                        \
	do {                                                              \
		long long tap_g_ = (long long)(got);                      \
		long long tap_w_ = (long long)(want);                     \
		if (!tap_ok(tap_g_ == tap_w_, __VA_ARGS__))               \
			printf("#   got %lld, expected %lld\n", tap_g_,   \
			       tap_w_);                                   \
	} while (0)

#define tap_is_str(got, want, ...)                                        \
	do {                                                              \
		const char *tap_g_ = (got);                               \
		const char *tap_w_ = (want);                              \
		bool tap_eq_ = tap_g_ && tap_w_ && !strcmp(tap_g_, tap_w_); \
		if (!tap_ok(tap_eq_, __VA_ARGS__))                        \
			printf("#   got:\n%s\n#   expected:\n%s\n",       \
			       tap_g_ ? tap_g_ : "(null)",                \
			       tap_w_ ? tap_w_ : "(null)");               \
	} while (0)

static inline void tap_diag(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
static inline void tap_diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

/* Print the plan after the tests ran; returns the process exit status. */
static inline int tap_done(void)
{
	printf("1..%d\n", tap_count);
	return tap_failed ? 1 : 0;
}

#endif /* TCPCHECK_TAP_H */
