/* request.c: the verifier's request (amana/mdoc.h, docs/0302) and the
 * SessionTranscript and DeviceAuthentication built from it. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "amana/err.h"
#include "mdoc_internal.h"

#define REQUEST_MAX_BYTES 16384
#define VERIFIER_MAX 128
#define HANDOVER_LABEL "amana-1"

typedef struct req_doc {
	char doctype[AMANA_MDOC_MAX_DOCTYPE];
	size_t nelems;
	amana_request_elem_t elems[AMANA_MDOC_MAX_ELEMENTS];
} req_doc_t;

struct amana_request {
	uint8_t *buf;
	size_t len;
	char verifier[VERIFIER_MAX + 1];
	uint8_t nonce[AMANA_REQUEST_MAX_NONCE];
	size_t nonce_len;
	uint8_t *transcript;
	size_t transcript_len;
	size_t ndocs;
	req_doc_t docs[AMANA_REQUEST_MAX_DOCS];
};

/* One docRequest: {"itemsRequest": #6.24(bstr ItemsRequest)}. */
static void put_doc_request(amana_cbor_enc_t *e, const amana_request_params_t *p)
{
	amana_cbor_map_begin(e);
	amana_cbor_put_tstr(e, "itemsRequest");
	amana_cbor_put_tag(e, 24);
	amana_cbor_bstr_begin(e);
	amana_cbor_map_begin(e);
	amana_cbor_put_tstr(e, "docType");
	amana_cbor_put_tstr(e, p->doctype);
	amana_cbor_put_tstr(e, "nameSpaces");
	amana_cbor_map_begin(e);
	/* group the elements by namespace, in the order first seen */
	for (size_t k = 0; k < p->nelems; k++) {
		bool seen = false;
		for (size_t j = 0; j < k && !seen; j++)
			seen = strcmp(p->elems[j].ns, p->elems[k].ns) == 0;
		if (seen)
			continue;
		amana_cbor_put_tstr(e, p->elems[k].ns);
		amana_cbor_map_begin(e);
		for (size_t j = k; j < p->nelems; j++)
			if (strcmp(p->elems[j].ns, p->elems[k].ns) == 0) {
				amana_cbor_put_tstr(e, p->elems[j].id);
				amana_cbor_put_bool(e, p->elems[j].intent_to_retain);
			}
		amana_cbor_map_end(e);
	}
	amana_cbor_map_end(e);
	amana_cbor_map_end(e);
	amana_cbor_bstr_end(e);
	amana_cbor_map_end(e);
}

int amana_request_create(const amana_request_params_t *p, uint8_t **out, size_t *len)
{
	return amana_request_create_n(p, 1, out, len);
}

int amana_request_create_n(const amana_request_params_t *p, size_t n,
    uint8_t **out, size_t *len)
{
	if (p == NULL || n == 0 || n > AMANA_REQUEST_MAX_DOCS || p->verifier == NULL ||
	    out == NULL || len == NULL)
		return AMANA_ERR_ARG;
	for (size_t d = 0; d < n; d++)
		if (p[d].doctype == NULL || p[d].nelems == 0 ||
		    p[d].nelems > AMANA_MDOC_MAX_ELEMENTS)
			return AMANA_ERR_ARG;
	uint8_t nonce[32], rpk[crypto_box_PUBLICKEYBYTES], rsk[crypto_box_SECRETKEYBYTES];
	randombytes_buf(nonce, sizeof(nonce));
	crypto_box_keypair(rpk, rsk);
	sodium_memzero(rsk, sizeof(rsk));
	amana_cose_key_t rk = {AMANA_COSE_KTY_OKP, AMANA_COSE_CRV_X25519, {0}, {0}};
	memcpy(rk.x, rpk, 32);

	amana_cbor_enc_t *e = NULL;
	if (amana_cbor_enc_new(&e) != AMANA_OK)
		return AMANA_ERR_NOMEM;
	amana_cbor_map_begin(e);
	amana_cbor_put_tstr(e, "version");
	amana_cbor_put_tstr(e, "1.0");
	amana_cbor_put_tstr(e, "verifier");
	amana_cbor_put_tstr(e, p->verifier);
	amana_cbor_put_tstr(e, "nonce");
	amana_cbor_put_bstr(e, nonce, sizeof(nonce));
	amana_cbor_put_tstr(e, "readerKey");
	amana_cose_key_put(e, &rk);
	amana_cbor_put_tstr(e, "docRequests");
	amana_cbor_array_begin(e);
	for (size_t d = 0; d < n; d++)
		put_doc_request(e, &p[d]);
	amana_cbor_array_end(e);
	amana_cbor_map_end(e);
	int r = amana_cbor_enc_copy(e, out, len);
	amana_cbor_enc_free(&e);
	return r;
}

