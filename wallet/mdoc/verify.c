/* verify.c: the verifier object, its signer-certificate cache and the
 * response-level checks; one document's checks are in verify_doc.c. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "amana/err.h"
#include "verify_internal.h"

static const char *const check_names[AMANA_CHECK_COUNT_] = {
	"structure", "trust", "issuer_sig", "digests", "doctype", "validity",
	"device_sig", "request", "status",
};

const char *amana_check_name(amana_check_id_t id)
{
	return (unsigned)id < AMANA_CHECK_COUNT_ ? check_names[id] : "unknown";
}

const char *amana_check_state_name(amana_check_state_t s)
{
	switch (s) {
	case AMANA_CHECK_PASS: return "pass";
	case AMANA_CHECK_FAIL: return "fail";
	case AMANA_CHECK_SKIP: return "skip";
	default: return "not-run";
	}
}

int amana_verifier_new(amana_verifier_t **out)
{
	if (out == NULL)
		return AMANA_ERR_ARG;
	if (sodium_init() < 0)
		return AMANA_ERR_CRYPTO;
	*out = calloc(1, sizeof(**out));
	if (*out == NULL)
		return AMANA_ERR_NOMEM;
	(*out)->require_trust = true;
	return AMANA_OK;
}

void amana_verifier_free(amana_verifier_t **v)
{
	if (v == NULL || *v == NULL)
		return;
	free(*v);
	*v = NULL;
}

void amana_verifier_set_trust(amana_verifier_t *v, const amana_trust_t *t)
{
	v->trust = t;
	v->ncache = 0; /* cached chains were checked against the old list */
}

void amana_verifier_set_time(amana_verifier_t *v, int64_t now) { v->now = now; }

void amana_verifier_set_status(amana_verifier_t *v, amana_status_fn fn, void *ctx)
{
	v->status_fn = fn;
	v->status_ctx = ctx;
}

void amana_verifier_require_status(amana_verifier_t *v, bool required)
{
	v->require_status = required;
}

void amana_verifier_require_trust(amana_verifier_t *v, bool required)
{
	v->require_trust = required;
}

int64_t verifier_now(const amana_verifier_t *v)
{
	return v->now != 0 ? v->now : (int64_t)time(NULL);
}

int verifier_signer(amana_verifier_t *v, const uint8_t *der, size_t len,
    const verifier_cert_t **out, const char **why)
{
	*why = NULL;
	uint8_t h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, der, len);
	for (size_t k = 0; k < v->ncache; k++)
		if (memcmp(v->cache[k].hash, h, sizeof(h)) == 0) {
			*out = &v->cache[k];
			return AMANA_OK;
		}
	verifier_cert_t c;
	memset(&c, 0, sizeof(c));
	memcpy(c.hash, h, sizeof(h));
	/* The chain is checked with the clock; the cached window is then
	 * compared with the clock on every later use. */
	int r = mdoc_trust_check_signer(v->trust, der, len, verifier_now(v), &c.key,
	    &c.not_before, &c.not_after, c.subject, sizeof(c.subject), why);
	if (r != AMANA_OK)
		return r;
	size_t slot = v->ncache < VERIFIER_CACHE ? v->ncache++ : v->next_evict++ % VERIFIER_CACHE;
	v->cache[slot] = c;
	*out = &v->cache[slot];
	return AMANA_OK;
}

void check_set(amana_check_t *c, amana_check_state_t st, int reason,
    const char *detail)
{
	c->state = st;
	c->reason = reason;
	snprintf(c->detail, sizeof(c->detail), "%s",
	    detail != NULL ? detail : (reason != AMANA_OK ? amana_strerr(reason) : ""));
}

