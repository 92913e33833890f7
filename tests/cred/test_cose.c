/* COSE_Sign1 and COSE_Key: EdDSA round trip, detached payloads, external
 * AAD, tampering, algorithm/key confusion, header rules (crit, alg placement,
 * duplicate labels) and COSE_Key round trip. */
#include <sodium.h>

#include "amana/cose.h"
#include "amana/err.h"
#include "check.h"

static uint8_t sk[64], pk[32];

/* Encodes a COSE_Sign1 with a hand-made protected header (no valid
 * signature: only the parse rules are under test). */
static int parse_with(const uint8_t *prot, size_t prot_len, int unprot_label)
{
	amana_cbor_enc_t *e = NULL;
	if (amana_cbor_enc_new(&e) != AMANA_OK)
		return AMANA_ERR_NOMEM;
	uint8_t sig[64] = {0};
	amana_cbor_array_begin(e);
	amana_cbor_put_bstr(e, prot, prot_len);
	amana_cbor_map_begin(e);
	if (unprot_label != 0) {
		amana_cbor_put_int(e, unprot_label);
		amana_cbor_put_int(e, -8);
	}
	amana_cbor_map_end(e);
	amana_cbor_put_bstr(e, (const uint8_t *)"x", 1);
	amana_cbor_put_bstr(e, sig, sizeof(sig));
	amana_cbor_array_end(e);
	const uint8_t *p;
	size_t n;
	int r = amana_cbor_enc_bytes(e, &p, &n);
	amana_cbor_doc_t *d = NULL;
	if (r == AMANA_OK)
		r = amana_cbor_decode(p, n, NULL, &d);
	amana_cose_sign1_t s;
	if (r == AMANA_OK)
		r = amana_cose_sign1_parse(d, 0, &s);
	amana_cbor_doc_free(&d);
	amana_cbor_enc_free(&e);
	return r;
}

static void test_headers(void)
{
	static const uint8_t ok[] = {0xa1, 0x01, 0x27};
	CHECK_EQ(parse_with(ok, sizeof(ok), 0), AMANA_OK);
	CHECK_EQ(parse_with(ok, sizeof(ok), 4), AMANA_OK);   /* kid: fine */
	CHECK_EQ(parse_with(ok, sizeof(ok), 1), AMANA_ERR_COSE_HEADER); /* alg twice */
	CHECK_EQ(parse_with(NULL, 0, 1), AMANA_ERR_COSE_ALG); /* alg unprotected only */
	static const uint8_t crit_ok[] = {0xa2, 0x01, 0x27, 0x02, 0x81, 0x01};
	CHECK_EQ(parse_with(crit_ok, sizeof(crit_ok), 0), AMANA_OK);
	static const uint8_t crit_unknown[] = {0xa3, 0x01, 0x27, 0x02, 0x81, 0x19,
		0x01, 0x00, 0x19, 0x01, 0x00, 0x01};
	CHECK_EQ(parse_with(crit_unknown, sizeof(crit_unknown), 0), AMANA_ERR_COSE_CRIT);
	static const uint8_t crit_text[] = {0xa2, 0x01, 0x27, 0x02, 0x81, 0x61, 0x78};
	CHECK_EQ(parse_with(crit_text, sizeof(crit_text), 0), AMANA_ERR_COSE_CRIT);
	static const uint8_t crit_empty[] = {0xa2, 0x01, 0x27, 0x02, 0x80};
	CHECK_EQ(parse_with(crit_empty, sizeof(crit_empty), 0), AMANA_ERR_COSE_HEADER);
	static const uint8_t alg_text[] = {0xa1, 0x01, 0x61, 0x78};
	CHECK_EQ(parse_with(alg_text, sizeof(alg_text), 0), AMANA_ERR_COSE_ALG);
	static const uint8_t not_map[] = {0x81, 0x01};
	CHECK_EQ(parse_with(not_map, sizeof(not_map), 0), AMANA_ERR_COSE_HEADER);
	static const uint8_t trailing[] = {0xa1, 0x01, 0x27, 0x00};
	CHECK_EQ(parse_with(trailing, sizeof(trailing), 0), AMANA_ERR_COSE_HEADER);
	static const uint8_t dup[] = {0xa2, 0x01, 0x27, 0x01, 0x26};
	CHECK_EQ(parse_with(dup, sizeof(dup), 0), AMANA_ERR_COSE_HEADER);
}

