/*
 * initramfs.c - building the guest's initramfs (initramfs.h).
 */
#define _GNU_SOURCE
#include "initramfs.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "cpio.h"
#include "host.h"
#include "modules.h"
#include "toolset.h"

#define MAX_SCRIPT_FILE (1 << 20)	/* files beside scripts, at most */

/* The guest's first process. */
static const char init_script[] =
	"#!/bin/busybox sh\n"
	"/bin/busybox --install -s /bin\n"
	"export PATH=/usr/sbin:/usr/bin:/sbin:/bin\n"
	"export LD_LIBRARY_PATH=/lib/x86_64-linux-gnu:/usr/lib/x86_64-linux-gnu\n"
	". /tcpcheck/env\n"
	"mkdir -p /proc /sys /dev /tmp /run/netns /var/run\n"
	"mount -t proc proc /proc\n"
	"mount -t sysfs sysfs /sys\n"
	"mount -t devtmpfs devtmpfs /dev\n"
	"while read m; do insmod \"$m\" 2>/dev/null; done < "
	GUEST_MODULE_LIST "\n"
	"ip link set lo up 2>/dev/null\n"
	"/tcpcheck/bin/tcpcheck --guest\n"
	"reboot -f\n";

static const char *const wanted_modules[] = {
	"virtio_pci", "virtio_console", "tun", "veth", "tcp_bbr", "sch_fq",
	"sch_netem", "sch_prio", "sch_tbf", "inet_diag", "tcp_diag",
};

static int write_tools(FILE *out, const struct toolset *s,
		       const struct initramfs_request *req, struct error *err)
{
	const char *const *mods = wanted_modules;
	const char *no_tun[sizeof(wanted_modules) / sizeof(*wanted_modules)];
	char env[sizeof(s->python_home) + 32] = "";
	size_t count = 0;
	struct cpio c;

	for (size_t i = 0; i < sizeof(wanted_modules) / sizeof(*mods); i++)
		if (!req->without_tun || strcmp(wanted_modules[i], "tun"))
			no_tun[count++] = wanted_modules[i];
	cpio_open(&c, out);
	cpio_data(&c, "/init", 0755, init_script, strlen(init_script));
	if (s->python_home[0])
		snprintf(env, sizeof(env), "export PYTHONHOME='%s'\n",
			 s->python_home);
	cpio_data(&c, "/tcpcheck/env", 0644, env, strlen(env));
	for (size_t i = 0; i < s->count; i++)
		if (cpio_file(&c, s->guest[i], s->host[i], s->mode[i], err) < 0) {
			cpio_close(&c, err);
			return -1;
		}
	if (req->img->modules[0] &&
	    modules_add(&c, req->img->modules, no_tun, count, err) < 0) {
		cpio_close(&c, err);
		return -1;
	}
	if (!req->img->modules[0])
		cpio_data(&c, GUEST_MODULE_LIST, 0644, "", 0);
	return cpio_close(&c, err);
}

/* Written aside and renamed, so a cached archive is always whole. */
static int write_cached(const char *path, const struct toolset *s,
			const struct initramfs_request *req, struct error *err)
{
	char tmp[PATH_MAX + 32];
	FILE *out;
	int rc;

	snprintf(tmp, sizeof(tmp), "%s.%d.tmp", path, (int)getpid());
	out = fopen(tmp, "w");
	if (!out)
		return error_set(err, "cannot write %s: %s", tmp,
				 strerror(errno));
	rc = write_tools(out, s, req, err);
	if (fclose(out) != 0 && rc == 0)
		rc = error_set(err, "cannot write %s", tmp);
	if (rc == 0 && rename(tmp, path) < 0)
		rc = error_set(err, "cannot rename %s: %s", tmp,
			       strerror(errno));
	unlink(tmp);
	return rc;
}

/* The cache keeps the CACHE_KEEP archives used last: a rebuilt tcpcheck
 * makes a new one each time, and the old ones would pile up.
 */
#define CACHE_KEEP 8

/* The cached part: its name is the hash of everything that goes in, the
 * host files standing in by their names and stamps (toolset.h).
 */
