/* sensor.c: image -> matcher extraction -> probe template (host simulator).
 * Contract in sensor.h. Everything here runs outside the token core: it may
 * allocate, read files and load models, like the sensor module of a
 * match-on-card token does on its own processor. */
#include "sensor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tiffio.h>

#include "amana/err.h"
#include "amana/face.h"
#include "amana/face_template.h"
#include "amana/fp.h"
#include "amana_config.h"

/* FVC images are 300..560 pixels a side; anything far larger is not a
 * fingerprint from a touch sensor and would only cost memory. */
#define SENSOR_MAX_SIDE 2048u
#define SENSOR_DEFAULT_DPI 500u

struct amana_sensor {
	char *model_dir;
	amana_face_engine_t *face; /* loaded on the first face sample */
};

typedef struct grey_image {
	uint8_t *px;
	uint32_t w, h, dpi;
} grey_image_t;

static char *dup_str(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = malloc(n);
	if (d != NULL)
		memcpy(d, s, n);
	return d;
}

int amana_sensor_new(amana_sensor_t **s, const char *model_dir)
{
	if (s == NULL)
		return AMANA_ERR_ARG;
	*s = NULL;
	if (model_dir == NULL || model_dir[0] == '\0')
		model_dir = getenv("AMANA_MODEL_DIR");
	if (model_dir == NULL || model_dir[0] == '\0')
		model_dir = AMANA_MODEL_DIR_DEFAULT;
	amana_sensor_t *n = calloc(1, sizeof(*n));
	if (n == NULL)
		return AMANA_ERR_NOMEM;
	if ((n->model_dir = dup_str(model_dir)) == NULL) {
		free(n);
		return AMANA_ERR_NOMEM;
	}
	*s = n;
	return AMANA_OK;
}

void amana_sensor_free(amana_sensor_t **s)
{
	if (s == NULL || *s == NULL)
		return;
	amana_face_engine_free(&(*s)->face);
	free((*s)->model_dir);
	free(*s);
	*s = NULL;
}

/* Silences libtiff's stderr chatter: a bad file is reported as an error
 * code, and test logs stay readable. */
static void tiff_quiet(const char *module, const char *fmt, va_list ap)
{
	(void)module;
	(void)fmt;
	(void)ap;
}

static int read_tiff(const char *path, grey_image_t *img)
{
	TIFFSetErrorHandler(tiff_quiet);
	TIFFSetWarningHandler(tiff_quiet);
	TIFF *t = TIFFOpen(path, "r");
	if (t == NULL)
		return AMANA_ERR_SENSOR_IMAGE;
	uint32_t w = 0, h = 0;
	uint16_t bps = 0, spp = 1, photo = PHOTOMETRIC_MINISBLACK, unit = RESUNIT_INCH;
	float xres = 0.0f;
	int rc = AMANA_ERR_SENSOR_IMAGE;
	if (TIFFGetField(t, TIFFTAG_IMAGEWIDTH, &w) != 1 ||
	    TIFFGetField(t, TIFFTAG_IMAGELENGTH, &h) != 1 ||
	    TIFFGetField(t, TIFFTAG_BITSPERSAMPLE, &bps) != 1)
		goto out;
	TIFFGetFieldDefaulted(t, TIFFTAG_SAMPLESPERPIXEL, &spp);
	TIFFGetFieldDefaulted(t, TIFFTAG_PHOTOMETRIC, &photo);
	if (bps != 8 || spp != 1 || w < 16 || h < 16 || w > SENSOR_MAX_SIDE ||
	    h > SENSOR_MAX_SIDE || TIFFScanlineSize(t) != (tmsize_t)w)
		goto out;
	img->dpi = SENSOR_DEFAULT_DPI;
	if (TIFFGetField(t, TIFFTAG_XRESOLUTION, &xres) == 1) {
		TIFFGetFieldDefaulted(t, TIFFTAG_RESOLUTIONUNIT, &unit);
		float dpi = unit == RESUNIT_CENTIMETER ? xres * 2.54f : xres;
		/* Only a plausible sensor resolution is trusted. */
		if (unit != RESUNIT_NONE && dpi >= 250.0f && dpi <= 1500.0f)
			img->dpi = (uint32_t)(dpi + 0.5f);
	}
	if ((img->px = malloc((size_t)w * h)) == NULL) {
		rc = AMANA_ERR_NOMEM;
		goto out;
	}
	for (uint32_t y = 0; y < h; y++)
		if (TIFFReadScanline(t, img->px + (size_t)y * w, y, 0) != 1) {
			free(img->px);
			img->px = NULL;
			goto out;
		}
	if (photo == PHOTOMETRIC_MINISWHITE)
		for (size_t i = 0; i < (size_t)w * h; i++)
			img->px[i] = (uint8_t)(255u - img->px[i]);
	img->w = w;
	img->h = h;
	rc = AMANA_OK;
out:
	TIFFClose(t);
	return rc;
}

