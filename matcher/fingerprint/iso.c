/* iso.c: ISO/IEC 19794-2:2005 finger minutiae records, read and write.
 *
 * Record: 24-byte header ("FMR\0", " 20\0", u32 total length, u16 capture
 * equipment, u16 width, u16 height, u16 x/y resolution in pixels/cm, u8
 * views, u8 reserved), then per view a 4-byte header (finger position,
 * view << 4 | impression type, finger quality, minutiae count), 6 bytes a
 * minutia (type << 14 | x, reserved << 14 | y, angle, quality) and a u16
 * extended data length followed by that many bytes, which we skip after
 * checking each block's own length. Every read goes through a bounded
 * cursor so a lying count cannot take us past the end. */
#include <string.h>

#include "amana/err.h"
#include "amana/fp.h"

typedef struct cursor {
	const uint8_t *p;
	size_t left;
} cursor_t;

static int take(cursor_t *c, size_t n, const uint8_t **out)
{
	if (c->left < n)
		return AMANA_ERR_FP_ISO_TRUNCATED;
	*out = c->p;
	c->p += n;
	c->left -= n;
	return AMANA_OK;
}

static unsigned be16(const uint8_t *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

/* ISO resolution is pixels/cm; 197 is 500 dpi. Coordinates are rescaled
 * with integer arithmetic so the result is exact at 197. */
static uint16_t scale_to_500dpi(unsigned v, unsigned res)
{
	/* coordinates have 14 bits: a wider image cannot hold a minutia
	 * beyond 16383, so the template's size stops there too */
	unsigned long s = res == 197 ? v : ((unsigned long)v * 197u + res / 2u) / res;
	return (uint16_t)(s > 16383u ? 16383u : s);
}

/* Sorts by quality, best first, keeping the record's order among equals, so
 * that truncating to AMANA_FP_MAX_MINUTIAE keeps the best ones. */
static void sort_by_quality(amana_fp_minutia_t *m, unsigned total)
{
	for (unsigned i = 1; i < total; i++) {
		amana_fp_minutia_t v = m[i];
		unsigned j = i;
		while (j > 0 && m[j - 1].quality < v.quality) {
			m[j] = m[j - 1];
			j--;
		}
		m[j] = v;
	}
}

static int read_view(cursor_t *c, unsigned w, unsigned h, unsigned xres,
    unsigned yres, amana_fp_template_t *t)
{
	const uint8_t *v;
	int err = take(c, 4, &v);
	if (err != AMANA_OK)
		return err;
	unsigned finger = v[0], view = v[1] >> 4, imp = v[1] & 15u;
	unsigned fq = v[2], count = v[3];
	/* finger positions 0..10; impression types 0..9 (live-scan, non-live,
	 * latent, swipe and contactless codes) */
	if (finger > 10 || imp > 9 || fq > 100)
		return AMANA_ERR_FP_ISO_VIEW;
	/* a count that runs past the end is named as such, before any
	 * minutia is read from the bytes of the next view */
	if ((size_t)count * 6u + 2u > c->left)
		return AMANA_ERR_FP_ISO_TRUNCATED;
	amana_fp_minutia_t all[255];
	for (unsigned i = 0; i < count; i++) {
		const uint8_t *m;
		err = take(c, 6, &m);
		if (err != AMANA_OK)
			return err;
		unsigned type = m[0] >> 6, x = be16(m) & 0x3fffu;
		unsigned y = be16(m + 2) & 0x3fffu, q = m[5];
		/* type 11 is reserved; the 2 bits above y are reserved (zero) */
		if (type == 3 || (m[2] >> 6) != 0 || x >= w || y >= h || q > 100)
			return AMANA_ERR_FP_ISO_MINUTIA;
		all[i].x = scale_to_500dpi(x, xres);
		all[i].y = scale_to_500dpi(y, yres);
		all[i].angle = m[4];
		all[i].type = (uint8_t)(type == 1 ? AMANA_FP_TYPE_ENDING :
		    type == 2 ? AMANA_FP_TYPE_BIFURCATION : AMANA_FP_TYPE_OTHER);
		all[i].quality = (uint8_t)q;
	}
	const uint8_t *e;
	err = take(c, 2, &e);
	if (err != AMANA_OK)
		return err;
	size_t ext = be16(e);
	/* extended data: blocks of (u16 type, u16 length incl. 4-byte header) */
	while (ext > 0) {
		const uint8_t *b;
		if (ext < 4 || take(c, 4, &b) != AMANA_OK)
			return AMANA_ERR_FP_ISO_EXTENDED;
		size_t blen = be16(b + 2);
		if (blen < 4 || blen > ext)
			return AMANA_ERR_FP_ISO_EXTENDED;
		if (take(c, blen - 4, &b) != AMANA_OK)
			return AMANA_ERR_FP_ISO_EXTENDED;
		ext -= blen;
	}
	if (t == NULL)
		return AMANA_OK;
	unsigned n = count;
	if (n > AMANA_FP_MAX_MINUTIAE) {
		sort_by_quality(all, count);
		n = AMANA_FP_MAX_MINUTIAE;
	}
	memset(t, 0, sizeof(*t));
	t->width = scale_to_500dpi(w, xres);
	t->height = scale_to_500dpi(h, yres);
	if (t->width == 0)
		t->width = 1;
	if (t->height == 0)
		t->height = 1;
	t->finger = (uint8_t)finger;
	t->view = (uint8_t)view;
	t->impression = (uint8_t)imp;
	t->quality = (uint8_t)fq;
	t->count = (uint16_t)n;
	for (unsigned i = 0; i < n; i++) {
		t->minutiae[i] = all[i];
		/* rounding may land on the edge after rescaling */
		if (t->minutiae[i].x >= t->width)
			t->minutiae[i].x = (uint16_t)(t->width - 1);
		if (t->minutiae[i].y >= t->height)
			t->minutiae[i].y = (uint16_t)(t->height - 1);
	}
	return AMANA_OK;
}

int amana_fp_iso_read(const uint8_t *rec, size_t len,
    amana_fp_template_t *views, size_t max_views, size_t *nviews,
    amana_fp_iso_info_t *info)
{
	if (rec == NULL || nviews == NULL || (views == NULL && max_views > 0))
		return AMANA_ERR_ARG;
	*nviews = 0;
	cursor_t c = {rec, len};
	const uint8_t *h;
	if (len < 4 || memcmp(rec, "FMR\0", 4) != 0)
		return len < 4 ? AMANA_ERR_FP_ISO_TRUNCATED : AMANA_ERR_FP_ISO_MAGIC;
	int err = take(&c, 24, &h);
	if (err != AMANA_OK)
		return err;
	if (memcmp(h + 4, " 20\0", 4) != 0)
		return AMANA_ERR_FP_ISO_VERSION;
	uint32_t total = be32(h + 8);
	if (total != len)
		return total > len ? AMANA_ERR_FP_ISO_TRUNCATED :
		    AMANA_ERR_FP_ISO_LENGTH;
	unsigned w = be16(h + 14), hh = be16(h + 16);
	unsigned xres = be16(h + 18), yres = be16(h + 20), nv = h[22];
	if (w == 0 || hh == 0 || xres == 0 || yres == 0)
		return AMANA_ERR_FP_ISO_IMAGE;
	if (nv == 0)
		return AMANA_ERR_FP_ISO_VIEWS;
	size_t stored = 0;
	for (unsigned i = 0; i < nv; i++) {
		amana_fp_template_t *t = stored < max_views ? &views[stored] : NULL;
		err = read_view(&c, w, hh, xres, yres, t);
		if (err != AMANA_OK)
			return err;
		if (t != NULL)
			stored++;
	}
	if (c.left != 0)
		return AMANA_ERR_FP_ISO_LENGTH;
	if (info != NULL) {
		info->width = (uint16_t)w;
		info->height = (uint16_t)hh;
		info->xres = (uint16_t)xres;
		info->yres = (uint16_t)yres;
		info->views = (uint8_t)nv;
	}
	*nviews = stored;
	return AMANA_OK;
}

size_t amana_fp_iso_size(const amana_fp_template_t *views, size_t nviews)
{
	size_t n = 24;
	for (size_t i = 0; i < nviews; i++)
		n += 4 + 6 * (size_t)views[i].count + 2;
	return n;
}

static void put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

int amana_fp_iso_write(const amana_fp_template_t *views, size_t nviews,
    uint8_t *out, size_t cap, size_t *len)
{
	if (views == NULL || out == NULL || len == NULL || nviews == 0 ||
	    nviews > 255)
		return AMANA_ERR_ARG;
	unsigned w = 0, h = 0;
	for (size_t i = 0; i < nviews; i++) {
		if (amana_fp_template_check(&views[i]) != AMANA_OK)
			return AMANA_ERR_ARG;
		if (views[i].width > w)
			w = views[i].width;
		if (views[i].height > h)
			h = views[i].height;
	}
	size_t need = amana_fp_iso_size(views, nviews);
	if (cap < need)
		return AMANA_ERR_BUFFER;
	memcpy(out, "FMR\0 20\0", 8);
	out[8] = (uint8_t)(need >> 24);
	out[9] = (uint8_t)(need >> 16);
	out[10] = (uint8_t)(need >> 8);
	out[11] = (uint8_t)need;
	put16(out + 12, 0); /* capture equipment: unknown */
	put16(out + 14, w);
	put16(out + 16, h);
	put16(out + 18, 197);
	put16(out + 20, 197);
	out[22] = (uint8_t)nviews;
	out[23] = 0;
	uint8_t *p = out + 24;
	for (size_t i = 0; i < nviews; i++) {
		const amana_fp_template_t *t = &views[i];
		p[0] = t->finger;
		p[1] = (uint8_t)(t->view << 4 | t->impression);
		p[2] = t->quality;
		p[3] = (uint8_t)t->count;
		p += 4;
		for (unsigned k = 0; k < t->count; k++, p += 6) {
			const amana_fp_minutia_t *m = &t->minutiae[k];
			unsigned type = m->type == AMANA_FP_TYPE_ENDING ? 1u :
			    m->type == AMANA_FP_TYPE_BIFURCATION ? 2u : 0u;
			put16(p, type << 14 | m->x);
			put16(p + 2, m->y);
			p[4] = m->angle;
			p[5] = m->quality;
		}
		put16(p, 0);
		p += 2;
	}
	*len = need;
	return AMANA_OK;
}
