/*
 * amana/status.h: revocation by status list, in the shape of the IETF
 * Token Status List (draft-ietf-oauth-status-list, CWT form).
 *
 * A list holds 1 or 2 bits per credential (0 valid, 1 invalid/revoked,
 * 2 suspended, 3 reserved), index 0 in the least significant bits of the
 * first byte, zlib-compressed. The published token is a COSE_Sign1 (EdDSA,
 * untagged, x5chain = the signer's certificate) over the CWT claims
 *     { 2 (sub): uri, 6 (iat): time, 4 (exp): time, 65534 (ttl): seconds,
 *       65533 (status_list): { "bits": 1|2, "lst": zlib bytes } }
 * A credential refers to a list by {uri, idx} in its MSO.
 * docs/0402-status-list.md says where we differ from the draft.
 *
 * Three roles:
 *   - amana_status_bits_*: the bit array itself;
 *   - amana_status_reg_*: the issuer's registry in SQLite: lists,
 *     allocation of indices (random, so that an index says nothing about
 *     issuance order), revocation, suspension, and publishing signed tokens;
 *   - amana_status_list_* and amana_status_cache_*: the verifier's side:
 *     parse and verify a token, cache it with its expiry (a directory of
 *     tokens, loaded while online), and answer "what is the status of
 *     {uri, idx} now?" under a configurable expiry policy.
 *
 * Times are seconds since the Unix epoch, always passed in (injectable
 * clocks for tests). Functions return AMANA_OK or a negative amana_err.
 */
#ifndef AMANA_STATUS_H
#define AMANA_STATUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "amana/cose.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifndef AMANA_WUR
#define AMANA_WUR __attribute__((warn_unused_result))
#endif

enum {
	AMANA_STATUS_VALID = 0,
	AMANA_STATUS_INVALID = 1,   /* revoked, for good */
	AMANA_STATUS_SUSPENDED = 2, /* may be reinstated */
	AMANA_STATUS_RESERVED = 3
};

/* Largest list: 2^23 entries (1 MiB at 1 bit, 2 MiB at 2 bits). */
#define AMANA_STATUS_MAX_ENTRIES (1u << 23)
#define AMANA_STATUS_MAX_URI 512u
/* The CWT claim keys of the draft. */
#define AMANA_STATUS_CWT_SUB 2
#define AMANA_STATUS_CWT_EXP 4
#define AMANA_STATUS_CWT_IAT 6
#define AMANA_STATUS_CWT_TTL 65534
#define AMANA_STATUS_CWT_LIST 65533

/* ---- the bit array ----------------------------------------------------- */

typedef struct amana_status_bits amana_status_bits_t;

/* A list of count entries (a multiple of 8 / bits, at most
 * AMANA_STATUS_MAX_ENTRIES), all valid. bits is 1 or 2. */
int amana_status_bits_new(unsigned bits, size_t count, amana_status_bits_t **out);
void amana_status_bits_free(amana_status_bits_t **b);
unsigned amana_status_bits_width(const amana_status_bits_t *b);
size_t amana_status_bits_count(const amana_status_bits_t *b);
/* AMANA_ERR_STATUS_INDEX past the end; AMANA_ERR_RANGE for a value that
 * does not fit the width. */
int amana_status_bits_set(amana_status_bits_t *b, size_t idx, unsigned value);
int amana_status_bits_get(const amana_status_bits_t *b, size_t idx,
    unsigned *value) AMANA_WUR;
/* zlib of the packed bytes (*z malloc'ed). */
int amana_status_bits_compress(const amana_status_bits_t *b, uint8_t **z,
    size_t *zlen);
/* The reverse, bounded by AMANA_STATUS_MAX_ENTRIES. */
int amana_status_bits_decompress(unsigned bits, const uint8_t *z, size_t zlen,
    amana_status_bits_t **out) AMANA_WUR;

/* ---- signed tokens ------------------------------------------------------ */

typedef struct amana_status_claims {
	const char *uri;
	uint64_t iat;
	uint64_t exp;
	uint64_t ttl; /* how long a verifier may cache it; 0: omit */
} amana_status_claims_t;

/* Signs b as a status list token (*out malloc'ed). sk: libsodium Ed25519
 * secret key; cert: the signer's DER certificate (x5chain), may be NULL. */
int amana_status_token_sign(const amana_status_bits_t *b,
    const amana_status_claims_t *c, const uint8_t sk[64], const uint8_t *cert,
    size_t cert_len, uint8_t **out, size_t *out_len);

typedef struct amana_status_list amana_status_list_t;

/* Parses a token (COSE_Sign1 + CWT claims + list) without verifying the
 * signature; bounded: AMANA_CBOR limits, AMANA_STATUS_MAX_ENTRIES. */
int amana_status_list_parse(const uint8_t *buf, size_t len,
    amana_status_list_t **out) AMANA_WUR;
void amana_status_list_free(amana_status_list_t **l);
/* Verifies the token's signature with key (EdDSA or ES256 per alg):
 * AMANA_ERR_STATUS_SIG when it does not verify. */
int amana_status_list_verify(const amana_status_list_t *l,
    const amana_cose_key_t *key) AMANA_WUR;
const char *amana_status_list_uri(const amana_status_list_t *l);
uint64_t amana_status_list_iat(const amana_status_list_t *l);
uint64_t amana_status_list_exp(const amana_status_list_t *l);
uint64_t amana_status_list_ttl(const amana_status_list_t *l);
const amana_status_bits_t *amana_status_list_bits(const amana_status_list_t *l);
/* The signer certificate from x5chain (NULL, 0 when absent), lent. */
const uint8_t *amana_status_list_cert(const amana_status_list_t *l, size_t *len);

