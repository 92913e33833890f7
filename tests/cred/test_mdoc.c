/* Issue -> hold -> present -> verify, end to end with the real issuer,
 * holder and verifier; then each way a presentation must fail, failing
 * for its own reason. */
#include "check.h"
#include "fixture.h"

static fixture_t fx;

static int revoked_idx7(void *ctx, const amana_status_ref_t *ref, int64_t now)
{
	(void)now;
	int *calls = ctx;
	(*calls)++;
	if (ref->uri_len != strlen("https://status.example.org/lists/1") ||
	    memcmp(ref->uri, "https://status.example.org/lists/1", ref->uri_len) != 0)
		return AMANA_ERR_STATUS_NONE;
	return ref->idx == 7 ? AMANA_ERR_STATUS_REVOKED : AMANA_OK;
}

static amana_verify_result_t res;

static int verify(const amana_request_t *req, const uint8_t *resp, size_t n,
    int64_t now)
{
	amana_verifier_t *v = NULL;
	if (amana_verifier_new(&v) != AMANA_OK)
		return AMANA_ERR_NOMEM;
	amana_verifier_set_trust(v, fx.trust);
	amana_verifier_set_time(v, now);
	int r = amana_verifier_check(v, req, resp, n, &res);
	amana_verifier_free(&v);
	return r;
}

static void test_issue_and_hold(void)
{
	uint8_t *cred = NULL;
	size_t len;
	CHECK_EQ(fx_issue(&fx, true, NULL, 0, &cred, &len), AMANA_OK);
	amana_mdoc_t *m = NULL;
	CHECK_EQ(amana_mdoc_parse(cred, len, &m), AMANA_OK);
	if (m != NULL) {
		CHECK(strcmp(amana_mdoc_doctype(m), AMANA_DOCTYPE_IDENTITY) == 0);
		CHECK_EQ(amana_mdoc_element_count(m), 11);
		CHECK(amana_mdoc_has(m, AMANA_DOCTYPE_IDENTITY, "birth_date"));
		CHECK(!amana_mdoc_has(m, AMANA_DOCTYPE_IDENTITY, "sex"));
		bool found = false;
		for (size_t i = 0; i < amana_mdoc_element_count(m); i++) {
			const char *ns, *id;
			char val[128];
			CHECK_EQ(amana_mdoc_element(m, i, &ns, &id, val, sizeof(val)), AMANA_OK);
			if (strcmp(id, "birth_date") == 0) {
				found = true;
				CHECK(strcmp(val, "1004(\"1994-03-17\")") == 0);
			}
			if (strcmp(id, "verification_level") == 0)
				CHECK(strcmp(val, "2") == 0);
		}
		CHECK(found);
		CHECK(amana_mdoc_device_key(m)->kty == AMANA_COSE_KTY_OKP);
		CHECK(memcmp(amana_mdoc_device_key(m)->x, fx.dev_pk, 32) == 0);
		int64_t s, a, b;
		amana_mdoc_validity(m, &s, &a, &b);
		CHECK_EQ(a, FX_NOW - FX_DAY);
		CHECK_EQ(b, FX_NOW + 365 * FX_DAY);
	}
	amana_mdoc_free(&m);
	CHECK(m == NULL);

	/* Two issuances of the same claims differ (fresh salts), and a flipped
	 * byte inside any element value is caught by the holder's digest check. */
	uint8_t *cred2 = NULL;
	size_t len2;
	CHECK_EQ(fx_issue(&fx, true, NULL, 0, &cred2, &len2), AMANA_OK);
	CHECK(len2 != len || memcmp(cred, cred2, len) != 0);
	uint8_t *pos = fx_find(cred, len, "Rahman");
	CHECK(pos != NULL);
	if (pos != NULL) {
		pos[0] = 'X';
		CHECK_EQ(amana_mdoc_parse(cred, len, &m), AMANA_ERR_MDOC_DIGEST);
	}
	free(cred);
	free(cred2);

	/* Schema rules: unknown element, missing required, bad type. */
	amana_issue_params_t p;
	memset(&p, 0, sizeof(p));
	p.schema = &fx.identity;
	p.ds_sk = fx.ds_sk;
	p.ds_cert = fx.ds_cert;
	p.ds_cert_len = fx.ds_cert_len;
	p.signed_at = p.valid_from = FX_NOW;
	p.valid_until = FX_NOW + FX_DAY;
	amana_claim_t claims[12];
	memcpy(claims, fx_identity_claims, sizeof(fx_identity_claims));
	p.claims = claims;
	p.nclaims = 11;
	claims[10].id = "favourite_colour";
	CHECK_EQ(amana_issuer_issue(&p, &cred, &len), AMANA_ERR_MDOC_ELEMENT);
	p.nclaims = 10;
	CHECK_EQ(amana_issuer_issue(&p, &cred, &len), AMANA_ERR_MDOC_SCHEMA);
	memcpy(claims, fx_identity_claims, sizeof(fx_identity_claims));
	p.nclaims = 11;
	claims[2].value = "1994-02-30";
	CHECK_EQ(amana_issuer_issue(&p, &cred, &len), AMANA_ERR_MDOC_SCHEMA);
	claims[2].value = "1994-03-17";
	claims[8].value = "two";
	CHECK_EQ(amana_issuer_issue(&p, &cred, &len), AMANA_ERR_MDOC_SCHEMA);
	claims[8].value = "2";
	CHECK_EQ(amana_issuer_issue(&p, &cred, &len), AMANA_OK);
	free(cred);

	/* The entitlement credential, with a list and booleans. */
	CHECK_EQ(fx_issue(&fx, false, NULL, 0, &cred, &len), AMANA_OK);
	CHECK_EQ(amana_mdoc_parse(cred, len, &m), AMANA_OK);
	if (m != NULL)
		for (size_t i = 0; i < amana_mdoc_element_count(m); i++) {
			const char *ns, *id;
			char val[128];
			CHECK_EQ(amana_mdoc_element(m, i, &ns, &id, val, sizeof(val)), AMANA_OK);
			if (strcmp(id, "entitled_services") == 0)
				CHECK(strcmp(val, "[\"health care\", \"legal aid\", \"remittance\"]") == 0);
			if (strcmp(id, "right_to_work") == 0)
				CHECK(strcmp(val, "true") == 0);
		}
	amana_mdoc_free(&m);
	free(cred);
}

