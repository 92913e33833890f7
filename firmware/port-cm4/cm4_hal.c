/*
 * cm4_hal.c: see cm4_hal.h. Why it is built this way:
 * - the flash file is read page-slice by page-slice through semihosting
 *   rather than cached in RAM: 64 KiB of store would not fit next to the
 *   core in 64 KiB of RAM;
 * - program ANDs the new bytes into the old ones, as NOR flash does, so a
 *   store bug that programs a byte twice shows up here as it would on a part.
 */
#include "cm4_hal.h"

#include <string.h>

#include "amana/err.h"
#include "board.h"
#include "cm4_crypto_arena.h"
#include "semihost.h"

static int flash_fd = -1;
static bool presence_denied;
/* Simulated power loss: the cut_at-th erase or program since power-up is
 * cut in the middle (half done) and the image exits 97. 0: never. */
static uint32_t cut_at, flash_ops;

static bool power_cut_now(void)
{
	return cut_at != 0 && ++flash_ops == cut_at;
}

__attribute__((noreturn)) static void power_lost(void)
{
	cm4_semihost_puts("cm4 token: power cut\n");
	cm4_semihost_exit(97);
}

/* Sensor side channel parser. Bytes wait in QEMU's socket until
 * sensor_take() asks (the UART holds one byte and QEMU delivers no more), so
 * the frame is read straight into the core's buffer: no second 1 KiB copy
 * in RAM. */
static struct {
	uint8_t state;     /* 0 magic, 1 modality, 2 len lo, 3 len hi, 4 body */
	uint8_t modality;
	uint16_t len, got;
} sensor;

uint64_t cm4_hal_io_ticks;

static void hid_send(void *ctx, const uint8_t report[TOKEN_HID_REPORT_LEN])
{
	(void)ctx;
	uint64_t t0 = cm4_clock_ticks();
	cm4_uart_write(CM4_UART_HID, report, TOKEN_HID_REPORT_LEN);
	cm4_hal_io_ticks += cm4_clock_ticks() - t0;
}

static bool flash_range_ok(uint32_t page, uint32_t off, size_t len)
{
	return page < CM4_STORE_PAGES && off <= CM4_STORE_PAGE_SIZE &&
	    len <= CM4_STORE_PAGE_SIZE - off;
}

static int flash_read(void *ctx, uint32_t page, uint32_t off, uint8_t *buf,
    size_t len)
{
	(void)ctx;
	if (!flash_range_ok(page, off, len))
		return AMANA_ERR_ARG;
	if (len == 0)
		return AMANA_OK;
	if (cm4_semihost_seek(flash_fd, page * CM4_STORE_PAGE_SIZE + off) != 0 ||
	    cm4_semihost_read(flash_fd, buf, len) != 0)
		return AMANA_ERR_IO;
	return AMANA_OK;
}

/* Erases the first `upto` bytes of page (the whole page normally). */
static int erase_bytes(uint32_t page, uint32_t upto)
{
	uint8_t ff[256];
	memset(ff, 0xFF, sizeof(ff));
	if (cm4_semihost_seek(flash_fd, page * CM4_STORE_PAGE_SIZE) != 0)
		return AMANA_ERR_IO;
	for (uint32_t i = 0; i < upto; i += sizeof(ff))
		if (cm4_semihost_write(flash_fd, ff, sizeof(ff)) != 0)
			return AMANA_ERR_IO;
	return AMANA_OK;
}

static int flash_erase(void *ctx, uint32_t page)
{
	(void)ctx;
	if (page >= CM4_STORE_PAGES)
		return AMANA_ERR_ARG;
	if (power_cut_now()) {
		(void)erase_bytes(page, CM4_STORE_PAGE_SIZE / 2);
		power_lost();
	}
	return erase_bytes(page, CM4_STORE_PAGE_SIZE);
}

static int program_bytes(void *ctx, uint32_t page, uint32_t off,
    const uint8_t *buf, size_t len)
{
	uint8_t old[128];
	while (len > 0) {
		size_t n = len < sizeof(old) ? len : sizeof(old);
		int rc = flash_read(ctx, page, off, old, n);
		if (rc != AMANA_OK)
			return rc;
		for (size_t i = 0; i < n; i++)
			old[i] &= buf[i];
		if (cm4_semihost_seek(flash_fd, page * CM4_STORE_PAGE_SIZE + off) != 0 ||
		    cm4_semihost_write(flash_fd, old, n) != 0)
			return AMANA_ERR_IO;
		buf += n;
		off += (uint32_t)n;
		len -= n;
	}
	return AMANA_OK;
}

