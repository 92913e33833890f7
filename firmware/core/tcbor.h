/*
 * tcbor.h: a tiny bounded CBOR writer and reader for the token core
 * (prefixed tcbor_ so that it never collides with libcbor in a process
 * that links libfido2).
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
#ifndef TOKEN_TCBOR_H
#define TOKEN_TCBOR_H

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

typedef struct tcbor_w {
	uint8_t *buf;
	size_t cap;
	size_t len;
	bool err;
} tcbor_w_t;

void tcbor_w_init(tcbor_w_t *w, uint8_t *buf, size_t cap);
void tcbor_put_uint(tcbor_w_t *w, uint64_t v);
void tcbor_put_int(tcbor_w_t *w, int64_t v);
void tcbor_put_bytes(tcbor_w_t *w, const uint8_t *p, size_t n);
void tcbor_put_text(tcbor_w_t *w, const char *s);     /* NUL-terminated */
void tcbor_put_textn(tcbor_w_t *w, const char *s, size_t n);
void tcbor_put_map(tcbor_w_t *w, size_t pairs);
void tcbor_put_array(tcbor_w_t *w, size_t items);
void tcbor_put_bool(tcbor_w_t *w, bool v);
/* Appends already-encoded CBOR. */
void tcbor_put_raw(tcbor_w_t *w, const uint8_t *p, size_t n);

typedef struct tcbor_r {
	const uint8_t *p;
	size_t n;
} tcbor_r_t;

/* Reads one head: *major, *val (the argument: value, length or count).
 * Rejects indefinite lengths and reserved additional info. */
int tcbor_get_head(tcbor_r_t *r, uint8_t *major, uint64_t *val);
/* Typed reads. */
int tcbor_get_uint(tcbor_r_t *r, uint64_t *v);
int tcbor_get_int(tcbor_r_t *r, int64_t *v);
int tcbor_get_bytes(tcbor_r_t *r, const uint8_t **p, size_t *n);
int tcbor_get_text(tcbor_r_t *r, const uint8_t **p, size_t *n);
int tcbor_get_bool(tcbor_r_t *r, bool *v);
int tcbor_get_map(tcbor_r_t *r, size_t *pairs);
int tcbor_get_array(tcbor_r_t *r, size_t *items);
/* Skips one whole item (nesting bounded by CBOR_MAX_DEPTH). */
int tcbor_skip(tcbor_r_t *r);
/* Reads a whole item as a sub-reader (for later parsing) and skips it. */
int tcbor_get_item(tcbor_r_t *r, tcbor_r_t *item);
/* True when the next item has this major type (false at the end). */
bool tcbor_peek_is(const tcbor_r_t *r, uint8_t major);
/* True when text (p, n) equals the C string s. */
bool tcbor_text_eq(const uint8_t *p, size_t n, const char *s);
/* CTAP2_OK when no two keys of the map at r are equal (same type and
 * value, or same type and content for strings, whatever the head's
 * length): canonical CBOR has no duplicate keys, and a parser that keeps
 * the last of two "id"s must never see them. Reads a copy of r; maps of
 * more than TCBOR_UNIQUE_MAX pairs are CTAP2_ERR_LIMIT_EXCEEDED. */
#define TCBOR_UNIQUE_MAX 32u
int tcbor_map_keys_unique(tcbor_r_t r);

#endif /* TOKEN_TCBOR_H */
