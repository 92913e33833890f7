/* dec.c: the bounded, strict CBOR decoder.
 *
 * libcbor's streaming decoder reads one item header (or a whole string) per
 * call and reports it through a callback; libcbor checks that a string's
 * bytes are present before reporting it, and allocates nothing. Everything
 * that could make us allocate (counts, depth, item totals) is checked here
 * against the limits and the bytes left before the item is stored, so a
 * five-byte header cannot ask for gigabytes. libcbor's tree builder
 * (cbor_load) is not used: it trusts declared sizes, accepts duplicate
 * keys and loses the byte spans we hash. */
#include "amana/cbor.h"

#include <cbor.h>
#include <stdlib.h>
#include <string.h>

#include "amana/err.h"
#include "cbor_internal.h"

typedef struct open_item {
	uint32_t idx;       /* the container's item index */
	uint64_t remaining; /* children still expected */
} open_item_t;

typedef struct dctx {
	int err;
	bool got;                /* the callback reported an item */
	amana_cbor_item_t cur;   /* what it reported */
} dctx_t;

static void set(dctx_t *c, uint8_t type, uint64_t val)
{
	if (c->got) { /* more than one report per call: cannot happen */
		c->err = AMANA_ERR_INTERNAL;
		return;
	}
	c->got = true;
	memset(&c->cur, 0, sizeof(c->cur));
	c->cur.type = type;
	c->cur.val = val;
}

static void cb_u8(void *c, uint8_t v) { set(c, AMANA_CBOR_UINT, v); }
static void cb_u16(void *c, uint16_t v) { set(c, AMANA_CBOR_UINT, v); }
static void cb_u32(void *c, uint32_t v) { set(c, AMANA_CBOR_UINT, v); }
static void cb_u64(void *c, uint64_t v) { set(c, AMANA_CBOR_UINT, v); }
static void cb_n8(void *c, uint8_t v) { set(c, AMANA_CBOR_NINT, v); }
static void cb_n16(void *c, uint16_t v) { set(c, AMANA_CBOR_NINT, v); }
static void cb_n32(void *c, uint32_t v) { set(c, AMANA_CBOR_NINT, v); }
static void cb_n64(void *c, uint64_t v) { set(c, AMANA_CBOR_NINT, v); }

static void cb_indef(void *vc)
{
	dctx_t *c = vc;
	c->err = AMANA_ERR_CBOR_INDEFINITE;
}

static void cb_bstr(void *vc, cbor_data p, size_t n)
{
	dctx_t *c = vc;
	set(c, AMANA_CBOR_BSTR, n);
	c->cur.data = p;
}

static void cb_tstr(void *vc, cbor_data p, size_t n)
{
	dctx_t *c = vc;
	set(c, AMANA_CBOR_TSTR, n);
	c->cur.data = p;
	if (!amana_cbor_utf8_valid(p, n))
		c->err = AMANA_ERR_CBOR_UTF8;
}

static void cb_array(void *c, size_t n) { set(c, AMANA_CBOR_ARRAY, n); }
static void cb_map(void *c, size_t n) { set(c, AMANA_CBOR_MAP, n); }
static void cb_tag(void *c, uint64_t t) { set(c, AMANA_CBOR_TAG, t); }

static void cb_float(void *vc, float f)
{
	dctx_t *c = vc;
	set(c, AMANA_CBOR_FLOAT, 0);
	c->cur.f = f;
}

static void cb_double(void *vc, double f)
{
	dctx_t *c = vc;
	set(c, AMANA_CBOR_FLOAT, 0);
	c->cur.f = f;
}

static void cb_undef(void *c) { set(c, AMANA_CBOR_SIMPLE, AMANA_CBOR_UNDEFINED); }
static void cb_null(void *c) { set(c, AMANA_CBOR_SIMPLE, AMANA_CBOR_NULL); }

static void cb_bool(void *c, bool v)
{
	set(c, AMANA_CBOR_SIMPLE, v ? AMANA_CBOR_TRUE : AMANA_CBOR_FALSE);
}

static const struct cbor_callbacks callbacks = {
	.uint8 = cb_u8, .uint16 = cb_u16, .uint32 = cb_u32, .uint64 = cb_u64,
	.negint8 = cb_n8, .negint16 = cb_n16, .negint32 = cb_n32, .negint64 = cb_n64,
	.byte_string_start = cb_indef, .byte_string = cb_bstr,
	.string = cb_tstr, .string_start = cb_indef,
	.indef_array_start = cb_indef, .array_start = cb_array,
	.indef_map_start = cb_indef, .map_start = cb_map,
	.tag = cb_tag,
	.float2 = cb_float, .float4 = cb_float, .float8 = cb_double,
	.undefined = cb_undef, .null = cb_null, .boolean = cb_bool,
	.indef_break = cb_indef,
};

amana_cbor_limits_t amana_cbor_limits_default(void)
{
	amana_cbor_limits_t l = {AMANA_CBOR_MAX_INPUT_DEFAULT,
		AMANA_CBOR_MAX_DEPTH_DEFAULT, AMANA_CBOR_MAX_ITEMS_DEFAULT};
	return l;
}

