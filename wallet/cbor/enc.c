/* enc.c: the deterministic CBOR encoder (RFC 8949 section 4.2.1).
 *
 * Containers are written without a header; when a container closes, its
 * length is known and the header is inserted in front of its content (a
 * memmove of the content). For a map, the start offset of each key and
 * value written directly inside it is kept on a stack shared by all open
 * containers, so that the pairs can be sorted by their encoded keys at the
 * end. Inner containers always end at the buffer's end when they close, so
 * inserting their header never moves an offset an outer frame recorded. */
#include "amana/cbor.h"

#include <stdlib.h>
#include <string.h>

#include "amana/err.h"

enum { FR_TOP, FR_ARRAY, FR_MAP, FR_BSTR };

typedef struct frame {
	int kind;
	size_t start;    /* offset of the content */
	uint64_t count;  /* items written directly inside */
	size_t offs_base; /* first index of this frame's offsets */
} frame_t;

struct amana_cbor_enc {
	uint8_t *buf;
	size_t len, cap;
	int err;
	bool pending_tag;  /* a tag was written, its content not yet */
	frame_t fr[AMANA_CBOR_MAX_DEPTH_HARD + 1];
	unsigned depth;    /* fr[0] is the top level */
	size_t *offs;      /* item start offsets of open maps */
	size_t noffs, capoffs;
	uint8_t *tmp;      /* scratch for sorting a map */
	size_t captmp;
};

int amana_cbor_enc_new(amana_cbor_enc_t **out)
{
	if (out == NULL)
		return AMANA_ERR_ARG;
	*out = calloc(1, sizeof(**out));
	return *out != NULL ? AMANA_OK : AMANA_ERR_NOMEM;
}

void amana_cbor_enc_free(amana_cbor_enc_t **e)
{
	if (e == NULL || *e == NULL)
		return;
	free((*e)->buf);
	free((*e)->offs);
	free((*e)->tmp);
	free(*e);
	*e = NULL;
}

void amana_cbor_enc_reset(amana_cbor_enc_t *e)
{
	e->len = 0;
	e->err = AMANA_OK;
	e->pending_tag = false;
	e->depth = 0;
	e->noffs = 0;
	memset(&e->fr[0], 0, sizeof(e->fr[0]));
}

static int grow(uint8_t **p, size_t *cap, size_t need)
{
	if (need <= *cap)
		return AMANA_OK;
	size_t n = *cap != 0 ? *cap : 256;
	while (n < need) {
		if (n > SIZE_MAX / 2)
			return AMANA_ERR_NOMEM;
		n *= 2;
	}
	uint8_t *q = realloc(*p, n);
	if (q == NULL)
		return AMANA_ERR_NOMEM;
	*p = q;
	*cap = n;
	return AMANA_OK;
}

static int fail(amana_cbor_enc_t *e, int err)
{
	if (e->err == AMANA_OK)
		e->err = err;
	return e->err;
}

/* Header bytes of major type mt with argument v, shortest form. */
static size_t head(uint8_t out[9], unsigned mt, uint64_t v)
{
	uint8_t m = (uint8_t)(mt << 5);
	if (v < 24) {
		out[0] = (uint8_t)(m | v);
		return 1;
	}
	size_t n = v <= 0xff ? 1 : v <= 0xffff ? 2 : v <= 0xffffffffu ? 4 : 8;
	out[0] = (uint8_t)(m | (n == 1 ? 24 : n == 2 ? 25 : n == 4 ? 26 : 27));
	for (size_t k = 0; k < n; k++)
		out[1 + k] = (uint8_t)(v >> (8 * (n - 1 - k)));
	return 1 + n;
}

size_t amana_cbor_head(uint8_t out[9], unsigned major, uint64_t arg)
{
	return head(out, major & 7u, arg);
}

static int append(amana_cbor_enc_t *e, const void *p, size_t n)
{
	if (n > SIZE_MAX - e->len)
		return fail(e, AMANA_ERR_NOMEM);
	int r = grow(&e->buf, &e->cap, e->len + n);
	if (r != AMANA_OK)
		return fail(e, r);
	if (n > 0)
		memcpy(e->buf + e->len, p, n);
	e->len += n;
	return AMANA_OK;
}

/* Called at the start of every item: counts it in the open container and,
 * in a map, records where it starts. Not for the content of a tag. */
