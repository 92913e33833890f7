/* host_port.c: the host simulator's HAL (contract in host_port.h). */
#include "host_port.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "amana/err.h"
#include "crypto.h"

static int write_through(host_port_t *p, size_t off, size_t len)
{
	if (p->fd < 0)
		return AMANA_OK;
	const uint8_t *src = p->flash + off;
	while (len > 0) {
		ssize_t n = pwrite(p->fd, src, len, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return AMANA_ERR_IO;
		src += n;
		off += (size_t)n;
		len -= (size_t)n;
	}
	return AMANA_OK;
}

static int f_read(void *ctx, uint32_t page, uint32_t off, uint8_t *buf, size_t len)
{
	host_port_t *p = ctx;
	if (page >= p->page_count || off > p->page_size || len > p->page_size - off)
		return AMANA_ERR_ARG;
	memcpy(buf, p->flash + (size_t)page * p->page_size + off, len);
	return AMANA_OK;
}

static int f_erase(void *ctx, uint32_t page)
{
	host_port_t *p = ctx;
	if (page >= p->page_count)
		return AMANA_ERR_ARG;
	memset(p->flash + (size_t)page * p->page_size, 0xFF, p->page_size);
	return write_through(p, (size_t)page * p->page_size, p->page_size);
}

static int f_program(void *ctx, uint32_t page, uint32_t off, const uint8_t *buf,
    size_t len)
{
	host_port_t *p = ctx;
	if (page >= p->page_count || off > p->page_size || len > p->page_size - off)
		return AMANA_ERR_ARG;
	uint8_t *dst = p->flash + (size_t)page * p->page_size + off;
	for (size_t i = 0; i < len; i++)
		dst[i] &= buf[i]; /* NOR: programming only clears bits */
	return write_through(p, (size_t)page * p->page_size + off, len);
}

static int h_rng(void *ctx, uint8_t *buf, size_t len)
{
	(void)ctx;
	while (len > 0) {
		ssize_t n = getrandom(buf, len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return AMANA_ERR_CRYPTO;
		buf += n;
		len -= (size_t)n;
	}
	return AMANA_OK;
}

static uint32_t h_millis(void *ctx)
{
	struct timespec ts;
	(void)ctx;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint32_t)((uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u);
}

static int h_sensor_take(void *ctx, uint32_t timeout_ms, uint8_t *modality,
    uint8_t *tmpl, size_t cap, size_t *len)
{
	host_port_t *p = ctx;
	(void)timeout_ms; /* the sample is handed over before the command */
	if (!p->sample_pending)
		return AMANA_ERR_NOT_FOUND;
	if (cap < p->sample_len)
		return AMANA_ERR_BUFFER;
	*modality = p->sample_modality;
	memcpy(tmpl, p->sample, p->sample_len);
	*len = p->sample_len;
	p->sample_pending = false; /* one sample, one attempt */
	memset(p->sample, 0, sizeof(p->sample));
	return AMANA_OK;
}

static bool h_presence(void *ctx, uint32_t timeout_ms)
{
	host_port_t *p = ctx;
	if (p->wait_presence != NULL)
		return p->wait_presence(p->wait_arg, timeout_ms);
	return p->presence;
}

static void h_send(void *ctx, const uint8_t report[TOKEN_HID_REPORT_LEN])
{
	host_port_t *p = ctx;
	if (p->send != NULL)
		p->send(p->send_arg, report);
}

static void h_wink(void *ctx)
{
	host_port_t *p = ctx;
	p->winks++;
}

int host_port_open(host_port_t *p, const char *flash_path)
{
	memset(p, 0, sizeof(*p));
	p->fd = -1;
	p->page_size = HOST_FLASH_PAGE_SIZE;
	p->page_count = HOST_FLASH_PAGES;
	p->presence = true;
	size_t size = (size_t)p->page_size * p->page_count;
	if ((p->flash = malloc(size)) == NULL)
		return AMANA_ERR_NOMEM;
	memset(p->flash, 0xFF, size);
	if (flash_path == NULL)
		return AMANA_OK;
	p->fd = open(flash_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (p->fd < 0) {
		host_port_close(p);
		return AMANA_ERR_IO;
	}
	size_t got = 0;
	while (got < size) {
		ssize_t n = pread(p->fd, p->flash + got, size - got, (off_t)got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	if (got < size && write_through(p, got, size - got) != AMANA_OK) {
		host_port_close(p);
		return AMANA_ERR_IO;
	}
	return AMANA_OK;
}

void host_port_close(host_port_t *p)
{
	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
	if (p->flash != NULL) /* the image holds the device secrets */
		tc_wipe(p->flash, (size_t)p->page_size * p->page_count);
	free(p->flash);
	p->flash = NULL;
	tc_wipe(p->sample, sizeof(p->sample));
}

void host_port_hal(host_port_t *p, token_hal_t *hal)
{
	memset(hal, 0, sizeof(*hal));
	hal->ctx = p;
	hal->hid_send = h_send;
	hal->flash_page_size = p->page_size;
	hal->flash_page_count = p->page_count;
	hal->flash_read = f_read;
	hal->flash_erase = f_erase;
	hal->flash_program = f_program;
	hal->rng = h_rng;
	hal->millis = h_millis;
	hal->sensor_take = h_sensor_take;
	hal->user_presence = h_presence;
	hal->wink = h_wink;
}

int host_port_set_sample(host_port_t *p, uint8_t modality, const uint8_t *tmpl,
    size_t len)
{
	if (len > sizeof(p->sample) || len == 0)
		return AMANA_ERR_ARG;
	memcpy(p->sample, tmpl, len);
	p->sample_len = len;
	p->sample_modality = modality;
	p->sample_pending = true;
	return AMANA_OK;
}
