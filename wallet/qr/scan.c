/* scan.c: finding QR codes in a photo or screenshot with zbar. Images are
 * read as 8-bit grey: PNG through libpng's simplified API (any colour type
 * or depth), JPEG (what phone cameras write) through libjpeg, or a binary
 * PGM, the form most capture tools can write. */
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zbar.h>

#include <jpeglib.h>

#include "amana/err.h"
#include "qr_internal.h"

/* Larger images are refused rather than allocated (a 16k x 16k photo
 * is far beyond any camera a verifier uses). */
#define SCAN_MAX_SIDE 16384u

/* True when a w x h image is within the limits. */
static bool scan_size_ok(size_t w, size_t h, size_t max_pixels)
{
	return w > 0 && h > 0 && w <= SCAN_MAX_SIDE && h <= SCAN_MAX_SIDE && w * h <= max_pixels;
}

static int scan_read_png(const char *path, size_t max_px, uint8_t **gray, unsigned *w,
    unsigned *h)
{
	png_image img;
	memset(&img, 0, sizeof(img));
	img.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_file(&img, path))
		return AMANA_ERR_QR_IMAGE;
	if (!scan_size_ok(img.width, img.height, max_px)) {
		png_image_free(&img);
		return AMANA_ERR_LIMIT;
	}
	img.format = PNG_FORMAT_GRAY;
	uint8_t *buf = malloc(PNG_IMAGE_SIZE(img));
	if (buf == NULL) {
		png_image_free(&img);
		return AMANA_ERR_NOMEM;
	}
	if (!png_image_finish_read(&img, NULL, buf, 0, NULL)) {
		free(buf);
		png_image_free(&img);
		return AMANA_ERR_QR_IMAGE;
	}
	*gray = buf;
	*w = img.width;
	*h = img.height;
	return AMANA_OK;
}

