/* mso.c: MobileSecurityObject and IssuerSignedItem parsing, strict about
 * shape (ISO/IEC 18013-5 9.1.2.4 and 8.3.2.1.2.2). */
#include <sodium.h>
#include <string.h>

#include "amana/err.h"
#include "mdoc_internal.h"

const amana_cbor_limits_t mdoc_limits = {AMANA_MDOC_MAX_BYTES, 16, 8192};

int mdoc_tstr_copy(const amana_cbor_doc_t *d, uint32_t i, char *out, size_t cap)
{
	const char *s;
	size_t n;
	if (amana_cbor_get_tstr(d, i, &s, &n) != AMANA_OK)
		return AMANA_ERR_CBOR_TYPE;
	if (n >= cap || memchr(s, '\0', n) != NULL)
		return AMANA_ERR_LIMIT;
	memcpy(out, s, n);
	out[n] = '\0';
	return AMANA_OK;
}

int mdoc_get_tdate(const amana_cbor_doc_t *d, uint32_t i, int64_t *t)
{
	uint32_t c;
	const char *s;
	size_t n;
	if (amana_cbor_get_tag(d, i, 0, &c) != AMANA_OK ||
	    amana_cbor_get_tstr(d, c, &s, &n) != AMANA_OK)
		return AMANA_ERR_CBOR_TYPE;
	return amana_mdoc_time_parse(s, n, t);
}

/* Looks a key up in an MSO map; a missing key ends the parse. */
#define GET(map, key, dst)                                                     \
	if ((r = amana_cbor_map_get_str(d, (map), (key), (dst))) != AMANA_OK)  \
		goto out;

static int parse_status(const amana_cbor_doc_t *d, uint32_t st, mdoc_mso_t *m)
{
	static const char *const st_keys[] = {"status_list"};
	static const char *const sl_keys[] = {"idx", "uri"};
	uint32_t sl, v;
	int r = amana_cbor_map_only_keys(d, st, st_keys, 1);
	if (r == AMANA_OK)
		r = amana_cbor_map_get_str(d, st, "status_list", &sl);
	if (r == AMANA_OK)
		r = amana_cbor_map_only_keys(d, sl, sl_keys, 2);
	if (r == AMANA_OK)
		r = amana_cbor_map_get_str(d, sl, "idx", &v);
	if (r == AMANA_OK)
		r = amana_cbor_get_uint(d, v, &m->status_idx);
	if (r == AMANA_OK)
		r = amana_cbor_map_get_str(d, sl, "uri", &v);
	if (r == AMANA_OK)
		r = amana_cbor_get_tstr(d, v, &m->status_uri, &m->status_uri_len);
	m->has_status = r == AMANA_OK;
	return r;
}

int mdoc_mso_parse(const uint8_t *payload, size_t len, mdoc_mso_t *m)
{
	static const char *const keys[] = {"version", "digestAlgorithm",
		"valueDigests", "deviceKeyInfo", "docType", "validityInfo", "status"};
	static const char *const dki_keys[] = {"deviceKey", "keyAuthorizations",
		"keyInfo"};
	static const char *const vi_keys[] = {"signed", "validFrom", "validUntil",
		"expectedUpdate"};
	memset(m, 0, sizeof(*m));
	amana_cbor_doc_t *outer = NULL;
	const uint8_t *p;
	size_t n;
	int r = amana_cbor_decode(payload, len, &mdoc_limits, &outer);
	if (r == AMANA_OK)
		r = amana_cbor_get_tag24(outer, 0, &p, &n);
	amana_cbor_doc_free(&outer);
	if (r == AMANA_OK)
		r = amana_cbor_decode(p, n, &mdoc_limits, &m->doc);
	if (r != AMANA_OK)
		return r;
	const amana_cbor_doc_t *d = m->doc;
	uint32_t v, dki, vi, dk;
	uint64_t cnt;
	if ((r = amana_cbor_get_map(d, 0, &cnt)) != AMANA_OK ||
	    (r = amana_cbor_map_only_keys(d, 0, keys, 7)) != AMANA_OK)
		goto out;
	GET(0, "version", &v);
	if (!amana_cbor_tstr_eq(d, v, "1.0")) {
		r = AMANA_ERR_MDOC_VERSION;
		goto out;
	}
	GET(0, "digestAlgorithm", &v);
	if (!amana_cbor_tstr_eq(d, v, "SHA-256")) {
		r = AMANA_ERR_MDOC_DIGEST_ALG;
		goto out;
	}
	GET(0, "docType", &v);
	if ((r = amana_cbor_get_tstr(d, v, &m->doctype, &m->doctype_len)) != AMANA_OK)
		goto out;
	GET(0, "valueDigests", &m->digests);
	if ((r = amana_cbor_get_map(d, m->digests, &cnt)) != AMANA_OK)
		goto out;
	GET(0, "deviceKeyInfo", &dki);
	if ((r = amana_cbor_map_only_keys(d, dki, dki_keys, 3)) != AMANA_OK)
		goto out;
	GET(dki, "deviceKey", &dk);
	if ((r = amana_cose_key_parse(d, dk, &m->device_key)) != AMANA_OK)
		goto out;
	GET(0, "validityInfo", &vi);
	if ((r = amana_cbor_map_only_keys(d, vi, vi_keys, 4)) != AMANA_OK)
		goto out;
	GET(vi, "signed", &v);
	if ((r = mdoc_get_tdate(d, v, &m->signed_at)) != AMANA_OK)
		goto out;
	GET(vi, "validFrom", &v);
	if ((r = mdoc_get_tdate(d, v, &m->valid_from)) != AMANA_OK)
		goto out;
	GET(vi, "validUntil", &v);
	if ((r = mdoc_get_tdate(d, v, &m->valid_until)) != AMANA_OK)
		goto out;
	if (m->valid_until < m->valid_from || m->signed_at > m->valid_until) {
		r = AMANA_ERR_CBOR_VALUE;
		goto out;
	}
	if (amana_cbor_map_get_str(d, 0, "status", &v) == AMANA_OK)
		r = parse_status(d, v, m);
out:
	if (r != AMANA_OK)
		mdoc_mso_free(m);
	return r;
}

