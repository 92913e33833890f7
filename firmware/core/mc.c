/* mc.c: authenticatorMakeCredential (CTAP 2.1 6.1): ES256 only, resident
 * and non-resident credentials, packed self attestation, the credProtect
 * and hmac-secret extensions. */
#include <string.h>

#include "amana/err.h"
#include "tcbor.h"
#include "core.h"
#include "crypto.h"
#include "ctap.h"
#include "uv.h"

typedef struct mc_req {
	req_common_t c;
	const uint8_t *rpid;
	size_t rpid_len;
	const uint8_t *uid, *uname, *dname;
	size_t uid_len, uname_len, dname_len;
	bool has_rp, has_user, has_params, es256;
	tcbor_r_t exclude;
	bool has_exclude;
	bool hmac_secret;
	uint64_t cred_protect;
} mc_req_t;

static int parse_rp(tcbor_r_t *r, mc_req_t *q)
{
	size_t pairs;
	int rc = tcbor_map_keys_unique(*r);
	if (rc == CTAP2_OK)
		rc = tcbor_get_map(r, &pairs);
	for (size_t i = 0; rc == CTAP2_OK && i < pairs; i++) {
		const uint8_t *k;
		size_t kn;
		if ((rc = tcbor_get_text(r, &k, &kn)) != CTAP2_OK)
			break;
		if (tcbor_text_eq(k, kn, "id"))
			rc = tcbor_get_text(r, &q->rpid, &q->rpid_len);
		else
			rc = tcbor_skip(r);
	}
	if (rc == CTAP2_OK && q->rpid == NULL)
		rc = CTAP2_ERR_MISSING_PARAMETER;
	return rc;
}

static int parse_user(tcbor_r_t *r, mc_req_t *q)
{
	size_t pairs;
	int rc = tcbor_map_keys_unique(*r);
	if (rc == CTAP2_OK)
		rc = tcbor_get_map(r, &pairs);
	for (size_t i = 0; rc == CTAP2_OK && i < pairs; i++) {
		const uint8_t *k;
		size_t kn;
		if ((rc = tcbor_get_text(r, &k, &kn)) != CTAP2_OK)
			break;
		if (tcbor_text_eq(k, kn, "id"))
			rc = tcbor_get_bytes(r, &q->uid, &q->uid_len);
		else if (tcbor_text_eq(k, kn, "name"))
			rc = tcbor_get_text(r, &q->uname, &q->uname_len);
		else if (tcbor_text_eq(k, kn, "displayName"))
			rc = tcbor_get_text(r, &q->dname, &q->dname_len);
		else
			rc = tcbor_skip(r);
	}
	if (rc == CTAP2_OK && q->uid == NULL)
		rc = CTAP2_ERR_MISSING_PARAMETER;
	if (rc == CTAP2_OK && q->uid_len > CRED_USER_ID_MAX)
		rc = CTAP2_ERR_LIMIT_EXCEEDED;
	return rc;
}

static int parse_params(tcbor_r_t *r, mc_req_t *q)
{
	size_t items;
	int rc = tcbor_get_array(r, &items);
	for (size_t i = 0; rc == CTAP2_OK && i < items; i++) {
		size_t pairs;
		int64_t alg = 0;
		bool pk = false, has_alg = false;
		if ((rc = tcbor_map_keys_unique(*r)) != CTAP2_OK ||
		    (rc = tcbor_get_map(r, &pairs)) != CTAP2_OK)
			break;
		for (size_t j = 0; rc == CTAP2_OK && j < pairs; j++) {
			const uint8_t *k, *v;
			size_t kn, vn;
			if ((rc = tcbor_get_text(r, &k, &kn)) != CTAP2_OK)
				break;
			if (tcbor_text_eq(k, kn, "alg")) {
				rc = tcbor_get_int(r, &alg);
				has_alg = true;
			} else if (tcbor_text_eq(k, kn, "type")) {
				rc = tcbor_get_text(r, &v, &vn);
				pk = rc == CTAP2_OK && tcbor_text_eq(v, vn, "public-key");
			} else
				rc = tcbor_skip(r);
		}
		if (rc == CTAP2_OK && !has_alg)
			rc = CTAP2_ERR_MISSING_PARAMETER;
		if (rc == CTAP2_OK && pk && alg == -7)
			q->es256 = true;
	}
	return rc;
}

