/* pin_proto.c: PIN/UV auth protocol 2 (CTAP 2.1 section 6.5.7), the
 * primitives clientPIN (pin.c), getAssertion's hmac-secret and the bio
 * commands share: ECDH + HKDF shared secret, AES-256-CBC with a random IV,
 * HMAC-SHA-256 pinUvAuthParam, and the checks of a pinUvAuthToken. */
#include <string.h>

#include "amana/err.h"
#include "core.h"
#include "crypto.h"
#include "ctap.h"
#include "tcbor.h"

int pin_shared_secret(token_t *t, const uint8_t *cose, size_t n, uint8_t shared[64])
{
	tcbor_r_t r = {cose, n};
	size_t pairs;
	int64_t kty = 0, crv = 0;
	const uint8_t *x = NULL, *y = NULL;
	size_t xl = 0, yl = 0;
	if (tcbor_get_map(&r, &pairs) != CTAP2_OK)
		return CTAP2_ERR_CBOR_UNEXPECTED_TYPE;
	tcbor_r_t whole = {cose, n};
	int urc = tcbor_map_keys_unique(whole);
	if (urc != CTAP2_OK)
		return urc;
	for (size_t i = 0; i < pairs; i++) {
		int64_t k;
		int rc = tcbor_get_int(&r, &k);
		if (rc != CTAP2_OK)
			return rc;
		if (k == 1)
			rc = tcbor_get_int(&r, &kty);
		else if (k == -1)
			rc = tcbor_get_int(&r, &crv);
		else if (k == -2)
			rc = tcbor_get_bytes(&r, &x, &xl);
		else if (k == -3)
			rc = tcbor_get_bytes(&r, &y, &yl);
		else
			rc = tcbor_skip(&r);
		if (rc != CTAP2_OK)
			return rc;
	}
	if (kty != 2 || crv != 1 || x == NULL || y == NULL || xl != 32 || yl != 32)
		return CTAP1_ERR_INVALID_PARAMETER;
	uint8_t peer[64], z[32];
	memcpy(peer, x, 32);
	memcpy(peer + 32, y, 32);
	if (tc_p256_ecdh(token_rng, t, t->pin.ka_priv, peer, z) != AMANA_OK)
		return CTAP1_ERR_INVALID_PARAMETER;
	static const uint8_t salt[32] = {0};
	static const char hk[] = "CTAP2 HMAC key", ak[] = "CTAP2 AES key";
	int rc = tc_hkdf_sha256(salt, 32, z, 32, (const uint8_t *)hk,
	    sizeof(hk) - 1, shared, 32);
	if (rc == AMANA_OK)
		rc = tc_hkdf_sha256(salt, 32, z, 32, (const uint8_t *)ak,
		    sizeof(ak) - 1, shared + 32, 32);
	tc_wipe(z, sizeof(z));
	if (rc != AMANA_OK) /* callers wipe only what they were given */
		tc_wipe(shared, 64);
	return rc == AMANA_OK ? CTAP2_OK : CTAP1_ERR_OTHER;
}

int pin_encrypt(token_t *t, const uint8_t shared[64], const uint8_t *in,
    size_t len, uint8_t *out)
{
	if (t->hal.rng(t->hal.ctx, out, 16) != 0 ||
	    tc_aes256_cbc(true, shared + 32, out, in, len, out + 16) != AMANA_OK)
		return CTAP1_ERR_OTHER;
	return CTAP2_OK;
}

int pin_decrypt(const uint8_t shared[64], const uint8_t *in, size_t len,
    uint8_t *out, size_t *out_len)
{
	if (len < 32 || len % 16 != 0)
		return CTAP1_ERR_INVALID_PARAMETER;
	if (tc_aes256_cbc(false, shared + 32, in, in + 16, len - 16, out) != AMANA_OK)
		return CTAP1_ERR_OTHER;
	*out_len = len - 16;
	return CTAP2_OK;
}

bool pin_verify(const uint8_t key[32], const uint8_t *msg, size_t n,
    const uint8_t *mac, size_t mac_len)
{
	uint8_t m[32];
	if (mac_len != 32)
		return false;
	tc_hmac_sha256(key, 32, msg, n, NULL, 0, m);
	bool ok = tc_ct_equal(m, mac, 32);
	tc_wipe(m, sizeof(m)); /* the valid MAC for msg: a forgery if it leaked */
	return ok;
}

int token_pin_auth_check(token_t *t, uint8_t perm, uint64_t proto,
    const uint8_t *msg, size_t msg_len, const uint8_t *param, size_t param_len)
{
	if (proto != 2)
		return CTAP1_ERR_INVALID_PARAMETER;
	if (!t->pin.puat_valid ||
	    !pin_verify(t->pin.puat, msg, msg_len, param, param_len) ||
	    (t->pin.permissions & perm) == 0)
		return CTAP2_ERR_PIN_AUTH_INVALID;
	return CTAP2_OK;
}

int pin_check_rpid(token_t *t, const uint8_t rpid_hash[32])
{
	if (!t->pin.rpid_set) {
		memcpy(t->pin.rpid_hash, rpid_hash, 32);
		t->pin.rpid_set = true;
		return CTAP2_OK;
	}
	return memcmp(t->pin.rpid_hash, rpid_hash, 32) == 0
	    ? CTAP2_OK : CTAP2_ERR_PIN_AUTH_INVALID;
}