static int item_start(amana_cbor_enc_t *e)
{
	if (e->err != AMANA_OK)
		return e->err;
	if (e->pending_tag) {
		e->pending_tag = false;
		return AMANA_OK;
	}
	frame_t *f = &e->fr[e->depth];
	if (f->kind == FR_TOP && f->count > 0)
		return fail(e, AMANA_ERR_STATE); /* one top-level item */
	f->count++;
	if (f->kind == FR_MAP) {
		if (e->noffs == e->capoffs) {
			size_t n = e->capoffs != 0 ? e->capoffs * 2 : 64;
			size_t *q = realloc(e->offs, n * sizeof(*q));
			if (q == NULL)
				return fail(e, AMANA_ERR_NOMEM);
			e->offs = q;
			e->capoffs = n;
		}
		e->offs[e->noffs++] = e->len;
	}
	return AMANA_OK;
}

static int put_head(amana_cbor_enc_t *e, unsigned mt, uint64_t v)
{
	uint8_t h[9];
	int r = item_start(e);
	if (r != AMANA_OK)
		return r;
	return append(e, h, head(h, mt, v));
}

int amana_cbor_put_uint(amana_cbor_enc_t *e, uint64_t v)
{
	return put_head(e, 0, v);
}

int amana_cbor_put_int(amana_cbor_enc_t *e, int64_t v)
{
	if (v >= 0)
		return put_head(e, 0, (uint64_t)v);
	return put_head(e, 1, (uint64_t)(-(v + 1)));
}

int amana_cbor_put_bstr(amana_cbor_enc_t *e, const uint8_t *p, size_t n)
{
	int r = put_head(e, 2, n);
	return r != AMANA_OK ? r : append(e, p, n);
}

int amana_cbor_put_tstrn(amana_cbor_enc_t *e, const char *s, size_t n)
{
	int r = put_head(e, 3, n);
	return r != AMANA_OK ? r : append(e, s, n);
}

int amana_cbor_put_tstr(amana_cbor_enc_t *e, const char *s)
{
	return amana_cbor_put_tstrn(e, s, strlen(s));
}

int amana_cbor_put_bool(amana_cbor_enc_t *e, bool v)
{
	return put_head(e, 7, v ? AMANA_CBOR_TRUE : AMANA_CBOR_FALSE);
}

int amana_cbor_put_null(amana_cbor_enc_t *e)
{
	return put_head(e, 7, AMANA_CBOR_NULL);
}

int amana_cbor_put_tag(amana_cbor_enc_t *e, uint64_t tag)
{
	int r = put_head(e, 6, tag);
	if (r == AMANA_OK)
		e->pending_tag = true;
	return r;
}

int amana_cbor_put_raw(amana_cbor_enc_t *e, const uint8_t *p, size_t n)
{
	if (n == 0)
		return fail(e, AMANA_ERR_ARG);
	int r = item_start(e);
	return r != AMANA_OK ? r : append(e, p, n);
}

static int open_frame(amana_cbor_enc_t *e, int kind)
{
	int r = item_start(e);
	if (r != AMANA_OK)
		return r;
	if (e->depth >= AMANA_CBOR_MAX_DEPTH_HARD)
		return fail(e, AMANA_ERR_CBOR_DEPTH);
	frame_t *f = &e->fr[++e->depth];
	f->kind = kind;
	f->start = e->len;
	f->count = 0;
	f->offs_base = e->noffs;
	return AMANA_OK;
}

/* Inserts the header (mt, v) in front of the content of the closing frame. */
static int close_frame(amana_cbor_enc_t *e, int kind, unsigned mt, uint64_t v)
{
	frame_t *f = &e->fr[e->depth];
	uint8_t h[9];
	size_t hn = head(h, mt, v);
	int r = grow(&e->buf, &e->cap, e->len + hn);
	if (r != AMANA_OK)
		return fail(e, r);
	(void)kind;
	memmove(e->buf + f->start + hn, e->buf + f->start, e->len - f->start);
	memcpy(e->buf + f->start, h, hn);
	e->len += hn;
	e->noffs = f->offs_base;
	e->depth--;
	return AMANA_OK;
}

