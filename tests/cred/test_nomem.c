/* Allocation failure injection: every allocation our credential code makes
 * (linked with --wrap=malloc/calloc/realloc; libsodium's and libcrypto's
 * own are not wrapped) is made to fail in turn, during issuance, holder
 * parsing, presentation and verification. Each call must fail cleanly
 * (ASan watches for leaks and bad accesses) and never succeed or accept
 * after an allocation it needed was refused. */
#include <stdlib.h>

#include "check.h"
#include "fixture.h"

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t m);
void *__real_realloc(void *p, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t m);
void *__wrap_realloc(void *p, size_t n);

static long countdown = -1; /* fail when it reaches 0; -1: never */
static int failed;

static bool fail_now(void)
{
	if (countdown < 0)
		return false;
	if (countdown-- == 0) {
		failed++;
		return true;
	}
	return false;
}

void *__wrap_malloc(size_t n) { return fail_now() ? NULL : __real_malloc(n); }
void *__wrap_calloc(size_t n, size_t m) { return fail_now() ? NULL : __real_calloc(n, m); }
void *__wrap_realloc(void *p, size_t n) { return fail_now() ? NULL : __real_realloc(p, n); }

static fixture_t fx;
static amana_verify_result_t res;

typedef int (*step_fn)(void *ctx);

/* Runs f with the k-th allocation failing, for every k until f makes no
 * more allocations than k; returns how many failure points were tried. */
static long inject(const char *name, step_fn f, void *ctx)
{
	long k;
	for (k = 0; k < 100000; k++) {
		countdown = k;
		failed = 0;
		int r = f(ctx);
		countdown = -1;
		if (failed == 0) {
			CHECK_EQ(r, AMANA_OK); /* all allocations granted */
			break;
		}
		if (r == AMANA_OK) {
			fprintf(stderr, "%s: succeeded with allocation %ld refused\n", name, k);
			CHECK(0);
		}
	}
	printf("%s: %ld allocation failure points, all handled\n", name, k);
	return k;
}

static int step_issue(void *ctx)
{
	(void)ctx;
	uint8_t *out = NULL;
	size_t n;
	int r = fx_issue(&fx, true, "https://status.example.org/1", 1, &out, &n);
	free(out);
	return r;
}

typedef struct present_ctx {
	const uint8_t *cred, *rq, *resp;
	size_t cred_len, rq_len, resp_len;
	amana_request_t *req;
	amana_mdoc_t *m;
} present_ctx_t;

static int step_parse(void *ctx)
{
	present_ctx_t *c = ctx;
	amana_mdoc_t *m = NULL;
	amana_request_t *q = NULL;
	int r = amana_mdoc_parse(c->cred, c->cred_len, &m);
	if (r == AMANA_OK)
		r = amana_request_parse(c->rq, c->rq_len, &q);
	amana_request_free(&q);
	amana_mdoc_free(&m);
	return r;
}

static int step_present(void *ctx)
{
	present_ctx_t *c = ctx;
	uint8_t *out = NULL;
	size_t n;
	int r = amana_holder_present(c->req, &c->m, 1, fx.dev_sk, &out, &n);
	free(out);
	return r;
}

static int step_verify(void *ctx)
{
	present_ctx_t *c = ctx;
	amana_verifier_t *v = NULL;
	int r = amana_verifier_new(&v);
	if (r != AMANA_OK)
		return r;
	amana_verifier_set_trust(v, fx.trust);
	amana_verifier_set_time(v, FX_NOW);
	r = amana_verifier_check(v, c->req, c->resp, c->resp_len, &res);
	if (r == AMANA_OK && !res.accepted)
		r = AMANA_ERR_INTERNAL;
	amana_verifier_free(&v);
	return r;
}

int main(void)
{
	if (fx_init(&fx) != AMANA_OK)
		return 1;
	present_ctx_t c;
	memset(&c, 0, sizeof(c));
	uint8_t *cred = NULL, *rq = NULL, *resp = NULL;
	amana_mdoc_t *m = NULL;
	CHECK_EQ(fx_issue(&fx, true, "https://status.example.org/1", 1, &cred, &c.cred_len), AMANA_OK);
	CHECK_EQ(fx_request(4, &rq, &c.rq_len), AMANA_OK);
	CHECK_EQ(amana_request_parse(rq, c.rq_len, &c.req), AMANA_OK);
	CHECK_EQ(amana_mdoc_parse(cred, c.cred_len, &m), AMANA_OK);
	CHECK_EQ(amana_holder_present(c.req, &m, 1, fx.dev_sk, &resp, &c.resp_len), AMANA_OK);
	c.m = m;
	c.cred = cred;
	c.rq = rq;
	c.resp = resp;
	CHECK(inject("issue", step_issue, NULL) > 10);
	CHECK(inject("parse credential and request", step_parse, &c) > 10);
	CHECK(inject("verify", step_verify, &c) > 10);
	CHECK(inject("present", step_present, &c) > 10);
	amana_mdoc_free(&m);
	amana_request_free(&c.req);
	free(cred);
	free(rq);
	free(resp);
	fx_free(&fx);
	return check_done();
}
