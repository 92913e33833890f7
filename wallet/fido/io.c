/* io.c: libfido2 io functions over the token's socket (contract in
 * amana/fido.h). libfido2 writes a report with a leading report-ID byte
 * (65 bytes for our 64-byte reports) and reads 64-byte reports. */
#include <errno.h>
#include <fido.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "amana/err.h"
#include "amana/fido.h"
#include "fido_sock.h"

int amana_sock_connect(const char *path)
{
	struct sockaddr_un a;
	if (path == NULL || strlen(path) >= sizeof(a.sun_path))
		return -1;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	memset(&a, 0, sizeof(a));
	a.sun_family = AF_UNIX;
	memcpy(a.sun_path, path, strlen(path) + 1);
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

int amana_sock_write_all(int fd, const uint8_t *p, size_t n)
{
	while (n > 0) {
		ssize_t k = send(fd, p, n, MSG_NOSIGNAL);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

int amana_sock_read_report(int fd, uint8_t *buf, size_t n, int ms)
{
	size_t got = 0;
	while (got < n) {
		struct pollfd p = {fd, POLLIN, 0};
		int r = poll(&p, 1, ms);
		if (r < 0 && errno == EINTR)
			continue;
		if (r == 0)
			return got == 0 ? -2 : -1; /* timeout */
		if (r < 0)
			return -1;
		ssize_t k = recv(fd, buf + got, n - got, 0);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		got += (size_t)k;
	}
	return 0;
}

static void *io_open(const char *path)
{
	int fd = amana_sock_connect(path);
	if (fd < 0)
		return NULL;
	int *h = malloc(sizeof(*h));
	if (h == NULL) {
		close(fd);
		return NULL;
	}
	*h = fd;
	return h;
}

static void io_close(void *handle)
{
	int *h = handle;
	if (h == NULL)
		return;
	close(*h);
	free(h);
}

static int io_read(void *handle, unsigned char *buf, size_t len, int ms)
{
	int *h = handle;
	if (len != AMANA_REPORT_LEN)
		return -1;
	return amana_sock_read_report(*h, buf, len, ms) == 0 ? (int)len : -1;
}

static int io_write(void *handle, const unsigned char *buf, size_t len)
{
	int *h = handle;
	/* buf[0] is the HID report ID (0): the socket carries only the report. */
	if (len != AMANA_REPORT_LEN + 1)
		return -1;
	return amana_sock_write_all(*h, buf + 1, AMANA_REPORT_LEN) == 0 ? (int)len : -1;
}

int amana_fido_dev_use_socket(struct fido_dev *dev)
{
	static const fido_dev_io_t io = {io_open, io_close, io_read, io_write};
	if (dev == NULL)
		return AMANA_ERR_ARG;
	return fido_dev_set_io_functions(dev, &io) == FIDO_OK ? AMANA_OK
							       : AMANA_ERR_TOKEN_FIDO;
}

int amana_fido_token_open(const char *path, struct fido_dev **out)
{
	if (path == NULL || out == NULL)
		return AMANA_ERR_ARG;
	*out = NULL;
	fido_dev_t *dev = fido_dev_new();
	if (dev == NULL)
		return AMANA_ERR_NOMEM;
	int rc = amana_fido_dev_use_socket(dev);
	if (rc == AMANA_OK && fido_dev_open(dev, path) != FIDO_OK)
		rc = AMANA_ERR_TOKEN_CONNECT;
	if (rc != AMANA_OK) {
		fido_dev_free(&dev);
		return rc;
	}
	*out = dev;
	return AMANA_OK;
}
