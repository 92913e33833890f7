/* cred.c: credential ids, resident credential records, CredRandom and the
 * signature counter.
 *
 * A credential id carries its own private key, encrypted under the device's
 * cred_key (AES-256-CBC, random IV) and authenticated together with the RP
 * ID hash under mac_key (HMAC-SHA-256, 16 bytes kept), so non-resident
 * credentials need no storage and an id is useless at another RP or on
 * another token:
 *   0      version (1)
 *   1      flags: bits 0-1 credProtect level, bit 2 hmac-secret, bit 3 rk
 *   2..17  IV
 *   18..49 AES-256-CBC(cred_key, IV, private key)
 *   50..65 HMAC-SHA-256(mac_key, bytes 0..49 || rpIdHash)[0..15]       */
#include <string.h>

#include "amana/err.h"
#include "core.h"
#include "crypto.h"

#define ID_VERSION 1u
#define RK_VERSION 1u
#define RK_REC_MAX (1u + CRED_ID_LEN + 32u + 3u * (1u + 64u))

int cred_create(token_t *t, cred_t *c)
{
	uint8_t pub[64];
	int rc = tc_p256_keygen(token_rng, t, c->priv, pub);
	if (rc != AMANA_OK)
		return rc;
	uint8_t *id = c->id;
	id[0] = ID_VERSION;
	id[1] = (uint8_t)((c->prot & 3u) | (c->hmac_secret ? 4u : 0u) |
	    (c->resident ? 8u : 0u));
	if (t->hal.rng(t->hal.ctx, id + 2, 16) != 0)
		return AMANA_ERR_CRYPTO;
	if ((rc = tc_aes256_cbc(true, t->cred_key, id + 2, c->priv, 32, id + 18)) != AMANA_OK)
		return rc;
	uint8_t tag[32];
	tc_hmac_sha256(t->mac_key, 32, id, 50, c->rpid_hash, 32, tag);
	memcpy(id + 50, tag, 16);
	return AMANA_OK;
}

bool cred_unwrap(token_t *t, const uint8_t *id, size_t n,
    const uint8_t rpid_hash[32], cred_t *c)
{
	if (n != CRED_ID_LEN || id[0] != ID_VERSION)
		return false;
	uint8_t tag[32];
	tc_hmac_sha256(t->mac_key, 32, id, 50, rpid_hash, 32, tag);
	bool ok = tc_ct_equal(tag, id + 50, 16);
	tc_wipe(tag, sizeof(tag)); /* for a forged id, the tag that would pass */
	if (!ok)
		return false;
	memset(c, 0, sizeof(*c));
	if (tc_aes256_cbc(false, t->cred_key, id + 2, id + 18, 32, c->priv) != AMANA_OK)
		return false;
	memcpy(c->id, id, CRED_ID_LEN);
	memcpy(c->rpid_hash, rpid_hash, 32);
	c->prot = id[1] & 3u;
	if (c->prot == 0)
		c->prot = 1;
	c->hmac_secret = (id[1] & 4u) != 0;
	c->resident = (id[1] & 8u) != 0;
	return true;
}

static size_t rk_encode(const cred_t *c, uint8_t *r)
{
	size_t o = 0;
	r[o++] = RK_VERSION;
	memcpy(r + o, c->id, CRED_ID_LEN);
	o += CRED_ID_LEN;
	memcpy(r + o, c->rpid_hash, 32);
	o += 32;
	r[o++] = (uint8_t)c->user_id_len;
	memcpy(r + o, c->user_id, c->user_id_len);
	o += c->user_id_len;
	const char *names[2] = {c->user_name, c->display_name};
	for (int i = 0; i < 2; i++) {
		size_t n = strlen(names[i]);
		r[o++] = (uint8_t)n;
		memcpy(r + o, names[i], n);
		o += n;
	}
	return o;
}

/* Reads the header (id, rpIdHash) and user of a stored record. */
static int rk_decode(const uint8_t *r, size_t n, cred_t *c)
{
	size_t o = 1 + CRED_ID_LEN + 32;
	if (n < o + 1 || r[0] != RK_VERSION)
		return AMANA_ERR_FORMAT;
	memcpy(c->id, r + 1, CRED_ID_LEN);
	memcpy(c->rpid_hash, r + 1 + CRED_ID_LEN, 32);
	size_t ul = r[o++];
	if (ul > CRED_USER_ID_MAX || n < o + ul + 1)
		return AMANA_ERR_FORMAT;
	c->user_id_len = ul;
	memcpy(c->user_id, r + o, ul);
	o += ul;
	char *names[2] = {c->user_name, c->display_name};
	for (int i = 0; i < 2; i++) {
		size_t k = r[o++];
		if (k > CRED_NAME_MAX || n < o + k + (i == 0 ? 1u : 0u))
			return AMANA_ERR_FORMAT;
		memcpy(names[i], r + o, k);
		names[i][k] = '\0';
		o += k;
	}
	return AMANA_OK;
}

