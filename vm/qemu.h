/*
 * qemu.h - one guest: a qemu process booting a kernel and an initramfs,
 * its channel (a virtio-serial port, on a Unix socket qemu connects to)
 * and its console (the first serial port, in a file).
 *
 * Everything a guest owns lives in one temporary folder and one process;
 * vm_guest_stop() kills the process (also when tcpcheck is interrupted)
 * and removes the folder.  qemu is also told to die with tcpcheck
 * (PR_SET_PDEATHSIG), so not even a SIGKILL of tcpcheck leaves it behind.
 */
#ifndef TCPCHECK_VM_QEMU_H
#define TCPCHECK_VM_QEMU_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/error.h"
#include "frame.h"

enum vm_clock {
	VM_CLOCK_DEFAULT,	/* real with KVM, icount without */
	VM_CLOCK_ICOUNT,	/* TCG, -icount shift=0,align=off,sleep=off */
	VM_CLOCK_REAL,		/* KVM where usable, else plain TCG */
};

struct vm_guest {
	pid_t pid;		/* qemu, or 0 */
	int listen_fd, fd;	/* the channel socket, -1 when closed */
	char dir[PATH_MAX];	/* temporary: initrd, socket, console */
	struct frame_reader reader;
	int exit_status;	/* qemu's, once reaped; -1 before */
	bool eof;		/* the channel closed */
};

#define VM_QEMU "qemu-system-x86_64"

/* Make the guest's temporary folder; the initramfs goes to
 * vm_guest_path(g, "initrd").
 */
int vm_guest_prepare(struct vm_guest *g, struct error *err);
const char *vm_guest_path(const struct vm_guest *g, const char *name,
			  char *buf, size_t size);

/* Whether qemu can be run at all (125 material when not). */
int vm_qemu_check(struct error *err);
/* Which accelerator the clock means here: "kvm" or "tcg". */
const char *vm_accelerator(enum vm_clock clock);

/* Start qemu; extra is appended to the kernel command line (or NULL). */
int vm_guest_boot(struct vm_guest *g, const char *kernel,
		  enum vm_clock clock, const char *extra, struct error *err);

/* The fd to poll for input (the listening socket until qemu connects). */
int vm_guest_pollfd(const struct vm_guest *g);
/* Read what is there; -1 with err on a read error.  eof is set when the
 * channel closed.
 */
int vm_guest_read(struct vm_guest *g, struct error *err);
/* Acknowledge the guest's last frame (it then powers off). */
void vm_guest_ack(struct vm_guest *g);
/* Whether qemu has exited (reaped then). */
bool vm_guest_exited(struct vm_guest *g);
/* The console's last lines (at most max bytes), malloc'd, or NULL. */
char *vm_guest_console_tail(const struct vm_guest *g, int lines, size_t max);
/* Kill qemu, leaving its folder (the console) for a last look. */
void vm_guest_stop_process(struct vm_guest *g);
/* Kill qemu if it runs, reap it, remove the folder. */
void vm_guest_stop(struct vm_guest *g);

#endif /* TCPCHECK_VM_QEMU_H */