static int push_item(amana_cbor_doc_t *d, const amana_cbor_item_t *it,
    uint32_t max_items)
{
	if (d->n >= max_items)
		return AMANA_ERR_CBOR_ITEMS;
	if (d->n == d->cap) {
		uint32_t cap = d->cap != 0 ? d->cap * 2 : 32;
		if (cap > max_items)
			cap = max_items;
		amana_cbor_item_t *q = realloc(d->items, (size_t)cap * sizeof(*q));
		if (q == NULL)
			return AMANA_ERR_NOMEM;
		d->items = q;
		d->cap = cap;
	}
	d->items[d->n++] = *it;
	return AMANA_OK;
}

/* Item idx is complete at byte offset end: fix its span, then complete
 * the containers it closes. */
static int complete(amana_cbor_doc_t *d, uint32_t idx, size_t end,
    open_item_t *stack, unsigned *depth)
{
	for (;;) {
		amana_cbor_item_t *it = &d->items[idx];
		it->len = end - it->off;
		it->next = d->n;
		if (it->type == AMANA_CBOR_MAP) {
			int r = amana_cbor_map_check_dups(d, idx);
			if (r != AMANA_OK)
				return r;
		}
		if (*depth == 0)
			return AMANA_OK;
		open_item_t *top = &stack[*depth - 1];
		if (--top->remaining > 0)
			return AMANA_OK;
		idx = top->idx;
		(*depth)--;
	}
}

static int decode(amana_cbor_doc_t *d, const amana_cbor_limits_t *lim)
{
	open_item_t stack[AMANA_CBOR_MAX_DEPTH_HARD];
	unsigned depth = 0;
	uint32_t max_depth = lim->max_depth < AMANA_CBOR_MAX_DEPTH_HARD ?
	    lim->max_depth : AMANA_CBOR_MAX_DEPTH_HARD;
	size_t pos = 0;
	bool done = false;

	if (d->len == 0)
		return AMANA_ERR_TRUNCATED;
	if (d->len > lim->max_input)
		return AMANA_ERR_CBOR_SIZE;
	while (pos < d->len) {
		if (done)
			return AMANA_ERR_CBOR_TRAILING;
		dctx_t c = {0};
		struct cbor_decoder_result res =
		    cbor_stream_decode(d->buf + pos, d->len - pos, &callbacks, &c);
		if (c.err != AMANA_OK)
			return c.err;
		if (res.status == CBOR_DECODER_NEDATA)
			return AMANA_ERR_TRUNCATED;
		if (res.status != CBOR_DECODER_FINISHED || !c.got ||
		    res.read == 0 || res.read > d->len - pos)
			return AMANA_ERR_CBOR_MALFORMED;
		size_t end = pos + res.read;
		size_t left = d->len - end;
		c.cur.off = pos;
		uint64_t children = 0;
		if (c.cur.type == AMANA_CBOR_ARRAY || c.cur.type == AMANA_CBOR_MAP) {
			/* each child takes at least one byte */
			if (c.cur.val > left ||
			    (c.cur.type == AMANA_CBOR_MAP && c.cur.val > left / 2))
				return AMANA_ERR_CBOR_SIZE;
			children = c.cur.type == AMANA_CBOR_MAP ? 2 * c.cur.val : c.cur.val;
		} else if (c.cur.type == AMANA_CBOR_TAG) {
			children = 1;
		}
		uint32_t idx = d->n;
		int r = push_item(d, &c.cur, lim->max_items);
		if (r != AMANA_OK)
			return r;
		pos = end;
		if (children > 0) {
			if (depth >= max_depth)
				return AMANA_ERR_CBOR_DEPTH;
			stack[depth].idx = idx;
			stack[depth].remaining = children;
			depth++;
			continue;
		}
		r = complete(d, idx, end, stack, &depth);
		if (r != AMANA_OK)
			return r;
		done = depth == 0;
	}
	return done ? AMANA_OK : AMANA_ERR_TRUNCATED;
}

int amana_cbor_decode(const uint8_t *buf, size_t len,
    const amana_cbor_limits_t *lim, amana_cbor_doc_t **out)
{
	if (out == NULL || (buf == NULL && len > 0))
		return AMANA_ERR_ARG;
	*out = NULL;
	amana_cbor_limits_t dl = amana_cbor_limits_default();
	if (lim == NULL)
		lim = &dl;
	amana_cbor_doc_t *d = calloc(1, sizeof(*d));
	if (d == NULL)
		return AMANA_ERR_NOMEM;
	d->buf = buf;
	d->len = len;
	int r = decode(d, lim);
	if (r != AMANA_OK) {
		amana_cbor_doc_free(&d);
		return r;
	}
	*out = d;
	return AMANA_OK;
}

void amana_cbor_doc_free(amana_cbor_doc_t **d)
{
	if (d == NULL || *d == NULL)
		return;
	free((*d)->items);
	free(*d);
	*d = NULL;
}
