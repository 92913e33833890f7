/*
 * amana/issuer.h: the issuing authority and credential issuance.
 *
 * KEYS AND CERTIFICATES (X.509 v3, Ed25519, libcrypto): an issuing
 * authority root (self-signed, CA, keyCertSign) certifies document-signer
 * certificates (end entity, digitalSignature, extended key usage
 * 1.0.18013.5.1.2 "mdlDS"). Keys are libsodium Ed25519 secret keys
 * (seed || public, 64 bytes); the caller stores and wipes them.
 *
 * ISSUANCE writes an issued credential (see amana/mdoc.h): one
 * IssuerSignedItem per claim, each with a fresh 32-byte random salt and a
 * digest ID from a random permutation; an MSO with SHA-256 value digests,
 * validity, the device key as a COSE_Key (OKP Ed25519) and an optional
 * status-list reference; signed as COSE_Sign1 EdDSA with the document
 * signer certificate in x5chain. Claims are checked against the schema:
 * unknown elements, missing required ones and badly typed values are
 * refused.
 */
#ifndef AMANA_ISSUER_H
#define AMANA_ISSUER_H

#include <stddef.h>
#include <stdint.h>

#include "amana/mdoc.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Creates a key pair and a certificate. For a root, issuer_sk and
 * issuer_cert are NULL (self-signed, CA); for a document signer they are
 * the root's. subject_cn is the certificate's common name (country "XX"
 * unless country is given). Validity: [not_before, not_after]. *cert is
 * malloc'ed DER. */
int amana_issuer_cert_create(const char *subject_cn, const char *country,
    const uint8_t *issuer_sk, const uint8_t *issuer_cert, size_t issuer_cert_len,
    int64_t not_before, int64_t not_after, uint8_t sk[64], uint8_t **cert,
    size_t *cert_len) AMANA_WUR;

/* The same for an existing key pair sk (e.g. renewing a certificate). */
int amana_issuer_cert_create_with_key(const char *subject_cn, const char *country,
    const uint8_t *issuer_sk, const uint8_t *issuer_cert, size_t issuer_cert_len,
    int64_t not_before, int64_t not_after, const uint8_t sk[64], uint8_t **cert,
    size_t *cert_len) AMANA_WUR;

typedef struct amana_claim {
	const char *id;    /* element identifier */
	const char *value; /* text, parsed by the schema's type */
} amana_claim_t;

typedef struct amana_issue_params {
	const amana_schema_t *schema;
	const amana_claim_t *claims;
	size_t nclaims;
	uint8_t device_pk[32];       /* Ed25519 public key of the wallet */
	const uint8_t *ds_sk;        /* 64 bytes */
	const uint8_t *ds_cert;      /* DER */
	size_t ds_cert_len;
	int64_t signed_at, valid_from, valid_until;
	const char *status_uri;      /* NULL: no status reference */
	uint64_t status_idx;
} amana_issue_params_t;

/* Issues a credential; *out is malloc'ed. */
int amana_issuer_issue(const amana_issue_params_t *p, uint8_t **out,
    size_t *len) AMANA_WUR;

#ifdef __cplusplus
}
#endif
#endif /* AMANA_ISSUER_H */