static int parse_items(const uint8_t *p, size_t n, req_doc_t *doc)
{
	static const char *const keys[] = {"docType", "nameSpaces", "requestInfo"};
	amana_cbor_doc_t *d = NULL;
	uint32_t v = 0, nss = 0;
	uint64_t nns = 0, nel = 0;
	int r = amana_cbor_decode(p, n, &mdoc_limits, &d);
	if (r == AMANA_OK)
		r = amana_cbor_map_only_keys(d, 0, keys, 3);
	if (r == AMANA_OK)
		r = amana_cbor_map_get_str(d, 0, "docType", &v);
	if (r == AMANA_OK)
		r = mdoc_tstr_copy(d, v, doc->doctype, sizeof(doc->doctype));
	if (r == AMANA_OK)
		r = amana_cbor_map_get_str(d, 0, "nameSpaces", &nss);
	if (r == AMANA_OK)
		r = amana_cbor_get_map(d, nss, &nns);
	if (r == AMANA_OK && nns == 0)
		r = AMANA_ERR_CBOR_MISSING;
	uint32_t k = nss + 1;
	for (uint64_t i = 0; i < nns && r == AMANA_OK; i++) {
		uint32_t m = amana_cbor_next(d, k);
		char ns[AMANA_MDOC_MAX_DOCTYPE];
		if ((r = mdoc_tstr_copy(d, k, ns, sizeof(ns))) != AMANA_OK ||
		    (r = amana_cbor_get_map(d, m, &nel)) != AMANA_OK)
			break;
		if (nel == 0)
			r = AMANA_ERR_CBOR_MISSING;
		uint32_t e = m + 1;
		for (uint64_t j = 0; j < nel && r == AMANA_OK; j++) {
			if (doc->nelems >= AMANA_MDOC_MAX_ELEMENTS) {
				r = AMANA_ERR_LIMIT;
				break;
			}
			amana_request_elem_t *el = &doc->elems[doc->nelems];
			strcpy(el->ns, ns);
			if ((r = mdoc_tstr_copy(d, e, el->id, sizeof(el->id))) != AMANA_OK ||
			    (r = amana_cbor_get_bool(d, amana_cbor_next(d, e),
			        &el->intent_to_retain)) != AMANA_OK)
				break;
			doc->nelems++;
			e = amana_cbor_next(d, amana_cbor_next(d, e));
		}
		k = amana_cbor_next(d, m);
	}
	amana_cbor_doc_free(&d);
	return r;
}

/* SessionTranscript = [null, #6.24(bstr readerKey), ["amana-1", nonce]]. */
static int make_transcript(amana_request_t *q, const uint8_t *rk, size_t rk_len)
{
	amana_cbor_enc_t *e = NULL;
	if (amana_cbor_enc_new(&e) != AMANA_OK)
		return AMANA_ERR_NOMEM;
	amana_cbor_array_begin(e);
	amana_cbor_put_null(e);
	amana_cbor_put_tag(e, 24);
	amana_cbor_put_bstr(e, rk, rk_len);
	amana_cbor_array_begin(e);
	amana_cbor_put_tstr(e, HANDOVER_LABEL);
	amana_cbor_put_bstr(e, q->nonce, q->nonce_len);
	amana_cbor_array_end(e);
	amana_cbor_array_end(e);
	int r = amana_cbor_enc_copy(e, &q->transcript, &q->transcript_len);
	amana_cbor_enc_free(&e);
	return r;
}

