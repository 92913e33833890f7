/*
 * amana/cbor.h: deterministic CBOR out, bounded strict CBOR in.
 *
 * ENCODER (amana_cbor_enc_t): writes RFC 8949 section 4.2.1 deterministic
 * CBOR: shortest integer and length forms, definite lengths only, map keys
 * sorted by the bytewise order of their encodings (the encoder sorts them
 * when a map is closed, so callers add pairs in any order). A duplicate key
 * is an error. Containers are opened and closed (begin/end) and their
 * lengths are filled in at the end. bstr_begin/bstr_end wrap the items
 * written between them in a byte string: the `bstr .cbor` / #6.24 pattern
 * of COSE and ISO 18013-5. put_raw copies an item that is already encoded,
 * byte for byte (use it to pass on bytes as received, never re-encoded).
 * Errors are sticky: after the first failure every call returns it, and
 * amana_cbor_enc_bytes() reports it, so a sequence of puts needs one check.
 *
 * DECODER (amana_cbor_decode): parses one complete item with libcbor's
 * streaming decoder into a flat, read-only tree of amana_cbor_item_t that
 * points into the caller's buffer. Limits are checked before anything is
 * allocated for them: input size, nesting depth, item count, and every
 * declared length or count against the bytes that remain. Rejected, each
 * with its own error code: malformed input, trailing bytes, indefinite
 * lengths, duplicate map keys (same type and value), invalid UTF-8 text,
 * simple values other than false/true/null/undefined.
 *
 * Items are addressed by index; 0 is the root. The children of item i
 * start at i + 1 and follow each other through .next (the index after an
 * item's whole subtree); a map's children alternate key, value; a tag has
 * one child. .off/.len give each item's bytes as received, so signatures
 * and digests are computed over those bytes.
 *
 * The buffer passed to amana_cbor_decode must outlive the document.
 */
#ifndef AMANA_CBOR_H
#define AMANA_CBOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef AMANA_WUR
#define AMANA_WUR __attribute__((warn_unused_result))
#endif

/* ---- limits */
#define AMANA_CBOR_MAX_INPUT_DEFAULT ((size_t)1 << 20) /* 1 MiB */
#define AMANA_CBOR_MAX_DEPTH_DEFAULT 16u
#define AMANA_CBOR_MAX_ITEMS_DEFAULT 16384u
#define AMANA_CBOR_MAX_DEPTH_HARD 64u /* encoder and decoder stack size */

typedef struct amana_cbor_limits {
	size_t max_input;   /* bytes of the whole input */
	uint32_t max_depth; /* nesting of arrays, maps and tags (<= 64) */
	uint32_t max_items; /* data items in the whole input */
} amana_cbor_limits_t;

/* The defaults above. */
amana_cbor_limits_t amana_cbor_limits_default(void);

/* ---- encoder */
typedef struct amana_cbor_enc amana_cbor_enc_t;

int amana_cbor_enc_new(amana_cbor_enc_t **out);
void amana_cbor_enc_free(amana_cbor_enc_t **e);
/* Empties the encoder for reuse (keeps its memory; clears the error). */
void amana_cbor_enc_reset(amana_cbor_enc_t *e);

int amana_cbor_put_uint(amana_cbor_enc_t *e, uint64_t v);
int amana_cbor_put_int(amana_cbor_enc_t *e, int64_t v);
int amana_cbor_put_bstr(amana_cbor_enc_t *e, const uint8_t *p, size_t n);
int amana_cbor_put_tstr(amana_cbor_enc_t *e, const char *s);
int amana_cbor_put_tstrn(amana_cbor_enc_t *e, const char *s, size_t n);
int amana_cbor_put_bool(amana_cbor_enc_t *e, bool v);
int amana_cbor_put_null(amana_cbor_enc_t *e);
/* A tag; the next item written is its content. */
int amana_cbor_put_tag(amana_cbor_enc_t *e, uint64_t tag);
/* One complete, already encoded item, copied as is (not checked). */
int amana_cbor_put_raw(amana_cbor_enc_t *e, const uint8_t *p, size_t n);
int amana_cbor_array_begin(amana_cbor_enc_t *e);
int amana_cbor_array_end(amana_cbor_enc_t *e);
int amana_cbor_map_begin(amana_cbor_enc_t *e);
int amana_cbor_map_end(amana_cbor_enc_t *e); /* sorts; AMANA_ERR_CBOR_DUPKEY */
int amana_cbor_bstr_begin(amana_cbor_enc_t *e);
int amana_cbor_bstr_end(amana_cbor_enc_t *e);

/* Lends the encoded bytes (valid until the next call on e). Fails with the
 * sticky error, or AMANA_ERR_STATE while a container is still open. */
int amana_cbor_enc_bytes(const amana_cbor_enc_t *e, const uint8_t **p,
    size_t *n) AMANA_WUR;
/* Like enc_bytes but hands over a malloc'ed copy (free() it). */
int amana_cbor_enc_copy(const amana_cbor_enc_t *e, uint8_t **p,
    size_t *n) AMANA_WUR;

/* The shortest header of major type `major` (0..7) with argument arg,
 * written to out; returns its length (1..9). For callers that assemble a
 * fixed structure around bytes they already hold (COSE Sig_structure). */
size_t amana_cbor_head(uint8_t out[9], unsigned major, uint64_t arg);

