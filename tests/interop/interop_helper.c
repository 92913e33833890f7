/*
 * interop_helper: the amana side of the Node.js interop tests
 * (tests/interop/run_interop.sh, docs/0403-interop.md).
 *
 *   interop_helper amana-response SCHEMAS DIR
 *       an issuing authority root and document signer (Ed25519 X.509),
 *       a worker identity credential issued by amana, a request for four
 *       elements, and amana's DeviceResponse to it; writes response.cbor,
 *       transcript.cbor (#6.24 SessionTranscript), root.der and now.txt
 *       for verify_amana.mjs. Our own verifier must accept it first.
 *   interop_helper animo-setup DIR
 *       a root and document signer for @animo-id/mdoc to issue with, and
 *       an amana request; writes ds.der, ds.sk, root.der, request.cbor,
 *       transcript.cbor, wanted.txt, now.txt for issue_animo.mjs.
 *   interop_helper animo-check DIR
 *       our verifier checks DIR/response.cbor (made by @animo-id/mdoc)
 *       against DIR/request.cbor with root.der as the only trusted root.
 *
 * Exit 0 on success / acceptance, 1 on rejection, 2 usage, 3 error.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "amana/cbor.h"
#include "amana/err.h"
#include "amana/holder.h"
#include "amana/issuer.h"
#include "amana/mdoc.h"
#include "amana/trust.h"
#include "amana/verifier.h"

static const char *idt = AMANA_DOCTYPE_IDENTITY;

static int put_file(const char *dir, const char *name, const void *p, size_t n)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	if (f == NULL || fwrite(p, 1, n, f) != n || fclose(f) != 0) {
		perror(path);
		return 3;
	}
	return 0;
}

static uint8_t *get_file(const char *dir, const char *name, size_t *n)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		perror(path);
		return NULL;
	}
	uint8_t *buf = malloc(1 << 20);
	*n = buf != NULL ? fread(buf, 1, 1 << 20, f) : 0;
	fclose(f);
	return buf;
}

static int fail(const char *what, int rc)
{
	fprintf(stderr, "interop_helper: %s: %s (%d)\n", what, amana_strerr(rc), rc);
	return 3;
}

/* Root and document signer valid from an hour ago for 30 days. */
typedef struct pki {
	uint8_t root_sk[64], ds_sk[64];
	uint8_t *root, *ds;
	size_t root_len, ds_len;
	int64_t now;
} pki_t;

static int make_pki(pki_t *k)
{
	k->now = (int64_t)time(NULL);
	int rc = amana_issuer_cert_create("amana interop root", "XX", NULL, NULL, 0,
	    k->now - 3600, k->now + 30 * 86400, k->root_sk, &k->root, &k->root_len);
	if (rc == AMANA_OK)
		rc = amana_issuer_cert_create("amana interop document signer", "XX", k->root_sk,
		    k->root, k->root_len, k->now - 3600, k->now + 30 * 86400, k->ds_sk, &k->ds,
		    &k->ds_len);
	return rc;
}

static void free_pki(pki_t *k)
{
	sodium_memzero(k->root_sk, sizeof(k->root_sk));
	sodium_memzero(k->ds_sk, sizeof(k->ds_sk));
	free(k->root);
	free(k->ds);
}

static const amana_request_elem_t wanted[4] = {
	{AMANA_DOCTYPE_IDENTITY, "family_name", false},
	{AMANA_DOCTYPE_IDENTITY, "given_name", false},
	{AMANA_DOCTYPE_IDENTITY, "birth_date", false},
	{AMANA_DOCTYPE_IDENTITY, "nationality", false},
};