static int parse_ext(tcbor_r_t *r, mc_req_t *q)
{
	size_t pairs;
	int rc = tcbor_map_keys_unique(*r);
	if (rc == CTAP2_OK)
		rc = tcbor_get_map(r, &pairs);
	for (size_t i = 0; rc == CTAP2_OK && i < pairs; i++) {
		const uint8_t *k;
		size_t kn;
		if ((rc = tcbor_get_text(r, &k, &kn)) != CTAP2_OK)
			break;
		if (tcbor_text_eq(k, kn, "hmac-secret"))
			rc = tcbor_get_bool(r, &q->hmac_secret);
		else if (tcbor_text_eq(k, kn, "credProtect"))
			rc = tcbor_get_uint(r, &q->cred_protect);
		else
			rc = tcbor_skip(r);
	}
	return rc;
}

static int parse(const uint8_t *req, size_t n, mc_req_t *q)
{
	tcbor_r_t r = {req, n};
	size_t pairs;
	uint64_t prev = 0;
	memset(q, 0, sizeof(*q));
	q->c.up = true;
	int rc = tcbor_get_map(&r, &pairs);
	for (size_t i = 0; rc == CTAP2_OK && i < pairs; i++) {
		uint64_t k;
		if ((rc = tcbor_get_uint(&r, &k)) != CTAP2_OK)
			break;
		/* canonical requests: keys ascending, no duplicates */
		if (i > 0 && k <= prev) {
			rc = CTAP2_ERR_INVALID_CBOR;
			break;
		}
		prev = k;
		switch (k) {
		case 1:
			rc = tcbor_get_bytes(&r, &q->c.cdh, &q->c.cdh_len);
			break;
		case 2:
			rc = parse_rp(&r, q);
			q->has_rp = true;
			break;
		case 3:
			rc = parse_user(&r, q);
			q->has_user = true;
			break;
		case 4:
			rc = parse_params(&r, q);
			q->has_params = true;
			break;
		case 5:
			rc = tcbor_get_item(&r, &q->exclude);
			q->has_exclude = true;
			break;
		case 6:
			rc = parse_ext(&r, q);
			break;
		case 7:
			rc = req_options(&r, &q->c);
			break;
		case 8:
			rc = tcbor_get_bytes(&r, &q->c.auth, &q->c.auth_len);
			q->c.has_auth = true;
			break;
		case 9:
			rc = tcbor_get_uint(&r, &q->c.proto);
			q->c.has_proto = true;
			break;
		default:
			rc = tcbor_skip(&r);
			break;
		}
	}
	if (rc == CTAP2_OK && r.n != 0)
		rc = CTAP2_ERR_INVALID_CBOR;
	return rc;
}

typedef struct excl {
	token_t *t;
	const uint8_t *rpid_hash;
	bool uv;
	bool hit;
} excl_t;

static bool excl_visit(void *arg, const uint8_t *id, size_t n)
{
	excl_t *e = arg;
	cred_t c;
	if (cred_unwrap(e->t, id, n, e->rpid_hash, &c) && (c.prot < 3 || e->uv))
		e->hit = true;
	tc_wipe(&c, sizeof(c));
	return e->hit;
}

static int respond(token_t *t, const mc_req_t *q, cred_t *c, uint8_t flags,
    tcbor_w_t *w)
{
	uint8_t ad[400], pub[64], hash[32], sig[72];
	size_t sig_len = 0;
	uint32_t counter = 0;
	int rc = tc_p256_public(token_rng, t, c->priv, pub);
	if (rc == AMANA_OK)
		rc = counter_next(t, &counter);
	if (rc != AMANA_OK)
		return CTAP1_ERR_OTHER;
	bool ext = q->hmac_secret || q->cred_protect != 0;
	tcbor_w_t a;
	tcbor_w_init(&a, ad, sizeof(ad));
	tcbor_put_raw(&a, c->rpid_hash, 32);
	uint8_t hdr[5] = {(uint8_t)(flags | 0x40 | (ext ? 0x80 : 0)),
	    (uint8_t)(counter >> 24), (uint8_t)(counter >> 16),
	    (uint8_t)(counter >> 8), (uint8_t)counter};
	tcbor_put_raw(&a, hdr, sizeof(hdr));
	tcbor_put_raw(&a, t->aaguid, 16);
	uint8_t idlen[2] = {0, CRED_ID_LEN};
	tcbor_put_raw(&a, idlen, 2);
	tcbor_put_raw(&a, c->id, CRED_ID_LEN);
	req_put_cose_es256(&a, pub);
	if (ext) {
		tcbor_put_map(&a, (q->cred_protect != 0) + (size_t)q->hmac_secret);
		if (q->cred_protect != 0) {
			tcbor_put_text(&a, "credProtect");
			tcbor_put_uint(&a, c->prot);
		}
		if (q->hmac_secret) {
			tcbor_put_text(&a, "hmac-secret");
			tcbor_put_bool(&a, true);
		}
	}
	if (a.err)
		return CTAP1_ERR_OTHER;
	tc_sha256(ad, a.len, q->c.cdh, 32, hash);
	if (tc_p256_sign(token_rng, t, c->priv, hash, sig, &sig_len) != AMANA_OK)
		return CTAP1_ERR_OTHER;
	tcbor_put_map(w, 3);
	tcbor_put_uint(w, 1);
	tcbor_put_text(w, "packed");
	tcbor_put_uint(w, 2);
	tcbor_put_bytes(w, ad, a.len);
	tcbor_put_uint(w, 3);
	tcbor_put_map(w, 2);
	tcbor_put_text(w, "alg");
	tcbor_put_int(w, -7);
	tcbor_put_text(w, "sig");
	tcbor_put_bytes(w, sig, sig_len);
	return w->err ? CTAP1_ERR_OTHER : CTAP2_OK;
}

