/* verify_items.c: the disclosed elements of one Document: their digests,
 * "given twice", and "was it requested". Every comparison is over the full
 * namespace and identifier bytes as received, with their lengths; the
 * copies in amana_verified_element_t are cut to fit and serve display
 * only (two long names sharing a prefix, or a name with a NUL inside,
 * look alike there and must not be alike here). */
#include <string.h>

#include "amana/err.h"
#include "verify_internal.h"

#define CUT_MARK "..."

_Static_assert(AMANA_MDOC_MAX_ELEMENTS <= 64, "not_disclosed is a 64-bit mask");

bool verify_text_eq(const char *z, const char *s, size_t n)
{
	return strlen(z) == n && memcmp(z, s, n) == 0;
}

static bool name_eq(const char *a, size_t an, const char *b, size_t bn)
{
	return an == bn && memcmp(a, b, an) == 0;
}

/* Where a cut at w leaves whole UTF-8 characters (JSON output stays valid). */
static size_t utf8_cut(const char *s, size_t w)
{
	while (w > 0 && ((unsigned char)s[w] & 0xc0) == 0x80)
		w--;
	return w;
}

void verify_display(char *out, size_t cap, const char *s, size_t n)
{
	_Static_assert(AMANA_MDOC_MAX_NAME > sizeof(CUT_MARK), "room for the mark");
	if (cap <= sizeof(CUT_MARK)) { /* every caller has 64 bytes or more */
		if (cap > 0)
			out[0] = '\0';
		return;
	}
	size_t w = n;
	if (n > cap - 1) /* visibly cut: an officer must not read a prefix as the name */
		w = utf8_cut(s, cap - 1 - strlen(CUT_MARK));
	memcpy(out, s, w);
	for (size_t k = 0; k < w; k++) /* printable for reports */
		if ((unsigned char)out[k] < 0x20 || out[k] == 0x7f)
			out[k] = '?';
	if (w < n)
		memcpy(out + w, CUT_MARK, strlen(CUT_MARK)), w += strlen(CUT_MARK);
	out[w] = '\0';
}

/* The value in diagnostic notation, visibly cut when it does not fit. */
static void display_value(const mdoc_item_t *item, char *out, size_t cap)
{
	size_t need = amana_cbor_diag(item->doc, item->value, out, cap);
	if (need < cap)
		return;
	size_t w = utf8_cut(out, cap - 1 - strlen(CUT_MARK));
	memcpy(out + w, CUT_MARK, strlen(CUT_MARK) + 1);
}

/* The element just added (index n - 1) against those before it: the same
 * element twice would let a holder choose which value the officer sees. */
static bool given_before(const verify_name_t *names, size_t n)
{
	const verify_name_t *e = &names[n - 1];
	for (size_t k = 0; k + 1 < n; k++)
		if (name_eq(names[k].ns, names[k].ns_len, e->ns, e->ns_len) &&
		    name_eq(names[k].id, names[k].id_len, e->id, e->id_len))
			return true;
	return false;
}

/* One IssuerSignedItem; *twice when it is an element already given (its
 * own CBOR may also be refused as AMANA_ERR_CBOR_DUPKEY: a duplicate key
 * inside the item, before there is any element to name). */
static int one_item(const amana_cbor_doc_t *d, uint32_t it, const mdoc_mso_t *mso,
    const char *ns, size_t ns_len, amana_verified_doc_t *out, verify_name_t *names,
    bool *twice)
{
	mdoc_item_t item;
	*twice = false;
	if (out->nelements >= AMANA_VERIFY_MAX_ELEMENTS)
		return AMANA_ERR_LIMIT;
	int r = mdoc_item_check(d, it, mso, ns, ns_len, &item);
	if (r != AMANA_OK)
		return r;
	/* item.id points into the response (the item's bytes are a part of
	 * it), which outlives the checks; item.doc does not */
	verify_name_t *nm = &names[out->nelements];
	amana_verified_element_t *el = &out->elements[out->nelements++];
	*nm = (verify_name_t){ns, item.id, ns_len, item.id_len};
	verify_display(el->ns, sizeof(el->ns), ns, ns_len);
	verify_display(el->id, sizeof(el->id), item.id, item.id_len);
	display_value(&item, el->value, sizeof(el->value));
	mdoc_item_free(&item);
	*twice = given_before(names, out->nelements);
	return *twice ? AMANA_ERR_CBOR_DUPKEY : AMANA_OK;
}

