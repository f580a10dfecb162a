/*
 * initramfs.c - building the guest's initramfs (initramfs.h).
 */
#define _GNU_SOURCE
#include "initramfs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "cpio.h"
#include "host.h"
#include "modules.h"

#define MAX_FILES 1024
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

/* Libraries a program loads with dlopen(), found by soname. */
static const char *const dlopened[] = { "libpcap.so.0.8", "libpcap.so.1",
					"libgcc_s.so.1" };

/* Host tools a script's commands may call that busybox lacks (its shell
 * runs its own applets first: ip, tc and sysctl are busybox's there).
 */
static const char *const tools[] = { "nstat", "ethtool" };

struct file_set {
	char *host[MAX_FILES];		/* where on the host */
	char *guest[MAX_FILES];		/* where in the guest */
	unsigned mode[MAX_FILES];
	size_t count;
	char env[PATH_MAX + 32];	/* /tcpcheck/env: PYTHONHOME */
};

static void set_free(struct file_set *s)
{
	for (size_t i = 0; i < s->count; i++) {
		free(s->host[i]);
		free(s->guest[i]);
	}
	s->count = 0;
}

static int set_add(struct file_set *s, const char *host, const char *guest,
		   unsigned mode)
{
	for (size_t i = 0; i < s->count; i++)
		if (!strcmp(s->guest[i], guest))
			return 0;
	if (s->count >= MAX_FILES)
		return -1;
	s->host[s->count] = strdup(host);
	s->guest[s->count] = strdup(guest);
	s->mode[s->count] = mode;
	if (!s->host[s->count] || !s->guest[s->count])
		return -1;
	s->count++;
	return 0;
}

/* The libraries ldd names for an ELF file, added at their own paths. */
static int add_libraries(struct file_set *s, const char *elf,
			 struct error *err)
{
	char *argv[] = { "ldd", (char *)elf, NULL };
	char *out = NULL, *save = NULL;
	int rc = host_run(argv, &out, NULL, err);

	if (rc < 0)
		return error_set(err, "cannot run ldd: %s", err->text);
	for (char *line = strtok_r(out, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *arrow = strstr(line, "=> "), *path, *end;

		path = arrow ? arrow + 3 : line + strspn(line, " \t");
		if (*path != '/')
			continue;
		end = strchr(path, ' ');
		if (end)
			*end = '\0';
		if (set_add(s, path, path, 0755) < 0) {
			free(out);
			return error_set(err, "too many files for the initramfs");
		}
	}
	free(out);
	return 0;
}

/* Where ldconfig says a soname is, or NULL. */
static char *find_soname(const char *soname, struct error *err)
{
	char *argv[] = { "ldconfig", "-p", NULL }, *out = NULL, *save = NULL;
	char *found = NULL;

	if (host_run(argv, &out, NULL, err) < 0) {
		char *sbin[] = { "/sbin/ldconfig", "-p", NULL };

		if (host_run(sbin, &out, NULL, err) < 0)
			return NULL;
	}
	for (char *line = strtok_r(out, "\n", &save); line && !found;
	     line = strtok_r(NULL, "\n", &save)) {
		char *name = line + strspn(line, " \t"), *arrow;

		if (strncmp(name, soname, strlen(soname)) ||
		    name[strlen(soname)] != ' ' || !strstr(line, "x86-64"))
			continue;
		arrow = strstr(line, "=> ");
		if (arrow)
			found = strdup(arrow + 3);
	}
	free(out);
	return found;
}

/* A program in PATH (or the sbin folders), or NULL. */
static char *find_program(const char *name)
{
	const char *path = getenv("PATH");
	char *list = NULL, *save = NULL, buf[PATH_MAX];

	if (asprintf(&list, "%s:/usr/sbin:/sbin", path ? path : "/usr/bin:/bin") < 0)
		return NULL;
	for (char *dir = strtok_r(list, ":", &save); dir;
	     dir = strtok_r(NULL, ":", &save)) {
		snprintf(buf, sizeof(buf), "%s/%s", dir, name);
		if (access(buf, X_OK) == 0) {
			free(list);
			return strdup(buf);
		}
	}
	free(list);
	return NULL;
}

/* What code blocks (%{ }%, engine/run/code.c) import, and Python's start
 * (site, encodings): the modules a host python3 loads for the same
 * imports, each with its compiled copy, so that the guest's python3
 * neither searches nor compiles.
 */
static const char python_modules[] =
	"import sys, textwrap, traceback, struct, socket, errno, os, time\n"
	"print('exe', os.path.realpath(sys.executable))\n"
	"print('home', sys.prefix)\n"
	"for m in list(sys.modules.values()):\n"
	"    f = getattr(m, '__file__', None)\n"
	"    c = getattr(m, '__cached__', None)\n"
	"    for p in (f, c):\n"
	"        if p: print(p)\n";

static int add_python(struct file_set *s, char *env, size_t env_size,
		      struct error *err)
{
	char *python = find_program("python3"), *out = NULL, *save = NULL;
	char *argv[] = { python, "-c", (char *)python_modules, NULL };
	int rc = 0;

