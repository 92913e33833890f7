/*
 * cred_fixture.h: real credentials and DeviceResponses for the transport
 * and status tests, made with the project's issuer, holder and verifier
 * (amana/issuer.h, holder.h, verifier.h): a root and document signer, a
 * worker identity credential, a request for chosen elements, the answer.
 * Header-only (static functions) so that each test links what it uses.
 */
#ifndef AMANA_CRED_FIXTURE_H
#define AMANA_CRED_FIXTURE_H

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "amana/err.h"
#include "amana/holder.h"
#include "amana/issuer.h"
#include "amana/mdoc.h"
#include "amana/trust.h"
#include "amana/verifier.h"

typedef struct fx {
	int64_t now;
	uint8_t root_sk[64], ds_sk[64], dev_pk[32], dev_sk[64];
	uint8_t *root, *ds;
	size_t root_len, ds_len;
	amana_schema_t schema;
	amana_trust_t *trust;
} fx_t;

/* Every element of the identity schema, as claims. */
static const amana_claim_t fx_claims[] = {
	{"family_name", "Rahman"}, {"given_name", "Nasrin"}, {"birth_date", "1994-03-12"},
	{"nationality", "BGD"}, {"sex", "2"}, {"id_document_type", "passport"},
	{"id_document_number", "EB0123456"},
	{"id_document_issuer", "Department of Immigration and Passports"},
	{"id_document_expiry", "2031-05-30"},
	{"verification_level", "2"}, {"verification_date", "2026-10-01"},
	{"verified_by", "Migrant Workers Support NGO"}};
#define FX_NCLAIMS (sizeof(fx_claims) / sizeof(fx_claims[0]))

static int fx_init(fx_t *f, const char *schema_dir, int64_t now)
{
	memset(f, 0, sizeof(*f));
	f->now = now;
	crypto_sign_keypair(f->dev_pk, f->dev_sk);
	int rc = amana_issuer_cert_create("fixture root", "XX", NULL, NULL, 0, now - 86400,
	    now + 400 * 86400, f->root_sk, &f->root, &f->root_len);
	if (rc == AMANA_OK)
		rc = amana_issuer_cert_create("fixture document signer", "XX", f->root_sk, f->root,
		    f->root_len, now - 86400, now + 400 * 86400, f->ds_sk, &f->ds, &f->ds_len);
	if (rc == AMANA_OK)
		rc = amana_schema_load(schema_dir, AMANA_DOCTYPE_IDENTITY, &f->schema);
	if (rc == AMANA_OK)
		rc = amana_trust_new(&f->trust);
	if (rc == AMANA_OK)
		rc = amana_trust_add_root(f->trust, f->root, f->root_len, "fixture root");
	return rc;
}

static void fx_free(fx_t *f)
{
	amana_trust_free(&f->trust);
	free(f->root);
	free(f->ds);
	sodium_memzero(f, sizeof(*f));
}

/* Issues the identity credential to the fixture's device key. */
static int fx_issue(const fx_t *f, const char *status_uri, uint64_t status_idx,
    uint8_t **cred, size_t *len)
{
	amana_issue_params_t ip;
	memset(&ip, 0, sizeof(ip));
	ip.schema = &f->schema;
	ip.claims = fx_claims;
	ip.nclaims = FX_NCLAIMS;
	memcpy(ip.device_pk, f->dev_pk, 32);
	ip.ds_sk = f->ds_sk;
	ip.ds_cert = f->ds;
	ip.ds_cert_len = f->ds_len;
	ip.signed_at = f->now - 60;
	ip.valid_from = f->now - 60;
	ip.valid_until = f->now + 365 * 86400;
	ip.status_uri = status_uri;
	ip.status_idx = status_idx;
	return amana_issuer_issue(&ip, cred, len);
}

/* A request for the first n claims' elements, and the response to it. */
static int fx_present(const fx_t *f, const uint8_t *cred, size_t cred_len, size_t n,
    amana_request_t **req, uint8_t **resp, size_t *resp_len)
{
	amana_request_elem_t el[FX_NCLAIMS];
	memset(el, 0, sizeof(el));
	for (size_t i = 0; i < n && i < FX_NCLAIMS; i++) {
		strcpy(el[i].ns, AMANA_DOCTYPE_IDENTITY);
		strcpy(el[i].id, fx_claims[i].id);
	}
	amana_request_params_t rp = {"fixture checkpoint", AMANA_DOCTYPE_IDENTITY, el, n};
	uint8_t *rb = NULL;
	size_t rn = 0;
	amana_mdoc_t *m = NULL;
	int rc = amana_request_create(&rp, &rb, &rn);
	if (rc == AMANA_OK)
		rc = amana_request_parse(rb, rn, req);
	if (rc == AMANA_OK)
		rc = amana_mdoc_parse(cred, cred_len, &m);
	if (rc == AMANA_OK)
		rc = amana_holder_present(*req, &m, 1, f->dev_sk, resp, resp_len);
	amana_mdoc_free(&m);
	free(rb);
	return rc;
}

#endif
