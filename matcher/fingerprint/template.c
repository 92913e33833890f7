/* template.c: invariants of amana_fp_template_t and its compact token form.
 *
 * Layout (version 1, big-endian):
 *   0  'A' 'F'   magic
 *   2  version   AMANA_FP_PACK_VERSION
 *   3  count     minutiae (<= AMANA_FP_MAX_MINUTIAE)
 *   4  width     u16
 *   6  height    u16
 *   8  finger, view << 4 | impression, quality   (3 bytes)
 *  11  count x { type << 14 | x (u16), y (u16), angle, quality }
 * The header is checked field by field so a corrupted token never reaches
 * the comparison with out-of-range coordinates. */
#include "amana/err.h"
#include "amana/fp.h"

#define PACK_HEADER 11u
#define PACK_MINUTIA 6u

_Static_assert(PACK_HEADER + PACK_MINUTIA * AMANA_FP_MAX_MINUTIAE <=
    AMANA_FP_TEMPLATE_MAX_BYTES, "packed template must fit the token limit");
_Static_assert(AMANA_FP_MAX_MINUTIAE <= 255, "count is one byte");

int amana_fp_template_check(const amana_fp_template_t *t)
{
	if (t == NULL)
		return AMANA_ERR_ARG;
	if (t->width == 0 || t->height == 0 || t->width > 16383 ||
	    t->height > 16383 || t->count > AMANA_FP_MAX_MINUTIAE ||
	    t->view > 15 || t->impression > 15 || t->quality > 100)
		return AMANA_ERR_FP_TPL_INVALID;
	for (unsigned i = 0; i < t->count; i++) {
		const amana_fp_minutia_t *m = &t->minutiae[i];
		if (m->x >= t->width || m->y >= t->height ||
		    m->type > AMANA_FP_TYPE_BIFURCATION || m->quality > 100)
			return AMANA_ERR_FP_TPL_INVALID;
	}
	return AMANA_OK;
}

static void put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static unsigned get16(const uint8_t *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

int amana_fp_template_pack(const amana_fp_template_t *t, uint8_t *out,
    size_t cap, size_t *len)
{
	if (t == NULL || out == NULL || len == NULL)
		return AMANA_ERR_ARG;
	if (amana_fp_template_check(t) != AMANA_OK)
		return AMANA_ERR_ARG;
	size_t need = PACK_HEADER + PACK_MINUTIA * (size_t)t->count;
	if (cap < need)
		return AMANA_ERR_BUFFER;
	out[0] = 'A';
	out[1] = 'F';
	out[2] = AMANA_FP_PACK_VERSION;
	out[3] = (uint8_t)t->count;
	put16(out + 4, t->width);
	put16(out + 6, t->height);
	out[8] = t->finger;
	out[9] = (uint8_t)(t->view << 4 | t->impression);
	out[10] = t->quality;
	uint8_t *p = out + PACK_HEADER;
	for (unsigned i = 0; i < t->count; i++, p += PACK_MINUTIA) {
		const amana_fp_minutia_t *m = &t->minutiae[i];
		put16(p, (unsigned)m->type << 14 | m->x);
		put16(p + 2, m->y);
		p[4] = m->angle;
		p[5] = m->quality;
	}
	*len = need;
	return AMANA_OK;
}

int amana_fp_template_unpack(const uint8_t *in, size_t len,
    amana_fp_template_t *t)
{
	if (in == NULL || t == NULL)
		return AMANA_ERR_ARG;
	if (len < 3)
		return AMANA_ERR_TRUNCATED;
	if (in[0] != 'A' || in[1] != 'F')
		return AMANA_ERR_FP_TPL_MAGIC;
	if (in[2] != AMANA_FP_PACK_VERSION)
		return AMANA_ERR_FP_TPL_VERSION;
	if (len < PACK_HEADER)
		return AMANA_ERR_TRUNCATED;
	unsigned count = in[3];
	if (count > AMANA_FP_MAX_MINUTIAE)
		return AMANA_ERR_FP_TPL_INVALID;
	size_t need = PACK_HEADER + PACK_MINUTIA * (size_t)count;
	if (len < need)
		return AMANA_ERR_TRUNCATED;
	if (len > need)
		return AMANA_ERR_FORMAT; /* trailing bytes: not ours */
	amana_fp_template_t tmp = {0};
	tmp.count = (uint16_t)count;
	tmp.width = (uint16_t)get16(in + 4);
	tmp.height = (uint16_t)get16(in + 6);
	tmp.finger = in[8];
	tmp.view = (uint8_t)(in[9] >> 4);
	tmp.impression = (uint8_t)(in[9] & 15u);
	tmp.quality = in[10];
	const uint8_t *p = in + PACK_HEADER;
	for (unsigned i = 0; i < count; i++, p += PACK_MINUTIA) {
		amana_fp_minutia_t *m = &tmp.minutiae[i];
		unsigned tx = get16(p);
		m->type = (uint8_t)(tx >> 14);
		m->x = (uint16_t)(tx & 0x3fffu);
		m->y = (uint16_t)get16(p + 2);
		m->angle = p[4];
		m->quality = p[5];
	}
	int err = amana_fp_template_check(&tmp);
	if (err != AMANA_OK)
		return err;
	*t = tmp;
	return AMANA_OK;
}
