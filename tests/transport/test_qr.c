/* QR symbols end to end: a set written as PNG files and read back by
 * zbar gives the same bytes (binary and Base45 modes); a payload too big
 * for one code is split, and the parts reassemble in any order, with
 * repeats; a truncated set, a mixed set and a tampered part are rejected;
 * several codes in one picture, scaled, rotated and noisy, still scan. */
#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <unistd.h>

#include <jpeglib.h>

#include "amana/err.h"
#include "amana/qr.h"
#include "check.h"

static char tmpdir[] = "/tmp/amana-qr-XXXXXX";

/* A DeviceResponse-like payload: mostly random (digests, signatures,
 * keys) with some repeated text (element names). */
static void fill_payload(uint8_t *p, size_t len)
{
	randombytes_buf(p, len);
	for (size_t i = 0; i + 16 < len; i += 97)
		memcpy(p + i, "elementIdentifier", 16);
}

static int finish_rc(amana_qr_asm_t *a, const uint8_t *want, size_t len)
{
	uint8_t *got = NULL;
	size_t n = 0;
	int rc = amana_qr_asm_finish(a, &got, &n);
	if (rc == AMANA_OK && (n != len || memcmp(got, want, len) != 0))
		rc = AMANA_ERR_INTERNAL;
	free(got);
	return rc;
}

/* PNG out, zbar in, for each symbol of a set. */
static void png_round_trip(amana_qr_mode_t mode, size_t len)
{
	uint8_t *p = malloc(len);
	fill_payload(p, len);
	amana_qr_opts_t o;
	amana_qr_opts_default(&o);
	o.mode = mode;
	amana_qr_set_t *s = NULL;
	CHECK_EQ(amana_qr_set_new(p, len, &o, &s), AMANA_OK);
	CHECK_EQ(amana_qr_set_count(s), 1);
	amana_qr_asm_t *a = NULL;
	CHECK_EQ(amana_qr_asm_new(&a), AMANA_OK);
	char path[128];
	snprintf(path, sizeof(path), "%s/code-%d.png", tmpdir, (int)mode);
	CHECK_EQ(amana_qr_code_write_png(amana_qr_set_code(s, 0), path, 3), AMANA_OK);
	size_t found = 0;
	CHECK_EQ(amana_qr_scan_file(path, a, &found), AMANA_OK);
	CHECK_EQ(found, 1);
	CHECK_EQ(finish_rc(a, p, len), AMANA_OK);
	printf("mode %s: %zu-byte payload, QR version %d\n",
	    mode == AMANA_QR_BINARY ? "binary" : "base45", len,
	    amana_qr_code_version(amana_qr_set_code(s, 0)));
	amana_qr_asm_free(&a);
	amana_qr_set_free(&s);
	free(p);
}

