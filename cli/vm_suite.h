/*
 * vm_suite.h - --kernel: the suite played inside guests booted under qemu.
 *
 * The scripts to run are shared among N guests (-j N), each booting the
 * kernel with an initramfs that carries them (vm/initramfs.h) and playing
 * them with `tcpcheck --guest` (guest.h).  The results come back as frames
 * and go to this tcpcheck's writers as if played here; what a guest could
 * not report says why: it did not boot (skipped: 125), the kernel
 * panicked while a script ran (that script fails, with the console's last
 * lines).
 */
#ifndef TCPCHECK_VM_SUITE_H
#define TCPCHECK_VM_SUITE_H

#include "jobs.h"
#include "report.h"
#include "suite.h"
#include "vm/qemu.h"

struct vm_settings {
	const char *kernel;		/* --kernel */
	const char *modules;		/* --modules, or NULL */
	enum vm_clock clock;		/* --vm-clock */
	/* The guest's options (the paths come after "--"). */
	char **guest_args;
	int guest_argc;
};

/* What the guest's command line is made of: the host's parsed options. */
struct guest_command {
	const struct job_settings *settings;	/* options, -D, families, -v */
	const struct suite_options *suite;
	enum vm_clock clock;
};

/* The guest's command line: the options that shape a run, as parsed (-D
 * values already computed); in virtual time, the guest clock and no
 * reruns of late runs.  The paths come after "--".  NULL when out of
 * memory.
 */
char **vm_guest_command_line(const struct guest_command *cmd, int *argc);

int vm_suite_run(const struct vm_settings *vs, const struct job_list *jobs,
		 const struct suite_options *opts, struct reporter **reps,
		 int nrep, struct suite_summary *sum);

#endif /* TCPCHECK_VM_SUITE_H */
