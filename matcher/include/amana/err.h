/*
 * amana/err.h: the one error enum of the whole project.
 *
 * Every amana function that can fail returns an int: AMANA_OK (0) on success,
 * or a negative amana_err value. amana_strerr() names it in words that are
 * safe to show a user (never a secret, never a path to a key).
 * amana_err_class() sorts an error into the class the command-line programs
 * turn into an exit code (docs/0002-errors-and-exit-codes.md).
 *
 * Ranges: each part owns a block so that parts add codes without clashing.
 *   -1 .. -99    general
 *   -100 .. -199 fingerprint matcher
 *   -200 .. -299 face matcher
 *   -300 .. -399 CBOR, credentials (mdoc), issuer, holder
 *   -400 .. -499 verifier, status list, trust list, transport (QR)
 *   -500 .. -599 vault
 *   -600 .. -699 token, firmware, FIDO client
 *   -700 .. -799 journeys, registry
 *
 * Freestanding: this header and err.c build for the Cortex-M firmware too.
 */
#ifndef AMANA_ERR_H
#define AMANA_ERR_H

#ifdef __cplusplus
extern "C" {
#endif

typedef enum amana_err {
	AMANA_OK = 0,

	/* general */
	AMANA_ERR_ARG = -1,          /* invalid argument given by the caller */
	AMANA_ERR_NOMEM = -2,        /* out of memory */
	AMANA_ERR_IO = -3,           /* read, write or system call failed */
	AMANA_ERR_FORMAT = -4,       /* input data is malformed */
	AMANA_ERR_TRUNCATED = -5,    /* input data ends too early */
	AMANA_ERR_LIMIT = -6,        /* input exceeds a documented limit */
	AMANA_ERR_RANGE = -7,        /* a value is outside its allowed range */
	AMANA_ERR_UNSUPPORTED = -8,  /* a valid feature we do not implement */
	AMANA_ERR_NOT_FOUND = -9,    /* no such object */
	AMANA_ERR_EXISTS = -10,      /* object already exists */
	AMANA_ERR_CRYPTO = -11,      /* a cryptographic primitive failed */
	AMANA_ERR_VERIFY = -12,      /* a check failed (signature, MAC, digest) */
	AMANA_ERR_NO_MATCH = -13,    /* biometric sample does not match */
	AMANA_ERR_BUFFER = -14,      /* output buffer too small */
	AMANA_ERR_INTERNAL = -15,    /* a bug: an invariant did not hold */
	AMANA_ERR_NOSPACE = -16,     /* storage is full */
	AMANA_ERR_DENIED = -17,      /* refused: locked, blocked, no consent */
	AMANA_ERR_TIMEOUT = -18,     /* an operation timed out */
	AMANA_ERR_CANCELLED = -19,   /* the user or peer cancelled */
	AMANA_ERR_STATE = -20,       /* call not valid in the object's state */

	/* fingerprint matcher (-100 .. -199) */
	AMANA_ERR_FP_ISO_MAGIC = -100,     /* not an ISO 19794-2 minutiae record */
	AMANA_ERR_FP_ISO_VERSION = -101,   /* ISO record version is not " 20" */
	AMANA_ERR_FP_ISO_LENGTH = -102,    /* record length field disagrees */
	AMANA_ERR_FP_ISO_TRUNCATED = -103, /* record ends inside a field */
	AMANA_ERR_FP_ISO_IMAGE = -104,     /* zero image size or resolution */
	AMANA_ERR_FP_ISO_VIEWS = -105,     /* bad number of finger views */
	AMANA_ERR_FP_ISO_VIEW = -106,      /* bad finger position/view/impression */
	AMANA_ERR_FP_ISO_MINUTIA = -107,   /* minutia outside image, bad type/quality */
	AMANA_ERR_FP_ISO_EXTENDED = -108,  /* extended data block inconsistent */
	AMANA_ERR_FP_TPL_MAGIC = -110,     /* not an amana fingerprint template */
	AMANA_ERR_FP_TPL_VERSION = -111,   /* unknown template version */
	AMANA_ERR_FP_TPL_INVALID = -112,   /* template field out of range */
	AMANA_ERR_FP_IMAGE_SIZE = -120,    /* image sides outside 100..2000 */
	AMANA_ERR_FP_IMAGE_DPI = -121,     /* resolution outside 250..1000 dpi */
	AMANA_ERR_FP_LOW_QUALITY = -122,   /* too little usable fingerprint */
	AMANA_ERR_FP_WORK = -130,          /* comparison work area too small */

	/* face matcher (-200 .. -299) */
	AMANA_ERR_FACE_IMAGE = -200,     /* image missing, undecodable or unsupported */
	AMANA_ERR_FACE_NONE = -201,      /* no face found */
	AMANA_ERR_FACE_SEVERAL = -202,   /* several faces of similar size */
	AMANA_ERR_FACE_SMALL = -203,     /* face too small for a template */
	AMANA_ERR_FACE_BLUR = -204,      /* face too blurred */
	AMANA_ERR_FACE_EXPOSURE = -205,  /* face too dark, too bright or flat */
	AMANA_ERR_FACE_POSE = -206,      /* face turned too far from frontal */
	AMANA_ERR_FACE_MODEL = -207,     /* model file missing, unreadable or wrong */
	AMANA_ERR_FACE_VERSION = -208,   /* face template of another version */

	/* CBOR, credentials, issuer, holder (-300 .. -399) */
	/* CBOR (-300 .. -319) */
	AMANA_ERR_CBOR_MALFORMED = -300,  /* not well-formed CBOR */
	AMANA_ERR_CBOR_TRAILING = -301,   /* bytes follow the CBOR item */
	AMANA_ERR_CBOR_DUPKEY = -302,     /* a map holds the same key twice */
	AMANA_ERR_CBOR_INDEFINITE = -303, /* indefinite-length item (not allowed) */
	AMANA_ERR_CBOR_DEPTH = -304,      /* nesting deeper than the limit */
	AMANA_ERR_CBOR_ITEMS = -305,      /* more items than the limit */
	AMANA_ERR_CBOR_SIZE = -306,       /* input or length larger than the limit */
	AMANA_ERR_CBOR_TYPE = -307,       /* an item has the wrong type */
	AMANA_ERR_CBOR_MISSING = -308,    /* a required field is missing */
	AMANA_ERR_CBOR_EXTRA = -309,      /* an unexpected field is present */
	AMANA_ERR_CBOR_UTF8 = -310,       /* text string is not valid UTF-8 */
	AMANA_ERR_CBOR_VALUE = -311,      /* a field has a value we do not accept */
	/* COSE (-320 .. -339) */
	AMANA_ERR_COSE_ALG = -320,        /* wrong or unsupported COSE algorithm */
	AMANA_ERR_COSE_CRIT = -321,       /* unknown critical COSE header */
	AMANA_ERR_COSE_HEADER = -322,     /* malformed or misplaced COSE header */
	AMANA_ERR_COSE_SIG = -323,        /* COSE signature does not verify */
	AMANA_ERR_COSE_KEY = -324,        /* malformed or unsupported COSE_Key */
	AMANA_ERR_COSE_X5CHAIN = -325,    /* missing or malformed x5chain */
	AMANA_ERR_X509 = -326,            /* certificate malformed or unusable */
	/* mdoc, issuer, holder (-340 .. -399) */
	AMANA_ERR_MDOC_VERSION = -340,    /* unsupported mdoc structure version */
	AMANA_ERR_MDOC_DOCTYPE = -341,    /* docType does not agree */
	AMANA_ERR_MDOC_DIGEST = -342,     /* an element's digest does not match */
	AMANA_ERR_MDOC_NO_DIGEST = -343,  /* no digest for a disclosed element */
	AMANA_ERR_MDOC_DIGEST_ALG = -344, /* unsupported digest algorithm */
	AMANA_ERR_MDOC_SCHEMA = -345,     /* claims do not fit the schema */
	AMANA_ERR_MDOC_ELEMENT = -346,    /* element unknown to the schema */
	AMANA_ERR_MDOC_NO_CRED = -347,    /* no credential answers the request */
	AMANA_ERR_MDOC_DATE = -348,       /* malformed date or time */
	AMANA_ERR_MDOC_DEVICE_KEY = -349, /* device key does not match the holder's */
	AMANA_ERR_MDOC_DOC_ERROR = -350,  /* response reports a document error */

	/* verifier, status list, trust list, transport (-400 .. -499) */
	/* verifier and trust list (-400 .. -449) */
	AMANA_ERR_VERIFY_UNTRUSTED = -400,   /* issuer chain ends at no pinned root */
	AMANA_ERR_VERIFY_CERT_TIME = -401,   /* a certificate is expired or not yet valid */
	AMANA_ERR_VERIFY_NOT_YET = -402,     /* the credential is not yet valid */
	AMANA_ERR_VERIFY_EXPIRED = -403,     /* the credential has expired */
	AMANA_ERR_VERIFY_ISSUER_SIG = -404,  /* the issuer signature is invalid */
	AMANA_ERR_VERIFY_DEVICE_SIG = -405,  /* the device signature is invalid */
	AMANA_ERR_VERIFY_DEVICE_MAC = -406,  /* device MAC auth cannot be checked here */
	AMANA_ERR_VERIFY_NOT_REQUESTED = -407, /* an element was disclosed unasked */
	AMANA_ERR_VERIFY_SIGNED_TIME = -408, /* signed after the signer's cert expired */
	AMANA_ERR_VERIFY_NO_STATUS = -409,   /* no status information to check */
	AMANA_ERR_VERIFY_CERT_USAGE = -410,  /* the signer certificate is not a document signer */
	AMANA_ERR_TRUST_SIG = -420,          /* the trust list signature is invalid */
	AMANA_ERR_TRUST_EXPIRED = -421,      /* the trust list has expired */
	AMANA_ERR_TRUST_EMPTY = -422,        /* the trust list holds no root */
	AMANA_ERR_REQUEST_NONCE = -430,      /* request nonce missing or too short */
	/* transport: compact frames and QR codes (-450 .. -469) */
	AMANA_ERR_QR_BASE45 = -450,      /* text is not valid Base45 */
	AMANA_ERR_QR_FRAME = -451,       /* not an amana compact frame */
	AMANA_ERR_QR_TOO_BIG = -452,     /* payload needs more QR codes than allowed */
	AMANA_ERR_QR_NONE = -453,        /* no QR code found in the image */
	AMANA_ERR_QR_INCOMPLETE = -454,  /* a multi-code set is missing parts */
	AMANA_ERR_QR_MIXED = -455,       /* codes from different sets were mixed */
	AMANA_ERR_QR_DIGEST = -456,      /* reassembled payload does not match its digest */
	AMANA_ERR_QR_IMAGE = -457,       /* image file unreadable or unsupported */
	AMANA_ERR_QR_DICT = -458,        /* frame needs a dictionary we do not hold */
	/* status list (-470 .. -499) */
	AMANA_ERR_STATUS_EXPIRED = -470,   /* the cached status list has expired */
	AMANA_ERR_STATUS_REVOKED = -471,   /* the credential is revoked */
	AMANA_ERR_STATUS_SUSPENDED = -472, /* the credential is suspended */
	AMANA_ERR_STATUS_INDEX = -473,     /* the index is outside the list */
	AMANA_ERR_STATUS_SIG = -474,       /* the status list signature is invalid */
	AMANA_ERR_STATUS_URI = -475,       /* the list is not the one referenced */
	AMANA_ERR_STATUS_FULL = -476,      /* no free index left in the list */
	AMANA_ERR_STATUS_FUTURE = -477,    /* the list was issued in the future */
	AMANA_ERR_STATUS_ROLLBACK = -478,  /* the list is older than the cached one */
	AMANA_ERR_STATUS_NONE = -479,      /* no status list cached for this URI */

	/* vault (-500 .. -599) */
	AMANA_ERR_VAULT_SECRET = -500,       /* no key slot opens with this secret */
	AMANA_ERR_VAULT_NOT_VAULT = -501,    /* directory is not a vault */
	AMANA_ERR_VAULT_SLOTS = -502,        /* key slot file corrupt */
	AMANA_ERR_VAULT_MANIFEST = -503,     /* manifest corrupt or tampered */
	AMANA_ERR_VAULT_OBJECT = -504,       /* an object is corrupt or tampered */
	AMANA_ERR_VAULT_MISSING = -505,      /* an object file is missing */
	AMANA_ERR_VAULT_SLOTS_FULL = -506,   /* no free key slot */
	AMANA_ERR_VAULT_WEAK_KDF = -507,     /* KDF parameters below the minimum */
	AMANA_ERR_VAULT_SAME_SECRET = -508,  /* secret already opens a slot */
	AMANA_ERR_VAULT_TOO_LARGE = -509,    /* document above the size limit */
	AMANA_ERR_VAULT_LAST_SLOT = -510,    /* would remove the last way in */
	AMANA_ERR_VAULT_WORDS = -511,        /* recovery words invalid */
	AMANA_ERR_VAULT_NAME = -512,         /* no entry of that name */
	AMANA_ERR_VAULT_TOKEN = -513,        /* token did not release the secret */
	AMANA_ERR_VAULT_BUSY = -514,         /* another program has the vault open */

	/* token, firmware, FIDO client (-600 .. -699) */
	/* token transport and CTAP core (-600 .. -649) */
	AMANA_ERR_TOKEN_CONNECT = -600,  /* cannot reach the token's socket */
	AMANA_ERR_TOKEN_PROTOCOL = -601, /* the token's reply is malformed */
	AMANA_ERR_TOKEN_CTAPHID = -602,  /* the token answered a CTAPHID error */
	AMANA_ERR_TOKEN_CTAP = -603,     /* the token refused the CTAP command */
	AMANA_ERR_TOKEN_FIDO = -604,     /* libfido2 refused the request */
	AMANA_ERR_PIN_WRONG = -605,      /* wrong PIN (one retry used) */
	AMANA_ERR_PIN_BLOCKED = -606,    /* PIN retries exhausted: reset needed */
	AMANA_ERR_PIN_POWER_CYCLE = -607, /* 3 wrong PINs in a row: replug */
	/* biometric UV and enrolment on the token, sensor (-650 .. -689) */
	AMANA_ERR_UV_BLOCKED = -650,      /* UV blocked until the PIN is entered */
	AMANA_ERR_UV_NO_SAMPLE = -651,    /* no sensor sample is waiting */
	AMANA_ERR_UV_NOT_ENROLLED = -652, /* no biometric reference enrolled */
	AMANA_ERR_BIO_FULL = -653,        /* no room for another enrolment */
	AMANA_ERR_BIO_QUALITY = -654,     /* sample unusable: too few features */
	AMANA_ERR_SENSOR_IMAGE = -655,    /* sensor image unreadable */
	AMANA_ERR_SENSOR_QUALITY = -656,  /* sensor found no usable finger/face */

	/* journeys, registry (-700 .. -799) */
	AMANA_ERR_REGISTRY_DB = -700,     /* the issuer registry database failed */
	AMANA_ERR_REGISTRY_FIELD = -701,  /* a registry field is too long or not text */
	AMANA_ERR_REGISTRY_STATE = -702,  /* the issuance is already revoked */

	AMANA_ERR_MIN_ = -800
} amana_err_t;

/* What the caller, and a command-line program, should make of an error. */
typedef enum amana_err_class {
	AMANA_ERRCLASS_OK = 0,     /* success */
	AMANA_ERRCLASS_CHECK = 1,  /* a check failed: no match, rejected credential */
	AMANA_ERRCLASS_USAGE = 2,  /* the caller used the interface wrongly */
	AMANA_ERRCLASS_SYSTEM = 3, /* I/O, memory, storage or internal failure */
	AMANA_ERRCLASS_DATA = 4    /* the input data is bad */
} amana_err_class_t;

/* A short English description of err; never NULL ("unknown error" if err is
 * not an amana error). */
const char *amana_strerr(int err);

/* The class of err (AMANA_ERRCLASS_SYSTEM for an unknown code). */
amana_err_class_t amana_err_class(int err);

#ifdef __cplusplus
}
#endif
#endif /* AMANA_ERR_H */
