/* craft.h: DeviceResponses built by hand with the project's CBOR writer
 * and COSE signer, for the verifier cases the issuer and holder never
 * produce: names of any length or with a NUL inside, several namespaces,
 * an element given twice, an MSO that disagrees with its document. Each
 * one is signed properly (document signer, device key, this request's
 * session), so only the case under test is wrong. */
#ifndef AMANA_CRED_CRAFT_H
#define AMANA_CRED_CRAFT_H

#include "fixture.h"

#define CRAFT_MAX_ITEMS 16

typedef struct craft_item {
	const char *ns;
	size_t ns_len;
	const char *id;
	size_t id_len;
	const char *value; /* a text value */
	uint64_t digest_id;
	const uint8_t *raw; /* when set: these IssuerSignedItemBytes instead */
	size_t raw_len;
} craft_item_t;

typedef struct craft {
	const char *doctype, *mso_doctype; /* mso_doctype NULL: the same */
	size_t doctype_len, mso_doctype_len;
	const char *digest_alg;            /* NULL: "SHA-256" */
	size_t nitems;
	craft_item_t items[CRAFT_MAX_ITEMS];
	int64_t signed_at, valid_from, valid_until;
	const uint8_t *ds_sk, *ds_cert;
	size_t ds_cert_len;
	const uint8_t *dev_sk; /* its public half goes in the MSO */
} craft_t;

/* A text item's name from a C string. */
static inline craft_item_t craft_text(const char *ns, const char *id,
    const char *value, uint64_t digest_id)
{
	craft_item_t it = {ns, strlen(ns), id, strlen(id), value, digest_id, NULL, 0};
	return it;
}

/* The fixture's signer and device, valid around FX_NOW, one docType. */
static inline void craft_init(craft_t *c, const fixture_t *f, const char *doctype)
{
	memset(c, 0, sizeof(*c));
	c->doctype = doctype;
	c->doctype_len = strlen(doctype);
	c->signed_at = c->valid_from = FX_NOW - FX_DAY;
	c->valid_until = FX_NOW + 30 * FX_DAY;
	c->ds_sk = f->ds_sk;
	c->ds_cert = f->ds_cert;
	c->ds_cert_len = f->ds_cert_len;
	c->dev_sk = f->dev_sk;
}

/* IssuerSignedItemBytes of item k into e (reset first). */
static inline void craft_put_item(amana_cbor_enc_t *e, const craft_item_t *it)
{
	uint8_t salt[AMANA_MDOC_SALT_BYTES];
	randombytes_buf(salt, sizeof(salt));
	amana_cbor_enc_reset(e);
	amana_cbor_put_tag(e, 24);
	amana_cbor_bstr_begin(e);
	amana_cbor_map_begin(e);
	amana_cbor_put_tstr(e, "digestID");
	amana_cbor_put_uint(e, it->digest_id);
	amana_cbor_put_tstr(e, "random");
	amana_cbor_put_bstr(e, salt, sizeof(salt));
	amana_cbor_put_tstr(e, "elementIdentifier");
	amana_cbor_put_tstrn(e, it->id, it->id_len);
	amana_cbor_put_tstr(e, "elementValue");
	amana_cbor_put_tstr(e, it->value);
	amana_cbor_map_end(e);
	amana_cbor_bstr_end(e);
}

static inline bool craft_same_ns(const craft_item_t *a, const craft_item_t *b)
{
	return a->ns_len == b->ns_len && memcmp(a->ns, b->ns, a->ns_len) == 0;
}

/* True when item k is the first of its namespace. */
static inline bool craft_first_of_ns(const craft_t *c, size_t k)
{
	for (size_t j = 0; j < k; j++)
		if (craft_same_ns(&c->items[j], &c->items[k]))
			return false;
	return true;
}

static inline void craft_put_tdate(amana_cbor_enc_t *e, const char *key, int64_t t)
{
	char buf[21];
	amana_mdoc_time_format(t, buf);
	amana_cbor_put_tstr(e, key);
	amana_cbor_put_tag(e, 0);
	amana_cbor_put_tstr(e, buf);
}

