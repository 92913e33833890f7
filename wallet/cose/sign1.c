/* sign1.c: COSE_Sign1 parse, verify and EdDSA sign. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "amana/cose.h"
#include "amana/err.h"
#include "cose_internal.h"

enum { H_ALG = 1, H_CRIT = 2, H_CTY = 3, H_KID = 4, H_X5CHAIN = 33 };

static bool understood(int64_t label)
{
	return label == H_ALG || label == H_CTY || label == H_KID ||
	    label == H_X5CHAIN;
}

static int parse_x5chain(const amana_cbor_doc_t *d, uint32_t v,
    amana_cose_sign1_t *s)
{
	const amana_cbor_item_t *it = amana_cbor_at(d, v);
	if (it->type == AMANA_CBOR_BSTR) {
		s->x5chain[0] = it->data;
		s->x5chain_len[0] = (size_t)it->val;
		s->nx5chain = 1;
		return it->val > 0 ? AMANA_OK : AMANA_ERR_COSE_X5CHAIN;
	}
	if (it->type != AMANA_CBOR_ARRAY || it->val == 0 ||
	    it->val > AMANA_COSE_MAX_X5CHAIN)
		return AMANA_ERR_COSE_X5CHAIN;
	uint32_t c = v + 1;
	for (uint64_t k = 0; k < it->val; k++) {
		const uint8_t *p;
		size_t n;
		if (amana_cbor_get_bstr(d, c, &p, &n) != AMANA_OK || n == 0)
			return AMANA_ERR_COSE_X5CHAIN;
		s->x5chain[k] = p;
		s->x5chain_len[k] = n;
		c = amana_cbor_next(d, c);
	}
	s->nx5chain = (size_t)it->val;
	return AMANA_OK;
}

/* Checks the crit array of the protected header. */
static int check_crit(const amana_cbor_doc_t *ph, uint32_t v)
{
	uint64_t n;
	if (amana_cbor_get_array(ph, v, &n) != AMANA_OK || n == 0)
		return AMANA_ERR_COSE_HEADER;
	uint32_t c = v + 1;
	for (uint64_t k = 0; k < n; k++) {
		int64_t label;
		if (amana_cbor_get_int(ph, c, &label) != AMANA_OK)
			return AMANA_ERR_COSE_CRIT; /* text labels: none understood */
		if (!understood(label) || label == H_CRIT)
			return AMANA_ERR_COSE_CRIT;
		c = amana_cbor_next(ph, c);
	}
	return AMANA_OK;
}

/* True when map m of doc a has an integer or text key equal to key item k
 * of doc b (labels are ints or text). */
static bool has_label(const amana_cbor_doc_t *a, uint32_t m,
    const amana_cbor_doc_t *b, uint32_t k)
{
	const amana_cbor_item_t *kb = amana_cbor_at(b, k);
	uint64_t n = amana_cbor_at(a, m)->val;
	uint32_t c = m + 1;
	for (uint64_t p = 0; p < n; p++) {
		const amana_cbor_item_t *ka = amana_cbor_at(a, c);
		if (ka->type == kb->type && ka->val == kb->val &&
		    (ka->type != AMANA_CBOR_TSTR ||
		        memcmp(ka->data, kb->data, (size_t)ka->val) == 0))
			return true;
		c = amana_cbor_next(a, amana_cbor_next(a, c));
	}
	return false;
}