/* The request, and its SessionTranscript as #6.24(bstr), now.txt. */
static int write_request(const char *dir, const pki_t *k, amana_request_t **req)
{
	amana_request_params_t rp = {"interop checkpoint", idt, wanted, 4};
	uint8_t *rb = NULL;
	size_t rn = 0;
	int rc = amana_request_create(&rp, &rb, &rn);
	if (rc != AMANA_OK)
		return fail("request", rc);
	rc = amana_request_parse(rb, rn, req);
	if (rc != AMANA_OK) {
		free(rb);
		return fail("request parse", rc);
	}
	const uint8_t *t;
	size_t tn;
	amana_request_transcript(*req, &t, &tn);
	amana_cbor_enc_t *e = NULL;
	const uint8_t *wb = NULL;
	size_t wn = 0;
	if (amana_cbor_enc_new(&e) != AMANA_OK)
		return 3;
	amana_cbor_put_tag(e, 24);
	amana_cbor_put_bstr(e, t, tn);
	int out = amana_cbor_enc_bytes(e, &wb, &wn) != AMANA_OK ? 3 : 0;
	char now[32];
	amana_mdoc_time_format(k->now, now);
	strcat(now, "\n");
	if (out == 0)
		out = put_file(dir, "transcript.cbor", wb, wn) || put_file(dir, "request.cbor", rb, rn) ||
		    put_file(dir, "root.der", k->root, k->root_len) || put_file(dir, "now.txt", now, strlen(now));
	amana_cbor_enc_free(&e);
	free(rb);
	return out;
}

static const char *state_name(const amana_check_t *c)
{
	return amana_check_state_name(c->state);
}

/* Runs our verifier; prints every check; 0 accepted, 1 rejected. */
static int verify(const pki_t *k, const uint8_t *root, size_t root_len, const amana_request_t *req,
    const uint8_t *resp, size_t len)
{
	amana_trust_t *t = NULL;
	amana_verifier_t *v = NULL;
	static amana_verify_result_t res;
	int rc = amana_trust_new(&t);
	if (rc == AMANA_OK)
		rc = amana_trust_add_root(t, root, root_len, "interop root");
	if (rc == AMANA_OK)
		rc = amana_verifier_new(&v);
	if (rc != AMANA_OK)
		return fail("verifier", rc);
	amana_verifier_set_trust(v, t);
	amana_verifier_set_time(v, k->now);
	rc = amana_verifier_check(v, req, resp, len, &res);
	printf("amana verifier: %s (%s)\n", res.accepted ? "accepted" : "rejected", amana_strerr(res.reason));
	for (size_t d = 0; d < res.ndocs; d++)
		for (int c = 0; c < AMANA_CHECK_COUNT_; c++)
			printf("  %s %s: %s%s%s\n", res.docs[d].doctype,
			    amana_check_name((amana_check_id_t)c), state_name(&res.docs[d].checks[c]),
			    res.docs[d].checks[c].detail[0] ? " - " : "", res.docs[d].checks[c].detail);
	if (res.response.state == AMANA_CHECK_FAIL)
		printf("  response: %s\n", res.response.detail);
	amana_verifier_free(&v);
	amana_trust_free(&t);
	return rc == AMANA_OK && res.accepted ? 0 : 1;
}

