/* token_slot.c: the token slot, through libfido2 (libamana-vault-token;
 * docs/0502-vault-key-slots.md).
 *
 * Enrol: makeCredential on the token (hmac-secret, credProtect "UV
 * required", not discoverable), then getAssertion with user verification and
 * the vault's token salt; the 32-byte hmac-secret output is the base of the
 * slot's KEK and the credential id is kept in the clear part of the entry.
 * Unlock: one getAssertion whose allow list holds the ids of all eight
 * entries (unused ones are random bytes the token does not recognise, so the
 * list does not say which entry is a token slot), with UV and the salt.
 *
 * UV is the token's own: its fingerprint/face match (no PIN given), or the
 * clientPIN fallback (PIN given). An assertion without the UV flag is
 * refused: without UV the token would derive a different secret anyway
 * (CredRandomWithoutUV), and the slot must not open on mere presence. */
#include <string.h>

#include <fido.h>
#include <sodium.h>

#include "amana/fido.h"
#include "vault_int.h"

#define TOKEN_RP "vault.amana.example"
#define FLAG_UV 0x04u

static int map_fido(int rc)
{
	switch (rc) {
	case FIDO_OK:
		return AMANA_OK;
	case FIDO_ERR_NO_CREDENTIALS:
		return AMANA_ERR_VAULT_TOKEN;
	/* The worker must learn what to do next: try again, use the PIN,
	 * replug the token, or go to the NGO for a reset. */
	case FIDO_ERR_UV_INVALID:
		return AMANA_ERR_NO_MATCH;
	case FIDO_ERR_UV_BLOCKED:
		return AMANA_ERR_UV_BLOCKED;
	case FIDO_ERR_PIN_INVALID:
		return AMANA_ERR_PIN_WRONG;
	case FIDO_ERR_PIN_BLOCKED:
		return AMANA_ERR_PIN_BLOCKED;
	case FIDO_ERR_PIN_AUTH_BLOCKED:
		return AMANA_ERR_PIN_POWER_CYCLE;
	case FIDO_ERR_OPERATION_DENIED:
	case FIDO_ERR_PIN_REQUIRED:
	case FIDO_ERR_UNSUPPORTED_OPTION:
		return AMANA_ERR_DENIED;
	case FIDO_ERR_TX:
	case FIDO_ERR_RX:
		return AMANA_ERR_TOKEN_CONNECT;
	default:
		return AMANA_ERR_TOKEN_FIDO;
	}
}

/* getAssertion over ids with UV and the salt; out = the hmac-secret. */
static int token_hmac(fido_dev_t *dev, const uint8_t ids[][AMANA_VAULT_CREDID_MAX],
    const size_t *id_len, size_t nids, const uint8_t salt[32], const char *pin, uint8_t out[32])
{
	uint8_t cdh[32];
	fido_assert_t *a = fido_assert_new();
	if (a == NULL)
		return AMANA_ERR_NOMEM;
	randombytes_buf(cdh, sizeof(cdh)); /* no relying party to sign for */
	int rc = fido_assert_set_clientdata_hash(a, cdh, sizeof(cdh));
	if (rc == FIDO_OK)
		rc = fido_assert_set_rp(a, TOKEN_RP);
	for (size_t i = 0; i < nids && rc == FIDO_OK; i++)
		rc = fido_assert_allow_cred(a, ids[i], id_len[i]);
	if (rc == FIDO_OK)
		rc = fido_assert_set_extensions(a, FIDO_EXT_HMAC_SECRET);
	if (rc == FIDO_OK)
		rc = fido_assert_set_hmac_salt(a, salt, 32);
	if (rc == FIDO_OK && pin == NULL)
		rc = fido_assert_set_uv(a, FIDO_OPT_TRUE); /* the token's biometric */
	if (rc == FIDO_OK)
		rc = fido_dev_get_assert(dev, a, pin);
	int err = map_fido(rc);
	if (err == AMANA_OK && (fido_assert_count(a) != 1 || !(fido_assert_flags(a, 0) & FLAG_UV) ||
	                           fido_assert_hmac_secret_len(a, 0) != 32))
		err = AMANA_ERR_VAULT_TOKEN;
	if (err == AMANA_OK)
		memcpy(out, fido_assert_hmac_secret_ptr(a, 0), 32);
	fido_assert_free(&a); /* libfido2 zeroes the hmac output it frees */
	return err;
}