int ctap_make_credential(token_t *t, const uint8_t *req, size_t n,
    uint8_t *resp, size_t cap, size_t *len)
{
	mc_req_t q;
	uint8_t rpid_hash[32], flags = 0;
	cred_t c;
	*len = 0;
	int rc = parse(req, n, &q);
	if (rc != CTAP2_OK)
		return rc;
	if (q.c.has_auth && q.c.auth_len == 0)
		return req_verify_user(t, &q.c, TOKEN_PERM_MC, rpid_hash, &flags);
	if (q.c.cdh == NULL || !q.has_rp || !q.has_user || !q.has_params)
		return CTAP2_ERR_MISSING_PARAMETER;
	if (q.c.cdh_len != 32)
		return CTAP1_ERR_INVALID_LENGTH;
	if (!q.es256)
		return CTAP2_ERR_UNSUPPORTED_ALGORITHM;
	if (q.c.up_given && !q.c.up)
		return CTAP2_ERR_INVALID_OPTION;
	tc_sha256(q.rpid, q.rpid_len, NULL, 0, rpid_hash);
	/* Without makeCredUvNotRqd: a token protected by a PIN or a
	 * biometric makes credentials only for a verified user. */
	if (!q.c.has_auth && !q.c.uv &&
	    (token_pin_is_set(t) || (token_uv_supported(t) && token_uv_enrolled(t))))
		return CTAP2_ERR_PUAT_REQUIRED;
	if ((rc = req_verify_user(t, &q.c, TOKEN_PERM_MC, rpid_hash, &flags)) != CTAP2_OK)
		return rc;
	if (q.has_exclude) {
		excl_t e = {t, rpid_hash, (flags & 0x04) != 0, false};
		if ((rc = req_cred_list(q.exclude, excl_visit, &e)) != CTAP2_OK)
			return rc;
		if (e.hit) {
			if (!token_user_presence(t) && token_cancelled(t))
				return CTAP2_ERR_KEEPALIVE_CANCEL;
			return CTAP2_ERR_CREDENTIAL_EXCLUDED;
		}
	}
	if (q.cred_protect > 3)
		return CTAP1_ERR_INVALID_PARAMETER;
	if (!token_user_presence(t))
		return token_cancelled(t) ? CTAP2_ERR_KEEPALIVE_CANCEL
					  : CTAP2_ERR_OPERATION_DENIED;
	flags |= 0x01;

	memset(&c, 0, sizeof(c));
	memcpy(c.rpid_hash, rpid_hash, 32);
	c.prot = q.cred_protect != 0 ? (uint8_t)q.cred_protect : 1;
	c.hmac_secret = q.hmac_secret;
	c.resident = q.c.rk;
	if (cred_create(t, &c) != AMANA_OK) {
		tc_wipe(&c, sizeof(c)); /* the key may exist, its id not */
		return CTAP1_ERR_OTHER;
	}
	if (c.resident) {
		c.user_id_len = q.uid_len;
		memcpy(c.user_id, q.uid, q.uid_len);
		req_copy_text(c.user_name, CRED_NAME_MAX, q.uname, q.uname_len);
		req_copy_text(c.display_name, CRED_NAME_MAX, q.dname, q.dname_len);
		rc = cred_store_rk(t, &c);
		if (rc == AMANA_ERR_NOSPACE) {
			tc_wipe(&c, sizeof(c));
			return CTAP2_ERR_KEY_STORE_FULL;
		}
		if (rc != AMANA_OK) {
			tc_wipe(&c, sizeof(c));
			return CTAP1_ERR_OTHER;
		}
	}
	tcbor_w_t w;
	tcbor_w_init(&w, resp, cap);
	rc = respond(t, &q, &c, flags, &w);
	tc_wipe(&c, sizeof(c));
	if (rc == CTAP2_OK)
		*len = w.len;
	return rc;
}
