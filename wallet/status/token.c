/* token.c: the signed status list token: a COSE_Sign1 (EdDSA) whose
 * payload is the CWT claims map of the Token Status List draft. Parsing is
 * strict: the claims we use must be there with the right types, and no
 * claim we do not understand is accepted (we are the only producer; a
 * claim we skipped could change the meaning of the list). */
#include <stdlib.h>
#include <string.h>

#include "amana/cbor.h"
#include "amana/err.h"
#include "status_internal.h"

struct amana_status_list {
	uint8_t *buf; /* the token as received; doc and sign1 point into it */
	size_t len;
	amana_cbor_doc_t *doc;
	amana_cose_sign1_t sign1;
	char uri[AMANA_STATUS_MAX_URI + 1];
	uint64_t iat, exp, ttl;
	amana_status_bits_t *bits;
};

static int token_claims(amana_cbor_enc_t *e, const amana_status_claims_t *c,
    unsigned bits, const uint8_t *z, size_t zlen)
{
	amana_cbor_map_begin(e);
	amana_cbor_put_uint(e, AMANA_STATUS_CWT_SUB);
	amana_cbor_put_tstr(e, c->uri);
	amana_cbor_put_uint(e, AMANA_STATUS_CWT_IAT);
	amana_cbor_put_uint(e, c->iat);
	amana_cbor_put_uint(e, AMANA_STATUS_CWT_EXP);
	amana_cbor_put_uint(e, c->exp);
	if (c->ttl > 0) {
		amana_cbor_put_uint(e, AMANA_STATUS_CWT_TTL);
		amana_cbor_put_uint(e, c->ttl);
	}
	amana_cbor_put_uint(e, AMANA_STATUS_CWT_LIST);
	amana_cbor_map_begin(e);
	amana_cbor_put_tstr(e, "bits");
	amana_cbor_put_uint(e, bits);
	amana_cbor_put_tstr(e, "lst");
	amana_cbor_put_bstr(e, z, zlen);
	amana_cbor_map_end(e);
	return amana_cbor_map_end(e); /* errors are sticky: one check */
}

int amana_status_token_sign(const amana_status_bits_t *b,
    const amana_status_claims_t *c, const uint8_t sk[64], const uint8_t *cert,
    size_t cert_len, uint8_t **out, size_t *out_len)
{
	if (b == NULL || c == NULL || c->uri == NULL || sk == NULL || out == NULL ||
	    out_len == NULL || (cert == NULL && cert_len > 0))
		return AMANA_ERR_ARG;
	size_t ulen = strlen(c->uri);
	if (ulen == 0 || ulen > AMANA_STATUS_MAX_URI || c->exp <= c->iat)
		return AMANA_ERR_RANGE;
	uint8_t *z = NULL;
	size_t zlen = 0;
	int rc = amana_status_bits_compress(b, &z, &zlen);
	if (rc != AMANA_OK)
		return rc;
	amana_cbor_enc_t *claims = NULL, *tok = NULL;
	const uint8_t *payload = NULL;
	size_t plen = 0;
	if ((rc = amana_cbor_enc_new(&claims)) != AMANA_OK ||
	    (rc = amana_cbor_enc_new(&tok)) != AMANA_OK)
		goto out;
	token_claims(claims, c, b->bits, z, zlen);
	if ((rc = amana_cbor_enc_bytes(claims, &payload, &plen)) != AMANA_OK)
		goto out;
	const uint8_t *chain[1] = {cert};
	size_t chain_len[1] = {cert_len};
	rc = amana_cose_sign1_put_eddsa(tok, payload, plen, false, chain, chain_len,
	    cert != NULL ? 1 : 0, sk);
	if (rc == AMANA_OK)
		rc = amana_cbor_enc_copy(tok, out, out_len);
out:
	amana_cbor_enc_free(&claims);
	amana_cbor_enc_free(&tok);
	free(z);
	return rc;
}

static int token_uint(const amana_cbor_doc_t *d, uint32_t m, int64_t key, uint64_t *v)
{
	uint32_t i;
	int rc = amana_cbor_map_get_int(d, m, key, &i);
	if (rc != AMANA_OK)
		return rc;
	return amana_cbor_get_uint(d, i, v);
}

/* The status_list map: {"bits": 1|2, "lst": bstr}, nothing else. */
static int token_list(amana_status_list_t *l, const amana_cbor_doc_t *d, uint32_t m)
{
	static const char *const keys[] = {"bits", "lst"};
	uint32_t vb, vl;
	uint64_t bits;
	const uint8_t *z;
	size_t zlen;
	int rc;
	if ((rc = amana_cbor_map_only_keys(d, m, keys, 2)) != AMANA_OK ||
	    (rc = amana_cbor_map_get_str(d, m, "bits", &vb)) != AMANA_OK ||
	    (rc = amana_cbor_map_get_str(d, m, "lst", &vl)) != AMANA_OK ||
	    (rc = amana_cbor_get_uint(d, vb, &bits)) != AMANA_OK ||
	    (rc = amana_cbor_get_bstr(d, vl, &z, &zlen)) != AMANA_OK)
		return rc;
	if (bits != 1 && bits != 2)
		return AMANA_ERR_CBOR_VALUE;
	return amana_status_bits_decompress((unsigned)bits, z, zlen, &l->bits);
}

