/* issue.c: credential issuance. Each IssuerSignedItem is encoded on its
 * own, hashed exactly as it will be written (the #6.24 item), then copied
 * into the credential, so digests and bytes cannot drift apart. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "amana/err.h"
#include "amana/issuer.h"

typedef struct issued_item {
	uint8_t *bytes;   /* the #6.24(bstr) IssuerSignedItemBytes */
	size_t len;
	uint64_t digest_id;
	uint8_t digest[crypto_hash_sha256_BYTES];
} issued_item_t;

static int check_claims(const amana_issue_params_t *p)
{
	const amana_schema_t *s = p->schema;
	if (p->nclaims == 0 || p->nclaims > AMANA_MDOC_MAX_ELEMENTS)
		return AMANA_ERR_MDOC_SCHEMA;
	for (size_t k = 0; k < p->nclaims; k++) {
		if (p->claims[k].id == NULL || p->claims[k].value == NULL)
			return AMANA_ERR_ARG;
		if (amana_schema_find(s, p->claims[k].id) == NULL)
			return AMANA_ERR_MDOC_ELEMENT;
		for (size_t j = 0; j < k; j++)
			if (strcmp(p->claims[j].id, p->claims[k].id) == 0)
				return AMANA_ERR_MDOC_SCHEMA; /* given twice */
	}
	for (size_t e = 0; e < s->nelems; e++) {
		bool given = false;
		for (size_t k = 0; k < p->nclaims && !given; k++)
			given = strcmp(p->claims[k].id, s->elems[e].id) == 0;
		if (s->elems[e].required && !given)
			return AMANA_ERR_MDOC_SCHEMA;
	}
	return AMANA_OK;
}

static int make_item(amana_cbor_enc_t *e, const amana_schema_t *s,
    const amana_claim_t *c, uint64_t digest_id, issued_item_t *out)
{
	uint8_t salt[AMANA_MDOC_SALT_BYTES];
	randombytes_buf(salt, sizeof(salt));
	amana_cbor_enc_reset(e);
	amana_cbor_put_tag(e, 24);
	amana_cbor_bstr_begin(e);
	amana_cbor_map_begin(e);
	amana_cbor_put_tstr(e, "digestID");
	amana_cbor_put_uint(e, digest_id);
	amana_cbor_put_tstr(e, "random");
	amana_cbor_put_bstr(e, salt, sizeof(salt));
	amana_cbor_put_tstr(e, "elementIdentifier");
	amana_cbor_put_tstr(e, c->id);
	amana_cbor_put_tstr(e, "elementValue");
	int r = amana_schema_put_value(e, amana_schema_find(s, c->id), c->value);
	if (r != AMANA_OK)
		return r;
	amana_cbor_map_end(e);
	amana_cbor_bstr_end(e);
	r = amana_cbor_enc_copy(e, &out->bytes, &out->len);
	if (r != AMANA_OK)
		return r;
	out->digest_id = digest_id;
	crypto_hash_sha256(out->digest, out->bytes, out->len);
	return AMANA_OK;
}

static void put_tdate(amana_cbor_enc_t *e, const char *key, int64_t t)
{
	char buf[21];
	amana_mdoc_time_format(t, buf);
	amana_cbor_put_tstr(e, key);
	amana_cbor_put_tag(e, 0);
	amana_cbor_put_tstr(e, buf);
}