static int parse_headers(const amana_cbor_doc_t *d, uint32_t unprot,
    amana_cose_sign1_t *s)
{
	amana_cbor_doc_t *ph = NULL;
	int r = AMANA_OK;
	uint32_t v;
	if (s->prot_len > 0) {
		amana_cbor_limits_t lim = {4096, 4, 64};
		r = amana_cbor_decode(s->prot, s->prot_len, &lim, &ph);
		if (r != AMANA_OK || amana_cbor_at(ph, 0)->type != AMANA_CBOR_MAP) {
			amana_cbor_doc_free(&ph);
			return AMANA_ERR_COSE_HEADER;
		}
	}
	/* alg: protected, integer. */
	if (ph == NULL || amana_cbor_map_get_int(ph, 0, H_ALG, &v) != AMANA_OK)
		r = AMANA_ERR_COSE_ALG;
	else if (amana_cbor_get_int(ph, v, &s->alg) != AMANA_OK)
		r = AMANA_ERR_COSE_ALG;
	if (r == AMANA_OK && amana_cbor_map_get_int(ph, 0, H_CRIT, &v) == AMANA_OK)
		r = check_crit(ph, v);
	if (r == AMANA_OK && amana_cbor_map_get_int(ph, 0, H_X5CHAIN, &v) == AMANA_OK)
		r = parse_x5chain(ph, v, s);
	/* The unprotected header must not repeat a protected label, nor
	 * hold alg or crit. */
	if (r == AMANA_OK) {
		uint64_t n = amana_cbor_at(d, unprot)->val;
		uint32_t c = unprot + 1;
		for (uint64_t p = 0; p < n && r == AMANA_OK; p++) {
			int64_t label;
			const amana_cbor_item_t *k = amana_cbor_at(d, c);
			if (k->type != AMANA_CBOR_TSTR &&
			    amana_cbor_get_int(d, c, &label) != AMANA_OK)
				r = AMANA_ERR_COSE_HEADER;
			else if (k->type != AMANA_CBOR_TSTR &&
			    (label == H_ALG || label == H_CRIT))
				r = AMANA_ERR_COSE_HEADER;
			else if (ph != NULL && has_label(ph, 0, d, c))
				r = AMANA_ERR_COSE_HEADER;
			c = amana_cbor_next(d, amana_cbor_next(d, c));
		}
	}
	if (r == AMANA_OK && s->nx5chain == 0 &&
	    amana_cbor_map_get_int(d, unprot, H_X5CHAIN, &v) == AMANA_OK)
		r = parse_x5chain(d, v, s);
	amana_cbor_doc_free(&ph);
	return r;
}

int amana_cose_sign1_parse(const amana_cbor_doc_t *d, uint32_t idx,
    amana_cose_sign1_t *s)
{
	memset(s, 0, sizeof(*s));
	uint32_t c;
	if (amana_cbor_get_tag(d, idx, 18, &c) == AMANA_OK)
		idx = c;
	uint64_t n;
	if (amana_cbor_get_array(d, idx, &n) != AMANA_OK || n != 4)
		return AMANA_ERR_CBOR_TYPE;
	uint32_t prot = idx + 1;
	uint32_t unprot = amana_cbor_next(d, prot);
	uint32_t payload = amana_cbor_next(d, unprot);
	uint32_t sig = amana_cbor_next(d, payload);
	if (amana_cbor_get_bstr(d, prot, &s->prot, &s->prot_len) != AMANA_OK)
		return AMANA_ERR_COSE_HEADER;
	if (amana_cbor_get_map(d, unprot, &n) != AMANA_OK)
		return AMANA_ERR_COSE_HEADER;
	if (amana_cbor_is_null(d, payload))
		s->payload = NULL;
	else if (amana_cbor_get_bstr(d, payload, &s->payload, &s->payload_len) != AMANA_OK)
		return AMANA_ERR_CBOR_TYPE;
	if (amana_cbor_get_bstr(d, sig, &s->sig, &s->sig_len) != AMANA_OK)
		return AMANA_ERR_CBOR_TYPE;
	return parse_headers(d, unprot, s);
}

/* Sig_structure = ["Signature1", protected, external_aad, payload]. */
static uint8_t *tbs_build(const uint8_t *prot, size_t prot_len,
    const uint8_t *aad, size_t aad_len, const uint8_t *payload,
    size_t payload_len, size_t *out_len)
{
	size_t cap = 1 + 11 + 3 * 9 + prot_len + aad_len + payload_len;
	uint8_t *b = malloc(cap);
	if (b == NULL)
		return NULL;
	size_t w = 0;
	b[w++] = 0x84;
	w += amana_cbor_head(b + w, 3, 10);
	memcpy(b + w, "Signature1", 10);
	w += 10;
	const uint8_t *part[3] = {prot, aad, payload};
	size_t len[3] = {prot_len, aad_len, payload_len};
	for (int k = 0; k < 3; k++) {
		w += amana_cbor_head(b + w, 2, len[k]);
		if (len[k] > 0)
			memcpy(b + w, part[k], len[k]);
		w += len[k];
	}
	*out_len = w;
	return b;
}

