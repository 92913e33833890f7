/* A document signer must be a document signer (ISO/IEC 18013-5 Annex B,
 * docs/0310): an end entity with key usage digitalSignature and extended
 * key usage mdlDS (1.0.18013.5.1.2). Certificates that chain to the
 * trusted root but were made for something else (a TLS server, a signer
 * without key usage, one that may sign certificates, the IACA root
 * itself) are refused with AMANA_ERR_VERIFY_CERT_USAGE and a reason; ours
 * and the Annex D example's document signer pass. */
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "check.h"
#include "fixture.h"
#include "mdoc_internal.h"

static fixture_t fx;
static amana_verify_result_t res;

/* An Ed25519 certificate under the fixture's root with the given key usage
 * and extended key usage (NULL: none); sk gets its key. */
static uint8_t *make_cert(const char *ku, const char *eku, bool ca, uint8_t sk[64],
    size_t *len)
{
	uint8_t pk[32];
	crypto_sign_keypair(pk, sk);
	const unsigned char *rp = fx.root_cert;
	X509 *root = d2i_X509(NULL, &rp, (long)fx.root_cert_len);
	EVP_PKEY *signer = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, fx.root_sk, 32);
	EVP_PKEY *pub = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pk, 32);
	X509 *x = X509_new();
	uint8_t *out = NULL;
	bool ok = root != NULL && signer != NULL && pub != NULL && x != NULL &&
	    X509_set_version(x, 2) == 1 &&
	    ASN1_INTEGER_set(X509_get_serialNumber(x), 1000 + (long)randombytes_uniform(1000)) == 1 &&
	    X509_set_pubkey(x, pub) == 1 &&
	    X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_UTF8,
	        (const unsigned char *)"Not A Document Signer", -1, -1, 0) == 1 &&
	    X509_set_issuer_name(x, X509_get_subject_name(root)) == 1 &&
	    ASN1_TIME_set(X509_getm_notBefore(x), (time_t)(FX_NOW - FX_DAY)) != NULL &&
	    ASN1_TIME_set(X509_getm_notAfter(x), (time_t)(FX_NOW + 100 * FX_DAY)) != NULL;
	X509V3_CTX ctx;
	X509V3_set_ctx(&ctx, root, x, NULL, NULL, 0);
	const char *bc = ca ? "critical,CA:TRUE" : "critical,CA:FALSE";
	const int nids[] = {NID_basic_constraints, NID_key_usage, NID_ext_key_usage,
		NID_authority_key_identifier};
	const char *vals[] = {bc, ku, eku, "keyid:always"};
	for (size_t k = 0; ok && k < 4; k++) {
		if (vals[k] == NULL)
			continue;
		X509_EXTENSION *ex = X509V3_EXT_conf_nid(NULL, &ctx, nids[k], vals[k]);
		ok = ex != NULL && X509_add_ext(x, ex, -1) == 1;
		X509_EXTENSION_free(ex);
	}
	unsigned char *der = NULL;
	int n = ok && X509_sign(x, signer, NULL) > 0 ? i2d_X509(x, &der) : 0;
	if (n > 0 && (out = malloc((size_t)n)) != NULL) {
		memcpy(out, der, (size_t)n);
		*len = (size_t)n;
	}
	OPENSSL_free(der);
	X509_free(x);
	X509_free(root);
	EVP_PKEY_free(signer);
	EVP_PKEY_free(pub);
	return out;
}

/* Issues with the given signer, presents, verifies at FX_NOW. */
static int verify_with_signer(const uint8_t *sk, uint8_t *cert, size_t cert_len)
{
	fixture_t f2 = fx;
	memcpy(f2.ds_sk, sk, 64);
	f2.ds_cert = cert;
	f2.ds_cert_len = cert_len;
	amana_request_t *req = NULL;
	uint8_t *resp = NULL;
	size_t n;
	amana_verifier_t *v = NULL;
	int r = fx_response(&f2, 4, &req, &resp, &n);
	if (r == AMANA_OK)
		r = amana_verifier_new(&v);
	if (r == AMANA_OK) {
		amana_verifier_set_trust(v, fx.trust);
		amana_verifier_set_time(v, FX_NOW);
		r = amana_verifier_check(v, req, resp, n, &res);
	}
	amana_verifier_free(&v);
	amana_request_free(&req);
	free(resp);
	sodium_memzero(f2.ds_sk, sizeof(f2.ds_sk));
	return r;
}

typedef struct bad_signer {
	const char *what, *ku, *eku, *reason_has;
	bool ca;
} bad_signer_t;

static const bad_signer_t bad[] = {
	{"TLS server certificate", "critical,digitalSignature,keyEncipherment",
	    "serverAuth", "mdlDS", false},
	{"no extended key usage", "critical,digitalSignature", NULL, "mdlDS", false},
	{"no key usage", NULL, "critical,1.0.18013.5.1.2", "digitalSignature", false},
	{"key agreement only", "critical,keyAgreement", "critical,1.0.18013.5.1.2",
	    "digitalSignature", false},
	{"may sign certificates", "critical,digitalSignature,keyCertSign",
	    "critical,1.0.18013.5.1.2", "keyCertSign", false},
	{"a second CA", "critical,digitalSignature,keyCertSign",
	    "critical,1.0.18013.5.1.2", "CA certificate", true},
};

