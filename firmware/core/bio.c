/* bio.c: authenticatorBioEnrollment for the fingerprint modality (CTAP 2.1,
 * section 6.7; command 0x09 and libfido2's prototype 0x40).
 *
 * An enrolment captures BIO_ENROLL_SAMPLES good impressions; each arrives
 * from the sensor as a packed template and is held (packed) in the state.
 * A sample that is too poor, or that matches a finger already enrolled, is
 * reported in lastEnrollSampleStatus and not counted. After the last one,
 * bio_fp_select keeps the 1..3 most representative impressions within the
 * storage budget and the finger is written as one atomic record. */
#include <string.h>

#include "amana/err.h"
#include "bio_req.h"
#include "bio_state.h"
#include "tcbor.h"
#include "ctap.h"
#include "uv.h"

/* True when the probe in scratch matches a finger already enrolled. */
static bool matches_enrolled(token_t *t)
{
	bio_scratch_t *s = bio_scratch();
	const bio_state_t *b = bio_state(t);
	for (uint8_t slot = 0; slot < BIO_MAX_FINGERS; slot++) {
		bio_rec_view_t v;
		if ((b->fingers & (1u << slot)) == 0 ||
		    bio_rec_load(t, TOKEN_MODALITY_FINGER, slot, &v) != AMANA_OK)
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

/* Takes one sample for the enrolment in progress; *status gets the
 * lastEnrollSampleStatus. Returns a CTAP status (a missing finger is
 * CTAP2_ERR_USER_ACTION_TIMEOUT). */
static int capture(token_t *t, const bio_req_t *r, uint8_t *status)
{
	bio_state_t *b = bio_state(t);
	bio_scratch_t *s = bio_scratch();
	uint32_t timeout = BIO_CAPTURE_TIMEOUT_MS;
	if (r->has_timeout && r->timeout_ms < timeout)
		timeout = (uint32_t)r->timeout_ms;
	if (b->enroll.count >= BIO_ENROLL_SAMPLES)
		return CTAP1_ERR_OTHER; /* finish() ends every full enrolment */
	token_keepalive(t, 2);
	uint8_t mod = 0;
	size_t len = 0;
	int rc = t->hal.sensor_take(t->hal.ctx, timeout, &mod, s->probe,
	    sizeof(s->probe), &len);
	if (rc != AMANA_OK || len == 0 || len > sizeof(s->probe))
		return token_cancelled(t) ? CTAP2_ERR_KEEPALIVE_CANCEL
		    : CTAP2_ERR_USER_ACTION_TIMEOUT;
	*status = BIO_FEEDBACK_POOR_QUALITY;
	if (mod == TOKEN_MODALITY_FINGER && len <= BIO_FP_PACKED_MAX &&
	    bio_fp_probe_load(&s->work, s->probe, len, true) == AMANA_OK) {
		if (matches_enrolled(t)) {
			*status = BIO_FEEDBACK_EXISTS;
		} else {
			memcpy(b->enroll.sample[b->enroll.count], s->probe, len);
			b->enroll.len[b->enroll.count] = (uint16_t)len;
			b->enroll.count++;
			*status = BIO_FEEDBACK_GOOD;
		}
	}
	memset(s->probe, 0, sizeof(s->probe));
	return CTAP2_OK;
}

/* Chooses the references and stores the finger. */
static int finish(token_t *t)
{
	bio_state_t *b = bio_state(t);
	bio_scratch_t *s = bio_scratch();
	const uint8_t *samples[BIO_ENROLL_SAMPLES];
	uint8_t order[BIO_ENROLL_SAMPLES];
	size_t kept = 0;
	for (size_t i = 0; i < BIO_ENROLL_SAMPLES; i++)
		samples[i] = b->enroll.sample[i];
	if (bio_fp_select(&s->work, samples, b->enroll.len, b->enroll.count,
	    BIO_REC_TEMPLATE_BUDGET, BIO_REC_MAX_TEMPLATES, order, &kept) != AMANA_OK)
		return CTAP1_ERR_OTHER;
	bio_rec_view_t v;
	memset(&v, 0, sizeof(v));
	v.modality = TOKEN_MODALITY_FINGER;
	v.slot = b->enroll.slot;
	v.id[0] = (uint8_t)(b->enroll.slot + 1u);
	v.id[1] = b->enroll.nonce;
	v.count = (uint8_t)kept;
	for (size_t i = 0; i < kept; i++) {
		v.tmpl[i] = b->enroll.sample[order[i]];
		v.tmpl_len[i] = b->enroll.len[order[i]];
	}
	return bio_commit(t, &v);
}

static int enroll_reply(bio_state_t *b, bool with_id, uint8_t status,
    uint8_t *resp, size_t cap, size_t *resp_len)
{
	tcbor_w_t w;
	tcbor_w_init(&w, resp, cap);
	tcbor_put_map(&w, with_id ? 3 : 2);
	if (with_id) {
		const uint8_t id[BIO_ID_LEN] = {(uint8_t)(b->enroll.slot + 1u),
		    b->enroll.nonce};
		tcbor_put_uint(&w, 0x04);
		tcbor_put_bytes(&w, id, sizeof(id));
	}
	tcbor_put_uint(&w, 0x05);
	tcbor_put_uint(&w, status);
	tcbor_put_uint(&w, 0x06);
	tcbor_put_uint(&w, BIO_ENROLL_SAMPLES - b->enroll.count);
	if (w.err)
		return CTAP1_ERR_OTHER;
	*resp_len = w.len;
	return CTAP2_OK;
}

static int enroll_step(token_t *t, const bio_req_t *r, bool begin,
    uint8_t *resp, size_t cap, size_t *resp_len)
{
	bio_state_t *b = bio_state(t);
	if (begin) {
		int slot = bio_free_slot(t, TOKEN_MODALITY_FINGER);
		if (slot < 0)
			return BIO_CTAP2_ERR_FP_DATABASE_FULL;
		bio_enroll_abort(b);
		uint8_t nonce = bio_nonce(t);
		if (nonce == 0)
			return CTAP1_ERR_OTHER;
		b->enroll.active = true;
		b->enroll.slot = (uint8_t)slot;
		b->enroll.nonce = nonce;
	} else {
		if (!b->enroll.active)
			return CTAP2_ERR_NOT_ALLOWED;
		if (!r->has_id)
			return CTAP2_ERR_MISSING_PARAMETER;
		if (r->id_len != BIO_ID_LEN || r->id[0] != b->enroll.slot + 1u ||
		    r->id[1] != b->enroll.nonce)
			return CTAP2_ERR_INVALID_OPTION;
	}
	uint8_t status = BIO_FEEDBACK_NO_USER_ACTIVITY;
	int rc = capture(t, r, &status);
	if (rc != CTAP2_OK) {
		if (begin)
			bio_enroll_abort(b);
		return rc;
	}
	if (b->enroll.count == BIO_ENROLL_SAMPLES) {
		rc = finish(t);
		if (rc == CTAP2_OK)
			rc = enroll_reply(b, begin, status, resp, cap, resp_len);
		bio_enroll_abort(b);
		return rc;
	}
	return enroll_reply(b, begin, status, resp, cap, resp_len);
}

static int sensor_info(uint8_t *resp, size_t cap, size_t *resp_len)
{
	tcbor_w_t w;
	tcbor_w_init(&w, resp, cap);
	tcbor_put_map(&w, 3);
	tcbor_put_uint(&w, 0x02); /* fingerprintKind: touch */
	tcbor_put_uint(&w, 1);
	tcbor_put_uint(&w, 0x03); /* maxCaptureSamplesRequiredForEnroll */
	tcbor_put_uint(&w, BIO_ENROLL_SAMPLES);
	tcbor_put_uint(&w, 0x08); /* maxTemplateFriendlyName */
	tcbor_put_uint(&w, BIO_NAME_MAX);
	if (w.err)
		return CTAP1_ERR_OTHER;
	*resp_len = w.len;
	return CTAP2_OK;
}

int token_bio_command(token_t *t, uint8_t cmd, const uint8_t *req, size_t len,
    uint8_t *resp, size_t cap, size_t *resp_len)
{
	(void)cmd; /* 0x09 and the 0x40 prototype are the same command */
	*resp_len = 0;
	if (!token_uv_supported(t))
		return CTAP1_ERR_INVALID_COMMAND;
	bio_req_t r;
	int rc = bio_req_parse(req, len, &r);
	if (rc != CTAP2_OK)
		return rc;
	if (r.get_modality) {
		tcbor_w_t w;
		tcbor_w_init(&w, resp, cap);
		tcbor_put_map(&w, 1);
		tcbor_put_uint(&w, 0x01);
		tcbor_put_uint(&w, TOKEN_MODALITY_FINGER);
		*resp_len = w.err ? 0 : w.len;
		return w.err ? CTAP1_ERR_OTHER : CTAP2_OK;
	}
	if (!r.has_modality || !r.has_sub)
		return CTAP2_ERR_MISSING_PARAMETER;
	if (r.modality != TOKEN_MODALITY_FINGER)
		return CTAP2_ERR_UNSUPPORTED_OPTION;
	if (r.sub == BIO_SUB_SENSOR_INFO)
		return sensor_info(resp, cap, resp_len);
	if (r.sub == BIO_SUB_ENROLL_CANCEL) {
		bio_enroll_abort(bio_state(t));
		return CTAP2_OK;
	}
	if (r.sub < BIO_SUB_ENROLL_BEGIN || r.sub > BIO_SUB_REMOVE)
		return CTAP2_ERR_INVALID_SUBCOMMAND;
	if ((rc = bio_req_auth(t, &r, TOKEN_MODALITY_FINGER)) != CTAP2_OK)
		return rc;
	switch (r.sub) {
	case BIO_SUB_ENROLL_BEGIN:
		rc = enroll_step(t, &r, true, resp, cap, resp_len);
		break;
	case BIO_SUB_ENROLL_NEXT:
		rc = enroll_step(t, &r, false, resp, cap, resp_len);
		break;
	case BIO_SUB_ENUMERATE:
		rc = bio_enumerate(t, TOKEN_MODALITY_FINGER, resp, cap, resp_len);
		break;
	case BIO_SUB_SET_NAME:
		rc = bio_set_name(t, TOKEN_MODALITY_FINGER, &r);
		break;
	default:
		rc = bio_remove(t, TOKEN_MODALITY_FINGER, &r);
		break;
	}
	bio_scratch_wipe();
	return rc;
}
