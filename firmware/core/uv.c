/* uv.c: built-in user verification by the matcher, and the UV retry policy
 * (firmware B; contract in uv.h, decision rule in bio_match.h).
 *
 * Retry policy (docs/0651-uv-decision.md): BIO_UV_RETRIES_MAX attempts,
 * then UV is blocked until a correct PIN (token_uv_pin_ok) or a reset. The
 * counter is decremented and STORED before the comparison runs, and put
 * back only after a match: cutting the power while the token compares (or
 * just after a mismatch was seen) costs the attacker an attempt. */
#include "uv.h"

#include <string.h>

#include "amana/err.h"
#include "bio_state.h"
#include "ctap.h"

/* FIDO registry of types, USER_VERIFY_* (getInfo uvModality). */
#define UV_MODALITY_FINGERPRINT 0x00000002u
#define UV_MODALITY_FACEPRINT 0x00000010u

static bio_scratch_t scratch;

bio_scratch_t *bio_scratch(void)
{
	return &scratch;
}

void bio_scratch_wipe(void)
{
	volatile uint8_t *p = (volatile uint8_t *)&scratch;
	for (size_t i = 0; i < sizeof(scratch); i++)
		p[i] = 0;
}

bio_state_t *bio_state(token_t *t)
{
	return (bio_state_t *)(void *)t->bio_state;
}

const bio_state_t *bio_state_const(const token_t *t)
{
	return (const bio_state_t *)(const void *)t->bio_state;
}

void bio_enroll_abort(bio_state_t *b)
{
	/* Samples are biometric data: wipe them, not just forget them. */
	volatile uint8_t *p = (volatile uint8_t *)&b->enroll;
	for (size_t i = 0; i < sizeof(b->enroll); i++)
		p[i] = 0;
}

uint8_t bio_nonce(token_t *t)
{
	for (int i = 0; i < 8; i++) {
		uint8_t n = 0;
		if (t->hal.rng(t->hal.ctx, &n, 1) != AMANA_OK)
			return 0;
		if (n != 0)
			return n;
	}
	return 0;
}

static int note_enrolment(void *arg, uint16_t key, uint16_t len)
{
	bio_state_t *b = arg;
	(void)len;
	if (key >= STORE_KEY_BIO_FIRST && key < STORE_KEY_BIO_FIRST + BIO_MAX_FINGERS)
		b->fingers = (uint8_t)(b->fingers | (1u << (key - STORE_KEY_BIO_FIRST)));
	else if (key >= STORE_KEY_FACE_FIRST && key < STORE_KEY_FACE_FIRST + BIO_MAX_FACES)
		b->faces = (uint8_t)(b->faces | (1u << (key - STORE_KEY_FACE_FIRST)));
	return 0;
}

void bio_state_load(token_t *t)
{
	bio_state_t *b = bio_state(t);
	memset(b, 0, sizeof(*b));
	b->magic = BIO_STATE_MAGIC;
	(void)store_foreach(&t->store, STORE_KEY_BIO_FIRST, STORE_KEY_BIO_LAST,
	    note_enrolment, b);
	(void)store_foreach(&t->store, STORE_KEY_FACE_FIRST, STORE_KEY_FACE_LAST,
	    note_enrolment, b);
	uint8_t v[2];
	size_t n = 0;
	b->uv_retries = BIO_UV_RETRIES_MAX;
	if (store_get(&t->store, BIO_KEY_UV_RETRIES, v, sizeof(v), &n) == AMANA_OK) {
		/* A damaged counter fails closed: blocked until the PIN. */
		b->uv_retries = (n == 2 && v[0] == 1 && v[1] <= BIO_UV_RETRIES_MAX)
		    ? v[1] : 0;
	}
}

int bio_uv_retries_store(token_t *t, uint8_t retries)
{
	bio_state_t *b = bio_state(t);
	const uint8_t v[2] = {1, retries};
	int rc = store_put(&t->store, BIO_KEY_UV_RETRIES, v, sizeof(v));
	if (rc == AMANA_OK)
		b->uv_retries = retries;
	return rc;
}

int bio_rec_load(token_t *t, uint8_t modality, uint8_t slot, bio_rec_view_t *v)
{
	bio_scratch_t *s = bio_scratch();
	size_t n = 0;
	int rc = store_get(&t->store, bio_rec_key(modality, slot), s->rec,
	    sizeof(s->rec), &n);
	if (rc != AMANA_OK)
		return rc;
	rc = bio_rec_parse(s->rec, n, v);
	if (rc == AMANA_OK && (v->modality != modality || v->slot != slot))
		rc = AMANA_ERR_FORMAT;
	return rc;
}

void token_uv_init(token_t *t)
{
	bio_state_load(t);
}