static void multi_part(void)
{
	size_t len = 5000;
	uint8_t *p = malloc(len), *q = malloc(len);
	fill_payload(p, len);
	fill_payload(q, len);
	amana_qr_opts_t o;
	amana_qr_opts_default(&o);
	o.max_version = 15;
	amana_qr_set_t *s = NULL, *t = NULL;
	CHECK_EQ(amana_qr_set_new(p, len, &o, &s), AMANA_OK);
	CHECK_EQ(amana_qr_set_new(q, len, &o, &t), AMANA_OK);
	size_t n = amana_qr_set_count(s);
	CHECK(n >= 3);
	printf("5000-byte payload at version <= 15: %zu codes\n", n);
	for (size_t i = 0; i < n; i++)
		CHECK(amana_qr_code_version(amana_qr_set_code(s, i)) <= 15);

	/* Reverse order with every part twice. */
	amana_qr_asm_t *a = NULL;
	CHECK_EQ(amana_qr_asm_new(&a), AMANA_OK);
	for (size_t k = 0; k < 2 * n; k++) {
		size_t i = n - 1 - (k % n);
		CHECK_EQ(amana_qr_asm_add(a, amana_qr_set_sym_ptr(s, i),
		    amana_qr_set_sym_len(s, i)), AMANA_OK);
	}
	CHECK_EQ(amana_qr_asm_held(a), n);
	CHECK_EQ(finish_rc(a, p, len), AMANA_OK);
	amana_qr_asm_free(&a);

	/* Shuffled orders. */
	for (int round = 0; round < 20; round++) {
		size_t order[AMANA_QR_MAX_PARTS];
		for (size_t i = 0; i < n; i++)
			order[i] = i;
		for (size_t i = n - 1; i > 0; i--) {
			size_t j = randombytes_uniform((uint32_t)(i + 1)), x = order[i];
			order[i] = order[j];
			order[j] = x;
		}
		CHECK_EQ(amana_qr_asm_new(&a), AMANA_OK);
		for (size_t i = 0; i < n; i++)
			CHECK_EQ(amana_qr_asm_add(a, amana_qr_set_sym_ptr(s, order[i]),
			    amana_qr_set_sym_len(s, order[i])), AMANA_OK);
		CHECK_EQ(finish_rc(a, p, len), AMANA_OK);
		amana_qr_asm_free(&a);
	}

	/* Truncated: every part but one. */
	for (size_t drop = 0; drop < n; drop++) {
		CHECK_EQ(amana_qr_asm_new(&a), AMANA_OK);
		for (size_t i = 0; i < n; i++)
			if (i != drop)
				CHECK_EQ(amana_qr_asm_add(a, amana_qr_set_sym_ptr(s, i),
				    amana_qr_set_sym_len(s, i)), AMANA_OK);
		CHECK(!amana_qr_asm_has(a, drop));
		CHECK_EQ(finish_rc(a, p, len), AMANA_ERR_QR_INCOMPLETE);
		amana_qr_asm_free(&a);
	}

	/* Mixed: a part of another set. */
	CHECK_EQ(amana_qr_asm_new(&a), AMANA_OK);
	CHECK_EQ(amana_qr_asm_add(a, amana_qr_set_sym_ptr(s, 0), amana_qr_set_sym_len(s, 0)), AMANA_OK);
	CHECK_EQ(amana_qr_asm_add(a, amana_qr_set_sym_ptr(t, 1), amana_qr_set_sym_len(t, 1)), AMANA_ERR_QR_MIXED);
	amana_qr_asm_free(&a);

	/* Tampered: one chunk byte changed under an intact header: the same
	 * index again conflicts, and alone it fails the digest. */
	size_t l1 = amana_qr_set_sym_len(s, 1);
	uint8_t *bad = malloc(l1);
	memcpy(bad, amana_qr_set_sym_ptr(s, 1), l1);
	bad[l1 - 1] ^= 0x01;
	CHECK_EQ(amana_qr_asm_new(&a), AMANA_OK);
	CHECK_EQ(amana_qr_asm_add(a, amana_qr_set_sym_ptr(s, 1), l1), AMANA_OK);
	CHECK_EQ(amana_qr_asm_add(a, bad, l1), AMANA_ERR_QR_MIXED);
	amana_qr_asm_free(&a);
	CHECK_EQ(amana_qr_asm_new(&a), AMANA_OK);
	for (size_t i = 0; i < n; i++)
		CHECK_EQ(amana_qr_asm_add(a, i == 1 ? bad : amana_qr_set_sym_ptr(s, i),
		    amana_qr_set_sym_len(s, i)), AMANA_OK);
	CHECK_EQ(finish_rc(a, p, len), AMANA_ERR_QR_DIGEST);
	amana_qr_asm_free(&a);
	free(bad);

	/* Too many parts for the limit. */
	o.max_parts = 2;
	amana_qr_set_t *u = NULL;
	CHECK_EQ(amana_qr_set_new(p, len, &o, &u), AMANA_ERR_QR_TOO_BIG);
	CHECK(u == NULL);
	amana_qr_set_free(&s);
	amana_qr_set_free(&t);
	free(p);
	free(q);
}

/* All codes of a Base45 set side by side in one picture, resampled at a
 * non-integer scale, rotated 3 degrees, blurred by 3x3 supersampling and
 * with noise: a phone photo of a screen, roughly. The payload and noise
 * come from a fixed seed so that the test is reproducible. */
static uint8_t photo_noise[1 << 16];

/* Writes a grey image as a JPEG of the given quality (a phone photo). */
static void write_jpeg(const char *path, const uint8_t *img, unsigned w, unsigned h, int quality)
{
	struct jpeg_compress_struct ci;
	struct jpeg_error_mgr jerr;
	FILE *f = fopen(path, "wb");
	ci.err = jpeg_std_error(&jerr);
	jpeg_create_compress(&ci);
	jpeg_stdio_dest(&ci, f);
	ci.image_width = w;
	ci.image_height = h;
	ci.input_components = 1;
	ci.in_color_space = JCS_GRAYSCALE;
	jpeg_set_defaults(&ci);
	jpeg_set_quality(&ci, quality, TRUE);
	jpeg_start_compress(&ci, TRUE);
	while (ci.next_scanline < h) {
		JSAMPROW row = (JSAMPROW)(uintptr_t)(img + (size_t)ci.next_scanline * w);
		jpeg_write_scanlines(&ci, &row, 1);
	}
	jpeg_finish_compress(&ci);
	jpeg_destroy_compress(&ci);
	fclose(f);
}

