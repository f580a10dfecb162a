/*
 * worker.c - the system-call thread (see worker.h).
 *
 * The job slot is guarded by a mutex; the eventfd carries "done" to the
 * main thread's poll loop, and a condition variable carries "go" to the
 * worker.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "core/clock.h"
#include "run/run_clock.h"
#include "run/worker.h"

struct worker {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t go;
	struct syscall_run *job;	/* submitted, not yet collected */
	bool done;			/* job has returned */
	bool quit;
	int64_t end_ns;
	int event_fd;
	int policy;			/* the runner's scheduling, copied */
	int cpu;			/* the runner's CPU, -1: any */
	struct sched_param param;
	/* The inline worker (worker_start_inline): no thread. */
	struct run_clock *inline_clock;
};

/* The runner and its worker hand work to each other and never run at
 * the same time except while a call blocks in the kernel.  On one CPU a
 * hand-over is a context switch; across CPUs it is a wake-up of an idle
 * CPU, which on a virtual machine costs hundreds of microseconds after
 * each pause of the script.  So both stay on the CPU the runner is on.
 * Only with a real-time policy: a normal runner is left to the scheduler.
 */
static int worker_pin_cpu(void)
{
	cpu_set_t one;
	int cpu;

	if ((sched_getscheduler(0) & ~SCHED_RESET_ON_FORK) == SCHED_OTHER)
		return -1;
	cpu = sched_getcpu();
	if (cpu < 0)
		return -1;
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	return sched_setaffinity(0, sizeof(one), &one) == 0 ? cpu : -1;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;

	/* The runner's real-time policy carries SCHED_RESET_ON_FORK (so
	 * shell commands run as normal processes), which also resets new
	 * threads: a worker left at normal priority wakes hundreds of
	 * microseconds late on a busy machine, and every system call and
	 * what follows it would be that late.  Without privilege this
	 * fails quietly, like the runner's own request.
	 */
	if (w->policy != SCHED_OTHER)
		sched_setscheduler(0, w->policy | SCHED_RESET_ON_FORK, &w->param);
	if (w->cpu >= 0) {
		cpu_set_t one;

		CPU_ZERO(&one);
		CPU_SET(w->cpu, &one);
		sched_setaffinity(0, sizeof(one), &one);
	}
	pthread_mutex_lock(&w->lock);
	for (;;) {
		while (!w->quit && (!w->job || w->done))
			pthread_cond_wait(&w->go, &w->lock);
		if (w->quit)
			break;
		struct syscall_run *run = w->job;

		pthread_mutex_unlock(&w->lock);
		syscall_perform(run);
		int64_t end = clock_now_ns();
		pthread_mutex_lock(&w->lock);
		w->end_ns = end;
		w->done = true;
		uint64_t one = 1;
		if (write(w->event_fd, &one, sizeof(one)) < 0) {
			/* An eventfd write fails only on overflow: harmless. */
		}
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

int worker_start(struct worker **out, struct error *err)
{
	struct worker *w = calloc(1, sizeof(*w));
	int rc;

	*out = NULL;
	if (!w)
		return error_set(err, "out of memory");
	w->event_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (w->event_fd < 0) {
		free(w);
		return error_set_errno(err, "eventfd");
	}
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->go, NULL);
	w->policy = sched_getscheduler(0) & ~SCHED_RESET_ON_FORK;
	if (w->policy < 0 || sched_getparam(0, &w->param) < 0)
		w->policy = SCHED_OTHER;
	w->cpu = worker_pin_cpu();
	rc = pthread_create(&w->thread, NULL, worker_main, w);
	if (rc != 0) {
		close(w->event_fd);
		pthread_mutex_destroy(&w->lock);
		pthread_cond_destroy(&w->go);
		free(w);
		errno = rc;
		return error_set_errno(err, "starting the system-call thread");
	}
	*out = w;
	return 0;
}

int worker_start_inline(struct worker **out, struct run_clock *clock,
			struct error *err)
{
	struct worker *w = calloc(1, sizeof(*w));

	*out = NULL;
	if (!w)
		return error_set(err, "out of memory");
	w->event_fd = -1;
	w->inline_clock = clock;
	*out = w;
	return 0;
}

/* Perform the inline worker's job once; done unless the backend left it
 * pending.
 */
static void inline_perform(struct worker *w)
{
	int errnum = 0;

	syscall_perform(w->job);
	if (syscall_run_result(w->job, &errnum) == -1 &&
	    errnum == SYSCALL_BACKEND_PENDING)
		return;
	w->done = true;
	w->end_ns = run_clock_now(w->inline_clock);
}

int worker_submit(struct worker *w, struct syscall_run *run, struct error *err)
{
	if (w->inline_clock) {
		if (w->job)
			return error_set(err, "internal error: system-call "
					 "thread busy");
		w->job = run;
		w->done = false;
		inline_perform(w);
		return 0;
	}
	pthread_mutex_lock(&w->lock);
	if (w->job) {
		pthread_mutex_unlock(&w->lock);
		return error_set(err, "internal error: system-call thread busy");
	}
	w->job = run;
	w->done = false;
	pthread_cond_signal(&w->go);
	pthread_mutex_unlock(&w->lock);
	return 0;
}

int worker_event_fd(const struct worker *w)
{
	return w->event_fd;
}

bool worker_busy(const struct worker *w)
{
	return w->job != NULL;
}

bool worker_collect(struct worker *w, int64_t *end_ns)
{
	uint64_t count;
	bool done;

	if (w->inline_clock) {
		if (w->job && !w->done)
			inline_perform(w);
		done = w->job && w->done;
		if (done) {
			*end_ns = w->end_ns;
			w->job = NULL;
			w->done = false;
		}
		return done;
	}
	pthread_mutex_lock(&w->lock);
	done = w->job && w->done;
	if (done) {
		*end_ns = w->end_ns;
		w->job = NULL;
		w->done = false;
		if (read(w->event_fd, &count, sizeof(count)) < 0) {
			/* Already drained: nothing pending. */
		}
	}
	pthread_mutex_unlock(&w->lock);
	return done;
}

void worker_stop(struct worker *w)
{
	if (!w)
		return;
	if (w->inline_clock) {
		free(w);
		return;
	}
	pthread_mutex_lock(&w->lock);
	bool blocked = w->job && !w->done;
	w->quit = true;
	pthread_cond_signal(&w->go);
	pthread_mutex_unlock(&w->lock);
	if (blocked)
		pthread_cancel(w->thread);
	pthread_join(w->thread, NULL);
	close(w->event_fd);
	pthread_mutex_destroy(&w->lock);
	pthread_cond_destroy(&w->go);
	free(w);
}