void token_uv_on_reset(token_t *t)
{
	bio_state_load(t);
}

void token_uv_pin_ok(token_t *t)
{
	/* A failed write leaves UV blocked: the next correct PIN retries. */
	if (bio_state(t)->uv_retries != BIO_UV_RETRIES_MAX &&
	    bio_uv_retries_store(t, BIO_UV_RETRIES_MAX) != AMANA_OK)
		return;
}

bool token_uv_supported(const token_t *t)
{
	return t->hal.sensor_take != NULL;
}

bool token_uv_enrolled(const token_t *t)
{
	const bio_state_t *b = bio_state_const(t);
	return b->fingers != 0 || b->faces != 0;
}

bool token_uv_fingers_enrolled(const token_t *t)
{
	return bio_state_const(t)->fingers != 0;
}

uint32_t token_uv_modality(const token_t *t)
{
	return token_uv_supported(t)
	    ? UV_MODALITY_FINGERPRINT | UV_MODALITY_FACEPRINT : 0;
}

uint8_t token_uv_retries(const token_t *t)
{
	return bio_state_const(t)->uv_retries;
}

/* Compares the probe in scratch with every enrolled reference of its
 * modality; true on the first accepted one. Errors count as no match. */
static bool probe_matches(token_t *t, uint8_t modality, size_t len)
{
	bio_scratch_t *s = bio_scratch();
	const bio_state_t *b = bio_state(t);
	bio_rec_view_t v;
	if (modality == TOKEN_MODALITY_FINGER) {
		if (bio_fp_probe_load(&s->work, s->probe, len, false) != AMANA_OK)
			return false;
		for (uint8_t slot = 0; slot < BIO_MAX_FINGERS; slot++) {
			if ((b->fingers & (1u << slot)) == 0 ||
			    bio_rec_load(t, modality, slot, &v) != AMANA_OK)
				continue;
			for (uint8_t i = 0; i < v.count; i++) {
				float score;
				if (bio_fp_score_ref(&s->work, v.tmpl[i], v.tmpl_len[i],
				    &score) == AMANA_OK && bio_fp_accept(score))
					return true;
			}
		}
		return false;
	}
	if (modality != TOKEN_MODALITY_FACE || len != AMANA_FACE_TEMPLATE_BYTES)
		return false;
	for (uint8_t slot = 0; slot < BIO_MAX_FACES; slot++) {
		if ((b->faces & (1u << slot)) == 0 ||
		    bio_rec_load(t, modality, slot, &v) != AMANA_OK)
			continue;
		for (uint8_t i = 0; i < v.count; i++) {
			float cosine;
			if (v.tmpl_len[i] == AMANA_FACE_TEMPLATE_BYTES &&
			    bio_face_score(s->probe, v.tmpl[i], &cosine) == AMANA_OK &&
			    bio_face_accept(cosine))
				return true;
		}
	}
	return false;
}

int token_uv_verify(token_t *t, uint8_t *modality)
{
	bio_state_t *b = bio_state(t);
	bio_scratch_t *s = bio_scratch();
	if (modality != NULL)
		*modality = 0;
	if (!token_uv_supported(t) || !token_uv_enrolled(t))
		return CTAP2_ERR_NOT_ALLOWED;
	if (b->uv_retries == 0)
		return CTAP2_ERR_UV_BLOCKED;
	/* UV is another command: an enrolment in progress ends here. */
	bio_enroll_abort(b);
	token_keepalive(t, 2);
	uint8_t mod = 0;
	size_t len = 0;
	int rc = t->hal.sensor_take(t->hal.ctx, BIO_CAPTURE_TIMEOUT_MS, &mod,
	    s->probe, sizeof(s->probe), &len);
	if (rc != AMANA_OK || len == 0 || len > sizeof(s->probe))
		return token_cancelled(t) ? CTAP2_ERR_KEEPALIVE_CANCEL
		    : CTAP2_ERR_USER_ACTION_TIMEOUT;
	if (bio_uv_retries_store(t, (uint8_t)(b->uv_retries - 1u)) != AMANA_OK) {
		memset(s->probe, 0, sizeof(s->probe));
		return CTAP1_ERR_OTHER;
	}
	bool ok = probe_matches(t, mod, len);
	bio_scratch_wipe();
	if (!ok)
		return b->uv_retries == 0 ? CTAP2_ERR_UV_BLOCKED : CTAP2_ERR_UV_INVALID;
	if (bio_uv_retries_store(t, BIO_UV_RETRIES_MAX) != AMANA_OK)
		return CTAP1_ERR_OTHER;
	if (modality != NULL)
		*modality = (uint8_t)mod;
	return CTAP2_OK;
}
