/*
 * amana/mdoc.h: ISO/IEC 18013-5 mdoc pieces shared by issuer, holder and
 * verifier: credential schemas, dates, an issued credential as the holder
 * keeps it, and the verifier's request.
 *
 * An ISSUED CREDENTIAL (what the issuer writes and the holder stores, as
 * bytes: the API never assumes a file or a vault) is the CBOR map
 *   {"docType": tstr, "issuerSigned": IssuerSigned}
 * i.e. an ISO Document without deviceSigned. The holder passes the
 * IssuerSignedItemBytes and issuerAuth on byte for byte.
 *
 * A REQUEST (docs/0302-request-and-session.md) is the CBOR map
 *   {"version": "1.0", "docRequests": [+ {"itemsRequest": #6.24(bstr
 *      ItemsRequest)}], "nonce": bstr (16..64), "readerKey": COSE_Key,
 *    "verifier": tstr}
 * with ItemsRequest = {"docType": tstr, "nameSpaces": {+ ns => {+ element
 * => intentToRetain bool}}}; the SessionTranscript both sides sign and
 * check is [null, #6.24(bstr readerKey as received), ["amana-1", nonce]].
 *
 * SCHEMAS are text files `<docType>.schema` (docs/0303-schemas.md) naming
 * the document's namespace and its elements with a type each:
 *   tstr, uint, bool, full-date (#6.1004 "YYYY-MM-DD"), tstr-list (array
 *   of tstr, written comma-separated in claims).
 */
#ifndef AMANA_MDOC_H
#define AMANA_MDOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "amana/cbor.h"
#include "amana/cose.h"

