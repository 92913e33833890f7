/* err.c: descriptions and classes of amana_err codes.
 * A table rather than a switch so that each part adds its rows in its own
 * block without touching anyone else's lines. */
#include "amana/err.h"

#include <stddef.h>

typedef struct err_row {
	int code;
	amana_err_class_t cls;
	const char *text;
} err_row_t;

#define C AMANA_ERRCLASS_CHECK
#define U AMANA_ERRCLASS_USAGE
#define S AMANA_ERRCLASS_SYSTEM
#define D AMANA_ERRCLASS_DATA

static const err_row_t err_rows[] = {
	{AMANA_OK, AMANA_ERRCLASS_OK, "success"},

	/* general */
	{AMANA_ERR_ARG, U, "invalid argument"},
	{AMANA_ERR_NOMEM, S, "out of memory"},
	{AMANA_ERR_IO, S, "input/output error"},
	{AMANA_ERR_FORMAT, D, "malformed input data"},
	{AMANA_ERR_TRUNCATED, D, "input data is truncated"},
	{AMANA_ERR_LIMIT, D, "input exceeds a size or count limit"},
	{AMANA_ERR_RANGE, D, "value out of range"},
	{AMANA_ERR_UNSUPPORTED, D, "unsupported feature or version"},
	{AMANA_ERR_NOT_FOUND, C, "not found"},
	{AMANA_ERR_EXISTS, U, "already exists"},
	{AMANA_ERR_CRYPTO, S, "cryptographic operation failed"},
	{AMANA_ERR_VERIFY, C, "verification failed"},
	{AMANA_ERR_NO_MATCH, C, "biometric sample does not match"},
	{AMANA_ERR_BUFFER, U, "output buffer too small"},
	{AMANA_ERR_INTERNAL, S, "internal error"},
	{AMANA_ERR_NOSPACE, S, "no space left on storage"},
	{AMANA_ERR_DENIED, C, "refused"},
	{AMANA_ERR_TIMEOUT, S, "timed out"},
	{AMANA_ERR_CANCELLED, C, "cancelled"},
	{AMANA_ERR_STATE, U, "operation not valid in this state"},

	/* fingerprint matcher (-100 .. -199) */
	{AMANA_ERR_FP_ISO_MAGIC, D, "not an ISO/IEC 19794-2 finger minutiae record"},
	{AMANA_ERR_FP_ISO_VERSION, D, "unsupported ISO/IEC 19794-2 record version"},
	{AMANA_ERR_FP_ISO_LENGTH, D, "ISO minutiae record: length field disagrees with the data"},
	{AMANA_ERR_FP_ISO_TRUNCATED, D, "ISO minutiae record is truncated"},
	{AMANA_ERR_FP_ISO_IMAGE, D, "ISO minutiae record: zero image size or resolution"},
	{AMANA_ERR_FP_ISO_VIEWS, D, "ISO minutiae record: bad number of finger views"},
	{AMANA_ERR_FP_ISO_VIEW, D, "ISO minutiae record: bad finger position, view or impression type"},
	{AMANA_ERR_FP_ISO_MINUTIA, D, "ISO minutiae record: minutia outside the image or with a bad type or quality"},
	{AMANA_ERR_FP_ISO_EXTENDED, D, "ISO minutiae record: extended data block inconsistent"},
	{AMANA_ERR_FP_TPL_MAGIC, D, "not an amana fingerprint template"},
	{AMANA_ERR_FP_TPL_VERSION, D, "unsupported fingerprint template version"},
	{AMANA_ERR_FP_TPL_INVALID, D, "fingerprint template field out of range"},
	{AMANA_ERR_FP_IMAGE_SIZE, D, "fingerprint image size outside 100..2000 pixels"},
	{AMANA_ERR_FP_IMAGE_DPI, D, "fingerprint image resolution outside 250..1000 dpi"},
	{AMANA_ERR_FP_LOW_QUALITY, D, "fingerprint image quality too low"},
	{AMANA_ERR_FP_WORK, U, "fingerprint comparison work area too small or misaligned"},

	/* face matcher (-200 .. -299) */
	{AMANA_ERR_FACE_IMAGE, D, "image missing, undecodable or of an unsupported format"},
	{AMANA_ERR_FACE_NONE, D, "no face found in the image"},
	{AMANA_ERR_FACE_SEVERAL, D, "several faces of similar size in the image"},
	{AMANA_ERR_FACE_SMALL, D, "face too small"},
	{AMANA_ERR_FACE_BLUR, D, "face image too blurred"},
	{AMANA_ERR_FACE_EXPOSURE, D, "face too dark, too bright or without contrast"},
	{AMANA_ERR_FACE_POSE, D, "face turned too far from frontal"},
	{AMANA_ERR_FACE_MODEL, S, "face model file missing, unreadable or not the expected model"},
	{AMANA_ERR_FACE_VERSION, D, "face template version not supported"},

	/* CBOR, credentials, issuer, holder (-300 .. -399) */
	{AMANA_ERR_CBOR_MALFORMED, D, "malformed CBOR"},
	{AMANA_ERR_CBOR_TRAILING, D, "trailing bytes after CBOR item"},
	{AMANA_ERR_CBOR_DUPKEY, D, "duplicate CBOR map key"},
	{AMANA_ERR_CBOR_INDEFINITE, D, "indefinite-length CBOR item not allowed"},
	{AMANA_ERR_CBOR_DEPTH, D, "CBOR nesting too deep"},
	{AMANA_ERR_CBOR_ITEMS, D, "too many CBOR items"},
	{AMANA_ERR_CBOR_SIZE, D, "CBOR input or length too large"},
	{AMANA_ERR_CBOR_TYPE, D, "CBOR item has the wrong type"},
	{AMANA_ERR_CBOR_MISSING, D, "required field missing"},
	{AMANA_ERR_CBOR_EXTRA, D, "unexpected field"},
	{AMANA_ERR_CBOR_UTF8, D, "text is not valid UTF-8"},
	{AMANA_ERR_CBOR_VALUE, D, "field has an unacceptable value"},
	{AMANA_ERR_COSE_ALG, D, "wrong or unsupported COSE algorithm"},
	{AMANA_ERR_COSE_CRIT, D, "unknown critical COSE header"},
	{AMANA_ERR_COSE_HEADER, D, "malformed COSE header"},
	{AMANA_ERR_COSE_SIG, C, "COSE signature invalid"},
	{AMANA_ERR_COSE_KEY, D, "malformed or unsupported COSE key"},
	{AMANA_ERR_COSE_X5CHAIN, D, "missing or malformed certificate chain"},
	{AMANA_ERR_X509, D, "malformed or unusable certificate"},
	{AMANA_ERR_MDOC_VERSION, D, "unsupported mdoc version"},
	{AMANA_ERR_MDOC_DOCTYPE, C, "document type mismatch"},
	{AMANA_ERR_MDOC_DIGEST, C, "element digest mismatch"},
	{AMANA_ERR_MDOC_NO_DIGEST, C, "no signed digest for element"},
	{AMANA_ERR_MDOC_DIGEST_ALG, D, "unsupported digest algorithm"},
	{AMANA_ERR_MDOC_SCHEMA, D, "claims do not fit the schema"},
	{AMANA_ERR_MDOC_ELEMENT, D, "element unknown to the schema"},
	{AMANA_ERR_MDOC_NO_CRED, C, "no credential answers the request"},
	{AMANA_ERR_MDOC_DATE, D, "malformed date or time"},
	{AMANA_ERR_MDOC_DEVICE_KEY, C, "device key does not match"},
	{AMANA_ERR_MDOC_DOC_ERROR, C, "response reports a document error"},

	/* verifier, status list, trust list, transport (-400 .. -499) */
	{AMANA_ERR_VERIFY_UNTRUSTED, C, "issuer not in the trust list"},
	{AMANA_ERR_VERIFY_CERT_TIME, C, "certificate expired or not yet valid"},
	{AMANA_ERR_VERIFY_NOT_YET, C, "credential not yet valid"},
	{AMANA_ERR_VERIFY_EXPIRED, C, "credential expired"},
	{AMANA_ERR_VERIFY_ISSUER_SIG, C, "issuer signature invalid"},
	{AMANA_ERR_VERIFY_DEVICE_SIG, C, "device signature invalid"},
	{AMANA_ERR_VERIFY_DEVICE_MAC, D, "device MAC authentication not supported"},
	{AMANA_ERR_VERIFY_NOT_REQUESTED, C, "element disclosed without request"},
	{AMANA_ERR_VERIFY_SIGNED_TIME, C, "signed outside the signer certificate validity"},
	{AMANA_ERR_VERIFY_NO_STATUS, C, "no status information"},
	{AMANA_ERR_VERIFY_CERT_USAGE, C, "signer certificate not made for signing documents"},
	{AMANA_ERR_TRUST_SIG, C, "trust list signature invalid"},
	{AMANA_ERR_TRUST_EXPIRED, C, "trust list expired"},
	{AMANA_ERR_TRUST_EMPTY, D, "trust list holds no root"},
	{AMANA_ERR_REQUEST_NONCE, D, "request nonce missing or too short"},
	/* transport (-450 .. -469) */
	{AMANA_ERR_QR_BASE45, D, "invalid Base45 text"},
	{AMANA_ERR_QR_FRAME, D, "not an amana compact frame"},
	{AMANA_ERR_QR_TOO_BIG, D, "payload too big for the allowed QR codes"},
	{AMANA_ERR_QR_NONE, D, "no QR code found in the image"},
	{AMANA_ERR_QR_INCOMPLETE, D, "QR code set is incomplete"},
	{AMANA_ERR_QR_MIXED, D, "QR codes from different sets were mixed"},
	{AMANA_ERR_QR_DIGEST, D, "reassembled QR payload does not match its digest"},
	{AMANA_ERR_QR_IMAGE, D, "image unreadable or unsupported"},
	{AMANA_ERR_QR_DICT, D, "QR payload needs a dictionary we do not hold"},
	/* status list (-470 .. -499) */
	{AMANA_ERR_STATUS_EXPIRED, C, "status list expired"},
	{AMANA_ERR_STATUS_REVOKED, C, "credential revoked"},
	{AMANA_ERR_STATUS_SUSPENDED, C, "credential suspended"},
	{AMANA_ERR_STATUS_INDEX, D, "status index outside the list"},
	{AMANA_ERR_STATUS_SIG, C, "status list signature invalid"},
	{AMANA_ERR_STATUS_URI, C, "status list is for another URI"},
	{AMANA_ERR_STATUS_FULL, S, "status list has no free index"},
	{AMANA_ERR_STATUS_FUTURE, C, "status list issued in the future"},
	{AMANA_ERR_STATUS_ROLLBACK, C, "status list older than the cached one"},
	{AMANA_ERR_STATUS_NONE, C, "no status list cached for this URI"},

	/* vault (-500 .. -599) */
	{AMANA_ERR_VAULT_SECRET, C, "wrong passphrase, recovery key or token: no key slot opens"},
	{AMANA_ERR_VAULT_NOT_VAULT, U, "not a vault (no key slot file)"},
	{AMANA_ERR_VAULT_SLOTS, D, "vault key slot file is corrupt"},
	{AMANA_ERR_VAULT_MANIFEST, D, "vault manifest is corrupt or was tampered with"},
	{AMANA_ERR_VAULT_OBJECT, D, "vault object is corrupt or was tampered with"},
	{AMANA_ERR_VAULT_MISSING, D, "vault object is missing"},
	{AMANA_ERR_VAULT_SLOTS_FULL, U, "no free key slot in the vault"},
	{AMANA_ERR_VAULT_WEAK_KDF, U, "key derivation parameters below the vault minimum"},
	{AMANA_ERR_VAULT_SAME_SECRET, U, "that secret already opens a key slot"},
	{AMANA_ERR_VAULT_TOO_LARGE, U, "document larger than the vault allows"},
	{AMANA_ERR_VAULT_LAST_SLOT, U, "refusing to remove the last key slot"},
	{AMANA_ERR_VAULT_WORDS, D, "recovery words are invalid (typo or checksum)"},
	{AMANA_ERR_VAULT_NAME, C, "no vault entry of that name"},
	{AMANA_ERR_VAULT_TOKEN, C, "the token did not release the vault secret"},
	{AMANA_ERR_VAULT_BUSY, S, "the vault is open in another program (try again when it is done)"},

	/* token, firmware, FIDO client (-600 .. -699) */
	/* token transport and CTAP core (-600 .. -649) */
	{AMANA_ERR_TOKEN_CONNECT, S, "cannot connect to the token"},
	{AMANA_ERR_TOKEN_PROTOCOL, S, "the token's reply is malformed"},
	{AMANA_ERR_TOKEN_CTAPHID, S, "the token reported a transport error"},
	{AMANA_ERR_TOKEN_CTAP, C, "the token refused the request"},
	{AMANA_ERR_TOKEN_FIDO, S, "the FIDO library refused the request"},
	{AMANA_ERR_PIN_WRONG, C, "wrong PIN"},
	{AMANA_ERR_PIN_BLOCKED, C, "PIN blocked: the token must be reset"},
	{AMANA_ERR_PIN_POWER_CYCLE, C, "too many wrong PINs in a row: unplug and replug the token"},
	/* biometric UV and enrolment on the token, sensor (-650 .. -689) */
	{AMANA_ERR_UV_BLOCKED, C, "user verification blocked: enter the PIN"},
	{AMANA_ERR_UV_NO_SAMPLE, C, "no biometric sample was presented"},
	{AMANA_ERR_UV_NOT_ENROLLED, C, "no finger or face enrolled"},
	{AMANA_ERR_BIO_FULL, S, "no room for another biometric enrolment"},
	{AMANA_ERR_BIO_QUALITY, C, "biometric sample quality too low"},
	{AMANA_ERR_SENSOR_IMAGE, D, "sensor image cannot be read"},
	{AMANA_ERR_SENSOR_QUALITY, C, "no usable finger or face in the image"},

	/* journeys, registry (-700 .. -799) */
	{AMANA_ERR_REGISTRY_DB, S, "the issuer registry database failed"},
	{AMANA_ERR_REGISTRY_FIELD, U, "registry field too long or not plain text"},
	{AMANA_ERR_REGISTRY_STATE, C, "that issuance is already revoked"},
};

#undef C
#undef U
#undef S
#undef D

static const err_row_t *err_find(int err)
{
	for (size_t i = 0; i < sizeof(err_rows) / sizeof(err_rows[0]); i++)
		if (err_rows[i].code == err)
			return &err_rows[i];
	return NULL;
}

const char *amana_strerr(int err)
{
	const err_row_t *row = err_find(err);
	return row != NULL ? row->text : "unknown error";
}

amana_err_class_t amana_err_class(int err)
{
	const err_row_t *row = err_find(err);
	return row != NULL ? row->cls : AMANA_ERRCLASS_SYSTEM;
}
