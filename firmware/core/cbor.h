/*
 * cbor.h: a tiny bounded CBOR writer and reader for the token core.
 *
 * No heap, no recursion beyond CBOR_MAX_DEPTH, definite lengths only.
 * The writer emits the shortest head for every integer and length, so the
 * output is canonical (CTAP2 canonical CBOR) as long as the caller writes
 * map keys in canonical order (ints ascending: 1, 2, ..., then -1, -2, ...;
 * text keys shorter first, then bytewise). It records overflow instead of
 * failing each call: check w.err once at the end.
 *
 * The reader is a cursor over the request: every read checks the remaining
 * length first. Errors are CTAP statuses (CTAP2_ERR_INVALID_CBOR for
 * malformed input, CTAP2_ERR_CBOR_UNEXPECTED_TYPE for a wrong type).
 */
#ifndef TOKEN_CBOR_H
#define TOKEN_CBOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CBOR_MAX_DEPTH 8u

#define CBOR_UINT 0u
#define CBOR_NINT 1u
#define CBOR_BYTES 2u
#define CBOR_TEXT 3u
#define CBOR_ARRAY 4u
#define CBOR_MAP 5u
#define CBOR_TAG 6u
#define CBOR_SIMPLE 7u

typedef struct cbor_w {
	uint8_t *buf;
	size_t cap;
	size_t len;
	bool err;
} cbor_w_t;

void cbor_w_init(cbor_w_t *w, uint8_t *buf, size_t cap);
void cbor_put_uint(cbor_w_t *w, uint64_t v);
void cbor_put_int(cbor_w_t *w, int64_t v);
void cbor_put_bytes(cbor_w_t *w, const uint8_t *p, size_t n);
void cbor_put_text(cbor_w_t *w, const char *s);     /* NUL-terminated */
void cbor_put_textn(cbor_w_t *w, const char *s, size_t n);
void cbor_put_map(cbor_w_t *w, size_t pairs);
void cbor_put_array(cbor_w_t *w, size_t items);
void cbor_put_bool(cbor_w_t *w, bool v);
/* Appends already-encoded CBOR. */
void cbor_put_raw(cbor_w_t *w, const uint8_t *p, size_t n);

typedef struct cbor_r {
	const uint8_t *p;
	size_t n;
} cbor_r_t;

/* Reads one head: *major, *val (the argument: value, length or count).
 * Rejects indefinite lengths and reserved additional info. */
int cbor_get_head(cbor_r_t *r, uint8_t *major, uint64_t *val);
/* Typed reads. */
int cbor_get_uint(cbor_r_t *r, uint64_t *v);
int cbor_get_int(cbor_r_t *r, int64_t *v);
int cbor_get_bytes(cbor_r_t *r, const uint8_t **p, size_t *n);
int cbor_get_text(cbor_r_t *r, const uint8_t **p, size_t *n);
int cbor_get_bool(cbor_r_t *r, bool *v);
int cbor_get_map(cbor_r_t *r, size_t *pairs);
int cbor_get_array(cbor_r_t *r, size_t *items);
/* Skips one whole item (nesting bounded by CBOR_MAX_DEPTH). */
int cbor_skip(cbor_r_t *r);
/* Reads a whole item as a sub-reader (for later parsing) and skips it. */
int cbor_get_item(cbor_r_t *r, cbor_r_t *item);
/* True when the next item has this major type (false at the end). */
bool cbor_peek_is(const cbor_r_t *r, uint8_t major);
/* True when text (p, n) equals the C string s. */
bool cbor_text_eq(const uint8_t *p, size_t n, const char *s);

#endif /* TOKEN_CBOR_H */
