/* x509.c: issuing-authority root and document-signer certificates
 * (Ed25519, X.509 v3) made with libcrypto from libsodium key pairs, and
 * the document-signer profile the verifier holds every signer to (what
 * the issuer writes here is what mdoc_cert_signer_usage requires). */
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "amana/err.h"
#include "amana/issuer.h"
#include "mdoc_internal.h"

/* ISO 18013-5 document signer extended key usage (mdlDS). */
#define OID_MDL_DS "1.0.18013.5.1.2"

static int add_ext(X509 *x, X509V3_CTX *ctx, int nid, const char *value)
{
	X509_EXTENSION *ex = X509V3_EXT_conf_nid(NULL, ctx, nid, value);
	if (ex == NULL)
		return AMANA_ERR_CRYPTO;
	int ok = X509_add_ext(x, ex, -1);
	X509_EXTENSION_free(ex);
	return ok == 1 ? AMANA_OK : AMANA_ERR_CRYPTO;
}

static int set_serial(X509 *x)
{
	uint8_t rnd[16];
	randombytes_buf(rnd, sizeof(rnd));
	rnd[0] = (uint8_t)((rnd[0] & 0x7f) | 0x01); /* positive, 16 bytes */
	BIGNUM *bn = BN_bin2bn(rnd, sizeof(rnd), NULL);
	int ok = bn != NULL && BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) != NULL;
	BN_free(bn);
	return ok ? AMANA_OK : AMANA_ERR_CRYPTO;
}

static int build(X509 *x, X509 *issuer, EVP_PKEY *pub, EVP_PKEY *signer,
    const char *cn, const char *country, int64_t nb, int64_t na)
{
	bool root = issuer == NULL;
	X509_NAME *name = X509_get_subject_name(x);
	if (X509_set_version(x, 2) != 1 || set_serial(x) != AMANA_OK ||
	    X509_set_pubkey(x, pub) != 1 ||
	    X509_NAME_add_entry_by_txt(name, "C", MBSTRING_UTF8,
	        (const unsigned char *)country, -1, -1, 0) != 1 ||
	    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
	        (const unsigned char *)cn, -1, -1, 0) != 1 ||
	    X509_set_issuer_name(x, root ? name : X509_get_subject_name(issuer)) != 1 ||
	    ASN1_TIME_set(X509_getm_notBefore(x), (time_t)nb) == NULL ||
	    ASN1_TIME_set(X509_getm_notAfter(x), (time_t)na) == NULL)
		return AMANA_ERR_CRYPTO;
	X509V3_CTX ctx;
	X509V3_set_ctx(&ctx, root ? x : issuer, x, NULL, NULL, 0);
	int r = add_ext(x, &ctx, NID_subject_key_identifier, "hash");
	if (r == AMANA_OK)
		r = add_ext(x, &ctx, NID_authority_key_identifier, "keyid:always");
	if (r == AMANA_OK)
		r = add_ext(x, &ctx, NID_basic_constraints,
		    root ? "critical,CA:TRUE,pathlen:0" : "critical,CA:FALSE");
	if (r == AMANA_OK)
		r = add_ext(x, &ctx, NID_key_usage,
		    root ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature");
	if (r == AMANA_OK && !root)
		r = add_ext(x, &ctx, NID_ext_key_usage, "critical," OID_MDL_DS);
	if (r == AMANA_OK && X509_sign(x, signer, NULL) <= 0)
		r = AMANA_ERR_CRYPTO;
	return r;
}

int amana_issuer_cert_create_with_key(const char *subject_cn, const char *country,
    const uint8_t *issuer_sk, const uint8_t *issuer_cert, size_t issuer_cert_len,
    int64_t not_before, int64_t not_after, const uint8_t sk[64], uint8_t **cert,
    size_t *cert_len)
{
	if (subject_cn == NULL || sk == NULL || cert == NULL || cert_len == NULL ||
	    (issuer_sk == NULL) != (issuer_cert == NULL) || not_after <= not_before)
		return AMANA_ERR_ARG;
	if (country == NULL)
		country = "XX";
	*cert = NULL;
	const uint8_t *pk = sk + 32; /* libsodium: seed || public key */
	X509 *issuer = NULL;
	if (issuer_cert != NULL) {
		const unsigned char *p = issuer_cert;
		issuer = d2i_X509(NULL, &p, (long)issuer_cert_len);
		if (issuer == NULL)
			return AMANA_ERR_X509;
	}
	/* The signer's seed is the first half of a libsodium secret key. */
	EVP_PKEY *signer = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL,
	    issuer_sk != NULL ? issuer_sk : sk, 32);
	EVP_PKEY *pub = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pk, 32);
	X509 *x = X509_new();
	int r = AMANA_ERR_CRYPTO;
	if (signer != NULL && pub != NULL && x != NULL)
		r = build(x, issuer, pub, signer, subject_cn, country, not_before, not_after);
	if (r == AMANA_OK) {
		unsigned char *der = NULL;
		int n = i2d_X509(x, &der);
		if (n > 0 && (*cert = malloc((size_t)n)) != NULL) {
			memcpy(*cert, der, (size_t)n);
			*cert_len = (size_t)n;
		} else {
			r = n > 0 ? AMANA_ERR_NOMEM : AMANA_ERR_CRYPTO;
		}
		OPENSSL_free(der);
	}
	X509_free(x);
	X509_free(issuer);
	EVP_PKEY_free(signer);
	EVP_PKEY_free(pub);
	return r;
}

