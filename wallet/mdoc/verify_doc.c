/* verify_doc.c: every check of one Document of a DeviceResponse. Each check
 * records pass/fail/skip with its reason; a failure does not stop the
 * checks that do not depend on it, so the officer sees the whole picture. */
#include <stdlib.h>
#include <string.h>

#include "amana/err.h"
#include "verify_internal.h"

/* What the structure check extracts for the later checks. */
typedef struct doc_parts {
	const char *doctype;
	size_t doctype_len;
	uint32_t namespaces;  /* issuerSigned.nameSpaces, or 0 */
	uint32_t device_auth; /* deviceSigned.deviceAuth */
	uint32_t device_ns;   /* deviceSigned.nameSpaces */
	amana_cose_sign1_t auth;
	mdoc_mso_t mso;
} doc_parts_t;

static int structure(const amana_cbor_doc_t *d, uint32_t i, doc_parts_t *p)
{
	static const char *const keys[] = {"docType", "issuerSigned",
		"deviceSigned", "errors"};
	static const char *const is_keys[] = {"nameSpaces", "issuerAuth"};
	static const char *const ds_keys[] = {"nameSpaces", "deviceAuth"};
	uint32_t v, is, ds;
	int r = amana_cbor_map_only_keys(d, i, keys, 4);
	if (r == AMANA_OK)
		r = amana_cbor_map_get_str(d, i, "docType", &v);
	if (r == AMANA_OK)
		r = amana_cbor_get_tstr(d, v, &p->doctype, &p->doctype_len);
	if (r == AMANA_OK && (p->doctype_len == 0 || p->doctype_len >= AMANA_MDOC_MAX_DOCTYPE))
		r = AMANA_ERR_CBOR_VALUE;
	if (r == AMANA_OK)
		r = amana_cbor_map_get_str(d, i, "issuerSigned", &is);
	if (r == AMANA_OK)
		r = amana_cbor_map_only_keys(d, is, is_keys, 2);
	if (r == AMANA_OK && amana_cbor_map_get_str(d, is, "nameSpaces", &p->namespaces) != AMANA_OK)
		p->namespaces = 0;
	if (r == AMANA_OK)
		r = amana_cbor_map_get_str(d, i, "deviceSigned", &ds);
	if (r == AMANA_OK)
		r = amana_cbor_map_only_keys(d, ds, ds_keys, 2);
	if (r == AMANA_OK)
		r = amana_cbor_map_get_str(d, ds, "nameSpaces", &p->device_ns);
	if (r == AMANA_OK)
		r = amana_cbor_map_get_str(d, ds, "deviceAuth", &p->device_auth);
	if (r == AMANA_OK)
		r = amana_cbor_map_get_str(d, is, "issuerAuth", &v);
	if (r == AMANA_OK)
		r = amana_cose_sign1_parse(d, v, &p->auth);
	if (r == AMANA_OK && p->auth.payload == NULL)
		r = AMANA_ERR_CBOR_MISSING;
	if (r == AMANA_OK && p->auth.nx5chain == 0)
		r = AMANA_ERR_COSE_X5CHAIN;
	if (r == AMANA_OK)
		r = mdoc_mso_parse(p->auth.payload, p->auth.payload_len, &p->mso);
	return r;
}

static int device_sig(const amana_cbor_doc_t *d, const amana_request_t *req,
    const doc_parts_t *p)
{
	static const char *const keys[] = {"deviceSignature", "deviceMac"};
	uint32_t v;
	int r = amana_cbor_map_only_keys(d, p->device_auth, keys, 2);
	if (r != AMANA_OK)
		return r;
	if (amana_cbor_map_get_str(d, p->device_auth, "deviceSignature", &v) != AMANA_OK)
		return amana_cbor_map_get_str(d, p->device_auth, "deviceMac", &v) == AMANA_OK ?
		    AMANA_ERR_VERIFY_DEVICE_MAC : AMANA_ERR_CBOR_MISSING;
	amana_cose_sign1_t s;
	if ((r = amana_cose_sign1_parse(d, v, &s)) != AMANA_OK)
		return r;
	if (s.payload != NULL)
		return AMANA_ERR_CBOR_VALUE; /* must be detached */
	/* DeviceNameSpaces: we take none, so it must be the empty map */
	const uint8_t *dns, *inner;
	size_t dns_len, inner_len;
	if ((r = amana_cbor_get_tag24(d, p->device_ns, &inner, &inner_len)) != AMANA_OK)
		return r;
	if (inner_len != 1 || inner[0] != 0xa0)
		return AMANA_ERR_CBOR_EXTRA;
	amana_cbor_raw(d, p->device_ns, &dns, &dns_len);
	const uint8_t *st;
	size_t stn;
	uint8_t *da = NULL;
	size_t dan;
	amana_request_transcript(req, &st, &stn);
	r = amana_mdoc_device_auth_bytes(st, stn, p->doctype, p->doctype_len, dns,
	    dns_len, &da, &dan);
	if (r != AMANA_OK)
		return r;
	r = amana_cose_sign1_verify(&s, da, dan, NULL, 0, &p->mso.device_key);
	free(da);
	return r == AMANA_ERR_COSE_SIG ? AMANA_ERR_VERIFY_DEVICE_SIG : r;
}