static int flash_program(void *ctx, uint32_t page, uint32_t off,
    const uint8_t *buf, size_t len)
{
	if (!flash_range_ok(page, off, len))
		return AMANA_ERR_ARG;
	if (power_cut_now()) {
		(void)program_bytes(ctx, page, off, buf, len / 2);
		power_lost();
	}
	return program_bytes(ctx, page, off, buf, len);
}

static int rng(void *ctx, uint8_t *buf, size_t len)
{
	(void)ctx;
	return cm4_rng_fill(buf, len) == 0 ? AMANA_OK : AMANA_ERR_CRYPTO;
}

static uint32_t millis(void *ctx)
{
	(void)ctx;
	return cm4_clock_ms();
}

/* Feeds byte b to the parser; true when a whole frame is in tmpl. A frame
 * longer than cap (or TOKEN_PROBE_MAX) is dropped and the hunt for the next
 * magic byte starts again. */
static bool sensor_byte(uint8_t b, uint8_t *tmpl, size_t cap)
{
	switch (sensor.state) {
	case 0:
		if (b == CM4_SENSOR_MAGIC)
			sensor.state = 1;
		return false;
	case 1:
		sensor.modality = b;
		sensor.state = 2;
		return false;
	case 2:
		sensor.len = b;
		sensor.state = 3;
		return false;
	case 3:
		sensor.len = (uint16_t)(sensor.len | (uint16_t)(b << 8));
		sensor.got = 0;
		sensor.state = (sensor.len == 0 || sensor.len > TOKEN_PROBE_MAX ||
		    sensor.len > cap) ? 0 : 4;
		return false;
	default:
		tmpl[sensor.got++] = b;
		if (sensor.got < sensor.len)
			return false;
		sensor.state = 0;
		return true;
	}
}

static int sensor_wait(uint32_t timeout_ms, uint8_t *modality, uint8_t *tmpl,
    size_t cap, size_t *len)
{
	uint32_t t0 = cm4_clock_ms();
	for (;;) {
		int c = cm4_uart_getc(CM4_UART_SENSOR);
		if (c >= 0) {
			if (sensor_byte((uint8_t)c, tmpl, cap))
				break;
			continue;
		}
		/* A frame cut short by the timeout is abandoned. */
		if ((uint32_t)(cm4_clock_ms() - t0) >= timeout_ms) {
			sensor.state = 0;
			return AMANA_ERR_NOT_FOUND;
		}
	}
	*modality = sensor.modality;
	*len = sensor.len;
	return AMANA_OK;
}

static int sensor_take(void *ctx, uint32_t timeout_ms, uint8_t *modality,
    uint8_t *tmpl, size_t cap, size_t *len)
{
	(void)ctx;
	uint64_t t0 = cm4_clock_ticks();
	int rc = sensor_wait(timeout_ms, modality, tmpl, cap, len);
	cm4_hal_io_ticks += cm4_clock_ticks() - t0;
	return rc;
}

static bool user_presence(void *ctx, uint32_t timeout_ms)
{
	(void)ctx;
	(void)timeout_ms;
	return !presence_denied;
}

static void wink(void *ctx)
{
	(void)ctx;
	cm4_semihost_puts("cm4 token: wink\n");
}

int cm4_hal_init(token_hal_t *hal, const char *flash_path, bool deny_presence,
    uint32_t power_cut_at)
{
	presence_denied = deny_presence;
	cut_at = 0; /* a new flash file is formatted in full */
	flash_ops = 0;
	flash_fd = cm4_semihost_open(flash_path, 3 /* r+b */);
	if (flash_fd < 0) {
		flash_fd = cm4_semihost_open(flash_path, 7 /* w+b */);
		if (flash_fd < 0)
			return AMANA_ERR_IO;
		for (uint32_t p = 0; p < CM4_STORE_PAGES; p++)
			if (erase_bytes(p, CM4_STORE_PAGE_SIZE) != AMANA_OK)
				return AMANA_ERR_IO;
	} else if (cm4_semihost_flen(flash_fd) !=
	    (long)(CM4_STORE_PAGES * CM4_STORE_PAGE_SIZE)) {
		return AMANA_ERR_IO; /* not our flash file: refuse to touch it */
	}
	cut_at = power_cut_at;
	memset(hal, 0, sizeof(*hal));
	hal->hid_send = hid_send;
	hal->flash_page_size = CM4_STORE_PAGE_SIZE;
	hal->flash_page_count = CM4_STORE_PAGES;
	hal->flash_read = flash_read;
	hal->flash_erase = flash_erase;
	hal->flash_program = flash_program;
	hal->rng = rng;
	hal->millis = millis;
	hal->sensor_take = sensor_take;
	hal->user_presence = user_presence;
	hal->wink = wink;
	return AMANA_OK;
}