static void expect_fail(amana_check_id_t id, int reason)
{
	CHECK(!res.accepted);
	CHECK_EQ(res.ndocs, 1);
	CHECK_EQ(res.docs[0].checks[id].state, AMANA_CHECK_FAIL);
	CHECK_EQ(res.docs[0].checks[id].reason, reason);
}

static void test_present_verify(void)
{
	amana_request_t *req = NULL;
	uint8_t *resp = NULL;
	size_t n;
	CHECK_EQ(fx_response(&fx, 4, &req, &resp, &n), AMANA_OK);
	if (resp == NULL)
		return;
	CHECK_EQ(verify(req, resp, n, FX_NOW), AMANA_OK);
	CHECK(res.accepted);
	CHECK_EQ(res.ndocs, 1);
	for (int c = 0; c < AMANA_CHECK_COUNT_; c++)
		CHECK_EQ(res.docs[0].checks[c].state,
		    c == AMANA_CHECK_STATUS ? AMANA_CHECK_SKIP : AMANA_CHECK_PASS);
	CHECK_EQ(res.docs[0].nelements, 4);
	bool seen = false;
	for (size_t e = 0; e < res.docs[0].nelements; e++)
		if (strcmp(res.docs[0].elements[e].id, "family_name") == 0) {
			seen = true;
			CHECK(strcmp(res.docs[0].elements[e].value, "\"Rahman\"") == 0);
		}
	CHECK(seen);
	CHECK(res.docs[0].has_status && res.docs[0].status_idx == 7);
	/* only the four requested elements travel */
	CHECK(fx_find(resp, n, "EB0123456") == NULL);
	CHECK(fx_find(resp, n, "Nusrat") != NULL);

	/* status hook: revoked index 7 */
	amana_verifier_t *v = NULL;
	int calls = 0;
	CHECK_EQ(amana_verifier_new(&v), AMANA_OK);
	amana_verifier_set_trust(v, fx.trust);
	amana_verifier_set_time(v, FX_NOW);
	amana_verifier_set_status(v, revoked_idx7, &calls);
	CHECK_EQ(amana_verifier_check(v, req, resp, n, &res), AMANA_ERR_STATUS_REVOKED);
	CHECK_EQ(calls, 1);
	expect_fail(AMANA_CHECK_STATUS, AMANA_ERR_STATUS_REVOKED);
	/* required status with no source */
	amana_verifier_set_status(v, NULL, NULL);
	amana_verifier_require_status(v, true);
	CHECK_EQ(amana_verifier_check(v, req, resp, n, &res), AMANA_ERR_VERIFY_NO_STATUS);
	amana_verifier_require_status(v, false);
	/* the certificate cache answers the second time the same way */
	CHECK_EQ(amana_verifier_check(v, req, resp, n, &res), AMANA_OK);
	/* a cached certificate is still checked against the clock */
	amana_verifier_set_time(v, FX_NOW + 800 * FX_DAY);
	CHECK(amana_verifier_check(v, req, resp, n, &res) != AMANA_OK);
	expect_fail(AMANA_CHECK_TRUST, AMANA_ERR_VERIFY_CERT_TIME);
	amana_verifier_free(&v);

	/* validity window */
	CHECK_EQ(verify(req, resp, n, FX_NOW - 2 * FX_DAY), AMANA_ERR_VERIFY_NOT_YET);
	expect_fail(AMANA_CHECK_VALIDITY, AMANA_ERR_VERIFY_NOT_YET);
	CHECK_EQ(verify(req, resp, n, FX_NOW + 366 * FX_DAY), AMANA_ERR_VERIFY_EXPIRED);
	expect_fail(AMANA_CHECK_VALIDITY, AMANA_ERR_VERIFY_EXPIRED);

	/* another session (another request: nonce and reader key) */
	uint8_t *rq2 = NULL;
	size_t rq2_len;
	amana_request_t *req2 = NULL;
	CHECK_EQ(fx_request(4, &rq2, &rq2_len), AMANA_OK);
	CHECK_EQ(amana_request_parse(rq2, rq2_len, &req2), AMANA_OK);
	CHECK_EQ(verify(req2, resp, n, FX_NOW), AMANA_ERR_VERIFY_DEVICE_SIG);
	expect_fail(AMANA_CHECK_DEVICE_SIG, AMANA_ERR_VERIFY_DEVICE_SIG);
	amana_request_free(&req2);
	free(rq2);
	/* a request for fewer elements than disclosed */
	CHECK_EQ(fx_request(2, &rq2, &rq2_len), AMANA_OK);
	CHECK_EQ(amana_request_parse(rq2, rq2_len, &req2), AMANA_OK);
	CHECK(verify(req2, resp, n, FX_NOW) != AMANA_OK);
	expect_fail(AMANA_CHECK_REQUEST, AMANA_ERR_VERIFY_NOT_REQUESTED);
	amana_request_free(&req2);
	free(rq2);

	/* no request: the session is not checked and nothing is accepted */
	CHECK(verify(NULL, resp, n, FX_NOW) != AMANA_OK);
	CHECK_EQ(res.docs[0].checks[AMANA_CHECK_DEVICE_SIG].state, AMANA_CHECK_SKIP);
	CHECK_EQ(res.docs[0].checks[AMANA_CHECK_ISSUER_SIG].state, AMANA_CHECK_PASS);

	/* an issuer outside the trust list */
	amana_trust_t *saved = fx.trust, *other = NULL;
	uint8_t osk[64], *ocert = NULL;
	size_t ocert_len;
	CHECK_EQ(amana_issuer_cert_create("Someone Else", NULL, NULL, NULL, 0,
	    FX_NOW - FX_DAY, FX_NOW + FX_DAY, osk, &ocert, &ocert_len), AMANA_OK);
	CHECK_EQ(amana_trust_new(&other), AMANA_OK);
	CHECK_EQ(amana_trust_add_root(other, ocert, ocert_len, "other"), AMANA_OK);
	fx.trust = other;
	CHECK_EQ(verify(req, resp, n, FX_NOW), AMANA_ERR_VERIFY_UNTRUSTED);
	expect_fail(AMANA_CHECK_TRUST, AMANA_ERR_VERIFY_UNTRUSTED);
	fx.trust = saved;
	amana_trust_free(&other);
	/* a document-signer certificate is not a root */
	CHECK_EQ(amana_trust_new(&other), AMANA_OK);
	CHECK_EQ(amana_trust_add_root(other, fx.ds_cert, fx.ds_cert_len, "ds"), AMANA_ERR_X509);
	amana_trust_free(&other);
	free(ocert);

	/* a different wallet holds no credential for this request */
	uint8_t pk2[32], sk2[64];
	crypto_sign_keypair(pk2, sk2);
	uint8_t *cred = NULL, *resp2 = NULL;
	size_t cred_len, resp2_len;
	amana_mdoc_t *m = NULL;
	CHECK_EQ(fx_issue(&fx, true, NULL, 0, &cred, &cred_len), AMANA_OK);
	CHECK_EQ(amana_mdoc_parse(cred, cred_len, &m), AMANA_OK);
	CHECK_EQ(amana_holder_present(req, &m, 1, sk2, &resp2, &resp2_len),
	    AMANA_ERR_MDOC_NO_CRED);
	amana_mdoc_free(&m);
	free(cred);

	amana_request_free(&req);
	free(resp);
}