int amana_vault_token_enrol(amana_vault_t *v, const char *token, const char *pin, unsigned *idx_out)
{
	fido_dev_t *dev = NULL;
	fido_cred_t *c = NULL;
	uint8_t cdh[32], uid[16], hmac[32];
	uint8_t ids[1][AMANA_VAULT_CREDID_MAX];
	size_t idl[1];
	int err = amana_fido_token_open(token, &dev);
	if (err != AMANA_OK)
		return err;
	c = fido_cred_new();
	if (c == NULL) {
		err = AMANA_ERR_NOMEM;
		goto out;
	}
	randombytes_buf(cdh, sizeof(cdh));
	randombytes_buf(uid, sizeof(uid));
	int rc = fido_cred_set_type(c, COSE_ES256);
	if (rc == FIDO_OK)
		rc = fido_cred_set_clientdata_hash(c, cdh, sizeof(cdh));
	if (rc == FIDO_OK)
		rc = fido_cred_set_rp(c, TOKEN_RP, "amana vault");
	if (rc == FIDO_OK)
		rc = fido_cred_set_user(c, uid, sizeof(uid), "vault", NULL, NULL);
	if (rc == FIDO_OK)
		rc = fido_cred_set_extensions(c, FIDO_EXT_HMAC_SECRET | FIDO_EXT_CRED_PROTECT);
	if (rc == FIDO_OK)
		rc = fido_cred_set_prot(c, FIDO_CRED_PROT_UV_REQUIRED);
	if (rc == FIDO_OK)
		rc = fido_cred_set_rk(c, FIDO_OPT_FALSE);
	if (rc == FIDO_OK && pin == NULL)
		rc = fido_cred_set_uv(c, FIDO_OPT_TRUE);
	if (rc == FIDO_OK)
		rc = fido_dev_make_cred(dev, c, pin);
	if ((err = map_fido(rc)) != AMANA_OK)
		goto out;
	if (fido_cred_id_len(c) == 0 || fido_cred_id_len(c) > AMANA_VAULT_CREDID_MAX) {
		err = AMANA_ERR_UNSUPPORTED;
		goto out;
	}
	idl[0] = fido_cred_id_len(c);
	memset(ids[0], 0, sizeof(ids[0]));
	memcpy(ids[0], fido_cred_id_ptr(c), idl[0]);
	err = token_hmac(dev, (const uint8_t(*)[AMANA_VAULT_CREDID_MAX])ids, idl, 1,
	    v->slots.token_salt, pin, hmac);
	if (err == AMANA_OK)
		err = amana_vault_slot_add_token(v, ids[0], idl[0], hmac, idx_out);
	sodium_memzero(hmac, sizeof(hmac));
out:
	fido_cred_free(&c);
	fido_dev_close(dev);
	fido_dev_free(&dev);
	return err;
}

int amana_vault_token_open(const char *dir, const char *token, const char *pin, amana_vault_t **out)
{
	amana_vault_token_challenge_t ch;
	fido_dev_t *dev = NULL;
	uint8_t *hmac = NULL;
	*out = NULL;
	int err = amana_vault_token_challenge(dir, &ch);
	if (err != AMANA_OK)
		return err;
	if ((err = amana_fido_token_open(token, &dev)) != AMANA_OK)
		return err;
	hmac = sodium_malloc(32);
	if (hmac == NULL)
		err = AMANA_ERR_NOMEM;
	else
		err = token_hmac(dev, (const uint8_t(*)[AMANA_VAULT_CREDID_MAX])ch.ids, ch.id_len,
		    AMANA_VAULT_NSLOTS, ch.salt, pin, hmac);
	fido_dev_close(dev);
	fido_dev_free(&dev);
	if (err == AMANA_OK) {
		err = amana_vault_open(dir, AMANA_VAULT_TOKEN, hmac, 32, out);
		if (err == AMANA_ERR_VAULT_SECRET)
			err = AMANA_ERR_VAULT_TOKEN;
	}
	if (hmac != NULL)
		sodium_free(hmac);
	return err;
}