/* MobileSecurityObjectBytes with the digests of the encoded items. */
static inline void craft_put_mso(amana_cbor_enc_t *e, const craft_t *c,
    uint8_t digests[][32])
{
	amana_cose_key_t dk = {AMANA_COSE_KTY_OKP, AMANA_COSE_CRV_ED25519, {0}, {0}};
	memcpy(dk.x, c->dev_sk + 32, 32);
	amana_cbor_put_tag(e, 24);
	amana_cbor_bstr_begin(e);
	amana_cbor_map_begin(e);
	amana_cbor_put_tstr(e, "version");
	amana_cbor_put_tstr(e, "1.0");
	amana_cbor_put_tstr(e, "digestAlgorithm");
	amana_cbor_put_tstr(e, c->digest_alg != NULL ? c->digest_alg : "SHA-256");
	amana_cbor_put_tstr(e, "docType");
	if (c->mso_doctype != NULL)
		amana_cbor_put_tstrn(e, c->mso_doctype, c->mso_doctype_len);
	else
		amana_cbor_put_tstrn(e, c->doctype, c->doctype_len);
	amana_cbor_put_tstr(e, "valueDigests");
	amana_cbor_map_begin(e);
	for (size_t k = 0; k < c->nitems; k++) {
		if (!craft_first_of_ns(c, k))
			continue;
		amana_cbor_put_tstrn(e, c->items[k].ns, c->items[k].ns_len);
		amana_cbor_map_begin(e);
		for (size_t j = k; j < c->nitems; j++)
			if (craft_same_ns(&c->items[j], &c->items[k])) {
				amana_cbor_put_uint(e, c->items[j].digest_id);
				amana_cbor_put_bstr(e, digests[j], 32);
			}
		amana_cbor_map_end(e);
	}
	amana_cbor_map_end(e);
	amana_cbor_put_tstr(e, "deviceKeyInfo");
	amana_cbor_map_begin(e);
	amana_cbor_put_tstr(e, "deviceKey");
	amana_cose_key_put(e, &dk);
	amana_cbor_map_end(e);
	amana_cbor_put_tstr(e, "validityInfo");
	amana_cbor_map_begin(e);
	craft_put_tdate(e, "signed", c->signed_at);
	craft_put_tdate(e, "validFrom", c->valid_from);
	craft_put_tdate(e, "validUntil", c->valid_until);
	amana_cbor_map_end(e);
	amana_cbor_map_end(e);
	amana_cbor_bstr_end(e);
}

/* deviceSigned for this request's session. */
static inline int craft_put_device_signed(amana_cbor_enc_t *e, const craft_t *c,
    const amana_request_t *req)
{
	static const uint8_t empty_dns[] = {0xd8, 0x18, 0x41, 0xa0};
	const uint8_t *st;
	size_t stn, dan;
	uint8_t *da = NULL;
	amana_request_transcript(req, &st, &stn);
	int r = amana_mdoc_device_auth_bytes(st, stn, c->doctype, c->doctype_len,
	    empty_dns, sizeof(empty_dns), &da, &dan);
	if (r != AMANA_OK)
		return r;
	amana_cbor_put_tstr(e, "deviceSigned");
	amana_cbor_map_begin(e);
	amana_cbor_put_tstr(e, "nameSpaces");
	amana_cbor_put_raw(e, empty_dns, sizeof(empty_dns));
	amana_cbor_put_tstr(e, "deviceAuth");
	amana_cbor_map_begin(e);
	amana_cbor_put_tstr(e, "deviceSignature");
	r = amana_cose_sign1_put_eddsa(e, da, dan, true, NULL, NULL, 0, c->dev_sk);
	amana_cbor_map_end(e);
	amana_cbor_map_end(e);
	free(da);
	return r;
}

