/* cbor.c: bounded canonical CBOR writer and cursor reader (contract in
 * cbor.h). The writer always picks the shortest head, which is what makes
 * CTAP2 canonical encoding a matter of key order only. */
#include "tcbor.h"

#include <string.h>

#include "ctap.h"

static void put_head(tcbor_w_t *w, uint8_t major, uint64_t v)
{
	uint8_t h[9];
	size_t n;
	uint8_t m = (uint8_t)(major << 5);
	if (v < 24) {
		h[0] = (uint8_t)(m | v);
		n = 1;
	} else if (v <= 0xFF) {
		h[0] = (uint8_t)(m | 24);
		h[1] = (uint8_t)v;
		n = 2;
	} else if (v <= 0xFFFF) {
		h[0] = (uint8_t)(m | 25);
		h[1] = (uint8_t)(v >> 8);
		h[2] = (uint8_t)v;
		n = 3;
	} else if (v <= 0xFFFFFFFFu) {
		h[0] = (uint8_t)(m | 26);
		for (int i = 0; i < 4; i++)
			h[1 + i] = (uint8_t)(v >> (24 - 8 * i));
		n = 5;
	} else {
		h[0] = (uint8_t)(m | 27);
		for (int i = 0; i < 8; i++)
			h[1 + i] = (uint8_t)(v >> (56 - 8 * i));
		n = 9;
	}
	tcbor_put_raw(w, h, n);
}

void tcbor_w_init(tcbor_w_t *w, uint8_t *buf, size_t cap)
{
	w->buf = buf;
	w->cap = cap;
	w->len = 0;
	w->err = false;
}

void tcbor_put_raw(tcbor_w_t *w, const uint8_t *p, size_t n)
{
	if (w->err || n > w->cap - w->len) {
		w->err = true;
		return;
	}
	if (n > 0)
		memcpy(w->buf + w->len, p, n);
	w->len += n;
}

void tcbor_put_uint(tcbor_w_t *w, uint64_t v)
{
	put_head(w, CBOR_UINT, v);
}

void tcbor_put_int(tcbor_w_t *w, int64_t v)
{
	if (v >= 0)
		put_head(w, CBOR_UINT, (uint64_t)v);
	else
		put_head(w, CBOR_NINT, (uint64_t)(-(v + 1)));
}

void tcbor_put_bytes(tcbor_w_t *w, const uint8_t *p, size_t n)
{
	put_head(w, CBOR_BYTES, n);
	tcbor_put_raw(w, p, n);
}

void tcbor_put_textn(tcbor_w_t *w, const char *s, size_t n)
{
	put_head(w, CBOR_TEXT, n);
	tcbor_put_raw(w, (const uint8_t *)s, n);
}

void tcbor_put_text(tcbor_w_t *w, const char *s)
{
	size_t n = 0;
	while (s[n] != '\0')
		n++;
	tcbor_put_textn(w, s, n);
}

void tcbor_put_map(tcbor_w_t *w, size_t pairs)
{
	put_head(w, CBOR_MAP, pairs);
}

void tcbor_put_array(tcbor_w_t *w, size_t items)
{
	put_head(w, CBOR_ARRAY, items);
}

void tcbor_put_bool(tcbor_w_t *w, bool v)
{
	uint8_t b = v ? 0xF5 : 0xF4;
	tcbor_put_raw(w, &b, 1);
}

/* ---- reader */

int tcbor_get_head(tcbor_r_t *r, uint8_t *major, uint64_t *val)
{
	if (r->n < 1)
		return CTAP2_ERR_INVALID_CBOR;
	uint8_t b = r->p[0];
	uint8_t ai = b & 0x1F;
	*major = (uint8_t)(b >> 5);
	size_t extra;
	if (ai < 24)
		extra = 0;
	else if (ai <= 27)
		extra = (size_t)1 << (ai - 24);
	else
		return CTAP2_ERR_INVALID_CBOR; /* reserved or indefinite */
	if (r->n < 1 + extra)
		return CTAP2_ERR_INVALID_CBOR;
	uint64_t v = extra == 0 ? ai : 0;
	for (size_t i = 0; i < extra; i++)
		v = (v << 8) | r->p[1 + i];
	/* Simple values: only false/true/null/undefined, no floats. */
	if (*major == CBOR_SIMPLE && (ai < 20 || ai > 23))
		return CTAP2_ERR_INVALID_CBOR;
	r->p += 1 + extra;
	r->n -= 1 + extra;
	*val = v;
	return CTAP2_OK;
}

static int get_typed(tcbor_r_t *r, uint8_t want, uint64_t *v)
{
	tcbor_r_t save = *r;
	uint8_t major;
	int rc = tcbor_get_head(r, &major, v);
	if (rc != CTAP2_OK)
		return rc;
	if (major != want) {
		*r = save;
		return CTAP2_ERR_CBOR_UNEXPECTED_TYPE;
	}
	return CTAP2_OK;
}

int tcbor_get_uint(tcbor_r_t *r, uint64_t *v)
{
	return get_typed(r, CBOR_UINT, v);
}

int tcbor_get_int(tcbor_r_t *r, int64_t *v)
{
	tcbor_r_t save = *r;
	uint8_t major;
	uint64_t u;
	int rc = tcbor_get_head(r, &major, &u);
	if (rc != CTAP2_OK)
		return rc;
	if ((major != CBOR_UINT && major != CBOR_NINT) || u > INT64_MAX) {
		*r = save;
		return CTAP2_ERR_CBOR_UNEXPECTED_TYPE;
	}
	*v = major == CBOR_UINT ? (int64_t)u : -1 - (int64_t)u;
	return CTAP2_OK;
}

