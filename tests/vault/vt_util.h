/* vt_util.h: helpers the vault tests share (temp dirs, files, hashing). */
#ifndef VT_UTIL_H
#define VT_UTIL_H

#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

/* out = a "/" b, truncated safely (paths here are short). */
static inline void vt_path(char *out, size_t n, const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la + lb + 2 > n) {
		out[0] = '\0';
		return;
	}
	memcpy(out, a, la);
	out[la] = '/';
	memcpy(out + la + 1, b, lb + 1);
}

static inline void vt_rmrf(const char *dir)
{
	DIR *d = opendir(dir);
	if (d == NULL)
		return;
	struct dirent *e;
	char p[4096];
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		vt_path(p, sizeof(p), dir, e->d_name);
		unlink(p);
	}
	closedir(d);
	rmdir(dir);
}

/* A fresh directory path under TMPDIR (not created). */
static inline void vt_tmpdir_in(char *out, size_t n, const char *tag, const char *base);
static inline void vt_tmpdir(char *out, size_t n, const char *tag)
{
	vt_tmpdir_in(out, n, tag, NULL);
}

/* The same under /dev/shm when TMPDIR is unset: for tests whose point is a
 * process kill, which fsync does not affect (the page cache survives a
 * SIGKILL), and which would otherwise wait on thousands of disk flushes. */
static inline void vt_tmpdir_ram(char *out, size_t n, const char *tag)
{
	struct stat st;
	vt_tmpdir_in(out, n, tag, getenv("TMPDIR") == NULL && stat("/dev/shm", &st) == 0 ? "/dev/shm" : NULL);
}

static inline void vt_tmpdir_in(char *out, size_t n, const char *tag, const char *base)
{
	const char *t = base != NULL ? base : getenv("TMPDIR");
	char tmpl[4096];
	snprintf(tmpl, sizeof(tmpl), "%s/amana-vt-%s-XXXXXX", t != NULL ? t : "/tmp", tag);
	if (mkdtemp(tmpl) == NULL) {
		perror("mkdtemp");
		exit(1);
	}
	rmdir(tmpl);
	snprintf(out, n, "%s", tmpl);
}

/* An fd (memfd) holding data, positioned at 0. */
static inline int vt_memfd(const uint8_t *data, size_t len)
{
	int fd = memfd_create("vt", MFD_CLOEXEC);
	if (fd < 0)
		return -1;
	size_t off = 0;
	while (off < len) {
		ssize_t w = write(fd, data + off, len - off);
		if (w <= 0)
			return -1;
		off += (size_t)w;
	}
	lseek(fd, 0, SEEK_SET);
	return fd;
}

/* Reads an fd's whole content from offset 0 (malloc'd). */
static inline uint8_t *vt_slurp_fd(int fd, size_t *len)
{
	struct stat st;
	if (fstat(fd, &st) != 0)
		return NULL;
	uint8_t *p = malloc((size_t)st.st_size + 1);
	if (p == NULL)
		return NULL;
	if (pread(fd, p, (size_t)st.st_size, 0) != st.st_size) {
		free(p);
		return NULL;
	}
	*len = (size_t)st.st_size;
	return p;
}

static inline uint8_t *vt_slurp(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return NULL;
	uint8_t *p = vt_slurp_fd(fd, len);
	close(fd);
	return p;
}

static inline int vt_spit(const char *path, const uint8_t *p, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return -1;
	ssize_t w = write(fd, p, len);
	close(fd);
	return w == (ssize_t)len ? 0 : -1;
}

/* Deterministic test content (a keyed stream, so documents differ). */
static inline void vt_fill(uint8_t *p, size_t len, uint64_t seed)
{
	uint8_t k[32] = {0}, n[8] = {0};
	memcpy(k, &seed, sizeof(seed));
	memset(p, 0, len);
	crypto_stream_xsalsa20(p, len, (uint8_t[24]){0}, k);
	(void)n;
}

/* Lists regular file names of dir into names (up to max); returns count. */
static inline int vt_list(const char *dir, char names[][64], int max)
{
	DIR *d = opendir(dir);
	int n = 0;
	if (d == NULL)
		return -1;
	struct dirent *e;
	while ((e = readdir(d)) != NULL && n < max) {
		if (e->d_name[0] == '.')
			continue;
		size_t l = strlen(e->d_name);
		if (l > 63)
			l = 63;
		memcpy(names[n], e->d_name, l);
		names[n++][l] = '\0';
	}
	closedir(d);
	return n;
}

#endif
