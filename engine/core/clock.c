/*
 * clock.c - monotonic time and absolute-deadline sleeps (see clock.h).
 */
#include "config.h"

#include <errno.h>
#include <time.h>

#include "core/clock.h"

int64_t clock_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t clock_realtime_offset_ns(void)
{
	struct timespec rt, mono;

	clock_gettime(CLOCK_REALTIME, &rt);
	clock_gettime(CLOCK_MONOTONIC, &mono);
	return ((int64_t)rt.tv_sec - mono.tv_sec) * 1000000000 +
		(rt.tv_nsec - mono.tv_nsec);
}

int64_t clock_realtime_of(int64_t mono_ns)
{
	return mono_ns + clock_realtime_offset_ns();
}

int clock_sleep_until(int64_t deadline_ns)
{
	struct timespec ts = {
		.tv_sec = deadline_ns / 1000000000,
		.tv_nsec = deadline_ns % 1000000000,
	};
	int rc;

	if (deadline_ns <= 0)
		return 0;
	rc = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
	return rc == 0 ? 0 : (rc == EINTR ? -1 : 0);
}