static bool printable(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

static int parse(amana_request_t *q)
{
	static const char *const keys[] = {"version", "docRequests", "nonce",
		"readerKey", "verifier"};
	static const char *const dr_keys[] = {"itemsRequest"};
	amana_cbor_doc_t *d = NULL;
	uint32_t v = 0, drs = 0;
	uint64_t n = 0;
	const uint8_t *p;
	size_t pn;
	amana_cose_key_t rk;
	int r = amana_cbor_decode(q->buf, q->len, &mdoc_limits, &d);
	if (r == AMANA_OK)
		r = amana_cbor_map_only_keys(d, 0, keys, 5);
	if (r == AMANA_OK)
		r = amana_cbor_map_get_str(d, 0, "version", &v);
	if (r == AMANA_OK && !amana_cbor_tstr_eq(d, v, "1.0"))
		r = AMANA_ERR_MDOC_VERSION;
	if (r == AMANA_OK)
		r = amana_cbor_map_get_str(d, 0, "verifier", &v);
	if (r == AMANA_OK)
		r = mdoc_tstr_copy(d, v, q->verifier, sizeof(q->verifier));
	if (r == AMANA_OK && (q->verifier[0] == '\0' || !printable(q->verifier)))
		r = AMANA_ERR_CBOR_VALUE;
	if (r == AMANA_OK)
		r = amana_cbor_map_get_str(d, 0, "nonce", &v);
	if (r == AMANA_OK)
		r = amana_cbor_get_bstr(d, v, &p, &pn);
	if (r == AMANA_OK && (pn < AMANA_REQUEST_MIN_NONCE || pn > AMANA_REQUEST_MAX_NONCE))
		r = AMANA_ERR_REQUEST_NONCE;
	if (r == AMANA_OK) {
		memcpy(q->nonce, p, pn);
		q->nonce_len = pn;
		r = amana_cbor_map_get_str(d, 0, "readerKey", &v);
	}
	if (r == AMANA_OK)
		r = amana_cose_key_parse(d, v, &rk);
	if (r == AMANA_OK) {
		amana_cbor_raw(d, v, &p, &pn);
		r = make_transcript(q, p, pn);
	}
	if (r == AMANA_OK)
		r = amana_cbor_map_get_str(d, 0, "docRequests", &drs);
	if (r == AMANA_OK)
		r = amana_cbor_get_array(d, drs, &n);
	if (r == AMANA_OK && (n == 0 || n > AMANA_REQUEST_MAX_DOCS))
		r = AMANA_ERR_LIMIT;
	uint32_t k = drs + 1;
	for (uint64_t i = 0; i < n && r == AMANA_OK; i++) {
		if ((r = amana_cbor_map_only_keys(d, k, dr_keys, 1)) != AMANA_OK ||
		    (r = amana_cbor_map_get_str(d, k, "itemsRequest", &v)) != AMANA_OK ||
		    (r = amana_cbor_get_tag24(d, v, &p, &pn)) != AMANA_OK ||
		    (r = parse_items(p, pn, &q->docs[i])) != AMANA_OK)
			break;
		q->ndocs++;
		k = amana_cbor_next(d, k);
	}
	amana_cbor_doc_free(&d);
	return r;
}

int amana_request_parse(const uint8_t *buf, size_t len, amana_request_t **out)
{
	if (buf == NULL || out == NULL)
		return AMANA_ERR_ARG;
	*out = NULL;
	if (len > REQUEST_MAX_BYTES)
		return AMANA_ERR_CBOR_SIZE;
	amana_request_t *q = calloc(1, sizeof(*q));
	if (q == NULL || (q->buf = malloc(len > 0 ? len : 1)) == NULL) {
		free(q);
		return AMANA_ERR_NOMEM;
	}
	memcpy(q->buf, buf, len);
	q->len = len;
	int r = parse(q);
	if (r != AMANA_OK) {
		amana_request_free(&q);
		return r;
	}
	*out = q;
	return AMANA_OK;
}

void amana_request_free(amana_request_t **pq)
{
	if (pq == NULL || *pq == NULL)
		return;
	free((*pq)->buf);
	free((*pq)->transcript);
	free(*pq);
	*pq = NULL;
}

const char *amana_request_verifier(const amana_request_t *r) { return r->verifier; }
size_t amana_request_doc_count(const amana_request_t *r) { return r->ndocs; }

const char *amana_request_doctype(const amana_request_t *r, size_t doc)
{
	return doc < r->ndocs ? r->docs[doc].doctype : NULL;
}

size_t amana_request_elem_count(const amana_request_t *r, size_t doc)
{
	return doc < r->ndocs ? r->docs[doc].nelems : 0;
}

const amana_request_elem_t *amana_request_elem(const amana_request_t *r,
    size_t doc, size_t i)
{
	if (doc >= r->ndocs || i >= r->docs[doc].nelems)
		return NULL;
	return &r->docs[doc].elems[i];
}

bool amana_request_wants(const amana_request_t *r, const char *doctype,
    const char *ns, const char *id)
{
	for (size_t k = 0; k < r->ndocs; k++) {
		if (strcmp(r->docs[k].doctype, doctype) != 0)
			continue;
		for (size_t j = 0; j < r->docs[k].nelems; j++)
			if (strcmp(r->docs[k].elems[j].ns, ns) == 0 &&
			    strcmp(r->docs[k].elems[j].id, id) == 0)
				return true;
	}
	return false;
}

void amana_request_nonce(const amana_request_t *r, const uint8_t **p, size_t *n)
{
	*p = r->nonce;
	*n = r->nonce_len;
}

void amana_request_transcript(const amana_request_t *r, const uint8_t **p, size_t *n)
{
	*p = r->transcript;
	*n = r->transcript_len;
}

void amana_request_bytes(const amana_request_t *r, const uint8_t **p, size_t *n)
{
	*p = r->buf;
	*n = r->len;
}

int amana_mdoc_device_auth_bytes(const uint8_t *transcript, size_t tn,
    const char *doctype, size_t doctype_len, const uint8_t *dns, size_t dns_len,
    uint8_t **out, size_t *len)
{
	amana_cbor_enc_t *e = NULL;
	if (amana_cbor_enc_new(&e) != AMANA_OK)
		return AMANA_ERR_NOMEM;
	amana_cbor_put_tag(e, 24);
	amana_cbor_bstr_begin(e);
	amana_cbor_array_begin(e);
	amana_cbor_put_tstr(e, "DeviceAuthentication");
	amana_cbor_put_raw(e, transcript, tn);
	amana_cbor_put_tstrn(e, doctype, doctype_len);
	amana_cbor_put_raw(e, dns, dns_len);
	amana_cbor_array_end(e);
	amana_cbor_bstr_end(e);
	int r = amana_cbor_enc_copy(e, out, len);
	amana_cbor_enc_free(&e);
	return r;
}
