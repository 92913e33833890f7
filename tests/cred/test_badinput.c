/* Bad input, each kind with its own clear reason: a valid response edited
 * at the byte level (missing and extra fields, wrong types, duplicate keys,
 * trailing bytes, oversized lengths, wrong COSE algorithm, an unknown
 * critical header, truncation at every length). */
#include "check.h"
#include "fixture.h"

static fixture_t fx;
static amana_request_t *req;
static uint8_t *resp;
static size_t resp_len;
static amana_verify_result_t res;
static uint8_t buf[16384];

static int verify(const uint8_t *p, size_t n)
{
	amana_verifier_t *v = NULL;
	if (amana_verifier_new(&v) != AMANA_OK)
		return AMANA_ERR_NOMEM;
	amana_verifier_set_trust(v, fx.trust);
	amana_verifier_set_time(v, FX_NOW);
	int r = amana_verifier_check(v, req, p, n, &res);
	amana_verifier_free(&v);
	return r;
}

/* buf = resp with [at, at + cut) replaced by ins[0..ins_len). */
static size_t edit(size_t at, size_t cut, const uint8_t *ins, size_t ins_len)
{
	memcpy(buf, resp, at);
	memcpy(buf + at, ins, ins_len);
	memcpy(buf + at + ins_len, resp + at + cut, resp_len - at - cut);
	return resp_len - cut + ins_len;
}

/* The first (or last) place of needle in resp. */
static size_t find_at(const uint8_t *needle, size_t n, bool last)
{
	size_t at = SIZE_MAX;
	for (size_t k = 0; k + n <= resp_len; k++)
		if (memcmp(resp + k, needle, n) == 0) {
			at = k;
			if (!last)
				break;
		}
	return at;
}

static size_t find(const uint8_t *needle, size_t n)
{
	return find_at(needle, n, false);
}

int main(void)
{
	if (fx_init(&fx) != AMANA_OK || fx_response(&fx, 4, &req, &resp, &resp_len) != AMANA_OK)
		return 1;
	CHECK_EQ(verify(resp, resp_len), AMANA_OK);
	/* top level: {"status": 0, "version": "1.0", "documents": [...]} in
	 * deterministic order */
	static const uint8_t head[] = {0xa3, 0x66, 's', 't', 'a', 't', 'u', 's', 0x00,
		0x67, 'v', 'e', 'r', 's', 'i', 'o', 'n', 0x63, '1', '.', '0'};
	CHECK(memcmp(resp, head, sizeof(head)) == 0);
	size_t n;

	static const uint8_t a2[] = {0xa2};
	n = edit(0, 9, a2, 1); /* no "status" */
	CHECK_EQ(verify(buf, n), AMANA_ERR_CBOR_MISSING);
	static const uint8_t extra[] = {0xa4, 0x63, 'f', 'o', 'o', 0x00};
	n = edit(0, 1, extra, sizeof(extra)); /* "foo": 0 */
	CHECK_EQ(verify(buf, n), AMANA_ERR_CBOR_EXTRA);
	static const uint8_t dup[] = {0xa4, 0x66, 's', 't', 'a', 't', 'u', 's', 0x01};
	n = edit(0, 1, dup, sizeof(dup)); /* "status" twice */
	CHECK_EQ(verify(buf, n), AMANA_ERR_CBOR_DUPKEY);
	static const uint8_t text0[] = {0x60};
	n = edit(8, 1, text0, 1); /* status: "" */
	CHECK_EQ(verify(buf, n), AMANA_ERR_CBOR_TYPE);
	static const uint8_t v11[] = {0x63, '1', '.', '1'};
	n = edit(17, 4, v11, 4);
	CHECK_EQ(verify(buf, n), AMANA_ERR_MDOC_VERSION);
	static const uint8_t one[] = {0x01};
	n = edit(8, 1, one, 1); /* status 1: the holder reports an error */
	CHECK_EQ(verify(buf, n), AMANA_ERR_MDOC_DOC_ERROR);
	memcpy(buf, resp, resp_len);
	buf[resp_len] = 0x00;
	CHECK_EQ(verify(buf, resp_len + 1), AMANA_ERR_CBOR_TRAILING);
	static const uint8_t huge[] = {0x9b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	size_t docs = find((const uint8_t *)"\x69" "documents\x81", 11);
	CHECK(docs != SIZE_MAX);
	n = edit(docs + 10, 1, huge, sizeof(huge)); /* a 2^64-1 element array */
	CHECK_EQ(verify(buf, n), AMANA_ERR_CBOR_SIZE);
	for (size_t cut = 0; cut < resp_len; cut++) /* every truncation */
		if (verify(resp, cut) == AMANA_OK)
			CHECK(0);

	/* protected headers {1: -8}: deviceSigned comes before issuerSigned in
	 * the deterministic order, so the first is the device signature's and
	 * the last issuerAuth's. ES256 instead, then an unknown critical header */
	static const uint8_t prot[] = {0x43, 0xa1, 0x01, 0x27};
	static const uint8_t es256[] = {0x43, 0xa1, 0x01, 0x26};
	size_t at = find(prot, sizeof(prot));
	CHECK(at != SIZE_MAX);
	n = edit(at, 4, es256, 4);
	CHECK(verify(buf, n) != AMANA_OK);
	CHECK_EQ(res.docs[0].checks[AMANA_CHECK_DEVICE_SIG].reason, AMANA_ERR_COSE_ALG);
	at = find_at(prot, sizeof(prot), true);
	n = edit(at, 4, es256, 4);
	CHECK(verify(buf, n) != AMANA_OK);
	CHECK_EQ(res.docs[0].checks[AMANA_CHECK_ISSUER_SIG].reason, AMANA_ERR_COSE_ALG);
	static const uint8_t crit[] = {0x47, 0xa2, 0x01, 0x27, 0x02, 0x81, 0x18, 0x63};
	n = edit(at, 4, crit, sizeof(crit));
	CHECK(verify(buf, n) != AMANA_OK);
	CHECK_EQ(res.docs[0].checks[AMANA_CHECK_STRUCTURE].reason, AMANA_ERR_COSE_CRIT);
	/* crit naming only alg is understood: the signature then fails */
	static const uint8_t crit_alg[] = {0x46, 0xa2, 0x01, 0x27, 0x02, 0x81, 0x01};
	n = edit(at, 4, crit_alg, sizeof(crit_alg));
	CHECK(verify(buf, n) != AMANA_OK);
	CHECK_EQ(res.docs[0].checks[AMANA_CHECK_ISSUER_SIG].reason, AMANA_ERR_VERIFY_ISSUER_SIG);

	amana_request_free(&req);
	free(resp);
	fx_free(&fx);
	return check_done();
}