typedef struct rk_scan {
	token_t *t;
	const uint8_t *rpid_hash;
	const cred_t *match_user; /* for replacement: same rp and user id */
	uint16_t *keys;
	size_t n;
	uint8_t used[TOKEN_RK_MAX];
} rk_scan_t;

static int rk_visit(void *arg, uint16_t key, uint16_t len)
{
	rk_scan_t *s = arg;
	uint8_t r[RK_REC_MAX];
	cred_t c;
	size_t n = 0;
	(void)len;
	uint16_t slot = (uint16_t)(key - STORE_KEY_RK_FIRST);
	if (slot < TOKEN_RK_MAX)
		s->used[slot] = 1;
	if (store_get(&s->t->store, key, r, sizeof(r), &n) != AMANA_OK ||
	    rk_decode(r, n, &c) != AMANA_OK)
		return 0;
	if (memcmp(c.rpid_hash, s->rpid_hash, 32) != 0)
		return 0;
	if (s->match_user != NULL) {
		if (c.user_id_len == s->match_user->user_id_len &&
		    memcmp(c.user_id, s->match_user->user_id, c.user_id_len) == 0) {
			s->keys[0] = key;
			s->n = 1;
		}
		return 0;
	}
	if (s->n < TOKEN_RK_MAX)
		s->keys[s->n++] = key;
	return 0;
}

size_t cred_find_rks(token_t *t, const uint8_t rpid_hash[32], uint16_t *keys)
{
	rk_scan_t s;
	memset(&s, 0, sizeof(s));
	s.t = t;
	s.rpid_hash = rpid_hash;
	s.keys = keys;
	(void)store_foreach(&t->store, STORE_KEY_RK_FIRST, STORE_KEY_RK_LAST,
	    rk_visit, &s);
	return s.n;
}

int cred_store_rk(token_t *t, cred_t *c)
{
	rk_scan_t s;
	uint16_t key = 0;
	memset(&s, 0, sizeof(s));
	s.t = t;
	s.rpid_hash = c->rpid_hash;
	s.match_user = c;
	s.keys = &key;
	(void)store_foreach(&t->store, STORE_KEY_RK_FIRST, STORE_KEY_RK_LAST,
	    rk_visit, &s);
	if (s.n == 0) {
		for (uint16_t i = 0; i < TOKEN_RK_MAX && key == 0; i++)
			if (!s.used[i])
				key = (uint16_t)(STORE_KEY_RK_FIRST + i);
		if (key == 0)
			return AMANA_ERR_NOSPACE;
	}
	uint8_t r[RK_REC_MAX];
	size_t n = rk_encode(c, r);
	c->key = key;
	return store_put(&t->store, key, r, n);
}

int cred_load_rk(token_t *t, uint16_t key, cred_t *c)
{
	uint8_t r[RK_REC_MAX];
	size_t n = 0;
	cred_t h;
	memset(&h, 0, sizeof(h));
	int rc = store_get(&t->store, key, r, sizeof(r), &n);
	if (rc == AMANA_OK)
		rc = rk_decode(r, n, &h);
	if (rc != AMANA_OK)
		return rc;
	if (!cred_unwrap(t, h.id, CRED_ID_LEN, h.rpid_hash, c))
		return AMANA_ERR_VERIFY;
	c->key = key;
	c->resident = true;
	c->user_id_len = h.user_id_len;
	memcpy(c->user_id, h.user_id, h.user_id_len);
	memcpy(c->user_name, h.user_name, sizeof(c->user_name));
	memcpy(c->display_name, h.display_name, sizeof(c->display_name));
	return AMANA_OK;
}

void cred_random(token_t *t, const cred_t *c, bool uv, uint8_t out[32])
{
	tc_hmac_sha256(uv ? t->cr_uv : t->cr_nouv, 32, c->id, CRED_ID_LEN, NULL, 0,
	    out);
}

int counter_next(token_t *t, uint32_t *value)
{
	uint8_t b[4] = {0, 0, 0, 0};
	size_t n = 0;
	int rc = store_get(&t->store, STORE_KEY_COUNTER, b, sizeof(b), &n);
	if (rc != AMANA_OK && rc != AMANA_ERR_NOT_FOUND)
		return rc;
	uint32_t v = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	    (uint32_t)b[2] << 8 | b[3];
	v++;
	b[0] = (uint8_t)(v >> 24);
	b[1] = (uint8_t)(v >> 16);
	b[2] = (uint8_t)(v >> 8);
	b[3] = (uint8_t)v;
	if ((rc = store_put(&t->store, STORE_KEY_COUNTER, b, 4)) != AMANA_OK)
		return rc;
	*value = v;
	return AMANA_OK;
}