	if (!python)
		return 0;	/* code blocks will say they need python3 */
	if (host_run(argv, &out, NULL, err) != 0) {
		free(python);
		free(out);
		return 0;
	}
	for (char *line = strtok_r(out, "\n", &save); line && rc == 0;
	     line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "exe /", 5))
			rc = set_add(s, line + 4, "/usr/bin/python3", 0755);
		else if (!strncmp(line, "home /", 6))
			snprintf(env, env_size, "export PYTHONHOME='%s'\n",
				 line + 5);
		else if (line[0] == '/' && access(line, R_OK) == 0)
			rc = set_add(s, line, line, 0644);
	}
	free(python);
	free(out);
	return rc < 0 ? error_set(err, "too many files for the initramfs") : 0;
}

/* Every host file of the cached part, with the libraries they load. */
static int collect_tools(struct file_set *s, struct error *err)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *busybox = find_program("busybox");
	size_t programs;

	if (n < 0)
		return error_set(err, "cannot find tcpcheck's own binary");
	self[n] = '\0';
	if (!busybox)
		return error_set(err, "busybox is not installed (Debian: "
				 "busybox-static)");
	if (set_add(s, busybox, "/bin/busybox", 0755) < 0 ||
	    set_add(s, self, "/tcpcheck/bin/tcpcheck", 0755) < 0) {
		free(busybox);
		return error_set(err, "out of memory");
	}
	free(busybox);
	for (size_t i = 0; i < sizeof(tools) / sizeof(*tools); i++) {
		char *p = find_program(tools[i]), guest[64];

		snprintf(guest, sizeof(guest), "/usr/sbin/%s", tools[i]);
		if (p && set_add(s, p, guest, 0755) < 0) {
			free(p);
			return error_set(err, "out of memory");
		}
		free(p);
	}
	for (size_t i = 0; i < sizeof(dlopened) / sizeof(*dlopened); i++) {
		char *p = find_soname(dlopened[i], err);

		if (p && set_add(s, p, p, 0755) < 0) {
			free(p);
			return error_set(err, "out of memory");
		}
		free(p);
	}
	if (add_python(s, s->env, sizeof(s->env), err) < 0)
		return -1;
	/* The programs, then the libraries: ldd of each, new ones too. */
	programs = s->count;
	for (size_t i = 0; i < s->count; i++)
		if ((i < programs || strstr(s->host[i], ".so")) &&
		    add_libraries(s, s->host[i], err) < 0)
			return -1;
	return 0;
}

static int write_tools(FILE *out, const struct file_set *s,
		       const struct initramfs_request *req, struct error *err)
{
	const char *const *mods = wanted_modules;
	const char *no_tun[sizeof(wanted_modules) / sizeof(*wanted_modules)];
	size_t count = 0;
	struct cpio c;

	for (size_t i = 0; i < sizeof(wanted_modules) / sizeof(*mods); i++)
		if (!req->without_tun || strcmp(wanted_modules[i], "tun"))
			no_tun[count++] = wanted_modules[i];
	cpio_open(&c, out);
	cpio_data(&c, "/init", 0755, init_script, strlen(init_script));
	cpio_data(&c, "/tcpcheck/env", 0644, s->env, strlen(s->env));
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
static int write_cached(const char *path, const struct file_set *s,
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

static void prune_cache(const char *dir)
{
	char oldest[PATH_MAX] = "";
	time_t oldest_time = 0;
	struct dirent *e;
	int count = 0;
	DIR *d = opendir(dir);

	while (d && (e = readdir(d))) {
		char path[PATH_MAX];
		struct stat st;

		if (!strstr(e->d_name, ".cpio") || strstr(e->d_name, ".tmp") ||
		    (size_t)snprintf(path, sizeof(path), "%s/%s", dir,
				     e->d_name) >= sizeof(path) ||
		    stat(path, &st) < 0)
			continue;
		count++;
		if (!oldest[0] || st.st_mtime < oldest_time) {
			oldest_time = st.st_mtime;
			memcpy(oldest, path, sizeof(oldest));
		}
	}
	if (d)
		closedir(d);
	if (count > CACHE_KEEP && oldest[0]) {
		unlink(oldest);
		prune_cache(dir);
	}
}

/* The cached part: its name is the hash of everything that goes in. */
static int tools_archive(const struct initramfs_request *req, char *path,
			 size_t size, struct error *err)
{
	struct file_set s = { .count = 0 };
	uint64_t h = HASH_INIT;
	char dir[PATH_MAX];
	struct stat st;
	int rc = collect_tools(&s, err);

	for (size_t i = 0; i < s.count && rc == 0; i++) {
		h = hash_bytes(h, s.guest[i], strlen(s.guest[i]) + 1);
		h = hash_bytes(h, s.env, strlen(s.env));
		rc = hash_file(s.host[i], &h, err);
	}
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
		rc = write_cached(path, &s, req, err);
		if (rc == 0)
			prune_cache(dir);
	} else if (rc == 0) {
		utimes(path, NULL);	/* used now: the last to go */
	}
	set_free(&s);
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