int verify_doc(amana_verifier_t *v, const amana_request_t *req,
    const amana_cbor_doc_t *d, uint32_t i, amana_verified_doc_t *out,
    bool matched[AMANA_REQUEST_MAX_DOCS])
{
	memset(out, 0, sizeof(*out));
	out->request_doc = -1;
	amana_check_t *c = out->checks;
	char detail[120] = "";
	doc_parts_t p;
	memset(&p, 0, sizeof(p));
	verify_name_t names[AMANA_VERIFY_MAX_ELEMENTS];
	int64_t now = verifier_now(v);

	int r = structure(d, i, &p);
	if (p.doctype != NULL)
		verify_display(out->doctype, sizeof(out->doctype), p.doctype, p.doctype_len);
	if (r != AMANA_OK) {
		check_set(&c[AMANA_CHECK_STRUCTURE], AMANA_CHECK_FAIL, r, NULL);
		mdoc_mso_free(&p.mso);
		return r;
	}
	check_set(&c[AMANA_CHECK_STRUCTURE], AMANA_CHECK_PASS, AMANA_OK, NULL);
	out->valid_from = p.mso.valid_from;
	out->valid_until = p.mso.valid_until;
	out->signed_at = p.mso.signed_at;
	if (p.mso.has_status) {
		out->has_status = true;
		verify_display(out->status_uri, sizeof(out->status_uri), p.mso.status_uri,
		    p.mso.status_uri_len);
		out->status_idx = p.mso.status_idx;
	}

	/* trust, then the issuer signature with the signer's key */
	const verifier_cert_t *signer = NULL;
	const char *why = NULL;
	amana_cose_key_t key = {0, 0, {0}, {0}};
	int64_t cert_nb = INT64_MIN, cert_na = INT64_MAX;
	/* a trust list loaded while valid may have expired since */
	if (v->trust != NULL && now > amana_trust_expires(v->trust))
		r = AMANA_ERR_TRUST_EXPIRED;
	else
		r = verifier_signer(v, p.auth.x5chain[0], p.auth.x5chain_len[0], &signer, &why);
	if (r == AMANA_OK && (now < signer->not_before || now > signer->not_after))
		r = AMANA_ERR_VERIFY_CERT_TIME;
	if (r == AMANA_OK) {
		check_set(&c[AMANA_CHECK_TRUST], AMANA_CHECK_PASS, AMANA_OK, signer->subject);
		key = signer->key;
		cert_nb = signer->not_before;
		cert_na = signer->not_after;
		snprintf(out->signer, sizeof(out->signer), "%s", signer->subject);
	} else {
		check_set(&c[AMANA_CHECK_TRUST],
		    v->require_trust ? AMANA_CHECK_FAIL : AMANA_CHECK_SKIP, r, why);
		/* who signed it, though untrusted: the officer may want to know */
		mdoc_cert_subject(p.auth.x5chain[0], p.auth.x5chain_len[0], out->signer,
		    sizeof(out->signer));
		r = amana_cose_key_from_cert(p.auth.x5chain[0], p.auth.x5chain_len[0], &key);
	}
	if (r == AMANA_OK)
		r = amana_cose_sign1_verify(&p.auth, NULL, 0, NULL, 0, &key);
	if (r == AMANA_ERR_COSE_SIG)
		r = AMANA_ERR_VERIFY_ISSUER_SIG;
	check_set(&c[AMANA_CHECK_ISSUER_SIG], r == AMANA_OK ? AMANA_CHECK_PASS :
	    AMANA_CHECK_FAIL, r, NULL);
	bool signed_ok = r == AMANA_OK;

	/* digests mean something only under a valid signature */
	if (signed_ok) {
		r = verify_items(d, p.namespaces, &p.mso, out, names, detail, sizeof(detail));
		check_set(&c[AMANA_CHECK_DIGESTS], r == AMANA_OK ? AMANA_CHECK_PASS :
		    AMANA_CHECK_FAIL, r, r == AMANA_OK ? NULL : detail);
		if (r == AMANA_ERR_NOMEM)
			goto out;
	}

	bool dt_ok = p.mso.doctype_len == p.doctype_len &&
	    memcmp(p.mso.doctype, p.doctype, p.doctype_len) == 0;
	if (dt_ok && req != NULL) {
		dt_ok = false;
		for (size_t q = 0; q < amana_request_doc_count(req); q++)
			if (verify_doctype_requested(req, q, p.doctype, p.doctype_len)) {
				if (!dt_ok)
					out->request_doc = (int)q;
				dt_ok = matched[q] = true;
			}
	}
	if (out->request_doc >= 0 && c[AMANA_CHECK_DIGESTS].state == AMANA_CHECK_PASS)
		out->not_disclosed = verify_not_disclosed(req, (size_t)out->request_doc,
		    names, out->nelements);
	check_set(&c[AMANA_CHECK_DOCTYPE], dt_ok ? AMANA_CHECK_PASS : AMANA_CHECK_FAIL,
	    dt_ok ? AMANA_OK : AMANA_ERR_MDOC_DOCTYPE, NULL);

	r = now < p.mso.valid_from ? AMANA_ERR_VERIFY_NOT_YET :
	    now > p.mso.valid_until ? AMANA_ERR_VERIFY_EXPIRED :
	    (p.mso.signed_at < cert_nb || p.mso.signed_at > cert_na) ?
	    AMANA_ERR_VERIFY_SIGNED_TIME : AMANA_OK;
	check_set(&c[AMANA_CHECK_VALIDITY], r == AMANA_OK ? AMANA_CHECK_PASS :
	    AMANA_CHECK_FAIL, r, NULL);

	if (req == NULL) {
		check_set(&c[AMANA_CHECK_DEVICE_SIG], AMANA_CHECK_SKIP, AMANA_ERR_ARG,
		    "no request: session not checked");
		check_set(&c[AMANA_CHECK_REQUEST], AMANA_CHECK_SKIP, AMANA_ERR_ARG,
		    "no request given");
	} else {
		r = device_sig(d, req, &p);
		check_set(&c[AMANA_CHECK_DEVICE_SIG], r == AMANA_OK ? AMANA_CHECK_PASS :
		    AMANA_CHECK_FAIL, r, NULL);
		r = verify_requested(req, p.doctype, p.doctype_len, names, out, detail,
		    sizeof(detail));
		check_set(&c[AMANA_CHECK_REQUEST], r == AMANA_OK ? AMANA_CHECK_PASS :
		    AMANA_CHECK_FAIL, r, r == AMANA_OK ? NULL : detail);
	}

	if (p.mso.has_status && v->status_fn != NULL && !signed_ok) {
		check_set(&c[AMANA_CHECK_STATUS], AMANA_CHECK_NOT_RUN,
		    AMANA_ERR_VERIFY_ISSUER_SIG, "issuer signature invalid");
	} else if (p.mso.has_status && v->status_fn != NULL) {
		amana_status_ref_t ref = {p.mso.status_uri, p.mso.status_uri_len,
			p.mso.status_idx, &key, p.auth.x5chain[0], p.auth.x5chain_len[0]};
		r = v->status_fn(v->status_ctx, &ref, now);
		check_set(&c[AMANA_CHECK_STATUS], r == AMANA_OK ? AMANA_CHECK_PASS :
		    AMANA_CHECK_FAIL, r, NULL);
	} else {
		check_set(&c[AMANA_CHECK_STATUS], v->require_status ? AMANA_CHECK_FAIL :
		    AMANA_CHECK_SKIP, AMANA_ERR_VERIFY_NO_STATUS,
		    p.mso.has_status ? "no status list available" :
		    "credential has no status reference");
	}
	r = AMANA_OK;
out:
	mdoc_mso_free(&p.mso);
	return r;
}