/* Reads one header number of a PGM, skipping blanks and '#' comments. */
static int pgm_number(FILE *f, uint32_t *v)
{
	int c;
	for (;;) {
		c = fgetc(f);
		if (c == '#') {
			while (c != '\n' && c != EOF)
				c = fgetc(f);
		} else if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
			break;
		}
	}
	uint32_t n = 0;
	int digits = 0;
	while (c >= '0' && c <= '9' && digits < 6) {
		n = n * 10u + (uint32_t)(c - '0');
		digits++;
		c = fgetc(f);
	}
	if (digits == 0 || digits == 6)
		return AMANA_ERR_SENSOR_IMAGE;
	*v = n; /* c is the single blank that ends the number */
	return AMANA_OK;
}

static int read_pgm(FILE *f, grey_image_t *img)
{
	uint32_t w, h, maxval;
	if (fgetc(f) != 'P' || fgetc(f) != '5' || pgm_number(f, &w) != AMANA_OK ||
	    pgm_number(f, &h) != AMANA_OK || pgm_number(f, &maxval) != AMANA_OK)
		return AMANA_ERR_SENSOR_IMAGE;
	if (w < 16 || h < 16 || w > SENSOR_MAX_SIDE || h > SENSOR_MAX_SIDE ||
	    maxval == 0 || maxval > 255)
		return AMANA_ERR_SENSOR_IMAGE;
	size_t n = (size_t)w * h;
	if ((img->px = malloc(n)) == NULL)
		return AMANA_ERR_NOMEM;
	if (fread(img->px, 1, n, f) != n) {
		free(img->px);
		img->px = NULL;
		return AMANA_ERR_SENSOR_IMAGE;
	}
	if (maxval != 255)
		for (size_t i = 0; i < n; i++)
			img->px[i] = (uint8_t)((img->px[i] > maxval ? maxval : img->px[i]) * 255u / maxval);
	img->w = w;
	img->h = h;
	img->dpi = SENSOR_DEFAULT_DPI;
	return AMANA_OK;
}

static int read_grey(const char *path, grey_image_t *img)
{
	uint8_t magic[4] = {0};
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return AMANA_ERR_IO;
	size_t got = fread(magic, 1, sizeof(magic), f);
	int rc;
	if (got >= 2 && magic[0] == 'P' && magic[1] == '5') {
		rewind(f);
		rc = read_pgm(f, img);
		fclose(f);
		return rc;
	}
	fclose(f);
	if (got == 4 && ((magic[0] == 'I' && magic[1] == 'I' && magic[2] == 42) ||
	    (magic[0] == 'M' && magic[1] == 'M' && magic[3] == 42)))
		return read_tiff(path, img);
	return AMANA_ERR_SENSOR_IMAGE;
}

static int capture_finger(const char *path, uint8_t *out, size_t cap,
    size_t *len, int *quality)
{
	grey_image_t img = {0};
	int rc = read_grey(path, &img);
	if (rc != AMANA_OK)
		return rc;
	amana_fp_template_t *t = calloc(1, sizeof(*t));
	if (t == NULL) {
		free(img.px);
		return AMANA_ERR_NOMEM;
	}
	int q = 0;
	rc = amana_fp_extract(img.px, img.w, img.h, img.dpi, t, &q);
	free(img.px);
	if (rc == AMANA_OK && t->count == 0)
		rc = AMANA_ERR_SENSOR_QUALITY; /* no ridge at all: nothing touched */
	if (rc == AMANA_OK)
		rc = amana_fp_template_pack(t, out, cap, len);
	free(t);
	if (rc == AMANA_OK && quality != NULL)
		*quality = q;
	return rc;
}

static int capture_face(amana_sensor_t *s, const char *path, uint8_t *out,
    size_t *len, int *quality)
{
	int rc;
	if (s->face == NULL && (rc = amana_face_engine_new(&s->face, s->model_dir)) != AMANA_OK)
		return rc;
	amana_face_report_t why;
	memset(&why, 0, sizeof(why));
	rc = amana_face_template_from_file(s->face, path, out, &why);
	if (rc != AMANA_OK)
		return rc;
	*len = AMANA_FACE_TEMPLATE_BYTES;
	if (quality != NULL)
		*quality = 100; /* the face engine refuses what it cannot use */
	return AMANA_OK;
}

int amana_sensor_capture(amana_sensor_t *s, const char *path,
    uint8_t modality, uint8_t *out, size_t cap, size_t *len, int *quality)
{
	if (s == NULL || path == NULL || out == NULL || len == NULL ||
	    cap < AMANA_SENSOR_SAMPLE_MAX)
		return AMANA_ERR_ARG;
	*len = 0;
	if (modality == AMANA_SENSOR_FINGER)
		return capture_finger(path, out, cap, len, quality);
	if (modality == AMANA_SENSOR_FACE)
		return capture_face(s, path, out, len, quality);
	return AMANA_ERR_ARG;
}
