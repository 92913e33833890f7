/* req.c: request handling shared by makeCredential and getAssertion
 * (CTAP 2.1 6.1.2 and 6.2.2, the steps on pinUvAuthParam, options and
 * built-in user verification). */
#include <string.h>

#include "tcbor.h"
#include "core.h"
#include "ctap.h"
#include "uv.h"

int req_options(tcbor_r_t *r, req_common_t *q)
{
	size_t pairs;
	int rc = tcbor_map_keys_unique(*r);
	if (rc == CTAP2_OK)
		rc = tcbor_get_map(r, &pairs);
	if (rc != CTAP2_OK)
		return rc;
	for (size_t i = 0; i < pairs; i++) {
		const uint8_t *k;
		size_t kn;
		bool v;
		if ((rc = tcbor_get_text(r, &k, &kn)) != CTAP2_OK)
			return rc;
		if (!tcbor_peek_is(r, CBOR_SIMPLE)) {
			if ((rc = tcbor_skip(r)) != CTAP2_OK)
				return rc;
			return CTAP2_ERR_CBOR_UNEXPECTED_TYPE;
		}
		if ((rc = tcbor_get_bool(r, &v)) != CTAP2_OK)
			return rc;
		if (tcbor_text_eq(k, kn, "up")) {
			q->up = v;
			q->up_given = true;
		} else if (tcbor_text_eq(k, kn, "uv")) {
			q->uv = v;
		} else if (tcbor_text_eq(k, kn, "rk")) {
			q->rk = v;
			q->rk_given = true;
		}
	}
	return CTAP2_OK;
}

int req_verify_user(token_t *t, req_common_t *q, uint8_t perm,
    const uint8_t rpid_hash[32], uint8_t *flags)
{
	*flags = 0;
	if (q->has_auth && q->auth_len == 0) {
		/* A platform asking "which token?": touch, then say no PIN. */
		if (!token_user_presence(t))
			return token_cancelled(t) ? CTAP2_ERR_KEEPALIVE_CANCEL
						  : CTAP2_ERR_OPERATION_DENIED;
		return token_pin_is_set(t) ? CTAP2_ERR_PIN_INVALID
					   : CTAP2_ERR_PIN_NOT_SET;
	}
	if (q->has_auth) {
		if (!q->has_proto)
			return CTAP2_ERR_MISSING_PARAMETER;
		if (q->proto != 2)
			return CTAP1_ERR_INVALID_PARAMETER;
		q->uv = false; /* pinUvAuthParam takes precedence over "uv" */
	}
	if (q->uv && !(token_uv_supported(t) && token_uv_enrolled(t)))
		return CTAP2_ERR_INVALID_OPTION;
	if (q->has_auth) {
		int rc = token_pin_auth_check(t, perm, q->proto, q->cdh, q->cdh_len,
		    q->auth, q->auth_len);
		if (rc == CTAP2_OK)
			rc = pin_check_rpid(t, rpid_hash);
		if (rc != CTAP2_OK)
			return rc;
		*flags |= 0x04;
	} else if (q->uv) {
		uint8_t modality = 0;
		token_keepalive(t, 2);
		int rc = token_uv_verify(t, &modality);
		if (rc != CTAP2_OK)
			return rc;
		*flags |= 0x04;
	}
	return CTAP2_OK;
}

int req_cred_list(tcbor_r_t list, bool (*fn)(void *arg, const uint8_t *id,
    size_t n), void *arg)
{
	size_t items;
	int rc = tcbor_get_array(&list, &items);
	if (rc != CTAP2_OK)
		return rc;
	if (items > CRED_LIST_MAX)
		return CTAP2_ERR_LIMIT_EXCEEDED;
	bool done = false;
	for (size_t i = 0; i < items; i++) {
		size_t pairs;
		const uint8_t *id = NULL;
		size_t idn = 0;
		bool pk = false;
		if ((rc = tcbor_map_keys_unique(list)) != CTAP2_OK ||
		    (rc = tcbor_get_map(&list, &pairs)) != CTAP2_OK)
			return rc;
		for (size_t j = 0; j < pairs; j++) {
			const uint8_t *k, *v;
			size_t kn, vn;
			if ((rc = tcbor_get_text(&list, &k, &kn)) != CTAP2_OK)
				return rc;
			if (tcbor_text_eq(k, kn, "id"))
				rc = tcbor_get_bytes(&list, &id, &idn);
			else if (tcbor_text_eq(k, kn, "type")) {
				rc = tcbor_get_text(&list, &v, &vn);
				pk = rc == CTAP2_OK && tcbor_text_eq(v, vn, "public-key");
			} else
				rc = tcbor_skip(&list);
			if (rc != CTAP2_OK)
				return rc;
		}
		if (id == NULL)
			return CTAP2_ERR_MISSING_PARAMETER;
		if (pk && !done)
			done = fn(arg, id, idn);
	}
	return CTAP2_OK;
}

void req_copy_text(char *dst, size_t max, const uint8_t *p, size_t n)
{
	if (n > max) {
		n = max;
		while (n > 0 && (p[n] & 0xC0) == 0x80) /* not inside a code point */
			n--;
	}
	if (n > 0)
		memcpy(dst, p, n);
	dst[n] = '\0';
}

void req_put_cose_es256(tcbor_w_t *w, const uint8_t pub[64])
{
	tcbor_put_map(w, 5);
	tcbor_put_uint(w, 1);
	tcbor_put_uint(w, 2);  /* kty: EC2 */
	tcbor_put_uint(w, 3);
	tcbor_put_int(w, -7);  /* alg: ES256 */
	tcbor_put_int(w, -1);
	tcbor_put_uint(w, 1);  /* crv: P-256 */
	tcbor_put_int(w, -2);
	tcbor_put_bytes(w, pub, 32);
	tcbor_put_int(w, -3);
	tcbor_put_bytes(w, pub + 32, 32);
}
