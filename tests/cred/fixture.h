/* fixture.h: an issuing authority, a document signer, a trust list, a
 * wallet device key and credentials made with the real issuer, shared by
 * the credential tests, the bit-flip walk and the benchmark. */
#ifndef AMANA_CRED_FIXTURE_H
#define AMANA_CRED_FIXTURE_H

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "amana/err.h"
#include "amana/holder.h"
#include "amana/issuer.h"
#include "amana/trust.h"
#include "amana/verifier.h"

#define FX_NOW 1790000000 /* 2026-09-21, the tests' clock */
#define FX_DAY 86400

typedef struct fixture {
	uint8_t root_sk[64], ds_sk[64], dev_sk[64], dev_pk[32];
	uint8_t *root_cert, *ds_cert;
	size_t root_cert_len, ds_cert_len;
	amana_trust_t *trust;
	amana_schema_t identity, entitlement;
} fixture_t;

static const amana_claim_t fx_identity_claims[] = {
	{"family_name", "Rahman"}, {"given_name", "Nusrat"},
	{"birth_date", "1994-03-17"}, {"nationality", "BGD"},
	{"id_document_type", "passport"}, {"id_document_number", "EB0123456"},
	{"id_document_issuer", "Department of Immigration and Passports, Dhaka"},
	{"id_document_expiry", "2031-05-01"}, {"verification_level", "2"},
	{"verification_date", "2026-09-01"}, {"verified_by", "Migrant Help Desk"},
};

static const amana_claim_t fx_entitlement_claims[] = {
	{"family_name", "Rahman"}, {"given_name", "Nusrat"},
	{"id_document_number", "EB0123456"}, {"right_to_work", "true"},
	{"permit_number", "WP-2026-004211"}, {"permit_valid_from", "2026-09-01"},
	{"permit_valid_until", "2028-08-31"}, {"employer_name", "Green Valley Garments"},
	{"sector", "garments"}, {"work_location", "Shah Alam, Selangor"},
	{"wage_amount", "180000"}, {"wage_currency", "MYR"}, {"wage_period", "month"},
	{"hours_per_week", "48"}, {"recruitment_fees_paid_by_employer", "true"},
	{"entitled_services", "health care, legal aid, remittance"},
};

/* memmem without _GNU_SOURCE */
static inline uint8_t *fx_find(uint8_t *hay, size_t n, const char *needle)
{
	size_t m = strlen(needle);
	for (size_t k = 0; m <= n && k <= n - m; k++)
		if (memcmp(hay + k, needle, m) == 0)
			return hay + k;
	return NULL;
}

/* seeded: keys from fixed seeds, so that inputs made once (fuzz seed
 * corpora) keep verifying against a fixture made later. */
static inline int fx_init_keys(fixture_t *f, bool seeded)
{
	memset(f, 0, sizeof(*f));
	if (sodium_init() < 0)
		return AMANA_ERR_CRYPTO;
	uint8_t seed[32], pk[32];
	if (seeded) {
		memset(seed, 0x41, sizeof(seed));
		crypto_sign_seed_keypair(pk, f->root_sk, seed);
		memset(seed, 0x42, sizeof(seed));
		crypto_sign_seed_keypair(pk, f->ds_sk, seed);
		memset(seed, 0x43, sizeof(seed));
		crypto_sign_seed_keypair(f->dev_pk, f->dev_sk, seed);
	} else {
		crypto_sign_keypair(pk, f->root_sk);
		crypto_sign_keypair(pk, f->ds_sk);
		crypto_sign_keypair(f->dev_pk, f->dev_sk);
	}
	int r = amana_issuer_cert_create_with_key("Amana Test Issuing Authority", "MY",
	    NULL, NULL, 0, FX_NOW - 400 * FX_DAY, FX_NOW + 3650 * FX_DAY, f->root_sk,
	    &f->root_cert, &f->root_cert_len);
	if (r == AMANA_OK)
		r = amana_issuer_cert_create_with_key("Amana Test Document Signer", "MY",
		    f->root_sk, f->root_cert, f->root_cert_len, FX_NOW - 365 * FX_DAY,
		    FX_NOW + 730 * FX_DAY, f->ds_sk, &f->ds_cert, &f->ds_cert_len);
	if (r == AMANA_OK)
		r = amana_trust_new(&f->trust);
	if (r == AMANA_OK)
		r = amana_trust_add_root(f->trust, f->root_cert, f->root_cert_len, "test authority");
	if (r == AMANA_OK)
		r = amana_schema_load(NULL, AMANA_DOCTYPE_IDENTITY, &f->identity);
	if (r == AMANA_OK)
		r = amana_schema_load(NULL, AMANA_DOCTYPE_ENTITLEMENT, &f->entitlement);
	return r;
}

