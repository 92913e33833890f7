/*
 * amana/cose.h: COSE_Sign1 (RFC 9052) and COSE_Key for mdoc.
 *
 * We sign with EdDSA (Ed25519, libsodium) and verify EdDSA and ES256
 * (P-256 + SHA-256, libcrypto; mDLs of other issuers use it). The
 * algorithm comes from the protected header and must match the key's
 * type: an ES256 signature is never checked with an Ed25519 key or the
 * reverse (AMANA_ERR_COSE_ALG).
 *
 * Header rules enforced by amana_cose_sign1_parse (each a clear error):
 * the protected header is a bstr holding a map (or empty); alg (1) is an
 * integer in the protected header only; a label appears in at most one of
 * the two headers; crit (2) is a non-empty array in the protected header
 * and may name only labels we understand (1 alg, 3 content type, 4 kid,
 * 33 x5chain), else AMANA_ERR_COSE_CRIT; x5chain (33) is a bstr or a
 * non-empty array of bstr (DER certificates, leaf first). The COSE_Sign1
 * may carry tag 18 or not (mdoc uses it untagged).
 *
 * The signed bytes are the Sig_structure ["Signature1", protected,
 * external_aad, payload] built around the protected header and payload
 * exactly as received.
 */
#ifndef AMANA_COSE_H
#define AMANA_COSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "amana/cbor.h"

#ifdef __cplusplus
extern "C" {
#endif

#define AMANA_COSE_ALG_EDDSA (-8)
#define AMANA_COSE_ALG_ES256 (-7)

#define AMANA_COSE_KTY_OKP 1
#define AMANA_COSE_KTY_EC2 2
#define AMANA_COSE_CRV_P256 1
#define AMANA_COSE_CRV_X25519 4
#define AMANA_COSE_CRV_ED25519 6

#define AMANA_COSE_MAX_X5CHAIN 4

/* A public key: OKP (x = 32 bytes) or EC2 P-256 (x, y = 32 bytes each). */
typedef struct amana_cose_key {
	int kty;
	int crv;
	uint8_t x[32];
	uint8_t y[32];
} amana_cose_key_t;

/* A parsed COSE_Sign1: views into the decoded buffer. */
typedef struct amana_cose_sign1 {
	int64_t alg;
	const uint8_t *prot;    /* protected header bstr content, as received */
	size_t prot_len;
	const uint8_t *payload; /* NULL when detached (nil) */
	size_t payload_len;
	const uint8_t *sig;
	size_t sig_len;
	const uint8_t *x5chain[AMANA_COSE_MAX_X5CHAIN]; /* DER, leaf first */
	size_t x5chain_len[AMANA_COSE_MAX_X5CHAIN];
	size_t nx5chain;
} amana_cose_sign1_t;

/* Parses the COSE_Sign1 at item idx of d (see the header rules above). */
int amana_cose_sign1_parse(const amana_cbor_doc_t *d, uint32_t idx,
    amana_cose_sign1_t *out) AMANA_WUR;

/* Verifies s with key. detached/detached_len give the payload when s's
 * payload is nil (and must be NULL/0 otherwise); aad is the external AAD
 * (NULL/0 for none). AMANA_ERR_COSE_SIG when the signature is wrong,
 * AMANA_ERR_COSE_ALG when alg and key disagree or alg is not supported. */
int amana_cose_sign1_verify(const amana_cose_sign1_t *s,
    const uint8_t *detached, size_t detached_len, const uint8_t *aad,
    size_t aad_len, const amana_cose_key_t *key) AMANA_WUR;

/* Writes a COSE_Sign1 (untagged) signed with EdDSA to e: protected header
 * {1: -8}, unprotected {33: x5chain} when nx5 > 0 (a bstr for one
 * certificate, an array for more), the payload (nil when detached) and
 * the signature over the Sig_structure. sk is a libsodium Ed25519 secret
 * key (seed || public key). */
int amana_cose_sign1_put_eddsa(amana_cbor_enc_t *e, const uint8_t *payload,
    size_t payload_len, bool detached, const uint8_t *const *x5chain,
    const size_t *x5chain_len, size_t nx5, const uint8_t sk[64]);

/* COSE_Key: OKP {1: 1, -1: crv, -2: x} or EC2 {1: 2, -1: 1, -2: x, -3: y}. */
int amana_cose_key_put(amana_cbor_enc_t *e, const amana_cose_key_t *k);
/* Parses a COSE_Key map (OKP Ed25519/X25519 or EC2 P-256 uncompressed);
 * other labels (kid, alg, key_ops) are allowed and ignored. */
int amana_cose_key_parse(const amana_cbor_doc_t *d, uint32_t idx,
    amana_cose_key_t *k) AMANA_WUR;
/* True when both keys are the same public key. */
bool amana_cose_key_eq(const amana_cose_key_t *a, const amana_cose_key_t *b);

/* The public key of a DER X.509 certificate (Ed25519 or P-256), without
 * checking the certificate in any other way. */
int amana_cose_key_from_cert(const uint8_t *der, size_t len,
    amana_cose_key_t *k) AMANA_WUR;

#ifdef __cplusplus
}
#endif
#endif /* AMANA_COSE_H */
