/* get.c: typed, checked access to a decoded CBOR document, and the key
 * comparison the decoder uses to refuse duplicate map keys. */
#include <stdlib.h>
#include <string.h>

#include "amana/err.h"
#include "cbor_internal.h"

uint32_t amana_cbor_doc_count(const amana_cbor_doc_t *d)
{
	return d->n;
}

const amana_cbor_item_t *amana_cbor_at(const amana_cbor_doc_t *d, uint32_t i)
{
	return i < d->n ? &d->items[i] : NULL;
}

void amana_cbor_raw(const amana_cbor_doc_t *d, uint32_t i, const uint8_t **p,
    size_t *n)
{
	*p = d->buf + d->items[i].off;
	*n = d->items[i].len;
}

uint32_t amana_cbor_next(const amana_cbor_doc_t *d, uint32_t i)
{
	return d->items[i].next;
}

static const amana_cbor_item_t *typed(const amana_cbor_doc_t *d, uint32_t i,
    uint8_t type)
{
	if (d == NULL || i >= d->n || d->items[i].type != type)
		return NULL;
	return &d->items[i];
}

int amana_cbor_get_uint(const amana_cbor_doc_t *d, uint32_t i, uint64_t *v)
{
	const amana_cbor_item_t *it = typed(d, i, AMANA_CBOR_UINT);
	if (it == NULL)
		return AMANA_ERR_CBOR_TYPE;
	*v = it->val;
	return AMANA_OK;
}

int amana_cbor_get_int(const amana_cbor_doc_t *d, uint32_t i, int64_t *v)
{
	if (d == NULL || i >= d->n)
		return AMANA_ERR_CBOR_TYPE;
	const amana_cbor_item_t *it = &d->items[i];
	if (it->type != AMANA_CBOR_UINT && it->type != AMANA_CBOR_NINT)
		return AMANA_ERR_CBOR_TYPE;
	if (it->val > (uint64_t)INT64_MAX)
		return AMANA_ERR_CBOR_VALUE;
	*v = it->type == AMANA_CBOR_UINT ? (int64_t)it->val : -1 - (int64_t)it->val;
	return AMANA_OK;
}

int amana_cbor_get_bstr(const amana_cbor_doc_t *d, uint32_t i,
    const uint8_t **p, size_t *n)
{
	const amana_cbor_item_t *it = typed(d, i, AMANA_CBOR_BSTR);
	if (it == NULL)
		return AMANA_ERR_CBOR_TYPE;
	*p = it->data;
	*n = (size_t)it->val;
	return AMANA_OK;
}

int amana_cbor_get_tstr(const amana_cbor_doc_t *d, uint32_t i,
    const char **s, size_t *n)
{
	const amana_cbor_item_t *it = typed(d, i, AMANA_CBOR_TSTR);
	if (it == NULL)
		return AMANA_ERR_CBOR_TYPE;
	*s = (const char *)it->data;
	*n = (size_t)it->val;
	return AMANA_OK;
}

int amana_cbor_get_bool(const amana_cbor_doc_t *d, uint32_t i, bool *v)
{
	const amana_cbor_item_t *it = typed(d, i, AMANA_CBOR_SIMPLE);
	if (it == NULL || (it->val != AMANA_CBOR_TRUE && it->val != AMANA_CBOR_FALSE))
		return AMANA_ERR_CBOR_TYPE;
	*v = it->val == AMANA_CBOR_TRUE;
	return AMANA_OK;
}

bool amana_cbor_is_null(const amana_cbor_doc_t *d, uint32_t i)
{
	const amana_cbor_item_t *it = typed(d, i, AMANA_CBOR_SIMPLE);
	return it != NULL && it->val == AMANA_CBOR_NULL;
}

bool amana_cbor_tstr_eq(const amana_cbor_doc_t *d, uint32_t i, const char *s)
{
	const amana_cbor_item_t *it = typed(d, i, AMANA_CBOR_TSTR);
	size_t n = strlen(s);
	return it != NULL && it->val == n && memcmp(it->data, s, n) == 0;
}

int amana_cbor_get_tag(const amana_cbor_doc_t *d, uint32_t i, uint64_t tag,
    uint32_t *child)
{
	const amana_cbor_item_t *it = typed(d, i, AMANA_CBOR_TAG);
	if (it == NULL || it->val != tag)
		return AMANA_ERR_CBOR_TYPE;
	*child = i + 1;
	return AMANA_OK;
}

int amana_cbor_get_tag24(const amana_cbor_doc_t *d, uint32_t i,
    const uint8_t **p, size_t *n)
{
	uint32_t c;
	int r = amana_cbor_get_tag(d, i, 24, &c);
	return r != AMANA_OK ? r : amana_cbor_get_bstr(d, c, p, n);
}

int amana_cbor_get_array(const amana_cbor_doc_t *d, uint32_t i, uint64_t *count)
{
	const amana_cbor_item_t *it = typed(d, i, AMANA_CBOR_ARRAY);
	if (it == NULL)
		return AMANA_ERR_CBOR_TYPE;
	*count = it->val;
	return AMANA_OK;
}

int amana_cbor_get_map(const amana_cbor_doc_t *d, uint32_t i, uint64_t *count)
{
	const amana_cbor_item_t *it = typed(d, i, AMANA_CBOR_MAP);
	if (it == NULL)
		return AMANA_ERR_CBOR_TYPE;
	*count = it->val;
	return AMANA_OK;
}

