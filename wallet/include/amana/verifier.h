/*
 * amana/verifier.h: offline verification of an ISO 18013-5 DeviceResponse.
 *
 * A verifier holds the pinned trust list (issuing-authority roots), a
 * clock (injectable), an optional status source, and a cache of verified
 * document-signer certificates (SHA-256 of the DER -> public key and
 * validity; a cached certificate is still checked against the clock).
 *
 * amana_verifier_check() runs every check on every document and reports
 * each one, pass / fail / skipped, with a precise reason code (an
 * amana_err value); the response is accepted only when every check of
 * every document passes (status may be skipped unless required). Checks,
 * in order (AMANA_CHECK_*):
 *   structure   the response and document decode and have the mdoc shape
 *   trust       x5chain[0] chains to a root in the trust list, both valid now,
 *               and is a document signer (end entity, key usage
 *               digitalSignature, extended key usage mdlDS): else
 *               AMANA_ERR_VERIFY_CERT_USAGE with the reason in the detail
 *   issuer_sig  COSE_Sign1 issuerAuth verifies with the signer certificate
 *   digests     each disclosed IssuerSignedItem hashes (as received) to the
 *               MSO's value digest for its namespace and digestID
 *   doctype     the document's docType equals the MSO's (and the request's)
 *   validity    validFrom <= now <= validUntil; signed inside the signer
 *               certificate's validity
 *   device_sig  deviceSignature over DeviceAuthentication with this
 *               request's SessionTranscript, by the MSO's device key
 *   request     every disclosed element was asked for
 * Names (docType, namespace, identifier) are compared whole, as received;
 * the strings in the result are display copies: control characters shown
 * as '?', and a copy cut to fit ends in "...".
 *   status      the status source says the MSO's status reference is valid
 *
 * STATUS HOOK (filled by the status-list part): the MSO may hold
 *   "status": {"status_list": {"idx": uint, "uri": tstr}}
 * (IETF Token Status List reference). The verifier calls the status
 * function with that reference, the document signer's key and its clock
 * (only when the issuer signature verified); the function answers
 * AMANA_OK (valid), AMANA_ERR_STATUS_REVOKED / _SUSPENDED, or an error
 * such as AMANA_ERR_STATUS_EXPIRED / _NONE / _SIG about the list itself.
 * Without a status function, or for an MSO without a reference, the
 * check is skipped (AMANA_ERR_VERIFY_NO_STATUS), which rejects only when
 * amana_verifier_require_status(v, true) was set.
 */
#ifndef AMANA_VERIFIER_H
#define AMANA_VERIFIER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "amana/cbor.h"
#include "amana/cose.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct amana_request amana_request_t; /* amana/mdoc.h */
typedef struct amana_trust amana_trust_t;     /* amana/trust.h */

/* ---- status hook */
typedef struct amana_status_ref {
	const char *uri; /* not NUL-terminated */
	size_t uri_len;
	uint64_t idx;
	/* The document signer's public key and DER certificate (from the
	 * credential's x5chain, checked against the trust list unless trust
	 * is not required): the key a status list of this issuer is signed
	 * with. */
	const amana_cose_key_t *issuer_key;
	const uint8_t *issuer_cert;
	size_t issuer_cert_len;
} amana_status_ref_t;

/* Returns the status of ref at time now (seconds since the epoch). */
typedef int (*amana_status_fn)(void *ctx, const amana_status_ref_t *ref,
    int64_t now);

/* ---- checks and results */
typedef enum amana_check_id {
	AMANA_CHECK_STRUCTURE = 0,
	AMANA_CHECK_TRUST,
	AMANA_CHECK_ISSUER_SIG,
	AMANA_CHECK_DIGESTS,
	AMANA_CHECK_DOCTYPE,
	AMANA_CHECK_VALIDITY,
	AMANA_CHECK_DEVICE_SIG,
	AMANA_CHECK_REQUEST,
	AMANA_CHECK_STATUS,
	AMANA_CHECK_COUNT_
} amana_check_id_t;

typedef enum amana_check_state {
	AMANA_CHECK_NOT_RUN = 0, /* an earlier failure made it impossible */
	AMANA_CHECK_PASS,
	AMANA_CHECK_FAIL,
	AMANA_CHECK_SKIP
} amana_check_state_t;

typedef struct amana_check {
	amana_check_state_t state;
	int reason;        /* AMANA_OK on pass, else an amana_err code */
	char detail[120];  /* what failed, for people (no secrets) */
} amana_check_t;

#define AMANA_VERIFY_MAX_DOCS 4
#define AMANA_VERIFY_MAX_ELEMENTS 64

typedef struct amana_verified_element { /* display copies (see above) */
	char ns[64];
	char id[64];
	char value[160];   /* CBOR diagnostic notation */
} amana_verified_element_t;

typedef struct amana_verified_doc {
	char doctype[96];
	amana_check_t checks[AMANA_CHECK_COUNT_];
	size_t nelements;
	amana_verified_element_t elements[AMANA_VERIFY_MAX_ELEMENTS];
	int64_t valid_from, valid_until, signed_at;
	bool has_status;
	char status_uri[128];
	uint64_t status_idx;
	char signer[128];  /* document-signer certificate subject */
	/* The request's document this one answers (-1: none), and which of
	 * its elements were asked for but not disclosed (bit j: element j of
	 * amana_request_elem(req, request_doc, j)). A holder may decline an
	 * element, so this does not reject; the officer should see it. Set
	 * only when the digests check passed. */
	int request_doc;
	uint64_t not_disclosed;
} amana_verified_doc_t;

typedef struct amana_verify_result {
	bool accepted;
	int reason;          /* AMANA_OK, or the first failing check's reason */
	amana_check_t response; /* the response as a whole (structure, status) */
	size_t ndocs;
	amana_verified_doc_t docs[AMANA_VERIFY_MAX_DOCS];
} amana_verify_result_t;

/* Name of a check ("trust", "issuer_sig", ...). */
const char *amana_check_name(amana_check_id_t id);
/* "pass", "fail", "skip", "not-run". */
const char *amana_check_state_name(amana_check_state_t s);

/* ---- the verifier */
typedef struct amana_verifier amana_verifier_t;

int amana_verifier_new(amana_verifier_t **out);
void amana_verifier_free(amana_verifier_t **v);
/* Lends the trust list (the caller keeps it alive); NULL removes it. */
void amana_verifier_set_trust(amana_verifier_t *v, const amana_trust_t *t);
/* Fixed clock for tests (seconds since the epoch); 0 = the system clock. */
void amana_verifier_set_time(amana_verifier_t *v, int64_t now);
void amana_verifier_set_status(amana_verifier_t *v, amana_status_fn fn, void *ctx);
void amana_verifier_require_status(amana_verifier_t *v, bool required);
/* Reject documents whose signer certificate does not chain to the trust
 * list (default true). False only for inspecting foreign examples such as
 * ISO 18013-5 Annex D: the trust check is then reported but skipped. */
void amana_verifier_require_trust(amana_verifier_t *v, bool required);

/* Verifies resp[0..len) against req (the request this verifier made; NULL
 * skips the session-bound checks: device_sig and request are then
 * reported as skipped and the response is not accepted). Fills *res.
 * Returns AMANA_OK when accepted, else res->reason (a failed check) or a
 * system error (AMANA_ERR_NOMEM). */
int amana_verifier_check(amana_verifier_t *v, const amana_request_t *req,
    const uint8_t *resp, size_t len, amana_verify_result_t *res) AMANA_WUR;

#ifdef __cplusplus
}
#endif
#endif /* AMANA_VERIFIER_H */
