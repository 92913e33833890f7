/* pin.c: authenticatorClientPIN with PIN/UV auth protocol 2 (CTAP 2.1
 * section 6.5) and the pinUvAuthToken state.
 *
 * Policy (docs/0603-token-pin-policy.md): 8 PIN retries, persisted (and
 * decremented BEFORE the PIN is compared, so pulling the plug after a wrong
 * guess never gives the guess back); at 0 the PIN is blocked until
 * authenticatorReset. Three wrong PINs in a row since power-up block PIN
 * entry until the next power cycle. A wrong PIN also replaces the
 * key-agreement key. */
#include <string.h>

#include "amana/err.h"
#include "tcbor.h"
#include "core.h"
#include "crypto.h"
#include "ctap.h"
#include "uv.h"

#define PIN_RETRIES_MAX 8u
#define PIN_WRONG_IN_ROW_MAX 3u
#define PIN_MIN_LEN 4u
#define PUAT_LIFETIME_MS 600000u /* 10 minutes, CTAP 2.1 maximum */
#define PIN_REC_VERSION 1u

typedef struct pin_rec {
	bool set;
	uint8_t retries;
	uint8_t hash[16];
} pin_rec_t;

static void pin_load(token_t *t, pin_rec_t *p)
{
	uint8_t r[19];
	size_t n = 0;
	memset(p, 0, sizeof(*p));
	p->retries = PIN_RETRIES_MAX;
	if (store_get(&t->store, STORE_KEY_PIN, r, sizeof(r), &n) == AMANA_OK &&
	    n == sizeof(r) && r[0] == PIN_REC_VERSION) {
		p->set = r[1] != 0;
		p->retries = r[2];
		memcpy(p->hash, r + 3, 16);
	}
	tc_wipe(r, sizeof(r));
}

static int pin_save(token_t *t, const pin_rec_t *p)
{
	uint8_t r[19];
	r[0] = PIN_REC_VERSION;
	r[1] = p->set ? 1 : 0;
	r[2] = p->retries;
	memcpy(r + 3, p->hash, 16);
	int rc = store_put(&t->store, STORE_KEY_PIN, r, sizeof(r));
	tc_wipe(r, sizeof(r));
	return rc == AMANA_OK ? CTAP2_OK : CTAP1_ERR_OTHER;
}

bool token_pin_is_set(token_t *t)
{
	pin_rec_t p;
	pin_load(t, &p);
	return p.set;
}

static int new_key_agreement(token_t *t)
{
	return tc_p256_keygen(token_rng, t, t->pin.ka_priv, t->pin.ka_pub);
}

void pin_reset_state(token_t *t)
{
	tc_wipe(t->pin.puat, sizeof(t->pin.puat));
	t->pin.puat_valid = false;
	t->pin.permissions = 0;
	t->pin.rpid_set = false;
}

int pin_power_up(token_t *t)
{
	memset(&t->pin, 0, sizeof(t->pin));
	return new_key_agreement(t);
}

void pin_tick(token_t *t, uint32_t now_ms)
{
	if (t->pin.puat_valid && now_ms - t->pin.puat_ms > PUAT_LIFETIME_MS)
		pin_reset_state(t);
}

/* ---- subcommands */

typedef struct pin_req {
	uint64_t proto, sub, perms;
	bool has_proto, has_sub, has_perms;
	const uint8_t *ka, *auth, *new_enc, *hash_enc, *rpid;
	size_t ka_len, auth_len, new_enc_len, hash_enc_len, rpid_len;
} pin_req_t;

