/* mdoc_internal.h: the MSO and IssuerSignedItem parsers that the holder
 * and the verifier share (not installed). */
#ifndef AMANA_MDOC_INTERNAL_H
#define AMANA_MDOC_INTERNAL_H

#include "amana/mdoc.h"
#include "amana/trust.h"

/* Decoder limits for whole responses and credentials. */
extern const amana_cbor_limits_t mdoc_limits;

typedef struct mdoc_mso {
	amana_cbor_doc_t *doc;    /* the decoded MSO, pointing into the payload */
	const char *doctype;
	size_t doctype_len;
	uint32_t digests;         /* index of valueDigests */
	amana_cose_key_t device_key;
	int64_t signed_at, valid_from, valid_until;
	bool has_status;
	const char *status_uri;
	size_t status_uri_len;
	uint64_t status_idx;
} mdoc_mso_t;

/* Parses the COSE payload of issuerAuth (#6.24(bstr .cbor MSO)); payload
 * must outlive m. */
int mdoc_mso_parse(const uint8_t *payload, size_t len, mdoc_mso_t *m);
void mdoc_mso_free(mdoc_mso_t *m);

typedef struct mdoc_item {
	amana_cbor_doc_t *doc;    /* the decoded IssuerSignedItem */
	uint64_t digest_id;
	const char *id;
	size_t id_len;
	uint32_t value;           /* index of elementValue in doc */
} mdoc_item_t;

/* Checks the IssuerSignedItemBytes at index i of d: #6.24(bstr) holding
 * exactly {digestID, random (>= 16 bytes), elementIdentifier,
 * elementValue}, whose SHA-256 (of the tag-24 item as received) equals the
 * MSO's digest for (ns, digestID). */
int mdoc_item_check(const amana_cbor_doc_t *d, uint32_t i, const mdoc_mso_t *m,
    const char *ns, size_t ns_len, mdoc_item_t *out);
void mdoc_item_free(mdoc_item_t *it);

/* Copies a text item to a NUL-terminated buffer; AMANA_ERR_CBOR_TYPE or
 * AMANA_ERR_LIMIT when it is not text or does not fit. */
int mdoc_tstr_copy(const amana_cbor_doc_t *d, uint32_t i, char *out, size_t cap);

/* tdate (#6.0 tstr) at index i. */
int mdoc_get_tdate(const amana_cbor_doc_t *d, uint32_t i, int64_t *t);

/* The ISO 18013-5 Annex B document-signer profile (x509.c): an end
 * entity (not a CA) whose key usage has digitalSignature (and neither
 * keyCertSign nor cRLSign) and whose extended key usage has mdlDS
 * (1.0.18013.5.1.2). AMANA_OK, AMANA_ERR_VERIFY_CERT_USAGE, or
 * AMANA_ERR_X509 (malformed); *why (may be NULL) gets a reason for people,
 * NULL on success. The _x509 form takes a parsed libcrypto X509. */
struct x509_st;
int mdoc_cert_signer_usage(const uint8_t *der, size_t len, const char **why);
int mdoc_cert_signer_usage_x509(struct x509_st *x, const char **why);

/* amana_trust_check_cert (trust.c) that also says why a certificate is
 * not a document signer (*why as for mdoc_cert_signer_usage). */
int mdoc_trust_check_signer(const amana_trust_t *t, const uint8_t *der,
    size_t len, int64_t now, amana_cose_key_t *key, int64_t *not_before,
    int64_t *not_after, char *subject, size_t subject_cap, const char **why);

/* The subject of a DER certificate, one line (trust.c); "" if unreadable. */
void mdoc_cert_subject(const uint8_t *der, size_t len, char *out, size_t cap);

/* The holder's view of a credential's raw parts (cred.c), passed on byte
 * for byte in a response. */
int mdoc_cred_item_raw(const amana_mdoc_t *m, const char *ns, const char *id,
    const uint8_t **p, size_t *n);
int mdoc_cred_auth_raw(const amana_mdoc_t *m, const uint8_t **p, size_t *n);

#endif