static void test_sign_verify(bool detached)
{
	static const uint8_t payload[] = "the payload";
	static const uint8_t cert[] = {0x30, 0x03, 0x02, 0x01, 0x01};
	const uint8_t *chain[1] = {cert};
	size_t chain_len[1] = {sizeof(cert)};
	amana_cbor_enc_t *e = NULL;
	CHECK_EQ(amana_cbor_enc_new(&e), AMANA_OK);
	CHECK_EQ(amana_cose_sign1_put_eddsa(e, payload, sizeof(payload), detached,
	    chain, chain_len, 1, sk), AMANA_OK);
	const uint8_t *p;
	size_t n;
	CHECK_EQ(amana_cbor_enc_bytes(e, &p, &n), AMANA_OK);
	uint8_t buf[512];
	memcpy(buf, p, n);
	amana_cbor_enc_free(&e);

	amana_cose_key_t key = {AMANA_COSE_KTY_OKP, AMANA_COSE_CRV_ED25519, {0}, {0}};
	memcpy(key.x, pk, 32);
	amana_cbor_doc_t *d = NULL;
	CHECK_EQ(amana_cbor_decode(buf, n, NULL, &d), AMANA_OK);
	amana_cose_sign1_t s;
	CHECK_EQ(amana_cose_sign1_parse(d, 0, &s), AMANA_OK);
	CHECK_EQ(s.alg, AMANA_COSE_ALG_EDDSA);
	CHECK_EQ(s.nx5chain, 1);
	CHECK(s.x5chain_len[0] == sizeof(cert) && memcmp(s.x5chain[0], cert, sizeof(cert)) == 0);
	CHECK((s.payload == NULL) == detached);
	const uint8_t *dp = detached ? payload : NULL;
	size_t dn = detached ? sizeof(payload) : 0;
	CHECK_EQ(amana_cose_sign1_verify(&s, dp, dn, NULL, 0, &key), AMANA_OK);
	/* external AAD is signed too */
	CHECK_EQ(amana_cose_sign1_verify(&s, dp, dn, (const uint8_t *)"a", 1, &key),
	    AMANA_ERR_COSE_SIG);
	if (detached) {
		uint8_t other[sizeof(payload)];
		memcpy(other, payload, sizeof(payload));
		other[0] ^= 1;
		CHECK_EQ(amana_cose_sign1_verify(&s, other, sizeof(other), NULL, 0, &key),
		    AMANA_ERR_COSE_SIG);
		CHECK_EQ(amana_cose_sign1_verify(&s, NULL, 0, NULL, 0, &key), AMANA_ERR_ARG);
	}
	/* wrong key type for the algorithm, and a wrong key */
	amana_cose_key_t ec = key;
	ec.kty = AMANA_COSE_KTY_EC2;
	ec.crv = AMANA_COSE_CRV_P256;
	CHECK_EQ(amana_cose_sign1_verify(&s, dp, dn, NULL, 0, &ec), AMANA_ERR_COSE_ALG);
	amana_cose_key_t x = key;
	x.crv = AMANA_COSE_CRV_X25519;
	CHECK_EQ(amana_cose_sign1_verify(&s, dp, dn, NULL, 0, &x), AMANA_ERR_COSE_ALG);
	amana_cose_key_t other = key;
	other.x[5] ^= 0x40;
	CHECK(amana_cose_sign1_verify(&s, dp, dn, NULL, 0, &other) != AMANA_OK);
	/* an ES256 header on an EdDSA signature: never accepted */
	s.alg = AMANA_COSE_ALG_ES256;
	CHECK_EQ(amana_cose_sign1_verify(&s, dp, dn, NULL, 0, &key), AMANA_ERR_COSE_ALG);
	s.alg = -35;
	CHECK_EQ(amana_cose_sign1_verify(&s, dp, dn, NULL, 0, &key), AMANA_ERR_COSE_ALG);
	amana_cbor_doc_free(&d);

	/* every bit flip of the encoded COSE_Sign1 fails parse or verify */
	int accepted = 0;
	for (size_t bit = 0; bit < n * 8; bit++) {
		buf[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		if (amana_cbor_decode(buf, n, NULL, &d) == AMANA_OK) {
			if (amana_cose_sign1_parse(d, 0, &s) == AMANA_OK &&
			    amana_cose_sign1_verify(&s, dp, dn, NULL, 0, &key) == AMANA_OK &&
			    /* x5chain is unprotected: a flip there is not the signature's
			     * business (the verifier checks the chain) */
			    s.x5chain_len[0] == sizeof(cert) &&
			    memcmp(s.x5chain[0], cert, sizeof(cert)) == 0)
				accepted++;
			amana_cbor_doc_free(&d);
		}
		buf[bit / 8] ^= (uint8_t)(1u << (bit % 8));
	}
	CHECK_EQ(accepted, 0);
}

static void test_key(void)
{
	amana_cose_key_t k = {AMANA_COSE_KTY_EC2, AMANA_COSE_CRV_P256, {0}, {0}};
	for (int i = 0; i < 32; i++) {
		k.x[i] = (uint8_t)i;
		k.y[i] = (uint8_t)(100 + i);
	}
	amana_cbor_enc_t *e = NULL;
	CHECK_EQ(amana_cbor_enc_new(&e), AMANA_OK);
	CHECK_EQ(amana_cose_key_put(e, &k), AMANA_OK);
	const uint8_t *p;
	size_t n;
	CHECK_EQ(amana_cbor_enc_bytes(e, &p, &n), AMANA_OK);
	CHECK(p[0] == 0xa4 && p[1] == 0x01 && p[2] == 0x02); /* sorted: 1 first */
	amana_cbor_doc_t *d = NULL;
	CHECK_EQ(amana_cbor_decode(p, n, NULL, &d), AMANA_OK);
	amana_cose_key_t back;
	CHECK_EQ(amana_cose_key_parse(d, 0, &back), AMANA_OK);
	CHECK(amana_cose_key_eq(&k, &back));
	amana_cbor_doc_free(&d);
	/* OKP with a y coordinate, an unknown curve, a short x: refused */
	static const uint8_t bad1[] = {0xa4, 0x01, 0x01, 0x20, 0x06, 0x21, 0x41, 0x00, 0x22, 0x41, 0x00};
	static const uint8_t bad2[] = {0xa3, 0x01, 0x01, 0x20, 0x07, 0x21, 0x40};
	static const uint8_t bad3[] = {0xa3, 0x01, 0x01, 0x20, 0x06, 0x21, 0x41, 0x00};
	const uint8_t *bads[] = {bad1, bad2, bad3};
	size_t badn[] = {sizeof(bad1), sizeof(bad2), sizeof(bad3)};
	for (int i = 0; i < 3; i++) {
		CHECK_EQ(amana_cbor_decode(bads[i], badn[i], NULL, &d), AMANA_OK);
		CHECK_EQ(amana_cose_key_parse(d, 0, &back), AMANA_ERR_COSE_KEY);
		amana_cbor_doc_free(&d);
	}
	amana_cbor_enc_free(&e);
	CHECK_EQ(amana_cose_key_from_cert(bad1, sizeof(bad1), &back), AMANA_ERR_X509);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	crypto_sign_keypair(pk, sk);
	test_headers();
	test_sign_verify(false);
	test_sign_verify(true);
	test_key();
	return check_done();
}
