/* trust.c: the pinned trust list and certificate chain checks (libcrypto's
 * X509_verify_cert with the verifier's clock). */
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>
#include <stdlib.h>
#include <string.h>

#include "amana/err.h"
#include "amana/trust.h"
#include "mdoc_internal.h"

#define TRUST_MAX_BYTES ((size_t)1 << 20)

struct amana_trust {
	X509_STORE *store;
	size_t n;
	char names[AMANA_TRUST_MAX_ROOTS][96];
	int64_t nb[AMANA_TRUST_MAX_ROOTS], na[AMANA_TRUST_MAX_ROOTS];
	X509 *roots[AMANA_TRUST_MAX_ROOTS];
	int64_t expires;
};

int amana_trust_new(amana_trust_t **out)
{
	amana_trust_t *t = calloc(1, sizeof(*t));
	if (t == NULL || (t->store = X509_STORE_new()) == NULL) {
		free(t);
		return AMANA_ERR_NOMEM;
	}
	t->expires = INT64_MAX;
	*out = t;
	return AMANA_OK;
}

void amana_trust_free(amana_trust_t **pt)
{
	if (pt == NULL || *pt == NULL)
		return;
	for (size_t k = 0; k < (*pt)->n; k++)
		X509_free((*pt)->roots[k]);
	X509_STORE_free((*pt)->store);
	free(*pt);
	*pt = NULL;
}

static int asn1_time(const ASN1_TIME *a, int64_t *t)
{
	struct tm tm;
	if (a == NULL || ASN1_TIME_to_tm(a, &tm) != 1)
		return AMANA_ERR_X509;
	if (tm.tm_year < -1900 || tm.tm_year > 9999 - 1900)
		return AMANA_ERR_X509;
	char buf[96];
	snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
	    (tm.tm_mon + 1) % 100, tm.tm_mday % 100, tm.tm_hour % 100,
	    tm.tm_min % 100, tm.tm_sec % 100);
	return amana_mdoc_time_parse(buf, strlen(buf), t);
}

static X509 *parse_der(const uint8_t *der, size_t len)
{
	if (der == NULL || len == 0 || len > 65536)
		return NULL;
	const unsigned char *p = der;
	X509 *x = d2i_X509(NULL, &p, (long)len);
	if (x != NULL && p != der + len) {
		X509_free(x);
		return NULL;
	}
	return x;
}

void mdoc_cert_subject(const uint8_t *der, size_t len, char *out, size_t cap)
{
	if (cap == 0)
		return;
	out[0] = '\0';
	X509 *x = parse_der(der, len);
	if (x != NULL)
		X509_NAME_oneline(X509_get_subject_name(x), out,
		    cap > INT32_MAX ? INT32_MAX : (int)cap);
	X509_free(x);
}

int amana_trust_add_root(amana_trust_t *t, const uint8_t *der, size_t len,
    const char *name)
{
	if (t->n >= AMANA_TRUST_MAX_ROOTS)
		return AMANA_ERR_LIMIT;
	X509 *x = parse_der(der, len);
	if (x == NULL)
		return AMANA_ERR_X509;
	int r = AMANA_OK;
	if (X509_check_ca(x) < 1)
		r = AMANA_ERR_X509;
	if (r == AMANA_OK)
		r = asn1_time(X509_get0_notBefore(x), &t->nb[t->n]);
	if (r == AMANA_OK)
		r = asn1_time(X509_get0_notAfter(x), &t->na[t->n]);
	if (r == AMANA_OK && X509_STORE_add_cert(t->store, x) != 1)
		r = AMANA_ERR_X509;
	if (r != AMANA_OK) {
		X509_free(x);
		return r;
	}
	snprintf(t->names[t->n], sizeof(t->names[0]), "%s", name != NULL ? name : "");
	t->roots[t->n++] = x;
	return AMANA_OK;
}

size_t amana_trust_count(const amana_trust_t *t) { return t->n; }

const char *amana_trust_name(const amana_trust_t *t, size_t i)
{
	return i < t->n ? t->names[i] : NULL;
}

int64_t amana_trust_expires(const amana_trust_t *t) { return t->expires; }

