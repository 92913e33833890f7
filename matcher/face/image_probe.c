/* image_probe.c: header sniffing with a bounded cursor. Every read checks
 * the remaining length first; nothing here allocates. */
#include "image_probe.h"

#include <string.h>

#include "amana/err.h"
#include "amana/face.h"

typedef struct cur {
	const uint8_t *p;
	size_t n;
} cur_t;

static int cur_skip(cur_t *c, size_t k)
{
	if (c->n < k)
		return -1;
	c->p += k;
	c->n -= k;
	return 0;
}

static int cur_u8(cur_t *c, uint32_t *v)
{
	if (c->n < 1)
		return -1;
	*v = c->p[0];
	return cur_skip(c, 1);
}

static int cur_be16(cur_t *c, uint32_t *v)
{
	if (c->n < 2)
		return -1;
	*v = (uint32_t)c->p[0] << 8 | c->p[1];
	return cur_skip(c, 2);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static int probe_png(const uint8_t *b, size_t n, uint32_t *w, uint32_t *h)
{
	if (n < 33 || memcmp(b + 12, "IHDR", 4) != 0 || be32(b + 8) != 13)
		return AMANA_ERR_FACE_IMAGE;
	*w = be32(b + 16);
	*h = be32(b + 20);
	return AMANA_OK;
}

/* Walks the marker segments up to the first SOFn frame header. */
static int probe_jpeg(const uint8_t *b, size_t n, uint32_t *w, uint32_t *h)
{
	cur_t c = {b + 2, n - 2};
	for (;;) {
		uint32_t ff, m, seglen;
		if (cur_u8(&c, &ff) != 0 || ff != 0xFF)
			return AMANA_ERR_FACE_IMAGE;
		do { /* fill bytes */
			if (cur_u8(&c, &m) != 0)
				return AMANA_ERR_FACE_IMAGE;
		} while (m == 0xFF);
		if (m == 0x01 || (m >= 0xD0 && m <= 0xD7))
			continue; /* standalone markers */
		if (m == 0xD8 || m == 0xD9 || m == 0xDA || m == 0x00)
			return AMANA_ERR_FACE_IMAGE; /* no frame header before data */
		if (cur_be16(&c, &seglen) != 0 || seglen < 2)
			return AMANA_ERR_FACE_IMAGE;
		if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC) {
			uint32_t prec;
			if (seglen < 8 || cur_u8(&c, &prec) != 0 || cur_be16(&c, h) != 0 ||
			    cur_be16(&c, w) != 0)
				return AMANA_ERR_FACE_IMAGE;
			return AMANA_OK;
		}
		if (cur_skip(&c, seglen - 2) != 0)
			return AMANA_ERR_FACE_IMAGE;
	}
}

static int probe_bmp(const uint8_t *b, size_t n, uint32_t *w, uint32_t *h)
{
	if (n < 26 || le32(b + 14) < 40)
		return AMANA_ERR_FACE_IMAGE;
	int32_t sw = (int32_t)le32(b + 18), sh = (int32_t)le32(b + 22);
	if (sw <= 0 || sh == 0 || sh == INT32_MIN)
		return AMANA_ERR_FACE_IMAGE;
	*w = (uint32_t)sw;
	*h = (uint32_t)(sh < 0 ? -sh : sh);
	return AMANA_OK;
}

/* One PNM header number after whitespace and '#' comments. */
static int pnm_number(cur_t *c, uint32_t *v)
{
	for (;;) {
		if (c->n == 0)
			return -1;
		uint8_t ch = c->p[0];
		if (ch == '#') {
			while (c->n > 0 && c->p[0] != '\n' && c->p[0] != '\r')
				(void)cur_skip(c, 1);
		} else if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' ||
		    ch == '\v' || ch == '\f') {
			(void)cur_skip(c, 1);
		} else {
			break;
		}
	}
	uint32_t x = 0;
	int digits = 0;
	while (c->n > 0 && c->p[0] >= '0' && c->p[0] <= '9') {
		if (++digits > 9)
			return -1;
		x = x * 10u + (uint32_t)(c->p[0] - '0');
		(void)cur_skip(c, 1);
	}
	if (digits == 0)
		return -1;
	*v = x;
	return 0;
}

static int probe_pnm(const uint8_t *b, size_t n, uint32_t *w, uint32_t *h)
{
	cur_t c = {b + 2, n - 2};
	uint32_t maxval;
	if (pnm_number(&c, w) != 0 || pnm_number(&c, h) != 0 ||
	    pnm_number(&c, &maxval) != 0 || maxval == 0 || maxval > 65535)
		return AMANA_ERR_FACE_IMAGE;
	return AMANA_OK;
}

int face_image_probe(const uint8_t *buf, size_t len, face_image_kind_t *kind,
    uint32_t *w, uint32_t *h)
{
	static const uint8_t png_sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
	if (buf == NULL || kind == NULL || w == NULL || h == NULL)
		return AMANA_ERR_ARG;
	*w = *h = 0;
	if (len > AMANA_FACE_MAX_FILE)
		return AMANA_ERR_LIMIT;
	int rc;
	if (len >= 8 && memcmp(buf, png_sig, 8) == 0) {
		*kind = FACE_IMAGE_PNG;
		rc = probe_png(buf, len, w, h);
	} else if (len >= 3 && buf[0] == 0xFF && buf[1] == 0xD8 && buf[2] == 0xFF) {
		*kind = FACE_IMAGE_JPEG;
		rc = probe_jpeg(buf, len, w, h);
	} else if (len >= 2 && buf[0] == 'B' && buf[1] == 'M') {
		*kind = FACE_IMAGE_BMP;
		rc = probe_bmp(buf, len, w, h);
	} else if (len >= 3 && buf[0] == 'P' && strchr("2356", buf[1]) != NULL &&
	    buf[1] != '\0') {
		*kind = FACE_IMAGE_PNM;
		rc = probe_pnm(buf, len, w, h);
	} else {
		return AMANA_ERR_FACE_IMAGE;
	}
	if (rc != AMANA_OK)
		return rc;
	if (*w == 0 || *h == 0 || *w > AMANA_FACE_MAX_SIDE || *h > AMANA_FACE_MAX_SIDE)
		return AMANA_ERR_LIMIT;
	return AMANA_OK;
}