/* MobileSecurityObjectBytes = #6.24(bstr .cbor MSO): the COSE payload. */
static int make_mso(amana_cbor_enc_t *e, const amana_issue_params_t *p,
    const issued_item_t *items, size_t n)
{
	const amana_schema_t *s = p->schema;
	amana_cose_key_t dk = {AMANA_COSE_KTY_OKP, AMANA_COSE_CRV_ED25519, {0}, {0}};
	memcpy(dk.x, p->device_pk, 32);
	amana_cbor_enc_reset(e);
	amana_cbor_put_tag(e, 24);
	amana_cbor_bstr_begin(e);
	amana_cbor_map_begin(e);
	amana_cbor_put_tstr(e, "version");
	amana_cbor_put_tstr(e, "1.0");
	amana_cbor_put_tstr(e, "digestAlgorithm");
	amana_cbor_put_tstr(e, "SHA-256");
	amana_cbor_put_tstr(e, "docType");
	amana_cbor_put_tstr(e, s->doctype);
	amana_cbor_put_tstr(e, "valueDigests");
	amana_cbor_map_begin(e);
	amana_cbor_put_tstr(e, s->ns);
	amana_cbor_map_begin(e);
	for (size_t k = 0; k < n; k++) {
		amana_cbor_put_uint(e, items[k].digest_id);
		amana_cbor_put_bstr(e, items[k].digest, sizeof(items[k].digest));
	}
	amana_cbor_map_end(e);
	amana_cbor_map_end(e);
	amana_cbor_put_tstr(e, "deviceKeyInfo");
	amana_cbor_map_begin(e);
	amana_cbor_put_tstr(e, "deviceKey");
	amana_cose_key_put(e, &dk);
	amana_cbor_map_end(e);
	amana_cbor_put_tstr(e, "validityInfo");
	amana_cbor_map_begin(e);
	put_tdate(e, "signed", p->signed_at);
	put_tdate(e, "validFrom", p->valid_from);
	put_tdate(e, "validUntil", p->valid_until);
	amana_cbor_map_end(e);
	if (p->status_uri != NULL) {
		amana_cbor_put_tstr(e, "status");
		amana_cbor_map_begin(e);
		amana_cbor_put_tstr(e, "status_list");
		amana_cbor_map_begin(e);
		amana_cbor_put_tstr(e, "idx");
		amana_cbor_put_uint(e, p->status_idx);
		amana_cbor_put_tstr(e, "uri");
		amana_cbor_put_tstr(e, p->status_uri);
		amana_cbor_map_end(e);
		amana_cbor_map_end(e);
	}
	amana_cbor_map_end(e);
	return amana_cbor_bstr_end(e);
}

int amana_issuer_issue(const amana_issue_params_t *p, uint8_t **out, size_t *len)
{
	if (p == NULL || p->schema == NULL || p->ds_sk == NULL ||
	    p->ds_cert == NULL || out == NULL || len == NULL ||
	    p->valid_until <= p->valid_from || p->signed_at > p->valid_until)
		return AMANA_ERR_ARG;
	int r = check_claims(p);
	if (r != AMANA_OK)
		return r;
	size_t n = p->nclaims;
	issued_item_t *items = calloc(n, sizeof(*items));
	uint64_t *ids = calloc(n, sizeof(*ids));
	amana_cbor_enc_t *e = NULL, *mso = NULL;
	if (items == NULL || ids == NULL || amana_cbor_enc_new(&e) != AMANA_OK ||
	    amana_cbor_enc_new(&mso) != AMANA_OK) {
		r = AMANA_ERR_NOMEM;
		goto out;
	}
	/* Digest IDs: a random permutation, so an ID says nothing about which
	 * element it belongs to. */
	for (size_t k = 0; k < n; k++)
		ids[k] = k;
	for (size_t k = n - 1; k > 0; k--) {
		size_t j = randombytes_uniform((uint32_t)k + 1);
		uint64_t t = ids[k];
		ids[k] = ids[j];
		ids[j] = t;
	}
	for (size_t k = 0; k < n && r == AMANA_OK; k++)
		r = make_item(e, p->schema, &p->claims[k], ids[k], &items[k]);
	if (r == AMANA_OK)
		r = make_mso(mso, p, items, n);
	const uint8_t *payload;
	size_t payload_len;
	if (r == AMANA_OK)
		r = amana_cbor_enc_bytes(mso, &payload, &payload_len);
	if (r != AMANA_OK)
		goto out;
	amana_cbor_enc_reset(e);
	amana_cbor_map_begin(e);
	amana_cbor_put_tstr(e, "docType");
	amana_cbor_put_tstr(e, p->schema->doctype);
	amana_cbor_put_tstr(e, "issuerSigned");
	amana_cbor_map_begin(e);
	amana_cbor_put_tstr(e, "nameSpaces");
	amana_cbor_map_begin(e);
	amana_cbor_put_tstr(e, p->schema->ns);
	amana_cbor_array_begin(e);
	for (size_t k = 0; k < n; k++)
		amana_cbor_put_raw(e, items[k].bytes, items[k].len);
	amana_cbor_array_end(e);
	amana_cbor_map_end(e);
	amana_cbor_put_tstr(e, "issuerAuth");
	const uint8_t *chain[1] = {p->ds_cert};
	size_t chain_len[1] = {p->ds_cert_len};
	r = amana_cose_sign1_put_eddsa(e, payload, payload_len, false, chain,
	    chain_len, 1, p->ds_sk);
	amana_cbor_map_end(e);
	amana_cbor_map_end(e);
	if (r == AMANA_OK)
		r = amana_cbor_enc_copy(e, out, len);
out:
	for (size_t k = 0; items != NULL && k < n; k++)
		free(items[k].bytes);
	free(items);
	free(ids);
	amana_cbor_enc_free(&e);
	amana_cbor_enc_free(&mso);
	return r;
}