int mdoc_trust_check_signer(const amana_trust_t *t, const uint8_t *der,
    size_t len, int64_t now, amana_cose_key_t *key, int64_t *not_before,
    int64_t *not_after, char *subject, size_t subject_cap, const char **why)
{
	const char *dummy;
	if (why == NULL)
		why = &dummy;
	*why = NULL;
	if (t == NULL || t->n == 0)
		return AMANA_ERR_VERIFY_UNTRUSTED;
	X509 *x = parse_der(der, len);
	if (x == NULL)
		return AMANA_ERR_X509;
	int r = AMANA_ERR_NOMEM;
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	if (ctx != NULL && X509_STORE_CTX_init(ctx, t->store, x, NULL) == 1) {
		X509_VERIFY_PARAM *vp = X509_STORE_CTX_get0_param(ctx);
		X509_VERIFY_PARAM_set_time(vp, (time_t)now);
		X509_VERIFY_PARAM_set_depth(vp, 1);
		if (X509_verify_cert(ctx) == 1) {
			r = AMANA_OK;
		} else {
			int e = X509_STORE_CTX_get_error(ctx);
			r = (e == X509_V_ERR_CERT_HAS_EXPIRED ||
			    e == X509_V_ERR_CERT_NOT_YET_VALID) ?
			    AMANA_ERR_VERIFY_CERT_TIME : AMANA_ERR_VERIFY_UNTRUSTED;
		}
		/* Who vouches for it first, then what it may sign: a signer is an
		 * end entity made for documents (a CA here would be a root signing
		 * documents itself, and a trusted root even "verifies" alone). */
		if (r == AMANA_OK)
			r = mdoc_cert_signer_usage_x509(x, why);
		/* the chain ends at one of our roots: intersect the windows */
		STACK_OF(X509) *chain = r == AMANA_OK ? X509_STORE_CTX_get0_chain(ctx) : NULL;
		X509 *root = chain != NULL && sk_X509_num(chain) > 0 ?
		    sk_X509_value(chain, sk_X509_num(chain) - 1) : NULL;
		int64_t rnb = INT64_MIN, rna = INT64_MAX;
		for (size_t k = 0; root != NULL && k < t->n; k++)
			if (X509_cmp(root, t->roots[k]) == 0)
				rnb = t->nb[k], rna = t->na[k];
		if (r == AMANA_OK)
			r = asn1_time(X509_get0_notBefore(x), not_before);
		if (r == AMANA_OK)
			r = asn1_time(X509_get0_notAfter(x), not_after);
		if (r == AMANA_OK) {
			if (rnb > *not_before)
				*not_before = rnb;
			if (rna < *not_after)
				*not_after = rna;
		}
	}
	if (r == AMANA_OK && subject != NULL && subject_cap > 0) {
		X509_NAME_oneline(X509_get_subject_name(x), subject,
		    subject_cap > INT32_MAX ? INT32_MAX : (int)subject_cap);
	}
	X509_STORE_CTX_free(ctx);
	X509_free(x);
	if (r == AMANA_OK)
		r = amana_cose_key_from_cert(der, len, key);
	return r;
}

int amana_trust_check_cert(const amana_trust_t *t, const uint8_t *der,
    size_t len, int64_t now, amana_cose_key_t *key, int64_t *not_before,
    int64_t *not_after, char *subject, size_t subject_cap)
{
	return mdoc_trust_check_signer(t, der, len, now, key, not_before, not_after,
	    subject, subject_cap, NULL);
}

int amana_trust_list_create(const uint8_t *const *roots, const size_t *lens,
    const char *const *names, size_t n, int64_t issued, int64_t expires,
    const uint8_t signer_sk[64], uint8_t **out, size_t *len)
{
	if (n == 0 || n > AMANA_TRUST_MAX_ROOTS || expires <= issued)
		return AMANA_ERR_ARG;
	amana_cbor_enc_t *e = NULL, *s = NULL;
	if (amana_cbor_enc_new(&e) != AMANA_OK || amana_cbor_enc_new(&s) != AMANA_OK) {
		amana_cbor_enc_free(&e);
		return AMANA_ERR_NOMEM;
	}
	char ts[21];
	amana_cbor_map_begin(e);
	amana_cbor_put_tstr(e, "version");
	amana_cbor_put_uint(e, 1);
	amana_mdoc_time_format(issued, ts);
	amana_cbor_put_tstr(e, "issued");
	amana_cbor_put_tag(e, 0);
	amana_cbor_put_tstr(e, ts);
	amana_mdoc_time_format(expires, ts);
	amana_cbor_put_tstr(e, "expires");
	amana_cbor_put_tag(e, 0);
	amana_cbor_put_tstr(e, ts);
	amana_cbor_put_tstr(e, "roots");
	amana_cbor_array_begin(e);
	for (size_t k = 0; k < n; k++) {
		amana_cbor_map_begin(e);
		amana_cbor_put_tstr(e, "name");
		amana_cbor_put_tstr(e, names[k]);
		amana_cbor_put_tstr(e, "cert");
		amana_cbor_put_bstr(e, roots[k], lens[k]);
		amana_cbor_map_end(e);
	}
	amana_cbor_array_end(e);
	amana_cbor_map_end(e);
	const uint8_t *p;
	size_t pn;
	int r = amana_cbor_enc_bytes(e, &p, &pn);
	if (r == AMANA_OK)
		r = amana_cose_sign1_put_eddsa(s, p, pn, false, NULL, NULL, 0, signer_sk);
	if (r == AMANA_OK)
		r = amana_cbor_enc_copy(s, out, len);
	amana_cbor_enc_free(&e);
	amana_cbor_enc_free(&s);
	return r;
}

