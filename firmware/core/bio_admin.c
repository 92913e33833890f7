/* bio_admin.c: enumerate, rename and remove enrolments, for fingers and
 * faces alike (contract in bio_req.h). Responses carry template IDs and
 * names only: the references themselves never leave the token. */
#include <string.h>

#include "amana/err.h"
#include "bio_req.h"
#include "bio_state.h"
#include "tcbor.h"
#include "ctap.h"

static uint8_t mask_of(const bio_state_t *b, uint8_t modality)
{
	return modality == TOKEN_MODALITY_FACE ? b->faces : b->fingers;
}

static uint8_t max_of(uint8_t modality)
{
	return modality == TOKEN_MODALITY_FACE ? (uint8_t)BIO_MAX_FACES
					       : (uint8_t)BIO_MAX_FINGERS;
}

int bio_free_slot(token_t *t, uint8_t modality)
{
	uint8_t m = mask_of(bio_state(t), modality);
	for (uint8_t i = 0; i < max_of(modality); i++)
		if ((m & (1u << i)) == 0)
			return i;
	return -1;
}

/* Finds the enrolment a host's template ID names and loads it. */
static int find_id(token_t *t, uint8_t modality, const bio_req_t *r,
    bio_rec_view_t *v)
{
	if (!r->has_id)
		return CTAP2_ERR_MISSING_PARAMETER;
	if (r->id_len != BIO_ID_LEN || r->id[0] == 0 || r->id[0] > max_of(modality))
		return CTAP2_ERR_INVALID_OPTION;
	uint8_t slot = (uint8_t)(r->id[0] - 1u);
	if ((mask_of(bio_state(t), modality) & (1u << slot)) == 0 ||
	    bio_rec_load(t, modality, slot, v) != AMANA_OK || v->id[1] != r->id[1])
		return CTAP2_ERR_INVALID_OPTION;
	return CTAP2_OK;
}

int bio_enumerate(token_t *t, uint8_t modality, uint8_t *resp, size_t cap,
    size_t *resp_len)
{
	uint8_t m = mask_of(bio_state(t), modality);
	size_t n = 0;
	for (uint8_t i = 0; i < max_of(modality); i++)
		n += (m >> i) & 1u;
	if (n == 0)
		return CTAP2_ERR_INVALID_OPTION; /* CTAP 2.1: none enrolled */
	tcbor_w_t w;
	tcbor_w_init(&w, resp, cap);
	tcbor_put_map(&w, 1);
	tcbor_put_uint(&w, 0x07); /* templateInfos */
	tcbor_put_array(&w, n);
	for (uint8_t i = 0; i < max_of(modality); i++) {
		bio_rec_view_t v;
		if ((m & (1u << i)) == 0)
			continue;
		if (bio_rec_load(t, modality, i, &v) != AMANA_OK)
			return CTAP2_ERR_INTEGRITY_FAILURE;
		tcbor_put_map(&w, v.name_len > 0 ? 2 : 1);
		tcbor_put_uint(&w, 0x01);
		tcbor_put_bytes(&w, v.id, BIO_ID_LEN);
		if (v.name_len > 0) {
			tcbor_put_uint(&w, 0x02);
			tcbor_put_textn(&w, (const char *)v.name, v.name_len);
		}
	}
	if (w.err)
		return CTAP2_ERR_REQUEST_TOO_LARGE;
	*resp_len = w.len;
	return CTAP2_OK;
}

int bio_set_name(token_t *t, uint8_t modality, const bio_req_t *r)
{
	bio_rec_view_t v;
	if (!r->has_name)
		return CTAP2_ERR_MISSING_PARAMETER;
	if (r->name_len > BIO_NAME_MAX)
		return CTAP2_ERR_LIMIT_EXCEEDED;
	int rc = find_id(t, modality, r, &v);
	if (rc != CTAP2_OK)
		return rc;
	v.name = r->name;
	v.name_len = (uint8_t)r->name_len;
	return bio_commit(t, &v);
}

int bio_remove(token_t *t, uint8_t modality, const bio_req_t *r)
{
	bio_rec_view_t v;
	int rc = find_id(t, modality, r, &v);
	if (rc != CTAP2_OK)
		return rc;
	if (store_del(&t->store, bio_rec_key(modality, v.slot)) != AMANA_OK)
		return CTAP1_ERR_OTHER;
	bio_state_t *b = bio_state(t);
	if (modality == TOKEN_MODALITY_FACE)
		b->faces = (uint8_t)(b->faces & ~(1u << v.slot));
	else
		b->fingers = (uint8_t)(b->fingers & ~(1u << v.slot));
	return CTAP2_OK;
}

int bio_commit(token_t *t, const bio_rec_view_t *v)
{
	bio_state_t *b = bio_state(t);
	/* The record is built into whichever buffer v's templates are not
	 * in: the scratch record buffer holds them for a rename (then the
	 * enrolment sample area is free, after ending any enrolment), the
	 * sample area or the probe buffer for a new enrolment. */
	bio_scratch_t *s = bio_scratch();
	const uint8_t *src = v->count > 0 ? v->tmpl[0] : NULL;
	bool from_rec = src >= s->rec && src < s->rec + sizeof(s->rec);
	uint8_t *out = from_rec ? &b->enroll.sample[0][0] : s->rec;
	size_t cap = from_rec ? sizeof(b->enroll.sample) : sizeof(s->rec);
	if (from_rec && b->enroll.active)
		bio_enroll_abort(b); /* renaming ends an enrolment in progress */
	size_t len;
	if (bio_rec_build(v, out, cap, &len) != AMANA_OK)
		return CTAP1_ERR_OTHER;
	int rc = store_put(&t->store, bio_rec_key(v->modality, v->slot), out, len);
	memset(out, 0, len);
	if (rc == AMANA_ERR_NOSPACE)
		return BIO_CTAP2_ERR_FP_DATABASE_FULL;
	if (rc != AMANA_OK)
		return CTAP1_ERR_OTHER;
	if (v->modality == TOKEN_MODALITY_FACE)
		b->faces = (uint8_t)(b->faces | (1u << v->slot));
	else
		b->fingers = (uint8_t)(b->fingers | (1u << v->slot));
	return CTAP2_OK;
}
