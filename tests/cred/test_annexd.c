/* The ISO/IEC 18013-5 Annex D example DeviceResponse (another issuer's mDL:
 * ES256, P-256 certificate in x5chain, deviceMac): we decode it, recompute
 * every digest and verify the issuer signature against its certificate.
 * Its IACA root is not ours, so the trust check is reported and skipped;
 * its deviceMac needs the reader's session key, so it is reported as not
 * supported. */
#include <sodium.h>

#include "amana/err.h"
#include "amana/mdoc.h"
#include "amana/verifier.h"
#include "check.h"

static const char sha256_hex[] =
    "a61b7e50d102b05e41df8ccb11d9cef91edbcea141b15a4a1e1a5742fbb99b62";

static uint8_t buf[8192];

int main(void)
{
	const char *dir = check_data_dir();
	if (dir == NULL)
		SKIP("AMANA_DATA not set");
	char path[1024];
	snprintf(path, sizeof(path), "%s/iso18013-5/annexd-device-response.cbor", dir);
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		SKIP("%s missing", path);
	size_t n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	if (sodium_init() < 0)
		return 1;
	uint8_t h[32];
	char hex[65];
	crypto_hash_sha256(h, buf, n);
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	CHECK_EQ(n, 3562);
	CHECK(strcmp(hex, sha256_hex) == 0);

	amana_verifier_t *v = NULL;
	CHECK_EQ(amana_verifier_new(&v), AMANA_OK);
	amana_verifier_require_trust(v, false);
	amana_verifier_set_time(v, 1601600000); /* 2020-10-02, inside validity */
	static amana_verify_result_t res;
	int r = amana_verifier_check(v, NULL, buf, n, &res);
	CHECK(r != AMANA_OK); /* no session, no trusted root: never accepted */
	CHECK_EQ(res.response.state, AMANA_CHECK_PASS);
	CHECK_EQ(res.ndocs, 1);
	const amana_verified_doc_t *d = &res.docs[0];
	CHECK(strcmp(d->doctype, "org.iso.18013.5.1.mDL") == 0);
	CHECK_EQ(d->checks[AMANA_CHECK_STRUCTURE].state, AMANA_CHECK_PASS);
	CHECK_EQ(d->checks[AMANA_CHECK_TRUST].state, AMANA_CHECK_SKIP);
	CHECK_EQ(d->checks[AMANA_CHECK_TRUST].reason, AMANA_ERR_VERIFY_UNTRUSTED);
	CHECK_EQ(d->checks[AMANA_CHECK_ISSUER_SIG].state, AMANA_CHECK_PASS);
	CHECK_EQ(d->checks[AMANA_CHECK_DIGESTS].state, AMANA_CHECK_PASS);
	CHECK_EQ(d->checks[AMANA_CHECK_DOCTYPE].state, AMANA_CHECK_PASS);
	CHECK_EQ(d->checks[AMANA_CHECK_VALIDITY].state, AMANA_CHECK_PASS);
	CHECK_EQ(d->checks[AMANA_CHECK_DEVICE_SIG].state, AMANA_CHECK_SKIP);
	CHECK_EQ(d->nelements, 6);
	printf("  signer (untrusted): %s\n", d->signer);
	CHECK(strstr(d->signer, "/C=US") != NULL);
	bool family = false;
	for (size_t e = 0; e < d->nelements; e++) {
		printf("  %s/%s = %s\n", d->elements[e].ns, d->elements[e].id,
		    d->elements[e].value);
		if (strcmp(d->elements[e].id, "family_name") == 0)
			family = strcmp(d->elements[e].value, "\"Doe\"") == 0;
	}
	CHECK(family);
	char ts[21];
	amana_mdoc_time_format(d->valid_from, ts);
	CHECK(strcmp(ts, "2020-10-01T13:30:02Z") == 0);
	amana_mdoc_time_format(d->valid_until, ts);
	CHECK(strcmp(ts, "2021-10-01T13:30:02Z") == 0);

	/* out of its validity window */
	amana_verifier_set_time(v, 1700000000);
	CHECK(amana_verifier_check(v, NULL, buf, n, &res) != AMANA_OK);
	CHECK_EQ(res.docs[0].checks[AMANA_CHECK_VALIDITY].reason, AMANA_ERR_VERIFY_EXPIRED);
	amana_verifier_set_time(v, 1601600000);

	/* with a session: deviceMac is reported as not checkable here */
	amana_request_elem_t el = {"org.iso.18013.5.1", "family_name", false};
	amana_request_params_t rp = {"test", "org.iso.18013.5.1.mDL", &el, 1};
	uint8_t *rq = NULL;
	size_t rq_len;
	amana_request_t *req = NULL;
	CHECK_EQ(amana_request_create(&rp, &rq, &rq_len), AMANA_OK);
	CHECK_EQ(amana_request_parse(rq, rq_len, &req), AMANA_OK);
	CHECK(amana_verifier_check(v, req, buf, n, &res) != AMANA_OK);
	CHECK_EQ(res.docs[0].checks[AMANA_CHECK_DEVICE_SIG].reason, AMANA_ERR_VERIFY_DEVICE_MAC);
	amana_request_free(&req);
	free(rq);

	/* "Doe" -> "Dof": that item's digest no longer matches */
	uint8_t *doe = NULL;
	for (size_t k = 0; k + 4 <= n && doe == NULL; k++)
		if (memcmp(buf + k, "cDoe", 4) == 0)
			doe = buf + k;
	CHECK(doe != NULL);
	if (doe != NULL) {
		doe[3] ^= 0x03;
		CHECK(amana_verifier_check(v, NULL, buf, n, &res) != AMANA_OK);
		CHECK_EQ(res.docs[0].checks[AMANA_CHECK_ISSUER_SIG].state, AMANA_CHECK_PASS);
		CHECK_EQ(res.docs[0].checks[AMANA_CHECK_DIGESTS].reason, AMANA_ERR_MDOC_DIGEST);
		doe[3] ^= 0x03;
	}
	/* a flipped bit in the issuer signature (the ES256 s value) */
	uint8_t *sig = NULL;
	for (size_t k = 0; k + 2 + 64 <= n; k++)
		if (buf[k] == 0x58 && buf[k + 1] == 0x40)
			sig = buf + k + 2; /* the last 64-byte bstr: issuerAuth's */
	CHECK(sig != NULL);
	if (sig != NULL) {
		sig[40] ^= 0x10;
		CHECK(amana_verifier_check(v, NULL, buf, n, &res) != AMANA_OK);
		CHECK_EQ(res.docs[0].checks[AMANA_CHECK_ISSUER_SIG].reason,
		    AMANA_ERR_VERIFY_ISSUER_SIG);
		CHECK_EQ(res.docs[0].checks[AMANA_CHECK_DIGESTS].state, AMANA_CHECK_NOT_RUN);
		sig[40] ^= 0x10;
	}
	amana_verifier_free(&v);
	return check_done();
}