static int amana_response(const char *schemas, const char *dir)
{
	pki_t k;
	memset(&k, 0, sizeof(k));
	amana_schema_t schema;
	amana_request_t *req = NULL;
	amana_mdoc_t *cred = NULL;
	uint8_t dev_pk[32], dev_sk[64], *cb = NULL, *resp = NULL;
	size_t cn = 0, rn = 0;
	int rc = make_pki(&k);
	if (rc != AMANA_OK)
		return fail("certificates", rc);
	if ((rc = amana_schema_load(schemas, idt, &schema)) != AMANA_OK)
		return fail("schema", rc);
	static const amana_claim_t claims[] = {
	    {"family_name", "Rahman"}, {"given_name", "Nasrin"}, {"birth_date", "1994-03-12"},
	    {"nationality", "BGD"}, {"sex", "2"}, {"id_document_type", "passport"},
	    {"id_document_number", "EB0123456"},
	    {"id_document_issuer", "Department of Immigration and Passports"},
	    {"verification_level", "2"}, {"verification_date", "2026-10-01"},
	    {"verified_by", "Migrant Workers Support NGO"}};
	crypto_sign_keypair(dev_pk, dev_sk);
	amana_issue_params_t ip;
	memset(&ip, 0, sizeof(ip));
	ip.schema = &schema;
	ip.claims = claims;
	ip.nclaims = sizeof(claims) / sizeof(claims[0]);
	memcpy(ip.device_pk, dev_pk, 32);
	ip.ds_sk = k.ds_sk;
	ip.ds_cert = k.ds;
	ip.ds_cert_len = k.ds_len;
	ip.signed_at = k.now - 60;
	ip.valid_from = k.now - 60;
	ip.valid_until = k.now + 365 * 86400;
	/* With a status list reference in the MSO, as our issuer writes it:
	 * the other implementation must accept the extra MSO member. */
	ip.status_uri = "https://issuer.amana.example/status/workers";
	ip.status_idx = 4242;
	int out = 3;
	if ((rc = amana_issuer_issue(&ip, &cb, &cn)) != AMANA_OK) {
		fail("issue", rc);
		goto done;
	}
	if ((out = write_request(dir, &k, &req)) != 0)
		goto done;
	out = 3;
	if ((rc = amana_mdoc_parse(cb, cn, &cred)) != AMANA_OK ||
	    (rc = amana_holder_present(req, &cred, 1, dev_sk, &resp, &rn)) != AMANA_OK) {
		fail("present", rc);
		goto done;
	}
	out = verify(&k, k.root, k.root_len, req, resp, rn);
	if (out == 0)
		out = put_file(dir, "response.cbor", resp, rn);
	printf("amana DeviceResponse (4 elements): %zu bytes\n", rn);
done:
	sodium_memzero(dev_sk, sizeof(dev_sk));
	amana_mdoc_free(&cred);
	amana_request_free(&req);
	free(cb);
	free(resp);
	free_pki(&k);
	return out;
}

static int animo_setup(const char *dir)
{
	pki_t k;
	memset(&k, 0, sizeof(k));
	amana_request_t *req = NULL;
	int rc = make_pki(&k);
	if (rc != AMANA_OK)
		return fail("certificates", rc);
	int out = write_request(dir, &k, &req);
	char w[512] = "";
	for (size_t i = 0; i < 4; i++) {
		strcat(w, wanted[i].ns);
		strcat(w, " ");
		strcat(w, wanted[i].id);
		strcat(w, "\n");
	}
	if (out == 0)
		out = put_file(dir, "ds.der", k.ds, k.ds_len) || put_file(dir, "ds.sk", k.ds_sk, 64) ||
		    put_file(dir, "wanted.txt", w, strlen(w));
	amana_request_free(&req);
	free_pki(&k);
	return out;
}

static int animo_check(const char *dir)
{
	size_t rn = 0, qn = 0, tn = 0, nn = 0;
	uint8_t *resp = get_file(dir, "response.cbor", &rn);
	uint8_t *q = get_file(dir, "request.cbor", &qn);
	uint8_t *root = get_file(dir, "root.der", &tn);
	uint8_t *now = get_file(dir, "now.txt", &nn);
	amana_request_t *req = NULL;
	pki_t k;
	memset(&k, 0, sizeof(k));
	int out = 3;
	if (resp == NULL || q == NULL || root == NULL || now == NULL)
		goto done;
	while (nn > 0 && (now[nn - 1] == '\n' || now[nn - 1] == '\r'))
		nn--;
	int rc = amana_mdoc_time_parse((const char *)now, nn, &k.now);
	if (rc == AMANA_OK)
		rc = amana_request_parse(q, qn, &req);
	if (rc != AMANA_OK) {
		fail("request", rc);
		goto done;
	}
	k.now += 5; /* checked a moment after issuance */
	out = verify(&k, root, tn, req, resp, rn);
done:
	amana_request_free(&req);
	free(resp);
	free(q);
	free(root);
	free(now);
	return out;
}

int main(int argc, char **argv)
{
	if (sodium_init() < 0)
		return 3;
	if (argc == 4 && strcmp(argv[1], "amana-response") == 0)
		return amana_response(argv[2], argv[3]);
	if (argc == 3 && strcmp(argv[1], "animo-setup") == 0)
		return animo_setup(argv[2]);
	if (argc == 3 && strcmp(argv[1], "animo-check") == 0)
		return animo_check(argv[2]);
	fprintf(stderr, "usage: interop_helper amana-response SCHEMAS DIR | animo-setup DIR | animo-check DIR\n");
	return 2;
}