static void test_wrong_usage_refused(void)
{
	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		uint8_t sk[64];
		size_t len = 0;
		uint8_t *cert = make_cert(bad[k].ku, bad[k].eku, bad[k].ca, sk, &len);
		CHECK(cert != NULL);
		if (cert == NULL)
			continue;
		const char *why = NULL;
		CHECK_EQ(mdoc_cert_signer_usage(cert, len, &why), AMANA_ERR_VERIFY_CERT_USAGE);
		int r = verify_with_signer(sk, cert, len);
		const amana_check_t *t = &res.docs[0].checks[AMANA_CHECK_TRUST];
		printf("  %-24s -> %s [%d]\n", bad[k].what, t->detail, t->reason);
		CHECK_EQ(r, AMANA_ERR_VERIFY_CERT_USAGE);
		CHECK(!res.accepted);
		CHECK_EQ(t->state, AMANA_CHECK_FAIL);
		CHECK_EQ(t->reason, AMANA_ERR_VERIFY_CERT_USAGE);
		CHECK(strstr(t->detail, bad[k].reason_has) != NULL);
		/* the same certificate signing a status list is refused alike */
		amana_cose_key_t key;
		int64_t nb, na;
		CHECK_EQ(amana_trust_check_cert(fx.trust, cert, len, FX_NOW, &key, &nb, &na,
		    NULL, 0), AMANA_ERR_VERIFY_CERT_USAGE);
		free(cert);
		sodium_memzero(sk, sizeof(sk));
	}
}

/* The profile the issuer writes passes: a certificate made like ours by
 * hand, and ours. */
static void test_right_usage_accepted(void)
{
	uint8_t sk[64];
	size_t len = 0;
	uint8_t *cert = make_cert("critical,digitalSignature", "critical,1.0.18013.5.1.2",
	    false, sk, &len);
	CHECK(cert != NULL);
	if (cert != NULL) {
		CHECK_EQ(mdoc_cert_signer_usage(cert, len, NULL), AMANA_OK);
		CHECK_EQ(verify_with_signer(sk, cert, len), AMANA_OK);
		CHECK(res.accepted);
	}
	free(cert);
	sodium_memzero(sk, sizeof(sk));
	CHECK_EQ(mdoc_cert_signer_usage(fx.ds_cert, fx.ds_cert_len, NULL), AMANA_OK);
	CHECK_EQ(mdoc_cert_signer_usage(fx.root_cert, fx.root_cert_len, NULL),
	    AMANA_ERR_VERIFY_CERT_USAGE);
	CHECK_EQ(mdoc_cert_signer_usage(fx.ds_cert, fx.ds_cert_len - 1, NULL), AMANA_ERR_X509);
}

/* ISO 18013-5 Annex D's document signer ("utopia ds", ES256) fits the
 * profile: the verifier would refuse no conforming foreign signer for it. */
static void test_annex_d_signer(void)
{
	const char *dir = check_data_dir();
	char path[1024];
	snprintf(path, sizeof(path), "%s/iso18013-5/annexd-device-response.cbor",
	    dir != NULL ? dir : ".");
	FILE *f = dir != NULL ? fopen(path, "rb") : NULL;
	if (f == NULL) {
		printf("  Annex D example not found (%s): its signer not checked\n", path);
		return;
	}
	static uint8_t buf[8192];
	size_t n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	amana_cbor_doc_t *d = NULL;
	uint32_t docs, is, auth;
	amana_cose_sign1_t s;
	int r = amana_cbor_decode(buf, n, NULL, &d);
	if (r == AMANA_OK)
		r = amana_cbor_map_get_str(d, 0, "documents", &docs);
	if (r == AMANA_OK)
		r = amana_cbor_map_get_str(d, docs + 1, "issuerSigned", &is);
	if (r == AMANA_OK)
		r = amana_cbor_map_get_str(d, is, "issuerAuth", &auth);
	if (r == AMANA_OK)
		r = amana_cose_sign1_parse(d, auth, &s);
	CHECK_EQ(r, AMANA_OK);
	if (r != AMANA_OK || s.nx5chain != 1) {
		CHECK(false);
		amana_cbor_doc_free(&d);
		return;
	}
	const char *why = "";
	CHECK_EQ(mdoc_cert_signer_usage(s.x5chain[0], s.x5chain_len[0], &why), AMANA_OK);
	CHECK(why == NULL);
	amana_cbor_doc_free(&d);
}

int main(void)
{
	int r = fx_init(&fx);
	if (r != AMANA_OK) {
		fprintf(stderr, "fixture: %s\n", amana_strerr(r));
		return 1;
	}
	test_wrong_usage_refused();
	test_right_usage_accepted();
	test_annex_d_signer();
	fx_free(&fx);
	return check_done();
}
