/*
 * amana/trust.h: the pinned trust list of issuing-authority roots.
 *
 * The officer's device loads the list while online; it is a COSE_Sign1
 * (EdDSA) by the trust-list authority, whose Ed25519 public key the
 * verifier pins, with the payload (deterministic CBOR)
 *   {"version": 1, "issued": tdate, "expires": tdate,
 *    "roots": [+ {"name": tstr, "cert": bstr (DER)}]}
 * Loading checks the signature, the shape, the expiry against the given
 * clock and that every root is a CA certificate.
 */
#ifndef AMANA_TRUST_H
#define AMANA_TRUST_H

#include <stddef.h>
#include <stdint.h>

#include "amana/cose.h"

#ifdef __cplusplus
extern "C" {
#endif

#define AMANA_TRUST_MAX_ROOTS 64

typedef struct amana_trust amana_trust_t;

/* An empty list to which roots are added directly (tests, a single
 * pinned root). */
int amana_trust_new(amana_trust_t **out);
void amana_trust_free(amana_trust_t **t);
int amana_trust_add_root(amana_trust_t *t, const uint8_t *der, size_t len,
    const char *name) AMANA_WUR;
size_t amana_trust_count(const amana_trust_t *t);
const char *amana_trust_name(const amana_trust_t *t, size_t i);
/* Expiry of a loaded list (INT64_MAX for one built by hand). */
int64_t amana_trust_expires(const amana_trust_t *t);

/* Writes a signed trust list; *out is malloc'ed. */
int amana_trust_list_create(const uint8_t *const *roots, const size_t *lens,
    const char *const *names, size_t n, int64_t issued, int64_t expires,
    const uint8_t signer_sk[64], uint8_t **out, size_t *len) AMANA_WUR;
/* Loads a signed trust list: AMANA_ERR_TRUST_SIG, AMANA_ERR_TRUST_EXPIRED,
 * AMANA_ERR_TRUST_EMPTY or a format error. */
int amana_trust_list_load(const uint8_t *buf, size_t len,
    const uint8_t signer_pk[32], int64_t now, amana_trust_t **out) AMANA_WUR;

/* Checks that the DER certificate chains to a root of t, that both are
 * valid at now, and that it is a document signer by the ISO 18013-5
 * Annex B profile: an end entity (not a CA: roots never sign documents or
 * status lists themselves) with key usage digitalSignature (without
 * keyCertSign/cRLSign) and extended key usage mdlDS (1.0.18013.5.1.2).
 * On success gives the certificate's public key, its
 * effective validity window (intersected with the root's) and its subject
 * (one line). AMANA_ERR_VERIFY_UNTRUSTED, AMANA_ERR_VERIFY_CERT_TIME,
 * AMANA_ERR_VERIFY_CERT_USAGE or AMANA_ERR_X509. */
int amana_trust_check_cert(const amana_trust_t *t, const uint8_t *der,
    size_t len, int64_t now, amana_cose_key_t *key, int64_t *not_before,
    int64_t *not_after, char *subject, size_t subject_cap) AMANA_WUR;

#ifdef __cplusplus
}
#endif
#endif /* AMANA_TRUST_H */
