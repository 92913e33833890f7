/* qr.c: the recovery key as a QR code (libqrencode), drawn in a terminal
 * with half-block characters (two modules per character cell, so it stays
 * square) or written as a grayscale PNG (zlib for the image data). */
#include <stdlib.h>
#include <string.h>

#include <qrencode.h>
#include <sodium.h>
#include <zlib.h>

#include "vault_int.h"

#define QUIET 2 /* modules of white border in the terminal */

static QRcode *qr_make(const char *text)
{
	return QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
}

static int dark(const QRcode *q, int x, int y)
{
	if (x < 0 || y < 0 || x >= q->width || y >= q->width)
		return 0;
	return q->data[y * q->width + x] & 1;
}

int amana_vault_qr_print(const char *text, FILE *f)
{
	QRcode *q = qr_make(text);
	if (q == NULL)
		return AMANA_ERR_LIMIT;
	/* Light modules are drawn as blocks: right on dark terminals, and
	 * scanners read the inverted code too. */
	for (int y = -QUIET; y < q->width + QUIET; y += 2) {
		for (int x = -QUIET; x < q->width + QUIET; x++) {
			int top = !dark(q, x, y), bot = !dark(q, x, y + 1);
			fputs(top && bot ? "\xe2\x96\x88" : top ? "\xe2\x96\x80" : bot ? "\xe2\x96\x84" : " ", f);
		}
		fputc('\n', f);
	}
	QRcode_free(q);
	return ferror(f) ? AMANA_ERR_IO : AMANA_OK;
}

static int chunk(FILE *f, const char type[4], const uint8_t *data, size_t len)
{
	uint8_t be[4] = {(uint8_t)(len >> 24), (uint8_t)(len >> 16), (uint8_t)(len >> 8), (uint8_t)len};
	uLong crc = crc32(0L, (const Bytef *)type, 4);
	if (len > 0)
		crc = crc32(crc, data, (uInt)len);
	uint8_t c[4] = {(uint8_t)(crc >> 24), (uint8_t)(crc >> 16), (uint8_t)(crc >> 8), (uint8_t)crc};
	fwrite(be, 1, 4, f);
	fwrite(type, 1, 4, f);
	if (len > 0)
		fwrite(data, 1, len, f);
	fwrite(c, 1, 4, f);
	return ferror(f) ? AMANA_ERR_IO : AMANA_OK;
}

int amana_vault_qr_png(const char *text, const char *path, unsigned scale)
{
	if (scale == 0 || scale > 32)
		return AMANA_ERR_ARG;
	QRcode *q = qr_make(text);
	if (q == NULL)
		return AMANA_ERR_LIMIT;
	size_t side = ((size_t)q->width + 8u) * scale; /* 4-module quiet zone */
	size_t rowlen = side + 1u, rawlen = rowlen * side;
	uint8_t *raw = malloc(rawlen);
	uLongf zlen = compressBound((uLong)rawlen);
	uint8_t *z = malloc(zlen);
	int err = AMANA_OK;
	if (raw == NULL || z == NULL) {
		err = AMANA_ERR_NOMEM;
		goto out;
	}
	for (size_t y = 0; y < side; y++) {
		raw[y * rowlen] = 0; /* filter: none */
		for (size_t x = 0; x < side; x++)
			raw[y * rowlen + 1 + x] = dark(q, (int)(x / scale) - 4, (int)(y / scale) - 4) ? 0 : 255;
	}
	if (compress2(z, &zlen, raw, (uLong)rawlen, 9) != Z_OK) {
		err = AMANA_ERR_INTERNAL;
		goto out;
	}
	FILE *f = fopen(path, "wb");
	if (f == NULL) {
		err = AMANA_ERR_IO;
		goto out;
	}
	static const uint8_t sig[8] = {137, 'P', 'N', 'G', '\r', '\n', 26, '\n'};
	uint8_t ihdr[13] = {(uint8_t)(side >> 24), (uint8_t)(side >> 16), (uint8_t)(side >> 8),
	    (uint8_t)side, (uint8_t)(side >> 24), (uint8_t)(side >> 16), (uint8_t)(side >> 8),
	    (uint8_t)side, 8, 0, 0, 0, 0}; /* 8-bit grayscale */
	fwrite(sig, 1, 8, f);
	err = chunk(f, "IHDR", ihdr, sizeof(ihdr));
	if (err == AMANA_OK)
		err = chunk(f, "IDAT", z, zlen);
	if (err == AMANA_OK)
		err = chunk(f, "IEND", NULL, 0);
	if (fclose(f) != 0 && err == AMANA_OK)
		err = AMANA_ERR_IO;
out:
	if (raw != NULL)
		sodium_memzero(raw, rawlen);
	free(raw);
	free(z);
	QRcode_free(q);
	return err;
}
