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
/* The cached or freshly checked signer certificate; on failure *why may
 * say what is wrong with it (NULL: the reason code says it all). */
int verifier_signer(amana_verifier_t *v, const uint8_t *der, size_t len,
    const verifier_cert_t **out, const char **why);
void check_set(amana_check_t *c, amana_check_state_t st, int reason,
    const char *detail);
/* Runs every check of the Document at index i of d; sets matched[q] for
 * the request's document q whose docType this one is (exactly). */
int verify_doc(amana_verifier_t *v, const amana_request_t *req,
    const amana_cbor_doc_t *d, uint32_t i, amana_verified_doc_t *out,
    bool matched[AMANA_REQUEST_MAX_DOCS]);

/* ---- disclosed elements (verify_items.c) */

/* A disclosed element's namespace and identifier, whole and as received
 * (pointing into the response): what every comparison uses. */
typedef struct verify_name {
	const char *ns, *id;
	size_t ns_len, id_len;
} verify_name_t;

/* True when the NUL-terminated z equals s[0..n). */
bool verify_text_eq(const char *z, const char *s, size_t n);
/* A display copy of s[0..n): control characters as '?', and when it does
 * not fit, cut at a character boundary and ended with "...". */
void verify_display(char *out, size_t cap, const char *s, size_t n);
/* The digests check: every IssuerSignedItem of issuerSigned.nameSpaces
 * (item ns_map of d; 0 when absent) hashes to the MSO's digest, and no
 * element comes twice. Fills out->elements (display) and names (one per
 * element); detail says which item failed. */
int verify_items(const amana_cbor_doc_t *d, uint32_t ns_map, const mdoc_mso_t *mso,
    amana_verified_doc_t *out, verify_name_t *names, char *detail, size_t cap);
/* True when request document q asks for docType doctype[0..len). */
bool verify_doctype_requested(const amana_request_t *req, size_t q,
    const char *doctype, size_t len);
/* Which elements of request document q no name in names[0..n) is (bit j
 * for element j). */
uint64_t verify_not_disclosed(const amana_request_t *req, size_t q,
    const verify_name_t *names, size_t n);
/* The request check: every element of out (names) was asked for in a
 * request document of this docType; AMANA_ERR_VERIFY_NOT_REQUESTED. */
int verify_requested(const amana_request_t *req, const char *doctype, size_t dlen,
    const verify_name_t *names, const amana_verified_doc_t *out, char *detail,
    size_t cap);

#endif