static int response_shape(const amana_cbor_doc_t *d, uint32_t *docs, uint64_t *ndocs)
{
	static const char *const keys[] = {"version", "documents",
		"documentErrors", "status"};
	uint32_t v;
	uint64_t st;
	int r = amana_cbor_map_only_keys(d, 0, keys, 4);
	if (r == AMANA_OK)
		r = amana_cbor_map_get_str(d, 0, "version", &v);
	if (r == AMANA_OK && !amana_cbor_tstr_eq(d, v, "1.0"))
		r = AMANA_ERR_MDOC_VERSION;
	if (r == AMANA_OK)
		r = amana_cbor_map_get_str(d, 0, "status", &v);
	if (r == AMANA_OK)
		r = amana_cbor_get_uint(d, v, &st);
	if (r == AMANA_OK && st != 0)
		r = AMANA_ERR_MDOC_DOC_ERROR;
	if (r == AMANA_OK)
		r = amana_cbor_map_get_str(d, 0, "documents", docs);
	if (r == AMANA_OK)
		r = amana_cbor_get_array(d, *docs, ndocs);
	if (r == AMANA_OK && *ndocs == 0)
		r = AMANA_ERR_CBOR_MISSING;
	if (r == AMANA_OK && *ndocs > AMANA_VERIFY_MAX_DOCS)
		r = AMANA_ERR_LIMIT;
	return r;
}

int amana_verifier_check(amana_verifier_t *v, const amana_request_t *req,
    const uint8_t *resp, size_t len, amana_verify_result_t *res)
{
	if (v == NULL || res == NULL || (resp == NULL && len > 0))
		return AMANA_ERR_ARG;
	res->accepted = false;
	res->reason = AMANA_OK;
	res->ndocs = 0;
	memset(&res->response, 0, sizeof(res->response));
	amana_cbor_doc_t *d = NULL;
	uint32_t docs = 0;
	uint64_t ndocs = 0;
	int r = amana_cbor_decode(resp, len, &mdoc_limits, &d);
	if (r == AMANA_OK)
		r = response_shape(d, &docs, &ndocs);
	if (r != AMANA_OK) {
		check_set(&res->response, AMANA_CHECK_FAIL, r, NULL);
		res->reason = r;
		amana_cbor_doc_free(&d);
		return r == AMANA_ERR_NOMEM ? r : res->reason;
	}
	check_set(&res->response, AMANA_CHECK_PASS, AMANA_OK, NULL);
	bool ok = true, matched[AMANA_REQUEST_MAX_DOCS] = {false};
	uint32_t k = docs + 1;
	for (uint64_t i = 0; i < ndocs; i++) {
		amana_verified_doc_t *doc = &res->docs[res->ndocs++];
		r = verify_doc(v, req, d, k, doc, matched);
		if (r == AMANA_ERR_NOMEM) {
			amana_cbor_doc_free(&d);
			return r;
		}
		for (int c = 0; c < AMANA_CHECK_COUNT_; c++) {
			const amana_check_t *ch = &doc->checks[c];
			bool pass = ch->state == AMANA_CHECK_PASS ||
			    (c == AMANA_CHECK_STATUS && ch->state == AMANA_CHECK_SKIP);
			if (!pass && ok) {
				ok = false;
				res->reason = ch->reason != AMANA_OK ? ch->reason : AMANA_ERR_VERIFY;
			}
		}
		k = amana_cbor_next(d, k);
	}
	/* every requested document must be there (docTypes compared whole,
	 * as received, never their display copies) */
	for (size_t q = 0; ok && req != NULL && q < amana_request_doc_count(req); q++) {
		if (!matched[q]) {
			char what[sizeof(res->response.detail)];
			snprintf(what, sizeof(what), "requested document %s is missing",
			    amana_request_doctype(req, q));
			ok = false;
			res->reason = AMANA_ERR_MDOC_NO_CRED;
			check_set(&res->response, AMANA_CHECK_FAIL, res->reason, what);
		}
	}
	amana_cbor_doc_free(&d);
	res->accepted = ok;
	return ok ? AMANA_OK : res->reason;
}