int verify_items(const amana_cbor_doc_t *d, uint32_t ns_map, const mdoc_mso_t *mso,
    amana_verified_doc_t *out, verify_name_t *names, char *detail, size_t cap)
{
	if (ns_map == 0)
		return AMANA_OK; /* nothing disclosed */
	uint64_t nns, nitems;
	int r = amana_cbor_get_map(d, ns_map, &nns);
	uint32_t k = ns_map + 1;
	for (uint64_t i = 0; i < nns && r == AMANA_OK; i++) {
		uint32_t arr = amana_cbor_next(d, k);
		const char *ns;
		size_t ns_len;
		if ((r = amana_cbor_get_tstr(d, k, &ns, &ns_len)) != AMANA_OK ||
		    (r = amana_cbor_get_array(d, arr, &nitems)) != AMANA_OK)
			break;
		if (nitems == 0)
			r = AMANA_ERR_CBOR_VALUE;
		uint32_t it = arr + 1;
		for (uint64_t j = 0; j < nitems && r == AMANA_OK; j++) {
			bool twice;
			r = one_item(d, it, mso, ns, ns_len, out, names, &twice);
			char shown[AMANA_MDOC_MAX_NAME];
			if (twice) {
				snprintf(detail, cap, "element %s given twice",
				    out->elements[out->nelements - 1].id);
			} else if (r != AMANA_OK) {
				verify_display(shown, sizeof(shown), ns, ns_len);
				snprintf(detail, cap, "item %llu of namespace %s",
				    (unsigned long long)j, shown);
			}
			it = amana_cbor_next(d, it);
		}
		k = amana_cbor_next(d, arr);
	}
	return r;
}

bool verify_doctype_requested(const amana_request_t *req, size_t q,
    const char *doctype, size_t len)
{
	const char *want = amana_request_doctype(req, q);
	return want != NULL && verify_text_eq(want, doctype, len);
}

static bool requested(const amana_request_t *req, const char *doctype,
    size_t dlen, const verify_name_t *n)
{
	for (size_t q = 0; q < amana_request_doc_count(req); q++) {
		if (!verify_doctype_requested(req, q, doctype, dlen))
			continue;
		for (size_t j = 0; j < amana_request_elem_count(req, q); j++) {
			const amana_request_elem_t *el = amana_request_elem(req, q, j);
			if (verify_text_eq(el->ns, n->ns, n->ns_len) &&
			    verify_text_eq(el->id, n->id, n->id_len))
				return true;
		}
	}
	return false;
}

uint64_t verify_not_disclosed(const amana_request_t *req, size_t q,
    const verify_name_t *names, size_t n)
{
	uint64_t missing = 0;
	for (size_t j = 0; j < amana_request_elem_count(req, q); j++) {
		const amana_request_elem_t *el = amana_request_elem(req, q, j);
		bool given = false;
		for (size_t e = 0; e < n && !given; e++)
			given = verify_text_eq(el->ns, names[e].ns, names[e].ns_len) &&
			    verify_text_eq(el->id, names[e].id, names[e].id_len);
		if (!given)
			missing |= (uint64_t)1 << j;
	}
	return missing;
}

int verify_requested(const amana_request_t *req, const char *doctype, size_t dlen,
    const verify_name_t *names, const amana_verified_doc_t *out, char *detail,
    size_t cap)
{
	for (size_t e = 0; e < out->nelements; e++)
		if (!requested(req, doctype, dlen, &names[e])) {
			snprintf(detail, cap, "%s was not requested", out->elements[e].id);
			return AMANA_ERR_VERIFY_NOT_REQUESTED;
		}
	return AMANA_OK;
}