static bool photo_dark(const amana_qr_set_t *s, size_t n, int cell, double ux, double uy)
{
	int mx = (int)floor(ux), my = (int)floor(uy);
	int k = mx >= 0 ? mx / cell : -1;
	return k >= 0 && (size_t)k < n &&
	    amana_qr_code_dark(amana_qr_set_code(s, (size_t)k), mx - k * cell - 4, my - 4);
}

static void photo(void)
{
	static const uint8_t seed[randombytes_SEEDBYTES] = {'a', 'm', 'a', 'n', 'a'};
	size_t len = 2500;
	uint8_t *p = malloc(len);
	randombytes_buf_deterministic(p, len, seed);
	randombytes_buf_deterministic(photo_noise, sizeof(photo_noise), p);
	amana_qr_opts_t o;
	amana_qr_opts_default(&o);
	o.mode = AMANA_QR_BASE45;
	o.max_version = 20;
	amana_qr_set_t *s = NULL;
	CHECK_EQ(amana_qr_set_new(p, len, &o, &s), AMANA_OK);
	size_t n = amana_qr_set_count(s);
	CHECK(n >= 2);
	int cell = 0;
	for (size_t i = 0; i < n; i++) {
		int wi = amana_qr_code_width(amana_qr_set_code(s, i)) + 8;
		cell = wi > cell ? wi : cell;
	}
	const double scale = 4.2, ang = 3.0 * M_PI / 180.0;
	unsigned w = (unsigned)(cell * (int)n * scale) + 60, h = (unsigned)(cell * scale) + 80;
	uint8_t *img = malloc((size_t)w * h);
	for (unsigned y = 0; y < h; y++)
		for (unsigned x = 0; x < w; x++) {
			int dark = 0;
			for (int sy = 0; sy < 3; sy++)
				for (int sx = 0; sx < 3; sx++) {
					/* Back into the unrotated, unscaled sheet. */
					double cx = x + sx / 3.0 - w / 2.0, cy = y + sy / 3.0 - h / 2.0;
					double ux = (cos(ang) * cx + sin(ang) * cy) / scale + cell * (double)n / 2.0;
					double uy = (-sin(ang) * cx + cos(ang) * cy) / scale + cell / 2.0;
					dark += photo_dark(s, n, cell, ux, uy);
				}
			int v = 215 - dark * 175 / 9;
			v += photo_noise[(y * w + x) & 0xffffu] % 41 - 20;
			img[(size_t)y * w + x] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
		}
	amana_qr_asm_t *a = NULL;
	CHECK_EQ(amana_qr_asm_new(&a), AMANA_OK);
	size_t found = 0;
	CHECK_EQ(amana_qr_scan_gray(img, w, h, a, &found), AMANA_OK);
	CHECK_EQ(found, n);
	CHECK_EQ(finish_rc(a, p, len), AMANA_OK);
	amana_qr_asm_free(&a);

	/* The same picture as a JPEG at quality 75, read from the file. */
	char jpg[128];
	snprintf(jpg, sizeof(jpg), "%s/photo.jpg", tmpdir);
	write_jpeg(jpg, img, w, h, 75);
	CHECK_EQ(amana_qr_asm_new(&a), AMANA_OK);
	CHECK_EQ(amana_qr_scan_file(jpg, a, &found), AMANA_OK);
	CHECK_EQ(found, n);
	CHECK_EQ(finish_rc(a, p, len), AMANA_OK);
	amana_qr_asm_free(&a);
	/* Cut short: libjpeg pads the missing rows (a truncated photo may
	 * still hold a readable code), so here no code is found; cut inside
	 * the header, the image is unreadable. Never a crash. */
	CHECK_EQ(truncate(jpg, 600), 0);
	CHECK_EQ(amana_qr_asm_new(&a), AMANA_OK);
	CHECK_EQ(amana_qr_scan_file(jpg, a, &found), AMANA_ERR_QR_NONE);
	amana_qr_asm_free(&a);
	CHECK_EQ(truncate(jpg, 40), 0);
	CHECK_EQ(amana_qr_asm_new(&a), AMANA_OK);
	CHECK_EQ(amana_qr_scan_file(jpg, a, &found), AMANA_ERR_QR_IMAGE);
	amana_qr_asm_free(&a);
	unlink(jpg);

	/* A picture with no code at all. */
	memset(img, 200, (size_t)w * h);
	CHECK_EQ(amana_qr_asm_new(&a), AMANA_OK);
	CHECK_EQ(amana_qr_scan_gray(img, w, h, a, &found), AMANA_ERR_QR_NONE);
	amana_qr_asm_free(&a);
	free(img);
	amana_qr_set_free(&s);
	free(p);
}