static inline int fx_init(fixture_t *f)
{
	return fx_init_keys(f, false);
}

static inline void fx_free(fixture_t *f)
{
	free(f->root_cert);
	free(f->ds_cert);
	amana_trust_free(&f->trust);
	sodium_memzero(f, sizeof(*f));
}

/* Issues the identity (or entitlement) credential to the fixture's device. */
static inline int fx_issue(const fixture_t *f, bool identity, const char *status_uri,
    uint64_t idx, uint8_t **out, size_t *len)
{
	amana_issue_params_t p;
	memset(&p, 0, sizeof(p));
	p.schema = identity ? &f->identity : &f->entitlement;
	p.claims = identity ? fx_identity_claims : fx_entitlement_claims;
	p.nclaims = identity ? sizeof(fx_identity_claims) / sizeof(fx_identity_claims[0]) :
	    sizeof(fx_entitlement_claims) / sizeof(fx_entitlement_claims[0]);
	memcpy(p.device_pk, f->dev_pk, 32);
	p.ds_sk = f->ds_sk;
	p.ds_cert = f->ds_cert;
	p.ds_cert_len = f->ds_cert_len;
	p.signed_at = FX_NOW - FX_DAY;
	p.valid_from = FX_NOW - FX_DAY;
	p.valid_until = FX_NOW + 365 * FX_DAY;
	p.status_uri = status_uri;
	p.status_idx = idx;
	return amana_issuer_issue(&p, out, len);
}

/* A request for n identity elements (from the front of the claim list). */
static inline int fx_request(size_t n, uint8_t **out, size_t *len)
{
	amana_request_elem_t el[AMANA_MDOC_MAX_ELEMENTS];
	size_t max = sizeof(fx_identity_claims) / sizeof(fx_identity_claims[0]);
	if (n > max)
		n = max;
	for (size_t k = 0; k < n; k++) {
		snprintf(el[k].ns, sizeof(el[k].ns), "%s", AMANA_DOCTYPE_IDENTITY);
		snprintf(el[k].id, sizeof(el[k].id), "%s", fx_identity_claims[k].id);
		el[k].intent_to_retain = false;
	}
	amana_request_params_t p = {"Border post 7, Labour Inspectorate",
		AMANA_DOCTYPE_IDENTITY, el, n};
	return amana_request_create(&p, out, len);
}

/* Issue, request n elements, present: the response and its request. */
static inline int fx_response(const fixture_t *f, size_t n, amana_request_t **req,
    uint8_t **resp, size_t *resp_len)
{
	uint8_t *cred = NULL, *rq = NULL;
	size_t cred_len, rq_len;
	amana_mdoc_t *m = NULL;
	int r = fx_issue(f, true, "https://status.example.org/lists/1", 7, &cred, &cred_len);
	if (r == AMANA_OK)
		r = amana_mdoc_parse(cred, cred_len, &m);
	if (r == AMANA_OK)
		r = fx_request(n, &rq, &rq_len);
	if (r == AMANA_OK)
		r = amana_request_parse(rq, rq_len, req);
	if (r == AMANA_OK)
		r = amana_holder_present(*req, &m, 1, f->dev_sk, resp, resp_len);
	amana_mdoc_free(&m);
	free(cred);
	free(rq);
	return r;
}

#endif
