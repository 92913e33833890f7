/* face.c: the face vendor command (TOKEN_CMD_VENDOR_FACE), documented in
 * docs/0653-face-vendor-command.md.
 *
 * CTAP 2.1 defines no face modality, so this command mirrors
 * authenticatorBioEnrollment with modality 2 (face): the same request map,
 * sub-command numbers, response keys and pinUvAuthParam rule (the message
 * starts with the modality byte 0x02, so a fingerprint request's MAC can
 * never pass for a face request). Differences: enrollBegin completes in one
 * sample (a face template is already an average over the aligned face),
 * enrollCaptureNextSample and cancel are not needed, sensor info reports
 * one sample. */
#include <string.h>

#include "amana/err.h"
#include "bio_req.h"
#include "bio_state.h"
#include "tcbor.h"
#include "ctap.h"
#include "uv.h"

static int face_enroll(token_t *t, const bio_req_t *r, uint8_t *resp,
    size_t cap, size_t *resp_len)
{
	bio_scratch_t *s = bio_scratch();
	int slot = bio_free_slot(t, TOKEN_MODALITY_FACE);
	if (slot < 0)
		return BIO_CTAP2_ERR_FP_DATABASE_FULL;
	uint8_t nonce = bio_nonce(t);
	if (nonce == 0)
		return CTAP1_ERR_OTHER;
	uint32_t timeout = BIO_CAPTURE_TIMEOUT_MS;
	if (r->has_timeout && r->timeout_ms < timeout)
		timeout = (uint32_t)r->timeout_ms;
	bio_enroll_abort(bio_state(t));
	token_keepalive(t, 2);
	uint8_t mod = 0;
	size_t len = 0;
	int rc = t->hal.sensor_take(t->hal.ctx, timeout, &mod, s->probe,
	    sizeof(s->probe), &len);
	if (rc != AMANA_OK || len == 0 || len > sizeof(s->probe))
		return token_cancelled(t) ? CTAP2_ERR_KEEPALIVE_CANCEL
		    : CTAP2_ERR_USER_ACTION_TIMEOUT;
	uint8_t status = BIO_FEEDBACK_POOR_QUALITY;
	float self = 0.0f;
	/* The self-comparison checks the template's version and that it is a
	 * usable (non-degenerate) embedding before it is kept for years. */
	if (mod == TOKEN_MODALITY_FACE && len == AMANA_FACE_TEMPLATE_BYTES &&
	    bio_face_score(s->probe, s->probe, &self) == AMANA_OK && self > 0.5f) {
		bio_rec_view_t v;
		memset(&v, 0, sizeof(v));
		v.modality = TOKEN_MODALITY_FACE;
		v.slot = (uint8_t)slot;
		v.id[0] = (uint8_t)(slot + 1);
		v.id[1] = nonce;
		v.count = 1;
		v.tmpl[0] = s->probe;
		v.tmpl_len[0] = AMANA_FACE_TEMPLATE_BYTES;
		if (r->has_name && r->name_len <= BIO_NAME_MAX) {
			v.name = r->name;
			v.name_len = (uint8_t)r->name_len;
		}
		rc = bio_commit(t, &v);
		memset(s->probe, 0, sizeof(s->probe));
		if (rc != CTAP2_OK)
			return rc;
		status = BIO_FEEDBACK_GOOD;
	}
	memset(s->probe, 0, sizeof(s->probe));
	tcbor_w_t w;
	tcbor_w_init(&w, resp, cap);
	const uint8_t id[BIO_ID_LEN] = {(uint8_t)(slot + 1), nonce};
	bool good = status == BIO_FEEDBACK_GOOD;
	tcbor_put_map(&w, good ? 3 : 2);
	if (good) {
		tcbor_put_uint(&w, 0x04);
		tcbor_put_bytes(&w, id, sizeof(id));
	}
	tcbor_put_uint(&w, 0x05);
	tcbor_put_uint(&w, status);
	tcbor_put_uint(&w, 0x06);
	tcbor_put_uint(&w, good ? 0 : 1);
	if (w.err)
		return CTAP1_ERR_OTHER;
	*resp_len = w.len;
	return CTAP2_OK;
}

int token_face_command(token_t *t, const uint8_t *req, size_t len,
    uint8_t *resp, size_t cap, size_t *resp_len)
{
	*resp_len = 0;
	if (!token_uv_supported(t))
		return CTAP1_ERR_INVALID_COMMAND;
	bio_req_t r;
	int rc = bio_req_parse(req, len, &r);
	if (rc != CTAP2_OK)
		return rc;
	if (!r.has_modality || !r.has_sub)
		return CTAP2_ERR_MISSING_PARAMETER;
	if (r.modality != TOKEN_MODALITY_FACE)
		return CTAP2_ERR_UNSUPPORTED_OPTION;
	if (r.sub == BIO_SUB_SENSOR_INFO) {
		tcbor_w_t w;
		tcbor_w_init(&w, resp, cap);
		tcbor_put_map(&w, 2);
		tcbor_put_uint(&w, 0x03); /* samples an enrolment needs */
		tcbor_put_uint(&w, 1);
		tcbor_put_uint(&w, 0x08); /* maxTemplateFriendlyName */
		tcbor_put_uint(&w, BIO_NAME_MAX);
		*resp_len = w.err ? 0 : w.len;
		return w.err ? CTAP1_ERR_OTHER : CTAP2_OK;
	}
	if (r.sub != BIO_SUB_ENROLL_BEGIN && r.sub != BIO_SUB_ENUMERATE &&
	    r.sub != BIO_SUB_SET_NAME && r.sub != BIO_SUB_REMOVE)
		return CTAP2_ERR_INVALID_SUBCOMMAND;
	if ((rc = bio_req_auth(t, &r, TOKEN_MODALITY_FACE)) != CTAP2_OK)
		return rc;
	switch (r.sub) {
	case BIO_SUB_ENROLL_BEGIN:
		rc = face_enroll(t, &r, resp, cap, resp_len);
		break;
	case BIO_SUB_ENUMERATE:
		rc = bio_enumerate(t, TOKEN_MODALITY_FACE, resp, cap, resp_len);
		break;
	case BIO_SUB_SET_NAME:
		rc = bio_set_name(t, TOKEN_MODALITY_FACE, &r);
		break;
	default:
		rc = bio_remove(t, TOKEN_MODALITY_FACE, &r);
		break;
	}
	bio_scratch_wipe();
	return rc;
}
