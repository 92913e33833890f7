/* bio_rec.c: (de)serialisation of one enrolment record; layout in
 * bio_rec.h. Parsing trusts nothing: flash can hold a record written by an
 * older firmware or damaged beyond what the store's CRC catches. */
#include "bio_rec.h"

#include <string.h>

#include "amana/err.h"
#include "hal.h"

uint16_t bio_rec_key(uint8_t modality, uint8_t slot)
{
	uint16_t base = modality == TOKEN_MODALITY_FACE ? STORE_KEY_FACE_FIRST
							: STORE_KEY_BIO_FIRST;
	return (uint16_t)(base + slot);
}

int bio_rec_parse(const uint8_t *buf, size_t len, bio_rec_view_t *v)
{
	memset(v, 0, sizeof(*v));
	if (len < BIO_REC_HEADER || buf[0] != BIO_REC_VERSION)
		return AMANA_ERR_FORMAT;
	v->modality = buf[1];
	if (v->modality != TOKEN_MODALITY_FINGER && v->modality != TOKEN_MODALITY_FACE)
		return AMANA_ERR_FORMAT;
	if (buf[2] == 0 || buf[3] == 0)
		return AMANA_ERR_FORMAT;
	v->slot = (uint8_t)(buf[2] - 1u);
	v->id[0] = buf[2];
	v->id[1] = buf[3];
	v->name_len = buf[4];
	v->count = buf[5];
	if (v->name_len > BIO_NAME_MAX || v->count == 0 ||
	    v->count > BIO_REC_MAX_TEMPLATES)
		return AMANA_ERR_FORMAT;
	size_t off = BIO_REC_HEADER;
	if (len - off < v->name_len)
		return AMANA_ERR_FORMAT;
	v->name = buf + off;
	off += v->name_len;
	for (uint8_t i = 0; i < v->count; i++) {
		if (len - off < 2)
			return AMANA_ERR_FORMAT;
		uint16_t l = (uint16_t)(buf[off] | (buf[off + 1] << 8));
		off += 2;
		if (l == 0 || len - off < l)
			return AMANA_ERR_FORMAT;
		v->tmpl[i] = buf + off;
		v->tmpl_len[i] = l;
		off += l;
	}
	return off == len ? AMANA_OK : AMANA_ERR_FORMAT;
}

int bio_rec_build(const bio_rec_view_t *v, uint8_t *out, size_t cap,
    size_t *len)
{
	*len = 0;
	if (v->name_len > BIO_NAME_MAX || v->count == 0 ||
	    v->count > BIO_REC_MAX_TEMPLATES || v->id[0] == 0 || v->id[1] == 0)
		return AMANA_ERR_ARG;
	size_t need = BIO_REC_HEADER + v->name_len;
	for (uint8_t i = 0; i < v->count; i++)
		need += 2u + v->tmpl_len[i];
	if (need > cap)
		return AMANA_ERR_BUFFER;
	out[0] = BIO_REC_VERSION;
	out[1] = v->modality;
	out[2] = v->id[0];
	out[3] = v->id[1];
	out[4] = v->name_len;
	out[5] = v->count;
	size_t off = BIO_REC_HEADER;
	/* memmove: a caller may build a record over the buffer that holds its
	 * sources (renaming in place). */
	if (v->name_len > 0)
		memmove(out + off, v->name, v->name_len);
	off += v->name_len;
	for (uint8_t i = 0; i < v->count; i++) {
		out[off] = (uint8_t)(v->tmpl_len[i] & 0xFFu);
		out[off + 1] = (uint8_t)(v->tmpl_len[i] >> 8);
		memmove(out + off + 2, v->tmpl[i], v->tmpl_len[i]);
		off += 2u + v->tmpl_len[i];
	}
	*len = off;
	return AMANA_OK;
}
