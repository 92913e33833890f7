/* fido_util.c: libfido2 helpers for the token tests (see fido_util.h). */
#include "fido_util.h"

#include <string.h>
#include <sys/random.h>

#include "amana/fido.h"

fido_dev_t *tf_open(const char *sock)
{
	fido_dev_t *dev = NULL;
	if (amana_fido_token_open(sock, &dev) != 0)
		return NULL;
	return dev;
}

void tf_close(fido_dev_t **dev)
{
	if (*dev != NULL) {
		fido_dev_close(*dev);
		fido_dev_free(dev);
	}
}

static void random_cdh(uint8_t cdh[32])
{
	if (getrandom(cdh, 32, 0) != 32)
		memset(cdh, 0x5a, 32);
}

int tf_make_cred(fido_dev_t *dev, const char *user, bool rk, bool hmac,
    int prot, const char *pin, fido_cred_t **out)
{
	uint8_t cdh[32];
	fido_cred_t *c = fido_cred_new();
	int rc;
	random_cdh(cdh);
	if ((rc = fido_cred_set_type(c, COSE_ES256)) != FIDO_OK ||
	    (rc = fido_cred_set_clientdata_hash(c, cdh, sizeof(cdh))) != FIDO_OK ||
	    (rc = fido_cred_set_rp(c, TEST_RP, "amana wallet")) != FIDO_OK ||
	    (rc = fido_cred_set_user(c, (const unsigned char *)user, strlen(user),
		user, "Worker", NULL)) != FIDO_OK ||
	    (rc = fido_cred_set_rk(c, rk ? FIDO_OPT_TRUE : FIDO_OPT_OMIT)) != FIDO_OK ||
	    (rc = fido_cred_set_extensions(c, hmac ? FIDO_EXT_HMAC_SECRET : 0)) != FIDO_OK ||
	    (prot != 0 && (rc = fido_cred_set_prot(c, prot)) != FIDO_OK)) {
		fido_cred_free(&c);
		return rc;
	}
	rc = fido_dev_make_cred(dev, c, pin);
	if (rc == FIDO_OK)
		rc = fido_cred_verify_self(c); /* packed self attestation */
	if (rc != FIDO_OK)
		fido_cred_free(&c);
	*out = c;
	return rc;
}

int tf_verify(const fido_assert_t *a, size_t i, const fido_cred_t *cred)
{
	es256_pk_t *pk = es256_pk_new();
	int rc = es256_pk_from_ptr(pk, fido_cred_pubkey_ptr(cred),
	    fido_cred_pubkey_len(cred));
	if (rc == FIDO_OK)
		rc = fido_assert_verify(a, i, COSE_ES256, pk);
	es256_pk_free(&pk);
	return rc;
}

int tf_get_assert(fido_dev_t *dev, const fido_cred_t *cred, const uint8_t *salt,
    size_t salt_len, const char *pin, fido_assert_t **out)
{
	uint8_t cdh[32];
	fido_assert_t *a = fido_assert_new();
	int rc;
	random_cdh(cdh);
	if ((rc = fido_assert_set_clientdata_hash(a, cdh, sizeof(cdh))) != FIDO_OK ||
	    (rc = fido_assert_set_rp(a, TEST_RP)) != FIDO_OK ||
	    (cred != NULL && (rc = fido_assert_allow_cred(a, fido_cred_id_ptr(cred),
		fido_cred_id_len(cred))) != FIDO_OK) ||
	    (salt != NULL && ((rc = fido_assert_set_extensions(a,
		FIDO_EXT_HMAC_SECRET)) != FIDO_OK ||
		(rc = fido_assert_set_hmac_salt(a, salt, salt_len)) != FIDO_OK))) {
		fido_assert_free(&a);
		return rc;
	}
	rc = fido_dev_get_assert(dev, a, pin);
	if (rc == FIDO_OK && cred != NULL)
		rc = tf_verify(a, 0, cred);
	if (rc != FIDO_OK)
		fido_assert_free(&a);
	*out = a;
	return rc;
}