/* A root that expires before its document signer: the signer's usable
 * window ends with the root's, also when the signer is cached. */
static void test_root_window(void)
{
	fixture_t f2 = fx;
	uint8_t *root = NULL, *ds = NULL;
	size_t root_len, ds_len;
	CHECK_EQ(amana_issuer_cert_create_with_key("Short Root", "MY", NULL, NULL, 0,
	    FX_NOW - 10 * FX_DAY, FX_NOW + 10 * FX_DAY, fx.root_sk, &root, &root_len), AMANA_OK);
	CHECK_EQ(amana_issuer_cert_create_with_key("Long Signer", "MY", fx.root_sk, root,
	    root_len, FX_NOW - 5 * FX_DAY, FX_NOW + 100 * FX_DAY, fx.ds_sk, &ds, &ds_len), AMANA_OK);
	f2.root_cert = root;
	f2.root_cert_len = root_len;
	f2.ds_cert = ds;
	f2.ds_cert_len = ds_len;
	f2.trust = NULL;
	CHECK_EQ(amana_trust_new(&f2.trust), AMANA_OK);
	CHECK_EQ(amana_trust_add_root(f2.trust, root, root_len, "short"), AMANA_OK);
	amana_request_t *req = NULL;
	uint8_t *resp = NULL;
	size_t n;
	CHECK_EQ(fx_response(&f2, 4, &req, &resp, &n), AMANA_OK);
	amana_verifier_t *v = NULL;
	CHECK_EQ(amana_verifier_new(&v), AMANA_OK);
	amana_verifier_set_trust(v, f2.trust);
	amana_verifier_set_time(v, FX_NOW);
	CHECK_EQ(amana_verifier_check(v, req, resp, n, &res), AMANA_OK);
	amana_verifier_set_time(v, FX_NOW + 20 * FX_DAY); /* cached signer */
	CHECK_EQ(amana_verifier_check(v, req, resp, n, &res), AMANA_ERR_VERIFY_CERT_TIME);
	amana_verifier_set_trust(v, f2.trust); /* cold: libcrypto says the same */
	CHECK_EQ(amana_verifier_check(v, req, resp, n, &res), AMANA_ERR_VERIFY_CERT_TIME);
	amana_verifier_free(&v);
	amana_request_free(&req);
	free(resp);
	amana_trust_free(&f2.trust);
	free(root);
	free(ds);
}