void mdoc_mso_free(mdoc_mso_t *m)
{
	amana_cbor_doc_free(&m->doc);
}

/* The MSO's digest for (ns, id). */
static int mso_digest(const mdoc_mso_t *m, const char *ns, size_t ns_len,
    uint64_t id, const uint8_t **p, size_t *n)
{
	const amana_cbor_doc_t *d = m->doc;
	uint64_t cnt = amana_cbor_at(d, m->digests)->val;
	uint32_t k = m->digests + 1;
	for (uint64_t i = 0; i < cnt; i++) {
		uint32_t v = amana_cbor_next(d, k);
		const char *s;
		size_t sn;
		if (amana_cbor_get_tstr(d, k, &s, &sn) == AMANA_OK && sn == ns_len &&
		    memcmp(s, ns, sn) == 0) {
			uint32_t dv;
			if (amana_cbor_map_get_int(d, v, (int64_t)(id & INT64_MAX), &dv) != AMANA_OK ||
			    id > INT64_MAX)
				return AMANA_ERR_MDOC_NO_DIGEST;
			if (amana_cbor_get_bstr(d, dv, p, n) != AMANA_OK)
				return AMANA_ERR_CBOR_TYPE;
			return AMANA_OK;
		}
		k = amana_cbor_next(d, v);
	}
	return AMANA_ERR_MDOC_NO_DIGEST;
}

int mdoc_item_check(const amana_cbor_doc_t *d, uint32_t i, const mdoc_mso_t *m,
    const char *ns, size_t ns_len, mdoc_item_t *out)
{
	static const char *const keys[] = {"digestID", "random",
		"elementIdentifier", "elementValue"};
	memset(out, 0, sizeof(*out));
	const uint8_t *p, *raw;
	size_t n, raw_len;
	int r = amana_cbor_get_tag24(d, i, &p, &n);
	if (r != AMANA_OK)
		return r;
	r = amana_cbor_decode(p, n, &mdoc_limits, &out->doc);
	if (r != AMANA_OK)
		return r;
	const amana_cbor_doc_t *it = out->doc;
	uint32_t v;
	uint64_t cnt;
	const uint8_t *salt;
	size_t salt_len;
	if ((r = amana_cbor_get_map(it, 0, &cnt)) != AMANA_OK ||
	    (r = amana_cbor_map_only_keys(it, 0, keys, 4)) != AMANA_OK)
		goto out;
	if (cnt != 4) {
		r = AMANA_ERR_CBOR_MISSING;
		goto out;
	}
	if ((r = amana_cbor_map_get_str(it, 0, "digestID", &v)) != AMANA_OK ||
	    (r = amana_cbor_get_uint(it, v, &out->digest_id)) != AMANA_OK ||
	    (r = amana_cbor_map_get_str(it, 0, "random", &v)) != AMANA_OK ||
	    (r = amana_cbor_get_bstr(it, v, &salt, &salt_len)) != AMANA_OK ||
	    (r = amana_cbor_map_get_str(it, 0, "elementIdentifier", &v)) != AMANA_OK ||
	    (r = amana_cbor_get_tstr(it, v, &out->id, &out->id_len)) != AMANA_OK ||
	    (r = amana_cbor_map_get_str(it, 0, "elementValue", &out->value)) != AMANA_OK)
		goto out;
	if (salt_len < 16) {
		r = AMANA_ERR_CBOR_VALUE;
		goto out;
	}
	const uint8_t *want;
	size_t want_len;
	if ((r = mso_digest(m, ns, ns_len, out->digest_id, &want, &want_len)) != AMANA_OK)
		goto out;
	uint8_t got[crypto_hash_sha256_BYTES];
	amana_cbor_raw(d, i, &raw, &raw_len);
	crypto_hash_sha256(got, raw, raw_len);
	if (want_len != sizeof(got) || memcmp(got, want, sizeof(got)) != 0)
		r = AMANA_ERR_MDOC_DIGEST;
out:
	if (r != AMANA_OK)
		mdoc_item_free(out);
	return r;
}

void mdoc_item_free(mdoc_item_t *it)
{
	amana_cbor_doc_free(&it->doc);
}
