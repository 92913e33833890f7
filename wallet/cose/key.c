/* key.c: COSE_Key encode/parse, public keys out of X.509 certificates and
 * ES256 verification (libcrypto; no third-party type leaves this file). */
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <sodium.h>
#include <string.h>

#include "amana/err.h"
#include "cose_internal.h"

int amana_cose_key_put(amana_cbor_enc_t *e, const amana_cose_key_t *k)
{
	amana_cbor_map_begin(e);
	amana_cbor_put_int(e, 1);
	amana_cbor_put_int(e, k->kty);
	amana_cbor_put_int(e, -1);
	amana_cbor_put_int(e, k->crv);
	amana_cbor_put_int(e, -2);
	amana_cbor_put_bstr(e, k->x, 32);
	if (k->kty == AMANA_COSE_KTY_EC2) {
		amana_cbor_put_int(e, -3);
		amana_cbor_put_bstr(e, k->y, 32);
	}
	return amana_cbor_map_end(e);
}

static int get_bytes32(const amana_cbor_doc_t *d, uint32_t m, int64_t label,
    uint8_t out[32])
{
	uint32_t v;
	const uint8_t *p;
	size_t n;
	if (amana_cbor_map_get_int(d, m, label, &v) != AMANA_OK ||
	    amana_cbor_get_bstr(d, v, &p, &n) != AMANA_OK || n != 32)
		return AMANA_ERR_COSE_KEY;
	memcpy(out, p, 32);
	return AMANA_OK;
}

int amana_cose_key_parse(const amana_cbor_doc_t *d, uint32_t idx,
    amana_cose_key_t *k)
{
	memset(k, 0, sizeof(*k));
	uint32_t v;
	int64_t kty, crv;
	if (amana_cbor_map_get_int(d, idx, 1, &v) != AMANA_OK ||
	    amana_cbor_get_int(d, v, &kty) != AMANA_OK ||
	    amana_cbor_map_get_int(d, idx, -1, &v) != AMANA_OK ||
	    amana_cbor_get_int(d, v, &crv) != AMANA_OK)
		return AMANA_ERR_COSE_KEY;
	if (kty == AMANA_COSE_KTY_OKP &&
	    (crv == AMANA_COSE_CRV_ED25519 || crv == AMANA_COSE_CRV_X25519)) {
		if (amana_cbor_map_get_int(d, idx, -3, &v) == AMANA_OK)
			return AMANA_ERR_COSE_KEY;
	} else if (kty == AMANA_COSE_KTY_EC2 && crv == AMANA_COSE_CRV_P256) {
		if (get_bytes32(d, idx, -3, k->y) != AMANA_OK)
			return AMANA_ERR_COSE_KEY; /* compressed points unsupported */
	} else {
		return AMANA_ERR_COSE_KEY;
	}
	k->kty = (int)kty;
	k->crv = (int)crv;
	return get_bytes32(d, idx, -2, k->x);
}

bool amana_cose_key_eq(const amana_cose_key_t *a, const amana_cose_key_t *b)
{
	return a->kty == b->kty && a->crv == b->crv &&
	    sodium_memcmp(a->x, b->x, 32) == 0 &&
	    sodium_memcmp(a->y, b->y, 32) == 0;
}

int amana_cose_key_from_cert(const uint8_t *der, size_t len, amana_cose_key_t *k)
{
	memset(k, 0, sizeof(*k));
	if (der == NULL || len == 0 || len > 65536)
		return AMANA_ERR_X509;
	const unsigned char *p = der;
	X509 *x = d2i_X509(NULL, &p, (long)len);
	if (x == NULL || p != der + len) {
		X509_free(x);
		return AMANA_ERR_X509;
	}
	int r = AMANA_ERR_X509;
	EVP_PKEY *pk = X509_get0_pubkey(x);
	if (pk != NULL && EVP_PKEY_get_id(pk) == EVP_PKEY_ED25519) {
		size_t n = 32;
		if (EVP_PKEY_get_raw_public_key(pk, k->x, &n) == 1 && n == 32) {
			k->kty = AMANA_COSE_KTY_OKP;
			k->crv = AMANA_COSE_CRV_ED25519;
			r = AMANA_OK;
		}
	} else if (pk != NULL && EVP_PKEY_get_id(pk) == EVP_PKEY_EC) {
		char group[32];
		uint8_t pt[65];
		size_t n = 0;
		if (EVP_PKEY_get_utf8_string_param(pk, OSSL_PKEY_PARAM_GROUP_NAME,
		        group, sizeof(group), NULL) == 1 &&
		    strcmp(group, "prime256v1") == 0 &&
		    EVP_PKEY_get_octet_string_param(pk,
		        OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, pt, sizeof(pt), &n) == 1 &&
		    n == 65 && pt[0] == 0x04) {
			memcpy(k->x, pt + 1, 32);
			memcpy(k->y, pt + 33, 32);
			k->kty = AMANA_COSE_KTY_EC2;
			k->crv = AMANA_COSE_CRV_P256;
			r = AMANA_OK;
		}
	}
	X509_free(x);
	return r;
}

/* SubjectPublicKeyInfo for a P-256 point, up to the point itself. */
static const uint8_t p256_spki_prefix[] = {
	0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02,
	0x01, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03,
	0x42, 0x00, 0x04,
};

int amana_cose_es256_verify(const amana_cose_key_t *key, const uint8_t *msg,
    size_t len, const uint8_t sig[64])
{
	uint8_t spki[sizeof(p256_spki_prefix) + 64];
	memcpy(spki, p256_spki_prefix, sizeof(p256_spki_prefix));
	memcpy(spki + sizeof(p256_spki_prefix), key->x, 32);
	memcpy(spki + sizeof(p256_spki_prefix) + 32, key->y, 32);
	const unsigned char *p = spki;
	EVP_PKEY *pk = d2i_PUBKEY(NULL, &p, (long)sizeof(spki));
	if (pk == NULL)
		return AMANA_ERR_COSE_KEY; /* not a point on the curve */

	int r = AMANA_ERR_COSE_SIG;
	ECDSA_SIG *es = ECDSA_SIG_new();
	BIGNUM *br = BN_bin2bn(sig, 32, NULL);
	BIGNUM *bs = BN_bin2bn(sig + 32, 32, NULL);
	unsigned char *der = NULL;
	int dn = -1;
	if (es != NULL && br != NULL && bs != NULL && ECDSA_SIG_set0(es, br, bs) == 1) {
		br = bs = NULL; /* owned by es now */
		dn = i2d_ECDSA_SIG(es, &der);
	}
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	if (dn > 0 && ctx != NULL &&
	    EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, pk) == 1 &&
	    EVP_DigestVerify(ctx, der, (size_t)dn, msg, len) == 1)
		r = AMANA_OK;
	EVP_MD_CTX_free(ctx);
	OPENSSL_free(der);
	BN_free(br);
	BN_free(bs);
	ECDSA_SIG_free(es);
	EVP_PKEY_free(pk);
	return r;
}