static int parse(const uint8_t *req, size_t n, pin_req_t *q)
{
	tcbor_r_t r = {req, n};
	size_t pairs;
	uint64_t prev = 0;
	memset(q, 0, sizeof(*q));
	int rc = tcbor_get_map(&r, &pairs);
	if (rc != CTAP2_OK)
		return rc;
	for (size_t i = 0; i < pairs; i++) {
		uint64_t k;
		tcbor_r_t item;
		if ((rc = tcbor_get_uint(&r, &k)) != CTAP2_OK)
			return rc;
		/* canonical requests: keys ascending, no duplicates */
		if (i > 0 && k <= prev)
			return CTAP2_ERR_INVALID_CBOR;
		prev = k;
		switch (k) {
		case 1:
			rc = tcbor_get_uint(&r, &q->proto);
			q->has_proto = true;
			break;
		case 2:
			rc = tcbor_get_uint(&r, &q->sub);
			q->has_sub = true;
			break;
		case 3:
			rc = tcbor_get_item(&r, &item);
			q->ka = item.p;
			q->ka_len = item.n;
			break;
		case 4:
			rc = tcbor_get_bytes(&r, &q->auth, &q->auth_len);
			break;
		case 5:
			rc = tcbor_get_bytes(&r, &q->new_enc, &q->new_enc_len);
			break;
		case 6:
			rc = tcbor_get_bytes(&r, &q->hash_enc, &q->hash_enc_len);
			break;
		case 9:
			rc = tcbor_get_uint(&r, &q->perms);
			q->has_perms = true;
			break;
		case 10:
			rc = tcbor_get_text(&r, &q->rpid, &q->rpid_len);
			break;
		default:
			rc = tcbor_skip(&r);
			break;
		}
		if (rc != CTAP2_OK)
			return rc;
	}
	return r.n == 0 ? CTAP2_OK : CTAP2_ERR_INVALID_CBOR;
}

/* Decrypts and checks a padded new PIN; writes its SHA-256 LEFT 16. */
static int new_pin_hash(const uint8_t shared[64], const pin_req_t *q, uint8_t hash[16])
{
	uint8_t pad[64], h[32];
	size_t n = 0;
	if (q->new_enc_len != 16 + 64)
		return CTAP1_ERR_INVALID_PARAMETER;
	int rc = pin_decrypt(shared, q->new_enc, q->new_enc_len, pad, &n);
	if (rc != CTAP2_OK)
		return rc;
	size_t len = 0, points = 0;
	while (len < 64 && pad[len] != 0) {
		if ((pad[len] & 0xC0) != 0x80) /* count UTF-8 code points */
			points++;
		len++;
	}
	if (len > 63 || points < PIN_MIN_LEN)
		rc = CTAP2_ERR_PIN_POLICY_VIOLATION;
	else {
		tc_sha256(pad, len, NULL, 0, h);
		memcpy(hash, h, 16);
	}
	tc_wipe(pad, sizeof(pad));
	tc_wipe(h, sizeof(h));
	return rc;
}

/* Checks pinHashEnc against the stored PIN with the retry policy. */
static int check_pin(token_t *t, pin_rec_t *p, const uint8_t shared[64],
    const pin_req_t *q)
{
	uint8_t got[16];
	size_t n = 0;
	if (q->hash_enc_len != 32)
		return CTAP1_ERR_INVALID_PARAMETER;
	p->retries--;
	int rc = pin_save(t, p); /* before the comparison, on purpose */
	if (rc != CTAP2_OK)
		return rc;
	if ((rc = pin_decrypt(shared, q->hash_enc, q->hash_enc_len, got, &n)) != CTAP2_OK)
		return rc;
	bool ok = tc_ct_equal(got, p->hash, 16);
	tc_wipe(got, sizeof(got));
	if (!ok) {
		(void)new_key_agreement(t);
		t->pin.wrong_in_row++;
		if (p->retries == 0)
			return CTAP2_ERR_PIN_BLOCKED;
		if (t->pin.wrong_in_row >= PIN_WRONG_IN_ROW_MAX)
			return CTAP2_ERR_PIN_AUTH_BLOCKED;
		return CTAP2_ERR_PIN_INVALID;
	}
	t->pin.wrong_in_row = 0;
	p->retries = PIN_RETRIES_MAX;
	if ((rc = pin_save(t, p)) != CTAP2_OK)
		return rc;
	token_uv_pin_ok(t);
	return CTAP2_OK;
}

static int pin_gate(token_t *t, const pin_rec_t *p)
{
	if (!p->set)
		return CTAP2_ERR_PIN_NOT_SET;
	if (p->retries == 0)
		return CTAP2_ERR_PIN_BLOCKED;
	if (t->pin.wrong_in_row >= PIN_WRONG_IN_ROW_MAX)
		return CTAP2_ERR_PIN_AUTH_BLOCKED;
	return CTAP2_OK;
}