int amana_issuer_cert_create(const char *subject_cn, const char *country,
    const uint8_t *issuer_sk, const uint8_t *issuer_cert, size_t issuer_cert_len,
    int64_t not_before, int64_t not_after, uint8_t sk[64], uint8_t **cert,
    size_t *cert_len)
{
	if (sk == NULL)
		return AMANA_ERR_ARG;
	uint8_t pk[32];
	crypto_sign_keypair(pk, sk);
	int r = amana_issuer_cert_create_with_key(subject_cn, country, issuer_sk,
	    issuer_cert, issuer_cert_len, not_before, not_after, sk, cert, cert_len);
	if (r != AMANA_OK)
		sodium_memzero(sk, 64);
	return r;
}

static bool has_mdl_ds_eku(X509 *x, bool *malformed)
{
	int crit = 0;
	EXTENDED_KEY_USAGE *eku = X509_get_ext_d2i(x, NID_ext_key_usage, &crit, NULL);
	*malformed = eku == NULL && crit != -1; /* -1: absent; else repeated or bad */
	bool found = false;
	for (int k = 0; eku != NULL && k < sk_ASN1_OBJECT_num(eku) && !found; k++) {
		char oid[64];
		int n = OBJ_obj2txt(oid, sizeof(oid), sk_ASN1_OBJECT_value(eku, k), 1);
		found = n > 0 && (size_t)n < sizeof(oid) && strcmp(oid, OID_MDL_DS) == 0;
	}
	EXTENDED_KEY_USAGE_free(eku);
	return found;
}

int mdoc_cert_signer_usage_x509(X509 *x, const char **why)
{
	const char *dummy;
	if (why == NULL)
		why = &dummy;
	*why = NULL;
	uint32_t flags = X509_get_extension_flags(x);
	if (flags & EXFLAG_INVALID) {
		*why = "signer certificate has malformed extensions";
		return AMANA_ERR_X509;
	}
	/* A CA (the authority's IACA root or any other) signing documents
	 * itself would make every certificate it issued pointless; a trusted
	 * root even "verifies" alone. */
	if (X509_check_ca(x) != 0) {
		*why = "a CA certificate (IACA) cannot sign documents";
		return AMANA_ERR_VERIFY_CERT_USAGE;
	}
	uint32_t ku = X509_get_key_usage(x);
	if (!(flags & EXFLAG_KUSAGE) || !(ku & KU_DIGITAL_SIGNATURE)) {
		*why = "signer certificate lacks key usage digitalSignature";
		return AMANA_ERR_VERIFY_CERT_USAGE;
	}
	if (ku & (KU_KEY_CERT_SIGN | KU_CRL_SIGN)) {
		*why = "signer certificate may sign certificates (keyCertSign/cRLSign)";
		return AMANA_ERR_VERIFY_CERT_USAGE;
	}
	bool malformed;
	if (!has_mdl_ds_eku(x, &malformed)) {
		*why = malformed ? "signer certificate has a malformed extended key usage" :
		    "signer certificate lacks extended key usage mdlDS (1.0.18013.5.1.2)";
		return malformed ? AMANA_ERR_X509 : AMANA_ERR_VERIFY_CERT_USAGE;
	}
	return AMANA_OK;
}

int mdoc_cert_signer_usage(const uint8_t *der, size_t len, const char **why)
{
	const unsigned char *p = der;
	X509 *x = der != NULL && len > 0 && len <= 65536 ? d2i_X509(NULL, &p, (long)len) : NULL;
	if (x == NULL || p != der + len) {
		X509_free(x);
		if (why != NULL)
			*why = "signer certificate malformed";
		return AMANA_ERR_X509;
	}
	int r = mdoc_cert_signer_usage_x509(x, why);
	X509_free(x);
	return r;
}