static int get_string(tcbor_r_t *r, uint8_t want, const uint8_t **p, size_t *n)
{
	uint64_t len;
	int rc = get_typed(r, want, &len);
	if (rc != CTAP2_OK)
		return rc;
	if (len > r->n)
		return CTAP2_ERR_INVALID_CBOR;
	*p = r->p;
	*n = (size_t)len;
	r->p += len;
	r->n -= (size_t)len;
	return CTAP2_OK;
}

int tcbor_get_bytes(tcbor_r_t *r, const uint8_t **p, size_t *n)
{
	return get_string(r, CBOR_BYTES, p, n);
}

int tcbor_get_text(tcbor_r_t *r, const uint8_t **p, size_t *n)
{
	return get_string(r, CBOR_TEXT, p, n);
}

int tcbor_get_bool(tcbor_r_t *r, bool *v)
{
	uint64_t s;
	int rc = get_typed(r, CBOR_SIMPLE, &s);
	if (rc != CTAP2_OK)
		return rc;
	if (s != 20 && s != 21)
		return CTAP2_ERR_CBOR_UNEXPECTED_TYPE;
	*v = s == 21;
	return CTAP2_OK;
}

static int get_count(tcbor_r_t *r, uint8_t want, size_t *count)
{
	uint64_t c;
	int rc = get_typed(r, want, &c);
	if (rc != CTAP2_OK)
		return rc;
	/* Every item takes at least one byte: a larger count is a lie. */
	if (c > r->n)
		return CTAP2_ERR_INVALID_CBOR;
	*count = (size_t)c;
	return CTAP2_OK;
}

int tcbor_get_map(tcbor_r_t *r, size_t *pairs)
{
	return get_count(r, CBOR_MAP, pairs);
}

int tcbor_get_array(tcbor_r_t *r, size_t *items)
{
	return get_count(r, CBOR_ARRAY, items);
}

static int skip_depth(tcbor_r_t *r, unsigned depth)
{
	if (depth > CBOR_MAX_DEPTH)
		return CTAP2_ERR_INVALID_CBOR;
	uint8_t major;
	uint64_t v;
	int rc = tcbor_get_head(r, &major, &v);
	if (rc != CTAP2_OK)
		return rc;
	switch (major) {
	case CBOR_BYTES:
	case CBOR_TEXT:
		if (v > r->n)
			return CTAP2_ERR_INVALID_CBOR;
		r->p += v;
		r->n -= (size_t)v;
		return CTAP2_OK;
	case CBOR_ARRAY:
	case CBOR_MAP:
		if (v > r->n)
			return CTAP2_ERR_INVALID_CBOR;
		for (uint64_t i = 0; i < (major == CBOR_MAP ? 2 * v : v); i++)
			if ((rc = skip_depth(r, depth + 1)) != CTAP2_OK)
				return rc;
		return CTAP2_OK;
	case CBOR_TAG:
		return skip_depth(r, depth + 1);
	default:
		return CTAP2_OK;
	}
}

int tcbor_skip(tcbor_r_t *r)
{
	return skip_depth(r, 0);
}

int tcbor_get_item(tcbor_r_t *r, tcbor_r_t *item)
{
	const uint8_t *start = r->p;
	int rc = tcbor_skip(r);
	if (rc != CTAP2_OK)
		return rc;
	item->p = start;
	item->n = (size_t)(r->p - start);
	return CTAP2_OK;
}

bool tcbor_peek_is(const tcbor_r_t *r, uint8_t major)
{
	return r->n > 0 && (r->p[0] >> 5) == major;
}

bool tcbor_text_eq(const uint8_t *p, size_t n, const char *s)
{
	size_t i = 0;
	for (; i < n; i++)
		if (s[i] == '\0' || (uint8_t)s[i] != p[i])
			return false;
	return s[i] == '\0';
}

/* Keys a and b (whole items) are the same key. */
static bool key_eq(tcbor_r_t a, tcbor_r_t b)
{
	uint8_t ma, mb;
	uint64_t va, vb;
	if (tcbor_get_head(&a, &ma, &va) != CTAP2_OK ||
	    tcbor_get_head(&b, &mb, &vb) != CTAP2_OK || ma != mb)
		return false;
	switch (ma) {
	case CBOR_UINT:
	case CBOR_NINT:
	case CBOR_SIMPLE:
		return va == vb;
	case CBOR_BYTES:
	case CBOR_TEXT: /* the items were read whole: the payloads are there */
		return va == vb && (va == 0 || memcmp(a.p, b.p, (size_t)va) == 0);
	default: /* arrays, maps, tags as keys: byte for byte */
		return a.n == b.n && memcmp(a.p, b.p, a.n) == 0;
	}
}

int tcbor_map_keys_unique(tcbor_r_t r)
{
	size_t pairs;
	int rc = tcbor_get_map(&r, &pairs);
	if (rc != CTAP2_OK)
		return rc;
	if (pairs > TCBOR_UNIQUE_MAX)
		return CTAP2_ERR_LIMIT_EXCEEDED;
	const tcbor_r_t first = r;
	for (size_t i = 0; i < pairs; i++) {
		tcbor_r_t key;
		if ((rc = tcbor_get_item(&r, &key)) != CTAP2_OK ||
		    (rc = tcbor_skip(&r)) != CTAP2_OK)
			return rc;
		tcbor_r_t c = first; /* every earlier key, read again */
		for (size_t j = 0; j < i; j++) {
			tcbor_r_t prev;
			if (tcbor_get_item(&c, &prev) != CTAP2_OK || tcbor_skip(&c) != CTAP2_OK)
				return CTAP2_ERR_INVALID_CBOR;
			if (key_eq(prev, key))
				return CTAP2_ERR_INVALID_CBOR;
		}
	}
	return CTAP2_OK;
}