int amana_cose_sign1_verify(const amana_cose_sign1_t *s,
    const uint8_t *detached, size_t detached_len, const uint8_t *aad,
    size_t aad_len, const amana_cose_key_t *key)
{
	if (s == NULL || key == NULL)
		return AMANA_ERR_ARG;
	const uint8_t *pl = s->payload;
	size_t pl_len = s->payload_len;
	if (pl == NULL) {
		if (detached == NULL)
			return AMANA_ERR_ARG;
		pl = detached;
		pl_len = detached_len;
	} else if (detached != NULL) {
		return AMANA_ERR_ARG;
	}
	if (s->alg == AMANA_COSE_ALG_EDDSA) {
		if (key->kty != AMANA_COSE_KTY_OKP || key->crv != AMANA_COSE_CRV_ED25519)
			return AMANA_ERR_COSE_ALG;
		if (s->sig_len != crypto_sign_BYTES)
			return AMANA_ERR_COSE_SIG;
	} else if (s->alg == AMANA_COSE_ALG_ES256) {
		if (key->kty != AMANA_COSE_KTY_EC2 || key->crv != AMANA_COSE_CRV_P256)
			return AMANA_ERR_COSE_ALG;
		if (s->sig_len != 64)
			return AMANA_ERR_COSE_SIG;
	} else {
		return AMANA_ERR_COSE_ALG;
	}
	size_t tn;
	uint8_t *tbs = tbs_build(s->prot, s->prot_len, aad, aad_len, pl, pl_len, &tn);
	if (tbs == NULL)
		return AMANA_ERR_NOMEM;
	int r;
	if (s->alg == AMANA_COSE_ALG_EDDSA)
		r = crypto_sign_verify_detached(s->sig, tbs, tn, key->x) == 0 ?
		    AMANA_OK : AMANA_ERR_COSE_SIG;
	else
		r = amana_cose_es256_verify(key, tbs, tn, s->sig);
	free(tbs);
	return r;
}

int amana_cose_sign1_put_eddsa(amana_cbor_enc_t *e, const uint8_t *payload,
    size_t payload_len, bool detached, const uint8_t *const *x5chain,
    const size_t *x5chain_len, size_t nx5, const uint8_t sk[64])
{
	static const uint8_t prot[] = {0xa1, 0x01, 0x27}; /* {1: -8} */
	size_t tn;
	uint8_t *tbs = tbs_build(prot, sizeof(prot), NULL, 0, payload,
	    payload_len, &tn);
	if (tbs == NULL)
		return AMANA_ERR_NOMEM;
	uint8_t sig[crypto_sign_BYTES];
	int r = crypto_sign_detached(sig, NULL, tbs, tn, sk) == 0 ?
	    AMANA_OK : AMANA_ERR_CRYPTO;
	free(tbs);
	if (r != AMANA_OK)
		return r;
	amana_cbor_array_begin(e);
	amana_cbor_put_bstr(e, prot, sizeof(prot));
	amana_cbor_map_begin(e);
	if (nx5 > 0) {
		amana_cbor_put_int(e, H_X5CHAIN);
		if (nx5 == 1) {
			amana_cbor_put_bstr(e, x5chain[0], x5chain_len[0]);
		} else {
			amana_cbor_array_begin(e);
			for (size_t k = 0; k < nx5; k++)
				amana_cbor_put_bstr(e, x5chain[k], x5chain_len[k]);
			amana_cbor_array_end(e);
		}
	}
	amana_cbor_map_end(e);
	if (detached)
		amana_cbor_put_null(e);
	else
		amana_cbor_put_bstr(e, payload, payload_len);
	amana_cbor_put_bstr(e, sig, sizeof(sig));
	return amana_cbor_array_end(e);
}