/* ---- issuer registry (SQLite) ------------------------------------------ */

typedef struct amana_status_reg amana_status_reg_t;

/* Opens or creates the registry database at path. */
int amana_status_reg_open(const char *path, amana_status_reg_t **out) AMANA_WUR;
void amana_status_reg_close(amana_status_reg_t **r);
/* Creates a list; AMANA_ERR_EXISTS if uri is taken. */
int amana_status_reg_create(amana_status_reg_t *r, const char *uri,
    unsigned bits, size_t count);
/* Picks a free index of list uri at random and records it as valid;
 * AMANA_ERR_STATUS_FULL when none is left. */
int amana_status_reg_alloc(amana_status_reg_t *r, const char *uri, size_t *idx);
/* Sets an allocated index to a status. Revoking (INVALID) is final:
 * AMANA_ERR_STATE for any change after it; AMANA_ERR_NOT_FOUND for an
 * index never allocated. */
int amana_status_reg_set(amana_status_reg_t *r, const char *uri, size_t idx,
    unsigned status);
int amana_status_reg_get(amana_status_reg_t *r, const char *uri, size_t idx,
    unsigned *status) AMANA_WUR;
/* Signs the list's current state, valid from now for validity seconds,
 * records the token, and returns it (*out malloc'ed). */
int amana_status_reg_publish(amana_status_reg_t *r, const char *uri,
    uint64_t now, uint64_t validity, const uint8_t sk[64], const uint8_t *cert,
    size_t cert_len, uint8_t **out, size_t *out_len);

/* ---- verifier cache ----------------------------------------------------- */

typedef enum amana_status_expiry_policy {
	AMANA_STATUS_EXPIRED_REJECT = 0, /* an expired list fails the check */
	AMANA_STATUS_EXPIRED_WARN = 1    /* used, and reported as expired */
} amana_status_expiry_policy_t;

typedef struct amana_status_policy {
	amana_status_expiry_policy_t on_expired;
	uint64_t grace;     /* seconds past exp still treated as fresh */
	uint64_t max_skew;  /* seconds an iat may lie in the future */
} amana_status_policy_t;

/* Reject expired lists, no grace, 300 s of clock skew. */
void amana_status_policy_default(amana_status_policy_t *p);

typedef struct amana_status_result {
	unsigned status;  /* AMANA_STATUS_* of the index */
	bool expired;     /* the list was past exp + grace at `now` */
	uint64_t iat, exp;
} amana_status_result_t;

typedef struct amana_status_cache amana_status_cache_t;

/* A cache kept in directory dir (created if missing); dir may be NULL for
 * a cache held in memory only. Tokens already in dir are loaded. */
int amana_status_cache_open(const char *dir, amana_status_cache_t **out) AMANA_WUR;
void amana_status_cache_free(amana_status_cache_t **c);
/* Adds a token after verifying it with key: AMANA_ERR_STATUS_FUTURE for an
 * iat beyond now + policy skew; AMANA_ERR_STATUS_ROLLBACK when it is older
 * than the list already cached for its URI (a replayed list could hide a
 * revocation). Written to the directory atomically. */
int amana_status_cache_put(amana_status_cache_t *c, const uint8_t *tok,
    size_t len, const amana_cose_key_t *key, uint64_t now,
    const amana_status_policy_t *p) AMANA_WUR;
/* The status of {uri, idx} at time now. The cached token is verified with
 * key (the key the credential's issuer signs with) unless it already was
 * with that same key (in memory: a list read from disk is verified at its
 * first check, so a cache file swapped on disk is caught). Not for two
 * threads at once (the verified-key memo is updated). Returns AMANA_OK for a valid entry (with
 * r->expired set under the WARN policy), else AMANA_ERR_STATUS_REVOKED,
 * _SUSPENDED, _EXPIRED, _NONE, _INDEX or _SIG; r is filled whenever a
 * list was found. */
int amana_status_cache_check(const amana_status_cache_t *c, const char *uri,
    size_t idx, const amana_cose_key_t *key, uint64_t now,
    const amana_status_policy_t *p, amana_status_result_t *r) AMANA_WUR;

/* How many lists the cache holds, and list i (for listings). */
size_t amana_status_cache_count(const amana_status_cache_t *c);
const amana_status_list_t *amana_status_cache_at(const amana_status_cache_t *c,
    size_t i);
/* The signed token of the list cached for uri (as received), or NULL. */
const amana_status_list_t *amana_status_cache_get(const amana_status_cache_t *c,
    const char *uri);

/* ---- the verifier's status hook (amana/verifier.h) ---------------------- */

/* Plugs a cache into amana_verifier_set_status(v, amana_status_source_fn,
 * &src): the status list named by the credential must be signed by the
 * credential's own document signer (ref->issuer_key, which the verifier
 * has checked against the trust list). `last` keeps the details of the
 * most recent answer (expired under the WARN policy, iat, exp). */
typedef struct amana_status_source {
	const amana_status_cache_t *cache;
	amana_status_policy_t policy;
	amana_status_result_t last;
	int last_rc;
} amana_status_source_t;

void amana_status_source_init(amana_status_source_t *s,
    const amana_status_cache_t *c, const amana_status_policy_t *p);
struct amana_status_ref;
int amana_status_source_fn(void *ctx, const struct amana_status_ref *ref,
    int64_t now);

#ifdef __cplusplus
}
#endif
#endif /* AMANA_STATUS_H */
