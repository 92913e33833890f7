/* The status list through the real verifier: a credential issued with a
 * status reference from the registry is accepted while the list says
 * valid; after the issuer revokes it and publishes, and the verifier loads
 * the new list, the same presentation is rejected on the status check
 * (and a credential at another index is still accepted); an expired list
 * is reported under both policies; a list signed by another key fails. */
#include <unistd.h>

#include "amana/status.h"
#include "cred_fixture.h"
#include "check.h"

static amana_verify_result_t res;

static int verify(const fx_t *f, amana_status_source_t *src, int64_t now,
    const amana_request_t *req, const uint8_t *resp, size_t len)
{
	amana_verifier_t *v = NULL;
	if (amana_verifier_new(&v) != AMANA_OK)
		return AMANA_ERR_NOMEM;
	amana_verifier_set_trust(v, f->trust);
	amana_verifier_set_time(v, now);
	amana_verifier_set_status(v, amana_status_source_fn, src);
	amana_verifier_require_status(v, true);
	int rc = amana_verifier_check(v, req, resp, len, &res);
	amana_verifier_free(&v);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc != 2 || sodium_init() < 0)
		return 2;
	char tmp[] = "/tmp/amana-status-verify-XXXXXX", db[128];
	if (mkdtemp(tmp) == NULL)
		return 1;
	snprintf(db, sizeof(db), "%s/issuer.db", tmp);
	const char *uri = "https://issuer.amana.example/status/workers";
	int64_t t0 = 1780000000;
	fx_t f;
	CHECK_EQ(fx_init(&f, argv[1], t0), AMANA_OK);

	amana_status_reg_t *reg = NULL;
	size_t idx_a = 0, idx_b = 0;
	CHECK_EQ(amana_status_reg_open(db, &reg), AMANA_OK);
	CHECK_EQ(amana_status_reg_create(reg, uri, 1, 4096), AMANA_OK);
	CHECK_EQ(amana_status_reg_alloc(reg, uri, &idx_a), AMANA_OK);
	CHECK_EQ(amana_status_reg_alloc(reg, uri, &idx_b), AMANA_OK);

	uint8_t *cred_a = NULL, *cred_b = NULL, *resp_a = NULL, *resp_b = NULL, *tok = NULL;
	size_t ca = 0, cb = 0, ra = 0, rb = 0, tn = 0;
	amana_request_t *req_a = NULL, *req_b = NULL;
	CHECK_EQ(fx_issue(&f, uri, idx_a, &cred_a, &ca), AMANA_OK);
	CHECK_EQ(fx_issue(&f, uri, idx_b, &cred_b, &cb), AMANA_OK);
	CHECK_EQ(fx_present(&f, cred_a, ca, 4, &req_a, &resp_a, &ra), AMANA_OK);
	CHECK_EQ(fx_present(&f, cred_b, cb, 4, &req_b, &resp_b, &rb), AMANA_OK);

	amana_cose_key_t ds_key;
	CHECK_EQ(amana_cose_key_from_cert(f.ds, f.ds_len, &ds_key), AMANA_OK);
	amana_status_policy_t pol;
	amana_status_policy_default(&pol);
	amana_status_cache_t *cache = NULL;
	CHECK_EQ(amana_status_cache_open(NULL, &cache), AMANA_OK);
	amana_status_source_t src;
	amana_status_source_init(&src, cache, &pol);

	/* No list loaded yet: the status check cannot pass (required). */
	CHECK(verify(&f, &src, t0, req_a, resp_a, ra) != AMANA_OK);
	CHECK_EQ(res.docs[0].checks[AMANA_CHECK_STATUS].reason, AMANA_ERR_STATUS_NONE);

	/* Day 0: the list says valid. */
	CHECK_EQ(amana_status_reg_publish(reg, uri, (uint64_t)t0, 86400, f.ds_sk, f.ds, f.ds_len, &tok, &tn), AMANA_OK);
	CHECK_EQ(amana_status_cache_put(cache, tok, tn, &ds_key, (uint64_t)t0, &pol), AMANA_OK);
	free(tok);
	CHECK_EQ(verify(&f, &src, t0 + 60, req_a, resp_a, ra), AMANA_OK);
	CHECK(res.accepted);
	CHECK_EQ(res.docs[0].checks[AMANA_CHECK_STATUS].state, AMANA_CHECK_PASS);

	/* The issuer revokes credential A and publishes; the verifier loads it. */
	CHECK_EQ(amana_status_reg_set(reg, uri, idx_a, AMANA_STATUS_INVALID), AMANA_OK);
	CHECK_EQ(amana_status_reg_publish(reg, uri, (uint64_t)t0 + 3600, 86400, f.ds_sk, f.ds, f.ds_len, &tok, &tn), AMANA_OK);
	CHECK_EQ(amana_status_cache_put(cache, tok, tn, &ds_key, (uint64_t)t0 + 3600, &pol), AMANA_OK);
	free(tok);
	CHECK_EQ(verify(&f, &src, t0 + 3660, req_a, resp_a, ra), AMANA_ERR_STATUS_REVOKED);
	CHECK(!res.accepted);
	CHECK_EQ(res.docs[0].checks[AMANA_CHECK_STATUS].state, AMANA_CHECK_FAIL);
	CHECK_EQ(res.docs[0].checks[AMANA_CHECK_STATUS].reason, AMANA_ERR_STATUS_REVOKED);
	/* Every other check still passes: only the status rejects it. */
	for (int c = 0; c < AMANA_CHECK_STATUS; c++)
		CHECK_EQ(res.docs[0].checks[c].state, AMANA_CHECK_PASS);
	CHECK_EQ(verify(&f, &src, t0 + 3660, req_b, resp_b, rb), AMANA_OK);

	/* The list expires a day after its issue. */
	int64_t late = t0 + 3600 + 86400 + 10;
	CHECK_EQ(verify(&f, &src, late, req_b, resp_b, rb), AMANA_ERR_STATUS_EXPIRED);
	CHECK_EQ(res.docs[0].checks[AMANA_CHECK_STATUS].reason, AMANA_ERR_STATUS_EXPIRED);
	src.policy.on_expired = AMANA_STATUS_EXPIRED_WARN;
	CHECK_EQ(verify(&f, &src, late, req_b, resp_b, rb), AMANA_OK);
	CHECK(src.last.expired);
	CHECK_EQ(verify(&f, &src, late, req_a, resp_a, ra), AMANA_ERR_STATUS_REVOKED);
	amana_status_cache_free(&cache);

	/* A list for the same URI signed by the root key, not the credential's
	 * document signer: it is not this issuer's word on its credentials. */
	amana_cose_key_t root_key;
	CHECK_EQ(amana_cose_key_from_cert(f.root, f.root_len, &root_key), AMANA_OK);
	CHECK_EQ(amana_status_reg_publish(reg, uri, (uint64_t)t0 + 7200, 86400, f.root_sk, NULL, 0, &tok, &tn), AMANA_OK);
	CHECK_EQ(amana_status_cache_open(NULL, &cache), AMANA_OK);
	CHECK_EQ(amana_status_cache_put(cache, tok, tn, &root_key, (uint64_t)t0 + 7200, &pol), AMANA_OK);
	free(tok);
	amana_status_source_init(&src, cache, &pol);
	CHECK_EQ(verify(&f, &src, t0 + 7260, req_b, resp_b, rb), AMANA_ERR_STATUS_SIG);
	amana_status_cache_free(&cache);

	amana_request_free(&req_a);
	amana_request_free(&req_b);
	free(cred_a);
	free(cred_b);
	free(resp_a);
	free(resp_b);
	amana_status_reg_close(&reg);
	fx_free(&f);
	char cmd[160];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	CHECK_EQ(system(cmd), 0);
	return check_done();
}
