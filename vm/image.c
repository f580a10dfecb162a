/*
 * image.c - from --kernel's PATH to a bootable kernel and its modules.
 *
 * A .deb is unpacked with dpkg-deb into the cache, under the hash of its
 * contents, so that a second run (or a second kernel with the same name)
 * costs a hash, not an unpacking.  The unpacking goes to a temporary
 * folder renamed into place, so an interrupted run leaves no half tree.
 */
#define _GNU_SOURCE
#include "image.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host.h"

/* The x86 boot protocol's header signature, "HdrS" at 0x202. */
static int check_bzimage(const char *path, struct error *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	char magic[4];

	if (fd < 0)
		return error_set(err, "cannot read the kernel %s: %s", path,
				 strerror(errno));
	if (pread(fd, magic, 4, 0x202) != 4 || memcmp(magic, "HdrS", 4)) {
		close(fd);
		return error_set(err, "%s is not a bootable x86 kernel image "
				 "(no boot header) nor a Debian package", path);
	}
	close(fd);
	return 0;
}

static int is_deb(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	char magic[8];
	int yes;

	if (fd < 0)
		return 0;
	yes = read(fd, magic, 8) == 8 && !memcmp(magic, "!<arch>\n", 8);
	close(fd);
	return yes;
}

/* The one entry of dir whose name starts with prefix. */
static int find_entry(const char *dir, const char *prefix, char *out,
		      size_t size)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int found = -1;

	while (d && (e = readdir(d))) {
		if (strncmp(e->d_name, prefix, strlen(prefix)) ||
		    !strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if ((size_t)snprintf(out, size, "%s/%s", dir, e->d_name) < size)
			found = 0;
		break;
	}
	if (d)
		closedir(d);
	return found;
}

static int unpack_deb(const char *deb, const char *final, struct error *err)
{
	char tmp[PATH_MAX + 32];
	char *argv[] = { "dpkg-deb", "-x", (char *)deb, tmp, NULL };
	int rc;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp.%d", final, (int)getpid()) >=
	    (int)sizeof(tmp))
		return error_set(err, "cache path too long");
	remove_tree(tmp);
	if (make_dirs(tmp) < 0)
		return error_set(err, "cannot create %s: %s", tmp,
				 strerror(errno));
	rc = host_run(argv, NULL, NULL, err);
	if (rc != 0) {
		remove_tree(tmp);
		if (rc > 0)
			error_set(err, "%s: dpkg-deb cannot unpack it (exit "
				  "status %d): a corrupt package?", deb, rc);
		return -1;
	}
	if (rename(tmp, final) < 0) {
		remove_tree(tmp);
		if (errno != ENOTEMPTY && errno != EEXIST)
			return error_set(err, "cannot rename %s: %s", tmp,
					 strerror(errno));
	}
	return 0;
}

static int resolve_deb(const char *path, struct vm_image *img,
		       struct error *err)
{
	char dir[PATH_MAX], sub[64], boot[PATH_MAX + 16], mods[PATH_MAX + 32];
	uint64_t h = HASH_INIT;
	struct stat st;

	if (hash_file(path, &h, err) < 0)
		return -1;
	snprintf(sub, sizeof(sub), "kernels/%016" PRIx64, h);
	if (cache_dir(sub, dir, sizeof(dir), err) < 0)
		return -1;
	if (snprintf(boot, sizeof(boot), "%s/tree", dir) >= (int)sizeof(boot))
		return error_set(err, "cache path too long");
	if (stat(boot, &st) < 0 && unpack_deb(path, boot, err) < 0) {
		rmdir(dir);
		return -1;
	}
	if (snprintf(boot, sizeof(boot), "%s/tree/boot", dir) >= (int)sizeof(boot))
		return error_set(err, "cache path too long");
	if (find_entry(boot, "vmlinuz-", img->kernel, sizeof(img->kernel)) < 0)
		return error_set(err, "%s holds no boot/vmlinuz-*: not a "
				 "linux-image package", path);
	if (snprintf(mods, sizeof(mods), "%s/tree/lib/modules", dir) >=
	    (int)sizeof(mods))
		return error_set(err, "cache path too long");
	if (find_entry(mods, "", img->modules, sizeof(img->modules)) < 0)
		img->modules[0] = '\0';
	return check_bzimage(img->kernel, err);
}

int vm_image_resolve(const char *path, const char *modules,
		     struct vm_image *img, struct error *err)
{
	struct stat st;

	memset(img, 0, sizeof(*img));
	if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
		return error_set(err, "no kernel image at %s", path);
	if (is_deb(path)) {
		if (resolve_deb(path, img, err) < 0)
			return -1;
	} else {
		if (check_bzimage(path, err) < 0)
			return -1;
		snprintf(img->kernel, sizeof(img->kernel), "%s", path);
	}
	if (modules) {
		if (stat(modules, &st) < 0 || !S_ISDIR(st.st_mode))
			return error_set(err, "--modules=%s is not a folder",
					 modules);
		snprintf(img->modules, sizeof(img->modules), "%s", modules);
	}
	return 0;
}