static int tools_archive(const struct initramfs_request *req, char *path,
			 size_t size, struct error *err)
{
	struct toolset *s = calloc(1, sizeof(*s));
	uint64_t h = HASH_INIT;
	char dir[PATH_MAX];
	struct stat st;
	int rc;

	if (!s)
		return error_set(err, "out of memory");
	rc = toolset_get(s, err);
	if (rc == 0)
		h = toolset_hash(s, h);
	/* Modules come from a cached package (named by its hash) or from
	 * --modules: the folder and its time stand for their contents.
	 */
	if (rc == 0 && req->img->modules[0] && stat(req->img->modules, &st) == 0) {
		h = hash_bytes(h, req->img->modules, strlen(req->img->modules));
		h = hash_bytes(h, &st.st_mtime, sizeof(st.st_mtime));
	}
	h = hash_bytes(h, init_script, sizeof(init_script));
	h = hash_bytes(h, &req->without_tun, sizeof(req->without_tun));
	if (rc == 0)
		rc = cache_dir("initramfs", dir, sizeof(dir), err);
	if (rc == 0 && (size_t)snprintf(path, size, "%s/%016" PRIx64 ".cpio",
					dir, h) >= size)
		rc = error_set(err, "cache path too long");
	if (rc == 0 && stat(path, &st) != 0) {
		rc = write_cached(path, s, req, err);
		if (rc == 0)
			cache_prune(dir, ".cpio", CACHE_KEEP);
	} else if (rc == 0) {
		utimes(path, NULL);	/* used now: the last to go */
	}
	toolset_free(s);
	free(s);
	return rc;
}

/* A regular file of a script's folder, at its real path. */
static void add_script_file(struct cpio *c, const char *path)
{
	char real[PATH_MAX];
	struct stat st;
	struct error ignored;

	if (!realpath(path, real) || stat(real, &st) < 0 ||
	    !S_ISREG(st.st_mode) || st.st_size > MAX_SCRIPT_FILE)
		return;
	cpio_file(c, real, real, st.st_mode & 0777, &ignored);
}

/* The files of a folder; its subfolders too when deep. */
static void add_folder(struct cpio *c, const char *dir, int deep, int depth)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	while (d && (e = readdir(d))) {
		char path[PATH_MAX];
		struct stat st;

		if (e->d_name[0] == '.' ||
		    (size_t)snprintf(path, sizeof(path), "%s/%s", dir,
				     e->d_name) >= sizeof(path) ||
		    lstat(path, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode) && deep && depth < 16)
			add_folder(c, path, deep, depth + 1);
		else if (S_ISREG(st.st_mode))
			add_script_file(c, path);
	}
	if (d)
		closedir(d);
}

static int write_run(FILE *out, const struct initramfs_request *req,
		     struct error *err)
{
	char cwd[PATH_MAX];
	struct cpio c;
	size_t len = 0;
	char *args = NULL;
	FILE *f = open_memstream(&args, &len);

	if (!getcwd(cwd, sizeof(cwd)) || !f) {
		if (f)
			fclose(f);
		free(args);
		return error_set(err, "cannot read the current folder");
	}
	for (size_t i = 0; i < req->argc; i++)
		fwrite(req->argv[i], 1, strlen(req->argv[i]) + 1, f);
	fclose(f);
	cpio_open(&c, out);
	cpio_dir(&c, cwd);
	cpio_data(&c, "/tcpcheck/cwd", 0644, cwd, strlen(cwd));
	cpio_data(&c, "/tcpcheck/argv", 0644, args, len);
	free(args);
	for (size_t i = 0; i < req->path_count; i++) {
		char real[PATH_MAX], *slash;
		struct stat st;

		if (!realpath(req->paths[i], real) || stat(real, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			add_folder(&c, real, 1, 0);
			continue;
		}
		slash = strrchr(real, '/');
		if (slash && slash != real)
			*slash = '\0';
		add_folder(&c, slash ? real : "/", 0, 0);
	}
	return cpio_close(&c, err);
}

static int append_file(FILE *out, const char *path, struct error *err)
{
	FILE *in = fopen(path, "r");
	char buf[1 << 16];
	size_t n;

	if (!in)
		return error_set(err, "cannot read %s: %s", path,
				 strerror(errno));
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			break;
	fclose(in);
	return ferror(out) ? error_set(err, "cannot write the initramfs") : 0;
}

int initramfs_write(const struct initramfs_request *req, const char *path,
		    struct error *err)
{
	char tools_path[PATH_MAX];
	FILE *out;
	int rc;

	if (tools_archive(req, tools_path, sizeof(tools_path), err) < 0)
		return -1;
	out = fopen(path, "w");
	if (!out)
		return error_set(err, "cannot write %s: %s", path,
				 strerror(errno));
	rc = append_file(out, tools_path, err);
	if (rc == 0)
		rc = write_run(out, req, err);
	if (fclose(out) != 0 && rc == 0)
		rc = error_set(err, "cannot write %s", path);
	return rc;
}
