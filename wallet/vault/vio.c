/* vio.c: the vault's file system calls. Every call on the write path passes
 * a fault point so the test build can kill the writer or report a full disk
 * at any of them (tests/vault/test_crash.c, test_diskfull.c). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vault_int.h"

#ifdef AMANA_VAULT_TESTING
#include "vault_test.h"

static long fault_at = -1;
static int fault_mode;
static long fault_points;

void amana_vault_test_fault(long n, int mode)
{
	fault_at = n > 0 ? n : -1;
	fault_mode = mode;
	fault_points = 0;
}

long amana_vault_test_points(void)
{
	return fault_points;
}

/* 0: go on; 1: this call must fail with ENOSPC; kills in KILL mode.
 * torn: the caller is a write that should land half its bytes first. */
static int fault_point(int fd, const void *buf, size_t len, bool may_nospace)
{
	fault_points++;
	if (fault_at < 0 || fault_points < fault_at)
		return 0;
	if (fault_mode == AMANA_VAULT_FAULT_KILL && fault_points == fault_at) {
		if (fd >= 0 && len > 1) {
			ssize_t w = write(fd, buf, len / 2);
			(void)w;
		}
		raise(SIGKILL);
	}
	if (fault_mode == AMANA_VAULT_FAULT_NOSPACE && may_nospace)
		return 1;
	return 0;
}
#define FAULT(fd, buf, len, ns) fault_point((fd), (buf), (len), (ns))
#else
#define FAULT(fd, buf, len, ns) 0
#endif

static int err_of(int e)
{
	if (e == ENOSPC || e == EDQUOT)
		return AMANA_ERR_NOSPACE;
	if (e == ENOENT)
		return AMANA_ERR_NOT_FOUND;
	if (e == ENOMEM)
		return AMANA_ERR_NOMEM;
	return AMANA_ERR_IO;
}

int vio_create(int dirfd, const char *name, int *fd)
{
	if (FAULT(-1, NULL, 0, true))
		return AMANA_ERR_NOSPACE;
	*fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	return *fd < 0 ? err_of(errno) : AMANA_OK;
}

int vio_write_all(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	if (FAULT(fd, buf, len, true))
		return AMANA_ERR_NOSPACE;
	while (len > 0) {
		ssize_t w = write(fd, p, len);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return err_of(errno);
		}
		p += w;
		len -= (size_t)w;
	}
	return AMANA_OK;
}

int vio_fsync(int fd)
{
	if (FAULT(-1, NULL, 0, true))
		return AMANA_ERR_NOSPACE;
	return fsync(fd) == 0 ? AMANA_OK : err_of(errno);
}

int vio_fsync_dir(int dirfd)
{
	if (FAULT(-1, NULL, 0, false))
		return AMANA_ERR_IO;
	return fsync(dirfd) == 0 ? AMANA_OK : err_of(errno);
}

int vio_rename(int dirfd, const char *from, const char *to)
{
	if (FAULT(-1, NULL, 0, false))
		return AMANA_ERR_IO;
	return renameat(dirfd, from, dirfd, to) == 0 ? AMANA_OK : err_of(errno);
}

int vio_unlink(int dirfd, const char *name)
{
	if (FAULT(-1, NULL, 0, false))
		return AMANA_ERR_IO;
	if (unlinkat(dirfd, name, 0) == 0 || errno == ENOENT)
		return AMANA_OK;
	return err_of(errno);
}

int vio_replace(int dirfd, const char *name, const uint8_t *buf, size_t len)
{
	char tmp[256];
	int fd = -1;
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", name) >= sizeof(tmp))
		return AMANA_ERR_ARG;
	int err = vio_create(dirfd, tmp, &fd);
	if (err == AMANA_OK)
		err = vio_write_all(fd, buf, len);
	if (err == AMANA_OK)
		err = vio_fsync(fd);
	if (fd >= 0 && close(fd) != 0 && err == AMANA_OK)
		err = err_of(errno);
	if (err == AMANA_OK)
		err = vio_rename(dirfd, tmp, name);
	if (err != AMANA_OK) {
		(void)unlinkat(dirfd, tmp, 0); /* the old file stays intact */
		return err;
	}
	return vio_fsync_dir(dirfd);
}

int vio_read_all(int fd, void *buf, size_t len)
{
	uint8_t *p = buf;
	while (len > 0) {
		ssize_t r = read(fd, p, len);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return err_of(errno);
		}
		if (r == 0)
			return AMANA_ERR_TRUNCATED;
		p += r;
		len -= (size_t)r;
	}
	return AMANA_OK;
}

int vio_read(int dirfd, const char *name, size_t max, uint8_t **buf, size_t *len)
{
	struct stat st;
	*buf = NULL;
	*len = 0;
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_of(errno);
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return AMANA_ERR_IO;
	}
	if ((uint64_t)st.st_size > max) {
		close(fd);
		return AMANA_ERR_LIMIT;
	}
	size_t n = (size_t)st.st_size;
	uint8_t *p = malloc(n > 0 ? n : 1);
	if (p == NULL) {
		close(fd);
		return AMANA_ERR_NOMEM;
	}
	int err = vio_read_all(fd, p, n);
	close(fd);
	if (err != AMANA_OK) {
		free(p);
		return err;
	}
	*buf = p;
	*len = n;
	return AMANA_OK;
}

int vio_write_new(int dirfd, const char *name, const uint8_t *buf, size_t len)
{
	int fd = -1;
	int err = vio_create(dirfd, name, &fd);
	if (err == AMANA_OK)
		err = vio_write_all(fd, buf, len);
	if (err == AMANA_OK)
		err = vio_fsync(fd);
	if (fd >= 0 && close(fd) != 0 && err == AMANA_OK)
		err = err_of(errno);
	if (err != AMANA_OK && fd >= 0)
		(void)unlinkat(dirfd, name, 0);
	return err;
}