static int check_close(amana_cbor_enc_t *e, int kind)
{
	if (e->err != AMANA_OK)
		return e->err;
	if (e->depth == 0 || e->fr[e->depth].kind != kind || e->pending_tag)
		return fail(e, AMANA_ERR_STATE);
	return AMANA_OK;
}

int amana_cbor_array_begin(amana_cbor_enc_t *e) { return open_frame(e, FR_ARRAY); }
int amana_cbor_map_begin(amana_cbor_enc_t *e) { return open_frame(e, FR_MAP); }
int amana_cbor_bstr_begin(amana_cbor_enc_t *e) { return open_frame(e, FR_BSTR); }

int amana_cbor_array_end(amana_cbor_enc_t *e)
{
	int r = check_close(e, FR_ARRAY);
	return r != AMANA_OK ? r : close_frame(e, FR_ARRAY, 4, e->fr[e->depth].count);
}

int amana_cbor_bstr_end(amana_cbor_enc_t *e)
{
	int r = check_close(e, FR_BSTR);
	if (r != AMANA_OK)
		return r;
	return close_frame(e, FR_BSTR, 2, e->len - e->fr[e->depth].start);
}

typedef struct pair {
	const uint8_t *kp; /* the key's encoding */
	size_t k, kn;      /* key offset and length */
	size_t n;          /* key + value length */
} pair_t;

static int pair_cmp(const void *a, const void *b)
{
	const pair_t *x = a, *y = b;
	size_t n = x->kn < y->kn ? x->kn : y->kn;
	int c = memcmp(x->kp, y->kp, n);
	if (c != 0)
		return c;
	return x->kn < y->kn ? -1 : x->kn > y->kn ? 1 : 0;
}

int amana_cbor_map_end(amana_cbor_enc_t *e)
{
	int r = check_close(e, FR_MAP);
	if (r != AMANA_OK)
		return r;
	frame_t *f = &e->fr[e->depth];
	if (f->count % 2 != 0)
		return fail(e, AMANA_ERR_STATE); /* a key without a value */
	size_t np = (size_t)(f->count / 2);
	if (np > 1) {
		pair_t *pr = malloc(np * sizeof(*pr));
		if (pr == NULL)
			return fail(e, AMANA_ERR_NOMEM);
		const size_t *o = e->offs + f->offs_base;
		for (size_t i = 0; i < np; i++) {
			size_t end = i + 1 < np ? o[2 * i + 2] : e->len;
			pr[i].k = o[2 * i];
			pr[i].kp = e->buf + o[2 * i];
			pr[i].kn = o[2 * i + 1] - o[2 * i];
			pr[i].n = end - o[2 * i];
		}
		qsort(pr, np, sizeof(*pr), pair_cmp);
		for (size_t i = 0; i + 1 < np && r == AMANA_OK; i++)
			if (pair_cmp(&pr[i], &pr[i + 1]) == 0)
				r = AMANA_ERR_CBOR_DUPKEY;
		size_t total = e->len - f->start;
		if (r == AMANA_OK)
			r = grow(&e->tmp, &e->captmp, total);
		if (r == AMANA_OK) {
			size_t w = 0;
			for (size_t i = 0; i < np; i++) {
				memcpy(e->tmp + w, e->buf + pr[i].k, pr[i].n);
				w += pr[i].n;
			}
			memcpy(e->buf + f->start, e->tmp, total);
		}
		free(pr);
		if (r != AMANA_OK)
			return fail(e, r);
	}
	return close_frame(e, FR_MAP, 5, np);
}

int amana_cbor_enc_bytes(const amana_cbor_enc_t *e, const uint8_t **p, size_t *n)
{
	if (e->err != AMANA_OK)
		return e->err;
	if (e->depth != 0 || e->pending_tag || e->fr[0].count == 0)
		return AMANA_ERR_STATE;
	*p = e->buf;
	*n = e->len;
	return AMANA_OK;
}

int amana_cbor_enc_copy(const amana_cbor_enc_t *e, uint8_t **p, size_t *n)
{
	const uint8_t *b;
	size_t bn;
	int r = amana_cbor_enc_bytes(e, &b, &bn);
	if (r != AMANA_OK)
		return r;
	*p = malloc(bn);
	if (*p == NULL)
		return AMANA_ERR_NOMEM;
	memcpy(*p, b, bn);
	*n = bn;
	return AMANA_OK;
}
