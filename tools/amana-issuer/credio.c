/* credio.c: see credio.h. */
#include "credio.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "amana/err.h"
#include "amana/mdoc.h"
#include "amana/qr.h"

int credio_read(const char *path, size_t max, uint8_t **buf, size_t *len)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (f == NULL)
		return errno == ENOENT ? AMANA_ERR_NOT_FOUND : AMANA_ERR_IO;
	uint8_t *b = malloc(max + 1);
	if (b == NULL) {
		if (f != stdin)
			fclose(f);
		return AMANA_ERR_NOMEM;
	}
	size_t n = fread(b, 1, max + 1, f);
	int r = ferror(f) ? AMANA_ERR_IO : n > max ? AMANA_ERR_LIMIT : AMANA_OK;
	if (f != stdin)
		fclose(f);
	if (r != AMANA_OK) {
		sodium_memzero(b, n); /* a key file with a stray byte: still a key */
		free(b);
		return r;
	}
	*buf = b;
	*len = n;
	return AMANA_OK;
}

int credio_read_payload(const char *path, size_t max, uint8_t **buf, size_t *len)
{
	int r = credio_read(path, max, buf, len);
	if (r != AMANA_OK)
		return r;
	bool png = *len >= 8 && memcmp(*buf, "\x89PNG\r\n\x1a\n", 8) == 0;
	bool pgm = *len >= 2 && (*buf)[0] == 'P' && (*buf)[1] == '5';
	if (!png && !pgm)
		return AMANA_OK;
	free(*buf);
	*buf = NULL;
	amana_qr_asm_t *a = NULL;
	size_t found = 0;
	r = amana_qr_asm_new(&a);
	if (r == AMANA_OK)
		r = amana_qr_scan_file(path, a, &found);
	if (r == AMANA_OK)
		r = amana_qr_asm_finish(a, buf, len);
	amana_qr_asm_free(&a);
	if (r == AMANA_OK && *len > max) {
		free(*buf);
		*buf = NULL;
		r = AMANA_ERR_LIMIT;
	}
	return r;
}

int credio_write(const char *path, const uint8_t *p, size_t n, mode_t mode)
{
	if (strcmp(path, "-") == 0)
		return fwrite(p, 1, n, stdout) == n && fflush(stdout) == 0 ?
		    AMANA_OK : AMANA_ERR_IO;
	char tmp[4096];
	if (snprintf(tmp, sizeof(tmp), "%s.tmpXXXXXX", path) >= (int)sizeof(tmp))
		return AMANA_ERR_ARG;
	int fd = mkstemp(tmp);
	if (fd < 0)
		return AMANA_ERR_IO;
	int r = fchmod(fd, mode) == 0 ? AMANA_OK : AMANA_ERR_IO;
	size_t w = 0;
	while (r == AMANA_OK && w < n) {
		ssize_t k = write(fd, p + w, n - w);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			r = AMANA_ERR_IO;
		else
			w += (size_t)k;
	}
	if (r == AMANA_OK && fsync(fd) != 0)
		r = AMANA_ERR_IO;
	if (close(fd) != 0)
		r = AMANA_ERR_IO;
	if (r == AMANA_OK && rename(tmp, path) != 0)
		r = AMANA_ERR_IO;
	if (r != AMANA_OK) {
		unlink(tmp);
		return r;
	}
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s", path);
	int dfd = open(dirname(dir), O_RDONLY | O_DIRECTORY);
	if (dfd >= 0) {
		(void)fsync(dfd);
		close(dfd);
	}
	return AMANA_OK;
}

int credio_read_sk(const char *path, uint8_t sk[64])
{
	uint8_t *b = NULL;
	size_t n;
	int r = credio_read(path, 64, &b, &n);
	if (r != AMANA_OK)
		return r;
	if (n != 64)
		r = AMANA_ERR_FORMAT;
	else
		memcpy(sk, b, 64);
	sodium_memzero(b, n);
	free(b);
	return r;
}

static int hex32(const char *s, size_t n, uint8_t pk[32])
{
	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' '))
		n--;
	size_t got = 0;
	if (n != 64 || sodium_hex2bin(pk, 32, s, n, NULL, &got, NULL) != 0 || got != 32)
		return AMANA_ERR_FORMAT;
	return AMANA_OK;
}

int credio_read_pk(const char *arg, uint8_t pk[32])
{
	if (hex32(arg, strlen(arg), pk) == AMANA_OK)
		return AMANA_OK;
	uint8_t *b = NULL;
	size_t n;
	int r = credio_read(arg, 256, &b, &n);
	if (r != AMANA_OK)
		return r;
	if (n == 32)
		memcpy(pk, b, 32);
	else
		r = hex32((const char *)b, n, pk);
	free(b);
	return r;
}

int credio_parse_time(const char *s, int64_t *t)
{
	size_t n = strlen(s);
	if (n > 0 && strspn(s, "0123456789") == n && n <= 12) {
		*t = (int64_t)strtoll(s, NULL, 10);
		return AMANA_OK;
	}
	if (n == 10)
		return amana_mdoc_date_parse(s, n, t);
	return amana_mdoc_time_parse(s, n, t);
}

void credio_hex(const uint8_t *p, size_t n, char *out)
{
	sodium_bin2hex(out, 2 * n + 1, p, n);
}