/* The terminal form: two module rows per line, quiet zone included, dark
 * modules drawn as half or full blocks in explicit colours; and a PGM
 * picture (what many capture tools write) scans like a PNG. */
static void text_and_pgm(void)
{
	static const uint8_t msg[] = "amana terminal and PGM test payload";
	amana_qr_opts_t o;
	amana_qr_opts_default(&o);
	amana_qr_set_t *s = NULL;
	CHECK_EQ(amana_qr_set_new(msg, sizeof(msg), &o, &s), AMANA_OK);
	if (s == NULL)
		return;
	const amana_qr_code_t *c = amana_qr_set_code(s, 0);
	int side = amana_qr_code_width(c) + 8;
	char *buf = NULL;
	size_t blen = 0;
	FILE *f = open_memstream(&buf, &blen);
	CHECK_EQ(amana_qr_code_write_text(c, f), AMANA_OK);
	fclose(f);
	size_t lines = 0, full = 0;
	for (size_t i = 0; i < blen; i++)
		lines += buf[i] == '\n';
	for (const char *q = buf; (q = strstr(q, "\xe2\x96\x88")) != NULL; q += 3)
		full++;
	CHECK_EQ(lines, (size_t)(side + 1) / 2);
	CHECK(full > 0);
	CHECK(strstr(buf, "\x1b[30;47m") != NULL);
	free(buf);

	/* PGM: 3 pixels per module, maxval 255. */
	char path[128];
	snprintf(path, sizeof(path), "%s/code.pgm", tmpdir);
	f = fopen(path, "wb");
	int px = side * 3;
	fprintf(f, "P5\n# amana test\n%d %d\n255\n", px, px);
	for (int y = 0; y < px; y++)
		for (int x = 0; x < px; x++)
			fputc(amana_qr_code_dark(c, x / 3 - 4, y / 3 - 4) ? 0 : 255, f);
	fclose(f);
	amana_qr_asm_t *a = NULL;
	size_t found = 0;
	CHECK_EQ(amana_qr_asm_new(&a), AMANA_OK);
	CHECK_EQ(amana_qr_scan_file(path, a, &found), AMANA_OK);
	CHECK_EQ(finish_rc(a, msg, sizeof(msg)), AMANA_OK);
	amana_qr_asm_free(&a);
	/* A truncated PGM is an unreadable image, not a crash. */
	f = fopen(path, "wb");
	fprintf(f, "P5\n%d %d\n255\n", px, px);
	fputc(0, f);
	fclose(f);
	CHECK_EQ(amana_qr_asm_new(&a), AMANA_OK);
	CHECK_EQ(amana_qr_scan_file(path, a, &found), AMANA_ERR_QR_IMAGE);
	amana_qr_asm_free(&a);
	unlink(path);
	amana_qr_set_free(&s);
}

int main(void)
{
	if (sodium_init() < 0 || mkdtemp(tmpdir) == NULL)
		return 1;
	png_round_trip(AMANA_QR_BINARY, 1200);
	png_round_trip(AMANA_QR_BASE45, 1200);
	multi_part();
	photo();
	text_and_pgm();

	/* A file that is not an image. */
	char path[128];
	snprintf(path, sizeof(path), "%s/junk.png", tmpdir);
	FILE *f = fopen(path, "wb");
	fputs("not a png", f);
	fclose(f);
	amana_qr_asm_t *a = NULL;
	size_t found = 0;
	CHECK_EQ(amana_qr_asm_new(&a), AMANA_OK);
	CHECK_EQ(amana_qr_scan_file(path, a, &found), AMANA_ERR_QR_IMAGE);
	amana_qr_asm_free(&a);
	unlink(path);
	snprintf(path, sizeof(path), "%s/code-0.png", tmpdir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/code-1.png", tmpdir);
	unlink(path);
	rmdir(tmpdir);
	return check_done();
}