int amana_cbor_map_get_str(const amana_cbor_doc_t *d, uint32_t m,
    const char *key, uint32_t *val)
{
	const amana_cbor_item_t *it = typed(d, m, AMANA_CBOR_MAP);
	if (it == NULL)
		return AMANA_ERR_CBOR_TYPE;
	uint32_t k = m + 1;
	for (uint64_t p = 0; p < it->val; p++) {
		uint32_t v = d->items[k].next;
		if (amana_cbor_tstr_eq(d, k, key)) {
			*val = v;
			return AMANA_OK;
		}
		k = d->items[v].next;
	}
	return AMANA_ERR_CBOR_MISSING;
}

int amana_cbor_map_get_int(const amana_cbor_doc_t *d, uint32_t m,
    int64_t key, uint32_t *val)
{
	const amana_cbor_item_t *it = typed(d, m, AMANA_CBOR_MAP);
	if (it == NULL)
		return AMANA_ERR_CBOR_TYPE;
	uint32_t k = m + 1;
	for (uint64_t p = 0; p < it->val; p++) {
		uint32_t v = d->items[k].next;
		int64_t kv;
		if (amana_cbor_get_int(d, k, &kv) == AMANA_OK && kv == key) {
			*val = v;
			return AMANA_OK;
		}
		k = d->items[v].next;
	}
	return AMANA_ERR_CBOR_MISSING;
}

int amana_cbor_map_only_keys(const amana_cbor_doc_t *d, uint32_t m,
    const char *const *allowed, size_t n)
{
	const amana_cbor_item_t *it = typed(d, m, AMANA_CBOR_MAP);
	if (it == NULL)
		return AMANA_ERR_CBOR_TYPE;
	uint32_t k = m + 1;
	for (uint64_t p = 0; p < it->val; p++) {
		bool ok = false;
		for (size_t a = 0; a < n && !ok; a++)
			ok = amana_cbor_tstr_eq(d, k, allowed[a]);
		if (!ok)
			return AMANA_ERR_CBOR_EXTRA;
		k = d->items[d->items[k].next].next;
	}
	return AMANA_OK;
}

/* ---- duplicate keys: equal when type and value agree (so 1 and "1" are
 * different keys, and so are 1 and 1.0); strings by content, integers by
 * value, anything else by its encoded bytes. */
typedef struct keyref {
	const amana_cbor_item_t *it;
	const uint8_t *raw;
} keyref_t;

static int key_cmp(const void *a, const void *b)
{
	const keyref_t *x = a, *y = b;
	if (x->it->type != y->it->type)
		return x->it->type < y->it->type ? -1 : 1;
	const uint8_t *p, *q;
	size_t pn, qn;
	switch (x->it->type) {
	case AMANA_CBOR_UINT:
	case AMANA_CBOR_NINT:
		return x->it->val < y->it->val ? -1 : x->it->val > y->it->val ? 1 : 0;
	case AMANA_CBOR_BSTR:
	case AMANA_CBOR_TSTR:
		p = x->it->data, pn = (size_t)x->it->val;
		q = y->it->data, qn = (size_t)y->it->val;
		break;
	default:
		p = x->raw, pn = x->it->len;
		q = y->raw, qn = y->it->len;
		break;
	}
	if (pn != qn)
		return pn < qn ? -1 : 1;
	return pn == 0 ? 0 : memcmp(p, q, pn);
}

int amana_cbor_map_check_dups(const amana_cbor_doc_t *d, uint32_t m)
{
	uint64_t np = d->items[m].val;
	if (np < 2)
		return AMANA_OK;
	keyref_t small[16];
	keyref_t *keys = small;
	if (np > 16) {
		keys = malloc((size_t)np * sizeof(*keys));
		if (keys == NULL)
			return AMANA_ERR_NOMEM;
	}
	uint32_t k = m + 1;
	for (uint64_t p = 0; p < np; p++) {
		keys[p].it = &d->items[k];
		keys[p].raw = d->buf + d->items[k].off;
		k = d->items[d->items[k].next].next;
	}
	qsort(keys, (size_t)np, sizeof(*keys), key_cmp);
	int r = AMANA_OK;
	for (uint64_t p = 0; p + 1 < np; p++)
		if (key_cmp(&keys[p], &keys[p + 1]) == 0)
			r = AMANA_ERR_CBOR_DUPKEY;
	if (keys != small)
		free(keys);
	return r;
}

bool amana_cbor_utf8_valid(const uint8_t *p, size_t n)
{
	size_t i = 0;
	while (i < n) {
		uint8_t c = p[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		size_t need;
		uint32_t cp, min;
		if ((c & 0xe0) == 0xc0)
			need = 1, cp = c & 0x1fu, min = 0x80;
		else if ((c & 0xf0) == 0xe0)
			need = 2, cp = c & 0x0fu, min = 0x800;
		else if ((c & 0xf8) == 0xf0)
			need = 3, cp = c & 0x07u, min = 0x10000;
		else
			return false;
		if (n - i - 1 < need)
			return false;
		for (size_t k = 1; k <= need; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (p[i + k] & 0x3fu);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += need + 1;
	}
	return true;
}