/* The authority's root key signing a credential itself, its own root
 * certificate in x5chain: the chain "verifies" (a trusted certificate
 * alone), but a document signer is an end entity, never a CA (refused as
 * the wrong certificate usage, saying so). */
static void test_root_as_signer(void)
{
	amana_cose_key_t key;
	int64_t nb, na;
	CHECK_EQ(amana_trust_check_cert(fx.trust, fx.ds_cert, fx.ds_cert_len, FX_NOW, &key,
	    &nb, &na, NULL, 0), AMANA_OK);
	CHECK_EQ(amana_trust_check_cert(fx.trust, fx.root_cert, fx.root_cert_len, FX_NOW,
	    &key, &nb, &na, NULL, 0), AMANA_ERR_VERIFY_CERT_USAGE);
	fixture_t f2 = fx;
	memcpy(f2.ds_sk, fx.root_sk, sizeof(f2.ds_sk));
	f2.ds_cert = fx.root_cert;
	f2.ds_cert_len = fx.root_cert_len;
	amana_request_t *req = NULL;
	uint8_t *resp = NULL;
	size_t n;
	CHECK_EQ(fx_response(&f2, 4, &req, &resp, &n), AMANA_OK);
	amana_verifier_t *v = NULL;
	CHECK_EQ(amana_verifier_new(&v), AMANA_OK);
	amana_verifier_set_trust(v, fx.trust);
	amana_verifier_set_time(v, FX_NOW);
	CHECK_EQ(amana_verifier_check(v, req, resp, n, &res), AMANA_ERR_VERIFY_CERT_USAGE);
	CHECK_EQ(res.docs[0].checks[AMANA_CHECK_TRUST].state, AMANA_CHECK_FAIL);
	CHECK(strstr(res.docs[0].checks[AMANA_CHECK_TRUST].detail, "CA certificate") != NULL);
	amana_verifier_free(&v);
	amana_request_free(&req);
	free(resp);
	sodium_memzero(f2.ds_sk, sizeof(f2.ds_sk));
}

