/*
 * crypto.h: the few primitives the token needs, behind a small interface so
 * that the host build links Debian's libmbedcrypto and the Cortex-M image
 * its cross-built mbedTLS (crypto_mbedtls.c serves both). No hand-written
 * cryptography: each function is a thin wrapper over mbedTLS.
 *
 * P-256 points are 64 bytes x||y (big-endian), private keys 32 bytes.
 * Functions return 0 or AMANA_ERR_CRYPTO / AMANA_ERR_VERIFY.
 */
#ifndef TOKEN_CRYPTO_H
#define TOKEN_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Results that must be looked at: a decryption, a check, a key. */
#if defined(__GNUC__) || defined(__clang__)
#define TC_MUST_CHECK __attribute__((warn_unused_result))
#else
#define TC_MUST_CHECK
#endif

typedef int (*tc_rng_fn)(void *ctx, uint8_t *buf, size_t len);

/* SHA-256 over the concatenation a||b (b may be NULL with bn = 0). */
void tc_sha256(const uint8_t *a, size_t an, const uint8_t *b, size_t bn,
    uint8_t out[32]);
/* HMAC-SHA-256 over a||b. */
void tc_hmac_sha256(const uint8_t *key, size_t klen, const uint8_t *a,
    size_t an, const uint8_t *b, size_t bn, uint8_t out[32]);
/* HKDF-SHA-256 (RFC 5869). */
TC_MUST_CHECK int tc_hkdf_sha256(const uint8_t *salt, size_t slen, const uint8_t *ikm,
    size_t ilen, const uint8_t *info, size_t infolen, uint8_t *out, size_t olen);
/* AES-256-CBC without padding; len a multiple of 16; in == out allowed. */
TC_MUST_CHECK int tc_aes256_cbc(bool encrypt, const uint8_t key[32], const uint8_t iv[16],
    const uint8_t *in, size_t len, uint8_t *out);
/* A fresh P-256 key pair. */
TC_MUST_CHECK int tc_p256_keygen(tc_rng_fn rng, void *rng_ctx, uint8_t priv[32],
    uint8_t pub[64]);
/* The public point of priv. */
TC_MUST_CHECK int tc_p256_public(tc_rng_fn rng, void *rng_ctx, const uint8_t priv[32],
    uint8_t pub[64]);
/* ECDH: the x coordinate of priv * peer (peer validated on the curve). */
TC_MUST_CHECK int tc_p256_ecdh(tc_rng_fn rng, void *rng_ctx, const uint8_t priv[32],
    const uint8_t peer[64], uint8_t z[32]);
/* ECDSA over hash: DER signature (<= 72 bytes) into sig, length *sig_len. */
TC_MUST_CHECK int tc_p256_sign(tc_rng_fn rng, void *rng_ctx, const uint8_t priv[32],
    const uint8_t hash[32], uint8_t sig[72], size_t *sig_len);

/* Constant-time equality of two n-byte buffers. */
TC_MUST_CHECK bool tc_ct_equal(const uint8_t *a, const uint8_t *b, size_t n);
/* Wipes a secret (not optimised away). */
void tc_wipe(void *p, size_t n);

#endif /* TOKEN_CRYPTO_H */