static int load_payload(amana_trust_t *t, const uint8_t *p, size_t n, int64_t now)
{
	static const char *const keys[] = {"version", "issued", "expires", "roots"};
	static const char *const root_keys[] = {"name", "cert"};
	amana_cbor_doc_t *d = NULL;
	uint32_t v = 0, roots = 0;
	uint64_t ver = 0, cnt = 0;
	int64_t issued;
	int r = amana_cbor_decode(p, n, &mdoc_limits, &d);
	if (r == AMANA_OK)
		r = amana_cbor_map_only_keys(d, 0, keys, 4);
	if (r == AMANA_OK && (r = amana_cbor_map_get_str(d, 0, "version", &v)) == AMANA_OK &&
	    (r = amana_cbor_get_uint(d, v, &ver)) == AMANA_OK && ver != 1)
		r = AMANA_ERR_UNSUPPORTED;
	if (r == AMANA_OK && (r = amana_cbor_map_get_str(d, 0, "issued", &v)) == AMANA_OK)
		r = mdoc_get_tdate(d, v, &issued);
	if (r == AMANA_OK && (r = amana_cbor_map_get_str(d, 0, "expires", &v)) == AMANA_OK)
		r = mdoc_get_tdate(d, v, &t->expires);
	if (r == AMANA_OK && now > t->expires)
		r = AMANA_ERR_TRUST_EXPIRED;
	if (r == AMANA_OK && (r = amana_cbor_map_get_str(d, 0, "roots", &roots)) == AMANA_OK)
		r = amana_cbor_get_array(d, roots, &cnt);
	if (r == AMANA_OK && cnt == 0)
		r = AMANA_ERR_TRUST_EMPTY;
	uint32_t k = roots + 1;
	for (uint64_t i = 0; i < cnt && r == AMANA_OK; i++) {
		char name[96];
		const uint8_t *der;
		size_t dn;
		if ((r = amana_cbor_map_only_keys(d, k, root_keys, 2)) != AMANA_OK ||
		    (r = amana_cbor_map_get_str(d, k, "name", &v)) != AMANA_OK ||
		    (r = mdoc_tstr_copy(d, v, name, sizeof(name))) != AMANA_OK ||
		    (r = amana_cbor_map_get_str(d, k, "cert", &v)) != AMANA_OK ||
		    (r = amana_cbor_get_bstr(d, v, &der, &dn)) != AMANA_OK)
			break;
		r = amana_trust_add_root(t, der, dn, name);
		k = amana_cbor_next(d, k);
	}
	amana_cbor_doc_free(&d);
	return r;
}

int amana_trust_list_load(const uint8_t *buf, size_t len,
    const uint8_t signer_pk[32], int64_t now, amana_trust_t **out)
{
	if (buf == NULL || signer_pk == NULL || out == NULL)
		return AMANA_ERR_ARG;
	*out = NULL;
	if (len > TRUST_MAX_BYTES)
		return AMANA_ERR_CBOR_SIZE;
	amana_cbor_doc_t *d = NULL;
	amana_cose_sign1_t s;
	amana_cose_key_t k = {AMANA_COSE_KTY_OKP, AMANA_COSE_CRV_ED25519, {0}, {0}};
	memcpy(k.x, signer_pk, 32);
	int r = amana_cbor_decode(buf, len, &mdoc_limits, &d);
	if (r == AMANA_OK)
		r = amana_cose_sign1_parse(d, 0, &s);
	if (r == AMANA_OK && s.payload == NULL)
		r = AMANA_ERR_CBOR_MISSING;
	if (r == AMANA_OK) {
		r = amana_cose_sign1_verify(&s, NULL, 0, NULL, 0, &k);
		if (r == AMANA_ERR_COSE_SIG || r == AMANA_ERR_COSE_ALG)
			r = AMANA_ERR_TRUST_SIG;
	}
	amana_trust_t *t = NULL;
	if (r == AMANA_OK)
		r = amana_trust_new(&t);
	if (r == AMANA_OK)
		r = load_payload(t, s.payload, s.payload_len, now);
	amana_cbor_doc_free(&d);
	if (r != AMANA_OK) {
		amana_trust_free(&t);
		return r;
	}
	*out = t;
	return AMANA_OK;
}