static int token_payload(amana_status_list_t *l, const uint8_t *p, size_t n)
{
	amana_cbor_doc_t *d = NULL;
	int rc = amana_cbor_decode(p, n, NULL, &d);
	if (rc != AMANA_OK)
		return rc;
	uint64_t count;
	uint32_t v;
	const char *uri;
	size_t ulen;
	if ((rc = amana_cbor_get_map(d, 0, &count)) != AMANA_OK)
		goto out;
	/* Every key must be one of ours (checked by counting what we found). */
	uint64_t known = 4;
	if ((rc = amana_cbor_map_get_int(d, 0, AMANA_STATUS_CWT_SUB, &v)) != AMANA_OK ||
	    (rc = amana_cbor_get_tstr(d, v, &uri, &ulen)) != AMANA_OK ||
	    (rc = token_uint(d, 0, AMANA_STATUS_CWT_IAT, &l->iat)) != AMANA_OK ||
	    (rc = token_uint(d, 0, AMANA_STATUS_CWT_EXP, &l->exp)) != AMANA_OK ||
	    (rc = amana_cbor_map_get_int(d, 0, AMANA_STATUS_CWT_LIST, &v)) != AMANA_OK ||
	    (rc = token_list(l, d, v)) != AMANA_OK)
		goto out;
	rc = token_uint(d, 0, AMANA_STATUS_CWT_TTL, &l->ttl);
	if (rc == AMANA_OK)
		known++;
	else if (rc != AMANA_ERR_CBOR_MISSING)
		goto out;
	rc = AMANA_OK;
	if (count != known)
		rc = AMANA_ERR_CBOR_EXTRA;
	else if (ulen == 0 || ulen > AMANA_STATUS_MAX_URI || memchr(uri, 0, ulen) != NULL)
		rc = AMANA_ERR_CBOR_VALUE;
	else if (l->exp <= l->iat)
		rc = AMANA_ERR_RANGE;
	else
		memcpy(l->uri, uri, ulen);
out:
	amana_cbor_doc_free(&d);
	return rc;
}

int amana_status_list_parse(const uint8_t *buf, size_t len, amana_status_list_t **out)
{
	if (buf == NULL || out == NULL)
		return AMANA_ERR_ARG;
	*out = NULL;
	if (len == 0 || len > AMANA_CBOR_MAX_INPUT_DEFAULT)
		return AMANA_ERR_LIMIT;
	amana_status_list_t *l = calloc(1, sizeof(*l));
	if (l == NULL || (l->buf = malloc(len)) == NULL) {
		free(l);
		return AMANA_ERR_NOMEM;
	}
	memcpy(l->buf, buf, len);
	l->len = len;
	int rc = amana_cbor_decode(l->buf, len, NULL, &l->doc);
	if (rc == AMANA_OK)
		rc = amana_cose_sign1_parse(l->doc, 0, &l->sign1);
	if (rc == AMANA_OK && l->sign1.payload == NULL)
		rc = AMANA_ERR_CBOR_MISSING;
	if (rc == AMANA_OK)
		rc = token_payload(l, l->sign1.payload, l->sign1.payload_len);
	if (rc != AMANA_OK) {
		amana_status_list_free(&l);
		return rc;
	}
	*out = l;
	return AMANA_OK;
}

void amana_status_list_free(amana_status_list_t **l)
{
	if (l == NULL || *l == NULL)
		return;
	amana_cbor_doc_free(&(*l)->doc);
	amana_status_bits_free(&(*l)->bits);
	free((*l)->buf);
	free(*l);
	*l = NULL;
}

int amana_status_list_verify(const amana_status_list_t *l, const amana_cose_key_t *key)
{
	if (l == NULL || key == NULL)
		return AMANA_ERR_ARG;
	int rc = amana_cose_sign1_verify(&l->sign1, NULL, 0, NULL, 0, key);
	return rc == AMANA_ERR_COSE_SIG ? AMANA_ERR_STATUS_SIG : rc;
}

const char *amana_status_list_uri(const amana_status_list_t *l) { return l->uri; }
uint64_t amana_status_list_iat(const amana_status_list_t *l) { return l->iat; }
uint64_t amana_status_list_exp(const amana_status_list_t *l) { return l->exp; }
uint64_t amana_status_list_ttl(const amana_status_list_t *l) { return l->ttl; }

const amana_status_bits_t *amana_status_list_bits(const amana_status_list_t *l)
{
	return l->bits;
}

const uint8_t *amana_status_list_cert(const amana_status_list_t *l, size_t *len)
{
	if (l->sign1.nx5chain == 0) {
		*len = 0;
		return NULL;
	}
	*len = l->sign1.x5chain_len[0];
	return l->sign1.x5chain[0];
}

/* The raw token bytes, for the cache to write out. */
const uint8_t *status_list_bytes(const amana_status_list_t *l, size_t *len)
{
	*len = l->len;
	return l->buf;
}