/* Issues a fresh pinUvAuthToken and writes {2: encrypted token}. */
static int issue_token(token_t *t, const uint8_t shared[64], uint8_t perms,
    const pin_req_t *q, bool by_uv, tcbor_w_t *w)
{
	pin_reset_state(t);
	if (t->hal.rng(t->hal.ctx, t->pin.puat, 32) != 0)
		return CTAP1_ERR_OTHER;
	t->pin.puat_valid = true;
	t->pin.permissions = perms;
	t->pin.uv_by_bio = by_uv;
	t->pin.puat_ms = token_now(t);
	if (q->rpid != NULL) {
		tc_sha256(q->rpid, q->rpid_len, NULL, 0, t->pin.rpid_hash);
		t->pin.rpid_set = true;
	}
	uint8_t enc[48];
	int rc = pin_encrypt(t, shared, t->pin.puat, 32, enc);
	if (rc != CTAP2_OK)
		return rc;
	tcbor_put_map(w, 1);
	tcbor_put_uint(w, 2);
	tcbor_put_bytes(w, enc, sizeof(enc));
	return CTAP2_OK;
}

/* Runs subcommand q on p, the loaded PIN record, with shared as the scratch
 * buffer for the shared secret. Its many early returns leave the PIN hash
 * in p and perhaps a shared secret: sub_dispatch wipes both on every path. */
