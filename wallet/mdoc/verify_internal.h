/* verify_internal.h: the verifier's state, shared by verify.c and
 * verify_doc.c (not installed). */
#ifndef AMANA_VERIFY_INTERNAL_H
#define AMANA_VERIFY_INTERNAL_H

#include <stdio.h>

#include "amana/trust.h"
#include "amana/verifier.h"
#include "mdoc_internal.h"

#define VERIFIER_CACHE 16

/* A document-signer certificate that chained to the trust list. */
typedef struct verifier_cert {
	uint8_t hash[32];          /* SHA-256 of the DER */
	amana_cose_key_t key;
	int64_t not_before, not_after; /* intersected with the root's */
	char subject[128];
} verifier_cert_t;

struct amana_verifier {
	const amana_trust_t *trust;
	int64_t now;
	amana_status_fn status_fn;
	void *status_ctx;
	bool require_status, require_trust;
	verifier_cert_t cache[VERIFIER_CACHE];
	size_t ncache, next_evict;
};

int64_t verifier_now(const amana_verifier_t *v);
/* The cached or freshly checked signer certificate. */
int verifier_signer(amana_verifier_t *v, const uint8_t *der, size_t len,
    const verifier_cert_t **out);
void check_set(amana_check_t *c, amana_check_state_t st, int reason,
    const char *detail);
/* Runs every check of the Document at index i of d. */
int verify_doc(amana_verifier_t *v, const amana_request_t *req,
    const amana_cbor_doc_t *d, uint32_t i, amana_verified_doc_t *out);

#endif
