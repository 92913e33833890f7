/* bio_req.c: parsing and authenticating bioEnrollment-shaped requests.
 * Contract in bio_req.h. Every read goes through the core's bounded CBOR
 * cursor; keys must come in canonical (ascending) order, as CTAP2 clients
 * send them, so a duplicate key cannot smuggle a second value past us. */
#include "bio_req.h"

#include <string.h>

#include "bio_state.h"
#include "tcbor.h"
#include "ctap.h"

static int parse_params(const uint8_t *p, size_t n, bio_req_t *r)
{
	tcbor_r_t c = {p, n};
	size_t pairs;
	int rc = tcbor_get_map(&c, &pairs);
	if (rc != CTAP2_OK)
		return rc;
	uint64_t prev = 0;
	for (size_t i = 0; i < pairs; i++) {
		uint64_t key;
		if ((rc = tcbor_get_uint(&c, &key)) != CTAP2_OK)
			return rc;
		if (i > 0 && key <= prev)
			return CTAP2_ERR_INVALID_CBOR;
		prev = key;
		switch (key) {
		case 0x01:
			rc = tcbor_get_bytes(&c, &r->id, &r->id_len);
			r->has_id = true;
			break;
		case 0x02:
			rc = tcbor_get_text(&c, &r->name, &r->name_len);
			r->has_name = true;
			break;
		case 0x03:
			rc = tcbor_get_uint(&c, &r->timeout_ms);
			r->has_timeout = true;
			break;
		default:
			rc = tcbor_skip(&c);
			break;
		}
		if (rc != CTAP2_OK)
			return rc;
	}
	return c.n == 0 ? CTAP2_OK : CTAP2_ERR_INVALID_CBOR;
}

int bio_req_parse(const uint8_t *req, size_t len, bio_req_t *r)
{
	memset(r, 0, sizeof(*r));
	tcbor_r_t c = {req, len};
	size_t pairs;
	if (len == 0)
		return CTAP2_ERR_MISSING_PARAMETER;
	int rc = tcbor_get_map(&c, &pairs);
	if (rc != CTAP2_OK)
		return rc;
	uint64_t prev = 0;
	for (size_t i = 0; i < pairs; i++) {
		uint64_t key;
		if ((rc = tcbor_get_uint(&c, &key)) != CTAP2_OK)
			return rc;
		if (i > 0 && key <= prev)
			return CTAP2_ERR_INVALID_CBOR;
		prev = key;
		tcbor_r_t item;
		switch (key) {
		case 0x01:
			rc = tcbor_get_uint(&c, &r->modality);
			r->has_modality = true;
			break;
		case 0x02:
			rc = tcbor_get_uint(&c, &r->sub);
			r->has_sub = true;
			break;
		case 0x03:
			if (!tcbor_peek_is(&c, CBOR_MAP))
				return CTAP2_ERR_CBOR_UNEXPECTED_TYPE;
			if ((rc = tcbor_get_item(&c, &item)) != CTAP2_OK)
				return rc;
			r->params = item.p;
			r->params_len = item.n;
			r->has_params = true;
			rc = parse_params(item.p, item.n, r);
			break;
		case 0x04:
			rc = tcbor_get_uint(&c, &r->proto);
			r->has_proto = true;
			break;
		case 0x05:
			rc = tcbor_get_bytes(&c, &r->auth, &r->auth_len);
			r->has_auth = true;
			break;
		case 0x06:
			rc = tcbor_get_bool(&c, &r->get_modality);
			break;
		default:
			rc = tcbor_skip(&c);
			break;
		}
		if (rc != CTAP2_OK)
			return rc;
	}
	return c.n == 0 ? CTAP2_OK : CTAP2_ERR_INVALID_CBOR;
}

int bio_req_auth(token_t *t, const bio_req_t *r, uint8_t modality_byte)
{
	if (!r->has_auth)
		return CTAP2_ERR_PUAT_REQUIRED;
	if (!r->has_proto)
		return CTAP2_ERR_MISSING_PARAMETER;
	/* The message is built in the probe buffer: no sample is held while a
	 * request is being authenticated. */
	bio_scratch_t *s = bio_scratch();
	if (r->params_len > sizeof(s->probe) - 2u)
		return CTAP2_ERR_LIMIT_EXCEEDED;
	s->probe[0] = modality_byte;
	s->probe[1] = (uint8_t)r->sub;
	if (r->params_len > 0)
		memcpy(s->probe + 2, r->params, r->params_len);
	int rc = token_pin_auth_check(t, TOKEN_PERM_BE, r->proto, s->probe,
	    2u + r->params_len, r->auth, r->auth_len);
	memset(s->probe, 0, 2u + r->params_len);
	return rc;
}