static void test_trust_list(void)
{
	uint8_t tsk[64], tpk[32], *list = NULL;
	size_t len;
	crypto_sign_keypair(tpk, tsk);
	const uint8_t *roots[1] = {fx.root_cert};
	size_t lens[1] = {fx.root_cert_len};
	const char *names[1] = {"Amana Test Issuing Authority"};
	CHECK_EQ(amana_trust_list_create(roots, lens, names, 1, FX_NOW - FX_DAY,
	    FX_NOW + 30 * FX_DAY, tsk, &list, &len), AMANA_OK);
	amana_trust_t *t = NULL;
	CHECK_EQ(amana_trust_list_load(list, len, tpk, FX_NOW, &t), AMANA_OK);
	if (t != NULL) {
		CHECK_EQ(amana_trust_count(t), 1);
		CHECK(strcmp(amana_trust_name(t, 0), names[0]) == 0);
		CHECK_EQ(amana_trust_expires(t), FX_NOW + 30 * FX_DAY);
	}
	/* a list that expires while in use stops vouching for issuers */
	amana_request_t *req = NULL;
	uint8_t *resp = NULL;
	size_t rn;
	CHECK_EQ(fx_response(&fx, 4, &req, &resp, &rn), AMANA_OK);
	amana_verifier_t *v = NULL;
	CHECK_EQ(amana_verifier_new(&v), AMANA_OK);
	amana_verifier_set_trust(v, t);
	amana_verifier_set_time(v, FX_NOW);
	CHECK_EQ(amana_verifier_check(v, req, resp, rn, &res), AMANA_OK);
	amana_verifier_set_time(v, FX_NOW + 31 * FX_DAY);
	CHECK_EQ(amana_verifier_check(v, req, resp, rn, &res), AMANA_ERR_TRUST_EXPIRED);
	expect_fail(AMANA_CHECK_TRUST, AMANA_ERR_TRUST_EXPIRED);
	amana_verifier_free(&v);
	amana_request_free(&req);
	free(resp);
	amana_trust_free(&t);
	CHECK_EQ(amana_trust_list_load(list, len, tpk, FX_NOW + 31 * FX_DAY, &t),
	    AMANA_ERR_TRUST_EXPIRED);
	uint8_t wrong[32];
	memcpy(wrong, tpk, 32);
	wrong[0] ^= 1;
	CHECK_EQ(amana_trust_list_load(list, len, wrong, FX_NOW, &t), AMANA_ERR_TRUST_SIG);
	list[len - 1] ^= 1;
	CHECK_EQ(amana_trust_list_load(list, len, tpk, FX_NOW, &t), AMANA_ERR_TRUST_SIG);
	CHECK(t == NULL);
	free(list);
}

