/* diag.c: CBOR diagnostic notation (RFC 8949 section 8) of a decoded item,
 * for tests and for the `show` commands. Recursion is bounded by the
 * decoder's depth limit. */
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cbor_internal.h"

typedef struct out {
	char *p;
	size_t cap, len;
} out_t;

static void emit(out_t *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void emit(out_t *o, const char *fmt, ...)
{
	char tmp[64];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	for (size_t k = 0; k < (size_t)n && k < sizeof(tmp) - 1; k++) {
		if (o->len + 1 < o->cap)
			o->p[o->len] = tmp[k];
		o->len++;
	}
}

static void emit_text(out_t *o, const uint8_t *s, size_t n)
{
	emit(o, "\"");
	for (size_t k = 0; k < n; k++) {
		if (s[k] == '"' || s[k] == '\\')
			emit(o, "\\%c", s[k]);
		else if (s[k] < 0x20)
			emit(o, "\\u%04x", s[k]);
		else
			emit(o, "%c", s[k]);
	}
	emit(o, "\"");
}

static void diag(const amana_cbor_doc_t *d, uint32_t i, out_t *o)
{
	const amana_cbor_item_t *it = &d->items[i];
	uint32_t c = i + 1;
	switch (it->type) {
	case AMANA_CBOR_UINT:
		emit(o, "%" PRIu64, it->val);
		break;
	case AMANA_CBOR_NINT:
		if (it->val == UINT64_MAX)
			emit(o, "-18446744073709551616");
		else
			emit(o, "-%" PRIu64, it->val + 1);
		break;
	case AMANA_CBOR_BSTR:
		emit(o, "h'");
		for (uint64_t k = 0; k < it->val; k++)
			emit(o, "%02x", it->data[k]);
		emit(o, "'");
		break;
	case AMANA_CBOR_TSTR:
		emit_text(o, it->data, (size_t)it->val);
		break;
	case AMANA_CBOR_ARRAY:
	case AMANA_CBOR_MAP:
		emit(o, it->type == AMANA_CBOR_ARRAY ? "[" : "{");
		for (uint64_t k = 0; k < it->val; k++) {
			if (k > 0)
				emit(o, ", ");
			diag(d, c, o);
			c = d->items[c].next;
			if (it->type == AMANA_CBOR_MAP) {
				emit(o, ": ");
				diag(d, c, o);
				c = d->items[c].next;
			}
		}
		emit(o, it->type == AMANA_CBOR_ARRAY ? "]" : "}");
		break;
	case AMANA_CBOR_TAG:
		emit(o, "%" PRIu64 "(", it->val);
		diag(d, c, o);
		emit(o, ")");
		break;
	case AMANA_CBOR_SIMPLE:
		emit(o, "%s", it->val == AMANA_CBOR_FALSE ? "false" :
		    it->val == AMANA_CBOR_TRUE ? "true" :
		    it->val == AMANA_CBOR_NULL ? "null" : "undefined");
		break;
	default:
		if (isnan(it->f))
			emit(o, "NaN");
		else if (isinf(it->f))
			emit(o, it->f > 0 ? "Infinity" : "-Infinity");
		else
			emit(o, "%.17g", it->f);
		break;
	}
}

size_t amana_cbor_diag(const amana_cbor_doc_t *d, uint32_t i, char *out,
    size_t cap)
{
	out_t o = {out, cap, 0};
	if (i < d->n)
		diag(d, i, &o);
	if (cap > 0)
		out[o.len < cap ? o.len : cap - 1] = '\0';
	return o.len;
}