/* The whole DeviceResponse (one document) for req; *out is malloc'ed. */
static inline int craft_response(const craft_t *c, const amana_request_t *req,
    uint8_t **out, size_t *len)
{
	uint8_t *bytes[CRAFT_MAX_ITEMS] = {NULL}, digests[CRAFT_MAX_ITEMS][32];
	size_t blen[CRAFT_MAX_ITEMS];
	amana_cbor_enc_t *e = NULL, *mso = NULL;
	int r = amana_cbor_enc_new(&e);
	if (r == AMANA_OK)
		r = amana_cbor_enc_new(&mso);
	for (size_t k = 0; k < c->nitems && r == AMANA_OK; k++) {
		if (c->items[k].raw != NULL) {
			amana_cbor_enc_reset(e);
			amana_cbor_put_raw(e, c->items[k].raw, c->items[k].raw_len);
		} else {
			craft_put_item(e, &c->items[k]);
		}
		r = amana_cbor_enc_copy(e, &bytes[k], &blen[k]);
		if (r == AMANA_OK)
			crypto_hash_sha256(digests[k], bytes[k], blen[k]);
	}
	const uint8_t *payload = NULL;
	size_t plen = 0;
	if (r == AMANA_OK) {
		craft_put_mso(mso, c, digests);
		r = amana_cbor_enc_bytes(mso, &payload, &plen);
	}
	if (r == AMANA_OK) {
		amana_cbor_enc_reset(e);
		amana_cbor_map_begin(e);
		amana_cbor_put_tstr(e, "version");
		amana_cbor_put_tstr(e, "1.0");
		amana_cbor_put_tstr(e, "status");
		amana_cbor_put_uint(e, 0);
		amana_cbor_put_tstr(e, "documents");
		amana_cbor_array_begin(e);
		amana_cbor_map_begin(e);
		amana_cbor_put_tstr(e, "docType");
		amana_cbor_put_tstrn(e, c->doctype, c->doctype_len);
		amana_cbor_put_tstr(e, "issuerSigned");
		amana_cbor_map_begin(e);
		amana_cbor_put_tstr(e, "nameSpaces");
		amana_cbor_map_begin(e);
		for (size_t k = 0; k < c->nitems; k++) {
			if (!craft_first_of_ns(c, k))
				continue;
			amana_cbor_put_tstrn(e, c->items[k].ns, c->items[k].ns_len);
			amana_cbor_array_begin(e);
			for (size_t j = k; j < c->nitems; j++)
				if (craft_same_ns(&c->items[j], &c->items[k]))
					amana_cbor_put_raw(e, bytes[j], blen[j]);
			amana_cbor_array_end(e);
		}
		amana_cbor_map_end(e);
		amana_cbor_put_tstr(e, "issuerAuth");
		const uint8_t *chain[1] = {c->ds_cert};
		size_t chain_len[1] = {c->ds_cert_len};
		r = amana_cose_sign1_put_eddsa(e, payload, plen, false, chain, chain_len, 1,
		    c->ds_sk);
		amana_cbor_map_end(e);
		if (r == AMANA_OK)
			r = craft_put_device_signed(e, c, req);
		amana_cbor_map_end(e);
		amana_cbor_array_end(e);
		amana_cbor_map_end(e);
	}
	if (r == AMANA_OK)
		r = amana_cbor_enc_copy(e, out, len);
	for (size_t k = 0; k < CRAFT_MAX_ITEMS; k++)
		free(bytes[k]);
	amana_cbor_enc_free(&e);
	amana_cbor_enc_free(&mso);
	return r;
}

/* A request (parsed) for doctype and the n (ns, id) pairs. */
static inline int craft_request(const char *doctype, const char *const (*pairs)[2],
    size_t n, amana_request_t **req)
{
	amana_request_elem_t el[AMANA_MDOC_MAX_ELEMENTS];
	memset(el, 0, sizeof(el));
	for (size_t k = 0; k < n && k < AMANA_MDOC_MAX_ELEMENTS; k++) {
		snprintf(el[k].ns, sizeof(el[k].ns), "%s", pairs[k][0]);
		snprintf(el[k].id, sizeof(el[k].id), "%s", pairs[k][1]);
	}
	amana_request_params_t p = {"Border post 7", doctype, el, n};
	uint8_t *buf = NULL;
	size_t len;
	int r = amana_request_create(&p, &buf, &len);
	if (r == AMANA_OK)
		r = amana_request_parse(buf, len, req);
	free(buf);
	return r;
}

#endif