#ifdef __cplusplus
extern "C" {
#endif

#define AMANA_DOCTYPE_IDENTITY "org.amana.worker.identity.1"
#define AMANA_DOCTYPE_ENTITLEMENT "org.amana.worker.entitlement.1"

/* Limits of our own structures (the decoder's limits come on top). */
#define AMANA_MDOC_MAX_BYTES ((size_t)256 * 1024)
#define AMANA_MDOC_MAX_ELEMENTS 64
#define AMANA_MDOC_MAX_NAME 64      /* element and namespace names */
#define AMANA_MDOC_MAX_DOCTYPE 96
#define AMANA_MDOC_SALT_BYTES 32
#define AMANA_REQUEST_MIN_NONCE 16
#define AMANA_REQUEST_MAX_NONCE 64
#define AMANA_REQUEST_MAX_DOCS 4

/* ---- dates: seconds since the epoch, UTC */
/* "YYYY-MM-DDTHH:MM:SSZ" (RFC 3339, as tdate); out needs 21 bytes. A time
 * outside years 0000-9999 is written as "0000-01-01T00:00:00Z". */
void amana_mdoc_time_format(int64_t t, char out[21]);
/* Parses RFC 3339 with a Z or +hh:mm offset and optional fraction. */
int amana_mdoc_time_parse(const char *s, size_t n, int64_t *t) AMANA_WUR;
/* Parses "YYYY-MM-DD" strictly (a real calendar day). */
int amana_mdoc_date_parse(const char *s, size_t n, int64_t *t) AMANA_WUR;

/* ---- schemas */
typedef enum amana_elem_type {
	AMANA_ELEM_TSTR = 0,
	AMANA_ELEM_UINT,
	AMANA_ELEM_BOOL,
	AMANA_ELEM_FULL_DATE,
	AMANA_ELEM_TSTR_LIST
} amana_elem_type_t;

typedef struct amana_schema_elem {
	char id[AMANA_MDOC_MAX_NAME];
	amana_elem_type_t type;
	bool required;
	char label[96];
} amana_schema_elem_t;

typedef struct amana_schema {
	char doctype[AMANA_MDOC_MAX_DOCTYPE];
	char ns[AMANA_MDOC_MAX_DOCTYPE];
	char title[96];
	uint32_t validity_days;
	size_t nelems;
	amana_schema_elem_t elems[AMANA_MDOC_MAX_ELEMENTS];
} amana_schema_t;

/* Parses a schema file's text. */
int amana_schema_parse(const char *text, size_t len, amana_schema_t *s) AMANA_WUR;
/* Loads <dir>/<doctype>.schema; dir NULL = $AMANA_SCHEMA_DIR or the
 * installed default. */
int amana_schema_load(const char *dir, const char *doctype, amana_schema_t *s) AMANA_WUR;
/* The default schema directory (never NULL). */
const char *amana_schema_dir(void);
const amana_schema_elem_t *amana_schema_find(const amana_schema_t *s,
    const char *id);
/* Encodes the claim text for element el as its CBOR type into e. */
int amana_schema_put_value(amana_cbor_enc_t *e, const amana_schema_elem_t *el,
    const char *text) AMANA_WUR;

/* ---- an issued credential, parsed for the holder */
typedef struct amana_mdoc amana_mdoc_t;

/* Parses (and copies) an issued credential. Checks its structure and that
 * every item's digest matches the MSO; not the issuer's signature or
 * certificate (that is the verifier's job). */
int amana_mdoc_parse(const uint8_t *buf, size_t len, amana_mdoc_t **out) AMANA_WUR;
void amana_mdoc_free(amana_mdoc_t **m);
const char *amana_mdoc_doctype(const amana_mdoc_t *m);
size_t amana_mdoc_element_count(const amana_mdoc_t *m);
/* Element i: namespace, identifier, value in diagnostic notation. */
int amana_mdoc_element(const amana_mdoc_t *m, size_t i, const char **ns,
    const char **id, char *value, size_t value_cap) AMANA_WUR;
/* True when the credential holds element id in namespace ns. */
bool amana_mdoc_has(const amana_mdoc_t *m, const char *ns, const char *id);
void amana_mdoc_validity(const amana_mdoc_t *m, int64_t *signed_at,
    int64_t *valid_from, int64_t *valid_until);
const amana_cose_key_t *amana_mdoc_device_key(const amana_mdoc_t *m);
/* The bytes as issued. */
void amana_mdoc_bytes(const amana_mdoc_t *m, const uint8_t **p, size_t *n);

/* ---- requests */
typedef struct amana_request amana_request_t;

typedef struct amana_request_elem {
	char ns[AMANA_MDOC_MAX_DOCTYPE];
	char id[AMANA_MDOC_MAX_NAME];
	bool intent_to_retain;
} amana_request_elem_t;

typedef struct amana_request_params {
	const char *verifier;   /* who asks, shown to the worker */
	const char *doctype;
	const amana_request_elem_t *elems;
	size_t nelems;
} amana_request_params_t;

/* Makes a request with a fresh 32-byte nonce and a fresh X25519 reader
 * key (the secret half is wiped: file and QR transport need no session
 * encryption; the key binds the transcript), for one document. */
int amana_request_create(const amana_request_params_t *p, uint8_t **out,
    size_t *len);
/* The same for n (1..AMANA_REQUEST_MAX_DOCS) documents, one per p[i] (the
 * verifier name is p[0]'s). */
int amana_request_create_n(const amana_request_params_t *p, size_t n,
    uint8_t **out, size_t *len);
/* Parses (and copies) a request; every field is checked (fuzz target). */
int amana_request_parse(const uint8_t *buf, size_t len,
    amana_request_t **out) AMANA_WUR;
void amana_request_free(amana_request_t **r);
const char *amana_request_verifier(const amana_request_t *r);
size_t amana_request_doc_count(const amana_request_t *r);
const char *amana_request_doctype(const amana_request_t *r, size_t doc);
size_t amana_request_elem_count(const amana_request_t *r, size_t doc);
const amana_request_elem_t *amana_request_elem(const amana_request_t *r,
    size_t doc, size_t i);
bool amana_request_wants(const amana_request_t *r, const char *doctype,
    const char *ns, const char *id);
void amana_request_nonce(const amana_request_t *r, const uint8_t **p, size_t *n);
/* The SessionTranscript bytes of this request (see above). */
void amana_request_transcript(const amana_request_t *r, const uint8_t **p,
    size_t *n);
void amana_request_bytes(const amana_request_t *r, const uint8_t **p, size_t *n);

/* DeviceAuthenticationBytes = #6.24(bstr .cbor ["DeviceAuthentication",
 * SessionTranscript, docType, DeviceNameSpacesBytes]) from the pieces as
 * received; *out is malloc'ed. */
int amana_mdoc_device_auth_bytes(const uint8_t *transcript, size_t tn,
    const char *doctype, size_t doctype_len, const uint8_t *dns, size_t dns_len,
    uint8_t **out, size_t *len) AMANA_WUR;

#ifdef __cplusplus
}
#endif
#endif /* AMANA_MDOC_H */