static void test_dates(void)
{
	char buf[21];
	int64_t t;
	amana_mdoc_time_format(0, buf);
	CHECK(strcmp(buf, "1970-01-01T00:00:00Z") == 0);
	amana_mdoc_time_format(1790000000, buf);
	CHECK(strcmp(buf, "2026-09-21T14:13:20Z") == 0);
	CHECK_EQ(amana_mdoc_time_parse(buf, 20, &t), AMANA_OK);
	CHECK_EQ(t, 1790000000);
	CHECK_EQ(amana_mdoc_time_parse("2020-10-01T13:30:02.25+01:00", 28, &t), AMANA_OK);
	CHECK_EQ(t, 1601559002 - 3600);
	CHECK_EQ(amana_mdoc_date_parse("2024-02-29", 10, &t), AMANA_OK);
	CHECK_EQ(amana_mdoc_date_parse("2023-02-29", 10, &t), AMANA_ERR_MDOC_DATE);
	CHECK_EQ(amana_mdoc_time_parse("2020-10-01 13:30:02Z", 20, &t), AMANA_ERR_MDOC_DATE);
	CHECK_EQ(amana_mdoc_time_parse("2020-10-01T25:30:02Z", 20, &t), AMANA_ERR_MDOC_DATE);
	/* the ends of the printable range, and any int64 beyond them (a status
	 * list's uint64 exp is printed through a cast) */
	amana_mdoc_time_format(253402300799, buf);
	CHECK(strcmp(buf, "9999-12-31T23:59:59Z") == 0);
	amana_mdoc_time_format(-62167219200, buf);
	CHECK(strcmp(buf, "0000-01-01T00:00:00Z") == 0);
	amana_mdoc_time_format(-1, buf);
	CHECK(strcmp(buf, "1969-12-31T23:59:59Z") == 0);
	static const int64_t far[] = {INT64_MIN, INT64_MIN + 1, -INT64_MAX + 86398,
		INT64_MAX, 253402300800};
	for (size_t k = 0; k < sizeof(far) / sizeof(far[0]); k++) {
		amana_mdoc_time_format(far[k], buf);
		CHECK(strcmp(buf, "0000-01-01T00:00:00Z") == 0);
	}
}

static void test_schema_files(void)
{
	amana_schema_t s;
	static const char good[] = "doctype a.b.1\nnamespace a.b.1\n# note\n"
	    "element x tstr required The X\r\nelement y tstr-list optional\n";
	CHECK_EQ(amana_schema_parse(good, strlen(good), &s), AMANA_OK);
	CHECK_EQ(s.nelems, 2);
	CHECK(strcmp(s.elems[0].label, "The X") == 0);
	CHECK(s.elems[1].type == AMANA_ELEM_TSTR_LIST && !s.elems[1].required);
	CHECK_EQ(s.validity_days, 365);
	static const char *const bad[] = {
		"namespace a\nelement x tstr required\n",            /* no doctype */
		"doctype a\nnamespace a\n",                           /* no element */
		"doctype a\nnamespace a\nelement x float required\n", /* type */
		"doctype a\nnamespace a\nelement x tstr maybe\n",
		"doctype a\nnamespace a\nelement x tstr required\nelement x uint optional\n",
		"doctype a\nnamespace a\nvalidity_days 0\nelement x tstr required\n",
		"doctype a\nnamespace a\nfrobnicate\nelement x tstr required\n",
	};
	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++)
		CHECK_EQ(amana_schema_parse(bad[k], strlen(bad[k]), &s), AMANA_ERR_MDOC_SCHEMA);
	CHECK_EQ(amana_schema_load(NULL, "no.such.type", &s), AMANA_ERR_NOT_FOUND);
	CHECK_EQ(amana_schema_load(NULL, "../etc/passwd", &s), AMANA_ERR_ARG);
	CHECK_EQ(fx.identity.nelems, 12);
	CHECK_EQ(fx.entitlement.nelems, 17);
	CHECK(strcmp(fx.entitlement.ns, AMANA_DOCTYPE_ENTITLEMENT) == 0);
}

int main(void)
{
	int r = fx_init(&fx);
	if (r != AMANA_OK) {
		fprintf(stderr, "fixture: %s\n", amana_strerr(r));
		return 1;
	}
	test_dates();
	test_schema_files();
	test_issue_and_hold();
	test_present_verify();
	test_trust_list();
	test_root_window();
	test_root_as_signer();
	fx_free(&fx);
	return check_done();
}
