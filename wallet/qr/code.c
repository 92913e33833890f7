/* code.c: one QR symbol through libqrencode, and its two renderings: a
 * PNG (libpng) and Unicode half blocks for a terminal. */
#include <png.h>
#include <qrencode.h>
#include <stdlib.h>
#include <string.h>

#include "amana/err.h"
#include "qr_internal.h"

#define QR_QUIET 4 /* modules of light border the standard asks for */

struct amana_qr_code {
	int version;
	int width;
	uint8_t *dark; /* width*width, 1 = dark module */
};

void amana_qr_opts_default(amana_qr_opts_t *o)
{
	o->mode = AMANA_QR_BINARY;
	o->ecc = AMANA_QR_ECC_M;
	o->max_version = 40;
	o->max_parts = 16;
	o->dict.p = NULL;
	o->dict.n = 0;
}

static QRecLevel code_level(amana_qr_ecc_t e)
{
	switch (e) {
	case AMANA_QR_ECC_L: return QR_ECLEVEL_L;
	case AMANA_QR_ECC_Q: return QR_ECLEVEL_Q;
	case AMANA_QR_ECC_H: return QR_ECLEVEL_H;
	default: return QR_ECLEVEL_M;
	}
}

int amana_qr_code_new(const uint8_t *sym, size_t len, const amana_qr_opts_t *o,
    amana_qr_code_t **out)
{
	if (sym == NULL || len == 0 || o == NULL || out == NULL ||
	    o->max_version < 1 || o->max_version > 40 || len > 8000)
		return AMANA_ERR_ARG;
	*out = NULL;
	QRinput *in = QRinput_new2(0, code_level(o->ecc));
	if (in == NULL)
		return AMANA_ERR_NOMEM;
	/* Alphanumeric mode for the Base45 text: its alphabet is exactly
	 * QR's 45 characters, 11 bits per pair. */
	QRencodeMode m = o->mode == AMANA_QR_BASE45 ? QR_MODE_AN : QR_MODE_8;
	if (QRinput_append(in, m, (int)len, sym) != 0) {
		QRinput_free(in);
		return m == QR_MODE_AN ? AMANA_ERR_QR_BASE45 : AMANA_ERR_NOMEM;
	}
	QRcode *q = QRcode_encodeInput(in);
	QRinput_free(in);
	if (q == NULL)
		return AMANA_ERR_QR_TOO_BIG; /* ERANGE: above version 40 */
	int rc = AMANA_OK;
	amana_qr_code_t *c = NULL;
	if (q->version > o->max_version) {
		rc = AMANA_ERR_QR_TOO_BIG;
		goto out;
	}
	c = calloc(1, sizeof(*c));
	size_t n = (size_t)q->width * (size_t)q->width;
	if (c == NULL || (c->dark = malloc(n)) == NULL) {
		free(c);
		c = NULL;
		rc = AMANA_ERR_NOMEM;
		goto out;
	}
	c->version = q->version;
	c->width = q->width;
	for (size_t i = 0; i < n; i++)
		c->dark[i] = (uint8_t)(q->data[i] & 1u);
	*out = c;
out:
	QRcode_free(q);
	return rc;
}

void amana_qr_code_free(amana_qr_code_t **c)
{
	if (c == NULL || *c == NULL)
		return;
	free((*c)->dark);
	free(*c);
	*c = NULL;
}

int amana_qr_code_version(const amana_qr_code_t *c) { return c->version; }
int amana_qr_code_width(const amana_qr_code_t *c) { return c->width; }

bool amana_qr_code_dark(const amana_qr_code_t *c, int x, int y)
{
	if (x < 0 || y < 0 || x >= c->width || y >= c->width)
		return false; /* the quiet zone */
	return c->dark[(size_t)y * (size_t)c->width + (size_t)x] != 0;
}

/* libpng reports errors by longjmp: keep everything after setjmp in this
 * function free of locals that must survive the jump. */
static int code_png_rows(png_structp png, png_infop info,
    const amana_qr_code_t *c, unsigned side, unsigned scale, uint8_t *row)
{
	if (setjmp(png_jmpbuf(png)))
		return AMANA_ERR_IO;
	png_set_IHDR(png, info, side, side, 8, PNG_COLOR_TYPE_GRAY,
	    PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	png_write_info(png, info);
	for (unsigned y = 0; y < side; y++) {
		int my = (int)(y / scale) - QR_QUIET;
		for (unsigned x = 0; x < side; x++) {
			int mx = (int)(x / scale) - QR_QUIET;
			row[x] = amana_qr_code_dark(c, mx, my) ? 0 : 255;
		}
		png_write_row(png, row);
	}
	png_write_end(png, NULL);
	return AMANA_OK;
}

int amana_qr_code_write_png(const amana_qr_code_t *c, const char *path,
    unsigned scale)
{
	if (c == NULL || path == NULL || scale == 0 || scale > 64)
		return AMANA_ERR_ARG;
	unsigned side = (unsigned)(c->width + 2 * QR_QUIET) * scale;
	FILE *f = fopen(path, "wb");
	if (f == NULL)
		return AMANA_ERR_IO;
	uint8_t *row = malloc(side);
	png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	png_infop info = png != NULL ? png_create_info_struct(png) : NULL;
	int rc = AMANA_ERR_NOMEM;
	if (row != NULL && info != NULL) {
		png_init_io(png, f);
		rc = code_png_rows(png, info, c, side, scale, row);
	}
	png_destroy_write_struct(&png, &info);
	free(row);
	if (fclose(f) != 0 && rc == AMANA_OK)
		rc = AMANA_ERR_IO;
	return rc;
}

int amana_qr_code_write_text(const amana_qr_code_t *c, FILE *f)
{
	if (c == NULL || f == NULL)
		return AMANA_ERR_ARG;
	/* Explicit colours (black on white), since a dark-themed terminal
	 * would otherwise show the code inverted, which many readers reject. */
	static const char *const blocks[4] = {" ", "\xe2\x96\x84", "\xe2\x96\x80",
	    "\xe2\x96\x88"}; /* none, lower half, upper half, full */
	int lo = -QR_QUIET, hi = c->width + QR_QUIET;
	for (int y = lo; y < hi; y += 2) {
		fputs("\x1b[30;47m", f);
		for (int x = lo; x < hi; x++) {
			int top = amana_qr_code_dark(c, x, y) ? 2 : 0;
			int bot = (y + 1 < hi && amana_qr_code_dark(c, x, y + 1)) ? 1 : 0;
			fputs(blocks[top | bot], f);
		}
		fputs("\x1b[0m\n", f);
	}
	return ferror(f) ? AMANA_ERR_IO : AMANA_OK;
}