/* ---- decoder */
typedef enum amana_cbor_type {
	AMANA_CBOR_UINT = 0,
	AMANA_CBOR_NINT = 1,   /* value is -1 - val */
	AMANA_CBOR_BSTR = 2,
	AMANA_CBOR_TSTR = 3,
	AMANA_CBOR_ARRAY = 4,
	AMANA_CBOR_MAP = 5,
	AMANA_CBOR_TAG = 6,
	AMANA_CBOR_SIMPLE = 7, /* val: 20 false, 21 true, 22 null, 23 undefined */
	AMANA_CBOR_FLOAT = 8   /* f */
} amana_cbor_type_t;

#define AMANA_CBOR_FALSE 20u
#define AMANA_CBOR_TRUE 21u
#define AMANA_CBOR_NULL 22u
#define AMANA_CBOR_UNDEFINED 23u

typedef struct amana_cbor_item {
	uint8_t type;        /* amana_cbor_type_t */
	uint32_t next;       /* index of the item after this subtree */
	uint64_t val;        /* uint/nint argument, string length, array
	                      * count, map pair count, tag number, simple */
	double f;            /* FLOAT only */
	const uint8_t *data; /* BSTR/TSTR content (val bytes) */
	size_t off, len;     /* the whole item's bytes in the input */
} amana_cbor_item_t;

typedef struct amana_cbor_doc amana_cbor_doc_t;

/* Decodes buf[0..len) (exactly one item). lim may be NULL (defaults). */
int amana_cbor_decode(const uint8_t *buf, size_t len,
    const amana_cbor_limits_t *lim, amana_cbor_doc_t **out) AMANA_WUR;
void amana_cbor_doc_free(amana_cbor_doc_t **d);

uint32_t amana_cbor_doc_count(const amana_cbor_doc_t *d);
/* The item at index i (i < count), never NULL for a valid index. */
const amana_cbor_item_t *amana_cbor_at(const amana_cbor_doc_t *d, uint32_t i);
/* The bytes of item i exactly as received. */
void amana_cbor_raw(const amana_cbor_doc_t *d, uint32_t i, const uint8_t **p,
    size_t *n);

/* ---- typed access. Each returns AMANA_OK or AMANA_ERR_CBOR_TYPE (or
 * AMANA_ERR_CBOR_VALUE when the value does not fit the output). */
int amana_cbor_get_uint(const amana_cbor_doc_t *d, uint32_t i, uint64_t *v) AMANA_WUR;
int amana_cbor_get_int(const amana_cbor_doc_t *d, uint32_t i, int64_t *v) AMANA_WUR;
int amana_cbor_get_bstr(const amana_cbor_doc_t *d, uint32_t i,
    const uint8_t **p, size_t *n) AMANA_WUR;
int amana_cbor_get_tstr(const amana_cbor_doc_t *d, uint32_t i,
    const char **s, size_t *n) AMANA_WUR;
int amana_cbor_get_bool(const amana_cbor_doc_t *d, uint32_t i, bool *v) AMANA_WUR;
bool amana_cbor_is_null(const amana_cbor_doc_t *d, uint32_t i);
/* True when item i is a text string equal to s. */
bool amana_cbor_tstr_eq(const amana_cbor_doc_t *d, uint32_t i, const char *s);
/* Item i must be tag `tag`; *child gets its content's index. */
int amana_cbor_get_tag(const amana_cbor_doc_t *d, uint32_t i, uint64_t tag,
    uint32_t *child) AMANA_WUR;
/* Item i must be #6.24(bstr): p, n get the embedded bytes. */
int amana_cbor_get_tag24(const amana_cbor_doc_t *d, uint32_t i,
    const uint8_t **p, size_t *n) AMANA_WUR;
/* Item i must be an array (map); *count gets its length (pairs). */
int amana_cbor_get_array(const amana_cbor_doc_t *d, uint32_t i, uint64_t *count) AMANA_WUR;
int amana_cbor_get_map(const amana_cbor_doc_t *d, uint32_t i, uint64_t *count) AMANA_WUR;

/* First child of a container (i + 1) and next sibling. */
static inline uint32_t amana_cbor_child(uint32_t i) { return i + 1; }
uint32_t amana_cbor_next(const amana_cbor_doc_t *d, uint32_t i);

/* Looks a key up in map m; *val gets the value's index. AMANA_ERR_CBOR_TYPE
 * if m is not a map, AMANA_ERR_CBOR_MISSING if the key is absent. */
int amana_cbor_map_get_str(const amana_cbor_doc_t *d, uint32_t m,
    const char *key, uint32_t *val) AMANA_WUR;
int amana_cbor_map_get_int(const amana_cbor_doc_t *d, uint32_t m,
    int64_t key, uint32_t *val) AMANA_WUR;
/* AMANA_ERR_CBOR_EXTRA if map m has a key that is not one of the n text
 * keys in allowed (or a non-text key). */
int amana_cbor_map_only_keys(const amana_cbor_doc_t *d, uint32_t m,
    const char *const *allowed, size_t n) AMANA_WUR;

/* Appends the CBOR diagnostic notation of item i (RFC 8949 section 8,
 * bstr in h'..' form) to out[0..cap), always NUL-terminated; returns the
 * length it needed (like snprintf). For tests and `show` commands. */
size_t amana_cbor_diag(const amana_cbor_doc_t *d, uint32_t i, char *out,
    size_t cap);

#ifdef __cplusplus
}
#endif
#endif /* AMANA_CBOR_H */
