/*
 * core.h: functions shared between the core's own files (not for ports or
 * firmware B; their interface is token.h, store.h, uv.h, cbor.h).
 */
#ifndef TOKEN_CORE_H
#define TOKEN_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tcbor.h"
#include "crypto.h"
#include "token.h"

/* RNG in the shape mbedTLS wants; ctx is the token_t. */
int token_rng(void *ctx, uint8_t *buf, size_t len);
uint32_t token_now(token_t *t);
int token_load_device(token_t *t);

void token_hid_tick(token_t *t, uint32_t now_ms);

/* clientPIN state (pin.c). */
int pin_power_up(token_t *t);
void pin_tick(token_t *t, uint32_t now_ms);
/* Invalidates the pinUvAuthToken (after reset). */
void pin_reset_state(token_t *t);
/* ECDH with the platform key and derivation of the protocol 2 shared
 * secret (hmac key || aes key); returns a CTAP status. */
TC_MUST_CHECK int pin_shared_secret(token_t *t, const uint8_t *cose_key, size_t n,
    uint8_t shared[64]);
/* Protocol 2 encrypt (iv || ct, out has 16 + len bytes) / decrypt. */
int pin_encrypt(token_t *t, const uint8_t shared[64], const uint8_t *in,
    size_t len, uint8_t *out);
TC_MUST_CHECK int pin_decrypt(const uint8_t shared[64], const uint8_t *in, size_t len,
    uint8_t *out, size_t *out_len);
/* Protocol 2 verify of a 32-byte HMAC; key is the 32-byte hmac key. */
TC_MUST_CHECK bool pin_verify(const uint8_t key[32], const uint8_t *msg, size_t n,
    const uint8_t *mac, size_t mac_len);

/* Binds the pinUvAuthToken to rpid_hash, or checks that it is bound to it;
 * returns a CTAP status. */
int pin_check_rpid(token_t *t, const uint8_t rpid_hash[32]);

/* Shared by makeCredential and getAssertion (req.c). */
#define CRED_LIST_MAX 64u
typedef struct req_common {
	const uint8_t *cdh;
	size_t cdh_len;
	const uint8_t *auth;
	size_t auth_len;
	bool has_auth;
	uint64_t proto;
	bool has_proto;
	bool up, up_given, uv, rk, rk_given;
} req_common_t;
/* Parses an options map {"rk","up","uv"}. */
int req_options(tcbor_r_t *r, req_common_t *q);
/* Steps common to both commands before credentials are looked at: the
 * zero-length pinUvAuthParam probe, protocol checks, PIN/UV. On success
 * *flags gets the UV bit when the user was verified. */
int req_verify_user(token_t *t, req_common_t *q, uint8_t perm,
    const uint8_t rpid_hash[32], uint8_t *flags);
/* Iterates a credential descriptor list: calls fn for every public-key id
 * until fn returns true; returns a CTAP status of the parse. */
int req_cred_list(tcbor_r_t list, bool (*fn)(void *arg, const uint8_t *id,
    size_t n), void *arg);
/* Copies a text string of at most max bytes, cut at a UTF-8 boundary. */
void req_copy_text(char *dst, size_t max, const uint8_t *p, size_t n);
/* Writes a COSE ES256 public key. */
void req_put_cose_es256(tcbor_w_t *w, const uint8_t pub[64]);

/* Credentials (cred.c). */
#define CRED_ID_LEN 66u
#define CRED_USER_ID_MAX 64u
#define CRED_NAME_MAX 64u

typedef struct cred {
	uint8_t id[CRED_ID_LEN];
	uint8_t priv[32];
	uint8_t rpid_hash[32];
	uint8_t prot;          /* credProtect level 1..3 */
	bool hmac_secret;
	bool resident;
	uint16_t key;          /* store key when resident */
	uint8_t user_id[CRED_USER_ID_MAX];
	size_t user_id_len;
	char user_name[CRED_NAME_MAX + 1];
	char display_name[CRED_NAME_MAX + 1];
} cred_t;

/* Creates a fresh key and its wrapped id. */
int cred_create(token_t *t, cred_t *c);
/* Unwraps an id made by this token for rpid_hash; false if it is not ours. */
TC_MUST_CHECK bool cred_unwrap(token_t *t, const uint8_t *id, size_t n,
    const uint8_t rpid_hash[32], cred_t *c);
/* Resident credentials: store (replacing the same rp + user id), load. */
int cred_store_rk(token_t *t, cred_t *c);
int cred_load_rk(token_t *t, uint16_t key, cred_t *c);
/* Keys of resident credentials of rpid_hash (up to TOKEN_RK_MAX). */
size_t cred_find_rks(token_t *t, const uint8_t rpid_hash[32], uint16_t *keys);
/* CredRandom for hmac-secret. */
void cred_random(token_t *t, const cred_t *c, bool uv, uint8_t out[32]);
/* Next signature counter value (stored before it is used). */
int counter_next(token_t *t, uint32_t *value);

#endif /* TOKEN_CORE_H */