/* A PGM header number, skipping blanks and comments. */
static bool scan_pgm_num(FILE *f, unsigned *v)
{
	int ch;
	do {
		ch = fgetc(f);
		if (ch == '#')
			while (ch != '\n' && ch != EOF)
				ch = fgetc(f);
	} while (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n');
	unsigned n = 0;
	int digits = 0;
	while (ch >= '0' && ch <= '9' && digits < 6) {
		n = n * 10u + (unsigned)(ch - '0');
		digits++;
		ch = fgetc(f);
	}
	*v = n;
	return digits > 0 && digits < 6;
}

static int scan_read_pgm(FILE *f, size_t max_px, uint8_t **gray, unsigned *w, unsigned *h)
{
	unsigned maxval = 0;
	if (!scan_pgm_num(f, w) || !scan_pgm_num(f, h) || !scan_pgm_num(f, &maxval) ||
	    maxval == 0 || maxval > 255)
		return AMANA_ERR_QR_IMAGE; /* 16-bit PGM: not worth the code */
	if (!scan_size_ok(*w, *h, max_px))
		return AMANA_ERR_LIMIT;
	size_t n = (size_t)*w * *h;
	uint8_t *buf = malloc(n);
	if (buf == NULL)
		return AMANA_ERR_NOMEM;
	if (fread(buf, 1, n, f) != n) {
		free(buf);
		return AMANA_ERR_QR_IMAGE;
	}
	if (maxval != 255)
		for (size_t i = 0; i < n; i++)
			buf[i] = (uint8_t)(buf[i] > maxval ? 255u : buf[i] * 255u / maxval);
	*gray = buf;
	return AMANA_OK;
}

/* libjpeg reports fatal errors through error_exit: jump back instead of
 * its default exit(), and print nothing (a bad file is reported by the
 * caller as AMANA_ERR_QR_IMAGE). */
typedef struct scan_jerr {
	struct jpeg_error_mgr pub;
	jmp_buf jmp;
} scan_jerr_t;

static void scan_jpeg_exit(j_common_ptr ci)
{
	longjmp(((scan_jerr_t *)(void *)ci->err)->jmp, 1);
}

static void scan_jpeg_quiet(j_common_ptr ci)
{
	(void)ci;
}

static int scan_read_jpeg(FILE *f, size_t max_px, uint8_t **gray, unsigned *w,
    unsigned *h)
{
	struct jpeg_decompress_struct ci;
	scan_jerr_t jerr;
	uint8_t *volatile buf = NULL;
	memset(&ci, 0, sizeof(ci));
	ci.err = jpeg_std_error(&jerr.pub);
	jerr.pub.error_exit = scan_jpeg_exit;
	jerr.pub.output_message = scan_jpeg_quiet;
	if (setjmp(jerr.jmp)) {
		jpeg_destroy_decompress(&ci);
		free(buf);
		return AMANA_ERR_QR_IMAGE;
	}
	jpeg_create_decompress(&ci);
	jpeg_stdio_src(&ci, f);
	jpeg_read_header(&ci, TRUE);
	/* Checked before anything is allocated for the pixels. */
	if (!scan_size_ok(ci.image_width, ci.image_height, max_px)) {
		jpeg_destroy_decompress(&ci);
		return AMANA_ERR_LIMIT;
	}
	ci.out_color_space = JCS_GRAYSCALE;
	jpeg_start_decompress(&ci);
	size_t stride = ci.output_width;
	buf = malloc(stride * ci.output_height);
	if (buf == NULL) {
		jpeg_destroy_decompress(&ci);
		return AMANA_ERR_NOMEM;
	}
	while (ci.output_scanline < ci.output_height) {
		JSAMPROW row = buf + (size_t)ci.output_scanline * stride;
		jpeg_read_scanlines(&ci, &row, 1);
	}
	*w = ci.output_width;
	*h = ci.output_height;
	jpeg_finish_decompress(&ci);
	jpeg_destroy_decompress(&ci);
	*gray = buf;
	return AMANA_OK;
}

int amana_qr_scan_gray(const uint8_t *gray, unsigned w, unsigned h,
    amana_qr_asm_t *a, size_t *found)
{
	if (gray == NULL || a == NULL || found == NULL || w == 0 || h == 0)
		return AMANA_ERR_ARG;
	*found = 0;
	zbar_image_scanner_t *sc = zbar_image_scanner_create();
	zbar_image_t *img = zbar_image_create();
	int rc = AMANA_ERR_NOMEM;
	if (sc == NULL || img == NULL)
		goto out;
	/* QR only, and raw bytes: zbar otherwise guesses a text encoding and
	 * rewrites binary frames. */
	zbar_image_scanner_set_config(sc, ZBAR_NONE, ZBAR_CFG_ENABLE, 0);
	zbar_image_scanner_set_config(sc, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
	zbar_image_scanner_set_config(sc, ZBAR_QRCODE, ZBAR_CFG_BINARY, 1);
	zbar_image_set_format(img, zbar_fourcc('Y', '8', '0', '0'));
	zbar_image_set_size(img, w, h);
	zbar_image_set_data(img, gray, (unsigned long)w * h, NULL);
	int n = zbar_scan_image(sc, img);
	if (n < 0) {
		rc = AMANA_ERR_QR_IMAGE;
		goto out;
	}
	/* Foreign codes in the picture (a poster, a product) are skipped;
	 * a mixed or conflicting amana code is an error. */
	rc = AMANA_ERR_QR_NONE;
	int junk = AMANA_OK;
	for (const zbar_symbol_t *s = zbar_image_first_symbol(img); s != NULL;
	     s = zbar_symbol_next(s)) {
		if (zbar_symbol_get_type(s) != ZBAR_QRCODE)
			continue;
		int r = amana_qr_asm_add(a, (const uint8_t *)zbar_symbol_get_data(s),
		    zbar_symbol_get_data_length(s));
		if (r == AMANA_OK) {
			(*found)++;
		} else if (r == AMANA_ERR_QR_FRAME || r == AMANA_ERR_QR_BASE45) {
			junk = r;
		} else {
			rc = r;
			goto out;
		}
	}
	rc = *found > 0 ? AMANA_OK : (junk != AMANA_OK ? junk : AMANA_ERR_QR_NONE);
out:
	if (img != NULL)
		zbar_image_destroy(img);
	if (sc != NULL)
		zbar_image_scanner_destroy(sc);
	return rc;
}

int amana_qr_scan_file(const char *path, amana_qr_asm_t *a, size_t *found)
{
	return qr_scan_file_max(path, AMANA_QR_SCAN_MAX_PIXELS, a, found);
}

int qr_scan_file_max(const char *path, size_t max_px, amana_qr_asm_t *a, size_t *found)
{
	if (path == NULL || a == NULL || found == NULL)
		return AMANA_ERR_ARG;
	*found = 0;
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return AMANA_ERR_IO;
	uint8_t magic[3] = {0, 0, 0};
	size_t got = fread(magic, 1, 3, f);
	uint8_t *gray = NULL;
	unsigned w = 0, h = 0;
	int rc;
	if (got == 3 && magic[0] == 'P' && magic[1] == '5') {
		fseek(f, 2, SEEK_SET);
		rc = scan_read_pgm(f, max_px, &gray, &w, &h);
		fclose(f);
	} else if (got == 3 && magic[0] == 0xFF && magic[1] == 0xD8 && magic[2] == 0xFF) {
		rewind(f);
		rc = scan_read_jpeg(f, max_px, &gray, &w, &h);
		fclose(f);
	} else {
		fclose(f);
		rc = scan_read_png(path, max_px, &gray, &w, &h);
	}
	if (rc == AMANA_OK)
		rc = amana_qr_scan_gray(gray, w, h, a, found);
	free(gray);
	return rc;
}