static int sub_run(token_t *t, const pin_req_t *q, tcbor_w_t *w, pin_rec_t *p,
    uint8_t shared[64])
{
	int rc;

	if (q->sub < 0x01 || q->sub > 0x09 || q->sub == 0x08)
		return CTAP2_ERR_INVALID_SUBCOMMAND;
	/* Without built-in UV these two subcommands do not exist. */
	if ((q->sub == 0x06 || q->sub == 0x07) && !token_uv_supported(t))
		return CTAP2_ERR_INVALID_SUBCOMMAND;
	switch (q->sub) {
	case 0x01: /* getPINRetries */
		tcbor_put_map(w, 1);
		tcbor_put_uint(w, 3);
		tcbor_put_uint(w, p->retries);
		return CTAP2_OK;
	case 0x07: /* getUVRetries */
		if (!token_uv_supported(t))
			return CTAP2_ERR_INVALID_SUBCOMMAND;
		tcbor_put_map(w, 1);
		tcbor_put_uint(w, 5);
		tcbor_put_uint(w, token_uv_retries(t));
		return CTAP2_OK;
	default:
		break;
	}
	if (!q->has_proto)
		return CTAP2_ERR_MISSING_PARAMETER;
	if (q->proto != 2)
		return CTAP1_ERR_INVALID_PARAMETER;
	if (q->sub == 0x02) { /* getKeyAgreement */
		tcbor_put_map(w, 1);
		tcbor_put_uint(w, 1);
		tcbor_put_map(w, 5);
		tcbor_put_uint(w, 1);
		tcbor_put_uint(w, 2);   /* kty: EC2 */
		tcbor_put_uint(w, 3);
		tcbor_put_int(w, -25);  /* alg: ECDH-ES+HKDF-256 */
		tcbor_put_int(w, -1);
		tcbor_put_uint(w, 1);   /* crv: P-256 */
		tcbor_put_int(w, -2);
		tcbor_put_bytes(w, t->pin.ka_pub, 32);
		tcbor_put_int(w, -3);
		tcbor_put_bytes(w, t->pin.ka_pub + 32, 32);
		return CTAP2_OK;
	}
	if (q->ka == NULL)
		return CTAP2_ERR_MISSING_PARAMETER;

	switch (q->sub) {
	case 0x03: /* setPIN */
		if (q->auth == NULL || q->new_enc == NULL)
			return CTAP2_ERR_MISSING_PARAMETER;
		if (p->set)
			return CTAP2_ERR_NOT_ALLOWED;
		if ((rc = pin_shared_secret(t, q->ka, q->ka_len, shared)) != CTAP2_OK)
			break;
		if (!pin_verify(shared, q->new_enc, q->new_enc_len, q->auth, q->auth_len)) {
			rc = CTAP2_ERR_PIN_AUTH_INVALID;
			break;
		}
		if ((rc = new_pin_hash(shared, q, p->hash)) != CTAP2_OK)
			break;
		p->set = true;
		p->retries = PIN_RETRIES_MAX;
		rc = pin_save(t, p);
		break;
	case 0x04: { /* changePIN */
		if (q->auth == NULL || q->new_enc == NULL || q->hash_enc == NULL)
			return CTAP2_ERR_MISSING_PARAMETER;
		if ((rc = pin_gate(t, p)) != CTAP2_OK)
			return rc;
		if ((rc = pin_shared_secret(t, q->ka, q->ka_len, shared)) != CTAP2_OK)
			break;
		uint8_t both[80 + 32];
		if (q->new_enc_len != 80 || q->hash_enc_len != 32) {
			rc = CTAP1_ERR_INVALID_PARAMETER;
			break;
		}
		memcpy(both, q->new_enc, 80);
		memcpy(both + 80, q->hash_enc, 32);
		if (!pin_verify(shared, both, sizeof(both), q->auth, q->auth_len)) {
			rc = CTAP2_ERR_PIN_AUTH_INVALID;
			break;
		}
		if ((rc = check_pin(t, p, shared, q)) != CTAP2_OK)
			break;
		if ((rc = new_pin_hash(shared, q, p->hash)) != CTAP2_OK)
			break;
		rc = pin_save(t, p);
		pin_reset_state(t);
		break;
	}
	case 0x05:   /* getPinToken (CTAP 2.0) */
	case 0x09: { /* getPinUvAuthTokenUsingPinWithPermissions */
		uint8_t perms = TOKEN_PERM_MC | TOKEN_PERM_GA;
		if (q->hash_enc == NULL)
			return CTAP2_ERR_MISSING_PARAMETER;
		if (q->sub == 0x09) {
			if (!q->has_perms)
				return CTAP2_ERR_MISSING_PARAMETER;
			if (q->perms == 0 || q->perms > 0xFF)
				return CTAP1_ERR_INVALID_PARAMETER;
			uint8_t ok = TOKEN_PERM_MC | TOKEN_PERM_GA |
			    (token_uv_supported(t) ? TOKEN_PERM_BE : 0);
			if ((q->perms & ~(uint64_t)ok) != 0)
				return CTAP2_ERR_UNAUTHORIZED_PERMISSION;
			perms = (uint8_t)q->perms;
		} else if (q->has_perms || q->rpid != NULL) {
			return CTAP1_ERR_INVALID_PARAMETER;
		}
		if ((rc = pin_gate(t, p)) != CTAP2_OK)
			return rc;
		if ((rc = pin_shared_secret(t, q->ka, q->ka_len, shared)) != CTAP2_OK)
			break;
		if ((rc = check_pin(t, p, shared, q)) != CTAP2_OK)
			break;
		rc = issue_token(t, shared, perms, q, false, w);
		break;
	}
	case 0x06: { /* getPinUvAuthTokenUsingUvWithPermissions */
		uint8_t modality = 0;
		if (!token_uv_supported(t))
			return CTAP2_ERR_INVALID_SUBCOMMAND;
		if (!q->has_perms)
			return CTAP2_ERR_MISSING_PARAMETER;
		if (q->perms == 0 || q->perms > 0xFF)
			return CTAP1_ERR_INVALID_PARAMETER;
		if ((q->perms & ~(uint64_t)(TOKEN_PERM_MC | TOKEN_PERM_GA |
		    TOKEN_PERM_BE)) != 0)
			return CTAP2_ERR_UNAUTHORIZED_PERMISSION;
		if ((rc = pin_shared_secret(t, q->ka, q->ka_len, shared)) != CTAP2_OK)
			break;
		token_keepalive(t, 2);
		if ((rc = token_uv_verify(t, &modality)) != CTAP2_OK)
			break;
		rc = issue_token(t, shared, (uint8_t)q->perms, q, true, w);
		break;
	}
	default:
		return CTAP2_ERR_INVALID_SUBCOMMAND;
	}
	return rc;
}

static int sub_dispatch(token_t *t, const pin_req_t *q, tcbor_w_t *w)
{
	pin_rec_t p;
	uint8_t shared[64];
	pin_load(t, &p);
	int rc = sub_run(t, q, w, &p, shared);
	tc_wipe(shared, sizeof(shared));
	tc_wipe(&p, sizeof(p));
	return rc;
}

int ctap_client_pin(token_t *t, const uint8_t *req, size_t n, uint8_t *resp,
    size_t cap, size_t *len)
{
	pin_req_t q;
	tcbor_w_t w;
	int rc = parse(req, n, &q);
	if (rc != CTAP2_OK)
		return rc;
	if (!q.has_sub)
		return CTAP2_ERR_MISSING_PARAMETER;
	tcbor_w_init(&w, resp, cap);
	rc = sub_dispatch(t, &q, &w);
	if (rc == CTAP2_OK && w.err)
		rc = CTAP1_ERR_OTHER;
	*len = rc == CTAP2_OK ? w.len : 0;
	return rc;
}
